#!/usr/bin/env python3
"""Checks every pipeline snippet of the documentation against the real binary.

Every fenced ```sql block in docs/**/*.md and README.md is a pipeline snippet. For each document the
checker creates a fresh project (`sqlflow init`, plus the fixtures in tests/docs/fixtures/), writes each
snippet to a pipeline file and runs `sqlflow pipeline validate <name>`, then `sqlflow pipeline run <name>`.

The info string after `sql` may carry space-separated attributes:
  fragment        a piece of a statement or a grammar form: not checked (counted and listed with -v)
  norun           validate only (the snippet needs a server or network access)
  file=PATH       write the block to PATH in the project instead of pipelines/doc_<n>.sf; a pipeline file
                  under pipelines/ is then validated by its name unless `fragment` is given too
  error=CODE      `pipeline validate` must fail (exit 2) and print CODE
  run-error=CODE  validate must pass and `pipeline run` must fail (exit 1) and print CODE
  warning=CODE    validate must pass and print the warning CODE, or else `pipeline run` must (exit 0)
  vars=VALUE      passed as --vars VALUE (no spaces)
  profile=NAME    passed as --profile NAME
  runs=N          run the pipeline N times (for incremental examples with a persistent profile)
  env=K=V[,K=V]   environment variables for the commands (e.g. a placeholder token for a `norun` snippet)
Other fenced blocks with a `file=PATH` attribute (```yaml file=profiles/dev.yml, ```csv file=data/x.csv,
```python file=python_udfs/m.py) are written into the project before the next snippets of the same
document, so a document can show the files its pipelines read. A ```yaml block with file=profiles/<p>.yml
is also checked with `sqlflow profiles validate <p>`. ```sqlflow blocks are refused: the one tag is `sql`.

Relative Markdown links of the same documents are checked too: the target file must exist and, for a link
to a heading (`page.md#section`), the heading must exist (GitHub's anchor rule).

Exit status 0 when every checked snippet behaved as marked and every link resolves, 1 otherwise.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FENCE = re.compile(r"^(\s*)```(\S*)(.*)$")
ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


class Block:
    def __init__(self, doc, line, lang, attrs, text):
        self.doc, self.line, self.lang, self.text = doc, line, lang, text
        self.flags = {a for a in attrs if "=" not in a}
        self.opts = dict(a.split("=", 1) for a in attrs if "=" in a)

    def where(self):
        try:
            return f"{self.doc.relative_to(ROOT)}:{self.line}"
        except ValueError:  # a document outside the repository, given on the command line
            return f"{self.doc}:{self.line}"


def blocks_of(doc):
    lines = doc.read_text(encoding="utf-8").split("\n")
    out, i = [], 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, lang, attrs = m.group(1), m.group(2), m.group(3).split()
        body, j = [], i + 1
        while j < len(lines) and not lines[j].strip().startswith("```"):
            body.append(lines[j][len(indent):] if lines[j].startswith(indent) else lines[j])
            j += 1
        out.append(Block(doc, i + 1, lang, attrs, "\n".join(body) + "\n"))
        i = j + 1
    return out


LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading):
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors_of(path):
    out, in_fence = set(), False
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        elif not in_fence and line.startswith("#"):
            out.add(slug(line.lstrip("#")))
    return out


def check_links(doc):
    """Yields (line, problem) for relative links of `doc` that do not resolve."""
    in_fence = False
    for number, line in enumerate(doc.read_text(encoding="utf-8").split("\n"), 1):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        for target in LINK.findall(re.sub(r"`[^`]*`", "", line)):
            if re.match(r"^[a-z]+:", target):
                continue
            path_part, _, anchor = target.partition("#")
            path = (doc.parent / path_part).resolve() if path_part else doc
            if not path.exists():
                yield number, f"link target {target} does not exist"
            elif anchor and path.suffix == ".md" and anchor not in anchors_of(path):
                yield number, f"link {target}: no heading with anchor #{anchor} in {path.name}"


def run(sqlflow, project, args, timeout=120, extra_env=None):
    env = dict(os.environ, NO_COLOR="1", **(extra_env or {}))
    p = subprocess.run([sqlflow, "--project-dir", str(project)] + args, capture_output=True, text=True,
                       timeout=timeout, env=env)
    return p.returncode, p.stdout + p.stderr


def new_project(sqlflow, base, doc_index):
    project = Path(base) / f"doc{doc_index}"
    code, out = run(sqlflow, base, ["init", str(project)])
    if code != 0:
        raise RuntimeError(f"sqlflow init failed: {out}")
    if FIXTURES.is_dir():
        shutil.copytree(FIXTURES, project, dirs_exist_ok=True)
    return project


def check_pipeline(sqlflow, project, block, name):
    """Returns (ok, kind, detail)."""
    extra_env = dict(kv.split("=", 1) for kv in block.opts["env"].split(",")) if "env" in block.opts else {}
    common = []
    if "vars" in block.opts:
        common += ["--vars", block.opts["vars"]]
    if "profile" in block.opts:
        common += ["--profile", block.opts["profile"]]
    code, out = run(sqlflow, project, ["pipeline", "validate", name] + common, extra_env=extra_env)
    if "error" in block.opts:
        want = block.opts["error"]
        ok = code == 2 and f"[{want}]" in out
        return ok, "error", f"expected validate to fail with {want} (exit 2), got exit {code}:\n{out}"
    if code != 0:
        return False, "validate", f"validate exit {code}:\n{out}"
    if "warning" in block.opts:
        want = f"[{block.opts['warning']}]"
        if want not in out:
            code, out = run(sqlflow, project, ["pipeline", "run", name] + common, extra_env=extra_env)
        ok = code == 0 and want in out
        return ok, "warning", f"expected warning {want} with exit 0, got exit {code}:\n{out}"
    if "norun" in block.flags:
        return True, "validated", ""
    runs = int(block.opts.get("runs", "1"))
    for n in range(runs):
        code, out = run(sqlflow, project, ["pipeline", "run", name] + common, extra_env=extra_env)
        if "run-error" in block.opts:
            want = block.opts["run-error"]
            ok = code == 1 and f"[{want}]" in out
            return ok, "run-error", f"expected run to fail with {want} (exit 1), got exit {code}:\n{out}"
        if code != 0:
            return False, "run", f"run {n + 1} exit {code}:\n{out}"
    return True, "ran", ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlflow", required=True)
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("docs", nargs="*", help="documents (default: README.md and docs/**/*.md)")
    args = parser.parse_args()
    sqlflow = str(Path(args.sqlflow).resolve())
    docs = [Path(d).resolve() for d in args.docs] or [ROOT / "README.md"] + sorted((ROOT / "docs").rglob("*.md"))

    counts = {"ran": 0, "validated": 0, "error": 0, "run-error": 0, "warning": 0, "fragment": 0, "profile": 0}
    failures = []
    with tempfile.TemporaryDirectory(prefix="sqlflow-docs-") as base:
        for index, doc in enumerate(docs):
            for number, problem in check_links(doc):
                failures.append((f"{Block(doc, number, '', [], '').where()}", problem))
            blocks = blocks_of(doc)
            if not any(b.lang in ("sql", "sqlflow") or "file" in b.opts for b in blocks):
                continue
            project = new_project(sqlflow, base, index)
            snippet = 0
            for block in blocks:
                if block.lang == "sqlflow":
                    failures.append((block.where(), "use ```sql for pipeline snippets, not ```sqlflow"))
                    continue
                target = block.opts.get("file")
                if target:
                    path = project / target
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(block.text, encoding="utf-8")
                if block.lang == "yaml" and target and target.startswith("profiles/") and \
                        "fragment" not in block.flags:
                    code, out = run(sqlflow, project, ["profiles", "validate", Path(target).stem])
                    counts["profile"] += 1
                    if code != 0:
                        failures.append((block.where(), f"profiles validate exit {code}:\n{out}"))
                    elif args.verbose:
                        print(f"ok        {block.where()} (profile)")
                    continue
                if block.lang != "sql":
                    continue
                if "fragment" in block.flags:
                    counts["fragment"] += 1
                    if args.verbose:
                        print(f"fragment  {block.where()}")
                    continue
                if target:
                    if not target.startswith("pipelines/") or not target.endswith(".sf"):
                        failures.append((block.where(), f"file={target}: a pipeline file must be pipelines/*.sf"))
                        continue
                    name = target[len("pipelines/"):-len(".sf")]
                else:
                    snippet += 1
                    name = f"doc_{snippet}"
                    (project / "pipelines" / f"{name}.sf").write_text(block.text, encoding="utf-8")
                try:
                    ok, kind, detail = check_pipeline(sqlflow, project, block, name)
                except subprocess.TimeoutExpired as e:
                    ok, kind, detail = False, "timeout", str(e)
                if ok:
                    counts[kind] += 1
                    if args.verbose:
                        print(f"ok        {block.where()} ({kind})")
                else:
                    failures.append((block.where(), detail))

    for where, detail in failures:
        print(f"FAIL {where}: {detail}")
    checked = counts["ran"] + counts["validated"] + counts["error"] + counts["run-error"] + counts["warning"]
    print(f"doc snippets: {counts['ran']} ran, {counts['validated']} validated only, "
          f"{counts['error'] + counts['run-error']} failed as documented, {counts['warning']} warned as "
          f"documented, {counts['profile']} profiles, "
          f"{counts['fragment']} fragments; {len(failures)} failed")
    if checked == 0:
        print("FAIL: no pipeline snippet was checked")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

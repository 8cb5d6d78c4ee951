#!/usr/bin/env python3
"""Seeded mutation fuzzing of the real sqlflow binary (docs/testing.md, "Fuzzing").

Each input is a small project: a pipeline, a profile, a --vars value and data files (CSV, JSON), one of
which is mutated from the corpus below (byte flips, SQL-text tokens, deep repetition, invalid UTF-8, NUL
bytes, splices). The binary validates, compiles or runs it under a per-input timeout. An input FAILS when:
  - the process dies from a signal or aborts (crash; exit >= 128 or negative),
  - it runs past the timeout (hang),
  - stderr shows an uncaught exception ("terminate called", "what():", AddressSanitizer, runtime error:),
  - an error is reported without a location: a compile-time error (exit 2) whose `error:` line has no
    `<file>:<line>:<col>:` prefix, other than the few errors that are about the command line itself.
Every failing input is written under --save-dir (default tests/fuzz/seeds/) as a directory that
`--replay` runs again; keep them there as regression seeds.

  fuzz.py --sqlflow build/sqlflow --seconds 60 --seed 1      # the bounded run of the test command
  fuzz.py --sqlflow build/sqlflow --seconds 3600 --seed $RANDOM --jobs 2   # a longer local run
  fuzz.py --sqlflow build/sqlflow --replay tests/fuzz/seeds  # regression seeds only

The last line is "fuzz: N inputs, R/s, crashes C, hangs H, uncaught U, unlocated L" and the exit status is
0 only when all four are 0.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))

# ----------------------------------------------------------------------------------------------- corpus

PIPELINES = [
    """-- orders
SOURCE orders TYPE CSV PARAMS {"path": "data/orders.csv", "has_header": true};
LOAD raw_orders FROM orders MODE REPLACE;
SET min_total = 10;
IF ${env|dev} == 'dev' THEN
  CREATE TABLE big AS SELECT * FROM raw_orders WHERE total >= ${min_total};
ELSE
  CREATE TABLE big AS SELECT * FROM raw_orders;
END IF;
EXPORT SELECT * FROM big TO 'output/big.csv' TYPE CSV;
""",
    """SOURCE events TYPE JSON PARAMS {"path": "data/events.json"};
LOAD events_raw FROM events;
CREATE TABLE counts AS SELECT kind, count(*) AS n FROM events_raw GROUP BY kind;
SELECT /* nested /* comment */ ; */ $$a;b$$, E'x\\'y', "quoted""id" FROM counts;
""",
    """SET region = 'eu';
CREATE TABLE x AS SELECT '${region}' AS r, ${n|1} AS n;
IF (${n|1} > 0 AND NOT ${flag|false}) OR ${region} == 'us' THEN
  INSERT INTO x VALUES ('a', 2);
END IF;
INCLUDE "inc/part.sf";
""",
]
INCLUDED = "CREATE TABLE part AS SELECT 1 AS one;\n"
PROFILES = [
    """engines:
  duckdb:
    mode: memory
variables:
  env: dev
  api_token: s3cr3t-token-value
connectors:
  pg:
    type: postgres
    params:
      uri: "host=localhost password=hunter2hunter2 dbname=x"
""",
    """engines:
  duckdb:
    mode: persistent
    path: target/fuzz.duckdb
variables:
  base: &b {a: 1, b: [1, 2, 3]}
  copy: *b
""",
]
VARS = ['{"env": "dev", "n": 3}', '{"region": "us", "flag": true}', "env=prod,n=0", '{"min_total": 5}']
CSV = "id,total,name\n1,10,a\n2,20,\"b,c\"\n3,,d\n"
JSON_DATA = '[{"id": 1, "kind": "a", "meta": {"x": [1, 2]}}, {"id": 2, "kind": "b"}]\n'

TOKENS = [
    "${", "}", "${a}", "${v|x}", "$${x}", "'", "''", '"', "$$", "$t$", "/*", "*/", "--", "\n", ";", "E'\\'",
    "IF ", " THEN\n", "ELSE\n", "END IF;\n", "(", ")", "NOT ", " AND ", " OR ", "==", "!=", "INCLUDE \"",
    "INCLUDE \"../.env\";", "INCLUDE \"/etc/passwd\";", "{", "[", "]", ":", "&a ", "*a", "\x00", "\xff",
    "\xc3", "\xe2\x82", "\t", "\r\n", "LOAD ", "SOURCE ", "EXPORT ", "CREATE TABLE ", "MODE UPSERT KEY (id)",
    "PARAMS {\"password\": \"pw-secret-1\"}", "1; DROP TABLE x; SELECT 1",
]
STRUCTURED = [
    lambda r: "IF true THEN\n" * r.randint(200, 7000) + "SELECT 1;\n" + "END IF;\n" * r.randint(0, 50),
    lambda r: "IF " + "(" * r.randint(200, 20000) + "true" + ")" * r.randint(0, 300) + " THEN\nEND IF;\n",
    lambda r: "IF " + "NOT " * r.randint(200, 30000) + "true THEN\nEND IF;\n",
    lambda r: "IF true" + " AND true" * r.randint(200, 30000) + " THEN\nEND IF;\n",
    lambda r: "SELECT " + "${a}" * r.randint(1000, 100000) + ";\n",
    lambda r: "/*" * r.randint(100, 20000) + "\n",
    lambda r: "SELECT '" + "x" * r.randint(1000, 200000) + "';\n",
]
JSON_DEEP = [
    lambda r: "[" * r.randint(100, 100000) + "]" * r.randint(0, 100),
    lambda r: '{"a":' * r.randint(100, 5000) + "1" + "}" * r.randint(0, 5000),
]
YAML_BOMB = """engines: {duckdb: {mode: memory}}
variables:
  a: &a ["x","x","x","x","x","x","x","x","x"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: [*g,*g,*g,*g,*g,*g,*g,*g,*g]
"""

# -------------------------------------------------------------------------------------------- mutation


def mutate_bytes(r, data):
    data = bytearray(data)
    for _ in range(r.randint(1, 8)):
        op = r.randrange(7)
        pos = r.randint(0, len(data))
        if op == 0 and data:  # flip a byte
            data[min(pos, len(data) - 1)] = r.randrange(256)
        elif op == 1:  # insert a token
            data[pos:pos] = r.choice(TOKENS).encode("latin-1")
        elif op == 2 and data:  # delete a run
            del data[pos:pos + r.randint(1, 16)]
        elif op == 3 and data:  # duplicate a run
            begin = r.randrange(len(data))
            data[pos:pos] = data[begin:begin + r.randint(1, 64)]
        elif op == 4:  # repeat a token many times
            data[pos:pos] = r.choice(TOKENS).encode("latin-1") * r.randint(2, 3000)
        elif op == 5 and data:  # truncate
            del data[pos:]
        else:  # splice from another corpus entry
            other = r.choice(PIPELINES).encode()
            begin = r.randrange(len(other))
            data[pos:pos] = other[begin:begin + r.randint(1, 80)]
    return bytes(data)


def make_case(r):
    """A case: files (relative path -> bytes), the command, and --vars."""
    files = {
        "pipelines/main.sf": r.choice(PIPELINES).encode(),
        "pipelines/inc/part.sf": INCLUDED.encode(),
        "profiles/dev.yml": r.choice(PROFILES).encode(),
        "data/orders.csv": CSV.encode(),
        "data/events.json": JSON_DATA.encode(),
        ".env": b"API_KEY=env-secret-value-1\n",
    }
    vars_value = r.choice(VARS)
    target = r.choices(["pipeline", "structured", "profile", "vars", "csv", "json", "bomb", "deep_json"],
                       weights=[40, 6, 14, 12, 10, 8, 2, 3])[0]
    if target == "pipeline":
        files["pipelines/main.sf"] = mutate_bytes(r, files["pipelines/main.sf"])
    elif target == "structured":
        files["pipelines/main.sf"] = r.choice(STRUCTURED)(r).encode()
    elif target == "profile":
        files["profiles/dev.yml"] = mutate_bytes(r, files["profiles/dev.yml"])
    elif target == "vars":
        # A command-line argument cannot hold a NUL byte.
        vars_value = mutate_bytes(r, vars_value.encode()).replace(b"\0", b"").decode("utf-8", "surrogateescape")
    elif target == "csv":
        files["data/orders.csv"] = mutate_bytes(r, files["data/orders.csv"])
    elif target == "json":
        files["data/events.json"] = mutate_bytes(r, files["data/events.json"])
    elif target == "bomb":
        files["profiles/dev.yml"] = YAML_BOMB.encode()
    else:
        files["data/events.json"] = r.choice(JSON_DEEP)(r).encode()
        files["pipelines/main.sf"] = PIPELINES[1].encode()
    command = r.choices(["validate", "compile", "run"], weights=[3, 2, 3])[0]
    return {"target": target, "command": command, "vars": vars_value, "files": files}


# ------------------------------------------------------------------------------------------- execution

# Errors about the command line or the project as a whole, which have no file position by nature.
UNLOCATED_OK = re.compile(r"\[(SF205|SF501|SF502|SF503|SF511|SF512)\]")
LOCATED = re.compile(r"^\S[^:\n]*:\d+:\d+: (error|warning): ", re.M)
UNCAUGHT = re.compile(r"terminate called|what\(\):|AddressSanitizer|LeakSanitizer|runtime error:|"
                      r"Assertion .* failed|INTERNAL Error", re.I)


def write_project(root, case):
    for rel, data in case["files"].items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)


def run_case(binary, case, timeout, workdir):
    root = tempfile.mkdtemp(prefix="case-", dir=workdir)
    try:
        write_project(root, case)
        argv = [binary, "--no-color", "pipeline", case["command"], "main"]
        if case["vars"]:
            argv += ["--vars", case["vars"]]
        env = dict(os.environ)
        try:
            proc = subprocess.run([a.encode("utf-8", "surrogateescape") for a in argv], cwd=root, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "hang", None, ""
        err = proc.stderr.decode("utf-8", "replace")
        code = proc.returncode
        if code < 0 or code >= 128:
            return "crash", code, err
        if UNCAUGHT.search(err):
            return "uncaught", code, err
        if code == 2:
            lines = err.splitlines()
            for index, line in enumerate(lines):
                if " error: " not in line and not line.startswith("error:") and "sqlflow: error" not in line:
                    continue
                if LOCATED.match(line):
                    continue
                # A message may span lines (a --vars value with a line break): its code ends the message.
                message = line
                for follow in lines[index + 1:]:
                    if " error: " in follow or follow.startswith("  hint:") or re.match(r"\d+ errors?,", follow):
                        break
                    message += "\n" + follow
                if UNLOCATED_OK.search(message):
                    continue
                return "unlocated", code, err
        return "ok", code, err
    finally:
        shutil.rmtree(root, ignore_errors=True)


def save_case(save_dir, case, kind, detail):
    os.makedirs(save_dir, exist_ok=True)
    name = "%s-%s-%d" % (kind, case["target"], int(time.time() * 1000) % 10**9)
    path = os.path.join(save_dir, name)
    os.makedirs(path, exist_ok=True)
    write_project(os.path.join(path, "project"), case)
    with open(os.path.join(path, "case.json"), "w") as f:
        json.dump({"command": case["command"], "vars": case["vars"], "target": case["target"], "found": kind,
                   "detail": detail[-2000:]}, f, indent=2, ensure_ascii=True)
    return path


def load_seed(path):
    with open(os.path.join(path, "case.json")) as f:
        meta = json.load(f)
    files = {}
    project = os.path.join(path, "project")
    for base, _, names in os.walk(project):
        for name in names:
            full = os.path.join(base, name)
            with open(full, "rb") as f:
                files[os.path.relpath(full, project)] = f.read()
    return {"target": meta.get("target", "seed"), "command": meta["command"], "vars": meta.get("vars", ""),
            "files": files}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlflow", required=True)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=10, help="per input, seconds")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--replay", help="run every seed directory under this folder once")
    parser.add_argument("--save-dir", default=os.path.join(HERE, "seeds"))
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    binary = os.path.abspath(args.sqlflow)
    workdir = tempfile.mkdtemp(prefix="sqlflow-fuzz-")
    counts = {"ok": 0, "crash": 0, "hang": 0, "uncaught": 0, "unlocated": 0}
    start = time.time()

    def record(case, result):
        kind, code, err = result
        counts[kind] += 1
        if kind != "ok":
            where = "(replayed)" if args.replay else (
                "(not saved)" if args.no_save else save_case(args.save_dir, case, kind, err))
            print("FAIL %s: %s %s exit=%s %s\n%s" % (kind, case["target"], case["command"], code, where,
                                                    err[-600:]), flush=True)

    try:
        if args.replay:
            seeds = sorted(os.path.join(args.replay, d) for d in os.listdir(args.replay)
                           if os.path.isfile(os.path.join(args.replay, d, "case.json")))
            for seed in seeds:
                case = load_seed(seed)
                record(case, run_case(binary, case, args.timeout, workdir))
        else:
            rng = random.Random(args.seed)
            with ThreadPoolExecutor(max_workers=args.jobs) as pool:
                pending = []
                while time.time() - start < args.seconds or pending:
                    while len(pending) < args.jobs and time.time() - start < args.seconds:
                        case = make_case(rng)
                        pending.append((case, pool.submit(run_case, binary, case, args.timeout, workdir)))
                    case, future = pending.pop(0)
                    record(case, future.result())
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    total = sum(counts.values())
    elapsed = max(time.time() - start, 1e-9)
    print("fuzz: %d inputs in %.0f s, %.1f/s, crashes %d, hangs %d, uncaught %d, unlocated %d" %
          (total, elapsed, total / elapsed, counts["crash"], counts["hang"], counts["uncaught"],
           counts["unlocated"]))
    return 0 if counts["crash"] + counts["hang"] + counts["uncaught"] + counts["unlocated"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

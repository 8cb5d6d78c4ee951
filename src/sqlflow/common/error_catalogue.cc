#include "sqlflow/common/error_catalogue.h"

#include <algorithm>
#include <array>

namespace sqlflow {

namespace {

// Messages follow LANGUAGE.md §7.2; causes and fixes are written for users of the tool.
constexpr std::array kCatalogue = {
    // ---- Lexical and syntax --------------------------------------------------------------------------
    ErrorCatalogueEntry{
        "SF100", "file is not valid UTF-8",
        "The pipeline file contains bytes that are not UTF-8 (often a file saved as Latin-1 or "
        "Windows-1252).",
        "Re-save the file as UTF-8 (`iconv -f latin1 -t utf-8`). A leading BOM is fine."},
    ErrorCatalogueEntry{
        "SF101", "unterminated string literal",
        "A `'…'` or `\"…\"` string is opened and never closed; the caret points where it opens.",
        "Close the string with the same quote. Inside a string a quote is doubled (`'it''s'`)."},
    ErrorCatalogueEntry{
        "SF102", "unterminated block comment",
        "A `/*` comment has no matching `*/`. Block comments nest, so every `/*` needs its own "
        "`*/`.",
        "Add the missing `*/`."},
    ErrorCatalogueEntry{
        "SF103", "unterminated '{' (missing '}')",
        "A PARAMS or OPTIONS object (a brace block) is not closed before the end of the file.",
        "Close the JSON object with `}`; check the braces of nested objects."},
    ErrorCatalogueEntry{"SF104", "unterminated dollar-quoted string",
                        "A `$$` or `$tag$` string has no closing delimiter.",
                        "Close it with the same delimiter, or write `$${` if you meant a literal `${`."},
    ErrorCatalogueEntry{
        "SF105", "missing ';' at end of statement / expected ';' before '<token>'",
        "A statement is not terminated: text follows the last `;`, or the next statement starts "
        "before this one ended.",
        "End every statement, including `END IF`, with `;`. The hint names the line where the "
        "`;` is probably missing."},
    ErrorCatalogueEntry{
        "SF106", "expected <what> after <previous>, found '<token>'",
        "A DSL statement (SOURCE, LOAD, CREATE TABLE … MODE, EXPORT, IF, END IF) does not follow "
        "its grammar: a keyword is missing or misplaced. DuckDB's extension statement `LOAD x;` "
        "also lands here.",
        "Follow the form in the hint, e.g. `LOAD <table> FROM <source> [MODE …];`. See "
        "[the language reference](language.md)."},
    ErrorCatalogueEntry{
        "SF107", "invalid JSON in <PARAMS|OPTIONS>: <detail>",
        "PARAMS and OPTIONS are strict JSON after variable substitution: no comments, no trailing "
        "commas, keys in double quotes.",
        "Fix the JSON at the position shown (for a trailing comma: remove it). A variable value "
        "that lands outside a JSON string must itself be valid JSON (`\"n\": ${n|5}`)."},
    ErrorCatalogueEntry{"SF108", "<PARAMS|OPTIONS> must be a JSON object",
                        "PARAMS or OPTIONS is followed by something other than `{…}`.",
                        "Write a JSON object: `PARAMS {\"path\": \"data/x.csv\"}`."},
    ErrorCatalogueEntry{
        "SF109", "unknown mode '<m>'; expected REPLACE, APPEND, UPSERT (or MERGE)",
        "The word after MODE is not a mode of this statement. LOAD has REPLACE, APPEND and UPSERT; "
        "CREATE TABLE also has INCREMENTAL. `LOAD … MODE INCREMENTAL` is this error: incremental "
        "loading is a property of the SOURCE.",
        "Use one of the listed modes (the hint suggests the closest). For incremental LOADs set "
        "`\"sync_mode\": \"incremental\"` on the SOURCE and use MODE APPEND or UPSERT."},
    ErrorCatalogueEntry{"SF110", "UPSERT mode requires KEY (column, ...)",
                        "MODE UPSERT (or MERGE) needs the key columns that identify a row.",
                        "Add `KEY (col, …)` after `MODE UPSERT` (`KEY col` without parentheses works too)."},
    ErrorCatalogueEntry{"SF111", "KEY can only be used with MODE UPSERT",
                        "KEY is written with MODE REPLACE, APPEND or INCREMENTAL, or without MODE.",
                        "Remove KEY, or use `MODE UPSERT KEY (…)`."},
    ErrorCatalogueEntry{"SF112", "INCREMENTAL mode requires BY <time_column>",
                        "`CREATE TABLE … MODE INCREMENTAL` is written without `BY <column>`.",
                        "Add the DATE or TIMESTAMP column of the result: `MODE INCREMENTAL BY event_ts`."},
    ErrorCatalogueEntry{"SF113", "LOOKBACK can only be used with INCREMENTAL mode",
                        "LOOKBACK is written in a CREATE TABLE that is not `MODE INCREMENTAL BY …`.",
                        "Remove LOOKBACK, or use `MODE INCREMENTAL BY <col> LOOKBACK 2 DAYS`."},
    ErrorCatalogueEntry{
        "SF114",
        "invalid LOOKBACK '<text>': expected '<number> <unit>' (second, minute, hour, day, week, "
        "month, year)",
        "The lookback is not a non-negative integer followed by a unit.",
        "Write `LOOKBACK 7 DAYS` or `LOOKBACK '7 days'`."},
    ErrorCatalogueEntry{"SF115", "OR REPLACE can only be used with MODE REPLACE",
                        "`CREATE OR REPLACE TABLE` is combined with APPEND, UPSERT or INCREMENTAL.",
                        "Drop `OR REPLACE`, or use MODE REPLACE (the default)."},
    ErrorCatalogueEntry{
        "SF116", "expected a query after AS (SELECT, WITH, FROM, VALUES or '(')",
        "The text after `AS` in CREATE TABLE is not a query.",
        "Start the query with SELECT, WITH, FROM, VALUES or `(`. For a table with a column list "
        "(`CREATE TABLE t (a INT)`) no AS is used: that is a SQL step."},
    ErrorCatalogueEntry{
        "SF117", "EXPORT expects a query (SELECT, WITH, FROM, VALUES or '(') or a table name before TO",
        "Between EXPORT and TO there is neither a single table name nor a query.",
        "Write `EXPORT <table> TO …` or `EXPORT SELECT … TO …`."},
    ErrorCatalogueEntry{
        "SF118", "EXPORT requires TO <destination>: a quoted path or URI, or a connector name",
        "The EXPORT has no `TO`, or what follows the last `TO` is neither a quoted path or URI nor a "
        "connector name. (An unquoted path such as `TO output/x.csv` is read as the connector `output` "
        "followed by unexpected text: SF106.)",
        "Add `TO \"output/x.csv\"` (paths and URIs are quoted), or `TO <connector>` for a profile "
        "connector."},
    ErrorCatalogueEntry{
        "SF119",
        "invalid SOURCE: use SOURCE <name> TYPE <type> PARAMS {...} or SOURCE <name> FROM "
        "\"<connector>\" [OPTIONS {...}]",
        "The two SOURCE forms are mixed (`FROM … PARAMS`, `TYPE … OPTIONS`, `TYPE … FROM`) or a part "
        "is missing.",
        "Use `TYPE … PARAMS {…}` for inline parameters, or `FROM \"<profile connector>\" OPTIONS "
        "{…}`."},
    ErrorCatalogueEntry{
        "SF120",
        "ELSE without IF / END IF without IF / ELSE IF after ELSE / IF at line <n> is not closed by "
        "END IF",
        "The IF blocks are unbalanced. A common cause: `ELSE` and `IF` on different lines open a "
        "nested IF that needs its own `END IF;`.",
        "Close every IF with `END IF;`, and write `ELSE IF` on one line for a chain."},
    ErrorCatalogueEntry{
        "SF121", "SQL syntax error: <engine message>",
        "DuckDB's parser rejects a SQL step or a query (checked at compile time, nothing runs).",
        "Fix the SQL at the position shown. When a line inside the statement starts with a DSL "
        "keyword, a `;` is probably missing before it."},
    ErrorCatalogueEntry{
        "SF122", "transaction control (<word>) is not allowed in pipelines",
        "A BEGIN, COMMIT, ROLLBACK, START TRANSACTION, END or ABORT statement is written in a "
        "pipeline.",
        "Remove it: each step already runs in its own transaction."},
    ErrorCatalogueEntry{
        "SF123",
        "INCLUDE path must be a string without variables / included file not found: <path> / "
        "include cycle: <a> -> <b> -> <a>",
        "The INCLUDE path is not a literal string, the file does not exist (paths are relative "
        "to the including file), files include each other, or the path does not end in `.sf` or "
        "leaves the project.",
        "Give a quoted `.sf` path inside the project without `${…}`, and break include cycles. A "
        "profile may allow paths outside the project with `allow_include_outside_project: true`."},
    ErrorCatalogueEntry{
        "SF124", "invalid SET: expected SET <name> = <value>;",
        "A SET statement is not `SET ident = value;`, or its value is empty. DuckDB settings such "
        "as `SET threads TO 4` are not pipeline variables.",
        "Write `SET name = value;`. For DuckDB settings use `SET SESSION <setting> = <value>;`."},
    ErrorCatalogueEntry{"SF125", "duplicate key '<k>' in JSON object",
                        "A key appears twice in PARAMS or OPTIONS.", "Keep one of the two keys."},
    ErrorCatalogueEntry{"SF126",
                        "IF blocks nested deeper than 256 levels / INCLUDE nested deeper than 64 files",
                        "The file exceeds a structural limit (see [limits](../limits.md)).",
                        "Flatten the IF blocks or the INCLUDE chain."},
    ErrorCatalogueEntry{
        "SF127", "pipeline file <path> is larger than 16 MiB / has a line longer than 1 MiB (line <n>)",
        "The pipeline file exceeds a size limit (see [limits](../limits.md)).",
        "Split the file with INCLUDE; keep data in data files, not in the pipeline."},

    // ---- Variables and conditions --------------------------------------------------------------------
    ErrorCatalogueEntry{
        "SF201", "undefined variable ${<name>}",
        "A `${name}` in an active statement or an evaluated condition has no value from `--vars`, "
        "the profile, a SET before it, the environment, the built-ins or a default. A note says "
        "when the SET comes later in the file.",
        "Define it: `SET name = …;` before the reference, `variables:` in the profile, "
        "`--vars name=…`, or a default `${name|value}`."},
    ErrorCatalogueEntry{
        "SF202", "invalid variable reference '<text>'",
        "`${}` or a name that is not `[A-Za-z_][A-Za-z0-9_]*` (`${1x}`, `${a-b}`).",
        "Use letters, digits and `_`, not starting with a digit. Write `$${` for a literal `${`."},
    ErrorCatalogueEntry{
        "SF203",
        "default value for ${<name>} contains whitespace and must be quoted: ${<name>|\"<default>\"}",
        "An unquoted default such as `${region|us east}` contains a space.",
        "Quote the default: `${region|\"us east\"}`."},
    ErrorCatalogueEntry{"SF204", "unterminated variable reference (missing '}')",
                        "A `${` has no `}` on the same line.", "Close the reference on the same line."},
    ErrorCatalogueEntry{
        "SF205", "invalid --vars: <detail>",
        "A `--vars` value is neither a JSON object of scalars nor `k=v[,k=v…]`: a pair without "
        "`=`, a bad name, or an array/object value.",
        "Use `--vars env=prod,limit=10` or `--vars '{\"env\": \"prod\", \"limit\": 10}'`; use the "
        "JSON form for values containing `,`."},
    ErrorCatalogueEntry{"SF206", "time macro <@macro> is only available in CREATE TABLE ... MODE INCREMENTAL",
                        "`@start_date`, `@end_date`, `@start_dt` or `@end_dt` is used outside an INCREMENTAL "
                        "transform.",
                        "Use `MODE INCREMENTAL BY <col>`, or replace the macro by a variable."},
    ErrorCatalogueEntry{
        "SF207", "the value of ${<name>} ends the statement and starts another (a ';' outside quotes)",
        "After substitution the variable's value would add, end or change a statement (for example "
        "a value containing `;`). A variable never adds SQL.",
        "Pass a value without `;`, or quote the reference inside a SQL string (`'${name}'`)."},
    ErrorCatalogueEntry{"SF208", "the value of ${<name>} (from <where>) is not valid UTF-8 (at byte <n>)",
                        "A value from `--vars`, the profile, the environment or `.env` is not UTF-8.",
                        "Pass UTF-8 text."},
    ErrorCatalogueEntry{"SF211", "'=' is not a comparison operator in conditions; use '=='",
                        "An IF condition uses a single `=`.", "Write `==`: `IF ${env} == 'prod' THEN`."},
    ErrorCatalogueEntry{
        "SF212", "invalid condition: <detail>",
        "The condition cannot be parsed: an unexpected token, a missing operand, unbalanced "
        "parentheses, a chained comparison, or nesting deeper than 256 levels.",
        "Conditions are comparisons (`== != < <= > >=`) joined by AND, OR, NOT and parentheses."},
    ErrorCatalogueEntry{"SF213", "condition value '<v>' is not a boolean (expected true or false)",
                        "An operand without a comparison (`IF ${flag} THEN`) is not `true` or `false`.",
                        "Compare it (`${flag} == 'yes'`) or give it a boolean value."},
    ErrorCatalogueEntry{"SF214", "operator '<op>' cannot compare booleans",
                        "`<`, `<=`, `>` or `>=` is used between two booleans.", "Use `==` or `!=`."},
    ErrorCatalogueEntry{"SF215", "unsupported operator '<op>' in condition",
                        "`<>`, `!`, IN, LIKE, BETWEEN or arithmetic is used in an IF condition.",
                        "Use `!=` for `<>` and NOT for `!`; express IN as `a == 'x' OR a == 'y'`."},
    ErrorCatalogueEntry{
        "W201", "variable '<name>' has different defaults: '<a>' (line <n>) and '<b>' (line <m>)",
        "A reference without a default borrowed one from another reference of the same name, and "
        "the pipeline's references carry different defaults.",
        "Give the variable one default, or a value (SET, profile, `--vars`)."},
    ErrorCatalogueEntry{
        "W202", "variable '<name>' given with --vars is not used by pipeline '<p>'",
        "A `--vars` name is referenced by no active statement and no evaluated condition, often a "
        "misspelling (the hint suggests the closest name).",
        "Correct the name, or drop it from `--vars`."},

    // ---- Validation ----------------------------------------------------------------------------------
    ErrorCatalogueEntry{
        "SF301", "LOAD references undefined source: '<s>'",
        "The LOAD names a SOURCE that is not declared earlier in the active path (perhaps only in a "
        "branch not taken, or after the LOAD).",
        "Declare `SOURCE <s> …;` before the LOAD, or fix the name (see the did-you-mean hint)."},
    ErrorCatalogueEntry{"SF302", "Duplicate source definition: '<s>'",
                        "Two SOURCE statements in the active path have the same name.",
                        "Rename one of them."},
    ErrorCatalogueEntry{
        "SF303",
        "Duplicate table definition: '<t>' is created at line <l2> but was already created at "
        "line <l1>",
        "A second CREATE TABLE (mode REPLACE) creates a name an earlier CREATE TABLE created.",
        "Use `CREATE OR REPLACE TABLE` to redefine it, or MODE APPEND / UPSERT to add to it."},
    ErrorCatalogueEntry{"SF304", "table '<t>' is used at line <l> before it is created at line <m>",
                        "A statement reads a table that a later statement creates. Steps run in file order.",
                        "Move the creating statement before the reading one."},
    ErrorCatalogueEntry{"SF305", "Circular dependency detected: <a> -> <b> -> <a>",
                        "Tables are defined in terms of each other.", "Break the cycle."},
    ErrorCatalogueEntry{
        "SF306", "table '<t>' is not defined; did you mean '<k>'?",
        "A table that nothing creates is close to the name of a created table or source: "
        "probably a typo.",
        "Correct the name. If the table really exists in a persistent database, make sure the "
        "profile's database file exists."},
    ErrorCatalogueEntry{"SF307", "'<s>' is a SOURCE, not a table",
                        "SQL reads a SOURCE name. A SOURCE only declares where data comes from; it becomes a "
                        "table through LOAD.",
                        "Load it first: `LOAD <s> FROM <s>;`, then read the table."},
    ErrorCatalogueEntry{
        "SF308",
        "table 'sqlflow_state' is reserved for pipeline state and cannot be the target of LOAD or "
        "CREATE TABLE",
        "A LOAD or CREATE TABLE targets `sqlflow_state`, where watermarks are kept.",
        "Choose another table name. A SQL step may still read it or delete rows from it."},
    ErrorCatalogueEntry{"SF309", "column '<c>' is listed twice in KEY", "A KEY list repeats a column.",
                        "List each key column once."},
    ErrorCatalogueEntry{
        "W301", "table '<t>' is not created by this pipeline; it must already exist in the database",
        "A table is read that no statement of the active path creates. With a persistent profile "
        "whose database has the table, there is no warning. A note says when it is only created in "
        "a branch that is not taken.",
        "Fine if the table exists when the step runs (persistent database, or created by SQL "
        "outside the pipeline); otherwise create or load it first."},
    ErrorCatalogueEntry{
        "W302",
        "LOAD MODE REPLACE from incremental source '<s>': on later runs '<t>' is replaced by only "
        "the new rows",
        "An incremental source reads only new rows on later runs; REPLACE would then keep only "
        "those.",
        "Use MODE APPEND or `MODE UPSERT KEY (…)`."},
    ErrorCatalogueEntry{
        "W303", "'<dest>' is written by more than one EXPORT (lines <a>, <b>); the last one wins",
        "Several active EXPORTs write the same destination.",
        "Give each EXPORT its own destination, or use OPTIONS `{\"mode\": \"append\"}` on purpose."},

    // ---- Connectors, parameters, options ------------------------------------------------------------
    ErrorCatalogueEntry{
        "SF401", "unknown connector type '<t>'",
        "TYPE (or a profile connector's `type`) names no registered connector type.",
        "Use a type from the hint (`sqlflow connect list --types`); names are case-insensitive "
        "and `-` reads as `_`."},
    ErrorCatalogueEntry{
        "SF402", "<T> connector: unknown parameter '<p>'",
        "PARAMS, OPTIONS or a profile connector's `params` has a key the type does not know (often "
        "a typo, or a parameter of the Python SQLFlow).",
        "Follow the did-you-mean or migration hint; `sqlflow connect describe <type>` lists the "
        "parameters."},
    ErrorCatalogueEntry{
        "SF403", "<T> connector: missing required parameter '<p>' / give exactly one of '<a>', '<b>'",
        "A required parameter is absent (e.g. `path` for csv), or none of a set of alternatives is "
        "given.",
        "Add the parameter."},
    ErrorCatalogueEntry{
        "SF404", "<T> connector: parameter '<p>' must be <kind>, got <json type> <value>",
        "A parameter has the wrong JSON type (`\"has_header\": \"maybe\"`). A string holding a "
        "whole literal (`\"1000\"`, `\"true\"`) is accepted.",
        "Give the JSON type named in the message."},
    ErrorCatalogueEntry{
        "SF405", "<T> connector: parameter '<p>' must be one of <values>; got '<v>'",
        "A value is outside its allowed set or range, does not match its pattern, or names an "
        "invalid DuckDB type. `sync_mode: cdc` and a postgres `connection` that is not a "
        "connection string are this error.",
        "Use one of the allowed values shown."},
    ErrorCatalogueEntry{
        "SF406", "<T> connector: <rule> (e.g. sync_mode 'incremental' requires 'cursor_field')",
        "Parameters are individually valid but their combination is not: `incremental` without "
        "`cursor_field`, two mutually exclusive parameters, an alias given with its canonical "
        "name, `lookback_window` on a source that a non-UPSERT LOAD reads, or a connector-specific "
        "rule (see the connector's SOURCE.md).",
        "Follow the message; each connector's SOURCE.md lists its rules."},
    ErrorCatalogueEntry{
        "SF407", "unknown connector '<n>' in profile '<p>'",
        "`SOURCE … FROM \"<n>\"` or `EXPORT … TO <n>` names a connector the selected profile does "
        "not define. An unquoted EXPORT destination is always a connector name.",
        "Define it under `connectors:` in the profile, or quote a file path: `TO \"output/x.csv\"`."},
    ErrorCatalogueEntry{"SF408", "<T> export: unknown option '<k>'",
                        "An EXPORT option that no destination format knows.",
                        "Follow the did-you-mean hint; the connector's DESTINATION.md lists the options."},
    ErrorCatalogueEntry{"SF409",
                        "cannot infer the export type of '<dest>'; add TYPE CSV, PARQUET, JSON or NDJSON",
                        "The destination has no known extension (or TYPE names no file format).",
                        "Add an extension (`.csv`, `.parquet`, `.json`, `.ndjson`) or `TYPE …`."},
    ErrorCatalogueEntry{
        "SF410", "TYPE <T> does not match connector '<n>' of type <U>",
        "An EXPORT to a profile connector gives a TYPE that differs from the connector's type.",
        "Remove TYPE or make it match."},
    ErrorCatalogueEntry{
        "SF411", "<detail> (EXPORT destination rule)",
        "An EXPORT breaks a destination rule: a connector export without option `table`, "
        "`mode: upsert` without `keys`, a mode the destination does not support, a source-only "
        "connector as destination, several s3 connectors without option `connector`, or "
        "`partition_by` without a directory destination ending in `/`.",
        "Follow the message."},
    ErrorCatalogueEntry{"SF412", "parameter '<k>' of connector '<n>': environment variable <VAR> is not set",
                        "A used profile connector refers to `${VAR}` in its params, VAR is unset and has no "
                        "default. Reported at the profile line.",
                        "Set VAR, add it to `.env`, or give a default `${VAR|value}`."},
    ErrorCatalogueEntry{
        "W401", "cursor_field is ignored when sync_mode is full_refresh",
        "A source sets `cursor_field` but reads everything.",
        "Set `\"sync_mode\": \"incremental\"` to read incrementally, or drop `cursor_field`."},
    ErrorCatalogueEntry{"W402", "option '<k>' has no effect for <FORMAT> exports",
                        "An option of another file format (e.g. `header` on a Parquet export) is ignored.",
                        "Remove the option."},
    ErrorCatalogueEntry{"W403", "destination extension '<ext>' does not match TYPE <T>",
                        "TYPE says one format and the file name another; TYPE wins.",
                        "Make the extension match the format written."},
    ErrorCatalogueEntry{"W404",
                        "<the reader's message, e.g. no files match '<path>' (relative to <dir>)>; it may "
                        "still be created before the run",
                        "A csv, parquet or json SOURCE names local files that do not exist when the pipeline "
                        "is validated. They may be created before the run (by an earlier step or another "
                        "job); if they are still missing then, the LOAD fails with SF610 at this SOURCE.",
                        "Check the path; set \"allow_no_files\": true if an empty read is acceptable."},

    // ---- Project, profile, CLI ----------------------------------------------------------------------
    ErrorCatalogueEntry{
        "SF501", "No SQLFlow project found in <dir>: missing profiles/ directory",
        "The command needs a project and the project root (the current directory, or "
        "`--project-dir`) has no `profiles/` directory.",
        "Run from the project root, pass `--project-dir`, or create a project with `sqlflow init "
        "<dir>`."},
    ErrorCatalogueEntry{
        "SF502", "pipeline '<n>' not found in pipelines/ / invalid pipeline name '<arg>'",
        "No file `pipelines/<n>.sf`, or the name contains `..`, `.`, a leading `/`, a backslash or "
        "a link leading out of `pipelines/`.",
        "Use a name from `sqlflow pipeline list` (a subfolder is written `reports/daily`)."},
    ErrorCatalogueEntry{"SF503", "profile '<p>' not found",
                        "No `profiles/<p>.yml` or `.yaml`. The default profile is `dev`.",
                        "Use a profile from the hint (`sqlflow profiles list`) or create the file."},
    ErrorCatalogueEntry{
        "SF504", "invalid YAML in <file>: <detail>",
        "The profile is not valid YAML, has a duplicate key, is larger than 1 MiB, expands to more "
        "than 100,000 nodes or nests deeper than 64 levels; or both `<p>.yml` and `<p>.yaml` "
        "exist.",
        "Fix the YAML at the position shown; keep one profile file per name."},
    ErrorCatalogueEntry{"SF505", "missing required section '<path>'",
                        "The profile has no `engines:` or no `engines.duckdb:` mapping (an empty file too).",
                        "Add `engines: {duckdb: {mode: memory}}` at least."},
    ErrorCatalogueEntry{"SF506", "invalid engines.duckdb.mode '<m>': expected 'memory' or 'persistent'",
                        "The engine mode is misspelled.", "Use `memory` or `persistent`."},
    ErrorCatalogueEntry{"SF507", "engines.duckdb.path is required when mode is 'persistent'",
                        "A persistent profile does not say where the database file is.",
                        "Add `path: target/<name>.duckdb`."},
    ErrorCatalogueEntry{
        "SF508", "<key> must be <type>",
        "A profile value has the wrong shape: `threads` not an integer >= 1, `memory_limit` not a "
        "size like `4GB`, `log_level` not debug/info/warning/error, `variables` not a mapping of "
        "scalars, an invalid variable or connector name, …",
        "Fix the value at the line shown; see [profiles](profiles.md)."},
    ErrorCatalogueEntry{
        "SF509",
        "connector '<n>' must have a 'type' / connector '<n>': put connector parameters under "
        "'params' (found '<key>')",
        "A profile connector has no `type`, or a parameter is written beside `type` instead of "
        "under `params` (it would otherwise be lost).",
        "Write `name: {type: <type>, params: {…}}`."},
    ErrorCatalogueEntry{"SF510", "both 'connectors' and 'connections' are present; use 'connectors'",
                        "The profile has both spellings of the connectors section.",
                        "Merge them under `connectors:`."},
    ErrorCatalogueEntry{
        "SF511", "<usage problem>",
        "The command line is wrong: an unknown command or option, an option of another command, a "
        "missing argument, or `--verbose` with `--quiet`.",
        "Follow the hint; `sqlflow <command> --help` lists the options."},
    ErrorCatalogueEntry{"SF512", "refusing to overwrite <path> (use --force)",
                        "`sqlflow init` would overwrite an existing file; nothing was written.",
                        "Choose another directory, or pass `--force` to overwrite exactly those files."},
    ErrorCatalogueEntry{"SF513", "<key path>: environment variable <VAR> is not set",
                        "A profile value that is used (a `variables:` entry a pipeline references, or an "
                        "`engines.duckdb` value) refers to `${VAR}`, VAR is unset and has no default.",
                        "Set VAR, add it to `.env`, or give a default `${VAR|value}` in the profile."},
    ErrorCatalogueEntry{
        "W501", "unknown profile key '<key>'",
        "The profile has a key the tool does not know (often a typo; did you mean), or a legacy "
        "form: `engines.duckdb.database_path` (read as `path`) or a profile nested under its own "
        "name (read as the profile).",
        "Rename or remove the key as the hint says."},
    ErrorCatalogueEntry{
        "W503", "malformed line in .env:<n>: <detail>",
        "A `.env` line is not `KEY=VALUE`, `export KEY=VALUE`, a comment or blank; it is ignored.",
        "Fix or remove the line."},

    // ---- Runtime -----------------------------------------------------------------------------------
    ErrorCatalogueEntry{"SF601", "<I/O error> (e.g. cannot read 'data/x.csv': permission denied)",
                        "A file or the database could not be read, written or opened for a reason other than "
                        "not-found: permissions, a directory in the way, a full disk.",
                        "Check the path and its permissions."},
    ErrorCatalogueEntry{
        "SF602", "source column '<c>' does not exist in target table '<t>'",
        "APPEND, UPSERT or INCREMENTAL into an existing table brings a column the table does not "
        "have. The target schema is never changed; nothing was written.",
        "Select only the target's columns, or rebuild the table once with MODE REPLACE (or "
        "`ALTER TABLE … ADD COLUMN` in a SQL step)."},
    ErrorCatalogueEntry{
        "SF603",
        "column '<c>' cannot be converted from <S> (source) to <T> (target table '<t>') without "
        "loss: <n> value(s) affected, e.g. '<v>'",
        "A batch value does not fit the existing column type (e.g. text into an INTEGER column). "
        "Nothing was written.",
        "Cast or clean the value in the query, set `column_types` on the source, or rebuild the "
        "target with MODE REPLACE."},
    ErrorCatalogueEntry{"SF604", "UPSERT key column '<k>' not found in source '<s>' / in target table '<t>'",
                        "A KEY column is missing from the incoming rows or from the existing table.",
                        "Fix the KEY list, or select the key column."},
    ErrorCatalogueEntry{
        "SF605",
        "UPSERT into '<t>': <n> key value(s) occur more than once in the incoming rows, e.g. "
        "(<k>=<v>)",
        "The incoming batch has several rows with the same key, so the result would be ambiguous. "
        "Nothing was written.",
        "Return one row per key (e.g. `QUALIFY row_number() OVER (PARTITION BY key ORDER BY "
        "updated_at DESC) = 1`), or use MODE REPLACE."},
    ErrorCatalogueEntry{"SF606", "UPSERT into '<t>': key column '<k>' is NULL in <n> incoming row(s)",
                        "A key column is NULL in incoming rows; NULL never matches a key.",
                        "Filter them (`WHERE k IS NOT NULL`) or fill them (`COALESCE`)."},
    ErrorCatalogueEntry{"SF608", "cursor_field '<c>' not found in data from source '<s>'",
                        "The incremental cursor column (or a `primary_key` column) is not in the rows read.",
                        "Fix `cursor_field` / `primary_key`; mind `columns` projections that drop it."},
    ErrorCatalogueEntry{"SF609",
                        "stored watermark '<w>' for <target>.<c> cannot be compared with column type <T>",
                        "The cursor column changed type since the watermark was stored.",
                        "Delete the row from `sqlflow_state` (`DELETE FROM sqlflow_state WHERE target = "
                        "'<t>';`) to start over, or restore the column type."},
    ErrorCatalogueEntry{
        "SF610", "file not found: <path> / no files match '<pattern>'",
        "A source file, glob, table, bucket, key or API object does not exist when the LOAD runs "
        "(connector `NotFound`).",
        "Check the path (relative to the project root) or set `\"allow_no_files\": true` for "
        "globs that may match nothing."},
    ErrorCatalogueEntry{"SF611", "cannot write '<dest>': <system error>",
                        "An export or the compiled plan could not be written.",
                        "Check the directory and its permissions."},
    ErrorCatalogueEntry{
        "SF612", "database '<path>' is locked by another process",
        "Another process (another sqlflow run, a DuckDB shell) holds the persistent database.",
        "Wait for it to finish, or use another `engines.duckdb.path`."},
    ErrorCatalogueEntry{
        "SF613", "<engine error text> / <connector DataError>",
        "DuckDB rejected the step (a binder error such as an unknown column, a failed cast, a "
        "constraint) or a connector found bad data (CSV parse error, JSON nesting limit).",
        "Read the engine message; for CSV type errors set `column_types`, `all_varchar` or "
        "`\"sample_size\": -1`."},
    ErrorCatalogueEntry{
        "SF614", "<connector error> (e.g. POSTGRES source 'remote': connect to … failed)",
        "A connector failed: configuration, authentication, permissions, throttling, timeouts, "
        "protocol errors, an open circuit breaker, or an unsupported operation.",
        "Read the message; `sqlflow connect test <name>` checks a profile connector."},
    ErrorCatalogueEntry{"SF615", "interrupted",
                        "The run was interrupted (Ctrl-C). The current step was rolled back; exit 130.",
                        "Run again; committed earlier steps remain in a persistent database."},
    ErrorCatalogueEntry{
        "W601", "source '<s>' restarted its read: <reason>",
        "A network source restarted reading after a recoverable error; rows are not duplicated.",
        "Nothing to do unless it repeats; check the connection."},
    ErrorCatalogueEntry{
        "W602",
        "INCREMENTAL BY column '<c>' is not in the query result of '<t>' (or has type <T>); the "
        "table is rebuilt in full and no watermark is kept",
        "The BY column of an INCREMENTAL transform is missing or not DATE/TIMESTAMP.",
        "Select the column, or cast it: `CAST(<c> AS TIMESTAMP)`."},
    ErrorCatalogueEntry{
        "W603", "<connector warning>",
        "A connector reported a warning at the end of a read (e.g. a page limit reached, an object "
        "skipped).",
        "Read the message; see the connector's SOURCE.md."},
    ErrorCatalogueEntry{"W604", "<n> row(s) from source '<s>' have a NULL cursor '<c>' and were not loaded",
                        "An incremental read skipped rows whose cursor is NULL.",
                        "Fill the cursor at the source, or read with `full_refresh`."},
    ErrorCatalogueEntry{"W605", "<n> row(s) rejected and skipped (ignore_errors); first rejects: …",
                        "CSV rows were rejected under `ignore_errors`, or lost extra fields under "
                        "`strict_mode: false`. More than `max_rejected_rows` fails the step.",
                        "Clean the file or adjust the dialect parameters."},
    ErrorCatalogueEntry{
        "W606", "source '<s>' matched no data; 0 rows loaded into '<t>'",
        "With `allow_no_files`, no file matched: REPLACE empties an existing target, APPEND and "
        "UPSERT change nothing.",
        "Expected when files arrive later; otherwise check the glob."},

    // ---- Python UDFs ---------------------------------------------------------------------------------
    ErrorCatalogueEntry{"SF701", "unknown Python UDF '<name>'",
                        "PYTHON_FUNC or `sqlflow udf info` names no discovered UDF.",
                        "Run `sqlflow udf list`; use the full, module-relative or SQL name."},
    ErrorCatalogueEntry{
        "SF702", "Python UDFs are not available: <reason>",
        "Python 3 (or pandas) could not be started, or `SQLFLOW_DISABLE_PYTHON=1` is set. Exit 2 "
        "when a pipeline compiles, 1 for the `udf` commands.",
        "Install Python 3 with pandas (`scripts/install-deps.sh`), or remove the PYTHON_FUNC call."},
    ErrorCatalogueEntry{"SF703", "PYTHON_FUNC expects a quoted UDF name as its first argument",
                        "The first argument of PYTHON_FUNC is not a quoted string.",
                        "Write `PYTHON_FUNC('module.function', …)`."},
    ErrorCatalogueEntry{
        "SF704",
        "table UDF '<n>' expects a table name as its second argument and only name => literal "
        "arguments after it",
        "A table UDF call passes something other than a table name and `name => literal` "
        "arguments.",
        "Write `PYTHON_FUNC('m.f', my_table, column_name => 'price')`."},
    ErrorCatalogueEntry{"SF705", "Python UDF '<n>' raised <ExceptionType>: <message>",
                        "The UDF raised an exception while the step ran; the step was rolled back.",
                        "Fix the function or its input; `-v` prints the traceback."},
    ErrorCatalogueEntry{"SF706", "Python UDF '<n>' returned <repr> which cannot be converted to <TYPE>",
                        "A return value does not fit the declared return type.",
                        "Return the declared type, or change `return_type`."},
    ErrorCatalogueEntry{"SF707", "table UDF '<n>' requires columns missing from '<t>': <list>",
                        "The input table lacks a column listed in `required_columns`.",
                        "Select the columns into the input table."},
    ErrorCatalogueEntry{
        "SF708",
        "table UDF '<n>' returned <type>, expected a pandas DataFrame / output is missing columns "
        "declared in output_schema",
        "A table UDF returned something other than a DataFrame, or without a declared column.",
        "Return a DataFrame with every `output_schema` column."},
    ErrorCatalogueEntry{
        "W701", "<file>: <ExceptionType>: <message> (module skipped)",
        "A module in `python_udfs/` failed to import (or a decorator was misused); its UDFs are "
        "unavailable. `udf list` exits 1.",
        "Fix the module; run `sqlflow udf list` to see the error."},
    ErrorCatalogueEntry{
        "W702",
        "UDF name '<n>' is defined in several modules (<list>); call it with "
        "PYTHON_FUNC('<module>.<n>', ...)",
        "Two UDFs share a name, or a UDF is named like a built-in function; the short SQL name is "
        "not registered.",
        "Call it with PYTHON_FUNC and the module-relative name, or rename it."},
};

struct ErrorExample {
  std::string_view code;
  std::string_view check;  // "error", "run-error" or "warning": the info-string attribute of the snippet
  std::string_view pipeline;
};

// One pipeline per code that triggers it, rendered into docs/reference/errors.md and checked there by the
// docs test (tests/docs/check_doc_snippets.py): `error` must fail `pipeline validate`, `run-error` must fail
// `pipeline run`, `warning` must print the warning. They run in a project made by `sqlflow init`.
constexpr std::array kExamples = {
    ErrorExample{"SF101", "error", "CREATE TABLE t AS SELECT 'abc AS x;"},
    ErrorExample{"SF102", "error", "/* never closed\nSELECT 1;"},
    ErrorExample{"SF103", "error", "SOURCE s TYPE CSV PARAMS {\"path\": \"data/orders.csv\";"},
    ErrorExample{"SF104", "error", "CREATE TABLE t AS SELECT $$abc AS x;"},
    ErrorExample{"SF105", "error", "CREATE TABLE a AS SELECT 1 AS x"},
    ErrorExample{"SF106", "error", "LOAD orders FROM 'data/orders.csv';"},
    ErrorExample{"SF107", "error", "SOURCE s TYPE CSV PARAMS {\"path\": \"data/orders.csv\",};"},
    ErrorExample{"SF108", "error", "SOURCE s TYPE CSV PARAMS \"data/orders.csv\";"},
    ErrorExample{
        "SF109", "error",
        "SOURCE s TYPE CSV PARAMS {\"path\": \"data/orders.csv\"};\nLOAD orders FROM s MODE INCREMENTAL;"},
    ErrorExample{
        "SF110", "error",
        "SOURCE s TYPE CSV PARAMS {\"path\": \"data/orders.csv\"};\nLOAD orders FROM s MODE UPSERT;"},
    ErrorExample{"SF111", "error",
                 "SOURCE s TYPE CSV PARAMS {\"path\": \"data/orders.csv\"};\nLOAD orders FROM s MODE APPEND "
                 "KEY (order_id);"},
    ErrorExample{"SF112", "error",
                 "SOURCE s TYPE CSV PARAMS {\"path\": \"data/orders.csv\"};\nLOAD orders FROM s;\nCREATE "
                 "TABLE t MODE INCREMENTAL AS SELECT * FROM orders;"},
    ErrorExample{"SF113", "error",
                 "SOURCE s TYPE CSV PARAMS {\"path\": \"data/orders.csv\"};\nLOAD orders FROM s;\nCREATE "
                 "TABLE t MODE APPEND LOOKBACK 1 DAY AS SELECT * FROM orders;"},
    ErrorExample{"SF114", "error",
                 "SOURCE s TYPE CSV PARAMS {\"path\": \"data/orders.csv\"};\nLOAD orders FROM s;\nCREATE "
                 "TABLE t MODE INCREMENTAL BY order_date LOOKBACK 1 FORTNIGHT AS SELECT * FROM orders;"},
    ErrorExample{"SF115", "error",
                 "SOURCE s TYPE CSV PARAMS {\"path\": \"data/orders.csv\"};\nLOAD orders FROM s;\nCREATE OR "
                 "REPLACE TABLE t MODE APPEND AS SELECT * FROM orders;"},
    ErrorExample{"SF116", "error", "CREATE TABLE t MODE APPEND AS 1;"},
    ErrorExample{"SF117", "error", "EXPORT a b TO \"output/x.csv\";"},
    ErrorExample{"SF118", "error", "CREATE TABLE a AS SELECT 1 AS x;\nEXPORT a;"},
    ErrorExample{"SF119", "error", "SOURCE s FROM \"landing\" PARAMS {\"path\": \"data/orders.csv\"};"},
    ErrorExample{"SF120", "error", "END IF;"},
    ErrorExample{"SF121", "error", "SELEC 1;"},
    ErrorExample{"SF122", "error", "BEGIN;"},
    ErrorExample{"SF123", "error", "INCLUDE \"missing.sf\";"},
    ErrorExample{"SF124", "error", "SET threads TO 4;"},
    ErrorExample{"SF125", "error", "SOURCE s TYPE CSV PARAMS {\"path\": \"a.csv\", \"path\": \"b.csv\"};"},
    ErrorExample{"SF201", "error", "CREATE TABLE t AS SELECT '${country}' AS country;"},
    ErrorExample{"SF202", "error", "CREATE TABLE t AS SELECT ${1x} AS a;"},
    ErrorExample{"SF203", "error", "CREATE TABLE t AS SELECT '${region|us east}' AS a;"},
    ErrorExample{"SF204", "error", "CREATE TABLE t AS SELECT ${region AS a;"},
    ErrorExample{"SF206", "error",
                 "SOURCE s TYPE CSV PARAMS {\"path\": \"data/orders.csv\"};\nLOAD orders FROM s;\nCREATE "
                 "TABLE t AS SELECT * FROM orders WHERE order_date >= @start_date;"},
    ErrorExample{"SF207", "error", "SET v = '1; SELECT 2';\nCREATE TABLE t AS SELECT ${v} AS x;"},
    ErrorExample{"SF211", "error", "IF ${env} = 'prod' THEN\n  SELECT 1;\nEND IF;"},
    ErrorExample{"SF212", "error", "IF (true THEN\n  SELECT 1;\nEND IF;"},
    ErrorExample{"SF213", "error", "IF ${flag|maybe} THEN\n  SELECT 1;\nEND IF;"},
    ErrorExample{"SF214", "error", "IF true < false THEN\n  SELECT 1;\nEND IF;"},
    ErrorExample{"SF215", "error", "IF ${env} <> 'prod' THEN\n  SELECT 1;\nEND IF;"},
    ErrorExample{"W201", "warning",
                 "CREATE TABLE a AS SELECT '${region|eu}' AS r;\nCREATE TABLE b AS SELECT '${region}' AS r, "
                 "'${region|us}' AS s;"},
    ErrorExample{"SF301", "error", "LOAD orders FROM orders_src;"},
    ErrorExample{"SF302", "error",
                 "SOURCE s TYPE CSV PARAMS {\"path\": \"data/orders.csv\"};\nSOURCE s TYPE CSV PARAMS "
                 "{\"path\": \"data/customers.csv\"};"},
    ErrorExample{"SF303", "error", "CREATE TABLE t AS SELECT 1 AS x;\nCREATE TABLE t AS SELECT 2 AS x;"},
    ErrorExample{"SF304", "error",
                 "CREATE TABLE a AS SELECT * FROM later_table;\nCREATE TABLE later_table AS SELECT 1 AS x;"},
    ErrorExample{
        "SF305", "error",
        "CREATE TABLE table_a AS SELECT * FROM table_b;\nCREATE TABLE table_b AS SELECT * FROM table_a;"},
    ErrorExample{"SF306", "error",
                 "CREATE TABLE sales_raw AS SELECT 1 AS x;\nCREATE TABLE t AS SELECT * FROM sales_raw_typo;"},
    ErrorExample{"SF307", "error",
                 "SOURCE customers TYPE CSV PARAMS {\"path\": \"data/customers.csv\"};\nCREATE TABLE c AS "
                 "SELECT * FROM customers;"},
    ErrorExample{"SF308", "error",
                 "SOURCE s TYPE CSV PARAMS {\"path\": \"data/orders.csv\"};\nLOAD sqlflow_state FROM s;"},
    ErrorExample{"SF309", "error",
                 "SOURCE s TYPE CSV PARAMS {\"path\": \"data/orders.csv\"};\nLOAD orders FROM s MODE UPSERT "
                 "KEY (order_id, order_id);"},
    ErrorExample{"W301", "warning", "CREATE TABLE t AS SELECT * FROM created_elsewhere;"},
    ErrorExample{"W302", "warning",
                 "SOURCE s TYPE CSV PARAMS {\"path\": \"data/orders.csv\", \"sync_mode\": \"incremental\", "
                 "\"cursor_field\": \"order_date\"};\nLOAD orders FROM s;"},
    ErrorExample{"W303", "warning",
                 "CREATE TABLE a AS SELECT 1 AS x;\nEXPORT a TO \"output/a.csv\";\nEXPORT SELECT x + 1 AS x "
                 "FROM a TO \"output/a.csv\";"},
    ErrorExample{"SF401", "error", "SOURCE s TYPE CVS PARAMS {\"path\": \"data/orders.csv\"};"},
    ErrorExample{"SF402", "error",
                 "SOURCE s TYPE CSV PARAMS {\"path\": \"data/orders.csv\", \"delimeter\": \";\"};"},
    ErrorExample{"SF403", "error", "SOURCE s TYPE CSV PARAMS {};"},
    ErrorExample{"SF404", "error",
                 "SOURCE s TYPE CSV PARAMS {\"path\": \"data/orders.csv\", \"has_header\": \"maybe\"};"},
    ErrorExample{"SF405", "error",
                 "SOURCE s TYPE CSV PARAMS {\"path\": \"data/orders.csv\", \"sync_mode\": \"cdc\"};"},
    ErrorExample{"SF406", "error",
                 "SOURCE s TYPE CSV PARAMS {\"path\": \"data/orders.csv\", \"sync_mode\": \"incremental\"};"},
    ErrorExample{"SF407", "error",
                 "CREATE TABLE a AS SELECT 1 AS x;\nEXPORT a TO warehouse OPTIONS {\"table\": \"a\"};"},
    ErrorExample{
        "SF408", "error",
        "CREATE TABLE a AS SELECT 1 AS x;\nEXPORT a TO \"output/a.csv\" OPTIONS {\"delimeter\": \";\"};"},
    ErrorExample{"SF409", "error", "CREATE TABLE a AS SELECT 1 AS x;\nEXPORT a TO \"output/a.xyz\";"},
    ErrorExample{"SF411", "error",
                 "CREATE TABLE a AS SELECT 1 AS x;\nEXPORT a TO \"output/dir/\" TYPE CSV OPTIONS {\"mode\": "
                 "\"upsert\", \"keys\": [\"x\"]};"},
    ErrorExample{"W401", "warning",
                 "SOURCE s TYPE CSV PARAMS {\"path\": \"data/orders.csv\", \"cursor_field\": "
                 "\"order_date\"};\nLOAD orders FROM s;"},
    ErrorExample{
        "W402", "warning",
        "CREATE TABLE a AS SELECT 1 AS x;\nEXPORT a TO \"output/a.parquet\" OPTIONS {\"header\": true};"},
    ErrorExample{"W403", "warning",
                 "CREATE TABLE a AS SELECT 1 AS x;\nEXPORT a TO \"output/a.csv\" TYPE PARQUET;"},
    ErrorExample{"W404", "warning", "SOURCE s TYPE CSV PARAMS {\"path\": \"data/not_there_yet.csv\"};"},
    ErrorExample{
        "SF602", "run-error",
        "CREATE TABLE t AS SELECT 1 AS a;\nCREATE TABLE t MODE APPEND AS SELECT 2 AS a, 'new' AS b;"},
    ErrorExample{"SF603", "run-error",
                 "CREATE TABLE t AS SELECT 1 AS a;\nCREATE TABLE t MODE APPEND AS SELECT 'x' AS a;"},
    ErrorExample{"SF604", "run-error", "CREATE TABLE t MODE UPSERT KEY (id) AS SELECT 1 AS x;"},
    ErrorExample{
        "SF605", "run-error",
        "CREATE TABLE t MODE UPSERT KEY (id) AS\n  SELECT * FROM (VALUES (1, 'a'), (1, 'b')) AS v(id, x);"},
    ErrorExample{"SF606", "run-error",
                 "CREATE TABLE t MODE UPSERT KEY (id) AS\n  SELECT * FROM (VALUES (NULL, 'a'), (1, 'b')) AS "
                 "v(id, x);"},
    ErrorExample{"SF608", "run-error",
                 "SOURCE s TYPE CSV PARAMS {\"path\": \"data/orders.csv\", \"sync_mode\": \"incremental\", "
                 "\"cursor_field\": \"changed_at\"};\nLOAD orders FROM s MODE APPEND;"},
    ErrorExample{"SF610", "run-error",
                 "SOURCE s TYPE CSV PARAMS {\"path\": \"data/missing.csv\"};\nLOAD orders FROM s;"},
    ErrorExample{"SF613", "run-error", "CREATE TABLE t AS SELECT nope_column FROM (SELECT 1 AS x);"},
    ErrorExample{"W602", "warning", "CREATE TABLE t MODE INCREMENTAL BY day AS SELECT 1 AS x;"},
    ErrorExample{"SF701", "error", "CREATE TABLE t AS SELECT PYTHON_FUNC('nope.f', 1) AS x;"},
    ErrorExample{"SF703", "error", "CREATE TABLE t AS SELECT PYTHON_FUNC(nope, 1) AS x;"},
};

struct Group {
  char digit;  // the hundreds digit of the code
  std::string_view title;
  std::string_view exit_note;
};

constexpr std::array kGroups = {
    Group{'1', "Lexical and syntax", "Compile-time errors: exit 2, nothing is read or written."},
    Group{'2', "Variables and conditions", "Errors exit 2; warnings do not change the exit code."},
    Group{'3', "Validation", "Errors exit 2; warnings do not change the exit code."},
    Group{'4', "Connectors, parameters and options", "Errors exit 2; warnings do not change the exit code."},
    Group{'5', "Project, profile and command line", "Errors exit 2; warnings do not change the exit code."},
    Group{'6', "Runtime",
          "A step failed while running: exit 1 (SF615: 130). The failing step is rolled back; the message "
          "reads `<KIND> <target> failed: <cause>`. Warnings (W6xx) are printed after the step's line."},
    Group{'7', "Python UDFs", "SF701-SF704 are compile-time (exit 2); SF705-SF708 are runtime (exit 1)."},
};

char GroupDigit(std::string_view code) {
  return code[code.find_first_of("0123456789")];
}

// A `|` inside a table cell ends the cell in GitHub Markdown, even inside backticks.
std::string TableCell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string Anchor(std::string_view code) {
  std::string out;
  for (char c : code) out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

const ErrorExample* FindExample(std::string_view code) {
  auto it = std::find_if(kExamples.begin(), kExamples.end(), [&](const auto& e) { return e.code == code; });
  return it == kExamples.end() ? nullptr : &*it;
}

}  // namespace

std::span<const ErrorCatalogueEntry> ErrorCatalogue() {
  return kCatalogue;
}

const ErrorCatalogueEntry* FindErrorCode(std::string_view code) {
  auto it = std::find_if(kCatalogue.begin(), kCatalogue.end(), [&](const auto& e) { return e.code == code; });
  return it == kCatalogue.end() ? nullptr : &*it;
}

std::vector<std::string_view> ErrorExampleCodes() {
  std::vector<std::string_view> codes;
  for (const auto& example : kExamples) codes.push_back(example.code);
  return codes;
}

std::string ErrorCatalogueMarkdown() {
  std::string out =
      "# Error and warning codes\n\n"
      "<!-- Generated from src/sqlflow/common/error_catalogue.cc; do not edit. Regenerate with\n"
      "     SQLFLOW_UPDATE_ERROR_DOCS=1 build/tests/sqlflow_unit_tests --gtest_filter='ErrorCatalogue*' "
      "-->\n\n"
      "Every diagnostic the tool prints carries a code: `SFnnn` for errors, `Wnnn` for warnings. A "
      "diagnostic "
      "tied to a place in a file looks like this:\n\n"
      "```text\n"
      "pipelines/orders.sf:2:38: error: UPSERT mode requires KEY (column, ...) [SF110]\n"
      "  2 | LOAD users_table FROM users_csv MODE UPSERT;\n"
      "    |                                      ^^^^^^\n"
      "  hint: add KEY (<column>, ...) after MODE UPSERT\n"
      "1 error, 0 warnings\n"
      "```\n\n"
      "The caret marks the offending token; hints and notes follow; the last line counts the errors and "
      "warnings. Diagnostics without a place start with `sqlflow: error:`. In the messages below, "
      "placeholders are written `<...>`. The example pipelines are checked by the docs test: each produces "
      "its "
      "code in a project made by `sqlflow init`. "
      "[Troubleshooting](../guides/troubleshooting.md) groups the common problems by symptom.\n\n";
  for (const Group& group : kGroups) {
    const bool has_warnings = std::any_of(kCatalogue.begin(), kCatalogue.end(), [&](const auto& e) {
      return e.code[0] == 'W' && GroupDigit(e.code) == group.digit;
    });
    out += "## " + std::string(group.title) + " (SF" + group.digit + "xx" +
           (has_warnings ? std::string(", W") + group.digit + "xx" : std::string()) + ")\n\n";
    out += std::string(group.exit_note) + "\n\n";
    out += "| Code | Message |\n|---|---|\n";
    for (const auto& e : kCatalogue)
      if (GroupDigit(e.code) == group.digit)
        out +=
            "| [" + std::string(e.code) + "](#" + Anchor(e.code) + ") | `" + TableCell(e.message) + "` |\n";
    out += "\n";
    for (const auto& e : kCatalogue) {
      if (GroupDigit(e.code) != group.digit) continue;
      out += "### " + std::string(e.code) + "\n\n";
      out += "`" + std::string(e.message) + "`\n\n";
      out += "- **Cause:** " + std::string(e.cause) + "\n";
      out += "- **Fix:** " + std::string(e.fix) + "\n\n";
      if (const ErrorExample* example = FindExample(e.code))
        out += "```sql " + std::string(example->check) + "=" + std::string(e.code) + "\n" +
               std::string(example->pipeline) + "\n```\n\n";
    }
  }
  out.pop_back();  // one final newline
  return out;
}

}  // namespace sqlflow

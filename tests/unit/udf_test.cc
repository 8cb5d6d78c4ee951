// Python UDFs (LANGUAGE.md §13): the real binary on small projects, so that each case gets a fresh
// interpreter and the "no UDF -> no Python" rule is observable from outside.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sqlflow/udf/call_scanner.h"

namespace fs = std::filesystem;

namespace {

struct CliResult {
  int exit_code = 0;
  std::string output;  // stdout + stderr
};

class UdfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sqlflow_udf_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "pipelines");
    fs::create_directories(dir_ / "profiles");
    fs::create_directories(dir_ / "python_udfs");
    Write("profiles/dev.yml", "engines:\n  duckdb:\n    mode: memory\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& rel, const std::string& text) {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << text;
  }
  std::string Read(const std::string& rel) {
    std::ifstream in(dir_ / rel);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  CliResult Run(const std::string& args, const std::string& env = "") {
    std::string cmd =
        "cd '" + dir_.string() + "' && " + env + " NO_COLOR=1 " + SQLFLOW_BINARY + " " + args + " 2>&1";
    CliResult r;
    FILE* pipe = popen(cmd.c_str(), "r");
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) r.output.append(buffer, n);
    int status = pclose(pipe);
    r.exit_code = WEXITSTATUS(status);
    return r;
  }

  fs::path dir_;
};

constexpr const char* kTypesModule = R"(
import datetime, decimal
from typing import Optional
from sqlflow.udfs import python_scalar_udf

@python_scalar_udf
def id_int(x: int) -> int: return x + 1
@python_scalar_udf
def id_float(x: float) -> float: return x / 2
@python_scalar_udf
def id_str(x: str) -> str: return x.upper()
@python_scalar_udf
def id_bool(x: bool) -> bool: return not x
@python_scalar_udf
def id_bytes(x: bytes) -> bytes: return x[::-1]
@python_scalar_udf
def id_decimal(x: decimal.Decimal) -> decimal.Decimal: return x * 2
@python_scalar_udf
def id_date(x: datetime.date) -> datetime.date: return x + datetime.timedelta(days=1)
@python_scalar_udf
def id_ts(x: datetime.datetime) -> datetime.datetime: return x + datetime.timedelta(hours=1)
@python_scalar_udf
def id_time(x: datetime.time) -> datetime.time: return x.replace(second=59)
@python_scalar_udf
def id_interval(x: datetime.timedelta) -> datetime.timedelta: return x * 2
@python_scalar_udf
def id_list(x: list[int]) -> list[int]: return [v * 10 for v in x]
@python_scalar_udf
def id_optional(x: Optional[str]) -> Optional[str]: return None if x == "drop" else x
@python_scalar_udf
def type_of(x) -> str: return type(x).__name__
@python_scalar_udf(null_handling="special")
def null_seen(x: int) -> str: return "got None" if x is None else "got %d" % x
@python_scalar_udf
def nan_out(x: float) -> float: return float("nan")
@python_scalar_udf
def tz_of(x) -> str: return str(x.tzinfo)
)";

TEST_F(UdfTest, EveryTypeOfTheTableRoundTrips) {
  Write("python_udfs/types.py", kTypesModule);
  Write("pipelines/p.sf", R"(
CREATE TABLE r AS SELECT
  id_int(41) AS i, id_float(3.0) AS f, id_str('abc') AS s, id_bool(true) AS b,
  hex(id_bytes('\x01\x02'::BLOB)) AS bl, id_decimal(1.25) AS d, id_date(DATE '2024-02-28') AS dt,
  id_ts(TIMESTAMP '2024-01-01 23:30:00') AS ts, id_time(TIME '10:11:12') AS tm,
  id_interval(INTERVAL 90 MINUTE) AS iv, id_list([1, 2, 3]) AS l, id_optional('keep') AS o1,
  id_optional('drop') AS o2, type_of({'a': 1}) AS struct_type, type_of(1.5::DECIMAL(5,2)) AS dec_type,
  tz_of(TIMESTAMPTZ '2024-01-01 00:00:00+00') AS tz;
EXPORT SELECT i, f, s, b, bl, d, dt, ts, tm, iv, l, o1, o2, struct_type, dec_type, tz FROM r TO "out/r.csv";
)");
  auto r = Run("pipeline run p");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Read("out/r.csv"),
            "i,f,s,b,bl,d,dt,ts,tm,iv,l,o1,o2,struct_type,dec_type,tz\n"
            "42,1.5,ABC,false,0201,2.5000000000,2024-02-29,2024-01-02 00:30:00,10:11:59,03:00:00,\"[10, 20, "
            "30]\",keep,,dict,Decimal,UTC\n");
}

TEST_F(UdfTest, NullAndNanBecomeNullAndSpecialHandlingSeesNone) {
  Write("python_udfs/types.py", kTypesModule);
  Write("pipelines/p.sf", R"(
CREATE TABLE r AS SELECT id_int(NULL) IS NULL AS default_null, null_seen(NULL) AS special, null_seen(7) AS seven,
  nan_out(1.0) IS NULL AS nan_is_null;
EXPORT SELECT * FROM r TO "out/r.csv";
)");
  auto r = Run("pipeline run p");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Read("out/r.csv"), "default_null,special,seven,nan_is_null\ntrue,got None,got 7,true\n");
}

TEST_F(UdfTest, OverloadsPerArityAndVectorizedModes) {
  Write("python_udfs/m.py", R"(
import numpy as np
from sqlflow.udfs import python_scalar_udf

@python_scalar_udf
def add_ten(x: int, y: int = 10) -> int: return x + y

@python_scalar_udf(vectorized=True)
def vec_series(x: int) -> int:
    assert type(x).__name__ == "Series", type(x)
    return x * 2 + 1

@python_scalar_udf(vectorized=True, return_type="BIGINT", param_types=["BIGINT"])
def vec_array(x: np.ndarray):
    assert isinstance(x, np.ndarray)
    return x * 2 + 1

@python_scalar_udf(vectorized=True)
def vec_isna(x: float) -> str:
    return x.isna().map({True: "missing", False: "present"})
)");
  Write("pipelines/p.sf", R"(
CREATE TABLE r AS SELECT sum(add_ten(range)) AS a1, sum(add_ten(range, 1)) AS a2, sum(vec_series(range)) AS v1,
  sum(vec_array(range)) AS v2, sum(range * 2 + 1) AS plain FROM range(10000);
CREATE TABLE n AS SELECT string_agg(vec_isna(x), ',' ORDER BY k) AS s
  FROM (VALUES (1, 1.5), (2, NULL), (3, 2.0)) AS v(k, x);
EXPORT SELECT * FROM r TO "out/r.csv";
EXPORT SELECT * FROM n TO "out/n.csv";
)");
  auto r = Run("pipeline run p");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // sum(range) over 0..9999 = 49995000
  EXPECT_EQ(Read("out/r.csv"), "a1,a2,v1,v2,plain\n50095000,50005000,100000000,100000000,100000000\n");
  // default null handling: the NULL row is NULL whatever the function returned for it
  EXPECT_EQ(Read("out/n.csv"), "s\n\"present,present\"\n");
}

TEST_F(UdfTest, ExceptionIsSF705WithTheLastFrame) {
  Write("python_udfs/bad.py",
        "from sqlflow.udfs import python_scalar_udf\n\ndef helper(x):\n"
        "    raise ValueError('bad value %d' % x)\n\n@python_scalar_udf\n"
        "def explode(x: int) -> int:\n    return helper(x)\n");
  Write("pipelines/p.sf", "CREATE TABLE r AS SELECT explode(range) FROM range(3);\n");
  auto r = Run("pipeline run p");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("Python UDF 'python_udfs.bad.explode' raised ValueError: bad value 0 "
                          "(at python_udfs/bad.py:4) [SF705]"),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("Traceback (most recent call last)"), std::string::npos) << r.output;
  auto verbose = Run("pipeline run p -v");
  EXPECT_NE(verbose.output.find("Traceback (most recent call last)"), std::string::npos) << verbose.output;
  EXPECT_NE(verbose.output.find("in helper"), std::string::npos) << verbose.output;
}

TEST_F(UdfTest, WrongReturnTypeIsSF706) {
  Write("python_udfs/bad.py",
        "from sqlflow.udfs import python_scalar_udf\n\n@python_scalar_udf\n"
        "def as_int(x: str) -> int:\n    return x\n");
  Write("pipelines/p.sf", "CREATE TABLE r AS SELECT as_int('12') AS ok, as_int('twelve') AS bad;\n");
  auto r = Run("pipeline run p");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(
      r.output.find("Python UDF 'python_udfs.bad.as_int' returned 'twelve' which cannot be converted to "
                    "BIGINT [SF706]"),
      std::string::npos)
      << r.output;
}

constexpr const char* kTableModule = R"(
import pandas as pd
from sqlflow.udfs import python_table_udf

@python_table_udf(output_schema={"id": "BIGINT", "flag": "BOOLEAN"}, required_columns=["id", "amount"])
def flag_large(df, threshold=100):
    return pd.DataFrame({"id": df["id"], "flag": df["amount"] > threshold, "extra": 1})

@python_table_udf(output_schema={"id": "BIGINT", "missing": "VARCHAR"})
def drops_column(df):
    return df[["id"]]

@python_table_udf(infer=True)
def not_a_frame(df):
    return [1, 2, 3]

@python_table_udf(infer=True)
def inferred(df):
    return pd.DataFrame({"n": [1, None], "x": [0.5, float("nan")], "s": ["a", None]})
)";

TEST_F(UdfTest, TableUdfRunsWithParametersAndDropsExtraColumns) {
  Write("python_udfs/t.py", kTableModule);
  Write("pipelines/p.sf", R"(
CREATE TABLE sales AS SELECT * FROM (VALUES (1, 50), (2, 150), (3, NULL)) AS v(id, amount);
CREATE TABLE f AS SELECT * FROM PYTHON_FUNC('t.flag_large', sales, threshold => 60) ORDER BY id;
CREATE TABLE g AS SELECT * FROM PYTHON_FUNC('t.inferred', sales);
EXPORT SELECT * FROM f TO "out/f.csv";
EXPORT SELECT * FROM g TO "out/g.csv";
)");
  auto r = Run("pipeline run p");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(Read("out/f.csv"), "id,flag\n1,false\n2,true\n3,\n");
  EXPECT_EQ(Read("out/g.csv"), "n,x,s\n1.0,0.5,a\n,,\n");
}

TEST_F(UdfTest, TableUdfSchemaErrorsAreSF707AndSF708) {
  Write("python_udfs/t.py", kTableModule);
  Write("pipelines/a.sf",
        "CREATE TABLE s AS SELECT 1 AS id;\n"
        "CREATE TABLE f AS SELECT * FROM PYTHON_FUNC('t.flag_large', s);\n");
  Write("pipelines/b.sf",
        "CREATE TABLE s AS SELECT 1 AS id;\n"
        "CREATE TABLE f AS SELECT * FROM PYTHON_FUNC('t.drops_column', s);\n");
  Write("pipelines/c.sf",
        "CREATE TABLE s AS SELECT 1 AS id;\n"
        "CREATE TABLE f AS SELECT * FROM PYTHON_FUNC('t.not_a_frame', s);\n");
  auto a = Run("pipeline run a");
  EXPECT_NE(
      a.output.find("table UDF 'python_udfs.t.flag_large' requires columns missing from 's': amount [SF707]"),
      std::string::npos)
      << a.output;
  auto b = Run("pipeline run b");
  EXPECT_NE(b.output.find("output is missing columns declared in output_schema: missing [SF708]"),
            std::string::npos)
      << b.output;
  auto c = Run("pipeline run c");
  EXPECT_NE(c.output.find(
                "table UDF 'python_udfs.t.not_a_frame' returned list, expected a pandas DataFrame [SF708]"),
            std::string::npos)
      << c.output;
  EXPECT_EQ(a.exit_code, 1);
  EXPECT_EQ(b.exit_code, 1);
  EXPECT_EQ(c.exit_code, 1);
}

TEST_F(UdfTest, CompileTimeErrors) {
  Write("python_udfs/t.py", kTableModule);
  Write("pipelines/p.sf", R"(SOURCE src TYPE CSV PARAMS {"path": "x.csv", "has_header": true};
CREATE TABLE s AS SELECT 1 AS id;
CREATE TABLE a AS SELECT PYTHON_FUNC('t.flag_larg', 1) AS x;
CREATE TABLE b AS SELECT PYTHON_FUNC(id) AS x FROM s;
CREATE TABLE c AS SELECT * FROM PYTHON_FUNC('t.flag_large', src);
CREATE TABLE d AS SELECT * FROM PYTHON_FUNC('t.flag_large', s, limit => 3);
)");
  auto r = Run("pipeline validate p");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("pipelines/p.sf:3:38: error: unknown Python UDF 't.flag_larg' [SF701]"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("did you mean 't.flag_large'?"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("pipelines/p.sf:4:38: error: PYTHON_FUNC expects a quoted UDF name"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("pipelines/p.sf:5:61: error: 'src' is a SOURCE, not a table [SF307]"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("pipelines/p.sf:6:64: error: table UDF 't.flag_large' expects a table name"),
            std::string::npos)
      << r.output;
}

TEST_F(UdfTest, PythonUnavailableIsSF702ForEveryCall) {
  Write("python_udfs/t.py", kTableModule);
  Write("pipelines/p.sf",
        "CREATE TABLE a AS SELECT PYTHON_FUNC('t.x', 1) AS x, PYTHON_FUNC('t.y', 2) AS y;\n");
  auto r = Run("pipeline validate p", "SQLFLOW_DISABLE_PYTHON=1");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("p.sf:1:26: error: Python UDFs are not available"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("p.sf:1:54: error: Python UDFs are not available"), std::string::npos) << r.output;
}

TEST_F(UdfTest, NameClashIsW702AndTheUdfStaysReachable) {
  Write("python_udfs/a.py",
        "from sqlflow.udfs import python_scalar_udf\n\n@python_scalar_udf\n"
        "def clean(x: str) -> str:\n    return 'a:' + x.strip()\n");
  Write("python_udfs/b.py",
        "from sqlflow.udfs import python_scalar_udf\n\n@python_scalar_udf\n"
        "def clean(x: str) -> str:\n    return 'b:' + x.strip()\n\n"
        "@python_scalar_udf\ndef upper(x: str) -> str:\n    return x\n");
  Write("pipelines/p.sf",
        "CREATE TABLE r AS SELECT PYTHON_FUNC('b.clean', ' x ') AS b, "
        "python_udfs.a.clean(' y ') AS a, upper('z') AS u;\nEXPORT SELECT * FROM r TO \"out/r.csv\";\n");
  auto r = Run("pipeline run p");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(
      r.output.find("UDF name 'clean' is defined in several modules (python_udfs.a, python_udfs.b); call it "
                    "with PYTHON_FUNC('a.clean', ...) [W702]"),
      std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("UDF name 'upper' is also a built-in engine function"), std::string::npos)
      << r.output;
  EXPECT_EQ(Read("out/r.csv"), "b,a,u\nb:x,a:y,Z\n");
}

TEST_F(UdfTest, PipelineWithoutUdfsNeverStartsPython) {
  // Importing this module leaves a marker file: it exists only if the interpreter started and discovered
  // UDFs.
  Write("python_udfs/marker.py",
        "import pathlib\npathlib.Path('python_started').write_text('yes')\n"
        "from sqlflow.udfs import python_scalar_udf\n\n@python_scalar_udf\n"
        "def one(x: int) -> int:\n    return 1\n");
  Write("pipelines/plain.sf",
        "CREATE TABLE t AS SELECT upper('a') AS a, x FROM (VALUES (1), (2)) AS v(x);\n"
        "EXPORT SELECT * FROM t TO \"out/t.csv\";\n");
  Write("pipelines/uses.sf", "CREATE TABLE t AS SELECT one(2) AS a;\n");
  auto plain = Run("pipeline run plain");
  ASSERT_EQ(plain.exit_code, 0) << plain.output;
  EXPECT_FALSE(fs::exists(dir_ / "python_started"));
  auto uses = Run("pipeline run uses");
  ASSERT_EQ(uses.exit_code, 0) << uses.output;
  EXPECT_TRUE(fs::exists(dir_ / "python_started"));  // the control: the marker works
}

TEST(UdfCallScanner, FindsCallsOutsideStringsAndComments) {
  auto calls = sqlflow::udf::FindPythonFuncCalls(
      "SELECT 'PYTHON_FUNC(x)', -- PYTHON_FUNC(y)\n python_func('m.f', a, f(b, c)) AS t(x) FROM s");
  ASSERT_EQ(calls.size(), 1u);
  ASSERT_EQ(calls[0].args.size(), 3u);
  EXPECT_EQ(calls[0].args[0].text, "'m.f'");
  EXPECT_EQ(calls[0].args[2].text, "f(b, c)");
  auto all = sqlflow::udf::FindCalls("SELECT a.b.c(1), x FROM y AS t(q)");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].name, "a.b.c");
  EXPECT_EQ(sqlflow::udf::QuotedName("\"m.f\"").value_or(""), "m.f");
  EXPECT_FALSE(sqlflow::udf::QuotedName("m.f").has_value());
  EXPECT_TRUE(sqlflow::udf::ParseNamedLiteral("k => 'v'").has_value());
  EXPECT_FALSE(sqlflow::udf::ParseNamedLiteral("k => col").has_value());
}

}  // namespace

namespace {

TEST_F(UdfTest, UdfListAndInfo) {
  Write("python_udfs/text/clean.py",
        "from sqlflow.udfs import python_scalar_udf\n\n@python_scalar_udf\n"
        "def squash(x: str, sep: str = ' ') -> str:\n    \"\"\"Collapses runs of "
        "spaces.\"\"\"\n    return sep.join(x.split())\n");
  Write("python_udfs/broken.py", "import no_such_module\n");
  auto list = Run("udf list");
  EXPECT_EQ(list.exit_code, 1) << list.output;  // a module failed (W701)
  EXPECT_NE(
      list.output.find("python_udfs.text.clean.squash  scalar  squash(x VARCHAR, sep VARCHAR = default) -> "
                       "VARCHAR\n"),
      std::string::npos)
      << list.output;
  EXPECT_NE(list.output.find(
                "python_udfs/broken.py:1: ModuleNotFoundError: No module named 'no_such_module' (module "
                "skipped) [W701]"),
            std::string::npos)
      << list.output;
  auto info = Run("udf info text.clean.squash");
  EXPECT_EQ(info.exit_code, 0) << info.output;
  EXPECT_NE(info.output.find(
                "file: python_udfs/text/clean.py:3\nsql_names: python_udfs__text__clean__squash, squash\n"),
            std::string::npos)
      << info.output;
  EXPECT_NE(info.output.find("Collapses runs of spaces."), std::string::npos) << info.output;
  auto unknown = Run("udf info sqush");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("unknown Python UDF 'sqush' [SF701]"), std::string::npos) << unknown.output;
  EXPECT_NE(unknown.output.find("did you mean 'squash'?"), std::string::npos) << unknown.output;
  auto off = Run("udf list", "SQLFLOW_DISABLE_PYTHON=1");
  EXPECT_EQ(off.exit_code, 1) << off.output;
  EXPECT_NE(off.output.find("[SF702]"), std::string::npos) << off.output;
}

TEST_F(UdfTest, InitProjectUdfExampleWorks) {
  auto init = Run("init proj");
  ASSERT_EQ(init.exit_code, 0) << init.output;
  dir_ = dir_ / "proj";
  auto list = Run("udf list");
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_EQ(list.output,
            "python_udfs.example_udfs.title_case  scalar  title_case(text VARCHAR) -> VARCHAR\n");
  Write("pipelines/udf.sf", "EXPORT SELECT title_case('hello wORLD') AS t TO \"output/t.csv\";\n");
  auto run = Run("pipeline run udf");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(Read("output/t.csv"), "t\nHello World\n");
  dir_ = dir_.parent_path();
}

}  // namespace

namespace {

TEST_F(UdfTest, UnknownDeclaredTypeSkipsTheUdfBeforeAnythingRuns) {
  Write("python_udfs/m.py",
        "from sqlflow.udfs import python_scalar_udf\n\n@python_scalar_udf(return_type=\"BIGINTT\")\n"
        "def f(x: int):\n    return x\n");
  Write("pipelines/p.sf", "CREATE TABLE t AS SELECT PYTHON_FUNC('m.f', 1) AS x;\n");
  auto r = Run("pipeline run p");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(
      r.output.find("python_udfs/m.py:3: UDF 'f' declares the unknown type 'BIGINTT' (UDF skipped) [W701]"),
      std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("unknown Python UDF 'm.f' [SF701]"), std::string::npos) << r.output;
}

}  // namespace

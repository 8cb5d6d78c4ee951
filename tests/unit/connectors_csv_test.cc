// CSV source (FileScan run against DuckDB as the executor runs it) and CSV destination (all modes).
#include <gtest/gtest.h>

#include "connectors_test_util.h"
#include "sqlflow/common/error.h"
#include "sqlflow/connectors/csv/csv_connector.h"

namespace sqlflow::connectors {
namespace {

using Json = nlohmann::ordered_json;
using testing::Drain;
using testing::ReadFile;
using testing::Rows;
using testing::RunScan;
using testing::ScopedWorkDir;
using testing::TestExportInput;
using testing::WriteFile;

class CsvTest : public ::testing::Test {
 protected:
  CsvTest() : db_(engine::Database::Open({})), conn_(*db_) {}

  // Reads through the source like the executor and returns the FileScan event.
  FileScan Scan(const Json& params, const ReadRequest& request = {}) {
    auto source = testing::MakeSource("csv", params);
    ReadContext context;
    context.source_name = "src";
    context.connection = &conn_;
    auto stream = source->Read(request, context);
    auto events = Drain(*stream);
    EXPECT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].kind, ReadEvent::Kind::kFileScan);
    EXPECT_EQ(events[1].kind, ReadEvent::Kind::kEnd);
    return events[0].scan;
  }

  std::vector<std::string> Load(const Json& params, const ReadRequest& request = {}) {
    RunScan(conn_, Scan(params, request), "t");
    return Rows(conn_, "SELECT * FROM t");
  }

  std::string ErrorOf(const Json& params, ErrorKind expected_kind) {
    try {
      Scan(params);
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), expected_kind) << error.what();
      return error.what();
    }
    ADD_FAILURE() << "expected an error";
    return "";
  }

  ScopedWorkDir dir_;
  std::unique_ptr<engine::Database> db_;
  engine::Connection conn_;
};

TEST_F(CsvTest, DialectIsAlwaysExplicit) {
  WriteFile("data.csv", "a;b\n1;2\n");
  FileScan scan = Scan({{"path", "data.csv"}, {"delimiter", ";"}});
  EXPECT_EQ(scan.reader, "read_csv");
  EXPECT_EQ(scan.files, std::vector<std::string>{"data.csv"});
  for (const char* part : {"header = true", "delim = ';'", "quote = '\"'", "escape = '\"'",
                           "allow_quoted_nulls = false", "null_padding = true", "nullstr = ['']"}) {
    EXPECT_NE(scan.table_function.find(part), std::string::npos) << part << " in " << scan.table_function;
  }
  EXPECT_EQ(scan.select_list, "*");
  EXPECT_TRUE(scan.where.empty());
  RunScan(conn_, scan, "t");
  EXPECT_EQ(Rows(conn_, "SELECT * FROM t"), std::vector<std::string>{"1|2"});
}

TEST_F(CsvTest, EmptyStringNullNoTrimmingAndShortRows) {
  WriteFile("data.csv", "id,name,v\n1, eu ,\"\"\n2,,x\n3\n");
  EXPECT_EQ(Load({{"path", "data.csv"}}), (std::vector<std::string>{"1| eu |", "2|NULL|x", "3|NULL|NULL"}));
  EXPECT_EQ(Rows(conn_, "SELECT v IS NULL, length(name) FROM t ORDER BY id"),
            (std::vector<std::string>{"false|4", "false|NULL", "true|NULL"}));
}

TEST_F(CsvTest, ExtraFieldIsAnErrorNotAColumn) {
  WriteFile("data.csv", "id,name\n1,a,oops\n2,b\n");
  EXPECT_EQ(ErrorOf({{"path", "data.csv"}}, ErrorKind::kDataError),
            "CSV source 'src': data.csv: a row has 3 fields, the header has 2");
}

TEST_F(CsvTest, HeaderOnlyFileGivesColumnsAndNoRows) {
  WriteFile("data.csv", "id,name\n");
  EXPECT_TRUE(Load({{"path", "data.csv"}}).empty());
  EXPECT_EQ(Rows(conn_, "SELECT column_name FROM (DESCRIBE t)"), (std::vector<std::string>{"id", "name"}));
}

TEST_F(CsvTest, ZeroByteFileIsAnError) {
  WriteFile("empty.csv", "");
  EXPECT_EQ(ErrorOf({{"path", "empty.csv"}}, ErrorKind::kDataError),
            "CSV file 'empty.csv' is empty (no header)");
}

TEST_F(CsvTest, GlobUnionByNameAndFilename) {
  WriteFile("in/a.csv", "id,x\n1,2\n");
  WriteFile("in/b.csv", "x,y\n3,4\n");
  WriteFile("in/c.txt", "not,csv\n");
  EXPECT_EQ(Load({{"path", "in/*.csv"}, {"include_filename", true}}),
            (std::vector<std::string>{"1|2|NULL|in/a.csv", "NULL|3|4|in/b.csv"}));
  // A directory reads its CSV files only.
  EXPECT_EQ(Scan({{"path", "in"}}).files, (std::vector<std::string>{"in/a.csv", "in/b.csv"}));
  EXPECT_EQ(Scan({{"path", Json::array({"in/b.csv", "in/a.csv"})}}).files,
            (std::vector<std::string>{"in/b.csv", "in/a.csv"}));
}

TEST_F(CsvTest, NoMatchingFiles) {
  std::string message = ErrorOf({{"path", "nope/*.csv"}}, ErrorKind::kNotFound);
  EXPECT_TRUE(StartsWith(message, "no files match 'nope/*.csv' (relative to ")) << message;
  std::filesystem::create_directories("emptydir");
  EXPECT_EQ(ErrorOf({{"path", "emptydir"}}, ErrorKind::kNotFound),
            "CSV path 'emptydir' is a directory with no CSV files");
  auto source = testing::MakeSource("csv", {{"path", "nope/*.csv"}, {"allow_no_files", true}});
  ReadContext context;
  context.connection = &conn_;
  auto events = Drain(*source->Read({}, context));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, ReadEvent::Kind::kEnd);
  ASSERT_EQ(events[0].end.warnings.size(), 1u);
}

TEST_F(CsvTest, ColumnTypesWinAndProjectionAndCursor) {
  WriteFile("data.csv", "id,code,amount\n1,007,1.5\n2,010,2.5\n3,011,3\n");
  EXPECT_EQ(Load({{"path", "data.csv"}, {"column_types", {{"code", "VARCHAR"}, {"amount", "number"}}}}),
            (std::vector<std::string>{"1|007|1.5", "2|010|2.5", "3|011|3.0"}));
  EXPECT_EQ(Rows(conn_, "SELECT column_type FROM (DESCRIBE t)"),
            (std::vector<std::string>{"BIGINT", "VARCHAR", "DOUBLE"}));

  ReadRequest request;
  request.columns = {"amount", "id"};
  request.cursor = CursorBound{"id", {"BIGINT", "1"}, false};
  FileScan scan = Scan({{"path", "data.csv"}}, request);
  EXPECT_EQ(scan.select_list, "\"amount\", \"id\"");
  EXPECT_EQ(scan.where, "\"id\" > CAST('1' AS BIGINT)");
  RunScan(conn_, scan, "t");
  EXPECT_EQ(Rows(conn_, "SELECT * FROM t"), (std::vector<std::string>{"2.5|2", "3.0|3"}));
  request.cursor->inclusive = true;
  RunScan(conn_, Scan({{"path", "data.csv"}}, request), "t");
  EXPECT_EQ(Rows(conn_, "SELECT count(*) FROM t"), std::vector<std::string>{"3"});

  request = {};
  request.columns = {"amnt"};
  try {
    Scan({{"path", "data.csv"}}, request);
    FAIL() << "expected a missing-column error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kNotFound);
    EXPECT_EQ(std::string(error.what()),
              "column 'amnt' not found in 'data.csv'; available: id, code, amount");
    EXPECT_EQ(error.hint(), "did you mean 'amount'?");
  }
}

TEST_F(CsvTest, CompressedTsvAndOtherDialects) {
  conn_.Execute(
      "COPY (SELECT 1 AS id, 'a b' AS s) TO 'data.csv.gz' (FORMAT csv, HEADER true, COMPRESSION gzip)");
  EXPECT_EQ(Load({{"path", "data.csv.gz"}}), std::vector<std::string>{"1|a b"});
  WriteFile("data.tsv", "id\tname\n1\tx,y\n");
  EXPECT_EQ(Load({{"path", "data.tsv"}}), std::vector<std::string>{"1|x,y"});
  WriteFile("semi.txt", "skip me\n'id';'n'\n1;'a;b'\n");
  EXPECT_EQ(Load({{"path", "semi.txt"}, {"delimiter", ";"}, {"quote", "'"}, {"skip_rows", 1}}),
            std::vector<std::string>{"1|a;b"});
  WriteFile("nulls.csv", "id,v\n1,NA\n2,\n");
  EXPECT_EQ(Load({{"path", "nulls.csv"}, {"null_values", Json::array({"NA", ""})}}),
            (std::vector<std::string>{"1|NULL", "2|NULL"}));
  // A compressed file with an extra field is caught too (DuckDB reads its header).
  conn_.Execute(
      "COPY (SELECT 'id,name' AS line UNION ALL SELECT '1,a,b') TO 'extra.csv.gz' "
      "(FORMAT csv, HEADER false, QUOTE '', COMPRESSION gzip)");
  EXPECT_EQ(ErrorOf({{"path", "extra.csv.gz"}}, ErrorKind::kDataError),
            "CSV source 'src': extra.csv.gz: a row has 3 fields, the header has 2");
}

TEST_F(CsvTest, IgnoreErrorsStoresRejects) {
  WriteFile("bad.csv", "id,v\n1,2\n2,x\n3,4\n");
  FileScan scan = Scan({{"path", "bad.csv"},
                        {"ignore_errors", true},
                        {"max_rejected_rows", 5},
                        {"column_types", {{"v", "INTEGER"}}}});
  auto* hooks = dynamic_cast<CsvScanHooks*>(scan.hooks.get());
  ASSERT_NE(hooks, nullptr);
  ASSERT_FALSE(hooks->rejects_table().empty());
  EXPECT_NE(scan.table_function.find("rejects_table = '" + hooks->rejects_table() + "'"), std::string::npos);
  auto warnings = RunScan(conn_, scan, "t");
  EXPECT_EQ(Rows(conn_, "SELECT * FROM t"), (std::vector<std::string>{"1|2", "3|4"}));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].code, "W605");
  EXPECT_EQ(warnings[0].message,
            "CSV source 'src': 1 row(s) rejected and skipped (ignore_errors); first rejects:\n"
            "  line 3, column v, CAST: 2,x");
  // The hooks dropped the temp tables.
  EXPECT_THROW(conn_.Query("SELECT * FROM " + hooks->rejects_table()), Error);
}

TEST_F(CsvTest, MoreRejectsThanAllowedFailTheScan) {
  WriteFile("bad.csv", "id,v\n1,x\n2,y\n3,4\n");
  FileScan scan = Scan({{"path", "bad.csv"},
                        {"ignore_errors", true},
                        {"max_rejected_rows", 1},
                        {"column_types", {{"v", "INTEGER"}}}});
  try {
    RunScan(conn_, scan, "t");
    FAIL() << "expected max_rejected_rows to fail the scan";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kDataError);
    EXPECT_TRUE(
        StartsWith(error.what(), "CSV source 'src': 2 rows were rejected, more than max_rejected_rows (1)"))
        << error.what();
  }
}

TEST_F(CsvTest, ScanErrorsNameTheSourceAndFile) {
  WriteFile("bad.csv", "id,v\n1,2\n2,x\n");
  FileScan scan = Scan({{"path", "bad.csv"}, {"column_types", {{"v", "INTEGER"}}}});
  try {
    RunScan(conn_, scan, "t");
    FAIL() << "expected a conversion error";
  } catch (const Error& error) {
    EXPECT_TRUE(StartsWith(error.what(), "CSV source 'src': bad.csv: ")) << error.what();
    EXPECT_NE(std::string(error.what()).find("Line: 3"), std::string::npos) << error.what();
  }
}

TEST_F(CsvTest, IgnoreErrorsWithSeveralFilesUnionsPerFileScans) {
  WriteFile("in/a.csv", "id,v\n1,2\n2,x\n");
  WriteFile("in/b.csv", "v,w\n3,4\ny,5\n");
  FileScan scan = Scan({{"path", "in/*.csv"}, {"ignore_errors", true}, {"column_types", {{"v", "INTEGER"}}}});
  EXPECT_TRUE(StartsWith(scan.table_function, "(SELECT * FROM read_csv(['in/a.csv']")) << scan.table_function;
  auto warnings = RunScan(conn_, scan, "t");
  EXPECT_EQ(Rows(conn_, "SELECT * FROM t ORDER BY v"), (std::vector<std::string>{"1|2|NULL", "NULL|3|4"}));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_TRUE(StartsWith(warnings[0].message, "CSV source 'src': 2 row(s) rejected")) << warnings[0].message;
}

// Issue 17: a header line whose quote never closes swallows the file; that is never "ok, 0 rows".
TEST_F(CsvTest, HeaderThatSwallowsTheFileIsNotASilentLoss) {
  WriteFile("data.csv", "id,\"name,v\n1,a,3\n2,c,4\n");
  EXPECT_EQ(
      ErrorOf({{"path", "data.csv"}}, ErrorKind::kDataError),
      "CSV source 'src': data.csv: the header (line 1) opens a quote that is never closed, so the whole "
      "file would be read as its header");
  // Lenient quoting still reads nothing: an error, not 0 rows.
  FileScan lenient = Scan({{"path", "data.csv"}, {"strict_mode", false}});
  try {
    RunScan(conn_, lenient, "t");
    FAIL() << "expected an error for a scan that read no row";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()),
              "CSV source 'src': data.csv: no row was read from 2 data line(s); the header line (line 1) "
              "probably opens a quote that is never closed");
  }
  // With ignore_errors the load goes on, with a warning.
  auto warnings = RunScan(conn_, Scan({{"path", "data.csv"}, {"ignore_errors", true}}), "t");
  EXPECT_TRUE(Rows(conn_, "SELECT * FROM t").empty());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].code, "W605");
  EXPECT_NE(warnings[0].message.find("no row was read from 2 data line(s)"), std::string::npos);
}

// A quoted line break inside a header name is legitimate: the header keeps the rows' width.
TEST_F(CsvTest, HeaderWithAQuotedLineBreakLoads) {
  WriteFile("data.csv", "id,\"amount\n(USD)\"\n1,2.5\n2,3.5\n");
  EXPECT_EQ(Load({{"path", "data.csv"}}), (std::vector<std::string>{"1|2.5", "2|3.5"}));
  EXPECT_EQ(Rows(conn_, "SELECT column_name FROM (DESCRIBE t)"),
            (std::vector<std::string>{"id", "amount\n(USD)"}));
  // A header whose quote closes only further down swallowed rows: strict mode says so.
  WriteFile("runaway.csv", "id,\"name,v\n1,a,3\n2,\"c, d\",4\n3,e,5\n");
  EXPECT_EQ(
      ErrorOf({{"path", "runaway.csv"}}, ErrorKind::kDataError),
      "CSV source 'src': runaway.csv: the header (line 1) opens a quote that runs over the next lines, so "
      "they would be read as part of the header");
}

// Issue 17: without a header the width is the most common field count, not the first row's.
TEST_F(CsvTest, WithoutHeaderTheCommonWidthWins) {
  WriteFile("short_first.csv", "1,a\n2,b,x\n3,c,y\n4,d,z\n");
  EXPECT_EQ(Load({{"path", "short_first.csv"}, {"has_header", false}}),
            (std::vector<std::string>{"1|a|NULL", "2|b|x", "3|c|y", "4|d|z"}));
  EXPECT_EQ(Rows(conn_, "SELECT column_name FROM (DESCRIBE t)"),
            (std::vector<std::string>{"column0", "column1", "column2"}));

  // A row with one delimiter too many is an error naming its line, not a shifted row or an extra column.
  WriteFile("extra.csv", "1,a,x\n2,b,y\n3,c,y,EXTRA\n4,d,z\n");
  try {
    Scan({{"path", "extra.csv"}, {"has_header", false}});
    FAIL() << "expected a too-many-fields error";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()),
              "CSV source 'src': extra.csv: a row has 4 fields, most rows have 3 (no header)");
    EXPECT_TRUE(StartsWith(error.hint(), "the first such row is line 3;")) << error.hint();
  }
  WriteFile("wide_first.csv", "1,a,x,\n2,b,y\n3,c,z\n");
  EXPECT_THROW(Scan({{"path", "wide_first.csv"}, {"has_header", false}}), Error);

  // ignore_errors: that row alone is rejected; strict_mode false: it is kept without its extra field.
  auto warnings =
      RunScan(conn_, Scan({{"path", "extra.csv"}, {"has_header", false}, {"ignore_errors", true}}), "t");
  EXPECT_EQ(Rows(conn_, "SELECT * FROM t"), (std::vector<std::string>{"1|a|x", "2|b|y", "4|d|z"}));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].message.find("line 3, TOO MANY COLUMNS: 3,c,y,EXTRA"), std::string::npos)
      << warnings[0].message;
  warnings =
      RunScan(conn_, Scan({{"path", "extra.csv"}, {"has_header", false}, {"strict_mode", false}}), "t");
  EXPECT_EQ(Rows(conn_, "SELECT * FROM t"), (std::vector<std::string>{"1|a|x", "2|b|y", "3|c|y", "4|d|z"}));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0].message,
            "CSV source 'src': extra.csv: 1 row(s) have more than 3 fields; their extra fields were dropped "
            "(strict_mode false); the first is line 3");
}

// Issue 17: under ignore_errors a row longer than the header is rejected alone (it used to fail the file).
TEST_F(CsvTest, IgnoreErrorsRejectsALongRowAlone) {
  WriteFile("data.csv", "id,name\n1,a,oops\n2,b\n3,c\n");
  auto warnings = RunScan(conn_, Scan({{"path", "data.csv"}, {"ignore_errors", true}}), "t");
  EXPECT_EQ(Rows(conn_, "SELECT * FROM t"), (std::vector<std::string>{"2|b", "3|c"}));
  EXPECT_EQ(Rows(conn_, "SELECT column_name FROM (DESCRIBE t)"), (std::vector<std::string>{"id", "name"}));
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].message.find("1 row(s) rejected"), std::string::npos) << warnings[0].message;
  EXPECT_NE(warnings[0].message.find("line 2, TOO MANY COLUMNS: 1,a,oops"), std::string::npos)
      << warnings[0].message;
}

// strict_mode false: a stray quote is data, and the sniffer's failure on it does not fail the file.
TEST_F(CsvTest, StrictModeAndStrayQuotes) {
  WriteFile("data.csv", "id,name,v\n1,\"ab,3\n2,c,4\n3,d,5\n");
  FileScan strict = Scan({{"path", "data.csv"}});
  try {
    RunScan(conn_, strict, "t");
    FAIL() << "expected an unterminated quote error";
  } catch (const Error& error) {
    EXPECT_TRUE(StartsWith(error.what(), "CSV source 'src': data.csv: ")) << error.what();
    EXPECT_NE(std::string(error.what()).find("Line: 2"), std::string::npos) << error.what();
  }
  FileScan lenient = Scan({{"path", "data.csv"}, {"strict_mode", false}, {"ignore_errors", true}});
  EXPECT_NE(lenient.table_function.find("strict_mode = false"), std::string::npos);
  RunScan(conn_, lenient, "t");
  EXPECT_EQ(Rows(conn_, "SELECT column_name FROM (DESCRIBE t)"),
            (std::vector<std::string>{"id", "name", "v"}));
}

// The executor runs the scan inside the step's transaction: a probe that fails (the sniffer giving up on a
// stray quote) must not abort it.
TEST_F(CsvTest, FailedProbesDoNotAbortTheStepTransaction) {
  WriteFile("data.csv", "id,name,v\n1,\"ab,3\n2,c,4\n3,d,5\n");
  conn_.Execute("BEGIN TRANSACTION");
  FileScan scan = Scan({{"path", "data.csv"}, {"strict_mode", false}, {"ignore_errors", true}});
  RunScan(conn_, scan, "t");
  conn_.Execute("COMMIT");
  EXPECT_EQ(Rows(conn_, "SELECT column_name FROM (DESCRIBE t)"),
            (std::vector<std::string>{"id", "name", "v"}));
}

// Column names and types given, no sniffing; names replace the header's.
TEST_F(CsvTest, ExplicitColumnsWithoutSniffing) {
  WriteFile("data.csv", "a,b,c\n1,007,2024-01-02\n2,010,2024-01-03\n");
  FileScan scan = Scan({{"path", "data.csv"},
                        {"column_names", Json::array({"id", "code", "day"})},
                        {"auto_detect", false},
                        {"column_types", {{"id", "BIGINT"}}}});
  EXPECT_NE(scan.table_function.find("auto_detect = false"), std::string::npos) << scan.table_function;
  RunScan(conn_, scan, "t");
  EXPECT_EQ(Rows(conn_, "SELECT column_name, column_type FROM (DESCRIBE t)"),
            (std::vector<std::string>{"id|BIGINT", "code|VARCHAR", "day|VARCHAR"}));
  EXPECT_EQ(Rows(conn_, "SELECT * FROM t"),
            (std::vector<std::string>{"1|007|2024-01-02", "2|010|2024-01-03"}));
  // With detection on, names are given and types are still sniffed (leading zeros stay text).
  EXPECT_EQ(Load({{"path", "data.csv"}, {"names", Json::array({"id", "code", "day"})}}),
            (std::vector<std::string>{"1|007|2024-01-02", "2|010|2024-01-03"}));
  EXPECT_EQ(Rows(conn_, "SELECT column_name, column_type FROM (DESCRIBE t)"),
            (std::vector<std::string>{"id|BIGINT", "code|VARCHAR", "day|DATE"}));
}

TEST_F(CsvTest, SpaceAndMultiCharacterDelimiters) {
  WriteFile("space.txt", "id name note\n1 a \"x y\"\n2 b z\n");
  EXPECT_EQ(Load({{"path", "space.txt"}, {"delimiter", " "}}),
            (std::vector<std::string>{"1|a|x y", "2|b|z"}));
  WriteFile("pipes.txt", "id||name\n1||a|b\n2||c\n");
  EXPECT_EQ(Load({{"path", "pipes.txt"}, {"delimiter", "||"}}), (std::vector<std::string>{"1|a|b", "2|c"}));
}

TEST_F(CsvTest, SchemaDiscoverAndConnectionTest) {
  WriteFile("data.csv", "id,name\n1,a\n");
  auto source = testing::MakeSource("csv", {{"path", "*.csv"}});
  Schema schema = source->GetSchema("", conn_);
  ASSERT_EQ(schema.size(), 2u);
  EXPECT_EQ(schema[0].name, "id");
  EXPECT_EQ(schema[0].type, "BIGINT");
  EXPECT_EQ(schema[0].source_type, "csv:BIGINT");
  auto objects = source->Discover(conn_);
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0].kind, "file");
  EXPECT_EQ(objects[0].size_bytes, 12);
  auto result = source->TestConnection(conn_);
  EXPECT_TRUE(result.ok) << result.message;
  EXPECT_EQ(result.message, "CSV readable: 1 file(s), 2 columns (delimiter ',', header yes)");
  auto missing = testing::MakeSource("csv", {{"path", "none.csv"}})->TestConnection(conn_);
  EXPECT_FALSE(missing.ok);
  EXPECT_EQ(missing.kind, ErrorKind::kNotFound);
  EXPECT_EQ(missing.checks.size(), 1u);
}

// ---- destination ----

class CsvDestinationTest : public CsvTest {
 protected:
  WriteResult Export(const std::string& sql, const std::string& target, const Json& options,
                     WriteMode mode = WriteMode::kReplace, const std::vector<std::string>& keys = {}) {
    ResolvedParams resolved;
    const bool directory = EndsWith(target, "/");
    auto destination = testing::MakeDestination("csv", "csv", options, &resolved, directory);
    WriteRequest request;
    request.object = target;
    request.mode = mode;
    request.keys = keys;
    request.format = "csv";
    request.options = resolved;
    request.run_id = "run1";
    TestExportInput input(conn_, sql);
    return destination->Write(request, input);
  }
};

TEST_F(CsvDestinationTest, EmptyStringIsQuotedNullIsNothing) {
  auto result =
      Export("SELECT 1 AS id, '' AS e, NULL AS n, ' a ' AS s, 'x,y' AS c, 'q\"z' AS q, 1.5::DOUBLE AS d",
             "out/data.csv", Json::object());
  EXPECT_EQ(result.rows, 1);
  EXPECT_EQ(result.written, std::vector<std::string>{"out/data.csv"});
  EXPECT_EQ(ReadFile("out/data.csv"), "id,e,n,s,c,q,d\n1,\"\",, a ,\"x,y\",\"q\"\"z\",1.5\n");
  EXPECT_EQ(testing::CountFilesContaining(".", ".sqlflow-tmp-"), 0);
  // And it reads back the same way.
  EXPECT_EQ(Load({{"path", "out/data.csv"}}), std::vector<std::string>{"1||NULL| a |x,y|q\"z|1.5"});
}

TEST_F(CsvDestinationTest, EmptyResultWritesOnlyTheHeader) {
  Export("SELECT 1 AS id, 'x' AS name WHERE false", "empty.csv", Json::object());
  EXPECT_EQ(ReadFile("empty.csv"), "id,name\n");
  Export("SELECT 1 AS id WHERE false", "nothing.csv", {{"header", false}});
  EXPECT_EQ(ReadFile("nothing.csv"), "");
}

TEST_F(CsvDestinationTest, OptionsTsvAndForceQuote) {
  Export("SELECT 1 AS id, 'a' AS s, NULL AS n", "out.tsv", Json::object());
  EXPECT_EQ(ReadFile("out.tsv"), "id\ts\tn\n1\ta\t\n");
  Export("SELECT 1 AS id, 'a' AS s, NULL AS n", "out.csv",
         {{"delimiter", ";"}, {"force_quote", Json::array({"s"})}, {"null_string", "NA"}});
  EXPECT_EQ(ReadFile("out.csv"), "id;\"s\";n\n1;\"a\";NA\n");
  Export("SELECT DATE '2024-03-01' AS d", "dates.csv", {{"date_format", "%d/%m/%Y"}});
  EXPECT_EQ(ReadFile("dates.csv"), "d\n01/03/2024\n");
}

TEST_F(CsvDestinationTest, FailedReplaceLeavesTheOldFileAndNoTempFile) {
  WriteFile("data.csv", "id\nold\n");
  EXPECT_THROW(Export("SELECT CAST(x AS INTEGER) AS id FROM (VALUES ('1'), ('boom')) t(x)", "data.csv",
                      Json::object()),
               Error);
  EXPECT_EQ(ReadFile("data.csv"), "id\nold\n");
  EXPECT_EQ(testing::CountFilesContaining(".", ".sqlflow-tmp-"), 0);
}

TEST_F(CsvDestinationTest, AppendChecksTheHeaderAndAddsRows) {
  Export("SELECT 1 AS id, 'a' AS v", "data.csv", Json::object());
  auto result = Export("SELECT 2 AS id, '' AS v", "data.csv", {{"mode", "append"}}, WriteMode::kAppend);
  EXPECT_EQ(result.rows, 1);
  EXPECT_EQ(ReadFile("data.csv"), "id,v\n1,a\n2,\"\"\n");
  try {
    Export("SELECT 3 AS id, 'c' AS w", "data.csv", {{"mode", "append"}}, WriteMode::kAppend);
    FAIL() << "expected a header mismatch";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kDataError);
    EXPECT_EQ(std::string(error.what()),
              "CSV destination: cannot append to 'data.csv': its header (id, v) differs from the export's "
              "columns (id, w)");
  }
  EXPECT_EQ(ReadFile("data.csv"), "id,v\n1,a\n2,\"\"\n");
  // A file without a final line break still gets whole lines.
  WriteFile("raw.csv", "id,v\n1,a");
  Export("SELECT 2 AS id, 'b' AS v", "raw.csv", {{"mode", "append"}}, WriteMode::kAppend);
  EXPECT_EQ(ReadFile("raw.csv"), "id,v\n1,a\n2,b\n");
  // Missing target: created with a header.
  Export("SELECT 5 AS id", "new.csv", {{"mode", "append"}}, WriteMode::kAppend);
  EXPECT_EQ(ReadFile("new.csv"), "id\n5\n");
  // Compressed targets are rewritten through DuckDB.
  Export("SELECT 1 AS id, 'a' AS v", "z.csv.gz", Json::object());
  Export("SELECT 2 AS id, 'b' AS v", "z.csv.gz", {{"mode", "append"}}, WriteMode::kAppend);
  EXPECT_EQ(Load({{"path", "z.csv.gz"}}), (std::vector<std::string>{"1|a", "2|b"}));
  EXPECT_EQ(testing::CountFilesContaining(".", ".sqlflow-tmp-"), 0);
}

TEST_F(CsvDestinationTest, UpsertReplacesRowsByKey) {
  Export("SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (NULL, 'n')) t(id, v)", "data.csv", Json::object());
  auto result = Export("SELECT * FROM (VALUES (2, 'B'), (3, 'c')) t(id, v)", "data.csv",
                       {{"mode", "upsert"}, {"keys", "id"}}, WriteMode::kUpsert, {"id"});
  EXPECT_EQ(result.rows, 2);
  EXPECT_EQ(ReadFile("data.csv"), "id,v\n1,a\n,n\n2,B\n3,c\n");

  try {
    Export("SELECT * FROM (VALUES (4, 'x'), (4, 'y')) t(id, v)", "data.csv",
           {{"mode", "upsert"}, {"keys", "id"}}, WriteMode::kUpsert, {"id"});
    FAIL() << "expected a duplicate key error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kDataError);
    EXPECT_EQ(error.code(), "SF605");
    EXPECT_EQ(std::string(error.what()), "duplicate key (id)=(4) in exported rows");
  }
  try {
    Export("SELECT * FROM (VALUES (NULL, 'x'), (NULL, 'y'), (5, 'z')) t(id, v)", "data.csv",
           {{"mode", "upsert"}, {"keys", "id"}}, WriteMode::kUpsert, {"id"});
    FAIL() << "expected a NULL key error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), "SF606");
    EXPECT_EQ(std::string(error.what()), "key column 'id' is NULL in 2 exported rows");
  }
  EXPECT_EQ(ReadFile("data.csv"), "id,v\n1,a\n,n\n2,B\n3,c\n");
}

TEST_F(CsvDestinationTest, PartitionedDirectoryReplaceAndAppend) {
  const std::string sql = "SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, 'a')) t(id, g)";
  auto result = Export(sql, "parts/", {{"partition_by", Json::array({"g"})}});
  EXPECT_EQ(result.rows, 3);
  EXPECT_TRUE(std::filesystem::exists("parts/g=a/data_run1_0.csv"));
  EXPECT_TRUE(std::filesystem::exists("parts/g=b/data_run1_0.csv"));
  Export("SELECT 4 AS id, 'a' AS g", "parts/", {{"partition_by", Json::array({"g"})}, {"mode", "append"}},
         WriteMode::kAppend);
  EXPECT_TRUE(std::filesystem::exists("parts/g=a/data_run1_1.csv"));
  EXPECT_EQ(Rows(conn_, "SELECT count(*) FROM read_csv('parts/**/*.csv', hive_partitioning = true)"),
            std::vector<std::string>{"4"});
  // Replace swaps the whole tree.
  Export("SELECT 9 AS id, 'z' AS g", "parts/", {{"partition_by", Json::array({"g"})}});
  EXPECT_FALSE(std::filesystem::exists("parts/g=a"));
  EXPECT_TRUE(std::filesystem::exists("parts/g=z/data_run1_0.csv"));
  EXPECT_EQ(testing::CountFilesContaining(".", ".sqlflow-"), 0);
}

TEST_F(CsvDestinationTest, ConnectionTestChecksTheDirectory) {
  ResolvedParams resolved;
  auto destination = testing::MakeDestination("csv", "csv", Json::object(), &resolved);
  auto result = destination->TestConnection();
  EXPECT_TRUE(result.ok) << result.message;
  EXPECT_TRUE(StartsWith(result.message, "CSV destination writable: ")) << result.message;
}

}  // namespace
}  // namespace sqlflow::connectors

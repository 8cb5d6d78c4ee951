// Parquet and JSON sources (FileScan run against DuckDB) and destinations.
#include <gtest/gtest.h>

#include "connectors_test_util.h"
#include "sqlflow/common/error.h"

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

class FileFormatsTest : public ::testing::Test {
 protected:
  FileFormatsTest() : db_(engine::Database::Open({})), conn_(*db_) {}

  FileScan Scan(const std::string& type, const Json& params, const ReadRequest& request = {}) {
    auto source = testing::MakeSource(type, params);
    ReadContext context;
    context.source_name = "src";
    context.connection = &conn_;
    auto events = Drain(*source->Read(request, context));
    EXPECT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].kind, ReadEvent::Kind::kFileScan);
    return events[0].scan;
  }

  std::vector<std::string> Load(const std::string& type, const Json& params, const ReadRequest& request = {},
                                const std::string& order = "") {
    RunScan(conn_, Scan(type, params, request), "t");
    return Rows(conn_, "SELECT * FROM t" + (order.empty() ? "" : " ORDER BY " + order));
  }

  WriteResult Export(const std::string& type, const std::string& format, const std::string& sql,
                     const std::string& target, const Json& options, WriteMode mode = WriteMode::kReplace,
                     const std::vector<std::string>& keys = {}) {
    ResolvedParams resolved;
    auto destination = testing::MakeDestination(type, format, options, &resolved, EndsWith(target, "/"));
    WriteRequest request;
    request.object = target;
    request.mode = mode;
    request.keys = keys;
    request.format = format;
    request.options = resolved;
    request.run_id = "r7";
    TestExportInput input(conn_, sql);
    return destination->Write(request, input);
  }

  ScopedWorkDir dir_;
  std::unique_ptr<engine::Database> db_;
  engine::Connection conn_;
};

// ---- parquet ----

TEST_F(FileFormatsTest, ParquetGlobDirectoryProjectionAndCursor) {
  std::filesystem::create_directories("p/sub");
  conn_.Execute("COPY (SELECT 1 AS id, 'a' AS s) TO 'p/a.parquet' (FORMAT parquet)");
  conn_.Execute("COPY (SELECT 2 AS id, 3.5 AS x) TO 'p/sub/b.pq' (FORMAT parquet)");
  EXPECT_EQ(Scan("parquet", {{"path", "p"}}).files, (std::vector<std::string>{"p/a.parquet", "p/sub/b.pq"}));
  EXPECT_EQ(Load("parquet", {{"path", "p/**/*.p*"}}, {}, "id"),
            (std::vector<std::string>{"1|a|NULL", "2|NULL|3.5"}));
  ReadRequest request;
  request.columns = {"s", "id"};
  request.cursor = CursorBound{"id", {"INTEGER", "1"}, true};
  FileScan scan = Scan("parquet", {{"path", "p"}, {"combine_files", false}}, request);
  EXPECT_EQ(scan.reader, "read_parquet");
  RunScan(conn_, scan, "t");
  EXPECT_EQ(Rows(conn_, "SELECT * FROM t ORDER BY id"), (std::vector<std::string>{"a|1", "NULL|2"}));
  request.columns = {"nope"};
  EXPECT_THROW(Scan("parquet", {{"path", "p"}}, request), Error);
}

TEST_F(FileFormatsTest, ParquetHivePartitionsAndColumnTypes) {
  conn_.Execute(
      "COPY (SELECT * FROM (VALUES (1, 'eu'), (2, 'us')) t(id, region)) TO 'hive' (FORMAT parquet, "
      "PARTITION_BY (region))");
  EXPECT_EQ(Load("parquet", {{"path", "hive"}}, {}, "id"), (std::vector<std::string>{"1|eu", "2|us"}));
  EXPECT_EQ(Load("parquet", {{"path", "hive"}, {"hive_partitioning", false}}, {}, "id"),
            (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(Load("parquet", {{"path", "hive"}, {"column_types", {{"id", "VARCHAR"}}}}, {}, "id"),
            (std::vector<std::string>{"1|eu", "2|us"}));
  EXPECT_EQ(Rows(conn_, "SELECT column_type FROM (DESCRIBE t) WHERE column_name = 'id'"),
            std::vector<std::string>{"VARCHAR"});
}

TEST_F(FileFormatsTest, ParquetBadMagicSchemaAndConnectionTest) {
  WriteFile("fake.parquet", "id,name\n1,a\n");
  try {
    Scan("parquet", {{"path", "fake.parquet"}});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()), "'fake.parquet' is not a Parquet file (bad magic bytes)");
  }
  conn_.Execute("COPY (SELECT range AS id FROM range(5)) TO 'good.parquet' (FORMAT parquet)");
  auto source = testing::MakeSource("parquet", {{"path", "good.parquet"}});
  auto schema = source->GetSchema("", conn_);
  ASSERT_EQ(schema.size(), 1u);
  EXPECT_EQ(schema[0].source_type, "parquet:BIGINT");
  auto result = source->TestConnection(conn_);
  EXPECT_TRUE(result.ok) << result.message;
  EXPECT_EQ(result.message, "Parquet readable: 1 file(s), 1 columns, 5 rows");
}

TEST_F(FileFormatsTest, ParquetDestinationModes) {
  auto result = Export("parquet", "parquet", "SELECT 1 AS id WHERE false", "empty.parquet", Json::object());
  EXPECT_EQ(result.rows, 0);
  EXPECT_EQ(Rows(conn_, "SELECT count(*) FROM read_parquet('empty.parquet')"), std::vector<std::string>{"0"});

  Export("parquet", "parquet", "SELECT id::INTEGER AS id, v FROM (VALUES (1, 'a'), (2, 'b')) t(id, v)",
         "out/data.parquet", {{"compression", "zstd"}, {"compression_level", 3}, {"row_group_size", 1000}});
  // Append rewrites, keeps the file's types (INTEGER), adds rows.
  Export("parquet", "parquet", "SELECT 3::BIGINT AS id, 'c' AS v", "out/data.parquet", {{"mode", "append"}},
         WriteMode::kAppend);
  EXPECT_EQ(Rows(conn_, "SELECT * FROM read_parquet('out/data.parquet')"),
            (std::vector<std::string>{"1|a", "2|b", "3|c"}));
  EXPECT_EQ(Rows(conn_, "SELECT column_type FROM (DESCRIBE SELECT * FROM read_parquet('out/data.parquet'))"),
            (std::vector<std::string>{"INTEGER", "VARCHAR"}));
  // Upsert by key.
  Export("parquet", "parquet", "SELECT * FROM (VALUES (2, 'B'), (4, 'd')) t(id, v)", "out/data.parquet",
         {{"mode", "upsert"}, {"keys", Json::array({"id"})}}, WriteMode::kUpsert, {"id"});
  EXPECT_EQ(Rows(conn_, "SELECT * FROM read_parquet('out/data.parquet')"),
            (std::vector<std::string>{"1|a", "3|c", "2|B", "4|d"}));
  // Incompatible types and unknown columns are errors; the file is unchanged.
  try {
    Export("parquet", "parquet", "SELECT 'x' AS id, 'e' AS v", "out/data.parquet", {{"mode", "append"}},
           WriteMode::kAppend);
    FAIL() << "expected a type error";
  } catch (const Error& error) {
    EXPECT_EQ(
        std::string(error.what()),
        "Parquet destination: column 'id' has type INTEGER in 'out/data.parquet' but VARCHAR in the export");
  }
  try {
    Export("parquet", "parquet", "SELECT 5 AS id, 'e' AS extra", "out/data.parquet", {{"mode", "append"}},
           WriteMode::kAppend);
    FAIL() << "expected a column error";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()),
              "Parquet destination: column 'extra' of the export does not exist in 'out/data.parquet' (its "
              "columns: "
              "id, v)");
  }
  EXPECT_EQ(Rows(conn_, "SELECT count(*) FROM read_parquet('out/data.parquet')"),
            std::vector<std::string>{"4"});
  EXPECT_EQ(testing::CountFilesContaining(".", ".sqlflow-tmp-"), 0);
}

TEST_F(FileFormatsTest, ParquetDirectoryDestination) {
  Export("parquet", "parquet", "SELECT * FROM (VALUES (1, 'x'), (2, 'y')) t(id, g)", "lake/",
         {{"partition_by", Json::array({"g"})}});
  Export("parquet", "parquet", "SELECT 3 AS id, 'x' AS g", "lake/",
         {{"partition_by", Json::array({"g"})}, {"mode", "append"}}, WriteMode::kAppend);
  EXPECT_TRUE(std::filesystem::exists("lake/g=x/data_r7_0.parquet"));
  EXPECT_TRUE(std::filesystem::exists("lake/g=x/data_r7_1.parquet"));
  EXPECT_EQ(Load("parquet", {{"path", "lake"}}, {}, "id"), (std::vector<std::string>{"1|x", "2|y", "3|x"}));
  // Without partition_by a directory target gets data files.
  Export("parquet", "parquet", "SELECT 1 AS id", "plain/", Json::object());
  Export("parquet", "parquet", "SELECT 2 AS id", "plain/", {{"mode", "append"}}, WriteMode::kAppend);
  EXPECT_EQ(Load("parquet", {{"path", "plain"}}, {}, "id"), (std::vector<std::string>{"1", "2"}));
}

// ---- json ----

TEST_F(FileFormatsTest, JsonArrayAndNdjson) {
  WriteFile("a.json",
            R"([{"id": 1, "o": {"a": 1, "b": {"c": "x"}}}, {"id": 2, "o": {"a": 2, "b": {"c": "y"}}}])");
  WriteFile("b.ndjson", "{\"id\": 3, \"t\": \"2024-01-01\"}\n{\"id\": 4, \"t\": null}\n");
  Load("json", {{"path", "a.json"}});
  EXPECT_EQ(Rows(conn_, "SELECT id, CAST(o AS VARCHAR) FROM t"),
            (std::vector<std::string>{"1|{'a': 1, 'b': {'c': x}}", "2|{'a': 2, 'b': {'c': y}}"}));
  EXPECT_EQ(Load("ndjson", {{"path", "b.ndjson"}}), (std::vector<std::string>{"3|2024-01-01", "4|NULL"}));
  FileScan scan = Scan("ndjson", {{"path", "b.ndjson"}});
  EXPECT_NE(scan.table_function.find("format = 'newline_delimited'"), std::string::npos)
      << scan.table_function;
  ReadRequest request;
  request.cursor = CursorBound{"id", {"BIGINT", "3"}, false};
  Load("json", {{"path", "*.*json"}}, request);
  EXPECT_EQ(Rows(conn_, "SELECT id, o IS NULL, t FROM t"), std::vector<std::string>{"4|true|NULL"});
}

TEST_F(FileFormatsTest, JsonRecordsPathFlattenAndColumnTypes) {
  WriteFile("r.json",
            R"({"data": {"items": [{"id": 1, "n": {"k": "a"}}, {"id": 2, "n": {"k": "b"}}]}, "meta": 1})");
  Load("json", {{"path", "r.json"}, {"records_path", "data.items"}});
  EXPECT_EQ(Rows(conn_, "SELECT id, CAST(n AS VARCHAR) FROM t"),
            (std::vector<std::string>{"1|{'k': a}", "2|{'k': b}"}));
  EXPECT_EQ(Load("json", {{"path", "r.json"}, {"records_path", "data.items"}, {"flatten", true}}),
            (std::vector<std::string>{"1|a", "2|b"}));
  EXPECT_EQ(Rows(conn_, "SELECT column_name FROM (DESCRIBE t)"), (std::vector<std::string>{"id", "n.k"}));
  ReadRequest request;
  request.columns = {"n.k"};
  request.cursor = CursorBound{"id", {"VARCHAR", "1"}, false};
  EXPECT_EQ(Load("json",
                 {{"path", "r.json"},
                  {"records_path", "data.items"},
                  {"flatten", true},
                  {"flatten_separator", "."},
                  {"column_types", {{"id", "VARCHAR"}, {"missing", "INTEGER"}}}},
                 request),
            std::vector<std::string>{"b"});
  try {
    Scan("json", {{"path", "r.json"}, {"records_path", "data.nope"}});
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_EQ(std::string(error.what()), "records_path 'data.nope' not found in 'r.json'");
  }
  WriteFile("deep.json", R"([{"a": {"b": {"c": 1}}}])");
  EXPECT_EQ(Load("json", {{"path", "deep.json"}, {"flatten", true}, {"max_flatten_depth", 1}}),
            std::vector<std::string>{"{\"c\":1}"});
  EXPECT_EQ(Rows(conn_, "SELECT column_name, column_type FROM (DESCRIBE t)"),
            std::vector<std::string>{"a.b|JSON"});
  auto source = testing::MakeSource("json", {{"path", "r.json"}});
  auto result = source->TestConnection(conn_);
  EXPECT_TRUE(result.ok) << result.message;
  EXPECT_EQ(result.message, "JSON readable: 1 file(s), layout newline_delimited, 2 top-level fields");
}

TEST_F(FileFormatsTest, JsonDestinationModes) {
  Export("json", "json", "SELECT 1 AS id WHERE false", "empty.json", Json::object());
  EXPECT_EQ(ReadFile("empty.json"), "[]\n");
  Export("json", "ndjson", "SELECT 1 AS id WHERE false", "empty.ndjson", Json::object());
  EXPECT_EQ(ReadFile("empty.ndjson"), "");

  Export("json", "ndjson", "SELECT 1 AS id, 'a' AS v, NULL AS n", "out.ndjson", Json::object());
  Export("json", "ndjson", "SELECT 2 AS id, 'b' AS v, NULL AS n", "out.ndjson", {{"mode", "append"}},
         WriteMode::kAppend);
  EXPECT_EQ(ReadFile("out.ndjson"), "{\"id\":1,\"v\":\"a\",\"n\":null}\n{\"id\":2,\"v\":\"b\",\"n\":null}\n");

  Export("json", "json", "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) t(id, v)", "out.json", Json::object());
  EXPECT_EQ(ReadFile("out.json"), "[\n\t{\"id\":1,\"v\":\"a\"},\n\t{\"id\":2,\"v\":\"b\"}\n]\n");
  Export("json", "json", "SELECT 3 AS id, 'c' AS v", "out.json", {{"mode", "append"}}, WriteMode::kAppend);
  Export("json", "json", "SELECT * FROM (VALUES (1, 'A'), (4, 'd')) t(id, v)", "out.json",
         {{"mode", "upsert"}, {"keys", "id"}}, WriteMode::kUpsert, {"id"});
  auto parsed = Json::parse(ReadFile("out.json"));
  EXPECT_EQ(parsed.dump(), R"([{"id":2,"v":"b"},{"id":3,"v":"c"},{"id":1,"v":"A"},{"id":4,"v":"d"}])");
  try {
    Export("json", "json", "SELECT * FROM (VALUES (7, 'x'), (7, 'y')) t(id, v)", "out.json",
           {{"mode", "upsert"}, {"keys", "id"}}, WriteMode::kUpsert, {"id"});
    FAIL() << "expected a duplicate key error";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), "SF605");
  }
  EXPECT_EQ(Json::parse(ReadFile("out.json")).size(), 4u);
  Export("json", "json", "SELECT 1 AS id", "forced.json", {{"format", "newline_delimited"}});
  EXPECT_EQ(ReadFile("forced.json"), "{\"id\":1}\n");
  EXPECT_EQ(testing::CountFilesContaining(".", ".sqlflow-tmp-"), 0);
}

}  // namespace
}  // namespace sqlflow::connectors

// JSON records to DuckDB columns (CONNECTORS.md §3.7 "Records to columns", §6 refinement 5): the shared
// builder used by the rest source, tested without the network.
#include <gtest/gtest.h>

#include "sqlflow/common/error.h"
#include "sqlflow/connectors/rest/json_records.h"

namespace sqlflow::connectors::json {
namespace {

std::string Columns(const Schema& schema) {
  std::string out;
  for (const auto& f : schema) out += (out.empty() ? "" : " ") + f.name + ":" + f.type;
  return out;
}

struct Built {
  Schema schema;
  int64_t rows = 0;
  int schema_events = 0;
  EndInfo end;
};

Built Build(const std::vector<std::string>& pages, RecordsOptions options = {}, const std::string& path = "",
            Layout layout = Layout::kJson) {
  RecordsBuilder builder(options);
  Built built;
  for (const auto& body : pages) {
    JsonPage page(body, layout);
    builder.Add(page, path);
    for (auto& event : builder.Take()) {
      if (event.kind == ReadEvent::Kind::kSchema) ++built.schema_events;
      for (const auto& chunk : event.chunks) built.rows += static_cast<int64_t>(chunk.size());
    }
  }
  built.end = builder.Finish(nullptr);
  built.schema = builder.sent_schema();
  return built;
}

TEST(RestRecordsTest, TemporalClasses) {
  EXPECT_EQ(TemporalClass("2024-01-31"), 1);
  EXPECT_EQ(TemporalClass("2024-01-31T10:00"), 2);
  EXPECT_EQ(TemporalClass("2024-01-31 10:00:05.123456789"), 2);
  EXPECT_EQ(TemporalClass("2024-01-31T10:00:05Z"), 3);
  EXPECT_EQ(TemporalClass("2024-01-31T10:00:05+02"), 3);
  EXPECT_EQ(TemporalClass("2024-01-31T10:00:05.5-05:30"), 3);
  EXPECT_EQ(TemporalClass("2024-01-31T10:00:05.1234567890"), 0);
  EXPECT_EQ(TemporalClass("2024/01/31"), 0);
  EXPECT_EQ(TemporalClass("31-01-2024"), 0);
}

TEST(RestRecordsTest, JoinRules) {
  EXPECT_EQ(JoinKinds(Kind::kBigInt, Kind::kDouble), Kind::kDouble);
  EXPECT_EQ(JoinKinds(Kind::kNull, Kind::kBool), Kind::kBool);
  EXPECT_EQ(JoinKinds(Kind::kBool, Kind::kBigInt), Kind::kVarchar);
  EXPECT_EQ(JoinKinds(Kind::kJson, Kind::kVarchar), Kind::kJson);
  EXPECT_EQ(JoinKinds(Kind::kDouble, Kind::kVarchar), Kind::kVarchar);
}

TEST(RestRecordsTest, FlattenDepthNullsAndTypes) {
  auto built = Build({R"([{"a": 1, "o": null, "n": {"x": {"y": {"z": 1}}}, "big": 18446744073709551615},
                          {"a": 2.5, "o": {"p": "q"}, "arr": [1, 2], "t": true}])"},
                     RecordsOptions{true, "_", 2, true, {}, {}, "json"});
  // "o" was first seen as null: its child takes its position; n.x.y stays JSON below depth 2.
  EXPECT_EQ(Columns(built.schema), "a:DOUBLE o_p:VARCHAR n_x_y:JSON big:DOUBLE arr:JSON t:BOOLEAN");
  EXPECT_EQ(built.rows, 2);
}

TEST(RestRecordsTest, AllNullColumnIsVarcharAndMixesAreVarchar) {
  auto built = Build({R"([{"a": null, "b": true}, {"a": null, "b": 3}])"});
  EXPECT_EQ(Columns(built.schema), "a:VARCHAR b:VARCHAR");
}

TEST(RestRecordsTest, WideningBetweenPagesSendsSchemaEvents) {
  auto built =
      Build({R"([{"v": 1}])", R"([{"v": 2}])", R"([{"v": 2.5, "w": "2024-01-01"}])", R"([{"v": "x"}])"});
  EXPECT_EQ(built.schema_events, 3);
  EXPECT_EQ(Columns(built.schema), "v:VARCHAR w:VARCHAR");
  EXPECT_EQ(built.end.refine.at("w"), "DATE");
  EXPECT_EQ(built.end.refine.count("v"), 0u);
}

TEST(RestRecordsTest, TemporalRefinementRules) {
  auto built = Build(
      {R"([{"d": "2024-01-01", "ts": "2024-01-01", "z": "2024-01-01T00:00:00Z", "m": "2024-01-01T00:00Z"},
                          {"d": "2024-01-02", "ts": "2024-01-01 10:00:00", "z": null, "m": "2024-01-01T00:00"}])"});
  EXPECT_EQ(built.end.refine.at("d"), "DATE");
  EXPECT_EQ(built.end.refine.at("ts"), "TIMESTAMP");
  EXPECT_EQ(built.end.refine.at("z"), "TIMESTAMPTZ");
  EXPECT_EQ(built.end.refine.count("m"), 0u);  // zoned mixed with unzoned stays VARCHAR
  RecordsOptions off;
  off.infer_types = false;
  EXPECT_TRUE(Build({R"([{"d": "2024-01-01"}])"}, off).end.refine.empty());
}

TEST(RestRecordsTest, DataPathShapes) {
  EXPECT_EQ(Build({R"({"result": {"items": [{"a": 1}, {"a": 2}]}})"}, {}, "result.items").rows, 2);
  EXPECT_EQ(Build({R"({"result": [{"a": 1}, {"a": 2}]})"}, {}, "result.1").rows, 1);
  EXPECT_EQ(Build({R"({"result": null})"}, {}, "result").rows, 0);
  EXPECT_EQ(Build({R"({"other": 1})"}, {}, "result").rows, 0);
  auto scalars = Build({R"({"ids": [1, 2, 3]})"}, {}, "ids");
  EXPECT_EQ(Columns(scalars.schema), "value:BIGINT");
  EXPECT_EQ(scalars.rows, 3);
  EXPECT_EQ(Build({"{\"a\": 1}\n\n{\"a\": 2}\n"}, {}, "", Layout::kNdjson).rows, 2);
}

TEST(RestRecordsTest, NameCollisionFailsAndLeavesNothingStaged) {
  RecordsBuilder builder({});
  JsonPage good(R"([{"a": {"b": 1}}])", Layout::kJson);
  builder.Add(good, "");
  JsonPage bad(R"([{"c": 1}, {"a.b": 2}])", Layout::kJson);
  try {
    builder.Add(bad, "");
    FAIL() << "no collision error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kDataError);
    EXPECT_NE(std::string(error.what()).find("column name collision 'a.b'; set flatten to false"),
              std::string::npos);
  }
  int64_t rows = 0;
  for (auto& event : builder.Take())
    for (const auto& chunk : event.chunks) rows += static_cast<int64_t>(chunk.size());
  EXPECT_EQ(rows, 1);
  RecordsOptions flat;
  flat.flatten = false;
  EXPECT_EQ(Columns(Build({R"([{"a": {"b": 1}, "a.b": 2}])"}, flat).schema), "a:JSON a.b:BIGINT");
}

TEST(RestRecordsTest, InvalidJsonNamesTheByteOffset) {
  try {
    JsonPage page(R"({"data": [1, 2,, 3]})", Layout::kJson);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kTransient);
    EXPECT_EQ(std::string(error.what()).rfind("invalid JSON at byte 15: ", 0), 0u) << error.what();
  }
  try {
    JsonPage page("{\"a\": 1}\n{\"a\": \n", Layout::kNdjson);
    FAIL();
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("at byte 1"), std::string::npos) << error.what();
  }
}

TEST(RestRecordsTest, ManyRecordsSplitIntoChunksOf2048) {
  std::string body = "[";
  for (int i = 0; i < 5000; ++i) body += (i ? "," : "") + std::string("{\"id\":") + std::to_string(i) + "}";
  body += "]";
  RecordsBuilder builder({});
  JsonPage page(body, Layout::kJson);
  EXPECT_EQ(page.CountRecords(""), 5000);
  builder.Add(page, "");
  auto events = builder.Take();
  ASSERT_EQ(events.size(), 2u);
  ASSERT_EQ(events[1].chunks.size(), 3u);
  EXPECT_EQ(events[1].chunks[0].size(), 2048u);
  EXPECT_EQ(events[1].chunks[2].size(), 5000u - 4096u);
}

}  // namespace
}  // namespace sqlflow::connectors::json

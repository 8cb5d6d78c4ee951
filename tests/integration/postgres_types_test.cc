// Every type of CONNECTORS.md §3.5 round-trips PostgreSQL -> DuckDB -> PostgreSQL with identical values
// (NULLs, numeric precision, timestamptz, unicode, arrays with NULL elements, +-infinity, NaN), and the
// DuckDB side holds the exact values in between.
#include <gtest/gtest.h>

#include "pg_test_util.h"
#include "sqlflow/connectors/postgres/postgres.h"

namespace sqlflow::testing {
namespace {

using connectors::ReadRequest;
using connectors::WriteMode;

class PostgresTypes : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = engine::Database::Open({});
    duck_ = std::make_unique<engine::Connection>(*db_);
  }
  std::unique_ptr<engine::Database> db_;
  std::unique_ptr<engine::Connection> duck_;
};

constexpr const char* kAllTypesTable = R"sql(
  DROP TYPE IF EXISTS %T%_mood CASCADE;
  CREATE TYPE %T%_mood AS ENUM ('sad', 'ok', 'happy');
  DROP DOMAIN IF EXISTS %T%_posint CASCADE;
  CREATE DOMAIN %T%_posint AS integer CHECK (VALUE > 0);
  DROP TABLE IF EXISTS %T%, %T%_back;
  CREATE TABLE %T% (
    id integer PRIMARY KEY,
    c_bool boolean,
    c_int2 smallint,
    c_int4 integer NOT NULL,
    c_int8 bigint,
    c_num numeric(38,18),
    c_num_small numeric(4,2),
    c_num_free numeric,
    c_real real,
    c_double double precision,
    c_text text,
    c_varchar varchar(20),
    c_char char(5),
    c_bytea bytea,
    c_date date,
    c_time time,
    c_timetz timetz,
    c_ts timestamp,
    c_tstz timestamptz,
    c_interval interval,
    c_uuid uuid,
    c_json json,
    c_jsonb jsonb,
    c_int_arr integer[],
    c_text_arr text[],
    c_num_arr numeric(10,2)[],
    c_ts_arr timestamptz[],
    c_enum %T%_mood,
    c_domain %T%_posint,
    c_inet inet,
    c_money money
  );
  INSERT INTO %T% VALUES
  (1, true, 32767, 2147483647, 9223372036854775807, 12345678901234567890.123456789012345678, 99.99, 1.5,
   3.4028235e38, 1.7976931348623157e308, 'héllo wörld ✓ 🎉', 'café', 'ab', '\x00ff10'::bytea,
   '2024-02-29', '23:59:59.999999', '12:34:56.789+05:30', '2024-01-16 11:00:00.123456',
   '2024-01-16 11:00:00.654321+02', '1 year 2 months 3 days 04:05:06.789', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
   '{"a": [1, 2, {"b": null}], "ü": "✓"}', '{"k": 1, "z": [true, false]}', '{1,NULL,3}', '{"x","NULL",NULL,"q\"uote"}',
   '{1.25,NULL,-3.50}', '{"2024-01-01 00:00:00+00",NULL}', 'happy', 7, '192.168.0.1/24', 12.34),
  (2, false, -32768, -2147483648, -9223372036854775808, -0.000000000000000001, -99.99, -123456789.000000001,
   'NaN', '-Infinity', '', '', '     ', ''::bytea,
   'infinity', '00:00:00', '00:00:00-11', '-infinity', 'infinity', '-1 day -00:00:01', '00000000-0000-0000-0000-000000000000',
   '[]', '"str"', '{}', '{}', '{}', '{}', 'sad', 1, '::1', -1),
  (3, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (4, true, 1, 1, 1, 0, 0, 'NaN', '-Infinity', 'NaN', E'line1\nline2\ttab "quoted" ''single''', 'x', 'abcde',
   '\xdeadbeef'::bytea, '-infinity', '12:00:00', '23:59:59-14', 'infinity', '-infinity', '0 seconds',
   'ffffffff-ffff-ffff-ffff-ffffffffffff', 'null', 'null', '{NULL}', '{NULL}', '{NULL}', '{NULL}', 'ok', 2147483647,
   '10.0.0.0/8', 0),
  (5, false, 0, 42, 4611686018427387904, 0.000000000000000001, 0.01, 100000000000000000000, 'Infinity', 0,
   '日本語テキスト', 'Ω≈ç√∫', 'z', '\x'::bytea, '1970-01-01', '00:00:00.000001', '00:00:00+00', '1970-01-01 00:00:00',
   '1970-01-01 00:00:00+00', '-1 months', '123e4567-e89b-12d3-a456-426614174000', '{"nested": {"deep": [[]]}}',
   '{}', '{-2147483648,2147483647}', '{"","日本"}', '{0.00,99999999.99}', '{"infinity","-infinity"}', 'sad', 3,
   '2001:db8::1', 1000000);
)sql";

std::string Expand(std::string sql, const std::string& table) {
  size_t pos;
  while ((pos = sql.find("%T%")) != std::string::npos) sql.replace(pos, 3, table);
  return sql;
}

TEST_F(PostgresTypes, EveryTypeRoundTripsThroughDuckDB) {
  SQLFLOW_REQUIRE_PG(dsn);
  const std::string table = TestTableName();
  PgAdmin admin(dsn);
  admin.Exec(Expand(kAllTypesTable, table));

  auto source = connectors::MakePostgresSource();
  source->Configure(SourceParams({{"uri", dsn}}));
  ReadRequest request;
  request.object = table;
  ReadOutcome read = ReadInto(*source, request, *duck_, "t");
  EXPECT_EQ(read.rows, 5);
  EXPECT_EQ(read.resets, 0);

  // Schema: DuckDB types per the mapping table; NOT NULL from the catalog.
  std::map<std::string, std::string> types;
  for (const auto& field : read.schema) types[field.name] = field.type;
  EXPECT_EQ(types["c_bool"], "BOOLEAN");
  EXPECT_EQ(types["c_int2"], "SMALLINT");
  EXPECT_EQ(types["c_int4"], "INTEGER");
  EXPECT_EQ(types["c_int8"], "BIGINT");
  EXPECT_EQ(types["c_num"], "DECIMAL(38,18)");
  EXPECT_EQ(types["c_num_small"], "DECIMAL(4,2)");
  EXPECT_EQ(types["c_num_free"], "DOUBLE");
  EXPECT_EQ(types["c_real"], "FLOAT");
  EXPECT_EQ(types["c_double"], "DOUBLE");
  EXPECT_EQ(types["c_text"], "VARCHAR");
  EXPECT_EQ(types["c_char"], "VARCHAR");
  EXPECT_EQ(types["c_bytea"], "BLOB");
  EXPECT_EQ(types["c_timetz"], "TIME WITH TIME ZONE");
  EXPECT_EQ(types["c_tstz"], "TIMESTAMP WITH TIME ZONE");
  EXPECT_EQ(types["c_interval"], "INTERVAL");
  EXPECT_EQ(types["c_uuid"], "UUID");
  EXPECT_EQ(types["c_json"], "JSON");
  EXPECT_EQ(types["c_jsonb"], "JSON");
  EXPECT_EQ(types["c_int_arr"], "INTEGER[]");
  EXPECT_EQ(types["c_num_arr"], "DECIMAL(10,2)[]");
  EXPECT_EQ(types["c_ts_arr"], "TIMESTAMP WITH TIME ZONE[]");
  EXPECT_EQ(types["c_enum"], "VARCHAR");
  EXPECT_EQ(types["c_domain"], "INTEGER");
  EXPECT_EQ(types["c_inet"], "VARCHAR");
  for (const auto& field : read.schema) {
    if (field.name == "c_int4" || field.name == "id")
      EXPECT_FALSE(field.nullable) << field.name;
    else
      EXPECT_TRUE(field.nullable) << field.name;
  }
  ASSERT_EQ(read.warnings.size(), 2u);  // inet and money fall back to text; enum quietly
  EXPECT_NE(read.warnings[0].find("c_inet"), std::string::npos);
  EXPECT_NE(read.warnings[1].find("c_money"), std::string::npos);

  // Exact values on the DuckDB side.
  auto value = [&](const std::string& expr, int id) {
    return duck_->QueryValue("SELECT CAST(" + expr + " AS VARCHAR) FROM t WHERE id = " + std::to_string(id))
        .value_or("NULL");
  };
  EXPECT_EQ(value("c_num", 1), "12345678901234567890.123456789012345678");
  EXPECT_EQ(value("c_num", 2), "-0.000000000000000001");
  EXPECT_EQ(value("c_num_small", 2), "-99.99");
  EXPECT_EQ(value("c_int8", 2), "-9223372036854775808");
  EXPECT_EQ(value("c_text", 1), "héllo wörld ✓ 🎉");
  EXPECT_EQ(value("c_char", 1), "ab   ");  // bpchar padding kept
  EXPECT_EQ(value("c_tstz", 1), "2024-01-16 09:00:00.654321+00");
  EXPECT_EQ(value("c_ts", 1), "2024-01-16 11:00:00.123456");
  EXPECT_EQ(value("c_ts", 2), "-infinity");
  EXPECT_EQ(value("c_tstz", 2), "infinity");
  EXPECT_EQ(value("c_date", 2), "infinity");
  EXPECT_EQ(value("c_date", 4), "-infinity");
  EXPECT_EQ(value("c_date", 1), "2024-02-29");
  EXPECT_EQ(value("c_timetz", 1), "12:34:56.789+05:30");
  EXPECT_EQ(value("c_interval", 1), "1 year 2 months 3 days 04:05:06.789");
  EXPECT_EQ(value("c_uuid", 1), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  EXPECT_EQ(value("c_uuid", 4), "ffffffff-ffff-ffff-ffff-ffffffffffff");
  EXPECT_EQ(value("c_uuid", 2), "00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(value("c_bytea", 1), "\\x00\\xFF\\x10");
  EXPECT_EQ(value("c_real", 2), "nan");
  EXPECT_EQ(value("c_double", 2), "-inf");
  EXPECT_EQ(value("c_num_free", 2), "-123456789.0");
  EXPECT_EQ(value("c_num_free", 4), "nan");
  EXPECT_EQ(value("c_num_free", 5), "1e+20");
  EXPECT_EQ(value("c_int_arr", 1), "[1, NULL, 3]");
  EXPECT_EQ(value("c_text_arr", 1), "[x, 'NULL', NULL, 'q\"uote']");
  EXPECT_EQ(value("c_num_arr", 1), "[1.25, NULL, -3.50]");
  EXPECT_EQ(value("c_int_arr", 2), "[]");
  EXPECT_EQ(value("c_int_arr", 4), "[NULL]");
  EXPECT_EQ(value("c_json", 1), "{\"a\": [1, 2, {\"b\": null}], \"ü\": \"✓\"}");
  EXPECT_EQ(value("c_jsonb", 1), "{\"k\": 1, \"z\": [true, false]}");
  EXPECT_EQ(value("c_enum", 1), "happy");
  EXPECT_EQ(value("c_inet", 1), "192.168.0.1/24");
  EXPECT_EQ(value("c_bool", 3), "NULL");
  EXPECT_EQ(duck_->QueryValue("SELECT count(*) FROM t WHERE c_text IS NULL").value_or(""), "1");

  // Back to PostgreSQL into a new table (created with the mapped types), then compare with the original.
  auto destination = connectors::MakePostgresDestination();
  destination->Configure(DestinationParams({{"uri", dsn}}));
  auto written = ExportTo(*destination, *duck_, "SELECT * FROM t", table + "_back", WriteMode::kReplace);
  EXPECT_EQ(written.rows, 5);

  std::vector<std::string> columns = {
      "c_bool",     "c_int2",    "c_int4",    "c_int8",    "c_num",    "c_num_small", "c_real", "c_double",
      "c_text",     "c_varchar", "c_bytea",   "c_date",    "c_time",   "c_timetz",    "c_ts",   "c_tstz",
      "c_interval", "c_uuid",    "c_int_arr", "c_num_arr", "c_ts_arr", "c_domain"};
  for (const auto& column : columns) {
    EXPECT_EQ(admin.Value("SELECT count(*) FROM " + table + " a JOIN " + table +
                          "_back b USING (id) WHERE a." + column + " IS DISTINCT FROM b." + column),
              "0")
        << column;
  }
  // Types whose target type differs by design: compare through a common type.
  const std::vector<std::pair<std::string, std::string>> converted = {
      {"a.c_char::text", "rtrim(b.c_char)"}, {"a.c_num_free::float8", "b.c_num_free"},
      {"a.c_json::jsonb", "b.c_json"},       {"a.c_jsonb", "b.c_jsonb"},
      {"a.c_text_arr", "b.c_text_arr"},      {"a.c_enum::text", "b.c_enum"},
      {"a.c_inet::text", "b.c_inet"},        {"a.c_money::text", "b.c_money"}};
  for (const auto& [left, right] : converted) {
    EXPECT_EQ(admin.Value("SELECT count(*) FROM " + table + " a JOIN " + table + "_back b USING (id) WHERE " +
                          left + " IS DISTINCT FROM " + right),
              "0")
        << left;
  }
  // The created table has the mapped types.
  EXPECT_EQ(admin.Value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '" +
                        table + "_back'::regclass AND attname = 'c_num'"),
            "numeric(38,18)");
  EXPECT_EQ(admin.Value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '" +
                        table + "_back'::regclass AND attname = 'c_jsonb'"),
            "jsonb");
  EXPECT_EQ(admin.Value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '" +
                        table + "_back'::regclass AND attname = 'c_ts_arr'"),
            "timestamp with time zone[]");
}

TEST_F(PostgresTypes, DuckDBOnlyTypesAreWrittenWithTheMappedTypes) {
  SQLFLOW_REQUIRE_PG(dsn);
  const std::string table = TestTableName();
  PgAdmin admin(dsn);
  admin.Exec("DROP TABLE IF EXISTS " + table);
  duck_->Execute(
      "CREATE TABLE src AS SELECT 1::TINYINT AS ti, 200::UTINYINT AS uti, 60000::USMALLINT AS usi, "
      "4000000000::UINTEGER AS ui, 18446744073709551615::UBIGINT AS ub, "
      "-170141183460469231731687303715884105727::HUGEINT AS hi, "
      "TIMESTAMP_NS '2024-01-01 10:00:00.123456789' AS tns, TIMESTAMP_MS '2024-01-01 10:00:00.123' AS tms, "
      "{'a': 1, 'b': 'x'} AS st, MAP {'k': 1} AS mp, [[1, 2], [3]] AS nested, ['a', NULL]::VARCHAR[] AS "
      "strs, "
      "[1, 2, 3]::INTEGER[3] AS fixed, 'sad'::ENUM('sad', 'ok') AS en, '{\"j\": 1}'::JSON AS js, "
      "12345678901234567890.123456789::DECIMAL(38,9) AS d38, 1.5::DECIMAL(4,1) AS d4");
  auto destination = connectors::MakePostgresDestination();
  destination->Configure(DestinationParams({{"uri", dsn}}));
  ExportTo(*destination, *duck_, "SELECT * FROM src", table, WriteMode::kReplace);
  auto rows =
      admin.Rows("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '" +
                 table + "'::regclass AND attnum > 0 ORDER BY attnum");
  const std::vector<std::string> expected = {"ti|smallint",
                                             "uti|smallint",
                                             "usi|integer",
                                             "ui|bigint",
                                             "ub|numeric(20,0)",
                                             "hi|numeric(39,0)",
                                             "tns|timestamp without time zone",
                                             "tms|timestamp without time zone",
                                             "st|jsonb",
                                             "mp|jsonb",
                                             "nested|jsonb",
                                             "strs|text[]",
                                             "fixed|integer[]",
                                             "en|text",
                                             "js|jsonb",
                                             "d38|numeric(38,9)",
                                             "d4|numeric(4,1)"};
  EXPECT_EQ(rows, expected);
  EXPECT_EQ(
      admin.Rows(
          "SELECT ti, uti, usi, ui, ub, hi, tns, tms, st::text, nested::text, strs, fixed, en, js::text, "
          "d38, d4 FROM " +
          table),
      std::vector<std::string>{
          "1|200|60000|4000000000|18446744073709551615|-170141183460469231731687303715884105727|"
          "2024-01-01 10:00:00.123456|2024-01-01 10:00:00.123|{\"a\": 1, \"b\": \"x\"}|"
          "[[1, 2], [3]]|{a,NULL}|{1,2,3}|sad|{\"j\": 1}|12345678901234567890.123456789|1.5"});
}

TEST_F(PostgresTypes, MultiDimensionalArraysBecomeNestedLists) {
  SQLFLOW_REQUIRE_PG(dsn);
  const std::string table = TestTableName();
  PgAdmin admin(dsn);
  admin.Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
             " (id int, m integer[][]); INSERT INTO " + table +
             " VALUES (1, '{{1,2},{3,NULL}}'), (2, '{}'), (3, NULL)");
  auto source = connectors::MakePostgresSource();
  source->Configure(SourceParams({{"uri", dsn}}));
  ReadRequest request;
  request.object = table;
  ReadOutcome read = ReadInto(*source, request, *duck_, "t");
  EXPECT_EQ(read.schema[1].type, "INTEGER[][]");
  EXPECT_EQ(duck_->QueryValue("SELECT CAST(m AS VARCHAR) FROM t WHERE id = 1").value_or(""),
            "[[1, 2], [3, NULL]]");
  EXPECT_EQ(duck_->QueryValue("SELECT CAST(m AS VARCHAR) FROM t WHERE id = 2").value_or(""), "[]");
}

TEST_F(PostgresTypes, ManyRowsSpanChunksAndBatches) {
  SQLFLOW_REQUIRE_PG(dsn);
  const std::string table = TestTableName();
  PgAdmin admin(dsn);
  admin.Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
             " AS SELECT g AS id, md5(g::text) AS s, CASE WHEN g % 7 = 0 THEN NULL ELSE g * 1.5 END AS d, "
             "ARRAY[g, NULL, g + 1] AS arr FROM generate_series(1, 25000) g");
  auto source = connectors::MakePostgresSource();
  source->Configure(SourceParams({{"uri", dsn}, {"batch_size", 3000}}));
  ReadRequest request;
  request.object = table;
  request.batch_size = 3000;
  ReadOutcome read = ReadInto(*source, request, *duck_, "t");
  EXPECT_EQ(read.rows, 25000);
  EXPECT_EQ(read.batches, 9);
  EXPECT_EQ(duck_->QueryValue("SELECT count(DISTINCT id) FROM t").value_or(""), "25000");
  EXPECT_EQ(duck_->QueryValue("SELECT sum(id) FROM t").value_or(""), "312512500");
  EXPECT_EQ(duck_->QueryValue("SELECT count(*) FROM t WHERE d IS NULL").value_or(""), "3571");
  EXPECT_EQ(duck_->QueryValue("SELECT sum(len(arr)) FROM t").value_or(""), "75000");
  EXPECT_EQ(duck_->QueryValue("SELECT count(*) FROM t WHERE s <> md5(id::VARCHAR)").value_or(""), "0");
}

}  // namespace
}  // namespace sqlflow::testing

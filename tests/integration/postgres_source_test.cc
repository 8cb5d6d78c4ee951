// The postgres source on a real server: projection, queries, declared types, the incremental bound pushed
// into the COPY query, discovery, test_connection, errors, and F17 (backend terminated mid-COPY OUT).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "pg_test_util.h"
#include "sqlflow/common/error.h"
#include "sqlflow/connectors/postgres/postgres.h"

namespace sqlflow::testing {
namespace {

using connectors::CursorBound;
using connectors::ReadRequest;

class PostgresSource : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = engine::Database::Open({});
    duck_ = std::make_unique<engine::Connection>(*db_);
  }
  std::unique_ptr<connectors::Source> Make(nlohmann::ordered_json params) {
    if (!params.contains("uri")) params["uri"] = dsn_;
    if (!params.contains("retry_delay")) params["retry_delay"] = 0.01;
    auto source = connectors::MakePostgresSource();
    source->Configure(SourceParams(params));
    return source;
  }
  ReadOutcome Read(connectors::Source& source, const std::string& object,
                   std::optional<CursorBound> cursor = std::nullopt, std::vector<std::string> columns = {}) {
    ReadRequest request;
    request.object = object;
    request.cursor = std::move(cursor);
    request.columns = std::move(columns);
    return ReadInto(source, request, *duck_, "t");
  }
  std::string Duck(const std::string& sql) { return duck_->QueryValue(sql).value_or("NULL"); }

  std::unique_ptr<engine::Database> db_;
  std::unique_ptr<engine::Connection> duck_;
  std::string dsn_;
};

#define SETUP_PG()         \
  SQLFLOW_REQUIRE_PG(dsn); \
  dsn_ = dsn;              \
  PgAdmin admin(dsn);      \
  const std::string table = TestTableName()

TEST_F(PostgresSource, ProjectionKeepsTheRequestedOrder) {
  SETUP_PG();
  admin.Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
             " (a int, \"B\" text, c date); INSERT INTO " + table + " VALUES (1, 'x', '2024-01-01')");
  auto source = Make({});
  ReadOutcome read = Read(*source, table, std::nullopt, {"c", "B", "a"});
  ASSERT_EQ(read.schema.size(), 3u);
  EXPECT_EQ(read.schema[0].name, "c");
  EXPECT_EQ(read.schema[1].name, "B");
  EXPECT_EQ(read.schema[2].name, "a");
  EXPECT_EQ(read.schema[0].source_type, "date");
  EXPECT_EQ(Duck("SELECT c || ' ' || \"B\" || ' ' || a FROM t"), "2024-01-01 x 1");
  // Case-insensitive when unambiguous.
  read = Read(*source, table, std::nullopt, {"b"});
  EXPECT_EQ(read.schema[0].name, "B");
  try {
    Read(*source, table, std::nullopt, {"a", "cc"});
    FAIL() << "expected NotFound";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(error.what()).find("column 'cc' not found in public." + table), std::string::npos)
        << error.what();
    EXPECT_NE(error.hint().find("did you mean"), std::string::npos) << error.hint();
  }
}

TEST_F(PostgresSource, QuerySourceUsesDescribedTypes) {
  SETUP_PG();
  admin.Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
             " (id int, amount numeric(12,2)); INSERT INTO " + table +
             " VALUES (1, 10.50), (2, 20.25), (3, NULL)");
  auto source = Make({{"query",
                       "SELECT id, amount * 2 AS doubled, amount::numeric(8,1) AS rounded, now() AS at, "
                       "'x'::varchar(3) AS label FROM " +
                           table + " WHERE id < 3;"}});
  ReadOutcome read = Read(*source, "ignored_target_name");
  EXPECT_EQ(read.rows, 2);
  ASSERT_EQ(read.schema.size(), 5u);
  EXPECT_EQ(read.schema[0].type, "INTEGER");
  EXPECT_EQ(read.schema[1].type, "DOUBLE");  // numeric without typmod
  EXPECT_EQ(read.schema[2].type, "DECIMAL(8,1)");
  EXPECT_EQ(read.schema[3].type, "TIMESTAMP WITH TIME ZONE");
  EXPECT_EQ(read.schema[4].source_type, "character varying(3)");
  EXPECT_EQ(Duck("SELECT sum(doubled) FROM t"), "61.5");
  // Incremental bound over a query column.
  read = Read(*source, "", CursorBound{"id", {"INTEGER", "1"}, false});
  EXPECT_EQ(read.rows, 1);
}

TEST_F(PostgresSource, NumericNaNIntoDecimalNamesTheColumnAndColumnTypesFixIt) {
  SETUP_PG();
  admin.Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
             " (id int, price numeric(10,2)); INSERT INTO " + table + " VALUES (1, 1.5), (2, 'NaN')");
  auto source = Make({});
  try {
    Read(*source, table);
    FAIL() << "expected a DataError";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kDataError);
    EXPECT_NE(std::string(error.what()).find("column 'price'"), std::string::npos) << error.what();
    EXPECT_NE(error.hint().find("column_types"), std::string::npos) << error.hint();
  }
  auto declared = Make({{"column_types", {{"price", "DOUBLE"}, {"id", "BIGINT"}}}});
  ReadOutcome read = Read(*declared, table);
  EXPECT_EQ(read.schema[0].type, "BIGINT");
  EXPECT_EQ(read.schema[1].type, "DOUBLE");
  EXPECT_EQ(Duck("SELECT CAST(price AS VARCHAR) FROM t WHERE id = 2"), "nan");
  auto unsupported = Make({{"column_types", {{"price", "STRUCT(a INTEGER)"}}}});
  EXPECT_THROW(Read(*unsupported, table), Error);
}

TEST_F(PostgresSource, IncrementalBoundIsPushedDownWithTheColumnType) {
  SETUP_PG();
  admin.Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
             " (id int, ts timestamp, tstz timestamptz, d date, name varchar(3), n numeric(10,2), f float8); "
             "INSERT INTO " +
             table +
             " SELECT g, '2024-01-01'::timestamp + g * interval '1 hour', "
             "'2024-01-01 00:00:00+00'::timestamptz + g * interval '1 hour', '2024-01-01'::date + g, "
             "chr(96 + g), g * 1.25, g * 0.1 FROM generate_series(1, 9) g");
  auto source = Make({});
  struct Case {
    CursorBound bound;
    int64_t rows;
  };
  const std::vector<Case> cases = {
      {{"ts", {"TIMESTAMP", "2024-01-01 05:00:00"}, false}, 4},
      {{"ts", {"TIMESTAMP", "2024-01-01 05:00:00"}, true}, 5},
      {{"tstz", {"TIMESTAMP WITH TIME ZONE", "2024-01-01 07:00:00+02"}, false}, 4},  // 05:00 UTC
      {{"d", {"DATE", "2024-01-08"}, true}, 3},
      {{"id", {"INTEGER", "8"}, false}, 1},
      {{"name", {"VARCHAR", "g"}, false}, 2},  // longer than varchar(3) would truncate: cast to the base type
      {{"name", {"VARCHAR", "ggggg"}, false}, 2},
      {{"n", {"DECIMAL(10,2)", "10.00"}, true}, 2},
      {{"f", {"DOUBLE", "0.30000000000000004"}, false}, 6},
      {{"ts", {"", "2024-01-01 09:00:00"}, true}, 1},  // cursor_start: no stored type
  };
  for (const auto& c : cases) {
    ReadOutcome read = Read(*source, table, c.bound);
    EXPECT_EQ(read.rows, c.rows) << c.bound.field << (c.bound.inclusive ? " >= " : " > ")
                                 << c.bound.value.text;
  }
  // lookback_window widens a stored watermark (interval text, or seconds / cursor units), not cursor_start.
  auto hours = Make({{"lookback_window", "2 hours"}});
  EXPECT_EQ(Read(*hours, table, CursorBound{"ts", {"TIMESTAMP", "2024-01-01 05:00:00"}, true}).rows, 7);
  EXPECT_EQ(Read(*hours, table, CursorBound{"d", {"DATE", "2024-01-08"}, true}).rows,
            3);  // 2 hours: same day
  EXPECT_EQ(Read(*hours, table, CursorBound{"ts", {"", "2024-01-01 05:00:00"}, true}).rows, 5);
  auto units = Make({{"lookback_window", 3600}});
  EXPECT_EQ(
      Read(*units, table, CursorBound{"tstz", {"TIMESTAMP WITH TIME ZONE", "2024-01-01 05:00:00+00"}, true})
          .rows,
      6);
  auto numbers = Make({{"lookback_window", 2}});
  EXPECT_EQ(Read(*numbers, table, CursorBound{"id", {"INTEGER", "8"}, true}).rows, 4);
  try {
    Read(*source, table, CursorBound{"updated", {"TIMESTAMP", "2024-01-01"}, false});
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(error.what()).find("column 'updated'"), std::string::npos);
  }
}

TEST_F(PostgresSource, MissingTableSuggestsTheClosestName) {
  SETUP_PG();
  admin.Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table + " (id int)");
  auto source = Make({});
  const std::string typo = table.substr(0, table.size() - 1);
  try {
    Read(*source, typo);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kNotFound);
    const std::string message = error.what();
    EXPECT_NE(
        message.find("relation \"public." + typo + "\" does not exist (did you mean public." + table + "?)"),
        std::string::npos)
        << message;
    EXPECT_EQ(message.rfind("POSTGRES source 'pg_test': ", 0), 0u) << message;
  }
}

TEST_F(PostgresSource, DiscoverAndGetSchema) {
  SETUP_PG();
  admin.Exec("DROP VIEW IF EXISTS " + table + "_v; DROP TABLE IF EXISTS " + table + "; CREATE TABLE " +
             table + " (id int NOT NULL, tags text[]); CREATE VIEW " + table + "_v AS SELECT id FROM " +
             table + "; INSERT INTO " + table + " SELECT g, NULL FROM generate_series(1, 100) g; ANALYZE " +
             table);
  auto source = Make({});
  auto objects = source->Discover(*duck_);
  bool found_table = false, found_view = false;
  for (const auto& object : objects) {
    if (object.name == "public." + table) {
      found_table = true;
      EXPECT_EQ(object.kind, "table");
      EXPECT_EQ(object.row_estimate.value_or(-1), 100);
    }
    if (object.name == "public." + table + "_v") found_view = object.kind == "view";
  }
  EXPECT_TRUE(found_table);
  EXPECT_TRUE(found_view);
  auto schema = source->GetSchema(table, *duck_);
  ASSERT_EQ(schema.size(), 2u);
  EXPECT_EQ(schema[0].type, "INTEGER");
  EXPECT_FALSE(schema[0].nullable);
  EXPECT_EQ(schema[1].type, "VARCHAR[]");
  EXPECT_EQ(schema[1].source_type, "text[]");
}

TEST_F(PostgresSource, TestConnectionChecksTheSelectPrivilege) {
  SETUP_PG();
  admin.Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table + " (id int)");
  admin.Exec(
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sqlflow_nopriv') THEN "
      "CREATE ROLE sqlflow_nopriv LOGIN; END IF; END $$");
  auto ok = Make({{"table", table}})->TestConnection(*duck_);
  EXPECT_TRUE(ok.ok) << ok.message;
  EXPECT_NE(ok.message.find("connected to PostgreSQL 15."), std::string::npos) << ok.message;
  auto denied = Make({{"table", table}, {"user", "sqlflow_nopriv"}})->TestConnection(*duck_);
  EXPECT_FALSE(denied.ok);
  EXPECT_EQ(denied.kind, ErrorKind::kPermissionDenied);
  EXPECT_NE(denied.message.find("no SELECT privilege"), std::string::npos) << denied.message;
  // Reading as that role fails the same way, classified, not retried.
  try {
    Read(*Make({{"user", "sqlflow_nopriv"}}), table);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kPermissionDenied);
    EXPECT_NE(std::string(error.what()).find("SQLSTATE 42501"), std::string::npos) << error.what();
    EXPECT_EQ(std::string(error.what()).find("attempts"), std::string::npos) << error.what();
  }
}

TEST_F(PostgresSource, UnknownRoleIsAuthFailedAndThePasswordIsNeverShown) {
  SETUP_PG();
  const std::string secret = "Sup3r-S3cret-pw";
  std::string uri = dsn;
  uri.replace(uri.find("postgres@"), 9, "nobody_" + table.substr(0, 20) + ":" + secret + "@");
  auto source = Make({{"uri", uri}});
  try {
    Read(*source, table);
    FAIL();
  } catch (const Error& error) {
    const std::string message = std::string(error.what()) + " " + error.hint();
    EXPECT_EQ(error.kind(), ErrorKind::kAuthFailed) << message;
    EXPECT_NE(message.find("SQLSTATE 28000"), std::string::npos) << message;
    EXPECT_NE(message.find("connect to 127.0.0.1:"), std::string::npos) << message;
    EXPECT_EQ(message.find(secret), std::string::npos) << message;
  }
  auto explicit_password = Make({{"user", "nobody_x"}, {"password", secret}});
  auto result = explicit_password->TestConnection(*duck_);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.message.find(secret), std::string::npos) << result.message;
}

TEST_F(PostgresSource, RequiredTlsAgainstAServerWithoutTlsIsAConfigErrorNotRetried) {
  SETUP_PG();
  auto source = Make({{"sslmode", "require"}});
  try {
    Read(*source, table);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalidConfig) << error.what();
    EXPECT_NE(std::string(error.what()).find("does not support SSL"), std::string::npos) << error.what();
    EXPECT_EQ(std::string(error.what()).find("attempts"), std::string::npos) << error.what();
  }
}

TEST_F(PostgresSource, StatementTimeoutIsNotRetried) {
  SETUP_PG();
  auto source = Make({{"query", "SELECT pg_sleep(3) AS s"}, {"query_timeout_seconds", 1}});
  const auto start = std::chrono::steady_clock::now();
  try {
    Read(*source, "");
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kTimeout) << error.what();
    EXPECT_NE(std::string(error.what()).find("57014"), std::string::npos) << error.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2500));
}

TEST_F(PostgresSource, CancelStopsAReadPromptly) {
  SETUP_PG();
  auto source =
      Make({{"query", "SELECT g, pg_sleep(0.01) FROM generate_series(1, 2000) g"}, {"batch_size", 1}});
  connectors::ReadContext context;
  context.connection = duck_.get();
  ReadRequest request;
  request.batch_size = 1;
  auto stream = source->Read(request, context);
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stream->Cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  try {
    while (stream->Next().kind != connectors::ReadEvent::Kind::kEnd) {
    }
    ADD_FAILURE() << "the read finished despite Cancel";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kCancelled) << error.what();
  }
  canceller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

// F17: the backend is terminated from a second connection after batch 3 of a COPY OUT. The stream emits a
// Reset, reconnects, and delivers exactly the table's rows once.
TEST_F(PostgresSource, BackendTerminatedMidCopyResetsAndReadsExactRows) {
  SETUP_PG();
  admin.Exec(
      "DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
      " AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS payload FROM generate_series(1, 400000) g");
  const std::string app = "f17_" + std::to_string(admin.BackendPid());
  auto source = Make({{"application_name", app}, {"batch_size", 1000}});
  ReadRequest request;
  request.object = table;
  request.batch_size = 1000;
  bool terminated = false;
  ReadOutcome read = ReadInto(*source, request, *duck_, "t", [&](int64_t batch) {
    if (batch == 3 && !terminated) {
      terminated = true;
      EXPECT_EQ(
          admin.Value(
              "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '" +
              app + "'"),
          "1");
    }
  });
  EXPECT_TRUE(terminated);
  EXPECT_EQ(read.resets, 1);
  ASSERT_EQ(read.reset_reasons.size(), 1u);
  EXPECT_NE(read.reset_reasons[0].find("again from the start"), std::string::npos) << read.reset_reasons[0];
  EXPECT_EQ(read.rows, 400000);
  EXPECT_EQ(Duck("SELECT count(*) FROM t"), "400000");
  EXPECT_EQ(Duck("SELECT count(DISTINCT id) FROM t"), "400000");
  EXPECT_EQ(Duck("SELECT sum(id) FROM t"), "80000200000");
  EXPECT_EQ(Duck("SELECT count(*) FROM t WHERE payload <> md5(id::VARCHAR) || md5((id * 7)::VARCHAR)"), "0");
}

TEST_F(PostgresSource, ResetsAreBoundedByMaxRetries) {
  SETUP_PG();
  admin.Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
             " AS SELECT g AS id, repeat('x', 80) AS payload FROM generate_series(1, 300000) g");
  const std::string app = "f17b_" + std::to_string(admin.BackendPid());
  auto source = Make({{"application_name", app}, {"batch_size", 1000}, {"max_retries", 0}});
  ReadRequest request;
  request.object = table;
  request.batch_size = 1000;
  try {
    ReadInto(*source, request, *duck_, "t", [&](int64_t batch) {
      if (batch == 2)
        admin.Exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '" + app +
                   "'");
    });
    FAIL() << "expected the read to fail";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kTransient) << error.what();
    const std::string message = error.what();
    EXPECT_NE(message.find("COPY from public." + table + " on 127.0.0.1:"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace sqlflow::testing

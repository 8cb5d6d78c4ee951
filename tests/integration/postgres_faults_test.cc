// Fault cases of CONNECTORS.md §4.3 for the postgres destination, with a faultproxy between the connector and
// the server: F18 (connection cut during COPY IN, each mode), F19 (cut right after COMMIT in append: not
// retried; in replace: retried), F20 (serialization failure / deadlock: retried, exact result; raised by a
// trigger on the first attempt so that the test is deterministic).
#include <gtest/gtest.h>

#include <regex>

#include "fault_proxy.h"
#include "pg_test_util.h"
#include "sqlflow/common/error.h"
#include "sqlflow/connectors/postgres/postgres.h"

namespace sqlflow::testing {
namespace {

using connectors::WriteMode;

int ServerPort(const std::string& dsn) {
  std::smatch match;
  if (std::regex_search(dsn, match, std::regex(R"(127\.0\.0\.1:(\d+))"))) return std::stoi(match[1]);
  return 5432;
}

std::string ThroughProxy(const std::string& dsn, int proxy_port) {
  return std::regex_replace(dsn, std::regex(R"(127\.0\.0\.1:\d+)"),
                            "127.0.0.1:" + std::to_string(proxy_port));
}

class PostgresFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = engine::Database::Open({});
    duck_ = std::make_unique<engine::Connection>(*db_);
    duck_->Execute("CREATE TABLE export_rows AS SELECT range AS id, 'new ' || range AS v FROM range(50000)");
  }
  std::unique_ptr<connectors::Destination> Make(const std::string& uri) {
    auto destination = connectors::MakePostgresDestination();
    destination->Configure(
        DestinationParams({{"uri", uri}, {"retry_delay", 0.01}, {"circuit_breaker_threshold", 0}}));
    return destination;
  }
  std::unique_ptr<engine::Database> db_;
  std::unique_ptr<engine::Connection> duck_;
};

// Three rows the export does not touch (ids -3..-1); with `overlap` also ids 0..9, which the export replaces.
void Prepare(PgAdmin& admin, const std::string& table, bool overlap = false) {
  admin.Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
             " (id bigint PRIMARY KEY, v text); " + "INSERT INTO " + table +
             " SELECT g, 'old' FROM generate_series(-3, " + (overlap ? "9" : "-1") + ") g");
}

// F18: the connection is cut after ~400 kB of COPY data; the transaction rolls back, the write is retried on
// a new connection, and the table holds exactly the expected rows in every mode.
TEST_F(PostgresFaults, ConnectionCutDuringCopyInIsRolledBackAndRetried) {
  SQLFLOW_REQUIRE_PG(dsn);
  PgAdmin admin(dsn);
  const std::string table = TestTableName();
  for (const WriteMode mode : {WriteMode::kReplace, WriteMode::kAppend, WriteMode::kUpsert}) {
    Prepare(admin, table, mode == WriteMode::kUpsert);
    FaultProxy proxy("127.0.0.1", ServerPort(dsn));
    proxy.SetRule(0, {400000, false});
    auto destination = Make(ThroughProxy(dsn, proxy.port()));
    auto result = ExportTo(*destination, *duck_, "SELECT * FROM export_rows", table, mode, {"id"});
    EXPECT_EQ(result.rows, 50000);
    EXPECT_EQ(proxy.cuts(), 1);
    EXPECT_EQ(proxy.connections(), 2);
    EXPECT_EQ(admin.Value("SELECT count(*) FROM " + table), mode == WriteMode::kReplace ? "50000" : "50003")
        << static_cast<int>(mode);
    EXPECT_EQ(admin.Value("SELECT count(*) FROM " + table + " WHERE v LIKE 'new %'"), "50000");
    EXPECT_EQ(admin.Value("SELECT count(*) FROM " + table + " WHERE v = 'old'"),
              mode == WriteMode::kReplace ? "0" : "3");
  }
}

// F19: COMMIT reaches the server but its answer never reaches the connector. Append cannot know whether the
// rows landed and must not retry; replace is idempotent and is retried.
TEST_F(PostgresFaults, ConnectionCutAfterCommitInAppendIsNotRetried) {
  SQLFLOW_REQUIRE_PG(dsn);
  PgAdmin admin(dsn);
  const std::string table = TestTableName();
  Prepare(admin, table);
  {
    FaultProxy proxy("127.0.0.1", ServerPort(dsn));
    proxy.SetRule(0, {-1, true});
    auto destination = Make(ThroughProxy(dsn, proxy.port()));
    try {
      ExportTo(*destination, *duck_, "SELECT * FROM export_rows", table, WriteMode::kAppend);
      FAIL() << "expected commit outcome unknown";
    } catch (const Error& error) {
      EXPECT_NE(
          std::string(error.what())
              .find("commit outcome unknown for public." + table + "; check the target before re-running"),
          std::string::npos)
          << error.what();
      EXPECT_FALSE(IsRetryable(error.kind()));
    }
    EXPECT_EQ(proxy.connections(), 1);
  }
  // The commit did happen: the rows are there once.
  EXPECT_EQ(admin.Value("SELECT count(*) FROM " + table), "50003");

  FaultProxy proxy("127.0.0.1", ServerPort(dsn));
  proxy.SetRule(0, {-1, true});
  auto destination = Make(ThroughProxy(dsn, proxy.port()));
  ExportTo(*destination, *duck_, "SELECT * FROM export_rows", table, WriteMode::kReplace);
  EXPECT_EQ(proxy.connections(), 2);
  EXPECT_EQ(admin.Value("SELECT count(*) FROM " + table), "50000");
}

// F20: a serialization failure or deadlock aborts the first attempt; the retry gives the exact result.
TEST_F(PostgresFaults, SerializationFailureAndDeadlockAreRetried) {
  SQLFLOW_REQUIRE_PG(dsn);
  PgAdmin admin(dsn);
  const std::string table = TestTableName();
  for (const std::string errcode : {"serialization_failure", "deadlock_detected"}) {
    Prepare(admin, table);
    admin.Exec("DROP SEQUENCE IF EXISTS " + table + "_attempts; CREATE SEQUENCE " + table +
               "_attempts; CREATE OR REPLACE FUNCTION " + table +
               "_fail_once() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF nextval('" + table +
               "_attempts') = 1 THEN RAISE EXCEPTION 'simulated " + errcode + "' USING ERRCODE = '" +
               errcode + "'; END IF; RETURN NULL; END $$; CREATE TRIGGER fail_once AFTER INSERT ON " + table +
               " FOR EACH STATEMENT EXECUTE FUNCTION " + table + "_fail_once()");
    auto destination = Make(dsn);
    auto result =
        ExportTo(*destination, *duck_, "SELECT * FROM export_rows WHERE id < 100", table, WriteMode::kAppend);
    EXPECT_EQ(result.rows, 100);
    EXPECT_EQ(admin.Value("SELECT last_value FROM " + table + "_attempts"), "2") << errcode;
    EXPECT_EQ(admin.Value("SELECT count(*) FROM " + table), "103") << errcode;  // 3 old + 100, once
  }
}

// A connection refused by the proxy before any row moved is retried without a Reset.
TEST_F(PostgresFaults, ReadRetriesAFailedConnectWithoutReset) {
  SQLFLOW_REQUIRE_PG(dsn);
  PgAdmin admin(dsn);
  const std::string table = TestTableName();
  admin.Exec("DROP TABLE IF EXISTS " + table + "; CREATE TABLE " + table +
             " AS SELECT g AS id FROM generate_series(1, 5000) g");
  FaultProxy proxy("127.0.0.1", ServerPort(dsn));
  proxy.SetRule(0, {0, false});
  auto source = connectors::MakePostgresSource();
  source->Configure(SourceParams({{"uri", ThroughProxy(dsn, proxy.port())}, {"retry_delay", 0.01}}));
  connectors::ReadRequest request;
  request.object = table;
  ReadOutcome read = ReadInto(*source, request, *duck_, "t");
  EXPECT_EQ(read.rows, 5000);
  EXPECT_EQ(read.resets, 0);
  EXPECT_EQ(proxy.connections(), 2);
}

}  // namespace
}  // namespace sqlflow::testing

// The server restarted in the middle of a read (issue 5, "done when"): the read either succeeds after retries
// with the exact rows (the rows delivered before the restart withdrawn by a Reset) or fails cleanly. Uses its
// own throwaway server so that the restart does not disturb tests running in parallel.
#include <gtest/gtest.h>

#include "pg_test_util.h"
#include "sqlflow/common/error.h"
#include "sqlflow/connectors/postgres/postgres.h"

namespace sqlflow::testing {
namespace {

constexpr int kPort = 55441;

class OwnServer {
 public:
  OwnServer() {
    CommandResult start = RunCommand(script_ + " start " + std::to_string(kPort));
    ok_ = start.exit_code == 0;
    output_ = start.output;
  }
  ~OwnServer() { RunCommand(script_ + " stop " + std::to_string(kPort)); }
  bool ok() const { return ok_; }
  const std::string& output() const { return output_; }
  std::string dsn() const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(kPort) + "/sqlflow_test";
  }
  void Restart() { RunCommand(script_ + " restart " + std::to_string(kPort)); }

 private:
  std::string script_ = std::string(SQLFLOW_SOURCE_DIR) + "/scripts/pg-test-server.sh";
  bool ok_ = false;
  std::string output_;
};

TEST(PostgresRestart, ServerRestartedMidReadGivesExactRowsOrFailsCleanly) {
  SQLFLOW_REQUIRE_PG(shared_dsn);  // the machine can run PostgreSQL tests at all
  OwnServer server;
  if (!server.ok()) {
    if (InCi()) FAIL() << server.output();
    GTEST_SKIP() << "cannot start a second PostgreSQL server: " << server.output();
  }
  PgAdmin(server.dsn())
      .Exec("CREATE TABLE big AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, 600000) g");
  auto db = engine::Database::Open({});
  engine::Connection duck(*db);
  auto source = connectors::MakePostgresSource();
  source->Configure(SourceParams({{"uri", server.dsn()}, {"max_retries", 6}, {"retry_delay", 0.2}}));
  connectors::ReadRequest request;
  request.object = "big";
  request.batch_size = 2000;
  bool restarted = false;
  try {
    ReadOutcome read = ReadInto(*source, request, duck, "t", [&](int64_t batch) {
      if (batch == 3 && !restarted) {
        restarted = true;
        server.Restart();
      }
    });
    EXPECT_TRUE(restarted);
    EXPECT_GE(read.resets, 1);
    EXPECT_EQ(read.rows, 600000);
    EXPECT_EQ(duck.QueryValue("SELECT count(DISTINCT id) FROM t").value_or(""), "600000");
    EXPECT_EQ(duck.QueryValue("SELECT sum(id) FROM t").value_or(""), "180000300000");
  } catch (const Error& error) {
    // Failing is allowed when the server stays away longer than the retry budget, but only cleanly.
    EXPECT_TRUE(IsRetryable(error.kind())) << error.what();
    EXPECT_NE(std::string(error.what()).find("127.0.0.1:" + std::to_string(kPort)), std::string::npos);
  }
}

}  // namespace
}  // namespace sqlflow::testing

// Parts of the postgres connector that need no server: SQLSTATE classification, the retry policy with a fake
// sleeper (exact sleep sequence), the circuit breaker with a fake clock, connection settings and secret
// masking, qualified names, and the numeric codec. They run in the integration binary but never skip.
#include <gtest/gtest.h>

#include <duckdb.h>

#include "pg_test_util.h"
#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/postgres/pg_connection.h"
#include "sqlflow/connectors/postgres/pg_copy_decoder.h"
#include "sqlflow/connectors/postgres/pg_copy_encoder.h"
#include "sqlflow/connectors/postgres/pg_factories.h"
#include "sqlflow/connectors/postgres/pg_options.h"
#include "sqlflow/connectors/postgres/pg_retry.h"
#include "sqlflow/connectors/postgres/pg_wire.h"
#include "sqlflow/net/circuit_breaker.h"
#include "sqlflow/net/classify.h"
#include "sqlflow/net/clock.h"
#include "sqlflow/net/retry_params.h"
#include "sqlflow/net/retry_policy.h"

namespace sqlflow::connectors::pg {
namespace {

using sqlflow::testing::DestinationParams;
using sqlflow::testing::SourceParams;

// Fake time; jitter factor exactly 1 (random 0.5).
Runtime FakeRuntime(net::FakeClock& clock) {
  return Runtime{&clock, &clock, [] { return 0.5; }};
}

// A port with nothing listening: connections are refused at once.
int ClosedPort() {
  static int port = 1;  // tcpmux: never listening in the test image
  return port;
}

TEST(PostgresOffline, SqlStateClassification) {
  struct Case {
    const char* state;
    bool lost;
    ErrorKind kind;
    bool retry;
  };
  const Case cases[] = {
      {"08006", false, ErrorKind::kTransient, true},
      {"57P01", false, ErrorKind::kTransient, true},
      {"40001", false, ErrorKind::kTransient, true},
      {"40P01", false, ErrorKind::kTransient, true},
      {"53300", false, ErrorKind::kTransient, true},
      {"55P03", false, ErrorKind::kTransient, true},
      {"", true, ErrorKind::kTransient, true},
      {"28P01", false, ErrorKind::kAuthFailed, false},
      {"28000", true, ErrorKind::kAuthFailed, false},
      {"3D000", false, ErrorKind::kNotFound, false},
      {"42P01", false, ErrorKind::kNotFound, false},
      {"42703", false, ErrorKind::kNotFound, false},
      {"42501", false, ErrorKind::kPermissionDenied, false},
      {"22P02", false, ErrorKind::kDataError, false},
      {"23505", false, ErrorKind::kDataError, false},
      {"57014", false, ErrorKind::kTimeout, false},
      {"42601", false, ErrorKind::kInvalidConfig, false},
      {"XX000", false, ErrorKind::kDataError, false},
  };
  for (const auto& c : cases) {
    const net::SqlStateClassification got = net::ClassifySqlState(c.state, c.lost);
    EXPECT_EQ(got.kind, c.kind) << c.state;
    EXPECT_EQ(got.retryable, c.retry) << c.state;
  }
  EXPECT_EQ(SqlStateOfConnectFailure("FATAL:  password authentication failed for user \"etl\""), "28P01");
  EXPECT_EQ(SqlStateOfConnectFailure("FATAL:  database \"nope\" does not exist"), "3D000");
  EXPECT_EQ(SqlStateOfConnectFailure("FATAL:  role \"nope\" does not exist"), "28000");
  EXPECT_EQ(SqlStateOfConnectFailure("FATAL:  sorry, too many clients already"), "53300");
  EXPECT_EQ(
      SqlStateOfConnectFailure("connection to server at \"127.0.0.1\", port 1 failed: Connection refused"),
      "");
}

TEST(PostgresOffline, BackoffDelaysFollowThePolicy) {
  net::RetryOptions policy;
  policy.retry_delay = 0.5;
  policy.retry_backoff_multiplier = 2;
  policy.retry_max_delay = 3;
  policy.retry_jitter = 0.2;
  EXPECT_DOUBLE_EQ(net::JitteredDelay(policy, 1, 0.5), 0.5);
  EXPECT_DOUBLE_EQ(net::JitteredDelay(policy, 2, 0.5), 1.0);
  EXPECT_DOUBLE_EQ(net::JitteredDelay(policy, 3, 0.5), 2.0);
  EXPECT_DOUBLE_EQ(net::JitteredDelay(policy, 4, 0.5), 3.0);  // capped
  EXPECT_DOUBLE_EQ(net::JitteredDelay(policy, 1, 0.0), 0.4);  // 1 - jitter
  EXPECT_DOUBLE_EQ(net::JitteredDelay(policy, 1, 1.0), 0.6);  // 1 + jitter
  const auto defaults =
      net::ParseRetryOptions("postgres", SourceParams({{"uri", "postgresql://h/db"}}).values);
  EXPECT_EQ(defaults.max_retries, 2);  // CONNECTORS.md §2.6
  EXPECT_DOUBLE_EQ(defaults.retry_delay, 0.5);
  EXPECT_DOUBLE_EQ(defaults.retry_max_delay, 10);
  EXPECT_DOUBLE_EQ(defaults.retry_jitter, 0.2);
  EXPECT_EQ(defaults.circuit_breaker_threshold, 10);
}

// A refused connection is Transient: max_retries + 1 attempts with the exact backoff sequence, then an error
// naming host and port and the attempt count, never the password.
TEST(PostgresOffline, RefusedConnectionIsRetriedWithBackoffThenFails) {
  net::FakeClock clock;
  auto source = MakeSource(FakeRuntime(clock));
  source->Configure(SourceParams(
      {{"uri", "postgresql://etl:hunter2secret@127.0.0.1:" + std::to_string(ClosedPort()) + "/db"},
       {"max_retries", 3},
       {"retry_delay", 0.25},
       {"circuit_breaker_threshold", 0}},
      "orders"));
  auto db = engine::Database::Open({});
  engine::Connection duck(*db);
  ReadRequest request;
  request.object = "orders";
  ReadContext context;
  context.connection = &duck;
  try {
    auto stream = source->Read(request, context);
    stream->Next();
    FAIL() << "expected an error";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_EQ(error.kind(), ErrorKind::kTransient);
    EXPECT_EQ(message.rfind("POSTGRES source 'orders': connect to 127.0.0.1:1 failed: ", 0), 0u) << message;
    EXPECT_NE(message.find("(after 4 attempts)"), std::string::npos) << message;
    EXPECT_EQ(message.find("hunter2secret"), std::string::npos) << message;
    EXPECT_EQ(error.hint().find("hunter2secret"), std::string::npos);
  }
  EXPECT_EQ(clock.sleeps(), (std::vector<double>{0.25, 0.5, 1.0}));
}

TEST(PostgresOffline, DestinationRetriesTheWholeTransaction) {
  net::FakeClock clock;
  auto destination = MakeDestination(FakeRuntime(clock));
  destination->Configure(DestinationParams({{"host", "127.0.0.1"},
                                            {"port", ClosedPort()},
                                            {"password", "pw-never-shown"},
                                            {"circuit_breaker_threshold", 0}},
                                           "warehouse"));
  auto db = engine::Database::Open({});
  engine::Connection duck(*db);
  try {
    sqlflow::testing::ExportTo(*destination, duck, "SELECT 1 AS id", "t", WriteMode::kAppend);
    FAIL();
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.rfind("POSTGRES destination 'warehouse': connect to 127.0.0.1:1 failed: ", 0), 0u)
        << message;
    EXPECT_NE(message.find("(after 3 attempts)"), std::string::npos) << message;
    EXPECT_EQ(message.find("pw-never-shown"), std::string::npos) << message;
  }
  EXPECT_EQ(clock.sleeps(), (std::vector<double>{0.5, 1.0}));
}

TEST(PostgresOffline, CircuitBreakerOpensAfterTheThresholdAndProbesAfterRecovery) {
  net::FakeClock clock(100);
  net::CircuitBreaker& breaker = net::CircuitBreaker::For("postgres-test", "test-breaker:1");
  breaker.Reset();
  breaker.Configure(3, 30);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NO_THROW(breaker.Check(clock));
    breaker.RecordFailure(clock, "refused");
  }
  try {
    breaker.Check(clock);
    FAIL();
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kCircuitOpen);
    EXPECT_NE(std::string(error.what())
                  .find("circuit open for test-breaker:1 after 3 consecutive failures "
                        "(last: refused); not retrying for 30 s"),
              std::string::npos)
        << error.what();
  }
  clock.Advance(31);
  EXPECT_NO_THROW(breaker.Check(clock));  // half-open probe
  breaker.RecordFailure(clock, "refused again");
  EXPECT_THROW(breaker.Check(clock), Error);  // reopened
  clock.Advance(31);
  EXPECT_NO_THROW(breaker.Check(clock));
  breaker.RecordSuccess();
  EXPECT_NO_THROW(breaker.Check(clock));
}

// Connection settings as Configure builds them: parse the options, then the libpq keywords.
ConnectSettings SettingsOf(const ResolvedParams& params) {
  std::vector<ParamIssue> issues;
  const PgSourceOptions options = ParsePgSourceOptions(params.values, issues);
  EXPECT_TRUE(issues.empty());
  return ConnectSettings::FromOptions(options.connection);
}

TEST(PostgresOffline, ExplicitParametersOverrideUriPartsAndDefaultsDoNot) {
  auto keywords = [](const ConnectSettings& settings) {
    std::string out;
    for (const auto& [k, v] : settings.keywords) out += k + "=" + v + " ";
    return out;
  };
  // Registry defaults (port 5432, sslmode prefer, connect_timeout 10, application_name) come before the URI.
  auto uri_only = SettingsOf(SourceParams({{"uri", "postgresql://u:pw9x@db.example:6543/app"}}));
  EXPECT_EQ(keywords(uri_only),
            "connect_timeout=10 application_name=sqlflow port=5432 sslmode=prefer "
            "dbname=postgresql://u:pw9x@db.example:6543/app client_encoding=UTF8 ");
  EXPECT_EQ(uri_only.Endpoint(), "db.example:6543");
  // Explicit values come after it and win.
  auto overridden = SettingsOf(SourceParams({{"uri", "postgresql://u:pw9x@db.example:6543/app"},
                                             {"port", 7000},
                                             {"user", "other"},
                                             {"database", "x"}}));
  EXPECT_EQ(overridden.Endpoint(), "db.example:7000");
  EXPECT_NE(keywords(overridden).find("dbname=postgresql://u:pw9x@db.example:6543/app port=7000"),
            std::string::npos)
      << keywords(overridden);
  // Without a URI, port and sslmode at their defaults are left to libpq (PGPORT, PGSSLMODE).
  auto plain = SettingsOf(SourceParams({{"host", "h"}}));
  EXPECT_EQ(keywords(plain), "connect_timeout=10 application_name=sqlflow host=h client_encoding=UTF8 ");
  // Masking: URI passwords, the password parameter, key=value strings.
  EXPECT_EQ(uri_only.Mask("failed for postgresql://u:pw9x@db.example:6543/app and pw9x"),
            "failed for postgresql://u:***@db.example:6543/app and ***");
  auto kv = SettingsOf(SourceParams({{"uri", "host=h password=s3cr3t-value dbname=d"}}));
  EXPECT_EQ(kv.Mask("conninfo host=h password=s3cr3t-value dbname=d"),
            "conninfo host=h password=*** dbname=d");
}

TEST(PostgresOffline, QualifiedNamesFollowPostgresIdentifierRules) {
  auto name = ParseQualifiedName("Orders", "public");
  EXPECT_EQ(name.schema, "public");
  EXPECT_EQ(name.name, "orders");
  name = ParseQualifiedName("Sales.\"My \"\"Big\"\" Table\"", "public");
  EXPECT_EQ(name.schema, "sales");
  EXPECT_EQ(name.name, "My \"Big\" Table");
  EXPECT_EQ(name.Display(), "sales.\"My \"\"Big\"\" Table\"");
  EXPECT_EQ(ParseQualifiedName("x", "staging").Display(), "staging.x");
  EXPECT_THROW(ParseQualifiedName("a.b.c", "public"), Error);
}

std::string NumericBytes(__int128 value, int scale) {
  ByteBuffer buffer;
  WriteNumeric(buffer, value, scale);
  std::string hex;
  char byte[4];
  for (size_t i = 4; i < buffer.size(); ++i) {  // skip the length word
    std::snprintf(byte, sizeof(byte), "%02x", static_cast<unsigned char>(buffer.data()[i]));
    hex += byte;
  }
  return hex;
}

TEST(PostgresOffline, NumericEncodingMatchesPostgresBinaryFormat) {
  // ndigits, weight, sign, dscale, digits (base 10000), as numeric_send produces them.
  EXPECT_EQ(NumericBytes(0, 0), "0000000000000000");
  EXPECT_EQ(NumericBytes(0, 2), "0000000000000002");
  EXPECT_EQ(NumericBytes(1050, 2), "0002000000000002000a1388");       // 10.50 -> 10 | 5000
  EXPECT_EQ(NumericBytes(-12345678, 4), "000200004000000404d2162e");  // -1234.5678
  EXPECT_EQ(NumericBytes(100000000, 0),
            "0001000200000000"
            "0001");  // 1 0000 0000: weight 2
  EXPECT_EQ(NumericBytes(1, 18),
            "0001fffb00000012"
            "0064");  // 1e-18 -> weight -5, digit 100
  ByteBuffer text;
  ASSERT_TRUE(WriteNumericText(text, "18446744073709551615", 20));
  ByteBuffer same;
  WriteNumeric(same, static_cast<__int128>(18446744073709551615ULL), 0);
  EXPECT_EQ(std::string(text.data(), text.size()), std::string(same.data(), same.size()));
  ByteBuffer bad;
  EXPECT_FALSE(WriteNumericText(bad, "12a", 3));
}

// The binary COPY encoder and decoder agree: DuckDB rows encoded as PostgreSQL would receive them and decoded
// back (fed in odd-sized pieces, so tuples straddle message boundaries) are identical.
TEST(PostgresOffline, CopyCodecRoundTripsEveryTypeAcrossMessageBoundaries) {
  auto db = engine::Database::Open({});
  engine::Connection duck(*db);
  duck.Execute(
      "CREATE TABLE src AS SELECT range AS id, "
      "CASE WHEN range % 7 = 0 THEN NULL ELSE range % 2 = 0 END AS b, "
      "(range % 30000 - 15000)::SMALLINT AS i2, (range * 7919 - 1000000)::INTEGER AS i4, "
      "CASE WHEN range = 1 THEN 9223372036854775807 WHEN range = 2 THEN -9223372036854775808 ELSE range * "
      "1000003 END "
      "AS i8, (range / 3.0)::FLOAT AS f4, CASE WHEN range = 3 THEN 'nan'::DOUBLE WHEN range = 4 THEN "
      "'inf'::DOUBLE "
      "ELSE range / 7.0 END AS f8, ((range % 800) * 1.234)::DECIMAL(4,1) AS d4, (range * "
      "-12.345)::DECIMAL(9,3) AS "
      "d9, "
      "(range * 98765.4321)::DECIMAL(18,4) AS d18, (range * 1234567890123.123456789)::DECIMAL(38,9) AS d38, "
      "CASE WHEN range % 5 = 0 THEN NULL ELSE repeat('ü✓x', range % 9) END AS txt, "
      "('\\x' || lpad(to_hex(range), 8, '0'))::BLOB AS bl, "
      "CASE WHEN range = 5 THEN 'infinity'::DATE WHEN range = 6 THEN '-infinity'::DATE "
      "ELSE DATE '1900-01-01' + (range * 13)::INTEGER END AS dt, "
      "TIME '00:00:00' + INTERVAL (range * 997) MILLISECOND AS tm, "
      "CASE WHEN range = 7 THEN 'infinity'::TIMESTAMP ELSE TIMESTAMP '1969-12-31 23:59:59.999999' + "
      "INTERVAL (range * 3333) SECOND END AS ts, TIMESTAMPTZ '2024-03-31 01:59:59+00' + INTERVAL (range) "
      "HOUR AS tstz, "
      "INTERVAL (range) DAY + INTERVAL (range % 13) MONTH + INTERVAL (range * 17) MICROSECOND AS iv, "
      "md5(range::VARCHAR)::UUID AS u, ('{\"k\": ' || range || '}')::JSON AS js, "
      "CASE WHEN range % 11 = 0 THEN NULL ELSE [range, NULL, range + 1] END AS arr, "
      "[CAST(range AS VARCHAR), NULL, ''] AS sarr, [] :: DOUBLE[] AS empty_arr FROM range(6000)");
  auto prepared = duck.Prepare("SELECT * FROM src");
  std::vector<ExportColumnPlan> plans;
  std::vector<std::string> exprs;
  for (uint64_t i = 0; i < prepared.column_count(); ++i) {
    engine::LogicalType type = prepared.column_type(i);
    plans.push_back(PlanExportColumn(prepared.column_name(i), type.get()));
    exprs.push_back(plans.back().select_expr);
  }
  auto stream = duck.Stream("SELECT " + Join(exprs, ", ") + " FROM src ORDER BY id");
  std::vector<EncodeType> encode;
  for (uint64_t i = 0; i < stream.column_count(); ++i) {
    engine::LogicalType streamed = stream.column_type(i);
    encode.push_back(EncodeTypeFor(streamed.get(), plans[i].wire));
  }
  CopyEncoder encoder(std::move(encode));
  ByteBuffer bytes;
  CopyEncoder::WriteHeader(bytes);
  while (auto chunk = stream.FetchChunk()) {
    if (chunk->size() == 0) break;
    encoder.EncodeChunk(chunk->get(), bytes);
  }
  CopyEncoder::WriteTrailer(bytes);

  std::vector<DecodeColumn> columns;
  std::vector<engine::LogicalType> types;
  std::string definitions;
  for (const auto& plan : plans) {
    columns.push_back({plan.name, plan.wire});
    types.push_back(LogicalTypeFor(plan.wire));
    definitions += (definitions.empty() ? "" : ", ") + QuoteIdent(plan.name) + " " + plan.wire.DuckDBType();
  }
  duck.Execute("CREATE TABLE dst (" + definitions + ")");
  CopyDecoder decoder(columns, types, 1000, true);
  engine::Appender appender(duck, "", "dst");
  size_t offset = 0, piece = 1;
  int batches = 0;
  while (offset < bytes.size()) {
    const size_t size = std::min(piece, bytes.size() - offset);
    decoder.Feed(bytes.data() + offset, size);
    offset += size;
    piece = piece % 97 + 13;
    while (decoder.HasBatch()) {
      for (const auto& chunk : decoder.TakeBatch()) {
        ASSERT_LE(chunk.size(), 2048u);
        appender.AppendChunk(chunk);
      }
      ++batches;
    }
  }
  ASSERT_TRUE(decoder.finished());
  decoder.Finish();
  while (decoder.HasBatch()) {
    for (const auto& chunk : decoder.TakeBatch()) appender.AppendChunk(chunk);
    ++batches;
  }
  appender.Close();
  EXPECT_EQ(batches, 6);
  EXPECT_EQ(decoder.rows(), 6000);
  EXPECT_EQ(duck.QueryValue("SELECT count(*) FROM dst").value_or(""), "6000");
  EXPECT_EQ(duck.QueryValue("SELECT count(*) FROM (SELECT * FROM src EXCEPT SELECT * FROM dst)").value_or(""),
            "0");
  EXPECT_EQ(duck.QueryValue("SELECT count(*) FROM (SELECT * FROM dst EXCEPT SELECT * FROM src)").value_or(""),
            "0");
  EXPECT_EQ(duck.QueryValue("SELECT count(*) FROM dst WHERE txt IS NULL").value_or(""), "1200");
}

TEST(PostgresOffline, DecoderRejectsMalformedStreams) {
  std::vector<engine::LogicalType> types;
  WireType int4;
  int4.kind = WireKind::kInt4;
  types.push_back(LogicalTypeFor(int4));
  {
    CopyDecoder decoder({{"x", int4}}, types, 10, false);
    EXPECT_THROW(decoder.Feed("NOTCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19), Error);
  }
  {
    CopyDecoder decoder({{"x", int4}}, types, 10, false);
    ByteBuffer bytes;
    CopyEncoder::WriteHeader(bytes);
    bytes.PutI16(2);  // two fields, the column list has one
    bytes.PutI32(4);
    bytes.PutI32(1);
    bytes.PutI32(4);
    bytes.PutI32(2);
    EXPECT_THROW(decoder.Feed(bytes.data(), bytes.size()), Error);
  }
  {
    CopyDecoder decoder({{"x", int4}}, types, 10, false);
    ByteBuffer bytes;
    CopyEncoder::WriteHeader(bytes);
    bytes.PutI16(1);
    bytes.PutI32(2);  // an int4 of 2 bytes
    bytes.PutI16(7);
    try {
      decoder.Feed(bytes.data(), bytes.size());
      FAIL();
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kDataError);
      EXPECT_NE(std::string(error.what()).find("column 'x'"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace sqlflow::connectors::pg

// The google_sheets source against the in-process Sheets mock (CONNECTORS.md §3.8, §4.3, §4.4, §6.1, §6.8):
// every credential type, A1 ranges, ragged rows, windows, the fault cases F1 F3 F6 F8 F11 F12, request-log
// assertions, cancellation, and secrets kept out of messages.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "rest_test_util.h"
#include "sheets_test_util.h"
#include "sqlflow/common/error.h"

namespace sqlflow::testing {
namespace {

using Clock = std::chrono::steady_clock;

class SheetsTest : public ::testing::Test {
 protected:
  RestHarness harness{"google_sheets"};

  // Fast retries and no client-side rate limit (the mock is local).
  Json Params(SheetsMock& mock, Json extra = Json::object()) {
    Json params = {{"spreadsheet_id", "book1"},
                   {"base_url", mock.Base()},
                   {"retry_delay", 0.05},
                   {"retry_max_delay", 0.2},
                   {"requests_per_second", 1000}};
    for (auto& [k, v] : extra.items()) params[k] = v;
    return params;
  }
  Json SaParams(SheetsMock& mock, Json extra = Json::object()) {
    Json params = Params(mock, std::move(extra));
    if (!params.contains("credentials_file")) params["credentials_file"] = mock.ServiceAccountFile();
    return params;
  }
  std::string Q(const std::string& sql) { return harness.Value(sql); }

  // The error a read throws.
  Error ReadError(const Json& params, const std::string& table = "people") {
    try {
      connectors::ReadRequest request;
      request.object = table;
      harness.Read(params, "t", request);
    } catch (const Error& error) {
      return error;
    }
    ADD_FAILURE() << "the read did not fail";
    return Error(ErrorKind::kInternal, "no error");
  }

  RestOutcome ReadSheet(const Json& params, const std::string& object = "people", int64_t batch = 10000) {
    connectors::ReadRequest request;
    request.object = object;
    request.batch_size = batch;
    return harness.Read(params, "t", request);
  }

  int Count(const std::vector<mockd::LoggedRequest>& log, const std::string& needle) {
    int n = 0;
    for (const auto& r : log) n += r.path.find(needle) != std::string::npos ? 1 : 0;
    return n;
  }
};

Json SaAuth() {
  return Json{{"type", "service_account"}};
}

// ---- reading ----

TEST_F(SheetsTest, ServiceAccountReadsRaggedRowsAsTheApiReturnsThem) {
  SheetsMock mock(FixtureBook(SaAuth()));
  auto out = ReadSheet(SaParams(mock));
  EXPECT_EQ(out.rows, 5);  // the empty middle row is dropped (skip_empty_rows)
  EXPECT_EQ(Q("SELECT count(*) FROM t"), "5");
  EXPECT_EQ(Q("SELECT string_agg(id::VARCHAR, ',' ORDER BY id) FROM t"), "1,2,4,5,6");
  // Short row: padded with NULL; "" is NULL (§6.8).
  EXPECT_EQ(Q("SELECT coalesce(score::VARCHAR, 'NULL') || '/' || coalesce(joined::VARCHAR, 'NULL') FROM t "
              "WHERE id = 2"),
            "NULL/NULL");
  EXPECT_EQ(Q("SELECT coalesce(name, 'NULL') FROM t WHERE id = 4"), "NULL");
  EXPECT_EQ(Q("SELECT name FROM t WHERE id = 5"), "Eve, \"the\" one");
  EXPECT_EQ(Q("SELECT name FROM t WHERE id = 6"), "Zoë 🎉");
  // Types per §3.8: numbers, booleans, strings, then temporal refinement.
  EXPECT_EQ(Q("SELECT typeof(id) || ',' || typeof(score) || ',' || typeof(active) || ',' || typeof(joined) "
              "FROM t LIMIT 1"),
            "BIGINT,DOUBLE,BOOLEAN,DATE");
  // A cell past the header width becomes a column named by its letter, with a warning.
  EXPECT_EQ(Q("SELECT F FROM t WHERE id = 5"), "extra");
  ASSERT_EQ(out.warnings.size(), 1u);
  EXPECT_NE(out.warnings[0].find("column 'F'"), std::string::npos) << out.warnings[0];

  // Request log: one token request with a JWT assertion, then metadata, header and one window, all with it.
  auto log = mock.Requests();
  ASSERT_EQ(log.size(), 4u);
  EXPECT_EQ(log[0].path, "/token");
  EXPECT_EQ(mock.api().tokens_issued(), 1);  // the mock verified the JWT (signature, aud, scope, iat/exp)
  EXPECT_EQ(log[1].path, "/v4/spreadsheets/book1");
  EXPECT_EQ(log[1].Param("fields"),
            "properties.title,sheets.properties(sheetId,title,index,gridProperties(rowCount,columnCount))");
  EXPECT_EQ(log[2].path, "/v4/spreadsheets/book1/values/'people'!1:1");
  EXPECT_EQ(log[3].path, "/v4/spreadsheets/book1/values/'people'!2:1000");
  EXPECT_EQ(log[3].Param("valueRenderOption"), "UNFORMATTED_VALUE");
  EXPECT_EQ(log[3].Param("dateTimeRenderOption"), "FORMATTED_STRING");
  EXPECT_EQ(log[3].Param("majorDimension"), "ROWS");
  for (size_t i = 1; i < log.size(); ++i)
    EXPECT_EQ(log[i].Header("authorization").rfind("Bearer ya29.mock-", 0), 0u);
  EXPECT_TRUE(log[0].Header("authorization").empty());  // the token endpoint never sees a token
  EXPECT_EQ(out.stats.requests, 4);
}

TEST_F(SheetsTest, HeaderAppliesToEveryWindowAndWindowsAreBoundedByTheGrid) {
  SheetsMock mock(FixtureBook(SaAuth()));
  auto out = ReadSheet(SaParams(mock, {{"skip_empty_rows", false}}), "people", 2);
  // 999 data rows in the grid (rowCount 1000) in windows of 2; only 6 hold values, the empty middle row kept.
  EXPECT_EQ(Q("SELECT count(*) FROM t"), "6");
  EXPECT_EQ(Q("SELECT count(*) FROM t WHERE id IS NULL"), "1");
  EXPECT_EQ(Q("SELECT name FROM t WHERE id = 6"), "Zoë 🎉");  // row 7, in the 3rd window
  auto windows = mock.Requests();
  EXPECT_EQ(Count(windows, "/values/'people'!2:3"), 1);
  EXPECT_EQ(Count(windows, "/values/'people'!6:7"), 1);
  EXPECT_EQ(Count(windows, "/values/'people'!1000:1000"), 1);  // the last window stops at rowCount
  EXPECT_EQ(Count(windows, "/values/"), 1 + 500);              // header + ceil(999 / 2) windows
  EXPECT_EQ(out.stats.requests, 1 + 1 + 1 + 500);              // token, metadata, header, windows
}

TEST_F(SheetsTest, GridRowCountBoundsTheRead) {
  SheetsMock mock(FixtureBook(SaAuth()));
  ReadSheet(SaParams(mock, {{"sheet", "cities"}}), "ignored");
  EXPECT_EQ(Q("SELECT string_agg(city, ',' ORDER BY city) FROM t"), "Lyon,Paris,Rome");
  EXPECT_EQ(Count(mock.Requests(), "/values/'cities'!2:4"), 1);
}

TEST_F(SheetsTest, SheetNamesWithSpacesAndQuotes) {
  SheetsMock mock(FixtureBook(SaAuth()));
  ReadSheet(SaParams(mock, {{"sheet_name", "It's a sheet"}}));
  EXPECT_EQ(Q("SELECT string_agg(code || '=' || label, ',' ORDER BY code) FROM t"), "a=Alpha,b=Beta");
  auto log = mock.Requests();
  EXPECT_EQ(Count(log, "/values/'It''s a sheet'!1:1"), 1);
}

TEST_F(SheetsTest, A1RangesInEveryForm) {
  SheetsMock mock(FixtureBook(SaAuth()));
  const std::string sa = mock.ServiceAccountFile();
  // Columns A:B with a header: only two columns requested.
  ReadSheet(SaParams(mock, {{"credentials_file", sa}, {"range", "A1:B"}}));
  EXPECT_EQ(Q("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns "
              "WHERE table_name = 't'"),
            "id,name");
  EXPECT_EQ(Count(mock.Requests(), "/values/'people'!A2:B1000"), 1);
  // Sheet-qualified with a bounded row range.
  ReadSheet(SaParams(mock, {{"credentials_file", sa}, {"range", "'It''s a sheet'!A1:B2"}}), "ignored");
  EXPECT_EQ(Q("SELECT string_agg(code, ',') FROM t"), "a");
  // Whole rows without a header: columns named by letter.
  ReadSheet(SaParams(mock, {{"credentials_file", sa}, {"range", "people!2:3"}, {"has_header", false}}), "x");
  EXPECT_EQ(Q("SELECT string_agg(A::VARCHAR || ':' || B, ',' ORDER BY A) FROM t"), "1:Ann,2:Bob");
  // sheet + a range without a sheet part (§6.8).
  ReadSheet(SaParams(
      mock, {{"credentials_file", sa}, {"sheet", "cities"}, {"range", "A2:B3"}, {"has_header", false}}));
  EXPECT_EQ(Q("SELECT string_agg(A || '-' || B, ',' ORDER BY A) FROM t"), "Lyon-FR,Paris-FR");
  // Columns B:C: names from the header of those columns; letters for columns past it start at B.
  ReadSheet(SaParams(mock, {{"credentials_file", sa}, {"range", "B1:C4"}, {"has_header", false}}));
  EXPECT_EQ(Q("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns "
              "WHERE table_name = 't'"),
            "B,C");
}

TEST_F(SheetsTest, RenderOptionsAndDeclaredTypes) {
  SheetsMock mock(FixtureBook(SaAuth()));
  const std::string sa = mock.ServiceAccountFile();
  ReadSheet(SaParams(mock, {{"credentials_file", sa}, {"value_render", "formatted"}}));
  EXPECT_EQ(Q("SELECT score FROM t WHERE id = '5'"), "1,234.5");
  EXPECT_EQ(Q("SELECT typeof(score) FROM t LIMIT 1"), "VARCHAR");
  EXPECT_EQ(mock.Requests().back().Param("valueRenderOption"), "FORMATTED_VALUE");
  EXPECT_FALSE(mock.Requests().back().params.count("dateTimeRenderOption"));
  ReadSheet(SaParams(
      mock, {{"credentials_file", sa}, {"column_types", {{"score", "DECIMAL(10,2)"}, {"id", "INTEGER"}}}}));
  EXPECT_EQ(Q("SELECT typeof(score) || ',' || typeof(id) FROM t LIMIT 1"), "DECIMAL(10,2),INTEGER");
  EXPECT_EQ(Q("SELECT score FROM t WHERE id = 5"), "1234.50");
}

TEST_F(SheetsTest, ProjectionAndLimit) {
  SheetsMock mock(FixtureBook(SaAuth()));
  connectors::ReadRequest request;
  request.object = "people";
  request.columns = {"name", "id"};
  harness.Read(SaParams(mock), "t", request);
  EXPECT_EQ(Q("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns "
              "WHERE table_name = 't'"),
            "name,id");
}

// ---- credentials ----

TEST_F(SheetsTest, ApiKeyIsAQueryParameterAndNeverPrinted) {
  SheetsMock mock(FixtureBook({{"type", "api_key"}, {"api_key", "AIzaSyKEY-123/+="}}));
  ReadSheet(Params(mock, {{"api_key", "AIzaSyKEY-123/+="}}));
  EXPECT_EQ(Q("SELECT count(*) FROM t"), "5");
  for (const auto& r : mock.Requests()) {
    EXPECT_EQ(r.Param("key"), "AIzaSyKEY-123/+=");
    EXPECT_NE(r.query.find("key=AIzaSyKEY-123%2F%2B%3D"), std::string::npos) << r.query;
    EXPECT_TRUE(r.Header("authorization").empty());
  }
  // A wrong key: AuthFailed, one request, the key never in the message.
  mock.server().log().Clear();
  Error error = ReadError(Params(mock, {{"api_key", "AIzaWRONG-secret"}}));
  EXPECT_EQ(error.kind(), ErrorKind::kAuthFailed);
  EXPECT_NE(std::string(error.what()).find("API key not valid"), std::string::npos) << error.what();
  EXPECT_EQ(std::string(error.what()).find("AIzaWRONG"), std::string::npos) << error.what();
  EXPECT_EQ(mock.Requests().size(), 1u);
}

TEST_F(SheetsTest, AccessTokenIsSentAsBearer) {
  SheetsMock mock(FixtureBook({{"type", "access_token"}, {"access_token", "ya29.ready-token"}}));
  ReadSheet(Params(mock, {{"access_token", "ya29.ready-token"}}));
  EXPECT_EQ(Q("SELECT count(*) FROM t"), "5");
  for (const auto& r : mock.Requests()) EXPECT_EQ(r.Header("authorization"), "Bearer ya29.ready-token");
  // No refresh for a ready token: a 401 is AuthFailed at once.
  mock.server().log().Clear();
  Error error = ReadError(Params(mock, {{"access_token", "ya29.stale-token"}}));
  EXPECT_EQ(error.kind(), ErrorKind::kAuthFailed);
  EXPECT_EQ(std::string(error.what()).find("ya29.stale"), std::string::npos);
  EXPECT_EQ(mock.Requests().size(), 1u);
}

TEST_F(SheetsTest, AuthorizedUserRefreshToken) {
  SheetsMock mock(FixtureBook({{"type", "authorized_user"},
                               {"client_id", "cid.apps.googleusercontent.com"},
                               {"client_secret", "csecret-xyz"},
                               {"refresh_token", "1//refresh-abc"}}));
  Json user = {{"type", "authorized_user"},
               {"client_id", "cid.apps.googleusercontent.com"},
               {"client_secret", "csecret-xyz"},
               {"refresh_token", "1//refresh-abc"}};
  ReadSheet(Params(mock, {{"credentials_json", user}, {"token_url", mock.Base() + "/token"}}));
  EXPECT_EQ(Q("SELECT count(*) FROM t"), "5");
  auto log = mock.Requests("/token");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(mock.api().tokens_issued(), 1);  // the mock checked client_id, client_secret and refresh_token
  // Revoked refresh token: AuthFailed with the endpoint's description, secrets masked.
  user["refresh_token"] = "1//revoked-def";
  Error error = ReadError(Params(mock, {{"credentials_json", user}, {"token_url", mock.Base() + "/token"}}));
  EXPECT_EQ(error.kind(), ErrorKind::kAuthFailed);
  EXPECT_NE(std::string(error.what()).find("invalid_grant"), std::string::npos) << error.what();
  EXPECT_EQ(std::string(error.what()).find("1//revoked"), std::string::npos);
  EXPECT_EQ(std::string(error.what()).find("csecret"), std::string::npos);
}

TEST_F(SheetsTest, InlineCredentialsAndEnvironmentVariable) {
  SheetsMock mock(FixtureBook(SaAuth()));
  std::ifstream in(mock.ServiceAccountFile());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ReadSheet(Params(mock, {{"credentials", text}}));
  EXPECT_EQ(Q("SELECT count(*) FROM t"), "5");
  setenv("GOOGLE_APPLICATION_CREDENTIALS", mock.ServiceAccountFile().c_str(), 1);
  ReadSheet(Params(mock));
  unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
  EXPECT_EQ(Q("SELECT count(*) FROM t"), "5");
  Error none = ReadError(Params(mock));
  EXPECT_EQ(none.kind(), ErrorKind::kAuthFailed);
  EXPECT_NE(
      std::string(none.what())
          .find("Google credentials not found (set credentials_file, or GOOGLE_APPLICATION_CREDENTIALS)"),
      std::string::npos)
      << none.what();
}

TEST_F(SheetsTest, BadCredentialsFilesAreNamedWithoutTheirSecrets) {
  SheetsMock mock(FixtureBook(SaAuth()));
  const std::string dir = Keys().dir;
  std::ofstream(dir + "/wrong-type.json") << R"({"type": "external_account"})";
  Error wrong = ReadError(Params(mock, {{"credentials_file", dir + "/wrong-type.json"}}));
  EXPECT_NE(
      std::string(wrong.what())
          .find(
              "credentials file '" + dir +
              "/wrong-type.json' is not a service_account or authorized_user JSON (type 'external_account')"),
      std::string::npos)
      << wrong.what();
  std::ofstream(dir + "/no-email.json") << R"({"type": "service_account", "private_key": "x"})";
  Error missing = ReadError(Params(mock, {{"credentials_file", dir + "/no-email.json"}}));
  EXPECT_NE(std::string(missing.what()).find("missing field 'client_email'"), std::string::npos)
      << missing.what();
  std::ofstream(dir + "/bad-key.json")
      << R"({"type": "service_account", "client_email": "a@b", "private_key": "-----BEGIN PRIVATE KEY-----\nNOTAKEYsecretbits\n-----END PRIVATE KEY-----\n"})";
  Error bad = ReadError(
      Params(mock, {{"credentials_file", dir + "/bad-key.json"}, {"token_url", mock.Base() + "/token"}}));
  EXPECT_EQ(bad.kind(), ErrorKind::kAuthFailed);
  EXPECT_NE(std::string(bad.what()).find("cannot parse private_key in '" + dir + "/bad-key.json'"),
            std::string::npos)
      << bad.what();
  EXPECT_EQ(std::string(bad.what()).find("NOTAKEY"), std::string::npos);
}

TEST_F(SheetsTest, JwtSignedWithAnotherKeyIsRejectedByTheTokenEndpoint) {
  SheetsMock mock(FixtureBook(SaAuth()));
  Error error =
      ReadError(Params(mock, {{"credentials_file", mock.ServiceAccountFile(Keys().other_private_pem_file)}}));
  EXPECT_EQ(error.kind(), ErrorKind::kAuthFailed);
  EXPECT_NE(std::string(error.what()).find("Invalid JWT Signature"), std::string::npos) << error.what();
  EXPECT_NE(error.hint().find("clock"), std::string::npos) << error.hint();
  EXPECT_EQ(mock.Requests("/token").size(), 1u);  // a token-endpoint 4xx is not retried
  EXPECT_EQ(mock.Requests("/v4/spreadsheets/book1").size(), 0u);
  EXPECT_EQ(std::string(error.what()).find("PRIVATE KEY"), std::string::npos);
}

TEST_F(SheetsTest, TokensAreCachedAcrossReads) {
  SheetsMock mock(FixtureBook(SaAuth()));
  const std::string sa = mock.ServiceAccountFile();
  ReadSheet(SaParams(mock, {{"credentials_file", sa}}));
  ReadSheet(SaParams(mock, {{"credentials_file", sa}}));
  EXPECT_EQ(mock.api().tokens_issued(), 1);
}

// ---- faults (§4.3) ----

TEST_F(SheetsTest, F1_ThreeServiceUnavailableThenOkOnWindowThree) {
  SheetsMock mock(FixtureBook(SaAuth()));
  mock.Fault({{"path", "/v4/spreadsheets/book1/values/'people'!6:7"}, {"status", 503}, {"times", 3}});
  auto out = ReadSheet(SaParams(mock, {{"skip_empty_rows", false}}), "people", 2);
  EXPECT_EQ(Q("SELECT count(*) FROM t"), "6");
  EXPECT_EQ(Q("SELECT count(DISTINCT id) FROM t"), "5");
  auto log = mock.Requests();
  EXPECT_EQ(Count(log, "/values/'people'!6:7"), 4);
  EXPECT_EQ(Count(log, "/values/'people'!2:3"), 1);
  EXPECT_EQ(Count(log, "/values/'people'!4:5"), 1);
  EXPECT_EQ(Count(log, "/values/'people'!8:9"), 1);
  EXPECT_EQ(out.stats.retries, 3);
}

TEST_F(SheetsTest, F2_ServiceUnavailableOnEveryAttemptFails) {
  SheetsMock mock(FixtureBook(SaAuth()));
  mock.Fault({{"path", "/v4/spreadsheets/book1/values/'people'!2:1000"},
              {"status", 503},
              {"times", -1},
              {"body", "backend unavailable"}});
  Error error = ReadError(SaParams(mock, {{"max_retries", 2}}));
  EXPECT_EQ(error.kind(), ErrorKind::kTransient);
  EXPECT_NE(std::string(error.what()).find("HTTP 503"), std::string::npos) << error.what();
  EXPECT_NE(std::string(error.what()).find("backend unavailable"), std::string::npos);
  EXPECT_EQ(Count(mock.Requests(), "/values/'people'!2:1000"), 3);
}

TEST_F(SheetsTest, F3_RetryAfterIsHonoured) {
  SheetsMock mock(FixtureBook(SaAuth()));
  mock.Fault({{"path", "/v4/spreadsheets/book1/values/'people'!2:1000"},
              {"status", 429},
              {"headers", {{"Retry-After", "2"}}}});
  const auto start = Clock::now();
  ReadSheet(SaParams(mock, {{"max_retries", 0}}));  // 429 uses the throttle budget, not the error budget
  EXPECT_EQ(Q("SELECT count(*) FROM t"), "5");
  auto windows = mock.Requests("/v4/spreadsheets/book1/values/'people'!2:1000");
  ASSERT_EQ(windows.size(), 2u);
  EXPECT_GE(windows[1].t - windows[0].t, 2.0);
  EXPECT_GE(std::chrono::duration<double>(Clock::now() - start).count(), 2.0);
}

TEST_F(SheetsTest, F3_RetryAfterDecimal) {
  SheetsMock mock(FixtureBook(SaAuth()));
  mock.Fault({{"path", "/v4/spreadsheets/book1"}, {"status", 429}, {"headers", {{"Retry-After", "1.0"}}}});
  ReadSheet(SaParams(mock));
  auto meta = mock.Requests("/v4/spreadsheets/book1");
  ASSERT_EQ(meta.size(), 2u);
  EXPECT_GE(meta[1].t - meta[0].t, 1.0);
  EXPECT_EQ(Q("SELECT count(*) FROM t"), "5");
}

TEST_F(SheetsTest, F6_TruncatedAndInvalidBodiesAreRetried) {
  SheetsMock mock(FixtureBook(SaAuth()));
  mock.Fault({{"path", "/v4/spreadsheets/book1/values/'people'!2:3"},
              {"kind", "truncate"},
              {"body", "{\"values\": [[1, \"A"}});
  mock.Fault({{"path", "/v4/spreadsheets/book1/values/'people'!4:5"}, {"kind", "invalid_json"}});
  ReadSheet(SaParams(mock), "people", 2);
  EXPECT_EQ(Q("SELECT count(*) FROM t"), "5");
  EXPECT_EQ(Q("SELECT count(DISTINCT id) FROM t"), "5");
  EXPECT_EQ(Count(mock.Requests(), "/values/'people'!2:3"), 2);
  EXPECT_EQ(Count(mock.Requests(), "/values/'people'!4:5"), 2);
}

TEST_F(SheetsTest, F8_SlowHeadersTimeOutAndAreRetried) {
  SheetsMock mock(FixtureBook(SaAuth()));
  mock.Fault(
      {{"path", "/v4/spreadsheets/book1/values/'people'!2:1000"}, {"kind", "delay"}, {"delay_ms", 2500}});
  const auto start = Clock::now();
  ReadSheet(SaParams(mock, {{"timeout_seconds", 1}}));
  EXPECT_EQ(Q("SELECT count(*) FROM t"), "5");
  EXPECT_EQ(Count(mock.Requests(), "/values/'people'!2:1000"), 2);
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 2.4);
}

// Cancellation: a window stalled on the producer thread stops within a second of the run's token being
// cancelled.
TEST_F(SheetsTest, CancelStopsAStalledWindowPromptly) {
  SheetsMock mock(FixtureBook(SaAuth()));
  mock.Fault({{"path", "/v4/spreadsheets/book1/values/'people'!2:1000"},
              {"times", -1},
              {"kind", "delay"},
              {"delay_ms", 20000}});
  CancelToken cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel.Cancel();
  });
  const auto start = Clock::now();
  try {
    connectors::ReadRequest request;
    request.object = "people";
    harness.Read(SaParams(mock, {{"timeout_seconds", 60}}), "t", request, &cancel);
    ADD_FAILURE() << "not cancelled";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kCancelled) << error.what();
  }
  canceller.join();
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 1.5);
}

// The executor drops a stream early (an append failed) while the producer waits for the next window: the
// request in flight is aborted and the stream goes away at once.
TEST_F(SheetsTest, DroppingTheStreamAbortsTheWindowInFlight) {
  SheetsMock mock(FixtureBook(SaAuth()));
  mock.Fault({{"path", "/v4/spreadsheets/book1/values/'people'!4:5"},
              {"times", -1},
              {"kind", "delay"},
              {"delay_ms", 20000}});
  auto source = harness.Configured(SaParams(mock, {{"timeout_seconds", 60}}));
  connectors::ReadRequest request;
  request.object = "people";
  request.batch_size = 2;
  connectors::ReadContext context;
  context.source_name = "api";
  context.connection = &harness.conn();
  auto stream = source->Read(request, context);
  while (stream->Next().kind != connectors::ReadEvent::Kind::kBatch) {
  }
  // The producer is already waiting for the next window (the mock logs a request when it arrives).
  for (int i = 0; i < 500 && Count(mock.Requests(), "/values/'people'!4:5") == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(Count(mock.Requests(), "/values/'people'!4:5"), 1);
  const auto start = Clock::now();
  stream.reset();
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 1.5);
}

TEST_F(SheetsTest, F11_OneRefreshAfterA401ThenAuthFailed) {
  SheetsMock mock(FixtureBook(SaAuth()));
  const std::string sa = mock.ServiceAccountFile();
  // The server rejects the token once (as after an early expiry): one refresh, the window repeated.
  mock.Fault({{"path", "/v4/spreadsheets/book1/values/'people'!A6:E7"},
              {"status", 401},
              {"times", 1},
              {"body", R"({"error": {"code": 401, "status": "UNAUTHENTICATED"}})"}});
  ReadSheet(SaParams(mock, {{"credentials_file", sa}, {"range", "A1:E9"}}), "people", 2);
  EXPECT_EQ(Q("SELECT count(*) FROM t"), "5");
  EXPECT_EQ(mock.api().tokens_issued(), 2);  // exactly one refresh
  EXPECT_EQ(Count(mock.Requests(), "/values/'people'!A6:E7"), 2);
  // A second 401 after the refresh: AuthFailed, no further attempts.
  mock.server().log().Clear();
  mock.Fault({{"path", "/v4/spreadsheets/book1/values/'people'!2:1000"}, {"status", 401}, {"times", 2}});
  Error error = ReadError(SaParams(mock, {{"credentials_file", sa}}));
  EXPECT_EQ(error.kind(), ErrorKind::kAuthFailed);
  EXPECT_EQ(Count(mock.Requests(), "/values/'people'!2:1000"), 2);
  EXPECT_EQ(std::string(error.what()).find("ya29."), std::string::npos) << error.what();
}

TEST_F(SheetsTest, F11_ShortLivedTokensAreRefreshedBeforeTheyExpire) {
  SheetsMock mock(FixtureBook({{"type", "service_account"}, {"expires_in", 2}}));
  // Each window waits 0.6 s: a 3 s read outlives the 2 s token; the client renews it (no 401 at all).
  mock.Fault(
      {{"path", "/v4/spreadsheets/book1/values/*"}, {"kind", "delay"}, {"delay_ms", 600}, {"times", -1}});
  ReadSheet(SaParams(mock, {{"range", "A1:E7"}}), "people", 2);
  EXPECT_EQ(Q("SELECT count(*) FROM t"), "5");
  EXPECT_GE(mock.api().tokens_issued(), 2);
  EXPECT_EQ(Count(mock.Requests(), "/values/"), 4);  // header + 3 windows, none repeated after a 401
}

TEST_F(SheetsTest, F12_ClassifiedErrorsAreNotRetried) {
  {
    Json book = FixtureBook(SaAuth());
    book["shared_with"] = Json::array({"someone-else@x.iam.gserviceaccount.com"});
    SheetsMock mock(book);
    Error error = ReadError(SaParams(mock));
    EXPECT_EQ(error.kind(), ErrorKind::kPermissionDenied);
    EXPECT_NE(std::string(error.what())
                  .find(std::string("access denied to spreadsheet 'book1'; share it with ") + kClientEmail),
              std::string::npos)
        << error.what();
    EXPECT_EQ(mock.Requests("/v4/spreadsheets/book1").size(), 1u);
  }
  {
    SheetsMock mock(FixtureBook(SaAuth()));
    Error error = ReadError(
        SaParams(mock, {{"spreadsheet_id", "https://docs.google.com/spreadsheets/d/nope42/edit#gid=0"}}));
    EXPECT_EQ(error.kind(), ErrorKind::kNotFound);
    EXPECT_NE(std::string(error.what()).find("spreadsheet 'nope42' not found"), std::string::npos)
        << error.what();
    EXPECT_EQ(mock.Requests("/v4/spreadsheets/nope42").size(), 1u);
  }
  {
    Json book = FixtureBook(SaAuth());
    book["api_disabled"] = true;
    SheetsMock mock(book);
    Error error = ReadError(SaParams(mock));
    EXPECT_EQ(error.kind(), ErrorKind::kPermissionDenied);
    EXPECT_NE(std::string(error.what()).find("Google Sheets API is not enabled"), std::string::npos)
        << error.what();
    EXPECT_NE(error.hint().find("enable"), std::string::npos);
  }
  {
    SheetsMock mock(FixtureBook(SaAuth()));
    mock.Fault({{"path", "/v4/spreadsheets/book1/values/*"},
                {"status", 400},
                {"times", -1},
                {"body", "bad request"}});
    Error error = ReadError(SaParams(mock));
    EXPECT_EQ(error.kind(), ErrorKind::kInvalidConfig);
    EXPECT_EQ(Count(mock.Requests(), "/values/"), 1);
  }
}

TEST_F(SheetsTest, UnknownSheetListsTheAvailableOnes) {
  SheetsMock mock(FixtureBook(SaAuth()));
  Error error = ReadError(SaParams(mock), "peeple");
  EXPECT_EQ(error.kind(), ErrorKind::kNotFound);
  EXPECT_NE(
      std::string(error.what())
          .find(
              "sheet 'peeple' not found in spreadsheet 'Team Book'; available: people, It's a sheet, cities"),
      std::string::npos)
      << error.what();
  EXPECT_EQ(Count(mock.Requests(), "/values/"), 0);
}

TEST_F(SheetsTest, EmptyHeaderRowIsADataError) {
  Json book = FixtureBook(SaAuth());
  book["sheets"].push_back(
      {{"title", "blank"}, {"row_count", 10}, {"rows", Json::array({Json::array(), Json::array({1, 2})})}});
  SheetsMock mock(book);
  Error error = ReadError(SaParams(mock), "blank");
  EXPECT_EQ(error.kind(), ErrorKind::kDataError);
  EXPECT_NE(std::string(error.what()).find("header row 1 of sheet 'blank' is empty"), std::string::npos)
      << error.what();
}

// ---- connect test, discover, schema ----

TEST_F(SheetsTest, TestConnectionDiscoverAndSchema) {
  SheetsMock mock(FixtureBook(SaAuth()));
  auto source = harness.Configured(SaParams(mock, {{"sheet_name", "people"}}));
  auto result = source->TestConnection(harness.conn());
  EXPECT_TRUE(result.ok) << result.message;
  EXPECT_EQ(result.message, "spreadsheet 'Team Book': sheet 'people' has 1000 rows × 26 columns");
  auto objects = source->Discover(harness.conn());
  ASSERT_EQ(objects.size(), 3u);
  EXPECT_EQ(objects[1].name, "It's a sheet");
  EXPECT_EQ(objects[1].kind, "sheet");
  EXPECT_EQ(objects[2].row_estimate.value_or(-1), 4);
  auto schema = source->GetSchema("people", harness.conn());
  ASSERT_GE(schema.size(), 5u);
  EXPECT_EQ(schema[0].name, "id");
  EXPECT_EQ(schema[0].type, "BIGINT");
  EXPECT_EQ(schema[4].type, "DATE");

  auto missing = harness.Configured(SaParams(mock, {{"sheet_name", "nope"}}))->TestConnection(harness.conn());
  EXPECT_FALSE(missing.ok);
  EXPECT_EQ(missing.kind, ErrorKind::kNotFound);
  Json book = FixtureBook(SaAuth());
  book["shared_with"] = Json::array({"x@y"});
  SheetsMock unshared(book);
  auto denied = harness.Configured(SaParams(unshared))->TestConnection(harness.conn());
  EXPECT_FALSE(denied.ok);
  EXPECT_NE(denied.message.find("share it with"), std::string::npos) << denied.message;
}

// ---- compile-time rules ----

TEST_F(SheetsTest, CompileTimeRules) {
  auto issues = [&](Json params) {
    std::string all;
    for (const auto& i : harness.Issues(params)) all += i + "\n";
    return all;
  };
  EXPECT_NE(issues({{"spreadsheet_id", "has spaces"}}).find("cannot find a spreadsheet id in 'has spaces'"),
            std::string::npos);
  EXPECT_NE(issues({{"spreadsheet_id", "x"}, {"range", "A1:1B"}}).find("invalid A1 range 'A1:1B'"),
            std::string::npos);
  EXPECT_NE(issues({{"spreadsheet_id", "x"}, {"range", "'a'!A1:B"}, {"sheet_name", "b"}})
                .find("range names sheet 'a' but sheet_name is 'b'"),
            std::string::npos);
  EXPECT_NE(issues({{"spreadsheet_id", "x"}, {"base_url", "http://sheets.example.com"}}).find("plain http"),
            std::string::npos);
  EXPECT_NE(issues({{"spreadsheet_id", "x"}, {"api_key", "k"}, {"access_token", "t"}}).find("api_key"),
            std::string::npos);
  EXPECT_EQ(issues({{"spreadsheet_id", "https://docs.google.com/spreadsheets/d/abc_D-9/edit"},
                    {"range", "'It''s'!A1:E"},
                    {"sheet", "It's"}}),
            "");
  EXPECT_EQ(issues({{"spreadsheet_id", "x"}, {"base_url", "http://127.0.0.1:9"}}), "");
}

}  // namespace
}  // namespace sqlflow::testing

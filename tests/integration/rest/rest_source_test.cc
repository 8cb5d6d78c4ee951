// The rest source against the in-process sqlflow-mockd (CONNECTORS.md §3.7, §4.3, §4.4): every pagination
// type to exhaustion, every auth type (the mock checks the credentials), records to columns, and the fault
// cases F1-F9, F11-F14, with request-log assertions on counts, parameters and spacing.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "rest_test_util.h"
#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"

namespace sqlflow::testing {
namespace {

constexpr int64_t kRecords = 250;

// Order-independent checksum of the loaded ids and names, compared with the same over the mock's records.
std::string Checksum(RestHarness& h, const std::string& table = "t") {
  return h.Value(
      "SELECT count(*) || '/' || count(DISTINCT id) || '/' || sum(id) || '/' || "
      "sum(hash(name)) % 1000000007 FROM " +
      table);
}

std::string Expected(RestHarness& h, RestMock& mock, int64_t from = 1, int64_t to = kRecords) {
  h.conn().Execute("CREATE OR REPLACE TEMP TABLE expected (id BIGINT, name VARCHAR)");
  std::string values;
  for (int64_t id = from; id <= to; ++id) {
    auto record = nlohmann::json::parse(mock.api().Record(id));
    h.conn().Execute("INSERT INTO expected VALUES (" + std::to_string(id) + ", " +
                     QuoteLiteral(record["name"].get<std::string>()) + ")");
  }
  return Checksum(h, "expected");
}

int CountPath(RestMock& mock, const std::string& path) {
  return static_cast<int>(mock.Requests(path).size());
}

Error ReadError(RestHarness& h, const Json& params) {
  try {
    h.Read(params);
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "the read did not fail";
  return Error(ErrorKind::kOk, "");
}

class RestSource : public ::testing::Test {
 protected:
  RestHarness h_;
};

// ---- pagination to exhaustion ----

TEST_F(RestSource, NoPaginationReadsTheRootArray) {
  RestMock mock(Json{{"records", kRecords}});
  auto out = h_.Read({{"url", mock.Url("/api/all")}});
  EXPECT_EQ(out.rows, kRecords);
  EXPECT_EQ(Checksum(h_), Expected(h_, mock));
  EXPECT_EQ(CountPath(mock, "/api/all"), 1);
}

TEST_F(RestSource, PageNumberWithSizeParamStopsOnAShortPage) {
  RestMock mock(Json{{"records", kRecords}});
  auto out =
      h_.Read({{"url", mock.server().BaseUrl()},
               {"path", "api/pages"},
               {"data_path", "data"},
               {"pagination", {{"type", "page_number"}, {"size_param", "per_page"}, {"page_size", 100}}}});
  EXPECT_EQ(out.rows, kRecords);
  EXPECT_EQ(Checksum(h_), Expected(h_, mock));
  auto requests = mock.Requests("/api/pages");
  ASSERT_EQ(requests.size(), 3u);  // 100, 100, 50 (short page: no 4th request)
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(requests[i].Param("page"), std::to_string(i + 1));
    EXPECT_EQ(requests[i].Param("per_page"), "100");
  }
}

TEST_F(RestSource, PageNumberStopsOnAnEmptyPageOrTotalPages) {
  RestMock mock(Json{{"records", 200}, {"page_size", 50}});
  auto out = h_.Read(
      {{"url", mock.Url("/api/pages")}, {"data_path", "data"}, {"pagination", {{"page_param", "page"}}}});
  EXPECT_EQ(out.rows, 200);
  EXPECT_EQ(CountPath(mock, "/api/pages"), 5);  // 4 full pages, then the empty 5th
  mock.server().log().Clear();
  out = h_.Read({{"url", mock.Url("/api/pages")},
                 {"data_path", "data"},
                 {"pagination", {{"type", "page_number"}, {"total_pages_path", "meta.total_pages"}}}});
  EXPECT_EQ(out.rows, 200);
  EXPECT_EQ(CountPath(mock, "/api/pages"), 4);
}

TEST_F(RestSource, OffsetPagination) {
  RestMock mock(Json{{"records", kRecords}});
  auto out = h_.Read({{"url", mock.Url("/api/offset")},
                      {"data_path", "data"},
                      {"pagination", {{"type", "offset"}, {"limit", 60}, {"total_path", "total"}}}});
  EXPECT_EQ(out.rows, kRecords);
  EXPECT_EQ(Checksum(h_), Expected(h_, mock));
  auto requests = mock.Requests("/api/offset");
  ASSERT_EQ(requests.size(), 5u);  // 0, 60, 120, 180, 240
  EXPECT_EQ(requests[4].Param("offset"), "240");
  EXPECT_EQ(requests[4].Param("limit"), "60");
}

TEST_F(RestSource, CursorPaginationEncodesTheCursor) {
  RestMock mock(Json{{"records", kRecords}});
  auto out = h_.Read({{"url", mock.Url("/api/cursor")},
                      {"data_path", "data"},
                      {"pagination",
                       {{"type", "cursor"},
                        {"cursor_param", "cursor"},
                        {"cursor_path", "next_cursor"},
                        {"size_param", "limit"},
                        {"page_size", 100}}}});
  EXPECT_EQ(out.rows, kRecords);
  EXPECT_EQ(Checksum(h_), Expected(h_, mock));
  auto requests = mock.Requests("/api/cursor");
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].Param("cursor"), "");
  EXPECT_EQ(requests[1].query, "limit=100&cursor=c%2F100%2Bk%3D%3D");  // RFC 3986 (§6.3)
}

TEST_F(RestSource, LinkHeaderPagination) {
  RestMock mock(Json{{"records", kRecords}});
  auto out = h_.Read({{"url", mock.Url("/api/link?per_page=40")}, {"pagination", {{"type", "link_header"}}}});
  EXPECT_EQ(out.rows, kRecords);
  EXPECT_EQ(Checksum(h_), Expected(h_, mock));
  EXPECT_EQ(CountPath(mock, "/api/link"), 7);
}

TEST_F(RestSource, NextUrlPaginationResolvesRelativeUrls) {
  RestMock mock(Json{{"records", kRecords}});
  auto out = h_.Read({{"url", mock.Url("/api/next?per_page=100")},
                      {"data_path", "items"},
                      {"pagination", {{"type", "next_url"}, {"next_url_path", "links.next"}}}});
  EXPECT_EQ(out.rows, kRecords);
  EXPECT_EQ(Checksum(h_), Expected(h_, mock));
  EXPECT_EQ(CountPath(mock, "/api/next"), 3);
}

TEST_F(RestSource, StopOnStatusEndsTheRead) {
  RestMock mock(Json{{"records", 120}, {"page_size", 50}});
  auto out = h_.Read({{"url", mock.Url("/api/pages_strict")},
                      {"data_path", "data"},
                      {"pagination", {{"type", "page_number"}, {"stop_on_status", {404}}}}});
  EXPECT_EQ(out.rows, 120);
  EXPECT_EQ(CountPath(mock, "/api/pages_strict"), 4);  // 50, 50, 20, then 404
}

TEST_F(RestSource, NdjsonPages) {
  RestMock mock(Json{{"records", kRecords}});
  auto out =
      h_.Read({{"url", mock.Url("/api/ndjson")},
               {"response_format", "ndjson"},
               {"pagination", {{"type", "page_number"}, {"size_param", "per_page"}, {"page_size", 100}}}});
  EXPECT_EQ(out.rows, kRecords);
  EXPECT_EQ(Checksum(h_), Expected(h_, mock));
}

TEST_F(RestSource, MaxPagesStopsWithAWarning) {
  RestMock mock(Json{{"records", kRecords}});
  auto out =
      h_.Read({{"url", mock.Url("/api/pages")},
               {"data_path", "data"},
               {"max_pages", 2},
               {"pagination", {{"type", "page_number"}, {"size_param", "per_page"}, {"page_size", 50}}}});
  EXPECT_EQ(out.rows, 100);
  EXPECT_EQ(CountPath(mock, "/api/pages"), 2);
  ASSERT_EQ(out.warnings.size(), 1u);
  EXPECT_NE(out.warnings[0].find("max_pages (2) after 2 pages"), std::string::npos) << out.warnings[0];
}

// ---- records to columns ----

TEST_F(RestSource, RecordsBecomeTypedColumns) {
  RestMock mock(Json{{"records", 30}});
  auto out = h_.Read({{"url", mock.Url("/api/all")}});
  std::string types;
  for (const auto& f : out.schemas.back()) types += f.name + ":" + f.type + " ";
  EXPECT_EQ(types,
            "id:BIGINT name:VARCHAR score:DOUBLE active:BOOLEAN created_on:VARCHAR updated_at:VARCHAR "
            "address.city:VARCHAR address.zip:VARCHAR tags:JSON note:VARCHAR big:BIGINT ");
  EXPECT_EQ(out.refine["created_on"], "DATE");
  EXPECT_EQ(out.refine["updated_at"], "TIMESTAMPTZ");
  EXPECT_EQ(h_.Value("SELECT typeof(updated_at) FROM t LIMIT 1"), "TIMESTAMP WITH TIME ZONE");
  EXPECT_EQ(h_.Value("SELECT updated_at::VARCHAR FROM t WHERE id = 2"), "2024-01-01 00:02:00+00");
  EXPECT_EQ(h_.Value("SELECT \"address.city\" || '|' || tags::VARCHAR || '|' || big FROM t WHERE id = 3"),
            "city3|[\"t0\",\"x\"]|9223372036854775003");
  EXPECT_EQ(h_.Value("SELECT count(*) FROM t WHERE note IS NULL"), "6");
  EXPECT_EQ(h_.Value("SELECT name FROM t WHERE id = 22"),
            "user 22 \xC3\xBC \"quoted\", with comma\nand newline");
}

TEST_F(RestSource, TypesWidenAcrossPages) {
  Json pages =
      Json::array({Json::array({{{"id", 1}, {"v", 1}, {"d", "2024-01-01"}}}),
                   Json::array({{{"id", 2}, {"v", 2.5}, {"d", "2024-01-02 10:00:00"}, {"extra", true}}}),
                   Json::array({{{"id", 3}, {"v", "x"}, {"d", nullptr}}})});
  RestMock mock(Json{{"static", {{"/api/widen", pages}}}});
  auto out = h_.Read({{"url", mock.Url("/api/widen")}, {"pagination", {{"type", "page_number"}}}});
  EXPECT_EQ(out.rows, 3);
  ASSERT_EQ(out.schema_events, 3);
  EXPECT_EQ(out.schemas[0][1].type, "BIGINT");
  EXPECT_EQ(out.schemas[1][1].type, "DOUBLE");
  EXPECT_EQ(out.schemas[1][3].name, "extra");
  EXPECT_EQ(out.schemas[2][1].type, "VARCHAR");
  EXPECT_EQ(h_.Value("SELECT string_agg(v, ',' ORDER BY id) FROM t"), "1.0,2.5,x");  // §6.5: CAST text
  EXPECT_EQ(out.refine["d"], "TIMESTAMP");  // DATE with TIMESTAMP values
  EXPECT_EQ(h_.Value("SELECT typeof(d) FROM t LIMIT 1"), "TIMESTAMP");
}

TEST_F(RestSource, ColumnTypesWinAndProjectionKeepsOrder) {
  RestMock mock(Json{{"records", 10}});
  auto out = h_.Read({{"url", mock.Url("/api/all")},
                      {"column_types", {{"score", "DECIMAL(10,2)"}, {"created_on", "VARCHAR"}}},
                      {"columns", {"score", "id", "created_on", "missing"}}});
  ASSERT_EQ(out.schemas.back().size(), 4u);
  EXPECT_EQ(out.schemas.back()[0].name, "score");
  EXPECT_EQ(h_.Value("SELECT typeof(score) || ' ' || typeof(created_on) FROM t LIMIT 1"),
            "DECIMAL(10,2) VARCHAR");
  EXPECT_EQ(h_.Value("SELECT count(*) FROM t WHERE missing IS NULL"), "10");
  ASSERT_EQ(out.warnings.size(), 1u);
  EXPECT_NE(out.warnings[0].find("'missing'"), std::string::npos);
}

TEST_F(RestSource, PostSendsBodyHeadersAndRepeatedParams) {
  RestMock mock;
  auto out = h_.Read({{"url", mock.Url("/api/echo")},
                      {"method", "POST"},
                      {"body", {{"q", "a b"}, {"n", 1}}},
                      {"headers", {{"X-Custom", "hello"}}},
                      {"params", {{"tag", {"a", "b/c"}}, {"n", 5}}},
                      {"user_agent", "tester/1"}});
  EXPECT_EQ(out.rows, 1);
  EXPECT_EQ(h_.Value("SELECT method || '|' || query || '|' || content_type || '|' || x_custom || '|' || "
                     "user_agent FROM t"),
            "POST|?tag=a&tag=b%2Fc&n=5|application/json|hello|tester/1");
  EXPECT_EQ(nlohmann::json::parse(h_.Value("SELECT body FROM t")),
            nlohmann::json::parse(R"({"q":"a b","n":1})"));
}

// ---- auth ----

struct AuthCase {
  std::string name;
  Json scenario_auth;
  Json source_auth;
};

class RestAuth : public ::testing::TestWithParam<AuthCase> {};

TEST_P(RestAuth, EveryAuthTypeIsAcceptedAndBadCredentialsFailWithoutRetry) {
  const AuthCase& c = GetParam();
  RestMock mock(Json{{"records", 120}, {"auth", c.scenario_auth}});
  RestHarness h;
  Json params = {{"url", mock.Url("/api/pages")},
                 {"data_path", "data"},
                 {"pagination", {{"type", "page_number"}, {"size_param", "per_page"}, {"page_size", 50}}},
                 {"auth", c.source_auth}};
  if (c.source_auth.value("type", "") == "oauth2_client_credentials")
    params["auth"]["token_url"] = mock.Url("/oauth/token");
  auto out = h.Read(FastRetries(params));
  EXPECT_EQ(out.rows, 120);
  for (const auto& r : mock.Requests("/api/pages")) EXPECT_EQ(r.fault, "");
  // Wrong secret: AuthFailed after one request (4xx is not retried, F12).
  Json bad = params;
  for (const char* key : {"password", "token", "value", "key_value", "client_secret"})
    if (bad["auth"].contains(key)) bad["auth"][key] = "wrong-secret-value";
  mock.server().log().Clear();
  Error error = ReadError(h, FastRetries(bad));
  EXPECT_EQ(error.kind(), ErrorKind::kAuthFailed) << error.what();
  EXPECT_EQ(std::string(error.what()).find("wrong-secret-value"), std::string::npos) << error.what();
  const size_t api_requests = mock.Requests("/api/pages").size();
  EXPECT_LE(api_requests, c.scenario_auth["type"] == "digest" ? 2u : 1u);
}

INSTANTIATE_TEST_SUITE_P(
    AllTypes, RestAuth,
    ::testing::Values(
        AuthCase{"basic",
                 {{"type", "basic"}, {"username", "u"}, {"password", "pa55word"}},
                 {{"type", "basic"}, {"username", "u"}, {"password", "pa55word"}}},
        AuthCase{"digest",
                 {{"type", "digest"}, {"username", "u"}, {"password", "pa55word"}},
                 {{"type", "digest"}, {"username", "u"}, {"password", "pa55word"}}},
        AuthCase{"bearer",
                 {{"type", "bearer"}, {"token", "t0ken-123"}},
                 {{"type", "bearer"}, {"token", "t0ken-123"}}},
        AuthCase{"api_key_header",
                 {{"type", "api_key"}, {"name", "X-Api-Key"}, {"value", "k3y-abc"}},
                 {{"type", "api_key"}, {"key_name", "X-Api-Key"}, {"key_value", "k3y-abc"}}},
        AuthCase{"api_key_query",
                 {{"type", "api_key"}, {"name", "api_key"}, {"value", "k3y-abc"}, {"in", "query"}},
                 {{"type", "api_key"}, {"name", "api_key"}, {"value", "k3y-abc"}, {"in", "query"}}},
        AuthCase{
            "oauth2_basic",
            {{"type", "oauth2"}, {"client_id", "cid"}, {"client_secret", "s3cret-x"}},
            {{"type", "oauth2_client_credentials"}, {"client_id", "cid"}, {"client_secret", "s3cret-x"}}},
        AuthCase{"oauth2_body",
                 {{"type", "oauth2"}, {"client_id", "cid"}, {"client_secret", "s3cret-x"}},
                 {{"type", "oauth2_client_credentials"},
                  {"client_id", "cid"},
                  {"client_secret", "s3cret-x"},
                  {"client_auth", "body"},
                  {"scope", "read"}}}),
    [](const auto& info) { return info.param.name; });

TEST_F(RestSource, OAuthTokenIsCachedAcrossPages) {
  RestMock mock(
      Json{{"records", 250}, {"auth", {{"type", "oauth2"}, {"client_id", "cid"}, {"client_secret", "sx"}}}});
  auto out =
      h_.Read({{"url", mock.Url("/api/pages")},
               {"data_path", "data"},
               {"pagination", {{"type", "page_number"}, {"size_param", "per_page"}, {"page_size", 50}}},
               {"auth",
                {{"type", "oauth2_client_credentials"},
                 {"token_url", mock.Url("/oauth/token")},
                 {"client_id", "cid"},
                 {"client_secret", "sx"}}}});
  EXPECT_EQ(out.rows, 250);
  EXPECT_EQ(mock.api().tokens_issued(), 1);
  EXPECT_EQ(CountPath(mock, "/oauth/token"), 1);
}

// F11: the token is rejected mid-read: exactly one refresh and the request is repeated; a second 401 fails.
TEST_F(RestSource, F11_OneTokenRefreshOn401) {
  RestMock mock(
      Json{{"records", 250}, {"auth", {{"type", "oauth2"}, {"client_id", "cid"}, {"client_secret", "sx"}}}});
  Json params = {{"url", mock.Url("/api/pages")},
                 {"data_path", "data"},
                 {"pagination", {{"type", "page_number"}, {"size_param", "per_page"}, {"page_size", 50}}},
                 {"auth",
                  {{"type", "oauth2_client_credentials"},
                   {"token_url", mock.Url("/oauth/token")},
                   {"client_id", "cid"},
                   {"client_secret", "sx"}}}};
  mock.Fault({{"path", "/api/pages"},
              {"query", {{"page", "3"}}},
              {"times", 1},
              {"status", 401},
              {"body", "expired"}});
  auto out = h_.Read(FastRetries(params));
  EXPECT_EQ(out.rows, 250);
  EXPECT_EQ(Checksum(h_), Expected(h_, mock));
  EXPECT_EQ(mock.api().tokens_issued(), 2);
  EXPECT_EQ(mock.Requests("/api/pages").size(), 7u);  // 5 full pages, the empty 6th, the repeated page 3
  mock.server().log().Clear();
  mock.Fault({{"path", "/api/pages"},
              {"query", {{"page", "2"}}},
              {"times", 2},
              {"status", 401},
              {"body", "expired"}});
  Error error = ReadError(h_, FastRetries(params));
  EXPECT_EQ(error.kind(), ErrorKind::kAuthFailed) << error.what();
  EXPECT_EQ(mock.Requests("/api/pages").size(), 3u);  // page 1, page 2 twice
}

TEST_F(RestSource, OAuthTokenEndpoint4xxIsAuthFailedWithoutRetry) {
  RestMock mock(Json{{"auth", {{"type", "oauth2"}, {"client_id", "cid"}, {"client_secret", "sx"}}}});
  Error error = ReadError(h_, FastRetries({{"url", mock.Url("/api/all")},
                                           {"auth",
                                            {{"type", "oauth2_client_credentials"},
                                             {"token_url", mock.Url("/oauth/token")},
                                             {"client_id", "cid"},
                                             {"client_secret", "not-the-secret"}}}}));
  EXPECT_EQ(error.kind(), ErrorKind::kAuthFailed);
  EXPECT_EQ(CountPath(mock, "/oauth/token"), 1);
  EXPECT_EQ(CountPath(mock, "/api/all"), 0);
  EXPECT_EQ(std::string(error.what()).find("not-the-secret"), std::string::npos);
}

// ---- faults ----

Json PagesParams(RestMock& mock, int page_size = 50) {
  return FastRetries(
      {{"url", mock.Url("/api/pages")},
       {"data_path", "data"},
       {"pagination", {{"type", "page_number"}, {"size_param", "per_page"}, {"page_size", page_size}}}});
}

TEST_F(RestSource, F1_ThreeTimes503ThenSuccess) {
  RestMock mock(Json{{"records", kRecords}});
  mock.Fault(
      {{"path", "/api/pages"}, {"query", {{"page", "3"}}}, {"times", 3}, {"status", 503}, {"body", "busy"}});
  auto out = h_.Read(PagesParams(mock));
  EXPECT_EQ(out.rows, kRecords);
  EXPECT_EQ(Checksum(h_), Expected(h_, mock));
  std::map<std::string, int> per_page;
  for (const auto& r : mock.Requests("/api/pages")) ++per_page[r.Param("page")];
  EXPECT_EQ(per_page["3"], 4);
  for (const char* p : {"1", "2", "4", "5"}) EXPECT_EQ(per_page[p], 1) << p;
  EXPECT_EQ(out.stats.retries, 3);
}

TEST_F(RestSource, F2_503OnEveryAttempt) {
  RestMock mock(Json{{"records", kRecords}});
  mock.Fault({{"path", "/api/pages"},
              {"query", {{"page", "2"}}},
              {"times", -1},
              {"status", 503},
              {"body", "upstream timeout"}});
  Json params = PagesParams(mock);
  params["max_retries"] = 2;
  Error error = ReadError(h_, params);
  EXPECT_EQ(error.kind(), ErrorKind::kTransient);
  const std::string message = error.what();
  EXPECT_NE(message.find("/api/pages?page=2"), std::string::npos) << message;
  EXPECT_NE(message.find("503"), std::string::npos) << message;
  EXPECT_NE(message.find("upstream timeout"), std::string::npos) << message;
  EXPECT_NE(message.find("after 3 attempts"), std::string::npos) << message;
  int page2 = 0;
  for (const auto& r : mock.Requests("/api/pages")) page2 += r.Param("page") == "2";
  EXPECT_EQ(page2, 3);
}

TEST_F(RestSource, F3_RetryAfterIsHonoured) {
  for (const std::string value : {"1", "1.0"}) {
    RestMock mock(Json{{"records", 100}});
    mock.Fault({{"path", "/api/pages"},
                {"query", {{"page", "2"}}},
                {"times", 1},
                {"status", 429},
                {"headers", {{"Retry-After", value}}}});
    Json params = PagesParams(mock);
    params["max_retries"] = 0;  // the throttle budget is separate from the error budget
    auto out = h_.Read(params);
    EXPECT_EQ(out.rows, 100);
    std::vector<double> page2;
    for (const auto& r : mock.Requests("/api/pages"))
      if (r.Param("page") == "2") page2.push_back(r.t);
    ASSERT_EQ(page2.size(), 2u);
    EXPECT_GE(page2[1] - page2[0], 0.99) << "Retry-After: " << value;
  }
}

TEST_F(RestSource, F4_RetryAfterZeroNeverTightLoops) {
  RestMock mock(Json{{"records", 100}});
  mock.Fault({{"path", "/api/pages"}, {"times", -1}, {"status", 429}, {"headers", {{"Retry-After", "0"}}}});
  Json params = PagesParams(mock);
  params["retry_delay"] = 0.1;
  params["retry_max_delay"] = 1;
  params["retry_jitter"] = 0.2;
  params["max_throttle_retries"] = 3;
  Error error = ReadError(h_, params);
  EXPECT_EQ(error.kind(), ErrorKind::kThrottled) << error.what();
  auto requests = mock.Requests("/api/pages");
  ASSERT_EQ(requests.size(), 4u);
  double previous = 0;
  for (size_t i = 1; i < requests.size(); ++i) {
    const double gap = requests[i].t - requests[i - 1].t;
    EXPECT_GE(gap, 0.1 * 0.8 * (1 << (i - 1)) * 0.99) << "gap " << i;
    if (i > 1) {
      EXPECT_GT(gap, previous * 0.9);
    }
    previous = gap;
  }
}

TEST_F(RestSource, F5_RetryAfterBeyondTheLimitFailsAtOnce) {
  RestMock mock(Json{{"records", 100}});
  mock.Fault(
      {{"path", "/api/pages"}, {"times", -1}, {"status", 429}, {"headers", {{"Retry-After", "3600"}}}});
  const auto start = std::chrono::steady_clock::now();
  Error error = ReadError(h_, PagesParams(mock));
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 2.0);
  EXPECT_NE(std::string(error.what()).find("max_retry_after_seconds"), std::string::npos) << error.what();
  EXPECT_EQ(CountPath(mock, "/api/pages"), 1);
}

TEST_F(RestSource, F6_InvalidOrTruncatedBodyOnceIsRetried) {
  RestMock mock(Json{{"records", kRecords}});
  mock.Fault({{"path", "/api/pages"}, {"query", {{"page", "2"}}}, {"times", 1}, {"kind", "invalid_json"}});
  mock.Fault({{"path", "/api/pages"}, {"query", {{"page", "4"}}}, {"times", 1}, {"kind", "truncate"}});
  auto out = h_.Read(PagesParams(mock));
  EXPECT_EQ(out.rows, kRecords);
  EXPECT_EQ(Checksum(h_), Expected(h_, mock));
  EXPECT_EQ(CountPath(mock, "/api/pages"), 8);  // 5 full pages, the empty 6th, 2 repeats
}

TEST_F(RestSource, F7_InvalidJsonOnEveryAttempt) {
  RestMock mock(Json{{"records", 100}});
  mock.Fault({{"path", "/api/pages"},
              {"times", -1},
              {"kind", "invalid_json"},
              {"body", "{\"data\": [{\"id\": 1}, {\"id\": 2,, \"x\": 1}]}"}});
  Json params = PagesParams(mock);
  params["max_retries"] = 1;
  Error error = ReadError(h_, params);
  EXPECT_EQ(error.kind(), ErrorKind::kTransient);
  const std::string message = error.what();
  EXPECT_NE(message.find("invalid JSON from http://127.0.0.1"), std::string::npos) << message;
  EXPECT_NE(message.find("at byte 30"), std::string::npos) << message;
  EXPECT_NE(message.find("{\"id\": 2,, \"x\""), std::string::npos) << message;
  EXPECT_EQ(CountPath(mock, "/api/pages"), 2);
}

TEST_F(RestSource, F8_SlowHeadersTimeOutAndAreRetried) {
  RestMock mock(Json{{"records", 100}});
  mock.Fault({{"path", "/api/pages"},
              {"query", {{"page", "2"}}},
              {"times", 1},
              {"kind", "delay"},
              {"delay_ms", 1500}});
  Json params = PagesParams(mock);
  params["timeout_seconds"] = 0.5;
  auto out = h_.Read(params);
  EXPECT_EQ(out.rows, 100);
  EXPECT_EQ(CountPath(mock, "/api/pages"), 4);
}

TEST_F(RestSource, F9_BodyCutMidwayIsRetriedWithoutDuplicates) {
  RestMock mock(Json{{"records", kRecords}});
  mock.Fault({{"path", "/api/pages"},
              {"query", {{"page", "3"}}},
              {"times", 1},
              {"kind", "truncate"},
              {"delay_ms", 300}});
  auto out = h_.Read(PagesParams(mock));
  EXPECT_EQ(out.rows, kRecords);
  EXPECT_EQ(Checksum(h_), Expected(h_, mock));
}

TEST_F(RestSource, F12_ClientErrorsAreNotRetried) {
  for (const auto& [status, kind] :
       std::vector<std::pair<int, ErrorKind>>{{400, ErrorKind::kInvalidConfig},
                                              {403, ErrorKind::kPermissionDenied},
                                              {404, ErrorKind::kNotFound}}) {
    RestMock mock(Json{{"records", 100}});
    mock.Fault({{"path", "/api/pages"}, {"times", -1}, {"status", status}, {"body", "nope"}});
    Error error = ReadError(h_, PagesParams(mock));
    EXPECT_NE(std::string(error.what()).find("HTTP " + std::to_string(status)), std::string::npos)
        << error.what();
    EXPECT_EQ(CountPath(mock, "/api/pages"), 1) << status;
    if (status != 400) {
      EXPECT_EQ(error.kind(), kind) << status;
    }
  }
}

TEST_F(RestSource, F13_PaginationLoopsAreDetected) {
  RestMock mock(Json{{"records", kRecords}});
  Error error = ReadError(
      h_, {{"url", mock.Url("/api/cursor?loop=1")},
           {"data_path", "data"},
           {"pagination", {{"type", "cursor"}, {"cursor_param", "cursor"}, {"cursor_path", "next_cursor"}}}});
  EXPECT_EQ(error.kind(), ErrorKind::kProtocolError);
  EXPECT_NE(std::string(error.what()).find("pagination loop at http://127.0.0.1"), std::string::npos)
      << error.what();
  EXPECT_EQ(CountPath(mock, "/api/cursor"), 2);  // the 2nd page names the cursor just used
  error = ReadError(h_, {{"url", mock.Url("/api/next?loop=1&page=1")},
                         {"data_path", "items"},
                         {"pagination", {{"type", "next_url"}, {"next_url_path", "links.next"}}}});
  EXPECT_EQ(error.kind(), ErrorKind::kProtocolError) << error.what();
  EXPECT_NE(std::string(error.what()).find("pagination loop"), std::string::npos) << error.what();
}

TEST_F(RestSource, F14_LinkToAnotherHostIsNotFollowed) {
  RestMock other;
  RestMock mock(Json{{"records", kRecords},
                     {"link_host", other.server().BaseUrl()},
                     {"auth", {{"type", "bearer"}, {"token", "t0ken-123"}}}});
  Error error = ReadError(h_, {{"url", mock.Url("/api/link?per_page=100")},
                               {"auth", {{"type", "bearer"}, {"token", "t0ken-123"}}},
                               {"pagination", {{"type", "link_header"}}}});
  EXPECT_EQ(error.kind(), ErrorKind::kProtocolError);
  EXPECT_NE(std::string(error.what()).find("next page URL points to another host"), std::string::npos);
  EXPECT_EQ(other.server().log().size(), 0u);  // the token never reached the other host
  EXPECT_EQ(CountPath(mock, "/api/link"), 1);
}

// A failed read delivers nothing: the stream throws before End and the staged rows are the caller's to drop.
TEST_F(RestSource, RequestLimitStopsFetching) {
  RestMock mock(Json{{"records", kRecords}});
  connectors::ReadRequest request;
  request.limit = 60;
  auto out = h_.Read(PagesParams(mock), "t", request);
  EXPECT_EQ(out.rows, 100);  // whole pages only
  EXPECT_EQ(CountPath(mock, "/api/pages"), 2);
}

// Cancellation: a stalled request stops within a second of the run's token being cancelled.
TEST_F(RestSource, CancelStopsAStalledRequestPromptly) {
  RestMock mock(Json{{"records", 100}});
  mock.Fault({{"path", "/api/pages"}, {"times", -1}, {"kind", "delay"}, {"delay_ms", 20000}});
  CancelToken cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel.Cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  try {
    h_.Read(PagesParams(mock), "t", {}, &cancel);
    ADD_FAILURE() << "not cancelled";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kCancelled) << error.what();
  }
  canceller.join();
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 1.5);
}

// ---- incremental pushdown ----

TEST_F(RestSource, IncrementalParamCarriesTheBoundOnEveryPage) {
  RestMock mock(Json{{"records", kRecords}});
  connectors::ReadRequest request;
  request.cursor =
      connectors::CursorBound{"updated_at", {"TIMESTAMP WITH TIME ZONE", "2024-01-01 02:00:00+00"}, false};
  Json params = PagesParams(mock);
  params["incremental_param"] = "updated_since";
  auto out = h_.Read(params, "t", request);
  EXPECT_EQ(out.rows, kRecords - 119);  // ids 120..250 (updated_at >= 02:00)
  for (const auto& r : mock.Requests("/api/pages"))
    EXPECT_EQ(r.Param("updated_since"), "2024-01-01T02:00:00Z");
  params["incremental_value_format"] = "unix";
  mock.server().log().Clear();
  h_.Read(params, "t", request);
  EXPECT_EQ(mock.Requests("/api/pages")[0].Param("updated_since"), "1704074400");
}

// ---- configuration ----

TEST_F(RestSource, CompileTimeErrors) {
  auto issues = h_.Issues({{"url", "ftp://x"},
                           {"body", {{"a", 1}}},
                           {"pagination", {{"type", "cursor"}}},
                           {"auth", {{"type", "bearer"}}}});
  std::string all;
  for (const auto& i : issues) all += i + "\n";
  EXPECT_NE(all.find("invalid url 'ftp://x': the scheme must be http or https"), std::string::npos) << all;
  EXPECT_NE(all.find("body is only allowed with method POST"), std::string::npos) << all;
  EXPECT_NE(all.find("pagination.cursor_path is required for type 'cursor'"), std::string::npos) << all;
  EXPECT_NE(all.find("auth.token is required for auth type 'bearer'"), std::string::npos) << all;
  issues = h_.Issues({{"url", "http://x"}, {"pagination", {{"type", "pages"}}}});
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_NE(issues[0].find("unknown pagination type 'pages'; known: none, page_number"), std::string::npos);
}

TEST_F(RestSource, DiscoverAndTestConnection) {
  RestMock mock(Json{{"records", 30}, {"auth", {{"type", "bearer"}, {"token", "t0ken-123"}}}});
  auto source = h_.Configured({{"url", mock.Url("/api/pages")},
                               {"data_path", "data"},
                               {"auth", {{"type", "bearer"}, {"token", "t0ken-123"}}},
                               {"pagination", {{"size_param", "per_page"}}}});
  auto objects = source->Discover(h_.conn());
  ASSERT_EQ(objects.size(), 1u);
  EXPECT_EQ(objects[0].name, "pages");
  auto result = source->TestConnection(h_.conn());
  EXPECT_TRUE(result.ok) << result.message;
  EXPECT_NE(result.message.find("1 records at 'data'"), std::string::npos) << result.message;
  EXPECT_EQ(mock.Requests("/api/pages").back().Param("per_page"), "1");
  auto bad = h_.Configured(
      {{"url", mock.Url("/api/pages")}, {"auth", {{"type", "bearer"}, {"token", "nope-nope"}}}});
  result = bad->TestConnection(h_.conn());
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.kind, ErrorKind::kAuthFailed);
  EXPECT_EQ(result.message.find("nope-nope"), std::string::npos);
}

}  // namespace
}  // namespace sqlflow::testing

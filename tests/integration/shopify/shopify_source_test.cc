// The shopify source against the in-process Shopify mock (CONNECTORS.md §3.9, §4.3, §4.4): every object,
// derived objects, order_status, fields, page_info strictness, pacing on the call limit, incremental windows,
// classified errors and the fault cases F1, F3, F6, F8, F12, F14, F15, F16.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <thread>

#include "shopify_test_util.h"
#include "sqlflow/common/error.h"
#include "sqlflow/connectors/registry/registry.h"
#include "sqlflow/net/rate_limiter.h"

namespace sqlflow::testing {
namespace {

const std::string kOrders = "/admin/api/2025-10/orders.json";

std::string Rows(RestHarness& h, const std::string& sql) {
  return h.Value(sql);
}

// The page_info of the n-th request (from 1) of the last read, so that a fault can target that page.
std::string PageInfoOf(ShopifyMock& mock, const std::string& path, size_t n) {
  auto requests = mock.Requests(path);
  if (requests.size() < n) throw std::runtime_error("fewer requests than expected");
  return requests[n - 1].Param("page_info");
}

TEST(ShopifySource, OrdersAcrossPagesWithStatusAnyAndDeclaredTypes) {
  ShopifyMock mock(Json{{"orders", 120}});
  RestHarness h("shopify");
  auto out = h.Read(ShopParams(mock, "orders", Json{{"page_size", 50}}));
  EXPECT_EQ(out.rows, 120);
  EXPECT_EQ(Rows(h, "SELECT count(DISTINCT id) FROM t"), "120");
  // order_status defaults to any: open, closed and cancelled orders all arrive (Shopify's own default is
  // open).
  EXPECT_EQ(Rows(h, "SELECT count(DISTINCT cancelled_at IS NULL) FROM t"), "2");
  EXPECT_EQ(
      Rows(h,
           "SELECT typeof(id) || ' ' || typeof(updated_at) || ' ' || typeof(\"customer.id\") FROM t LIMIT 1"),
      "BIGINT TIMESTAMP WITH TIME ZONE BIGINT");
  EXPECT_EQ(Rows(h, "SELECT typeof(line_items) FROM t LIMIT 1"), "JSON");
  EXPECT_EQ(Rows(h, "SELECT typeof(total_price) FROM t LIMIT 1"), "VARCHAR");
  EXPECT_EQ(Rows(h, "SELECT CAST(min(created_at) AS VARCHAR) FROM t"), "2024-01-01 10:00:00+00");
  auto requests = mock.Requests(kOrders);
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[0].Param("status"), "any");
  EXPECT_EQ(requests[0].Param("limit"), "50");
  EXPECT_EQ(requests[0].Header("x-shopify-access-token"), kShopToken);
  // F15: the page_info requests carry only what the Link URL contains.
  for (size_t i = 1; i < requests.size(); ++i) {
    EXPECT_FALSE(requests[i].Param("page_info").empty());
    for (const auto& [name, value] : requests[i].params)
      EXPECT_TRUE(name == "limit" || name == "page_info") << name;
  }
  EXPECT_EQ(out.stats.requests, 3);
}

TEST(ShopifySource, OrderStatusOpenFiltersOnTheServer) {
  ShopifyMock mock(Json{{"orders", 60}});
  RestHarness h("shopify");
  auto out = h.Read(ShopParams(mock, "orders", Json{{"order_status", "open"}}));
  EXPECT_EQ(mock.Requests(kOrders)[0].Param("status"), "open");
  EXPECT_EQ(Rows(h, "SELECT count(*) FROM t WHERE closed_at IS NULL AND cancelled_at IS NULL"),
            std::to_string(out.rows));
  EXPECT_GT(out.rows, 0);
  EXPECT_LT(out.rows, 60);
}

TEST(ShopifySource, DerivedObjectsGiveOneRowPerElementWithParentColumns) {
  ShopifyMock mock(Json{{"orders", 90}, {"products", 12}});
  RestHarness h("shopify");
  auto items = h.Read(ShopParams(mock, "order_line_items", Json{{"page_size", 40}}));
  EXPECT_EQ(items.rows, mock.api().LineItems());
  ASSERT_GE(items.schemas.size(), 1u);
  EXPECT_EQ(items.schemas[0][0].name, "order_id");
  EXPECT_EQ(items.schemas[0][1].name, "order_created_at");
  EXPECT_EQ(items.schemas[0][2].name, "order_updated_at");
  EXPECT_EQ(Rows(h, "SELECT count(DISTINCT order_id) FROM t"), "90");
  EXPECT_EQ(Rows(h,
                 "SELECT typeof(order_id) || ' ' || typeof(order_updated_at) || ' ' || typeof(product_id) "
                 "FROM t LIMIT 1"),
            "BIGINT TIMESTAMP WITH TIME ZONE BIGINT");
  // Every line item of order #1003 (index 2: three items) carries that order's id.
  EXPECT_EQ(Rows(h, "SELECT count(*) FROM t WHERE order_id = 4500000002"), "3");

  auto fulfillments = h.Read(ShopParams(mock, "order_fulfillments"), "f");
  EXPECT_EQ(Rows(h, "SELECT count(*) FROM f"),
            "27");  // closed orders: index % 3 == 0 and not index % 10 == 9
  EXPECT_EQ(Rows(h, "SELECT count(*) FROM f WHERE order_id IS NULL OR tracking_number IS NULL"), "0");
  auto refunds = h.Read(ShopParams(mock, "order_refunds"), "r");
  EXPECT_EQ(refunds.rows, 9);  // cancelled orders: index % 10 == 9
  auto variants = h.Read(ShopParams(mock, "product_variants"), "v");
  EXPECT_EQ(variants.rows, 24);  // 1 + i % 3 variants for 12 products
  EXPECT_EQ(
      Rows(h, "SELECT count(DISTINCT product_id) || ' ' || typeof(any_value(product_updated_at)) FROM v"),
      "12 TIMESTAMP WITH TIME ZONE");
}

TEST(ShopifySource, EveryObjectOfTheTable) {
  ShopifyMock mock(Json{{"orders", 30}, {"customers", 25}, {"products", 7}, {"locations", 3}});
  RestHarness h("shopify");
  const std::vector<std::pair<std::string, int64_t>> expected = {{"orders", 30},
                                                                 {"customers", 25},
                                                                 {"products", 7},
                                                                 {"custom_collections", 3},
                                                                 {"smart_collections", 2},
                                                                 {"collects", 7},
                                                                 {"locations", 3},
                                                                 {"inventory_levels", 21},
                                                                 {"price_rules", 3},
                                                                 {"draft_orders", 5},
                                                                 {"tender_transactions", 30},
                                                                 {"metafields", 3}};
  for (const auto& [object, rows] : expected) {
    auto out = h.Read(ShopParams(mock, object, Json{{"page_size", 10}}));
    EXPECT_EQ(out.rows, rows) << object;
    auto requests = mock.Requests("/admin/api/2025-10/" + object + ".json");
    EXPECT_FALSE(requests.empty()) << object;
  }
  // inventory_levels asked locations.json for the ids, then sent them 50 at a time.
  auto levels = mock.Requests("/admin/api/2025-10/inventory_levels.json");
  EXPECT_EQ(levels[0].Param("location_ids"), "6500000000,6500000001,6500000002");
  EXPECT_EQ(mock.Requests("/admin/api/2025-10/shop.json").size(), 0u);  // §6.1: list endpoints only
  EXPECT_EQ(mock.Requests("/admin/oauth/access_scopes.json").size(), 0u);
  auto picked = h.Read(ShopParams(mock, "inventory_levels", Json{{"location_ids", {6500000001}}}));
  EXPECT_EQ(picked.rows, 7);
}

TEST(ShopifySource, FieldsGoOnTheFirstRequestAndStayInTheLink) {
  ShopifyMock mock(Json{{"orders", 30}});
  RestHarness h("shopify");
  auto out = h.Read(ShopParams(mock, "orders", Json{{"page_size", 20}, {"fields", {"id", "total_price"}}}));
  EXPECT_EQ(out.rows, 30);
  ASSERT_EQ(out.schemas.size(), 1u);
  EXPECT_EQ(out.schemas[0].size(), 2u);
  auto requests = mock.Requests(kOrders);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].Param("fields"), "id,total_price");
  EXPECT_EQ(requests[1].Param("fields"), "id,total_price");  // as the Link gave it
  // A derived object keeps the parent columns and the array it reads.
  h.Read(ShopParams(mock, "order_line_items", Json{{"fields", {"total_price"}}}), "li");
  EXPECT_EQ(mock.Requests(kOrders).back().Param("fields"), "total_price,id,created_at,updated_at,line_items");
  EXPECT_EQ(Rows(h, "SELECT count(*) FROM li WHERE order_id IS NULL"), "0");
}

TEST(ShopifySource, IncrementalWindowOnEveryReadAndPushedBound) {
  ShopifyMock mock(Json{{"orders", 50}});
  RestHarness h("shopify");
  const Json params =
      ShopParams(mock, "orders", Json{{"sync_mode", "incremental"}, {"cursor_field", "updated_at"}});
  const auto before = std::time(nullptr);
  h.Read(params);
  auto first = mock.Requests(kOrders)[0];
  EXPECT_EQ(first.Param("updated_at_min"), "");
  // updated_at_max = read start − 60 s, as YYYY-MM-DDTHH:MM:SS+00:00 (§6.7: the first read included).
  const std::string max = first.Param("updated_at_max");
  ASSERT_EQ(max.size(), 25u) << max;
  EXPECT_EQ(max.substr(19), "+00:00");
  std::tm tm{};
  strptime(max.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  const auto sent = timegm(&tm);
  EXPECT_GE(sent, before - 61);
  EXPECT_LE(sent, before - 59);

  // The next run pushes the watermark down (rounded down to the second) and the mock returns only newer rows.
  mock.server().log().Clear();
  connectors::ReadRequest request;
  request.cursor =
      connectors::CursorBound{"updated_at", {"TIMESTAMP WITH TIME ZONE", "2024-01-01 16:50:00.75+00"}, false};
  auto out = h.Read(params, "t", request);
  auto second = mock.Requests(kOrders)[0];
  EXPECT_EQ(second.Param("updated_at_min"), "2024-01-01T16:50:00+00:00");
  EXPECT_FALSE(second.Param("updated_at_max").empty());
  EXPECT_EQ(Rows(h, "SELECT count(*) FROM t WHERE updated_at < TIMESTAMPTZ '2024-01-01 16:50:00+00'"), "0");
  EXPECT_GT(out.rows, 0);
  EXPECT_LT(out.rows, 50);

  // id → since_id (value − 1 for an inclusive bound); derived objects use their parent's updated_at.
  mock.server().log().Clear();
  request.cursor = connectors::CursorBound{"id", {"BIGINT", "4500000040"}, true};
  out = h.Read(ShopParams(mock, "orders"), "t", request);
  EXPECT_EQ(mock.Requests(kOrders)[0].Param("since_id"), "4500000039");
  EXPECT_EQ(out.rows, 10);
  mock.server().log().Clear();
  request.cursor = connectors::CursorBound{
      "order_updated_at", {"TIMESTAMP WITH TIME ZONE", "2024-01-01 16:50:00+00"}, false};
  h.Read(ShopParams(mock, "order_line_items"), "t", request);
  EXPECT_EQ(mock.Requests(kOrders)[0].Param("updated_at_min"), "2024-01-01T16:50:00+00:00");
}

TEST(ShopifySource, OtherCursorFieldIsAnEngineFilterWithACompileWarning) {
  ShopifyMock mock;
  const auto* type = connectors::BuiltinRegistries().sources.Find("shopify");
  auto validated = connectors::ValidateSourceParams(
      *type,
      ShopParams(mock, "orders", Json{{"sync_mode", "incremental"}, {"cursor_field", "processed_at"}}));
  bool warned = false;
  for (const auto& issue : validated.issues) {
    EXPECT_NE(issue.severity, Severity::kError) << issue.message;
    if (issue.severity == Severity::kWarning &&
        issue.message.find("cursor_field 'processed_at'") != std::string::npos)
      warned = true;
  }
  EXPECT_TRUE(warned);
  RestHarness h("shopify");
  connectors::ReadRequest request;
  request.cursor =
      connectors::CursorBound{"processed_at", {"TIMESTAMP WITH TIME ZONE", "2024-01-01 12:00:00+00"}, false};
  auto out = h.Read(ShopParams(mock, "orders"), "t", request);
  auto first = mock.Requests(kOrders)[0];
  EXPECT_EQ(first.Param("updated_at_min"), "");
  EXPECT_EQ(first.Param("processed_at_min"), "");
  EXPECT_EQ(out.rows, 120);  // every record read; the engine applies the bound
}

TEST(ShopifySource, ConfigErrorsAndMigrationHints) {
  ShopifyMock mock;
  RestHarness h("shopify");
  auto issues = h.Issues(ShopParams(mock, "ordrs"));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_NE(
      issues[0].find("unknown object 'ordrs' (did you mean 'orders'?); objects: orders, order_line_items"),
      std::string::npos)
      << issues[0];
  EXPECT_NE(h.Issues(ShopParams(mock, "orders", Json{{"api_version", "2025-1"}}))[0].find(
                "parameter 'api_version' must look like YYYY-MM; got '2025-1'"),
            std::string::npos);
  Json bad_domain{{"shop_domain", "Bad_Shop!"}, {"access_token", "x"}};
  EXPECT_NE(h.Issues(bad_domain)[0].find("invalid shop_domain 'Bad_Shop!'"), std::string::npos);
  EXPECT_NE(h.Issues(ShopParams(mock, "orders", Json{{"location_ids", {1}}}))[0].find(
                "'location_ids' only applies to object 'inventory_levels'"),
            std::string::npos);
  const auto* type = connectors::BuiltinRegistries().sources.Find("shopify");
  const std::vector<std::pair<std::string, std::string>> hints = {
      {"flatten_line_items", "order_line_items"},
      {"include_fulfillments", "order_fulfillments"},
      {"include_refunds", "order_refunds"},
      {"financial_status_filter", "WHERE"}};
  for (const auto& [legacy, replacement] : hints) {
    auto validated =
        connectors::ValidateSourceParams(*type, ShopParams(mock, "orders", Json{{legacy, true}}));
    ASSERT_EQ(validated.issues.size(), 1u) << legacy;
    EXPECT_EQ(validated.issues[0].code, "SF402");
    ASSERT_EQ(validated.issues[0].hints.size(), 1u);
    EXPECT_NE(validated.issues[0].hints[0].find(replacement), std::string::npos)
        << validated.issues[0].hints[0];
  }
}

TEST(ShopifySource, ObjectFromTheLoadNameWhenNotConfigured) {
  ShopifyMock mock(Json{{"customers", 7}});
  RestHarness h("shopify");
  Json params = ShopParams(mock, "orders");
  params.erase("object");
  connectors::ReadRequest request;
  request.object = "customers";
  EXPECT_EQ(h.Read(params, "t", request).rows, 7);
  request.object = "ordrs";
  try {
    h.Read(params, "t", request);
    FAIL() << "unknown object read";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kInvalidConfig);
    EXPECT_NE(std::string(error.what()).find("did you mean 'orders'"), std::string::npos);
  }
}

// F1: 3 × 503 then 200 on page 3: exact rows; page 3 requested 4 times, every other page once.
TEST(ShopifySource, F1_RetriedPage) {
  ShopifyMock mock(Json{{"orders", 100}});
  RestHarness h("shopify");
  const Json params = ShopParams(mock, "orders", Json{{"page_size", 25}});
  h.Read(params);
  const std::string page3 = PageInfoOf(mock, kOrders, 3);
  mock.server().log().Clear();
  mock.Fault(Json{{"path", kOrders}, {"query", {{"page_info", page3}}}, {"times", 3}, {"status", 503}});
  auto out = h.Read(params);
  EXPECT_EQ(out.rows, 100);
  EXPECT_EQ(Rows(h, "SELECT count(DISTINCT id) FROM t"), "100");
  auto requests = mock.Requests(kOrders);
  ASSERT_EQ(requests.size(), 7u);
  int page3_count = 0;
  for (const auto& r : requests) page3_count += r.Param("page_info") == page3;
  EXPECT_EQ(page3_count, 4);
  EXPECT_EQ(out.stats.retries, 3);
}

// F3: 429 with Retry-After 2, 2.0 and an HTTP-date: the retry comes no sooner; the error budget is untouched
// (max_retries 0 would fail on any error retry).
TEST(ShopifySource, F3_RetryAfterForms) {
  ShopifyMock mock(Json{{"orders", 60}});
  RestHarness h("shopify");
  const Json params = ShopParams(mock, "orders", Json{{"page_size", 30}, {"max_retries", 0}});
  h.Read(params);
  const std::string page2 = PageInfoOf(mock, kOrders, 2);
  auto http_date = [] {  // three seconds from now, written when the fault is added
    char date[64];
    const std::time_t later = std::time(nullptr) + 3;
    std::tm tm{};
    gmtime_r(&later, &tm);
    std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return std::string(date);
  };
  for (std::string retry_after : std::vector<std::string>{"2", "2.0", "date"}) {
    if (retry_after == "date") retry_after = http_date();
    mock.server().log().Clear();
    mock.Fault(Json{{"path", kOrders},
                    {"query", {{"page_info", page2}}},
                    {"status", 429},
                    {"headers", {{"Retry-After", retry_after}}}});
    auto out = h.Read(params);
    EXPECT_EQ(out.rows, 60) << retry_after;
    auto requests = mock.Requests(kOrders);
    ASSERT_EQ(requests.size(), 3u) << retry_after;
    EXPECT_GE(requests[2].t - requests[1].t, retry_after.size() > 3 ? 1.0 : 1.99) << retry_after;
  }
}

// F6: a truncated body and an invalid JSON body, once each: retried; exact rows.
TEST(ShopifySource, F6_BrokenBodiesRetried) {
  ShopifyMock mock(Json{{"orders", 60}});
  RestHarness h("shopify");
  const Json params = ShopParams(mock, "order_line_items", Json{{"page_size", 20}});
  auto clean = h.Read(params);
  const std::string page2 = PageInfoOf(mock, kOrders, 2);
  for (const std::string kind : {"invalid_json", "truncate"}) {
    mock.server().log().Clear();
    mock.Fault(Json{{"path", kOrders}, {"query", {{"page_info", page2}}}, {"kind", kind}});
    auto out = h.Read(params);
    EXPECT_EQ(out.rows, clean.rows) << kind;
    EXPECT_EQ(mock.Requests(kOrders).size(), 4u) << kind;
    EXPECT_EQ(Rows(h, "SELECT count(*) - count(DISTINCT id) FROM t"), "0") << kind;
  }
}

// F8: headers delayed beyond timeout_seconds once: timeout, retry, exact rows.
TEST(ShopifySource, F8_TimeoutRetried) {
  ShopifyMock mock(Json{{"orders", 40}});
  RestHarness h("shopify");
  const Json params = ShopParams(mock, "orders", Json{{"page_size", 20}, {"timeout_seconds", 0.5}});
  mock.Fault(Json{{"path", kOrders}, {"query", {{"status", "any"}}}, {"kind", "delay"}, {"delay_ms", 1500}});
  auto out = h.Read(params);
  EXPECT_EQ(out.rows, 40);
  EXPECT_EQ(mock.Requests(kOrders).size(), 3u);
  EXPECT_EQ(out.stats.retries, 1);
}

std::string FailureOf(RestHarness& h, const Json& params, ErrorKind* kind) {
  try {
    h.Read(params);
  } catch (const Error& error) {
    *kind = error.kind();
    return error.what();
  }
  return "";
}

// F12 and the classified errors: one request each, no retry, a message that says what to fix; the token
// never appears.
TEST(ShopifySource, F12_ClassifiedErrorsAreNotRetried) {
  ShopifyMock mock(Json{{"orders", 10}, {"scopes", {"read_orders"}}});
  RestHarness h("shopify");
  struct Case {
    int status;
    ErrorKind kind;
    std::string text;
  };
  const std::vector<Case> cases = {
      {400, ErrorKind::kInvalidConfig, "HTTP 400"},
      {401, ErrorKind::kAuthFailed, "invalid Shopify access token"},
      {402, ErrorKind::kPermissionDenied, "shop is frozen (payment required)"},
      {403, ErrorKind::kPermissionDenied, "token lacks the scope for orders (read_orders)"},
      {404, ErrorKind::kNotFound, "orders is not available in API version 2025-10"},
      {423, ErrorKind::kPermissionDenied, "shop is locked"}};
  for (const auto& c : cases) {
    mock.server().log().Clear();
    mock.Fault(Json{{"path", kOrders}, {"status", c.status}, {"body", "{\"errors\":\"x\"}"}});
    ErrorKind kind = ErrorKind::kOk;
    const std::string message = FailureOf(h, ShopParams(mock, "orders"), &kind);
    EXPECT_EQ(kind, c.kind) << c.status << " " << message;
    EXPECT_NE(message.find(c.text), std::string::npos) << message;
    EXPECT_NE(message.find("SHOPIFY source 'api'"), std::string::npos) << message;
    EXPECT_EQ(message.find(kShopToken), std::string::npos);
    EXPECT_EQ(mock.Requests(kOrders).size(), 1u) << c.status;
  }
  // The real thing: a wrong token and a missing scope answered by the mock itself.
  ErrorKind kind = ErrorKind::kOk;
  Json wrong = ShopParams(mock, "orders");
  wrong["access_token"] = "shpat_wrong";
  EXPECT_NE(FailureOf(h, wrong, &kind).find("invalid Shopify access token"), std::string::npos);
  EXPECT_NE(FailureOf(h, ShopParams(mock, "customers"), &kind).find("(read_customers)"), std::string::npos);
}

// F14: a Link to another host is not followed (ProtocolError) and the token never reaches that host.
TEST(ShopifySource, F14_LinkToAnotherHost) {
  ShopifyMock other;
  ShopifyMock mock(Json{{"orders", 60}, {"link_host", other.Url()}});
  RestHarness h("shopify");
  ErrorKind kind = ErrorKind::kOk;
  const std::string message = FailureOf(h, ShopParams(mock, "orders", Json{{"page_size", 30}}), &kind);
  EXPECT_EQ(kind, ErrorKind::kProtocolError);
  EXPECT_NE(message.find("next page URL points to another host"), std::string::npos) << message;
  EXPECT_EQ(other.server().log().size(), 0u);
  EXPECT_EQ(mock.Requests(kOrders).size(), 1u);
}

// The mock's page_info strictness itself (F15's premise): an extra parameter on a page_info request is a 400.
TEST(ShopifySource, F15_MockRejectsExtraParametersOnPageInfo) {
  ShopifyMock mock(Json{{"orders", 60}});
  RestHarness h("shopify");
  h.Read(ShopParams(mock, "orders", Json{{"page_size", 30}}));
  const std::string page2 = PageInfoOf(mock, kOrders, 2);
  Json rest{{"url", mock.Url() + kOrders},
            {"params", {{"page_info", page2}, {"limit", "30"}, {"status", "any"}}},
            {"headers", {{"X-Shopify-Access-Token", kShopToken}}},
            {"max_retries", 0}};
  RestHarness r;
  try {
    r.Read(rest);
    FAIL() << "the mock accepted status with page_info";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("HTTP 400"), std::string::npos) << error.what();
  }
  Json limit_over{{"url", mock.Url() + kOrders},
                  {"params", {{"limit", "251"}}},
                  {"headers", {{"X-Shopify-Access-Token", kShopToken}}},
                  {"max_retries", 0}};
  EXPECT_THROW(r.Read(limit_over), Error);
}

// F16: with the shop's bucket at 36/40 the next request waits (used − 20) / 2 s; a 500-record read at
// default settings sees no 429.
TEST(ShopifySource, F16_CallLimitPacing) {
  ShopifyMock mock(Json{{"orders", 500}});
  mock.api().SetBucketUsed(36);
  RestHarness h("shopify");
  auto out = h.Read(ShopParams(mock, "orders"));
  EXPECT_EQ(out.rows, 500);
  auto requests = mock.Requests(kOrders);
  ASSERT_EQ(requests.size(), 2u);
  for (const auto& r : requests) EXPECT_TRUE(r.fault.empty());
  // The first answer said 37/40 (36 plus this request, less a few ms of leak): wait (37 − 20) / 2 = 8.5 s.
  EXPECT_GE(requests[1].t - requests[0].t, 8.3);
  EXPECT_LE(requests[1].t - requests[0].t, 10.0);
}

// A 2,000-order read at default settings: no 429. With a faster shop bucket (10, 10/s) and matching settings,
// 80 requests are spaced by the bucket: no 429 and the pace of the leak after the first burst.
TEST(ShopifySource, PacedReadsSeeNo429) {
  {
    ShopifyMock mock(Json{{"orders", 2000}});
    RestHarness h("shopify");
    auto out = h.Read(ShopParams(mock, "orders"));
    EXPECT_EQ(out.rows, 2000);
    auto requests = mock.Requests(kOrders);
    EXPECT_EQ(requests.size(), 8u);
    for (const auto& r : requests) EXPECT_EQ(r.fault, "");
    EXPECT_EQ(out.stats.retries, 0);
  }
  ShopifyMock mock(Json{{"orders", 2000}, {"bucket", {{"size", 10}, {"leak", 10.0}}}});
  RestHarness h("shopify");
  auto out = h.Read(ShopParams(mock, "orders",
                               Json{{"page_size", 25},
                                    {"requests_per_second", 10},
                                    {"rate_limit_burst", 10},
                                    {"max_throttle_retries", 0}}));
  EXPECT_EQ(out.rows, 2000);
  auto requests = mock.Requests(kOrders);
  ASSERT_EQ(requests.size(), 80u);
  EXPECT_EQ(out.stats.retries, 0);
  // Requests beyond the burst of 10 come at the leak rate: 70 more take at least ~7 s.
  EXPECT_GE(requests.back().t - requests.front().t, 6.0);
}

TEST(ShopifySource, ServedVersionWarningAndConnectionTest) {
  ShopifyMock mock(Json{{"orders", 5}, {"supported_versions", {"2025-10"}}, {"scopes", {"read_orders"}}});
  RestHarness h("shopify");
  auto out = h.Read(ShopParams(mock, "orders", Json{{"api_version", "2023-01"}}));
  ASSERT_EQ(out.warnings.size(), 1u);
  EXPECT_NE(out.warnings[0].find("Shopify served API version 2025-10 instead of 2023-01"), std::string::npos);
  EXPECT_EQ(mock.Requests("/admin/api/2023-01/orders.json").size(), 1u);

  auto source = h.Configured(ShopParams(mock, "orders"));
  auto result = source->TestConnection(h.conn());
  EXPECT_TRUE(result.ok) << result.message;
  EXPECT_EQ(result.message.find("connected to Mock Shop (mock-shop.myshopify.com), API 2025-10, call limit "),
            0u)
      << result.message;
  ASSERT_EQ(result.checks.size(), 2u);
  EXPECT_EQ(mock.Requests("/admin/oauth/access_scopes.json").size(), 1u);

  auto missing = h.Configured(ShopParams(mock, "customers"))->TestConnection(h.conn());
  EXPECT_FALSE(missing.ok);
  EXPECT_EQ(missing.kind, ErrorKind::kPermissionDenied);
  EXPECT_NE(missing.message.find("token lacks the scope for customers (read_customers)"), std::string::npos)
      << missing.message;
  Json wrong = ShopParams(mock, "orders");
  wrong["access_token"] = "shpat_wrong";
  auto denied = h.Configured(wrong)->TestConnection(h.conn());
  EXPECT_FALSE(denied.ok);
  EXPECT_EQ(denied.kind, ErrorKind::kAuthFailed);
  // Discover lists only the objects the token's scopes allow.
  auto objects = h.Configured(ShopParams(mock, "orders"))->Discover(h.conn());
  std::vector<std::string> names;
  for (const auto& o : objects) names.push_back(o.name);
  EXPECT_EQ(names, (std::vector<std::string>{"orders", "order_line_items", "order_fulfillments",
                                             "order_refunds", "tender_transactions"}));
}

TEST(ShopifySource, CancelStopsAPacedWait) {
  ShopifyMock mock(Json{{"orders", 500}});
  mock.api().SetBucketUsed(36);
  RestHarness h("shopify");
  CancelToken cancel;
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    cancel.Cancel();
  });
  const auto start = std::chrono::steady_clock::now();
  try {
    h.Read(ShopParams(mock, "orders"), "t", connectors::ReadRequest{}, &cancel);
    ADD_FAILURE() << "read finished despite cancel";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kCancelled) << error.what();
  }
  canceller.join();
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 3.0);
}

}  // namespace
}  // namespace sqlflow::testing

// The shopify source through the real `sqlflow` binary and executor, against the in-process mock: F31
// (incremental over two runs, APPEND and UPSERT, every request with updated_at_max), F28 (SIGINT in the
// middle of a read), the compile-time object check (exit 2, no request made) and the pacing of a 2,000-order
// read at default settings (CONNECTORS.md §3.9, §4.3, §6.7).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <iostream>
#include <thread>

#include "cli_test_util.h"
#include "shopify_test_util.h"

namespace sqlflow::testing {
namespace {

const std::string kOrders = "/admin/api/2025-10/orders.json";

// "YYYY-MM-DDTHH:MM:SS+00:00" of epoch seconds, the form the connector sends its window bounds in.
std::string IsoUtc(std::time_t epoch) {
  std::tm tm{};
  gmtime_r(&epoch, &tm);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
  return text;
}

// Waits until the mock has written the answer of every logged request (the status is set after the client may
// already have read it), at most a second.
std::vector<mockd::LoggedRequest> Answered(ShopifyMock& mock, const std::string& path) {
  std::vector<mockd::LoggedRequest> requests;
  for (int i = 0; i < 100; ++i) {
    requests = mock.Requests(path);
    bool all = true;
    for (const auto& r : requests) all = all && r.status != 0;
    if (all) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return requests;
}

class ShopifyCli : public ::testing::Test {
 protected:
  ShopifyCli() : project_("shopify-cli") { project_.SetEnv("SHOP_TOKEN", kShopToken); }

  // The profile connector `shop` on the mock (token from $SHOP_TOKEN) plus `extra` parameter lines.
  void Project(const ShopifyMock& mock, const std::string& pipeline, const std::string& extra = "") {
    project_.Profile(
        "  shop:\n    type: shopify\n    params:\n      shop_domain: mock-shop\n      access_token: "
        "\"${SHOP_TOKEN}\"\n      base_url: \"" +
        mock.Url() + "\"\n" + extra);
    project_.Pipeline("p", pipeline);
  }
  Command Run(const std::string& args) const { return project_.Run(args); }
  std::string Query(const std::string& sql) const { return project_.Query(sql); }

  CliProject project_;
};

// F31: the second run asks only for orders updated since the watermark; APPEND does not reload the order
// equal to it, UPSERT re-reads and replaces it; no duplicates; every first request carries updated_at_max =
// read start − clock_skew_seconds (60 s), the first run's included. The UPSERT source names no object: the
// LOAD's table is the object.
TEST_F(ShopifyCli, F31_IncrementalOverTwoRuns) {
  ShopifyMock mock(Json{{"orders", 300}});
  Project(mock, R"(SOURCE shop_orders FROM "shop" OPTIONS {"object": "orders", "page_size": 100,
  "sync_mode": "incremental", "cursor_field": "updated_at"};
LOAD orders_log FROM shop_orders MODE APPEND;
SOURCE shop_latest FROM "shop" OPTIONS {"page_size": 100, "sync_mode": "incremental", "cursor_field": "updated_at"};
LOAD orders FROM shop_latest MODE UPSERT KEY (id);
)",
          "      retry_delay: 0.05\n");
  auto check_window = [&](std::time_t started, std::time_t ended, const std::string& min) {
    size_t first_requests = 0;
    for (const auto& r : mock.Requests(kOrders)) {
      if (!r.Param("page_info").empty()) {
        EXPECT_EQ(r.Param("updated_at_max"), "");  // a page_info request carries only limit (and fields)
        continue;
      }
      ++first_requests;
      EXPECT_EQ(r.Param("updated_at_min"), min);
      EXPECT_EQ(r.Param("status"), "any");
      const std::string max = r.Param("updated_at_max");
      EXPECT_GE(max, IsoUtc(started - 61)) << r.query;
      EXPECT_LE(max, IsoUtc(ended - 59)) << r.query;
    }
    EXPECT_EQ(first_requests, 2u);
  };
  std::time_t started = std::time(nullptr);
  Command first = Run("pipeline run p");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  check_window(started, std::time(nullptr), "");
  EXPECT_EQ(mock.Requests(kOrders).size(), 6u);  // 3 pages per source
  EXPECT_EQ(Query("SELECT count(*) || '/' || count(DISTINCT id) FROM orders_log"), "300/300");
  EXPECT_EQ(Query("SELECT count(*) || '/' || count(DISTINCT id) FROM orders"), "300/300");
  const std::string watermark =
      Query("SELECT strftime(max(updated_at), '%Y-%m-%dT%H:%M:%S+00:00') FROM orders_log");
  const std::string top_id = Query("SELECT id FROM orders_log ORDER BY updated_at DESC, id LIMIT 1");

  mock.api().GrowOrders(20);  // created after every existing update
  const int64_t touched_a = mockd::ShopifyApi::OrderId(5), touched_b = mockd::ShopifyApi::OrderId(6);
  mock.api().TouchOrders({touched_a, touched_b});
  mock.server().log().Clear();
  started = std::time(nullptr);
  Command second = Run("pipeline run p");
  ASSERT_EQ(second.exit_code, 0) << second.output;
  check_window(started, std::time(nullptr), watermark);
  // 22 changed orders (and the one at the watermark) fit one page of 100.
  EXPECT_EQ(mock.Requests(kOrders).size(), 2u);
  EXPECT_EQ(Query("SELECT count(*) || '/' || count(DISTINCT id) FROM orders_log"), "322/320");
  EXPECT_EQ(Query("SELECT count(*) FROM orders_log WHERE id = " + top_id), "1");
  EXPECT_EQ(Query("SELECT count(*) || '/' || count(DISTINCT id) FROM orders"), "320/320");
  EXPECT_EQ(Query("SELECT note FROM orders WHERE id = " + std::to_string(touched_a)), "note v1");
  EXPECT_EQ(Query("SELECT rows_loaded FROM sqlflow_state WHERE target = 'orders'"), "23");
  EXPECT_EQ(Query("SELECT rows_loaded FROM sqlflow_state WHERE target = 'orders_log'"), "22");
  for (const Command* c : {&first, &second}) EXPECT_EQ(c->output.find(kShopToken), std::string::npos);
}

// F28: SIGINT while the second page of an incremental read stalls: exit 130 within a second, the target and
// the watermark unchanged, no temp files left.
TEST_F(ShopifyCli, F28_SigintInTheMiddleOfARead) {
  ShopifyMock mock(Json{{"orders", 300}});
  Project(mock, R"(SOURCE shop_orders FROM "shop" OPTIONS {"object": "orders", "page_size": 100,
  "sync_mode": "incremental", "cursor_field": "updated_at"};
LOAD orders_log FROM shop_orders MODE APPEND;
)");
  ASSERT_EQ(Run("pipeline run p").exit_code, 0);
  const std::string before = Query(
      "SELECT count(*) || '|' || (SELECT string_agg(watermark, ',') FROM sqlflow_state) FROM orders_log");
  mock.api().GrowOrders(250);
  mock.server().log().Clear();
  mock.Fault({{"path", kOrders},
              {"query", {{"page_info", "*"}}},
              {"times", -1},
              {"kind", "delay"},
              {"delay_ms", 20000}});
  const Interrupted run = project_.InterruptRun("p", [&] { return mock.Requests(kOrders).size() >= 2; });
  ASSERT_TRUE(run.exited) << "sqlflow still running 5 s after SIGINT";
  EXPECT_LT(run.seconds, 1.0);
  EXPECT_EQ(run.ExitCode(), 130) << "status " << run.status;
  // The first page (100 new orders) had been read when the signal came.
  auto requests = mock.Requests(kOrders);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].status, 200);
  EXPECT_NE(requests[1].Param("page_info"), "");
  EXPECT_EQ(
      Query(
          "SELECT count(*) || '|' || (SELECT string_agg(watermark, ',') FROM sqlflow_state) FROM orders_log"),
      before);
  EXPECT_EQ(project_.TempLeftovers(), 0u);
}

// An unknown object named by the LOAD (the SOURCE sets none) is a compile error at the table name: validate
// and run exit 2 and no request reaches the shop. A cursor field the object cannot push down is a warning.
TEST_F(ShopifyCli, UnknownObjectOfALoadIsACompileError) {
  ShopifyMock mock;
  Project(mock, R"(SOURCE shop_src FROM "shop";
LOAD customers FROM shop_src;
LOAD ordrs FROM shop_src;
)");
  for (const std::string verb : {"validate", "run"}) {
    Command out = Run("pipeline " + verb + " p");
    EXPECT_EQ(out.exit_code, 2) << out.output;
    EXPECT_NE(out.output.find("pipelines/p.sf:3:6: error: SHOPIFY connector: unknown object 'ordrs' (did you "
                              "mean 'orders'?); objects: orders, order_line_items"),
              std::string::npos)
        << out.output;
    EXPECT_NE(out.output.find("[SF406]"), std::string::npos) << out.output;
    EXPECT_EQ(out.output.find(kShopToken), std::string::npos);
  }
  EXPECT_EQ(mock.server().log().size(), 0u);

  Project(mock,
          R"(SOURCE shop_src FROM "shop" OPTIONS {"sync_mode": "incremental", "cursor_field": "processed_at"};
LOAD orders FROM shop_src MODE APPEND;
)");
  Command warned = Run("pipeline validate p");
  EXPECT_EQ(warned.exit_code, 0) << warned.output;
  EXPECT_NE(
      warned.output.find("pipelines/p.sf:2:6: warning: SHOPIFY connector: cursor_field 'processed_at' of "
                         "object 'orders' has no server filter"),
      std::string::npos)
      << warned.output;
  EXPECT_EQ(mock.server().log().size(), 0u);
}

// Replays the shop's leaky bucket over the logged requests and checks the client's pacing rule of §3.9: after
// an answer whose call limit showed used ≥ 0.8 × size, the next request waits (used − 0.5 × size) / leak
// seconds, and never much longer. `used` starts at `start_used` at time `start_t` (mock clock).
void ExpectPacedByTheBucket(const std::vector<mockd::LoggedRequest>& requests, double size, double leak,
                            double start_used, double start_t) {
  double level = start_used, t = start_t, wait = 0;
  for (size_t k = 0; k < requests.size(); ++k) {
    const auto& r = requests[k];
    EXPECT_NE(r.status, 429) << "request " << k << " was throttled";
    EXPECT_EQ(r.status, 200) << "request " << k;
    level = std::max(0.0, level - (r.t - t) * leak) + 1;
    EXPECT_LE(level, size + 1e-6) << "request " << k << " overfills the bucket";
    if (k > 0) {
      const double gap = r.t - requests[k - 1].t;
      EXPECT_GE(gap, wait - 0.05) << "request " << k << " came too early";
      EXPECT_LE(gap, wait + 1.5) << "request " << k << " waited longer than the bucket needs";
    }
    t = r.t;
    const double used = std::ceil(level - 1e-9);
    wait = used >= 0.8 * size ? (used - 0.5 * size) / leak : 0;
  }
}

// 2,000 orders at default settings (page_size 250, 2 requests/s, burst 40) against the mock's bucket (40,
// 2/s): once with an idle shop, once with a shop whose bucket another app has filled to 36/40. No 429; the
// requests are spaced as the bucket allows. Prints the figures recorded in SOURCE.md.
TEST_F(ShopifyCli, PacingOf2000OrdersAtDefaultSettings) {
  for (const double used : {0.0, 36.0}) {
    ShopifyMock mock(Json{{"orders", 2000}});
    Project(mock, "SOURCE shop_orders FROM \"shop\";\nLOAD orders FROM shop_orders;\n");
    mock.api().SetBucketUsed(used);
    const double set_at = mock.server().Now();
    const auto start = std::chrono::steady_clock::now();
    Command out = Run("pipeline run p");
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_EQ(out.exit_code, 0) << out.output;
    EXPECT_EQ(Query("SELECT count(*) || '/' || count(DISTINCT id) FROM orders"), "2000/2000");
    auto requests = Answered(mock, kOrders);
    ASSERT_EQ(requests.size(), 8u);
    ExpectPacedByTheBucket(requests, 40, 2, used, set_at);
    const double span = requests.back().t - requests.front().t;
    if (used == 0)
      EXPECT_LT(span, 4.0);  // 8 requests fit the burst: no wait at all
    else
      EXPECT_GE(span, 8.0);  // 37/40 after the first answer: (37 − 20) / 2 = 8.5 s
    std::cout << "[ figures  ] bucket at " << used << "/40: " << requests.size() << " requests, span " << span
              << " s, sqlflow wall " << wall << " s, mock serving " << mock.api().ServeSeconds() << " s\n";
  }
}

}  // namespace
}  // namespace sqlflow::testing

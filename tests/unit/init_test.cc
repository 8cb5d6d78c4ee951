#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sqlflow/common/text.h"
#include "sqlflow/project/init.h"
#include "sqlflow/project/profile.h"

namespace sqlflow::project {
namespace {

namespace fs = std::filesystem;

using Row = std::vector<std::string>;

struct Csv {
  Row header;
  std::vector<Row> rows;
};

Csv ParseCsv(const std::string& text) {
  Csv csv;
  std::istringstream in(text);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    Row row = Split(line, ',');
    if (first) {
      csv.header = row;
      first = false;
    } else {
      csv.rows.push_back(row);
    }
  }
  return csv;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

class InitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device device;
    base_ = fs::temp_directory_path() / ("sqlflow_init_test_" + std::to_string(device()));
    fs::create_directories(base_);
  }
  void TearDown() override {
    std::error_code error;
    fs::remove_all(base_, error);
  }

  // Every file under `dir` (relative path -> content); directories as "<path>/" -> "".
  static std::map<std::string, std::string> Snapshot(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      std::string relative = fs::relative(entry.path(), dir).generic_string();
      if (entry.is_directory()) {
        files[relative + "/"] = "";
      } else {
        files[relative] = ReadFile(entry.path());
      }
    }
    return files;
  }

  fs::path base_;
};

TEST_F(InitTest, WritesTheProjectFiles) {
  fs::path dir = base_ / "proj";
  Diagnostics diagnostics;
  InitResult result;
  ASSERT_TRUE(InitProject(dir, false, false, diagnostics, &result));
  EXPECT_EQ(diagnostics.All().size(), 0u);
  std::vector<std::string> expected = {"profiles/dev.yml",
                                       "profiles/prod.yml",
                                       "data/customers.csv",
                                       "data/products.csv",
                                       "data/orders.csv",
                                       "pipelines/example.sf",
                                       "pipelines/customer_analytics.sf",
                                       "pipelines/data_quality.sf",
                                       "python_udfs/example_udfs.py",
                                       "output/",
                                       "README.md",
                                       ".gitignore"};
  EXPECT_EQ(result.created, expected);
  for (const auto& path : expected) EXPECT_TRUE(fs::exists(dir / path)) << path;
  EXPECT_TRUE(fs::is_directory(dir / "output"));
  EXPECT_TRUE(fs::is_empty(dir / "output"));
  EXPECT_EQ(ReadFile(dir / ".gitignore"), "target/\noutput/\n.env\n");

  std::string udfs = ReadFile(dir / "python_udfs/example_udfs.py");
  EXPECT_NE(udfs.find("from sqlflow.udfs import python_scalar_udf"), std::string::npos);
  EXPECT_NE(udfs.find("@python_scalar_udf\ndef title_case(text: str) -> str:"), std::string::npos);

  std::string analytics = ReadFile(dir / "pipelines/customer_analytics.sf");
  EXPECT_NE(analytics.find("SET top_n = 10;"), std::string::npos);
  EXPECT_NE(analytics.find("LIMIT ${top_n};"), std::string::npos);
  std::string example = ReadFile(dir / "pipelines/example.sf");
  EXPECT_NE(example.find("EXPORT SELECT * FROM greetings ORDER BY id TO \"output/example_results.csv\";"),
            std::string::npos);
  std::string quality = ReadFile(dir / "pipelines/data_quality.sf");
  EXPECT_NE(quality.find("FROM dq_checks ORDER BY check_name TO \"output/data_quality_report.csv\";"),
            std::string::npos);

  std::string summary = FormatInitSummary(dir, false, result);
  EXPECT_NE(summary.find("cd " + dir.generic_string()), std::string::npos);
  EXPECT_NE(summary.find("sqlflow pipeline run customer_analytics"), std::string::npos);
}

TEST_F(InitTest, ProfilesLoadAsDescribed) {
  fs::path dir = base_ / "proj";
  Diagnostics diagnostics;
  ASSERT_TRUE(InitProject(dir, false, false, diagnostics, nullptr));
  SourceCache sources(dir.string());
  EXPECT_TRUE(CheckProject(dir, diagnostics));
  EXPECT_EQ(ListProfiles(dir), (std::vector<std::string>{"dev", "prod"}));
  auto dev = LoadProfile(dir, "dev", diagnostics, sources);
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->engine.mode, "memory");
  EXPECT_EQ(dev->variables.at("env").value, "dev");
  EXPECT_EQ(dev->log_level, "info");
  auto prod = LoadProfile(dir, "prod", diagnostics, sources);
  ASSERT_TRUE(prod);
  EXPECT_EQ(prod->engine.mode, "persistent");
  EXPECT_EQ(prod->engine.path, "target/prod.duckdb");
  EXPECT_EQ(prod->engine.memory_limit, "4GB");
  EXPECT_EQ(prod->variables.at("env").value, "prod");
  EXPECT_EQ(diagnostics.All().size(), 0u);
}

TEST_F(InitTest, RefusesToOverwriteWithoutForceAndWritesNothing) {
  fs::path dir = base_ / "proj";
  fs::create_directories(dir / "pipelines");
  { std::ofstream(dir / "pipelines/example.sf") << "-- mine\n"; }
  Diagnostics diagnostics;
  EXPECT_FALSE(InitProject(dir, false, false, diagnostics, nullptr));
  ASSERT_EQ(diagnostics.ErrorCount(), 1);
  EXPECT_EQ(diagnostics.All()[0].code, "SF512");
  EXPECT_EQ(diagnostics.All()[0].message,
            "refusing to overwrite " + (dir / "pipelines/example.sf").generic_string() + " (use --force)");
  EXPECT_EQ(ReadFile(dir / "pipelines/example.sf"), "-- mine\n");
  EXPECT_FALSE(fs::exists(dir / "profiles"));
  EXPECT_FALSE(fs::exists(dir / "README.md"));

  Diagnostics forced;
  EXPECT_TRUE(InitProject(dir, false, true, forced, nullptr));
  EXPECT_EQ(forced.ErrorCount(), 0);
  EXPECT_NE(ReadFile(dir / "pipelines/example.sf"), "-- mine\n");
  EXPECT_TRUE(fs::exists(dir / "profiles/dev.yml"));
}

TEST_F(InitTest, TwoRunsAreByteIdentical) {
  Diagnostics diagnostics;
  ASSERT_TRUE(InitProject(base_ / "a", false, false, diagnostics, nullptr));
  ASSERT_TRUE(InitProject(base_ / "b", false, false, diagnostics, nullptr));
  auto a = Snapshot(base_ / "a");
  auto b = Snapshot(base_ / "b");
  EXPECT_EQ(a.size(), b.size());
  EXPECT_TRUE(a == b);
}

TEST_F(InitTest, MinimalWritesOnlyTheMinimalSet) {
  fs::path dir = base_ / "mini";
  Diagnostics diagnostics;
  InitResult result;
  ASSERT_TRUE(InitProject(dir, true, false, diagnostics, &result));
  std::map<std::string, std::string> files = Snapshot(dir);
  std::set<std::string> names;
  for (const auto& [name, content] : files) names.insert(name);
  EXPECT_EQ(names,
            (std::set<std::string>{"profiles/", "profiles/dev.yml", "profiles/prod.yml", "pipelines/",
                                   "pipelines/example.sf", "data/", "output/", "README.md", ".gitignore"}));
  EXPECT_EQ(FormatInitSummary(dir, true, result).find("customer_analytics"), std::string::npos);
}

TEST_F(InitTest, SampleValuesHaveNoCommasQuotesOrLineBreaks) {
  for (const std::string& text : {SampleCustomersCsv(), SampleProductsCsv(), SampleOrdersCsv()}) {
    Csv csv = ParseCsv(text);
    EXPECT_EQ(text.find('"'), std::string::npos);
    EXPECT_EQ(text.find('\''), std::string::npos);
    EXPECT_EQ(text.find('\r'), std::string::npos);
    for (const auto& row : csv.rows) ASSERT_EQ(row.size(), csv.header.size()) << Join(row, ",");
  }
}

TEST_F(InitTest, CustomersSatisfyTheInvariants) {
  Csv csv = ParseCsv(SampleCustomersCsv());
  EXPECT_EQ(Join(csv.header, ","), "customer_id,name,email,country,city,signup_date,age,tier");
  ASSERT_EQ(csv.rows.size(), 1000u);
  const std::map<std::string, std::set<std::string>> kCities = {
      {"US", {}},     {"UK", {}},    {"Canada", {}}, {"Germany", {}},
      {"France", {}}, {"Spain", {}}, {"Italy", {}},  {"Australia", {}}};
  std::map<std::string, std::set<std::string>> cities;
  const std::regex kDate("2023-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])");
  const std::set<std::string> kTiers = {"bronze", "silver", "gold", "platinum"};
  int empty_emails = 0;
  for (size_t index = 0; index < csv.rows.size(); ++index) {
    const Row& row = csv.rows[index];
    int id = std::stoi(row[0]);
    EXPECT_EQ(id, static_cast<int>(index) + 1);
    std::vector<std::string> name = Split(row[1], ' ');
    ASSERT_EQ(name.size(), 2u) << row[1];
    if (row[2].empty()) {
      ++empty_emails;
      EXPECT_EQ(id % 83, 0) << id;
    } else {
      EXPECT_NE(id % 83, 0) << id;
      EXPECT_EQ(row[2], ToLower(name[0]) + "." + ToLower(name[1]) + std::to_string(id) + "@example.com");
    }
    EXPECT_TRUE(kCities.count(row[3])) << row[3];
    cities[row[3]].insert(row[4]);
    EXPECT_TRUE(std::regex_match(row[5], kDate)) << row[5];
    int age = std::stoi(row[6]);
    EXPECT_GE(age, 18);
    EXPECT_LE(age, 75);
    EXPECT_TRUE(kTiers.count(row[7])) << row[7];
  }
  EXPECT_EQ(empty_emails, 12);
  EXPECT_EQ(cities.size(), 8u);
  for (const auto& [country, names] : cities) EXPECT_EQ(names.size(), 5u) << country;
  // a city belongs to one country
  std::set<std::string> all_cities;
  for (const auto& [country, names] : cities) all_cities.insert(names.begin(), names.end());
  EXPECT_EQ(all_cities.size(), 40u);
}

TEST_F(InitTest, ProductsAndOrdersSatisfyTheInvariants) {
  Csv products = ParseCsv(SampleProductsCsv());
  EXPECT_EQ(Join(products.header, ","), "product_id,name,category,price,stock_quantity,supplier");
  ASSERT_EQ(products.rows.size(), 500u);
  const std::set<std::string> kCategories = {"Electronics", "Home", "Sports", "Office", "Fashion", "Books"};
  const std::regex kPrice("[0-9]+\\.[0-9]{2}");
  const std::regex kSupplier("Supplier [A-J]");
  std::map<int, std::string> price_of;
  std::map<int, std::string> category_of;
  for (size_t index = 0; index < products.rows.size(); ++index) {
    const Row& row = products.rows[index];
    int id = std::stoi(row[0]);
    EXPECT_EQ(id, 101 + static_cast<int>(index));
    EXPECT_FALSE(row[1].empty());
    EXPECT_TRUE(kCategories.count(row[2])) << row[2];
    EXPECT_TRUE(std::regex_match(row[3], kPrice)) << row[3];
    double price = std::stod(row[3]);
    EXPECT_GE(price, 5.99);
    EXPECT_LE(price, 199.99);
    int stock = std::stoi(row[4]);
    EXPECT_GE(stock, 0);
    EXPECT_LE(stock, 500);
    EXPECT_TRUE(std::regex_match(row[5], kSupplier)) << row[5];
    price_of[id] = row[3];
    category_of[id] = row[2];
  }

  Csv orders = ParseCsv(SampleOrdersCsv());
  EXPECT_EQ(Join(orders.header, ","),
            "order_id,customer_id,product_id,quantity,unit_price,order_date,status");
  ASSERT_EQ(orders.rows.size(), 5000u);
  const std::regex kDate("2023-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])");
  std::map<std::string, int> status_counts;
  std::set<std::string> completed_categories;
  int unknown_customer = 0;
  for (size_t index = 0; index < orders.rows.size(); ++index) {
    const Row& row = orders.rows[index];
    int id = std::stoi(row[0]);
    EXPECT_EQ(id, static_cast<int>(index) + 1);
    int customer = std::stoi(row[1]);
    if (id % 1000 == 0) {
      EXPECT_EQ(customer, 1001);
    } else {
      EXPECT_GE(customer, 1);
      EXPECT_LE(customer, 1000);
    }
    if (customer < 1 || customer > 1000) ++unknown_customer;
    int product = std::stoi(row[2]);
    ASSERT_TRUE(price_of.count(product)) << product;
    int quantity = std::stoi(row[3]);
    EXPECT_GE(quantity, 1);
    EXPECT_LE(quantity, 5);
    EXPECT_EQ(row[4], price_of[product]);
    EXPECT_TRUE(std::regex_match(row[5], kDate)) << row[5];
    status_counts[row[6]]++;
    if (row[6] == "completed") completed_categories.insert(category_of[product]);
  }
  EXPECT_EQ(unknown_customer, 5);
  EXPECT_EQ(completed_categories, kCategories);
  EXPECT_EQ(status_counts.size(), 4u);
  auto share = [&](const std::string& status) { return status_counts[status] / 5000.0; };
  EXPECT_NEAR(share("completed"), 0.70, 0.03);
  EXPECT_NEAR(share("pending"), 0.15, 0.03);
  EXPECT_NEAR(share("cancelled"), 0.10, 0.03);
  EXPECT_NEAR(share("shipped"), 0.05, 0.02);
}

}  // namespace
}  // namespace sqlflow::project

#include "sqlflow/project/init.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string_view>

namespace sqlflow::project {

namespace fs = std::filesystem;

namespace {

// ---- file contents ----

constexpr std::string_view kDevProfile = R"(# Development profile: the default (--profile dev).
# Environment variables can be used in values: ${VAR} or ${VAR|default} (read after .env).
engines:
  duckdb:
    mode: memory              # memory | persistent; memory starts empty on every run
    # threads: 4
    # memory_limit: 2GB
variables:
  env: dev                    # available in pipelines as ${env}
log_level: info               # debug | info | warning | error
# Connectors used with SOURCE <name> FROM "<connector>":
# connectors:
#   warehouse:
#     type: postgres
#     params:
#       host: ${PGHOST|localhost}
#       database: analytics
#       user: etl
#       password: ${PGPASSWORD}
)";

constexpr std::string_view kProdProfile = R"(# Production profile: sqlflow pipeline run <name> --profile prod
# Tables are kept in a DuckDB file between runs.
engines:
  duckdb:
    mode: persistent
    path: target/prod.duckdb  # relative to the project root
    memory_limit: 4GB
variables:
  env: prod
)";

constexpr std::string_view kExamplePipeline =
    R"(-- A first pipeline that needs no input files: build a table and export it.
CREATE TABLE greetings AS
SELECT * FROM (VALUES (1, 'hello', 'en'), (2, 'hola', 'es'), (3, 'bonjour', 'fr')) AS t(id, greeting, language);
EXPORT SELECT * FROM greetings ORDER BY id TO "output/example_results.csv";
)";

constexpr std::string_view kCustomerAnalyticsPipeline =
    R"(-- Customer analytics over the sample data: spend per customer, top customers, sales by category.
-- Try: sqlflow pipeline run customer_analytics --vars top_n=5
SET top_n = 10;
SOURCE customers_src TYPE CSV PARAMS {"path": "data/customers.csv", "has_header": true};
SOURCE orders_src TYPE CSV PARAMS {"path": "data/orders.csv", "has_header": true};
SOURCE products_src TYPE CSV PARAMS {"path": "data/products.csv", "has_header": true};
LOAD customers FROM customers_src;
LOAD orders FROM orders_src;
LOAD products FROM products_src;
CREATE TABLE customer_summary AS
SELECT c.customer_id, c.name, c.country, c.tier,
       COUNT(o.order_id) AS completed_orders,
       COALESCE(SUM(o.quantity * o.unit_price), 0) AS total_spent
FROM customers c
LEFT JOIN orders o ON o.customer_id = c.customer_id AND o.status = 'completed'
GROUP BY c.customer_id, c.name, c.country, c.tier;
CREATE TABLE top_customers AS
SELECT * FROM customer_summary ORDER BY total_spent DESC, customer_id LIMIT ${top_n};
CREATE TABLE sales_by_category AS
SELECT p.category, COUNT(*) AS orders, SUM(o.quantity) AS units, SUM(o.quantity * o.unit_price) AS revenue
FROM orders o JOIN products p ON p.product_id = o.product_id
WHERE o.status = 'completed' GROUP BY p.category;
EXPORT SELECT * FROM customer_summary ORDER BY customer_id TO "output/customer_summary.csv";
EXPORT SELECT * FROM top_customers ORDER BY total_spent DESC, customer_id TO "output/top_customers.csv";
EXPORT SELECT * FROM sales_by_category ORDER BY revenue DESC TO "output/sales_by_category.csv";
)";

constexpr std::string_view kDataQualityPipeline =
    R"(-- Data-quality checks on the sample data: one row per check with its failed row count.
SOURCE customers_src TYPE CSV PARAMS {"path": "data/customers.csv", "has_header": true};
SOURCE orders_src TYPE CSV PARAMS {"path": "data/orders.csv", "has_header": true};
SOURCE products_src TYPE CSV PARAMS {"path": "data/products.csv", "has_header": true};
LOAD customers FROM customers_src;
LOAD orders FROM orders_src;
LOAD products FROM products_src;
CREATE TABLE dq_checks AS
SELECT 'customers_missing_email' AS check_name, 'customers' AS table_name, COUNT(*) AS failed_rows
  FROM customers WHERE email IS NULL OR email = ''
UNION ALL SELECT 'customers_duplicate_id', 'customers', COUNT(*) - COUNT(DISTINCT customer_id) FROM customers
UNION ALL SELECT 'orders_unknown_customer', 'orders', COUNT(*) FROM orders o
  WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.customer_id = o.customer_id)
UNION ALL SELECT 'orders_unknown_product', 'orders', COUNT(*) FROM orders o
  WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.product_id = o.product_id)
UNION ALL SELECT 'orders_non_positive_quantity', 'orders', COUNT(*) FROM orders WHERE quantity <= 0
UNION ALL SELECT 'products_non_positive_price', 'products', COUNT(*) FROM products WHERE price <= 0;
EXPORT SELECT check_name, table_name, failed_rows,
              CASE WHEN failed_rows = 0 THEN 'pass' ELSE 'fail' END AS status
FROM dq_checks ORDER BY check_name TO "output/data_quality_report.csv";
)";

constexpr std::string_view kExampleUdfs = R"("""Example Python UDFs for SQLFlow.

Every function in python_udfs/ decorated with @python_scalar_udf can be called from SQL by its name:

    SELECT title_case(name) FROM customers;

See them with: sqlflow udf list
"""
from sqlflow.udfs import python_scalar_udf


@python_scalar_udf
def title_case(text: str) -> str:
    """Capitalize the first letter of every word: 'hello wORLD' -> 'Hello World'."""
    return " ".join(word[:1].upper() + word[1:].lower() for word in text.split(" "))
)";

constexpr std::string_view kGitignore = "target/\noutput/\n.env\n";

constexpr std::string_view kReadmeHead = R"(# SQLFlow project

Created by `sqlflow init`. Pipelines are `.sf` files: SQL plus a few statements (SOURCE, LOAD, EXPORT,
SET, INCLUDE, IF) that move data in and out of an embedded DuckDB database.

## Layout

| Path | What it holds |
|---|---|
| `profiles/` | One YAML file per profile: `dev.yml` (in memory, the default) and `prod.yml` (a DuckDB file in `target/`). |
| `pipelines/` | Pipelines (`*.sf`); the pipeline `NAME` is `pipelines/NAME.sf`. |
| `data/` | Input files. |
| `output/` | Export destinations. |
)";

constexpr std::string_view kReadmeUdfRow =
    "| `python_udfs/` | Python UDFs (`@python_scalar_udf`), callable from SQL by name. |\n";

constexpr std::string_view kReadmeTail =
    R"(| `target/` | Tool output: compiled plans in `target/compiled/`, persistent databases. |
| `.env` | Optional `KEY=VALUE` lines, read at start-up; profile values can use them as `${KEY}`. |

All paths are relative to the project root.

## Commands

```sh
sqlflow pipeline list                      # the pipelines
sqlflow pipeline validate                  # check every pipeline without running it
sqlflow pipeline compile example           # write the plan to target/compiled/example.json
sqlflow pipeline run example               # run with the dev profile
sqlflow pipeline run example --profile prod
sqlflow profiles list                      # the profiles
sqlflow profiles show dev                  # a profile after ${VAR} substitution, secrets masked
)";

constexpr std::string_view kReadmeFullCommands =
    R"(sqlflow pipeline run customer_analytics   # writes output/customer_summary.csv, ...
sqlflow pipeline run customer_analytics --vars top_n=5
sqlflow pipeline run data_quality          # writes output/data_quality_report.csv
sqlflow udf list                           # the Python UDFs in python_udfs/
)";

constexpr std::string_view kReadmeEnd = R"(```

Add `-v` for more detail, `--help` to any command for its options.
)";

std::string Readme(bool minimal) {
  std::string text(kReadmeHead);
  if (!minimal) text += kReadmeUdfRow;
  text += kReadmeTail;
  if (!minimal) text += kReadmeFullCommands;
  text += kReadmeEnd;
  return text;
}

// ---- deterministic sample data ----

// splitmix64: a fixed algorithm, so the data is identical on every platform and standard library.
class SampleRandom {
 public:
  explicit SampleRandom(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound).
  int Below(int bound) { return static_cast<int>(Next() % static_cast<uint64_t>(bound)); }

 private:
  uint64_t state_;
};

constexpr std::array<const char*, 40> kFirstNames = {
    "James",   "Mary",      "Robert",  "Patricia", "John",    "Jennifer", "Michael", "Linda",
    "David",   "Elizabeth", "William", "Barbara",  "Richard", "Susan",    "Joseph",  "Jessica",
    "Thomas",  "Sarah",     "Charles", "Karen",    "Daniel",  "Nancy",    "Matthew", "Lisa",
    "Anthony", "Betty",     "Mark",    "Sandra",   "Paul",    "Ashley",   "Oliver",  "Emma",
    "Lucas",   "Sofia",     "Hugo",    "Chloe",    "Luca",    "Giulia",   "Noah",    "Mia"};
constexpr std::array<const char*, 40> kLastNames = {
    "Smith",  "Johnson", "Williams", "Brown",   "Jones",     "Garcia", "Miller",  "Davis",
    "Martin", "Wilson",  "Anderson", "Taylor",  "Thomas",    "Moore",  "Jackson", "White",
    "Harris", "Clark",   "Lewis",    "Walker",  "Hall",      "Young",  "King",    "Wright",
    "Lopez",  "Hill",    "Scott",    "Green",   "Adams",     "Baker",  "Muller",  "Schmidt",
    "Dubois", "Moreau",  "Rossi",    "Bianchi", "Fernandez", "Lee",    "Kelly",   "Evans"};

struct Country {
  const char* name;
  std::array<const char*, 5> cities;
};
constexpr std::array<Country, 8> kCountries = {{
    {"US", {"New York", "Los Angeles", "Chicago", "Houston", "Seattle"}},
    {"UK", {"London", "Manchester", "Birmingham", "Leeds", "Glasgow"}},
    {"Canada", {"Toronto", "Vancouver", "Montreal", "Calgary", "Ottawa"}},
    {"Germany", {"Berlin", "Munich", "Hamburg", "Frankfurt", "Cologne"}},
    {"France", {"Paris", "Lyon", "Marseille", "Toulouse", "Nice"}},
    {"Spain", {"Madrid", "Barcelona", "Valencia", "Seville", "Bilbao"}},
    {"Italy", {"Rome", "Milan", "Naples", "Turin", "Florence"}},
    {"Australia", {"Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide"}},
}};

struct Category {
  const char* name;
  std::array<const char*, 6> items;
};
constexpr std::array<Category, 6> kCategories = {{
    {"Electronics", {"Headphones", "Speaker", "Keyboard", "Monitor", "Charger", "Webcam"}},
    {"Home", {"Lamp", "Blender", "Kettle", "Cushion", "Vase", "Towel Set"}},
    {"Sports", {"Yoga Mat", "Dumbbell", "Tennis Racket", "Water Bottle", "Running Shoes", "Jump Rope"}},
    {"Office", {"Notebook", "Desk Organizer", "Stapler", "Pen Set", "Office Chair", "Whiteboard"}},
    {"Fashion", {"T-Shirt", "Jacket", "Scarf", "Sneakers", "Backpack", "Sunglasses"}},
    {"Books", {"Cookbook", "Novel", "Biography", "Travel Guide", "Poetry Collection", "Atlas"}},
}};
constexpr std::array<const char*, 8> kAdjectives = {"Classic", "Premium", "Compact", "Deluxe",
                                                    "Eco",     "Smart",   "Pro",     "Essential"};

constexpr int kCustomers = 1000;
constexpr int kFirstProductId = 101;
constexpr int kProducts = 500;
constexpr int kOrders = 5000;

// A date in 2023 from a 0-based day of the year.
std::string Date2023(int day_of_year) {
  static constexpr std::array<int, 12> kMonthDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int month = 0;
  while (day_of_year >= kMonthDays[month]) day_of_year -= kMonthDays[month++];
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "2023-%02d-%02d", month + 1, day_of_year + 1);
  return buffer;
}

std::string Cents(int cents) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%d.%02d", cents / 100, cents % 100);
  return buffer;
}

std::string Lower(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

// Product prices in cents, by index (product_id - 101). Shared by products and orders.
std::vector<int> ProductPrices() {
  SampleRandom random(0x5F1F0002);
  std::vector<int> prices;
  for (int index = 0; index < kProducts; ++index) {
    random.Below(static_cast<int>(kCategories.size()));  // category
    random.Below(6);                                     // item
    random.Below(static_cast<int>(kAdjectives.size()));  // adjective
    prices.push_back(599 + random.Below(19999 - 599 + 1));
    random.Below(501);  // stock
    random.Below(10);   // supplier
  }
  return prices;
}

// ---- writing ----

struct PlannedFile {
  std::string path;  // relative to the project directory
  std::string content;
};

}  // namespace

std::string SampleCustomersCsv() {
  static constexpr std::array<const char*, 4> kTiers = {"bronze", "silver", "gold", "platinum"};
  SampleRandom random(0x5F1F0001);
  std::string csv = "customer_id,name,email,country,city,signup_date,age,tier\n";
  for (int id = 1; id <= kCustomers; ++id) {
    std::string first = kFirstNames[random.Below(kFirstNames.size())];
    std::string last = kLastNames[random.Below(kLastNames.size())];
    const Country& country = kCountries[random.Below(kCountries.size())];
    const char* city = country.cities[random.Below(5)];
    std::string signup = Date2023(random.Below(365));
    int age = 18 + random.Below(75 - 18 + 1);
    int tier_roll = random.Below(100);  // 50% bronze, 30% silver, 15% gold, 5% platinum
    const char* tier = kTiers[tier_roll < 50 ? 0 : tier_roll < 80 ? 1 : tier_roll < 95 ? 2 : 3];
    std::string email =
        id % 83 == 0 ? "" : Lower(first) + "." + Lower(last) + std::to_string(id) + "@example.com";
    csv += std::to_string(id) + "," + first + " " + last + "," + email + "," + country.name + "," + city +
           "," + signup + "," + std::to_string(age) + "," + tier + "\n";
  }
  return csv;
}

std::string SampleProductsCsv() {
  SampleRandom random(0x5F1F0002);  // the same stream as ProductPrices()
  std::string csv = "product_id,name,category,price,stock_quantity,supplier\n";
  for (int index = 0; index < kProducts; ++index) {
    const Category& category = kCategories[random.Below(kCategories.size())];
    const char* item = category.items[random.Below(6)];
    const char* adjective = kAdjectives[random.Below(kAdjectives.size())];
    int price = 599 + random.Below(19999 - 599 + 1);
    int stock = random.Below(501);
    char supplier = static_cast<char>('A' + random.Below(10));
    csv += std::to_string(kFirstProductId + index) + "," + adjective + " " + item + "," + category.name +
           "," + Cents(price) + "," + std::to_string(stock) + ",Supplier " + supplier + "\n";
  }
  return csv;
}

std::string SampleOrdersCsv() {
  std::vector<int> prices = ProductPrices();
  SampleRandom random(0x5F1F0003);
  std::string csv = "order_id,customer_id,product_id,quantity,unit_price,order_date,status\n";
  for (int id = 1; id <= kOrders; ++id) {
    int customer = 1 + random.Below(kCustomers);
    if (id % 1000 == 0) customer = kCustomers + 1;  // 5 orders reference a customer that does not exist
    int product_index = random.Below(kProducts);
    int quantity = 1 + random.Below(5);
    std::string date = Date2023(random.Below(365));
    int status_roll = random.Below(100);  // 70% completed, 15% pending, 10% cancelled, 5% shipped
    const char* status = status_roll < 70   ? "completed"
                         : status_roll < 85 ? "pending"
                         : status_roll < 95 ? "cancelled"
                                            : "shipped";
    csv += std::to_string(id) + "," + std::to_string(customer) + "," +
           std::to_string(kFirstProductId + product_index) + "," + std::to_string(quantity) + "," +
           Cents(prices[product_index]) + "," + date + "," + status + "\n";
  }
  return csv;
}

bool InitProject(const fs::path& dir, bool minimal, bool force, Diagnostics& diagnostics,
                 InitResult* result) {
  std::vector<PlannedFile> files = {
      {"profiles/dev.yml", std::string(kDevProfile)},
      {"profiles/prod.yml", std::string(kProdProfile)},
  };
  if (!minimal) {
    files.push_back({"data/customers.csv", SampleCustomersCsv()});
    files.push_back({"data/products.csv", SampleProductsCsv()});
    files.push_back({"data/orders.csv", SampleOrdersCsv()});
  }
  files.push_back({"pipelines/example.sf", std::string(kExamplePipeline)});
  if (!minimal) {
    files.push_back({"pipelines/customer_analytics.sf", std::string(kCustomerAnalyticsPipeline)});
    files.push_back({"pipelines/data_quality.sf", std::string(kDataQualityPipeline)});
    files.push_back({"python_udfs/example_udfs.py", std::string(kExampleUdfs)});
  }
  std::vector<std::string> directories = {"output"};
  if (minimal) directories.insert(directories.begin(), "data");
  std::vector<PlannedFile> tail = {{"README.md", Readme(minimal)}, {".gitignore", std::string(kGitignore)}};

  // Refuse before writing anything.
  bool refused = false;
  if (!force) {
    for (const auto* list : {&files, &tail}) {
      for (const auto& file : *list) {
        std::error_code error;
        if (fs::exists(dir / file.path, error)) {
          diagnostics.Error("SF512",
                            "refusing to overwrite " + (dir / file.path).generic_string() + " (use --force)");
          refused = true;
        }
      }
    }
  }
  if (refused) return false;

  InitResult local;
  InitResult& out = result ? *result : local;
  out.created.clear();
  auto fail = [&](const fs::path& path, const std::string& detail) {
    diagnostics.Error("SF601", "cannot write '" + path.generic_string() + "': " + detail);
    return false;
  };
  auto write = [&](const PlannedFile& file) {
    fs::path path = dir / file.path;
    std::error_code error;
    fs::create_directories(path.parent_path(), error);
    if (error) return fail(path.parent_path(), error.message());
    std::ofstream stream(path, std::ios::binary | std::ios::trunc);
    stream.write(file.content.data(), static_cast<std::streamsize>(file.content.size()));
    stream.close();
    if (!stream) return fail(path, "write failed");
    out.created.push_back(file.path);
    return true;
  };
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return fail(dir, error.message());
  for (const auto& file : files)
    if (!write(file)) return false;
  for (const auto& directory : directories) {
    fs::create_directories(dir / directory, error);
    if (error) return fail(dir / directory, error.message());
    out.created.push_back(directory + "/");
  }
  for (const auto& file : tail)
    if (!write(file)) return false;
  return true;
}

std::string FormatInitSummary(const fs::path& dir, bool minimal, const InitResult& result) {
  std::string shown = dir.generic_string();
  std::string text = "Created SQLFlow project in " + shown + ":\n";
  for (const auto& path : result.created) text += "  " + (dir / path).generic_string() + "\n";
  text += "\nNext steps:\n  cd " + shown + "\n  sqlflow pipeline run " +
          std::string(minimal ? "example" : "customer_analytics") + "\n";
  return text;
}

}  // namespace sqlflow::project

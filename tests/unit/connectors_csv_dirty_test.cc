// The dirty-CSV corpus (issue 17, tests/fixtures/csv_dirty/): every pollution family is loaded through the
// CSV source (as the executor runs its scan, hooks included) and through DuckDB's read_csv given the same
// dialect, and both are compared cell by cell with the family's clean file. Both sides read leniently, as the
// Pollock benchmark loads DuckDB (strict_mode false, ignore_errors, null_padding). The test prints the
// per-family score table and fails when sqlflow recovers less of a family than DuckDB does.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>

#include "connectors_test_util.h"
#include "sqlflow/common/error.h"
#include "sqlflow/connectors/csv/csv_connector.h"

namespace sqlflow::connectors {
namespace {

using Json = nlohmann::ordered_json;

const std::string kCorpusDir = std::string(SQLFLOW_SOURCE_DIR) + "/tests/fixtures/csv_dirty";

struct Table {
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> rows;  // NULL reads as ""
};

Table Fetch(engine::Connection& conn, const std::string& table) {
  auto result = conn.Query("SELECT * FROM " + QuoteIdent(table));
  Table out;
  for (uint64_t c = 0; c < result.column_count(); ++c) out.names.push_back(result.column_name(c));
  for (uint64_t r = 0; r < result.row_count(); ++r) {
    std::vector<std::string> row;
    for (uint64_t c = 0; c < result.column_count(); ++c)
      row.push_back(result.IsNull(c, r) ? "" : result.GetString(c, r));
    out.rows.push_back(std::move(row));
  }
  return out;
}

struct Score {
  bool loaded = false;
  double header = 0;  // share of the clean column names found at their position
  double cells = 0;   // F1 of cells: precision over loaded cells, recall over clean cells
  double rows = 0;    // share of clean rows recovered exactly (all fields, no extra field with data)
  std::string error;
};

// Rows are matched by their first field (the clean files have a unique id there).
Score Compare(const Table& truth, const Table& loaded, bool compare_names) {
  Score s;
  s.loaded = true;
  size_t names = 0;
  for (size_t i = 0; i < truth.names.size(); ++i)
    names += i < loaded.names.size() && loaded.names[i] == truth.names[i];
  s.header = compare_names ? (truth.names.empty() ? 1.0 : double(names) / truth.names.size())
                           : (loaded.names.size() == truth.names.size() ? 1.0 : 0.0);
  if (truth.rows.empty()) {
    s.cells = s.rows = loaded.rows.empty() ? 1.0 : 0.0;
    return s;
  }
  std::map<std::string, const std::vector<std::string>*> by_id;
  for (const auto& row : truth.rows) by_id[row[0]] = &row;
  size_t correct = 0, exact_rows = 0;
  for (const auto& row : loaded.rows) {
    auto it = row.empty() ? by_id.end() : by_id.find(row[0]);
    if (it == by_id.end()) continue;
    const auto& clean = *it->second;
    size_t same = 0;
    for (size_t c = 0; c < clean.size() && c < row.size(); ++c) same += row[c] == clean[c];
    bool extra = false;
    for (size_t c = clean.size(); c < row.size(); ++c) extra |= !row[c].empty();
    correct += same;
    exact_rows += same == clean.size() && !extra;
    by_id.erase(it);  // a second row with the same id is not a match
  }
  const double loaded_cells = double(loaded.rows.size() * loaded.names.size());
  const double clean_cells = double(truth.rows.size() * truth.names.size());
  const double precision = loaded_cells > 0 ? correct / loaded_cells : 0;
  const double recall = correct / clean_cells;
  s.cells = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
  s.rows = double(exact_rows) / truth.rows.size();
  return s;
}

class CsvDirtyCorpusTest : public ::testing::Test {
 protected:
  CsvDirtyCorpusTest() : db_(engine::Database::Open({})), conn_(*db_) {}

  // `lenient`: strict_mode false, ignore_errors, null_padding (as the benchmark reads); otherwise defaults.
  Score LoadWithSqlflow(const std::string& file, const Json& params, const Table& truth, bool names,
                        bool lenient = true) {
    Json all = params;
    all["path"] = file;
    if (lenient) {
      all["strict_mode"] = false;
      all["ignore_errors"] = true;
      all["null_padding"] = true;
    }
    try {
      auto source = testing::MakeSource("csv", all);
      ReadContext context;
      context.source_name = "dirty";
      context.connection = &conn_;
      auto events = testing::Drain(*source->Read({}, context));
      if (std::getenv("SQLFLOW_DIRTY_DEBUG")) std::cout << events.at(0).scan.table_function << "\n";
      testing::RunScan(conn_, events.at(0).scan, "ours");
      return Compare(truth, Fetch(conn_, "ours"), names);
    } catch (const Error& error) {
      Score s;
      s.error = std::string(error.what()) + " / " + error.hint();
      return s;
    }
  }

  // DuckDB's read_csv with the same dialect and the same lenient options.
  Score LoadWithDuckdb(const std::string& file, const Json& params, const Table& truth, bool names) {
    std::string call = "read_csv(" + QuoteLiteral(file);
    call += std::string(", header = ") + (params.value("has_header", true) ? "true" : "false");
    call += ", delim = " + QuoteLiteral(params.value("delimiter", std::string(",")));
    call += ", skip = " + std::to_string(params.value("skip_rows", 0));
    call += ", encoding = " + QuoteLiteral(params.value("encoding", std::string("utf-8")));
    call += ", quote = '\"', escape = '\"'";
    call += ", strict_mode = false, ignore_errors = true, null_padding = true)";
    try {
      conn_.Execute("CREATE OR REPLACE TABLE duck AS SELECT * FROM " + call);
      return Compare(truth, Fetch(conn_, "duck"), names);
    } catch (const std::exception& error) {
      Score s;
      s.error = error.what();
      return s;
    }
  }

  testing::ScopedWorkDir dir_;
  std::unique_ptr<engine::Database> db_;
  engine::Connection conn_;
};

std::string Cell(const Score& s) {
  if (!s.loaded) return "   fails             ";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%5.3f  %5.3f  %5.3f", s.cells, s.rows, s.header);
  return buffer;
}

TEST_F(CsvDirtyCorpusTest, EveryFamilyLoadsAtLeastAsWellAsDuckdb) {
  const Json manifest = Json::parse(testing::ReadFile(kCorpusDir + "/families.json"));
  ASSERT_GE(manifest.size(), 20u);
  std::string table =
      "family                   sqlflow: cells  rows   header | duckdb: cells  rows   header | sqlflow, "
      "strict defaults\n";
  double ours_total = 0, duck_total = 0;
  for (const auto& entry : manifest) {
    const std::string family = entry["family"];
    const Json& params = entry["params"];
    const std::string dirty = kCorpusDir + "/" + entry["dirty"].get<std::string>();
    conn_.Execute("CREATE OR REPLACE TABLE truth AS SELECT * FROM read_csv(" +
                  QuoteLiteral(kCorpusDir + "/" + entry["clean"].get<std::string>()) +
                  ", header = true, delim = ',', quote = '\"', escape = '\"', all_varchar = true)");
    const Table truth = Fetch(conn_, "truth");
    const bool names = params.value("has_header", true);
    const Score ours = LoadWithSqlflow(dirty, params, truth, names);
    const Score duck = LoadWithDuckdb(dirty, params, truth, names);
    ours_total += ours.cells;
    duck_total += duck.cells;
    char name[32];
    std::snprintf(name, sizeof name, "%-24s", family.c_str());
    // The default stays strict: a family either loads or fails naming the line to fix.
    const Score strict = LoadWithSqlflow(dirty, params, truth, names, false);
    std::string strict_text = strict.loaded ? "loads" : "error";
    if (!strict.loaded) {
      std::string lower = ToLower(strict.error);
      const bool names_line = lower.find("line") != std::string::npos;
      EXPECT_TRUE(names_line) << family << ": " << strict.error;
      if (auto at = lower.find("line"); names_line)
        strict_text += ": " + strict.error.substr(at, std::min<size_t>(9, strict.error.size() - at));
      std::replace(strict_text.begin(), strict_text.end(), '\n', ' ');
    }
    table +=
        std::string(name) + " " + Cell(ours) + "        | " + Cell(duck) + "        | " + strict_text + "\n";
    EXPECT_GE(ours.cells + 1e-9, duck.cells) << family << ": " << ours.error;
    EXPECT_GE(ours.rows + 1e-9, duck.rows) << family << ": " << ours.error;
    EXPECT_GE(ours.header + 1e-9, duck.header) << family << ": " << ours.error;
  }
  char totals[160];
  std::snprintf(totals, sizeof totals, "mean cell F1: sqlflow %.3f, duckdb %.3f over %zu families\n",
                ours_total / manifest.size(), duck_total / manifest.size(), manifest.size());
  std::cout << table << totals;
}

}  // namespace
}  // namespace sqlflow::connectors

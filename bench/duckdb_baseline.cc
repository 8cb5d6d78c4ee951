// Baseline for the benchmarks: runs SQL statements from a file directly on DuckDB (through the same C API
// wrapper sqlflow uses), with nothing of sqlflow around them. Usage:
//   duckdb_baseline <sql-file> [database-path]
// Statements are separated by lines holding only ';'. Prints the wall time of each statement.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sqlflow/common/error.h"
#include "sqlflow/engine/database.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <sql-file> [database-path]\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1]);
  std::stringstream text;
  text << in.rdbuf();
  std::vector<std::string> statements;
  std::string current, line;
  while (std::getline(text, line)) {
    if (line == ";") {
      statements.push_back(current);
      current.clear();
    } else {
      current += line + "\n";
    }
  }
  if (current.find_first_not_of(" \n\t") != std::string::npos) statements.push_back(current);
  try {
    sqlflow::engine::EngineOptions options;
    if (argc > 2) options.path = argv[2];
    auto db = sqlflow::engine::Database::Open(options);
    sqlflow::engine::Connection conn(*db);
    for (const auto& sql : statements) {
      auto start = std::chrono::steady_clock::now();
      conn.Execute(sql);
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::fprintf(stderr, "%.3fs  %s\n", seconds, sql.substr(0, 60).c_str());
    }
  } catch (const sqlflow::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}

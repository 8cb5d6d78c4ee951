#include "sqlflow/cli/app.h"

#include <cstdio>

#include "sqlflow/engine/database.h"

namespace sqlflow::cli {

int RunApp(int argc, char** argv) {
  (void)argc;
  (void)argv;
  std::printf("sqlflow %s (duckdb %s)\n", SQLFLOW_VERSION, engine::DuckDBVersion().c_str());
  return 0;
}

}  // namespace sqlflow::cli

#include "sqlflow/cli/app.h"

int main(int argc, char** argv) {
  return sqlflow::cli::RunApp(argc, argv);
}

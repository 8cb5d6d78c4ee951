// Table-UDF calls of one running step (LANGUAGE.md §13.5): each `PYTHON_FUNC('m.f', t, k => v)` left in the
// step's SQL by the planner is run inside the step's transaction and replaced by a temporary table, which
// is dropped when the step ends.
#pragma once

#include <string>
#include <vector>

#include "sqlflow/udf/udf.h"

namespace sqlflow::engine {
class Connection;
}

namespace sqlflow::udf {

class TableUdfScope {
 public:
  // `sql` is the SQL of the running copy of the step (nullptr for steps without SQL); Apply rewrites it.
  TableUdfScope(engine::Connection& conn, int step_index, std::string* sql)
      : conn_(conn), step_index_(step_index), sql_(sql) {
    TakeScalarUdfFailure();  // nothing from an earlier step
  }
  ~TableUdfScope();  // drops the temporary tables
  TableUdfScope(const TableUdfScope&) = delete;
  TableUdfScope& operator=(const TableUdfScope&) = delete;

  // Runs the table-UDF calls in the step's SQL and rewrites it in place. No-op (and no Python) for steps
  // without calls. Throws sqlflow::Error (SF705-SF708).
  void Apply();
  // Same for one SQL text.
  std::string Rewrite(const std::string& sql);

 private:
  engine::Connection& conn_;
  int step_index_;
  std::string* sql_;
  std::vector<std::string> temp_tables_;
};

}  // namespace sqlflow::udf

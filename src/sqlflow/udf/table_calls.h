// Table-UDF calls of one running step (LANGUAGE.md §13.5): each `PYTHON_FUNC('m.f', t, k => v)` left in the
// step's SQL by the planner is run inside the step's transaction and replaced by a temporary table, which
// is dropped when the step ends.
#pragma once

#include <string>
#include <vector>

namespace sqlflow::engine {
class Connection;
}
namespace sqlflow::planner {
struct Step;
}

namespace sqlflow::udf {

class TableUdfScope {
 public:
  // `step` is the running copy of the plan's step, whose SQL Apply rewrites.
  TableUdfScope(engine::Connection& conn, int step_index, planner::Step& step)
      : conn_(conn), step_index_(step_index), step_(step) {}
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
  planner::Step& step_;
  std::vector<std::string> temp_tables_;
};

}  // namespace sqlflow::udf

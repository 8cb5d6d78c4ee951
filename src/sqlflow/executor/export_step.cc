// EXPORT: the query result written to a file, S3 or a table destination (§9.8). The engine side of the
// destination interface (ExportInput) lives here.
#include <random>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/registry/registry.h"
#include "sqlflow/executor/step_context.h"

namespace sqlflow::executor {

namespace {

class EngineExportInput : public connectors::ExportInput {
 public:
  EngineExportInput(engine::Connection& conn, std::string sql, std::string temp_dir)
      : conn_(conn), sql_(std::move(sql)), temp_dir_(std::move(temp_dir)) {}

  const std::string& Sql() const override { return sql_; }

  const connectors::Schema& OutputSchema() const override {
    if (!schema_) {
      connectors::Schema schema;
      auto prepared = conn_.Prepare(sql_);
      for (uint64_t i = 0; i < prepared.column_count(); ++i) {
        std::string type = prepared.column_type(i).ToString();
        schema.push_back({prepared.column_name(i), type, true, type});
      }
      schema_ = std::move(schema);
    }
    return *schema_;
  }

  int64_t CopyTo(const std::string& path, const std::string& copy_options) override {
    std::string sql = "COPY (" + sql_ + ") TO " + QuoteLiteral(path);
    if (!copy_options.empty()) sql += " (" + copy_options + ")";
    auto result = conn_.Query(sql);
    if (result.row_count() > 0 && result.column_count() > 0 && !result.IsNull(0, 0))
      return std::stoll(result.GetString(0, 0));
    return static_cast<int64_t>(result.rows_changed());
  }

  engine::QueryResult Stream(const std::vector<std::string>& select_exprs) override {
    std::string list = select_exprs.empty() ? "*" : Join(select_exprs, ", ");
    return conn_.Stream("SELECT " + list + " FROM (" + sql_ + ") AS sqlflow_export");
  }

  std::string TempPath(const std::string& suffix) override {
    static std::mt19937_64 random{std::random_device{}()};
    return temp_dir_ + "/export-" + std::to_string(random() % 1000000000) + suffix;
  }

  engine::Connection& connection() override { return conn_; }

 private:
  engine::Connection& conn_;
  std::string sql_;
  std::string temp_dir_;
  mutable std::optional<connectors::Schema> schema_;
};

}  // namespace

StepOutcome RunExport(StepContext& ctx) {
  const auto& e = std::get<planner::ExportDetail>(ctx.step.detail);
  const auto& registries = connectors::BuiltinRegistries();
  const auto* type = registries.destinations.Find(e.destination_type);
  if (!type || !type->make_destination)
    throw Error(ErrorKind::kUnsupported, "no destination for type " + e.destination_type);
  auto destination = type->make_destination();
  destination->Configure(e.resolved);

  connectors::WriteRequest request;
  if (e.destination) {
    request.object = *e.destination;
  } else {
    request.object =
        e.resolved.Has("table") ? e.resolved.GetString("table") : e.resolved.GetString("table_name");
  }
  request.mode = e.mode;
  request.keys = e.keys;
  request.format = e.format;
  request.options = e.resolved;
  request.run_id = ctx.options.run_id;
  request.cancel = &ctx.cancel;

  EngineExportInput input(ctx.conn, e.sql, ctx.temp_dir);
  connectors::WriteResult result = destination->Write(request, input);
  return {result.rows, result.detail};
}

}  // namespace sqlflow::executor

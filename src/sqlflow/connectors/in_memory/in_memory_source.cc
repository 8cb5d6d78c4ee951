#include <atomic>
#include <chrono>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/base/now_ms.h"
#include "sqlflow/connectors/files/file_source.h"
#include "sqlflow/connectors/in_memory/in_memory_connector.h"
#include "sqlflow/connectors/in_memory/in_memory_store.h"
#include "sqlflow/connectors/registry/options_util.h"

namespace sqlflow::connectors {
namespace {

// Streams one store query: a Schema event, Batch events of about `batch_size` rows, then End.
class InMemoryReadStream : public ReadStream {
 public:
  InMemoryReadStream(std::unique_ptr<engine::Connection> connection, const std::string& sql,
                     int64_t batch_size)
      : connection_(std::move(connection)),
        result_(connection_->Stream(sql)),
        batch_size_(batch_size > 0 ? batch_size : 10000),
        started_ms_(NowMs()) {}

  ReadEvent Next() override {
    if (cancelled_) throw Error(ErrorKind::kCancelled, "read cancelled");
    ReadEvent event;
    if (!schema_sent_) {
      schema_sent_ = true;
      event.kind = ReadEvent::Kind::kSchema;
      for (uint64_t i = 0; i < result_.column_count(); ++i) {
        const std::string type = result_.column_type_name(i);
        event.schema.push_back({result_.column_name(i), type, true, type});
      }
      return event;
    }
    if (finished_) return event;  // kEnd
    int64_t rows = 0;
    while (rows < batch_size_) {
      if (cancelled_) throw Error(ErrorKind::kCancelled, "read cancelled");
      std::optional<engine::DataChunk> chunk = result_.FetchChunk();
      if (!chunk || chunk->size() == 0) {
        finished_ = true;
        break;
      }
      rows += static_cast<int64_t>(chunk->size());
      event.chunks.push_back(std::move(*chunk));
    }
    stats_.rows += rows;
    stats_.elapsed_ms = NowMs() - started_ms_;
    if (event.chunks.empty()) return ReadEvent{};  // kEnd
    event.kind = ReadEvent::Kind::kBatch;
    return event;
  }

  void Cancel() override {
    cancelled_ = true;
    connection_->Interrupt();
  }

  ReadStats Stats() const override { return stats_; }

 private:
  std::unique_ptr<engine::Connection> connection_;
  engine::QueryResult result_;
  int64_t batch_size_;
  int64_t started_ms_;
  bool schema_sent_ = false;
  bool finished_ = false;
  std::atomic<bool> cancelled_{false};
  ReadStats stats_;
};

}  // namespace

void InMemorySource::Configure(const ResolvedParams& params) {
  std::vector<ParamIssue> issues;
  options_ = ParseInMemorySourceOptions(params.values, issues);
  ThrowFirstError(issues);
}

std::string InMemorySource::TableFor(std::string_view object) const {
  if (!object.empty()) return std::string(object);
  const std::string& table = options_.table_name;
  if (table.empty())
    throw Error(ErrorKind::kInvalidConfig, "IN_MEMORY connector: no table name (set 'table_name')");
  return table;
}

ConnectionTestResult InMemorySource::TestConnection(engine::Connection& scratch) {
  (void)scratch;
  ConnectionTester tester;
  const std::string& table = options_.table_name;
  tester.Run("table", [&] {
    if (table.empty()) return std::string("no table configured");
    if (!options_.data && !InMemoryStore::Get().Exists(table)) InMemoryStore::Get().ThrowMissing(table);
    return "table '" + table + "' exists";
  });
  return tester.Finish(table.empty() ? "in-memory store reachable"
                                     : "in-memory table '" + table + "' readable");
}

std::vector<ObjectRef> InMemorySource::Discover(engine::Connection& scratch) {
  (void)scratch;
  std::vector<ObjectRef> out;
  auto connection = InMemoryStore::Get().Connect();
  for (const auto& name : InMemoryStore::Get().TableNames()) {
    ObjectRef ref;
    ref.name = name;
    ref.kind = "table";
    auto count = connection->QueryValue("SELECT count(*) FROM " + QuoteIdent(name));
    if (count) ref.row_estimate = std::stoll(*count);
    out.push_back(std::move(ref));
  }
  return out;
}

Schema InMemorySource::GetSchema(std::string_view object, engine::Connection& scratch) {
  (void)scratch;
  const std::string table = TableFor(object);
  if (options_.data && !InMemoryStore::Get().Exists(table)) InMemoryStore::Get().Put(table, *options_.data);
  return InMemoryStore::Get().TableSchema(table);
}

namespace {

bool HasColumn(const Schema& schema, const std::string& name) {
  for (const auto& field : schema)
    if (EqualsIgnoreCase(field.name, name)) return true;
  return false;
}

// The store query's select list: `names` (empty = the table's columns, then declared columns it lacks), each
// cast to its declared type where one is given (a declared column the table lacks is all NULL).
std::vector<std::string> SelectList(const Schema& schema, std::vector<std::string> names,
                                    const std::vector<std::pair<std::string, std::string>>& declared) {
  auto declared_type = [&](const std::string& name) -> std::optional<std::string> {
    for (const auto& [column, type] : declared)
      if (EqualsIgnoreCase(column, name)) return type;
    return std::nullopt;
  };
  if (names.empty()) {
    for (const auto& field : schema) names.push_back(field.name);
    for (const auto& [column, type] : declared)
      if (!HasColumn(schema, column)) names.push_back(column);
  }
  std::vector<std::string> select;
  for (const auto& name : names) {
    const auto type = declared_type(name);
    if (!type) {
      select.push_back(QuoteIdent(name));
    } else {
      select.push_back("CAST(" + (HasColumn(schema, name) ? QuoteIdent(name) : std::string("NULL")) + " AS " +
                       *type + ") AS " + QuoteIdent(name));
    }
  }
  return select;
}

}  // namespace

std::unique_ptr<ReadStream> InMemorySource::Read(const ReadRequest& request, ReadContext& context) {
  (void)context;
  InMemoryStore& store = InMemoryStore::Get();
  const std::string table = TableFor(request.object);
  if (options_.data) store.Put(table, *options_.data);
  Schema schema = store.TableSchema(table);  // throws NotFound with the available tables

  std::vector<std::string> columns = request.columns;
  if (columns.empty()) columns = options_.columns;
  if (!columns.empty()) {
    std::vector<ColumnInfo> available;
    for (const auto& field : schema) available.push_back({field.name, field.type});
    CheckColumnsExist(columns, available, "in-memory table '" + table + "'");
  }
  // Declared types win: cast in the store query.
  const std::vector<std::string> select = SelectList(schema, columns, options_.column_types);
  std::string sql = "SELECT " + Join(select, ", ") + " FROM " + QuoteIdent(table);
  if (request.cursor) sql += " WHERE " + CursorPredicate(*request.cursor);
  if (request.limit) sql += " LIMIT " + std::to_string(*request.limit);
  return std::make_unique<InMemoryReadStream>(store.Connect(), sql, request.batch_size);
}

}  // namespace sqlflow::connectors

#include "sqlflow/engine/database.h"

#include <duckdb.h>

#include <filesystem>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"

struct _duckdb_result_holder {
  duckdb_result result{};
  bool valid = false;
};

namespace sqlflow::engine {

namespace {

// The one place where DuckDB's error classes become ErrorKinds (STYLE.md §2): callers decide on the kind,
// never on the message text. Every engine error keeps the code SF613 (the engine's text, verbatim), except an
// interrupt, which is the run's cancellation (SF615).
ErrorKind KindOf(duckdb_error_type type) {
  switch (type) {
    case DUCKDB_ERROR_INTERRUPT:
      return ErrorKind::kCancelled;
    case DUCKDB_ERROR_CATALOG:
    case DUCKDB_ERROR_MISSING_EXTENSION:
      return ErrorKind::kNotFound;
    case DUCKDB_ERROR_PERMISSION:
      return ErrorKind::kPermissionDenied;
    case DUCKDB_ERROR_NETWORK:
    case DUCKDB_ERROR_HTTP:
      return ErrorKind::kTransient;
    case DUCKDB_ERROR_NOT_IMPLEMENTED:
      return ErrorKind::kUnsupported;
    case DUCKDB_ERROR_SETTINGS:
      return ErrorKind::kInvalidConfig;
    case DUCKDB_ERROR_INTERNAL:
    case DUCKDB_ERROR_FATAL:
    case DUCKDB_ERROR_NULL_POINTER:
      return ErrorKind::kInternal;
    // Conversion, constraint, binder, parser, out of range, and local I/O (deterministic: never retried).
    default:
      return ErrorKind::kDataError;
  }
}

[[noreturn]] void ThrowEngine(const std::string& message, duckdb_error_type type = DUCKDB_ERROR_INVALID) {
  ErrorKind kind = KindOf(type);
  throw Error(kind, message, kind == ErrorKind::kCancelled ? "SF615" : "SF613");
}

[[noreturn]] void ThrowResultError(duckdb_result* result) {
  const char* message = duckdb_result_error(result);
  ThrowEngine(message ? message : "unknown error", duckdb_result_error_type(result));
}

std::string TypeIdName(duckdb_type id) {
  switch (id) {
    case DUCKDB_TYPE_BOOLEAN:
      return "BOOLEAN";
    case DUCKDB_TYPE_TINYINT:
      return "TINYINT";
    case DUCKDB_TYPE_SMALLINT:
      return "SMALLINT";
    case DUCKDB_TYPE_INTEGER:
      return "INTEGER";
    case DUCKDB_TYPE_BIGINT:
      return "BIGINT";
    case DUCKDB_TYPE_UTINYINT:
      return "UTINYINT";
    case DUCKDB_TYPE_USMALLINT:
      return "USMALLINT";
    case DUCKDB_TYPE_UINTEGER:
      return "UINTEGER";
    case DUCKDB_TYPE_UBIGINT:
      return "UBIGINT";
    case DUCKDB_TYPE_FLOAT:
      return "FLOAT";
    case DUCKDB_TYPE_DOUBLE:
      return "DOUBLE";
    case DUCKDB_TYPE_TIMESTAMP:
      return "TIMESTAMP";
    case DUCKDB_TYPE_DATE:
      return "DATE";
    case DUCKDB_TYPE_TIME:
      return "TIME";
    case DUCKDB_TYPE_INTERVAL:
      return "INTERVAL";
    case DUCKDB_TYPE_HUGEINT:
      return "HUGEINT";
    case DUCKDB_TYPE_UHUGEINT:
      return "UHUGEINT";
    case DUCKDB_TYPE_VARCHAR:
      return "VARCHAR";
    case DUCKDB_TYPE_BLOB:
      return "BLOB";
    case DUCKDB_TYPE_TIMESTAMP_S:
      return "TIMESTAMP_S";
    case DUCKDB_TYPE_TIMESTAMP_MS:
      return "TIMESTAMP_MS";
    case DUCKDB_TYPE_TIMESTAMP_NS:
      return "TIMESTAMP_NS";
    case DUCKDB_TYPE_UUID:
      return "UUID";
    case DUCKDB_TYPE_BIT:
      return "BIT";
    case DUCKDB_TYPE_TIME_TZ:
      return "TIME WITH TIME ZONE";
    case DUCKDB_TYPE_TIMESTAMP_TZ:
      return "TIMESTAMP WITH TIME ZONE";
    case DUCKDB_TYPE_ENUM:
      return "VARCHAR";
    default:
      return "UNKNOWN";
  }
}

std::string TypeToString(duckdb_logical_type type) {
  char* alias = duckdb_logical_type_get_alias(type);
  if (alias) {
    std::string name = alias;
    duckdb_free(alias);
    if (!name.empty()) return ToUpper(name);
  }
  duckdb_type id = duckdb_get_type_id(type);
  switch (id) {
    case DUCKDB_TYPE_DECIMAL:
      return "DECIMAL(" + std::to_string(duckdb_decimal_width(type)) + "," +
             std::to_string(duckdb_decimal_scale(type)) + ")";
    case DUCKDB_TYPE_LIST: {
      duckdb_logical_type child = duckdb_list_type_child_type(type);
      std::string out = TypeToString(child) + "[]";
      duckdb_destroy_logical_type(&child);
      return out;
    }
    case DUCKDB_TYPE_ARRAY: {
      duckdb_logical_type child = duckdb_array_type_child_type(type);
      std::string out = TypeToString(child) + "[" + std::to_string(duckdb_array_type_array_size(type)) + "]";
      duckdb_destroy_logical_type(&child);
      return out;
    }
    case DUCKDB_TYPE_STRUCT: {
      std::string out = "STRUCT(";
      idx_t n = duckdb_struct_type_child_count(type);
      for (idx_t i = 0; i < n; ++i) {
        char* name = duckdb_struct_type_child_name(type, i);
        duckdb_logical_type child = duckdb_struct_type_child_type(type, i);
        if (i) out += ", ";
        out += QuoteIdent(name) + " " + TypeToString(child);
        duckdb_free(name);
        duckdb_destroy_logical_type(&child);
      }
      return out + ")";
    }
    case DUCKDB_TYPE_MAP: {
      duckdb_logical_type key = duckdb_map_type_key_type(type);
      duckdb_logical_type value = duckdb_map_type_value_type(type);
      std::string out = "MAP(" + TypeToString(key) + ", " + TypeToString(value) + ")";
      duckdb_destroy_logical_type(&key);
      duckdb_destroy_logical_type(&value);
      return out;
    }
    default:
      return TypeIdName(id);
  }
}

}  // namespace

std::string DuckDBVersion() {
  return duckdb_library_version();
}

// ---- Database ----

Database& ScratchDatabase() {
  static Database* const scratch = [] {
    EngineOptions options;
    options.threads = 1;
    options.memory_limit = "256MB";
    return Database::Open(options).release();  // reachable until exit, never destroyed (see the header)
  }();
  return *scratch;
}

std::unique_ptr<Database> Database::Open(const EngineOptions& options) {
  duckdb_config config;
  if (duckdb_create_config(&config) == DuckDBError)
    throw Error(ErrorKind::kInternal, "cannot create DuckDB config");
  auto set = [&](const char* name, const std::string& value) {
    if (duckdb_set_config(config, name, value.c_str()) == DuckDBError) {
      duckdb_destroy_config(&config);
      throw Error(ErrorKind::kInvalidConfig,
                  std::string("invalid DuckDB setting ") + name + " = '" + value + "'", "SF508");
    }
  };
  set("autoinstall_known_extensions", "false");
  set("autoload_known_extensions", "false");
  if (options.read_only) set("access_mode", "READ_ONLY");
  if (!options.memory_limit.empty()) set("memory_limit", options.memory_limit);
  if (options.threads > 0) set("threads", std::to_string(options.threads));
  if (!options.temp_directory.empty()) set("temp_directory", options.temp_directory);

  if (!options.path.empty() && !options.read_only) {
    std::filesystem::path parent = std::filesystem::path(options.path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  auto db = std::unique_ptr<Database>(new Database());
  db->options_ = options;
  char* error = nullptr;
  const char* path = options.path.empty() ? nullptr : options.path.c_str();
  duckdb_state state = duckdb_open_ext(path, &db->db_, config, &error);
  duckdb_destroy_config(&config);
  if (state == DuckDBError) {
    std::string message = error ? error : "unknown error";
    if (error) duckdb_free(error);
    if (message.find("Could not set lock") != std::string::npos ||
        message.find("Conflicting lock") != std::string::npos)
      throw Error(ErrorKind::kUnsupported, "database '" + options.path + "' is locked by another process",
                  "SF612",
                  "wait for the other sqlflow process to finish, or use another engines.duckdb.path");
    throw Error(
        ErrorKind::kInvalidConfig,
        "cannot open database '" + (options.path.empty() ? ":memory:" : options.path) + "': " + message,
        "SF601");
  }
  Connection conn(*db);
  conn.Execute("SET TimeZone = 'UTC'");
  return db;
}

Database::~Database() {
  if (db_) duckdb_close(&db_);
}

// ---- LogicalType ----

LogicalType::~LogicalType() {
  if (type_) duckdb_destroy_logical_type(&type_);
}

LogicalType& LogicalType::operator=(LogicalType&& other) noexcept {
  if (this != &other) {
    if (type_) duckdb_destroy_logical_type(&type_);
    type_ = other.type_;
    other.type_ = nullptr;
  }
  return *this;
}

std::string LogicalType::ToString() const {
  return type_ ? TypeToString(type_) : "NULL";
}

// ---- DataChunk ----

DataChunk DataChunk::Create(const std::vector<LogicalType>& types) {
  std::vector<duckdb_logical_type> raw;
  raw.reserve(types.size());
  for (const auto& t : types) raw.push_back(t.get());
  return DataChunk(duckdb_create_data_chunk(raw.data(), raw.size()));
}

DataChunk::~DataChunk() {
  if (chunk_) duckdb_destroy_data_chunk(&chunk_);
}

DataChunk& DataChunk::operator=(DataChunk&& other) noexcept {
  if (this != &other) {
    if (chunk_) duckdb_destroy_data_chunk(&chunk_);
    chunk_ = other.chunk_;
    other.chunk_ = nullptr;
  }
  return *this;
}

uint64_t DataChunk::size() const {
  return duckdb_data_chunk_get_size(chunk_);
}
void DataChunk::set_size(uint64_t rows) {
  duckdb_data_chunk_set_size(chunk_, rows);
}
uint64_t DataChunk::column_count() const {
  return duckdb_data_chunk_get_column_count(chunk_);
}

// ---- QueryResult ----

QueryResult::QueryResult() : result_(std::make_unique<_duckdb_result_holder>()) {}

QueryResult::~QueryResult() {
  if (result_ && result_->valid) duckdb_destroy_result(&result_->result);
}

QueryResult::QueryResult(QueryResult&& other) noexcept : result_(std::move(other.result_)) {}

uint64_t QueryResult::column_count() const {
  return duckdb_column_count(&result_->result);
}
std::string QueryResult::column_name(uint64_t column) const {
  const char* name = duckdb_column_name(&result_->result, column);
  return name ? name : "";
}
LogicalType QueryResult::column_type(uint64_t column) const {
  return LogicalType(duckdb_column_logical_type(&result_->result, column));
}
std::string QueryResult::column_type_name(uint64_t column) const {
  return column_type(column).ToString();
}
uint64_t QueryResult::rows_changed() const {
  return duckdb_rows_changed(&result_->result);
}
uint64_t QueryResult::row_count() const {
  return duckdb_row_count(&result_->result);
}
bool QueryResult::IsNull(uint64_t column, uint64_t row) const {
  return duckdb_value_is_null(&result_->result, column, row);
}
std::string QueryResult::GetString(uint64_t column, uint64_t row) const {
  char* value = duckdb_value_varchar(&result_->result, column, row);
  if (!value) return "";
  std::string out = value;
  duckdb_free(value);
  return out;
}
std::optional<std::string> QueryResult::GetOptional(uint64_t column, uint64_t row) const {
  if (IsNull(column, row)) return std::nullopt;
  return GetString(column, row);
}
std::optional<DataChunk> QueryResult::FetchChunk() {
  duckdb_data_chunk chunk = duckdb_fetch_chunk(result_->result);
  if (!chunk) {
    // A streaming query that fails part-way ends the stream the same way as a finished one; only the
    // result's error tells them apart.
    const char* error = duckdb_result_error(&result_->result);
    if (error && *error) ThrowResultError(&result_->result);
    return std::nullopt;
  }
  return DataChunk(chunk);
}

// ---- PreparedStatement ----

PreparedStatement::~PreparedStatement() {
  if (stmt_) duckdb_destroy_prepare(&stmt_);
}

bool Connection::TableExists(const std::string& catalog, const std::string& schema,
                             const std::string& table) {
  duckdb_table_description description = nullptr;
  duckdb_state state = duckdb_table_description_create_ext(conn_, catalog.empty() ? nullptr : catalog.c_str(),
                                                           schema.c_str(), table.c_str(), &description);
  duckdb_table_description_destroy(&description);
  return state == DuckDBSuccess;
}

void PreparedStatement::BindString(uint64_t index, const std::string& value) {
  if (duckdb_bind_varchar_length(stmt_, index, value.data(), value.size()) == DuckDBError)
    ThrowEngine("cannot bind parameter " + std::to_string(index));
}
void PreparedStatement::BindInt64(uint64_t index, int64_t value) {
  if (duckdb_bind_int64(stmt_, index, value) == DuckDBError)
    ThrowEngine("cannot bind parameter " + std::to_string(index));
}
void PreparedStatement::BindStringList(uint64_t index, const std::vector<std::string>& values) {
  std::vector<duckdb_value> items;
  items.reserve(values.size());
  for (const auto& value : values) items.push_back(duckdb_create_varchar_length(value.data(), value.size()));
  duckdb_logical_type varchar = duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
  duckdb_value list = duckdb_create_list_value(varchar, items.data(), items.size());
  duckdb_destroy_logical_type(&varchar);
  for (auto& item : items) duckdb_destroy_value(&item);
  if (!list) ThrowEngine("cannot build the list for parameter " + std::to_string(index));
  duckdb_state state = duckdb_bind_value(stmt_, index, list);
  duckdb_destroy_value(&list);
  if (state == DuckDBError) ThrowEngine("cannot bind parameter " + std::to_string(index));
}
void PreparedStatement::BindNull(uint64_t index) {
  if (duckdb_bind_null(stmt_, index) == DuckDBError)
    ThrowEngine("cannot bind parameter " + std::to_string(index));
}

QueryResult PreparedStatement::Execute() {
  QueryResult result;
  duckdb_state state = duckdb_execute_prepared(stmt_, &result.result_->result);
  result.result_->valid = true;
  if (state == DuckDBError) ThrowResultError(&result.result_->result);
  return result;
}

QueryResult PreparedStatement::ExecuteStreaming() {
  duckdb_pending_result pending;
  if (duckdb_pending_prepared_streaming(stmt_, &pending) == DuckDBError) {
    std::string message = duckdb_pending_error(pending);
    duckdb_destroy_pending(&pending);
    ThrowEngine(message);
  }
  QueryResult result;
  duckdb_state state = duckdb_execute_pending(pending, &result.result_->result);
  result.result_->valid = true;
  duckdb_destroy_pending(&pending);
  if (state == DuckDBError) ThrowResultError(&result.result_->result);
  return result;
}

uint64_t PreparedStatement::column_count() const {
  return duckdb_prepared_statement_column_count(stmt_);
}
std::string PreparedStatement::column_name(uint64_t column) const {
  const char* name = duckdb_prepared_statement_column_name(stmt_, column);
  std::string out = name ? name : "";
  if (name) duckdb_free(const_cast<char*>(name));
  return out;
}
LogicalType PreparedStatement::column_type(uint64_t column) const {
  return LogicalType(duckdb_prepared_statement_column_logical_type(stmt_, column));
}

// ---- Appender ----

Appender::Appender(Connection& connection, const std::string& catalog, const std::string& schema,
                   const std::string& table) {
  if (duckdb_appender_create_ext(connection.handle(), catalog.empty() ? nullptr : catalog.c_str(),
                                 schema.empty() ? nullptr : schema.c_str(), table.c_str(),
                                 &appender_) == DuckDBError) {
    std::string message = appender_ ? duckdb_appender_error(appender_) : "unknown error";
    if (appender_) duckdb_appender_destroy(&appender_);
    ThrowEngine("cannot append to table '" + table + "': " + message);
  }
}

Appender::~Appender() {
  if (appender_) duckdb_appender_destroy(&appender_);
}

void Appender::Check(int state, const char* what) {
  if (state == DuckDBError) {
    duckdb_error_data error = duckdb_appender_error_data(appender_);
    std::string message =
        duckdb_error_data_message(error) ? duckdb_error_data_message(error) : "unknown error";
    duckdb_error_type type = duckdb_error_data_error_type(error);
    duckdb_destroy_error_data(&error);
    ThrowEngine(std::string("appender ") + what + " failed: " + message, type);
  }
}

void Appender::AppendChunk(const DataChunk& chunk) {
  AppendChunk(chunk.get());
}
void Appender::AppendChunk(_duckdb_data_chunk* chunk) {
  Check(duckdb_append_data_chunk(appender_, chunk), "append chunk");
}
void Appender::BeginRow() {
  Check(duckdb_appender_begin_row(appender_), "begin row");
}
void Appender::Append(int64_t value) {
  Check(duckdb_append_int64(appender_, value), "append");
}
void Appender::Append(double value) {
  Check(duckdb_append_double(appender_, value), "append");
}
void Appender::Append(bool value) {
  Check(duckdb_append_bool(appender_, value), "append");
}
void Appender::Append(const std::string& value) {
  Check(duckdb_append_varchar_length(appender_, value.data(), value.size()), "append");
}
void Appender::AppendNull() {
  Check(duckdb_append_null(appender_), "append");
}
void Appender::EndRow() {
  Check(duckdb_appender_end_row(appender_), "end row");
}
void Appender::Flush() {
  Check(duckdb_appender_flush(appender_), "flush");
}
void Appender::Close() {
  Check(duckdb_appender_close(appender_), "close");
}

// ---- Connection ----

Connection::Connection(Database& database) {
  if (duckdb_connect(database.handle(), &conn_) == DuckDBError)
    throw Error(ErrorKind::kInternal, "cannot connect to DuckDB database");
}

Connection::~Connection() {
  if (conn_) duckdb_disconnect(&conn_);
}

void Connection::Execute(const std::string& sql) {
  Query(sql);
}

QueryResult Connection::Query(const std::string& sql) {
  QueryResult result;
  duckdb_state state = duckdb_query(conn_, sql.c_str(), &result.result_->result);
  result.result_->valid = true;
  if (state == DuckDBError) ThrowResultError(&result.result_->result);
  return result;
}

QueryResult Connection::Stream(const std::string& sql) {
  return Prepare(sql).ExecuteStreaming();
}

PreparedStatement Connection::Prepare(const std::string& sql) {
  duckdb_prepared_statement stmt = nullptr;
  if (duckdb_prepare(conn_, sql.c_str(), &stmt) == DuckDBError) {
    std::string message = stmt ? duckdb_prepare_error(stmt) : "unknown error";
    if (stmt) duckdb_destroy_prepare(&stmt);
    ThrowEngine(message);
  }
  return PreparedStatement(stmt);
}

size_t Connection::CountStatements(const std::string& sql) {
  duckdb_extracted_statements extracted = nullptr;
  idx_t count = duckdb_extract_statements(conn_, sql.c_str(), &extracted);
  if (count == 0) {
    const char* error = extracted ? duckdb_extract_statements_error(extracted) : nullptr;
    std::string message = error ? error : "";
    duckdb_destroy_extracted(&extracted);
    if (!message.empty()) ThrowEngine(message);
    return 0;
  }
  duckdb_destroy_extracted(&extracted);
  return count;
}

std::optional<std::string> Connection::ParseError(const std::string& sql) {
  duckdb_extracted_statements extracted = nullptr;
  idx_t count = duckdb_extract_statements(conn_, sql.c_str(), &extracted);
  std::optional<std::string> error;
  if (count == 0 && extracted) {
    const char* message = duckdb_extract_statements_error(extracted);
    if (message) error = message;
  }
  duckdb_destroy_extracted(&extracted);
  return error;
}

std::optional<std::string> Connection::QueryValue(const std::string& sql) {
  QueryResult result = Query(sql);
  if (result.row_count() == 0 || result.column_count() == 0) return std::nullopt;
  return result.GetOptional(0, 0);
}

void Connection::Interrupt() {
  duckdb_interrupt(conn_);
}

double Connection::Progress() {
  return duckdb_query_progress(conn_).percentage;
}

}  // namespace sqlflow::engine

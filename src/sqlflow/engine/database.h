// RAII wrappers over the DuckDB C API. This layer is the only place that calls duckdb_* functions
// (connectors that fill data chunks use the chunk/vector helpers declared here or include duckdb.h in
// their .cc for vector access).
//
// Lifetimes: a Database must outlive every Connection made from it; a Connection must outlive its
// QueryResults, PreparedStatements and Appenders. None of these classes is copyable; all are movable
// only where stated. A Connection is not thread-safe; duckdb_interrupt (Connection::Interrupt) may be
// called from another thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

// Opaque C handles, declared here so that callers need not include duckdb.h.
struct _duckdb_database;
struct _duckdb_connection;
struct _duckdb_result_holder;
struct _duckdb_prepared_statement;
struct _duckdb_appender;
struct _duckdb_data_chunk;
struct _duckdb_logical_type;

namespace sqlflow::engine {

struct EngineOptions {
  std::string path;  // empty = in-memory database
  bool read_only = false;
  std::string memory_limit;    // e.g. "4GB"; empty = DuckDB default
  int threads = 0;             // 0 = DuckDB default
  std::string temp_directory;  // empty = DuckDB default
};

class Connection;

class Database {
 public:
  // Opens (creating if needed) the database. Extension autoinstall/autoload are always off and the session
  // time zone is UTC. Throws sqlflow::Error: SF612 when the file is locked by another process.
  static std::unique_ptr<Database> Open(const EngineOptions& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  _duckdb_database* handle() const { return db_; }
  const EngineOptions& options() const { return options_; }

 private:
  Database() = default;
  _duckdb_database* db_ = nullptr;
  EngineOptions options_;
};

// The process's scratch database: in memory, one thread, a small memory limit, for work that needs DuckDB
// but none of the run's data: parsing (json_serialize_sql), type strings, probing local files, reading the
// catalog of a database file (ATTACH). Opened on first use and never closed: each open costs ~10 ms
// (extension registration) and a close at exit would only add time. Thread-safe; each user opens its own
// Connection on it.
Database& ScratchDatabase();

// Owns a duckdb_logical_type.
class LogicalType {
 public:
  explicit LogicalType(_duckdb_logical_type* type) : type_(type) {}
  ~LogicalType();
  LogicalType(LogicalType&& other) noexcept : type_(other.type_) { other.type_ = nullptr; }
  LogicalType& operator=(LogicalType&& other) noexcept;
  LogicalType(const LogicalType&) = delete;
  LogicalType& operator=(const LogicalType&) = delete;
  _duckdb_logical_type* get() const { return type_; }
  std::string ToString() const;  // "DECIMAL(18,2)", "VARCHAR[]"

 private:
  _duckdb_logical_type* type_;
};

// Owns a duckdb_data_chunk.
class DataChunk {
 public:
  explicit DataChunk(_duckdb_data_chunk* chunk) : chunk_(chunk) {}
  // Creates an empty chunk with the given column types (at most 2048 rows).
  static DataChunk Create(const std::vector<LogicalType>& types);
  ~DataChunk();
  DataChunk(DataChunk&& other) noexcept : chunk_(other.chunk_) { other.chunk_ = nullptr; }
  DataChunk& operator=(DataChunk&& other) noexcept;
  DataChunk(const DataChunk&) = delete;
  DataChunk& operator=(const DataChunk&) = delete;
  _duckdb_data_chunk* get() const { return chunk_; }
  uint64_t size() const;
  void set_size(uint64_t rows);
  uint64_t column_count() const;

 private:
  _duckdb_data_chunk* chunk_;
};

// A query result. Materialized results (Connection::Query) allow cell access; streaming results
// (Connection::Stream) are read chunk by chunk with FetchChunk.
class QueryResult {
 public:
  ~QueryResult();
  QueryResult(QueryResult&& other) noexcept;
  QueryResult& operator=(QueryResult&&) = delete;
  QueryResult(const QueryResult&) = delete;
  QueryResult& operator=(const QueryResult&) = delete;

  uint64_t column_count() const;
  std::string column_name(uint64_t column) const;
  LogicalType column_type(uint64_t column) const;
  std::string column_type_name(uint64_t column) const;
  uint64_t rows_changed() const;
  // Materialized results only.
  uint64_t row_count() const;
  bool IsNull(uint64_t column, uint64_t row) const;
  std::string GetString(uint64_t column, uint64_t row) const;  // DuckDB's text form; "" for NULL
  std::optional<std::string> GetOptional(uint64_t column, uint64_t row) const;
  // Next chunk, or an empty optional at the end. Works for both kinds.
  std::optional<DataChunk> FetchChunk();

 private:
  friend class Connection;
  friend class PreparedStatement;
  QueryResult();
  std::unique_ptr<_duckdb_result_holder> result_;
};

class PreparedStatement {
 public:
  ~PreparedStatement();
  PreparedStatement(const PreparedStatement&) = delete;
  PreparedStatement& operator=(const PreparedStatement&) = delete;
  PreparedStatement(PreparedStatement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  PreparedStatement& operator=(PreparedStatement&&) = delete;

  void BindString(uint64_t index, const std::string& value);  // 1-based
  void BindInt64(uint64_t index, int64_t value);
  void BindNull(uint64_t index);
  void BindStringList(uint64_t index, const std::vector<std::string>& values);  // a VARCHAR[] parameter
  QueryResult Execute();
  QueryResult ExecuteStreaming();
  // Result schema without executing.
  uint64_t column_count() const;
  std::string column_name(uint64_t column) const;
  LogicalType column_type(uint64_t column) const;

 private:
  friend class Connection;
  explicit PreparedStatement(_duckdb_prepared_statement* stmt) : stmt_(stmt) {}
  _duckdb_prepared_statement* stmt_;
};

class Appender {
 public:
  // Appends to `table` (optionally schema-qualified through `schema`). Throws on a missing table.
  Appender(Connection& connection, const std::string& schema, const std::string& table)
      : Appender(connection, "", schema, table) {}
  // The same in a catalog ("" = the current database; "temp" for TEMP tables).
  Appender(Connection& connection, const std::string& catalog, const std::string& schema,
           const std::string& table);
  ~Appender();
  Appender(const Appender&) = delete;
  Appender& operator=(const Appender&) = delete;

  void AppendChunk(const DataChunk& chunk);
  void AppendChunk(_duckdb_data_chunk* chunk);
  // Row-wise API for tests and small metadata tables; not for hot paths.
  void BeginRow();
  void Append(int64_t value);
  void Append(double value);
  void Append(bool value);
  void Append(const std::string& value);
  void AppendNull();
  void EndRow();
  void Flush();
  void Close();

 private:
  void Check(int state, const char* what);
  _duckdb_appender* appender_ = nullptr;
};

class Connection {
 public:
  explicit Connection(Database& database);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements; throws sqlflow::Error (kind DataError, code SF613, DuckDB's message).
  void Execute(const std::string& sql);
  QueryResult Query(const std::string& sql);
  QueryResult Stream(const std::string& sql);  // streaming result
  PreparedStatement Prepare(const std::string& sql);
  // Splits SQL into statements with DuckDB's own parser; throws on a parse error.
  size_t CountStatements(const std::string& sql);
  // Returns DuckDB's parse error for `sql`, or nullopt when it parses (no binding).
  std::optional<std::string> ParseError(const std::string& sql);
  // Single-value helper: first column of first row, nullopt for NULL or no rows.
  std::optional<std::string> QueryValue(const std::string& sql);
  // True when the table exists (a catalog lookup, case-insensitive; views are not tables). An empty catalog
  // is the current database.
  bool TableExists(const std::string& catalog, const std::string& schema, const std::string& table);

  // Cancels the running query from another thread.
  void Interrupt();
  // Percent done of the running query, or -1 when unknown.
  double Progress();

  _duckdb_connection* handle() const { return conn_; }

 private:
  _duckdb_connection* conn_ = nullptr;
};

// DuckDB library version, e.g. "v1.4.4".
std::string DuckDBVersion();

}  // namespace sqlflow::engine

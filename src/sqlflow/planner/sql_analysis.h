// SQL text analysis the planner and executor need without running anything: which tables a statement
// reads and writes (from DuckDB's own parse tree), parse checks, and INCREMENTAL time macros.
//
// A SqlAnalyzer parses on a connection of the process's scratch database (engine::ScratchDatabase); it is
// cheap to create once per compilation and is not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sqlflow::engine {
class Database;
class Connection;
class PreparedStatement;
}  // namespace sqlflow::engine

namespace simdjson::dom {
class parser;
}  // namespace simdjson::dom

namespace sqlflow::planner {

struct TableUse {
  std::vector<std::string> reads;          // lower-cased, "schema.table" unless schema is main
  std::vector<std::string> writes;         // created or modified
  std::vector<std::string> creates;        // created by this statement (subset of writes)
  bool analyzed = true;                    // false when the statement could not be analysed
  std::optional<std::string> parse_error;  // DuckDB's parser message when the text does not parse
  std::optional<size_t> error_position;    // byte offset of the parse error in the text, when known
};

class SqlAnalyzer {
 public:
  SqlAnalyzer();
  ~SqlAnalyzer();
  SqlAnalyzer(const SqlAnalyzer&) = delete;
  SqlAnalyzer& operator=(const SqlAnalyzer&) = delete;

  // DuckDB's parse error for the text, or nullopt (parse only, no binding).
  std::optional<std::string> ParseError(const std::string& sql);
  // Tables read by a query (SELECT / WITH / FROM / VALUES / '('), CTE names and table functions excluded.
  // One prepared json_serialize_sql call both parses the query (parse_error) and yields its tables.
  TableUse AnalyzeQuery(const std::string& query);
  // Serializes many queries in one engine call and keeps their analyses for AnalyzeQuery: a statement per
  // query costs more than its parse (`pipeline validate` of 1,281 queries spent half its time there).
  // Returns how many queries it analysed (0 when the batch failed: each is then serialized alone).
  size_t Prefetch(const std::vector<std::string>& queries);
  // Tables read and written by a SQL pass-through statement.
  TableUse AnalyzeStatement(const std::string& sql);
  // True when DuckDB accepts the type string (`number` is accepted as DOUBLE).
  bool IsValidType(const std::string& type);

 private:
  static constexpr size_t kMaxTreeDepth = 16384;
  static constexpr size_t kPrefetchBatch = 256;
  TableUse FromTree(const std::optional<std::string>& serialized);

  std::unique_ptr<engine::Connection> conn_;  // on engine::ScratchDatabase()
  std::unique_ptr<engine::PreparedStatement> serialize_;
  std::unique_ptr<simdjson::dom::parser> json_;
  std::map<std::string, TableUse, std::less<>> analyzed_;  // query text -> analysis, from Prefetch
};

// Normalised table key: lower case, "main." dropped, a name holding '.' in double quotes. Empty for names
// that are never checked (catalog-qualified, information_schema, pg_catalog, paths).
std::string TableKey(const std::string& schema, const std::string& name);

// Where a table read by `sql` is written: the byte range [first, second) of the first reference to the table
// whose key (TableKey) is `key`, outside strings and comments, starting at `from`: its last name part, as a
// whole word, case-insensitively. nullopt when it is not found as a plain word (e.g. a quoted name).
std::optional<std::pair<size_t, size_t>> FindTableReference(std::string_view sql, const std::string& key,
                                                            size_t from = 0);

// The key (TableKey) of the table a `CREATE [OR REPLACE] [TEMP] TABLE|VIEW [IF NOT EXISTS] name ...` or
// `LOAD name ...` statement creates, from its text; empty for other statements.
std::string CreatedTableKey(std::string_view statement);

// Time macros (§9.6.1) found in `sql` outside strings and comments, as whole words, case-insensitively.
std::vector<std::string> FindTimeMacros(const std::string& sql);
// Replaces the macros with the given SQL literals.
std::string ReplaceTimeMacros(const std::string& sql, const std::string& start_date,
                              const std::string& end_date, const std::string& start_dt,
                              const std::string& end_dt);

}  // namespace sqlflow::planner

#include "sqlflow/planner/sql_analysis.h"

#include <regex>

#include <algorithm>
#include <functional>
#include <set>

#include <simdjson.h>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/engine/database.h"
#include "sqlflow/sqltext/scanner.h"

namespace sqlflow::planner {

namespace {

bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

struct Token {
  std::string upper;  // upper-cased word, or the punctuation character
  std::string text;   // identifier text (unquoted)
  size_t offset = 0;
  bool quoted = false;
  int depth = 0;
};

// Words, quoted identifiers and punctuation of a statement (strings and comments skipped).
std::vector<Token> Tokenize(const std::string& sql) {
  sqltext::RegionScanner scanner(sql, sqltext::RegionScanner::VarRefs::kIgnore, nullptr,
                                 sqltext::RegionScanner::Braces::kPlain);
  std::vector<Token> tokens;
  int depth = 0;
  size_t i = 0, n = sql.size();
  while (i < n) {
    char c = sql[i];
    sqltext::RegionKind kind = scanner.KindAt(i);
    if (sqltext::RegionScanner::IsComment(kind)) {
      i = scanner.Skip(i);
    } else if (kind == sqltext::RegionKind::kString || kind == sqltext::RegionKind::kDollarQuote) {
      i = scanner.Skip(i);
      tokens.push_back({"'", "", i, false, depth});
    } else if (kind == sqltext::RegionKind::kQuoted) {
      size_t start = i;
      i = scanner.Skip(i);
      tokens.push_back({"\"", sqltext::UnquoteIdentifier(std::string_view(sql).substr(start, i - start)),
                        start, true, depth});
    } else if (IsIdentChar(c)) {
      size_t start = i;
      while (i < n && IsIdentChar(sql[i])) ++i;
      std::string word = sql.substr(start, i - start);
      tokens.push_back({ToUpper(word), word, start, false, depth});
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else {
      if (c == '(') ++depth;
      tokens.push_back({std::string(1, c), "", i, false, depth});
      if (c == ')') --depth;
      ++i;
    }
  }
  return tokens;
}

bool IsName(const Token& t) {
  return t.quoted || (!t.upper.empty() && IsIdentChar(t.upper[0]));
}

// Reads a qualified name at tokens[i]; returns the table key and advances i.
std::string ReadQName(const std::vector<Token>& tokens, size_t& i) {
  std::vector<std::string> parts;
  while (i < tokens.size() && IsName(tokens[i])) {
    parts.push_back(tokens[i].text);
    ++i;
    if (i < tokens.size() && tokens[i].upper == "." && i + 1 < tokens.size()) {
      ++i;
      continue;
    }
    break;
  }
  if (parts.empty()) return "";
  if (parts.size() == 1) return TableKey("", parts[0]);
  if (parts.size() == 2) return TableKey(parts[0], parts[1]);
  return "";  // catalog-qualified: never checked
}

void AddUnique(std::vector<std::string>& list, const std::string& value) {
  if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

}  // namespace

std::string TableKey(const std::string& schema, const std::string& name) {
  std::string lower_schema = ToLower(schema);
  if (lower_schema == "information_schema" || lower_schema == "pg_catalog") return "";
  if (name.find('/') != std::string::npos) return "";
  // A dotted name is one quoted identifier ("a.b") or a file name ('data.csv'): keyed in quoted form so that
  // it never equals the schema-qualified a.b; an unknown one is not reported (it may be a file).
  std::string lower = name.find('.') != std::string::npos ? QuoteIdent(ToLower(name)) : ToLower(name);
  if (lower_schema.empty() || lower_schema == "main") return lower;
  return lower_schema + "." + lower;
}

SqlAnalyzer::SqlAnalyzer() : json_(std::make_unique<simdjson::dom::parser>()) {
  // The scratch database runs one thread: the analyzer only parses, and DuckDB's task scheduler hand-offs
  // cost more than the parse (a third of `pipeline validate` on 5,000 lines).
  conn_ = std::make_unique<engine::Connection>(engine::ScratchDatabase());
  serialize_ =
      std::make_unique<engine::PreparedStatement>(conn_->Prepare("SELECT json_serialize_sql($1::VARCHAR)"));
  // Parse trees nest a few levels per SQL expression level; DuckDB's own expression depth limit (1,000)
  // bounds them well below this.
  if (json_->allocate(1 << 16, kMaxTreeDepth) != simdjson::SUCCESS)
    throw Error(ErrorKind::kInternal, "cannot allocate the SQL analyzer's JSON parser");
}

SqlAnalyzer::~SqlAnalyzer() = default;

std::optional<std::string> SqlAnalyzer::ParseError(const std::string& sql) {
  return conn_->ParseError(sql);
}

bool SqlAnalyzer::IsValidType(const std::string& type) {
  std::string t = EqualsIgnoreCase(Trim(type), "number") ? "DOUBLE" : type;
  try {
    conn_->Prepare("SELECT CAST(NULL AS " + t + ")");
    return true;
  } catch (...) {
    return false;
  }
}

size_t SqlAnalyzer::Prefetch(const std::vector<std::string>& queries) {
  std::vector<std::string> missing;
  std::set<std::string_view> seen;
  for (const auto& query : queries)
    if (!analyzed_.count(query) && seen.insert(query).second) missing.push_back(query);
  if (missing.size() < 2) return 0;
  // One statement serializes a batch of queries; the subscripts keep the results in the list's order.
  // Batches bound the memory the trees take at once.
  auto batch = conn_->Prepare(
      "SELECT json_serialize_sql(q) FROM (SELECT unnest($1::VARCHAR[]) AS q, "
      "generate_subscripts($1::VARCHAR[], 1) AS i) ORDER BY i");
  size_t analysed = 0;
  for (size_t first = 0; first < missing.size(); first += kPrefetchBatch) {
    std::vector<std::string> part(missing.begin() + first,
                                  missing.begin() + std::min(missing.size(), first + kPrefetchBatch));
    std::vector<std::optional<std::string>> trees;
    try {
      batch.BindStringList(1, part);
      auto result = batch.Execute();
      if (result.row_count() != part.size()) return analysed;
      for (uint64_t row = 0; row < result.row_count(); ++row) trees.push_back(result.GetOptional(0, row));
    } catch (...) {
      return analysed;  // AnalyzeQuery serializes the rest alone and reports their own failures
    }
    for (size_t i = 0; i < part.size(); ++i) analyzed_.emplace(std::move(part[i]), FromTree(trees[i]));
    analysed += part.size();
  }
  return analysed;
}

TableUse SqlAnalyzer::AnalyzeQuery(const std::string& query) {
  if (auto it = analyzed_.find(query); it != analyzed_.end()) return it->second;
  std::optional<std::string> serialized;
  try {
    serialize_->BindString(1, query);
    auto result = serialize_->Execute();
    if (result.row_count() > 0) serialized = result.GetOptional(0, 0);
  } catch (...) {
    TableUse use;
    use.analyzed = false;
    return use;
  }
  return FromTree(serialized);
}

namespace {

namespace dom = simdjson::dom;

std::string_view StringField(dom::object node, std::string_view field) {
  std::string_view value;
  if (node.at_key(field).get(value) != simdjson::SUCCESS) return {};
  return value;
}

// Base tables (not catalog-qualified) and CTE names anywhere in a json_serialize_sql tree.
void CollectTables(dom::element node, std::set<std::string>& ctes, std::vector<std::string>& bases) {
  if (dom::array items; node.get(items) == simdjson::SUCCESS) {
    for (dom::element item : items) CollectTables(item, ctes, bases);
    return;
  }
  dom::object object;
  if (node.get(object) != simdjson::SUCCESS) return;
  dom::array map;
  if (object.at_pointer("/cte_map/map").get(map) == simdjson::SUCCESS) {
    for (dom::element entry : map) {
      std::string_view key;
      if (entry.at_key("key").get(key) == simdjson::SUCCESS) ctes.insert(ToLower(std::string(key)));
    }
  }
  if (StringField(object, "type") == "BASE_TABLE" &&
      object.at_key("table_name").error() == simdjson::SUCCESS &&
      StringField(object, "catalog_name").empty()) {
    std::string key = TableKey(std::string(StringField(object, "schema_name")),
                               std::string(StringField(object, "table_name")));
    if (!key.empty()) bases.push_back(key);
  }
  for (dom::key_value_pair field : object) CollectTables(field.value, ctes, bases);
}

}  // namespace

TableUse SqlAnalyzer::FromTree(const std::optional<std::string>& serialized) {
  TableUse use;
  use.analyzed = false;
  if (!serialized) return use;
  dom::element root;
  dom::object tree;
  if (json_->parse(*serialized).get(root) != simdjson::SUCCESS || root.get(tree) != simdjson::SUCCESS)
    return use;
  bool error = true;
  if (tree.at_key("error").get(error) != simdjson::SUCCESS) error = true;
  if (error) {
    if (StringField(tree, "error_type") == "parser") {
      std::string_view message = StringField(tree, "error_message");
      use.parse_error = message.empty() ? "syntax error" : std::string(message);
      std::string_view position = StringField(tree, "position");
      if (!position.empty() && position.size() < 19 &&
          std::all_of(position.begin(), position.end(), ::isdigit))
        use.error_position = std::stoull(std::string(position));
    }
    return use;
  }
  use.analyzed = true;
  std::set<std::string> ctes;
  std::vector<std::string> bases;
  CollectTables(root, ctes, bases);
  for (const auto& base : bases)
    if (!ctes.count(base)) AddUnique(use.reads, base);
  return use;
}

namespace {

// The tables one DDL/DML statement reads, writes and creates, from its tokens; the queries it embeds are
// analysed by `analyze_query` (DuckDB's parser). One method per statement kind.
class StatementUse {
 public:
  using QueryAnalyzer = std::function<TableUse(const std::string&)>;
  StatementUse(const std::string& sql, const QueryAnalyzer& analyze_query)
      : sql_(sql), tokens_(Tokenize(sql)), analyze_query_(analyze_query) {}

  bool empty() const { return tokens_.empty(); }
  const std::string& first() const { return tokens_[0].upper; }

  TableUse Create() {
    size_t i = 1;
    if (Is(i, "OR") && Is(i + 1, "REPLACE")) i += 2;
    while (Is(i, "TEMP") || Is(i, "TEMPORARY")) ++i;
    if (!(Is(i, "TABLE") || Is(i, "VIEW"))) return use_;
    ++i;
    if (Is(i, "IF") && Is(i + 1, "NOT") && Is(i + 2, "EXISTS")) i += 3;
    const std::string name = ReadQName(tokens_, i);
    AddUnique(use_.writes, name);
    AddUnique(use_.creates, name);
    for (size_t k = i; k < tokens_.size(); ++k) {
      if (tokens_[k].depth != 0 || tokens_[k].upper != "AS") continue;
      if (auto start = QueryFrom(k + 1))
        MergeReads(analyze_query_(sql_.substr(*start)));
      else if (Is(k + 1, "("))
        MergeReads(analyze_query_(sql_.substr(tokens_[k + 1].offset)));
      break;
    }
    return use_;
  }

  TableUse Insert() {
    size_t i = 1;
    while (i < tokens_.size() && tokens_[i].upper != "INTO") ++i;
    ++i;
    ReadsAndWrites(ReadQName(tokens_, i));
    if (auto start = QueryFrom(i)) MergeReads(analyze_query_(sql_.substr(*start)));
    return use_;
  }

  TableUse Update() {
    size_t i = 1;
    ReadsAndWrites(ReadQName(tokens_, i));
    return use_;
  }

  TableUse Delete() {
    size_t i = 1;
    if (Is(i, "FROM")) ++i;
    ReadsAndWrites(ReadQName(tokens_, i));
    // DELETE FROM t WHERE ... reads like SELECT * FROM t WHERE ...
    TableUse q = analyze_query_("SELECT * " + sql_.substr(tokens_[0].offset + 6));
    if (q.analyzed) MergeReads(q);
    return use_;
  }

  TableUse Drop() {
    size_t i = 1;
    if (!(Is(i, "TABLE") || Is(i, "VIEW"))) return use_;
    ++i;
    const bool if_exists = Is(i, "IF") && Is(i + 1, "EXISTS");
    if (if_exists) i += 2;
    const std::string name = ReadQName(tokens_, i);
    AddUnique(use_.writes, name);
    if (!if_exists) AddUnique(use_.reads, name);
    return use_;
  }

  TableUse Alter() {
    size_t i = 1;
    if (!(Is(i, "TABLE") || Is(i, "VIEW"))) return use_;
    ++i;
    if (Is(i, "IF") && Is(i + 1, "EXISTS")) i += 2;
    ReadsAndWrites(ReadQName(tokens_, i));
    if (Is(i, "RENAME") && Is(i + 1, "TO")) {
      size_t k = i + 2;
      const std::string renamed = ReadQName(tokens_, k);
      AddUnique(use_.writes, renamed);
      AddUnique(use_.creates, renamed);
    }
    return use_;
  }

  TableUse Copy() {
    size_t i = 1;
    if (Is(i, "(")) {
      size_t end = sql_.size();
      for (size_t k = i + 1; k < tokens_.size(); ++k)
        if (tokens_[k].upper == ")" && tokens_[k].depth == 1) {
          end = tokens_[k].offset;
          break;
        }
      MergeReads(analyze_query_(sql_.substr(tokens_[i].offset + 1, end - tokens_[i].offset - 1)));
      return use_;
    }
    const std::string name = ReadQName(tokens_, i);
    while (i < tokens_.size() && tokens_[i].upper != "TO" && tokens_[i].upper != "FROM") ++i;
    if (Is(i, "FROM")) AddUnique(use_.writes, name);
    AddUnique(use_.reads, name);
    return use_;
  }

 private:
  bool Is(size_t k, const char* word) const { return k < tokens_.size() && tokens_[k].upper == word; }

  // The offset of the query that starts at or after token `start_token` (at parenthesis depth 0).
  std::optional<size_t> QueryFrom(size_t start_token) const {
    for (size_t k = start_token; k < tokens_.size(); ++k) {
      const std::string& w = tokens_[k].upper;
      if (tokens_[k].depth == 0 && (w == "SELECT" || w == "WITH" || w == "VALUES" || w == "FROM"))
        return tokens_[k].offset;
    }
    return std::nullopt;
  }

  void MergeReads(const TableUse& q) {
    for (const auto& r : q.reads) AddUnique(use_.reads, r);
    if (!q.analyzed) use_.analyzed = false;
  }

  void ReadsAndWrites(const std::string& name) {
    AddUnique(use_.writes, name);
    AddUnique(use_.reads, name);
  }

  const std::string& sql_;
  std::vector<Token> tokens_;
  const QueryAnalyzer& analyze_query_;
  TableUse use_;
};

}  // namespace

TableUse SqlAnalyzer::AnalyzeStatement(const std::string& sql) {
  const StatementUse::QueryAnalyzer analyze_query = [this](const std::string& query) {
    return AnalyzeQuery(query);
  };
  StatementUse statement(sql, analyze_query);
  if (statement.empty()) return TableUse{};
  const std::string& first = statement.first();
  if (first == "SELECT" || first == "WITH" || first == "FROM" || first == "VALUES" || first == "(")
    return AnalyzeQuery(sql);
  if (first == "CREATE") return statement.Create();
  if (first == "INSERT") return statement.Insert();
  if (first == "UPDATE") return statement.Update();
  if (first == "DELETE") return statement.Delete();
  if (first == "DROP") return statement.Drop();
  if (first == "ALTER") return statement.Alter();
  if (first == "COPY") return statement.Copy();
  return TableUse{};
}

std::optional<std::pair<size_t, size_t>> FindTableReference(std::string_view sql, const std::string& key,
                                                            size_t from) {
  if (key.empty() || key.find('"') != std::string::npos) return std::nullopt;
  const std::string name = key.substr(key.rfind('.') == std::string::npos ? 0 : key.rfind('.') + 1);
  std::optional<std::pair<size_t, size_t>> found;
  sqltext::ForEachCodeRun(sql, [&](size_t begin, size_t end) {
    if (found || end <= from) return;
    begin = std::max(begin, from);
    const std::string lower = ToLower(sql.substr(begin, end - begin));
    for (size_t at = lower.find(name); at != std::string::npos; at = lower.find(name, at + 1)) {
      const size_t abs = begin + at;
      const bool starts = abs == 0 || !sqltext::IsIdentChar(sql[abs - 1]);
      const bool ends = abs + name.size() >= sql.size() || !sqltext::IsIdentChar(sql[abs + name.size()]);
      if (starts && ends) {
        found = std::make_pair(abs, abs + name.size());
        return;
      }
    }
  });
  return found;
}

std::string CreatedTableKey(std::string_view statement) {
  static const std::regex create(
      R"(CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:TEMP|TEMPORARY)\s+)?(?:TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?)"
      R"(([A-Za-z_][A-Za-z0-9_$]*)(?:\.([A-Za-z_][A-Za-z0-9_$]*))?\b)",
      std::regex::icase | std::regex::optimize);
  static const std::regex load(R"(LOAD\s+([A-Za-z_][A-Za-z0-9_$]*)(?:\.([A-Za-z_][A-Za-z0-9_$]*))?\b)",
                               std::regex::icase | std::regex::optimize);
  sqltext::RegionScanner scanner(statement, sqltext::RegionScanner::VarRefs::kAtomic, nullptr);
  const std::string head(statement.substr(scanner.SkipTrivia(0), 300));
  std::smatch match;
  if (!std::regex_search(head, match, create, std::regex_constants::match_continuous) &&
      !std::regex_search(head, match, load, std::regex_constants::match_continuous))
    return "";
  return match[2].matched ? TableKey(match[1].str(), match[2].str()) : TableKey("", match[1].str());
}

std::vector<std::string> FindTimeMacros(const std::string& sql) {
  static const char* kMacros[] = {"@start_date", "@end_date", "@start_dt", "@end_dt"};
  std::vector<std::pair<size_t, std::string>> hits;
  sqltext::ForEachCodeRun(sql, [&](size_t begin, size_t end) {
    std::string lower = ToLower(sql.substr(begin, end - begin));
    for (const char* macro : kMacros) {
      size_t pos = 0, len = std::string(macro).size();
      while ((pos = lower.find(macro, pos)) != std::string::npos) {
        if (pos + len >= lower.size() || !IsIdentChar(lower[pos + len])) hits.push_back({begin + pos, macro});
        pos += len;
      }
    }
  });
  std::sort(hits.begin(), hits.end());
  std::vector<std::string> found;
  for (const auto& [pos, macro] : hits) AddUnique(found, macro);
  return found;
}

std::string ReplaceTimeMacros(const std::string& sql, const std::string& start_date,
                              const std::string& end_date, const std::string& start_dt,
                              const std::string& end_dt) {
  struct Hit {
    size_t pos, len;
    const std::string* value;
  };
  std::vector<Hit> hits;
  const std::pair<const char*, const std::string*> macros[] = {
      {"@start_date", &start_date}, {"@end_date", &end_date}, {"@start_dt", &start_dt}, {"@end_dt", &end_dt}};
  sqltext::ForEachCodeRun(sql, [&](size_t begin, size_t end) {
    std::string lower = ToLower(sql.substr(begin, end - begin));
    for (const auto& [macro, value] : macros) {
      size_t pos = 0, len = std::string(macro).size();
      while ((pos = lower.find(macro, pos)) != std::string::npos) {
        if (pos + len >= lower.size() || !IsIdentChar(lower[pos + len]))
          hits.push_back({begin + pos, len, value});
        pos += len;
      }
    }
  });
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) { return a.pos > b.pos; });
  std::string out = sql;
  for (const auto& hit : hits) out.replace(hit.pos, hit.len, *hit.value);
  return out;
}

}  // namespace sqlflow::planner

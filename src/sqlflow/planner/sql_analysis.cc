#include "sqlflow/planner/sql_analysis.h"

#include <algorithm>
#include <functional>
#include <set>

#include <nlohmann/json.hpp>

#include "sqlflow/common/text.h"
#include "sqlflow/engine/database.h"

namespace sqlflow::planner {

namespace {

bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Calls `visit(begin, end)` for every run of SQL text outside strings, quoted identifiers, dollar quotes
// and comments.
void ForEachCodeRun(const std::string& sql, const std::function<void(size_t, size_t)>& visit) {
  size_t i = 0, run = 0, n = sql.size();
  auto flush = [&](size_t end) {
    if (end > run) visit(run, end);
  };
  while (i < n) {
    char c = sql[i];
    if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      flush(i);
      size_t e = sql.find('\n', i);
      i = e == std::string::npos ? n : e;
      run = i;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      flush(i);
      int depth = 0;
      while (i < n) {
        if (sql.compare(i, 2, "/*") == 0) {
          ++depth;
          i += 2;
        } else if (sql.compare(i, 2, "*/") == 0) {
          i += 2;
          if (--depth == 0) break;
        } else {
          ++i;
        }
      }
      run = i;
    } else if (c == '\'' || c == '"') {
      flush(i);
      bool backslash = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e');
      ++i;
      while (i < n) {
        if (backslash && sql[i] == '\\') {
          i += 2;
          continue;
        }
        if (sql[i] == c) {
          if (i + 1 < n && sql[i + 1] == c) {
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        ++i;
      }
      run = i;
    } else if (c == '$' && (i == 0 || !IsIdentChar(sql[i - 1]))) {
      size_t j = i + 1;
      while (j < n && IsIdentChar(sql[j]) && !(sql[j] >= '0' && sql[j] <= '9' && j == i + 1)) ++j;
      if (j < n && sql[j] == '$') {
        std::string tag = sql.substr(i, j - i + 1);
        size_t close = sql.find(tag, j + 1);
        flush(i);
        i = close == std::string::npos ? n : close + tag.size();
        run = i;
      } else {
        ++i;
      }
    } else {
      ++i;
    }
  }
  flush(n);
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
  std::vector<Token> tokens;
  int depth = 0;
  size_t i = 0, n = sql.size();
  while (i < n) {
    char c = sql[i];
    if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      size_t e = sql.find('\n', i);
      i = e == std::string::npos ? n : e;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      size_t e = sql.find("*/", i + 2);
      i = e == std::string::npos ? n : e + 2;
    } else if (c == '\'') {
      ++i;
      while (i < n && !(sql[i] == '\'' && (i + 1 >= n || sql[i + 1] != '\''))) i += sql[i] == '\'' ? 2 : 1;
      ++i;
      tokens.push_back({"'", "", i, false, depth});
    } else if (c == '"') {
      size_t start = i;
      std::string text;
      ++i;
      while (i < n) {
        if (sql[i] == '"') {
          if (i + 1 < n && sql[i + 1] == '"') {
            text += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        text += sql[i++];
      }
      tokens.push_back({"\"", text, start, true, depth});
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

bool IsName(const Token& t) { return t.quoted || (!t.upper.empty() && IsIdentChar(t.upper[0])); }

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
  // A dotted name is one quoted identifier ("a.b") or a file name ('data.csv'): keyed in quoted form so that it
  // never equals the schema-qualified a.b; an unknown one is not reported (it may be a file).
  std::string lower = name.find('.') != std::string::npos ? QuoteIdent(ToLower(name)) : ToLower(name);
  if (lower_schema.empty() || lower_schema == "main") return lower;
  return lower_schema + "." + lower;
}

SqlAnalyzer::SqlAnalyzer() {
  db_ = engine::Database::Open({});
  conn_ = std::make_unique<engine::Connection>(*db_);
  serialize_ = std::make_unique<engine::PreparedStatement>(conn_->Prepare("SELECT json_serialize_sql($1::VARCHAR)"));
}

SqlAnalyzer::~SqlAnalyzer() = default;

std::optional<std::string> SqlAnalyzer::ParseError(const std::string& sql) { return conn_->ParseError(sql); }

bool SqlAnalyzer::IsValidType(const std::string& type) {
  std::string t = EqualsIgnoreCase(Trim(type), "number") ? "DOUBLE" : type;
  try {
    conn_->Prepare("SELECT CAST(NULL AS " + t + ")");
    return true;
  } catch (...) {
    return false;
  }
}

TableUse SqlAnalyzer::AnalyzeQuery(const std::string& query) {
  TableUse use;
  std::optional<std::string> serialized;
  try {
    serialize_->BindString(1, query);
    auto result = serialize_->Execute();
    if (result.row_count() > 0) serialized = result.GetOptional(0, 0);
  } catch (...) {
    use.analyzed = false;
    return use;
  }
  if (!serialized) {
    use.analyzed = false;
    return use;
  }
  nlohmann::json tree = nlohmann::json::parse(*serialized, nullptr, false);
  if (tree.is_discarded()) {
    use.analyzed = false;
    return use;
  }
  if (tree.value("error", true)) {
    use.analyzed = false;
    if (tree.value("error_type", "") == "parser") {
      use.parse_error = tree.value("error_message", "syntax error");
      std::string position = tree.value("position", "");
      if (!position.empty() && std::all_of(position.begin(), position.end(), ::isdigit))
        use.error_position = std::stoull(position);
    }
    return use;
  }
  std::set<std::string> ctes;
  std::vector<std::string> bases;
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& node) {
    if (node.is_object()) {
      if (node.contains("cte_map") && node["cte_map"].is_object() && node["cte_map"].contains("map")) {
        for (const auto& entry : node["cte_map"]["map"])
          if (entry.contains("key") && entry["key"].is_string()) ctes.insert(ToLower(entry["key"].get<std::string>()));
      }
      auto text = [&](const char* field) {
        auto it = node.find(field);
        return it != node.end() && it->is_string() ? it->get<std::string>() : std::string();
      };
      if (text("type") == "BASE_TABLE" && node.contains("table_name")) {
        std::string catalog = text("catalog_name");
        if (catalog.empty()) {
          std::string key = TableKey(text("schema_name"), text("table_name"));
          if (!key.empty()) bases.push_back(key);
        }
      }
      for (const auto& [k, v] : node.items()) walk(v);
    } else if (node.is_array()) {
      for (const auto& v : node) walk(v);
    }
  };
  walk(tree);
  for (const auto& base : bases)
    if (!ctes.count(base)) AddUnique(use.reads, base);
  return use;
}

TableUse SqlAnalyzer::AnalyzeStatement(const std::string& sql) {
  std::vector<Token> tokens = Tokenize(sql);
  TableUse use;
  if (tokens.empty()) return use;
  const std::string& first = tokens[0].upper;
  auto query_from = [&](size_t start_token) -> std::optional<size_t> {
    for (size_t k = start_token; k < tokens.size(); ++k) {
      const std::string& w = tokens[k].upper;
      if (tokens[k].depth == 0 && (w == "SELECT" || w == "WITH" || w == "VALUES" || w == "FROM"))
        return tokens[k].offset;
    }
    return std::nullopt;
  };
  auto merge_reads = [&](const TableUse& q) {
    for (const auto& r : q.reads) AddUnique(use.reads, r);
    if (!q.analyzed) use.analyzed = false;
  };

  if (first == "SELECT" || first == "WITH" || first == "FROM" || first == "VALUES" || first == "(") {
    return AnalyzeQuery(sql);
  }
  if (first == "CREATE") {
    size_t i = 1;
    if (i + 1 < tokens.size() && tokens[i].upper == "OR" && tokens[i + 1].upper == "REPLACE") i += 2;
    while (i < tokens.size() && (tokens[i].upper == "TEMP" || tokens[i].upper == "TEMPORARY")) ++i;
    if (i < tokens.size() && (tokens[i].upper == "TABLE" || tokens[i].upper == "VIEW")) {
      ++i;
      if (i + 2 < tokens.size() && tokens[i].upper == "IF" && tokens[i + 1].upper == "NOT" &&
          tokens[i + 2].upper == "EXISTS")
        i += 3;
      std::string name = ReadQName(tokens, i);
      AddUnique(use.writes, name);
      AddUnique(use.creates, name);
      for (size_t k = i; k < tokens.size(); ++k) {
        if (tokens[k].depth == 0 && tokens[k].upper == "AS") {
          if (auto start = query_from(k + 1)) merge_reads(AnalyzeQuery(sql.substr(*start)));
          else if (k + 1 < tokens.size() && tokens[k + 1].upper == "(")
            merge_reads(AnalyzeQuery(sql.substr(tokens[k + 1].offset)));
          break;
        }
      }
    }
    return use;
  }
  if (first == "INSERT") {
    size_t i = 1;
    while (i < tokens.size() && tokens[i].upper != "INTO") ++i;
    ++i;
    std::string name = ReadQName(tokens, i);
    AddUnique(use.writes, name);
    AddUnique(use.reads, name);
    if (auto start = query_from(i)) merge_reads(AnalyzeQuery(sql.substr(*start)));
    return use;
  }
  if (first == "UPDATE") {
    size_t i = 1;
    std::string name = ReadQName(tokens, i);
    AddUnique(use.writes, name);
    AddUnique(use.reads, name);
    return use;
  }
  if (first == "DELETE") {
    size_t i = 1;
    if (i < tokens.size() && tokens[i].upper == "FROM") ++i;
    std::string name = ReadQName(tokens, i);
    AddUnique(use.writes, name);
    AddUnique(use.reads, name);
    // DELETE FROM t WHERE ... reads like SELECT * FROM t WHERE ...
    TableUse q = AnalyzeQuery("SELECT * " + sql.substr(tokens[0].offset + 6));
    if (q.analyzed) merge_reads(q);
    return use;
  }
  if (first == "DROP") {
    size_t i = 1;
    if (i < tokens.size() && (tokens[i].upper == "TABLE" || tokens[i].upper == "VIEW")) {
      ++i;
      bool if_exists = false;
      if (i + 1 < tokens.size() && tokens[i].upper == "IF" && tokens[i + 1].upper == "EXISTS") {
        i += 2;
        if_exists = true;
      }
      std::string name = ReadQName(tokens, i);
      AddUnique(use.writes, name);
      if (!if_exists) AddUnique(use.reads, name);
    }
    return use;
  }
  if (first == "ALTER") {
    size_t i = 1;
    if (i < tokens.size() && (tokens[i].upper == "TABLE" || tokens[i].upper == "VIEW")) {
      ++i;
      if (i + 1 < tokens.size() && tokens[i].upper == "IF" && tokens[i + 1].upper == "EXISTS") i += 2;
      std::string name = ReadQName(tokens, i);
      AddUnique(use.writes, name);
      AddUnique(use.reads, name);
      if (i + 1 < tokens.size() && tokens[i].upper == "RENAME" && tokens[i + 1].upper == "TO") {
        size_t k = i + 2;
        std::string renamed = ReadQName(tokens, k);
        AddUnique(use.writes, renamed);
        AddUnique(use.creates, renamed);
      }
    }
    return use;
  }
  if (first == "COPY") {
    size_t i = 1;
    if (i < tokens.size() && tokens[i].upper == "(") {
      size_t end = sql.size();
      for (size_t k = i + 1; k < tokens.size(); ++k)
        if (tokens[k].upper == ")" && tokens[k].depth == 1) {
          end = tokens[k].offset;
          break;
        }
      merge_reads(AnalyzeQuery(sql.substr(tokens[i].offset + 1, end - tokens[i].offset - 1)));
      return use;
    }
    std::string name = ReadQName(tokens, i);
    while (i < tokens.size() && tokens[i].upper != "TO" && tokens[i].upper != "FROM") ++i;
    if (i < tokens.size() && tokens[i].upper == "FROM") {
      AddUnique(use.writes, name);
    }
    AddUnique(use.reads, name);
    return use;
  }
  return use;
}

std::vector<std::string> FindTimeMacros(const std::string& sql) {
  static const char* kMacros[] = {"@start_date", "@end_date", "@start_dt", "@end_dt"};
  std::vector<std::pair<size_t, std::string>> hits;
  ForEachCodeRun(sql, [&](size_t begin, size_t end) {
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

std::string ReplaceTimeMacros(const std::string& sql, const std::string& start_date, const std::string& end_date,
                              const std::string& start_dt, const std::string& end_dt) {
  struct Hit {
    size_t pos, len;
    const std::string* value;
  };
  std::vector<Hit> hits;
  const std::pair<const char*, const std::string*> macros[] = {
      {"@start_date", &start_date}, {"@end_date", &end_date}, {"@start_dt", &start_dt}, {"@end_dt", &end_dt}};
  ForEachCodeRun(sql, [&](size_t begin, size_t end) {
    std::string lower = ToLower(sql.substr(begin, end - begin));
    for (const auto& [macro, value] : macros) {
      size_t pos = 0, len = std::string(macro).size();
      while ((pos = lower.find(macro, pos)) != std::string::npos) {
        if (pos + len >= lower.size() || !IsIdentChar(lower[pos + len])) hits.push_back({begin + pos, len, value});
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

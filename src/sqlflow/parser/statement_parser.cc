// The statement grammar (LANGUAGE.md §3.1-3.8) over one statement's text after substitution.
#include "sqlflow/parser/statement_parser.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "sqlflow/common/text.h"
#include "sqlflow/parser/cursor.h"
#include "sqlflow/parser/json_object.h"
#include "sqlflow/parser/parser.h"
#include "sqlflow/variables/substitute.h"

namespace sqlflow::parser {

namespace {

using variables::SubstitutedText;

constexpr const char* kLoadExtensionHint =
    "DuckDB's LOAD <extension> is not available in pipelines; LOAD <table> FROM <source> loads a SOURCE into "
    "a "
    "table";
constexpr const char* kSetHint = "use SET SESSION <setting> = <value>; for DuckDB settings";
constexpr const char* kSetMessage = "invalid SET: expected SET <name> = <value>;";
constexpr const char* kSourceMessage =
    "invalid SOURCE: use SOURCE <name> TYPE <type> PARAMS {...} or SOURCE <name> FROM \"<connector>\" "
    "[OPTIONS {...}]";
constexpr const char* kExportToMessage =
    "EXPORT requires TO <destination>: a quoted path or URI, or a connector name";

bool StartsQuery(const Token& token) {
  return token.Is("SELECT") || token.Is("WITH") || token.Is("FROM") || token.Is("VALUES") ||
         token.IsPunct('(');
}

std::string TrimSpace(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && sqltext::IsSpace(text[begin])) ++begin;
  while (end > begin && sqltext::IsSpace(text[end - 1])) --end;
  return std::string(text.substr(begin, end - begin));
}

Name MakeName(const Token& token) {
  return Name{token.value, token.begin, token.end - token.begin, token.kind != TokenKind::kWord};
}

enum class Kind { kSource, kLoad, kExport, kCreate, kSet, kInclude, kTransaction, kSql };

struct Classification {
  Kind kind = Kind::kSql;
  Token first;
  size_t transaction_end = 0;  // end of the transaction words, for SF122
  std::string transaction_words;
};

// §3.1: the kind of a statement, from its leading tokens.
Classification Classify(const SubstitutedText& text) {
  Classification result;
  Cursor cursor(text, sqltext::RegionScanner::VarRefs::kIgnore);
  try {
    result.first = cursor.Next();
  } catch (const StatementError&) {
    return result;  // SQL: the engine reports it
  }
  const Token& first = result.first;
  if (first.kind != TokenKind::kWord) return result;
  std::string word = ToUpper(first.value);
  try {
    if (word == "SOURCE") {
      result.kind = Kind::kSource;
    } else if (word == "LOAD") {
      result.kind = Kind::kLoad;
    } else if (word == "EXPORT") {
      result.kind = Kind::kExport;
      if (cursor.Next().Is("DATABASE") && cursor.Peek().IsQuoted()) result.kind = Kind::kSql;
    } else if (word == "CREATE") {
      if (cursor.Accept("OR") && !cursor.Accept("REPLACE")) return result;
      if (!cursor.Accept("TABLE") || !cursor.Peek().IsName()) return result;
      cursor.Next();
      if (cursor.Peek().IsPunct('.')) {
        cursor.Next();
        if (!cursor.Peek().IsName()) return result;
        cursor.Next();
      }
      if (cursor.Peek().Is("AS") || cursor.Peek().Is("MODE")) result.kind = Kind::kCreate;
    } else if (word == "SET") {
      result.kind = Kind::kSet;
      const Token& scope = cursor.Peek();
      if (scope.Is("GLOBAL") || scope.Is("SESSION") || scope.Is("LOCAL") || scope.Is("VARIABLE"))
        result.kind = Kind::kSql;
    } else if (word == "INCLUDE") {
      result.kind = Kind::kInclude;
    } else if (word == "BEGIN" || word == "COMMIT" || word == "END" || word == "ROLLBACK" ||
               word == "ABORT") {
      result.kind = Kind::kTransaction;
      result.transaction_words = word;
      result.transaction_end = first.end;
    } else if (word == "START" && cursor.Peek().Is("TRANSACTION")) {
      result.kind = Kind::kTransaction;
      result.transaction_words = "START TRANSACTION";
      result.transaction_end = cursor.Peek().end;
    }
  } catch (const StatementError&) {
    // A region error right after the first word: the DSL parser reports it for DSL statements.
    if (result.kind == Kind::kCreate) result.kind = Kind::kSql;
  }
  return result;
}

class StatementParser {
 public:
  explicit StatementParser(const SubstitutedText& text)
      : text_(text.text), cursor_(text, sqltext::RegionScanner::VarRefs::kIgnore) {}

  Statement Parse() {
    Classification classification = Classify(cursor_.substituted());
    switch (classification.kind) {
      case Kind::kSource:
        return ParseSource();
      case Kind::kLoad:
        return ParseLoad();
      case Kind::kExport:
        return ParseExport();
      case Kind::kCreate:
        return ParseCreate();
      case Kind::kSet:
        return ParseSet();
      case Kind::kInclude:
        cursor_.Fail("SF106", "INCLUDE must be expanded before statements are parsed", classification.first);
      case Kind::kTransaction:
        cursor_.Fail(
            "SF122",
            "transaction control (" + classification.transaction_words + ") is not allowed in pipelines",
            classification.first.begin, classification.transaction_end - classification.first.begin,
            {"each step already runs in its own transaction"});
      case Kind::kSql:
        break;
    }
    return SqlStmt{TrimSpace(text_)};
  }

 private:
  std::string Written(size_t begin, size_t end) const {
    return std::string(text_.substr(begin, end - begin));
  }
  std::string Written(const Token& token) const { return Written(token.begin, token.end); }

  // SF106: expected <what> after <previous>, found <token>.
  [[noreturn]] void Expected(const std::string& what, const std::string& previous, const Token& found,
                             std::vector<std::string> hints = {}) {
    cursor_.Fail("SF106", "expected " + what + " after " + previous + ", found " + cursor_.Describe(found),
                 found, std::move(hints));
  }

  // The statement must end here. A word at the start of a new line is most likely the next statement,
  // written without the ';' in between (SF105); anything else is SF106.
  void ExpectEnd(const std::string& what, const std::string& previous) {
    const Token& next = cursor_.Peek();
    if (next.kind == TokenKind::kEnd) return;
    if (next.kind == TokenKind::kWord && cursor_.StartsLine(next)) {
      size_t last = cursor_.prev_end() > 0 ? cursor_.prev_end() - 1 : 0;
      int line = cursor_.Pos(last, 1).line;
      cursor_.Fail("SF105", "expected ';' before '" + next.value + "'", next,
                   {"is a ';' missing at the end of line " + std::to_string(line) + "?"});
    }
    Expected(what, previous, next);
  }

  Name ExpectName(const std::string& what, const std::string& previous) {
    Token token = cursor_.Next();
    if (!token.IsName()) Expected(what, previous, token);
    return MakeName(token);
  }

  QualifiedName ExpectQName(const std::string& what, const std::string& previous) {
    QualifiedName qname;
    qname.name = ExpectName(what, previous);
    if (cursor_.Peek().IsPunct('.')) {
      cursor_.Next();
      qname.schema = qname.name;
      qname.name = ExpectName("a name", Written(qname.schema->offset, cursor_.prev_end()));
    }
    qname.offset = qname.schema ? qname.schema->offset : qname.name.offset;
    qname.length = qname.name.offset + qname.name.length - qname.offset;
    return qname;
  }

  std::string Written(const QualifiedName& qname) const {
    return Written(qname.offset, qname.offset + qname.length);
  }

  // PARAMS / OPTIONS: the next token must be a brace block holding a strict JSON object.
  JsonObject ExpectJson(const std::string& label) {
    Token token = cursor_.Next();
    if (token.kind != TokenKind::kBrace) cursor_.Fail("SF108", label + " must be a JSON object", token);
    auto result = ParseJsonObject(text_, token.begin, token.end, label);
    if (auto* error = std::get_if<sqltext::TextError>(&result)) {
      std::vector<std::string> hints;
      if (!error->hint.empty()) hints.push_back(error->hint);
      cursor_.Fail(error->code, error->message, error->offset, error->length, std::move(hints));
    }
    return std::get<JsonObject>(std::move(result));
  }

  // type_name = ident { "-" ident } (TYPE Google-Sheets), written without spaces around the hyphens; the
  // registry normalises '-' to '_'.
  Name ExpectTypeName(const char* what) {
    Token type = cursor_.Next();
    if (type.kind != TokenKind::kWord) Expected(what, "TYPE", type);
    Name name = MakeName(type);
    size_t end = type.end;
    while (cursor_.Peek().kind == TokenKind::kOther && cursor_.Peek().value == "-" &&
           cursor_.Peek().begin == end) {
      cursor_.Next();
      Token part = cursor_.Next();
      if (part.kind != TokenKind::kWord || part.begin != end + 1)
        Expected("a type name", "TYPE " + name.text + "-", part);
      name.text += "-" + part.value;
      end = part.end;
    }
    name.length = end - name.offset;
    return name;
  }

  // ------------------------------------------------------------ SOURCE

  Statement ParseSource() {
    SourceStmt source;
    cursor_.Next();  // SOURCE
    source.name = ExpectName("a source name", "SOURCE");
    Token form = cursor_.Next();
    std::string previous;
    if (form.Is("TYPE")) {
      source.type = ExpectTypeName("a connector type");
      previous = "TYPE " + source.type->text;
      const Token& next = cursor_.Peek();
      if (next.Is("OPTIONS") || next.Is("FROM")) cursor_.Fail("SF119", kSourceMessage, next);
      if (!next.Is("PARAMS")) Expected("PARAMS {...}", previous, next);
      cursor_.Next();
      source.params = ExpectJson("PARAMS");
      previous = "PARAMS {...}";
      if (cursor_.Peek().Is("OPTIONS") || cursor_.Peek().Is("FROM") || cursor_.Peek().Is("TYPE"))
        cursor_.Fail("SF119", kSourceMessage, cursor_.Peek());
    } else if (form.Is("FROM")) {
      Token connector = cursor_.Next();
      if (!connector.IsQuoted() && connector.kind != TokenKind::kWord)
        Expected("a connector name", "FROM", connector);
      source.connector = MakeName(connector);
      previous = "FROM " + Written(connector);
      if (cursor_.Peek().Is("PARAMS") || cursor_.Peek().Is("TYPE"))
        cursor_.Fail("SF119", kSourceMessage, cursor_.Peek());
      if (cursor_.Accept("OPTIONS")) {
        source.params = ExpectJson("OPTIONS");
        previous = "OPTIONS {...}";
        if (cursor_.Peek().Is("PARAMS") || cursor_.Peek().Is("TYPE"))
          cursor_.Fail("SF119", kSourceMessage, cursor_.Peek());
      }
    } else {
      cursor_.Fail("SF119", kSourceMessage, form);
    }
    ExpectEnd(source.connector && !source.params ? "OPTIONS or ';'" : "';'", previous);
    return source;
  }

  // ------------------------------------------------------------ modes and KEY (LOAD, CREATE)

  struct ModeClause {
    std::optional<Name> word;
    std::string upper;  // REPLACE, APPEND, UPSERT, INCREMENTAL ("" when no MODE)
    std::vector<Name> key;
  };

  // After MODE: the mode word, and KEY for UPSERT / MERGE. `allow_incremental` for CREATE.
  ModeClause ParseMode(bool allow_incremental) {
    ModeClause clause;
    Token word = cursor_.Next();
    std::string expected_modes = allow_incremental ? "REPLACE, APPEND, UPSERT (or MERGE) or INCREMENTAL"
                                                   : "REPLACE, APPEND, UPSERT (or MERGE)";
    if (word.kind != TokenKind::kWord) Expected("a mode (" + expected_modes + ")", "MODE", word);
    std::string upper = ToUpper(word.value);
    std::vector<std::string> modes = {"REPLACE", "APPEND", "UPSERT", "MERGE"};
    if (allow_incremental) modes.push_back("INCREMENTAL");
    if (std::find(modes.begin(), modes.end(), upper) == modes.end()) {
      std::vector<std::string> hints;
      if (upper == "INCREMENTAL") {
        hints.push_back(
            "INCREMENTAL is only available for CREATE TABLE <name> MODE INCREMENTAL BY <column> AS ...");
      } else if (auto suggestion = DidYouMean(word.value, modes)) {
        hints.push_back("did you mean " + *suggestion + "?");
      }
      cursor_.Fail("SF109", "unknown mode '" + word.value + "'; expected " + expected_modes, word,
                   std::move(hints));
    }
    clause.word = MakeName(word);
    clause.upper = upper == "MERGE" ? "UPSERT" : upper;
    if (clause.upper == "UPSERT") {
      if (!cursor_.Peek().Is("KEY")) {
        std::string message = "UPSERT mode requires KEY (column, ...)";
        if (upper == "MERGE") message += "; MODE MERGE is a synonym of UPSERT";
        std::vector<std::string> hints = {"add KEY (<column>, ...) after MODE " + upper};
        // `MODE UPSERT ON id` (the SQL MERGE habit): name the fix with the user's own column.
        if (cursor_.Peek().Is("ON")) {
          cursor_.Next();
          const Token& column = cursor_.Peek();
          const std::string written = column.IsName() ? column.value : "<column>";
          hints = {"write KEY, not ON: MODE " + upper + " KEY (" + written + ")"};
        }
        cursor_.Fail("SF110", message, word, std::move(hints));
      }
      clause.key = ParseKey();
    }
    return clause;
  }

  // KEY (a, b) or KEY a, b.
  std::vector<Name> ParseKey() {
    cursor_.Next();  // KEY
    bool parenthesized = false;
    std::string previous = "KEY";
    if (cursor_.Peek().IsPunct('(')) {
      cursor_.Next();
      parenthesized = true;
      previous = "KEY (";
    }
    std::vector<Name> columns;
    while (true) {
      Token column = cursor_.Next();
      if (!column.IsName()) Expected("a column name", columns.empty() ? previous : "','", column);
      for (const Name& seen : columns)
        if (EqualsIgnoreCase(seen.text, column.value))
          cursor_.Fail("SF309", "column '" + column.value + "' is listed twice in KEY", column);
      columns.push_back(MakeName(column));
      if (!cursor_.Peek().IsPunct(',')) break;
      cursor_.Next();
    }
    if (parenthesized) {
      Token close = cursor_.Next();
      if (!close.IsPunct(')')) Expected("',' or ')'", "column '" + columns.back().text + "'", close);
    }
    return columns;
  }

  // KEY after a mode other than UPSERT (or without MODE): SF111.
  void RejectKey(const ModeClause& clause) {
    if (clause.upper != "UPSERT" && cursor_.Peek().Is("KEY"))
      cursor_.Fail("SF111", "KEY can only be used with MODE UPSERT", cursor_.Peek());
  }

  std::string ModeText(const ModeClause& clause) const {
    return clause.word ? Written(clause.word->offset, cursor_.prev_end()) : "";
  }

  // ------------------------------------------------------------ LOAD

  Statement ParseLoad() {
    LoadStmt load;
    cursor_.Next();  // LOAD
    const Token& target = cursor_.Peek();
    if (target.kind == TokenKind::kSingleQuoted)
      Expected("a table name", "LOAD", target, {kLoadExtensionHint});
    load.table = ExpectQName("a table name", "LOAD");
    const Token& from = cursor_.Peek();
    if (!from.Is("FROM")) {
      std::string hint =
          from.kind == TokenKind::kEnd ? kLoadExtensionHint : "write LOAD <table> FROM <source> [MODE ...]";
      Expected("FROM <source>", "LOAD " + Written(load.table), from, {hint});
    }
    cursor_.Next();
    if (const Token& next = cursor_.Peek(); next.kind == TokenKind::kSingleQuoted) {
      // `LOAD t FROM 'data/t.csv'`: a LOAD reads a declared SOURCE, never a path.
      const std::string lower = ToLower(next.value);
      const std::string type =
          EndsWith(lower, ".parquet")                                                           ? "PARQUET"
          : EndsWith(lower, ".json") || EndsWith(lower, ".ndjson") || EndsWith(lower, ".jsonl") ? "JSON"
                                                                                                : "CSV";
      const std::string& table = load.table.name.text;
      Expected(
          "a source name", "FROM", next,
          {"declare a SOURCE for the file first, then load it by name: SOURCE " + table + "_src TYPE " +
           type + " PARAMS {\"path\": \"" + next.value + "\"}; LOAD " + table + " FROM " + table + "_src;"});
    }
    load.source = ExpectName("a source name", "FROM");
    std::string previous = "FROM " + Written(load.source.offset, load.source.offset + load.source.length);
    ModeClause clause;
    RejectKey(clause);
    if (cursor_.Accept("MODE")) {
      clause = ParseMode(false);
      RejectKey(clause);
      previous = "MODE " + ModeText(clause);
      ExpectEnd("';'", previous);
    } else {
      ExpectEnd("MODE or ';'", previous);
    }
    load.mode_word = clause.word;
    load.mode = clause.upper == "APPEND"   ? WriteMode::kAppend
                : clause.upper == "UPSERT" ? WriteMode::kUpsert
                                           : WriteMode::kReplace;
    load.key = std::move(clause.key);
    return load;
  }

  // ------------------------------------------------------------ CREATE TABLE

  Statement ParseCreate() {
    CreateStmt create;
    Token create_word = cursor_.Next();  // CREATE
    size_t or_begin = 0;
    size_t or_end = 0;
    if (cursor_.Peek().Is("OR")) {
      or_begin = cursor_.Next().begin;
      or_end = cursor_.Next().end;  // REPLACE (checked by Classify)
      create.or_replace = true;
    }
    cursor_.Next();  // TABLE
    create.table = ExpectQName("a table name", "CREATE TABLE");
    std::string previous = Written(create_word.begin, cursor_.prev_end());
    ModeClause clause;
    if (cursor_.Accept("MODE")) {
      clause = ParseMode(true);
      if (create.or_replace && clause.upper != "REPLACE")
        cursor_.Fail("SF115", "OR REPLACE can only be used with MODE REPLACE", or_begin, or_end - or_begin);
      if (clause.upper == "INCREMENTAL") {
        if (!cursor_.Accept("BY"))
          cursor_.Fail("SF112", "INCREMENTAL mode requires BY <time_column>", clause.word->offset,
                       clause.word->length);
        create.incremental_by = ExpectName("a time column", "INCREMENTAL BY");
        if (cursor_.Peek().Is("LOOKBACK")) {
          cursor_.Next();
          create.lookback = ParseLookback();
        }
      }
      previous = "MODE " + ModeText(clause);
    }
    RejectKey(clause);
    if (cursor_.Peek().Is("LOOKBACK"))
      cursor_.Fail("SF113", "LOOKBACK can only be used with INCREMENTAL mode", cursor_.Peek());
    Token as = cursor_.Next();
    if (!as.Is("AS")) Expected("AS <query>", previous, as);
    const Token& first = cursor_.Peek();
    if (!StartsQuery(first)) {
      if (first.kind == TokenKind::kEnd)
        cursor_.Fail("SF116", "expected a query after AS (SELECT, WITH, FROM, VALUES or '(')", as);
      cursor_.Fail("SF116", "expected a query after AS (SELECT, WITH, FROM, VALUES or '(')", first);
    }
    size_t query_begin = as.end;
    while (query_begin < text_.size() && sqltext::IsSpace(text_[query_begin])) ++query_begin;
    create.query = TrimSpace(text_.substr(query_begin));
    create.query_offset = query_begin;
    create.mode_word = clause.word;
    create.key = std::move(clause.key);
    if (clause.upper == "APPEND") create.mode = WriteMode::kAppend;
    if (clause.upper == "UPSERT") create.mode = WriteMode::kUpsert;
    if (clause.upper == "INCREMENTAL") create.mode = WriteMode::kIncremental;
    return create;
  }

  // '7 days' or 7 DAYS.
  Lookback ParseLookback() {
    static const std::vector<std::string> kUnits = {"second", "minute", "hour", "day",
                                                    "week",   "month",  "year"};
    Lookback lookback;
    Token first = cursor_.Next();
    std::string written;
    std::string amount_text;
    std::string unit_text;
    size_t end = first.end;
    if (first.kind == TokenKind::kSingleQuoted) {
      written = first.value;
      std::string_view content = first.value;
      size_t i = 0;
      while (i < content.size() && sqltext::IsSpace(content[i])) ++i;
      size_t digits_begin = i;
      while (i < content.size() && content[i] >= '0' && content[i] <= '9') ++i;
      amount_text = std::string(content.substr(digits_begin, i - digits_begin));
      while (i < content.size() && sqltext::IsSpace(content[i])) ++i;
      size_t unit_begin = i;
      while (i < content.size() && sqltext::IsIdentChar(content[i])) ++i;
      unit_text = std::string(content.substr(unit_begin, i - unit_begin));
      while (i < content.size() && sqltext::IsSpace(content[i])) ++i;
      if (i != content.size()) unit_text.clear();  // trailing text
    } else if (first.kind == TokenKind::kNumber) {
      amount_text = first.value;
      const Token& unit = cursor_.Peek();
      if (unit.kind == TokenKind::kWord) {
        unit_text = unit.value;
        end = cursor_.Next().end;
      }
      written = Written(first.begin, end);
    } else {
      written = first.kind == TokenKind::kEnd ? "" : Written(first);
    }
    lookback.offset = first.kind == TokenKind::kEnd ? cursor_.prev_end() : first.begin;
    lookback.length = first.kind == TokenKind::kEnd ? 1 : end - first.begin;
    std::string unit = ToLower(unit_text);
    if (unit.size() > 1 && unit.back() == 's' &&
        std::find(kUnits.begin(), kUnits.end(), unit.substr(0, unit.size() - 1)) != kUnits.end())
      unit.pop_back();
    bool valid = !amount_text.empty() && amount_text.size() <= 18 &&
                 std::find(kUnits.begin(), kUnits.end(), unit) != kUnits.end();
    if (!valid)
      cursor_.Fail("SF114",
                   "invalid LOOKBACK '" + written +
                       "': expected '<number> <unit>' (second, minute, hour, day, week, month, year)",
                   lookback.offset, lookback.length);
    lookback.amount = std::stoll(amount_text);
    lookback.unit = unit;
    return lookback;
  }

  // ------------------------------------------------------------ EXPORT

  Statement ParseExport() {
    ExportStmt exp;
    Token export_word = cursor_.Next();  // EXPORT
    size_t head_begin = cursor_.position();
    std::vector<Token> tos;  // TO at parenthesis depth 0, outside regions
    int depth = 0;
    while (true) {
      Token token = cursor_.Next();
      if (token.kind == TokenKind::kEnd) break;
      if (token.IsPunct('(')) ++depth;
      if (token.IsPunct(')')) depth = std::max(0, depth - 1);
      if (depth == 0 && token.Is("TO")) tos.push_back(token);
    }
    if (tos.empty()) cursor_.Fail("SF118", kExportToMessage, export_word);

    // The last TO whose tail parses as `TO dest [TYPE t] [OPTIONS {...}]`; else the error of the last one.
    const Token* chosen = nullptr;
    for (auto it = tos.rbegin(); it != tos.rend() && !chosen; ++it) {
      try {
        ExportStmt attempt;
        ParseExportTail(*it, attempt);
        exp = std::move(attempt);
        chosen = &*it;
      } catch (const StatementError&) {
      }
    }
    if (!chosen) {
      ParseExportTail(tos.back(), exp);  // throws its error
      chosen = &tos.back();
    }

    cursor_.Seek(head_begin);
    const Token& first = cursor_.Peek();
    const char* kHeadMessage =
        "EXPORT expects a query (SELECT, WITH, FROM, VALUES or '(') or a table name before TO";
    if (first.begin >= chosen->begin) cursor_.Fail("SF117", kHeadMessage, *chosen);
    if (StartsQuery(first)) {
      size_t query_begin = export_word.end;
      while (query_begin < chosen->begin && sqltext::IsSpace(text_[query_begin])) ++query_begin;
      exp.query = TrimSpace(text_.substr(query_begin, chosen->begin - query_begin));
      exp.query_offset = query_begin;
    } else {
      if (!first.IsName()) cursor_.Fail("SF117", kHeadMessage, first);
      Token head = first;
      QualifiedName table;
      try {
        table = ExpectQName("a table name", "EXPORT");
      } catch (const StatementError&) {
        cursor_.Fail("SF117", kHeadMessage, head);
      }
      if (cursor_.Peek().begin != chosen->begin) cursor_.Fail("SF117", kHeadMessage, head);
      exp.query = "SELECT * FROM " + Written(table);
      exp.query_offset = table.offset;
      exp.table = std::move(table);
    }
    return exp;
  }

  void ParseExportTail(const Token& to, ExportStmt& exp) {
    cursor_.Seek(to.end);
    Token destination = cursor_.Next();
    if (destination.IsQuoted()) {
      exp.destination_is_connector = false;
    } else if (destination.kind == TokenKind::kWord) {
      exp.destination_is_connector = true;
    } else {
      cursor_.Fail("SF118", kExportToMessage, destination.kind == TokenKind::kEnd ? to : destination);
    }
    exp.destination = destination.value;
    exp.destination_offset = destination.begin;
    exp.destination_length = destination.end - destination.begin;
    std::string previous = "TO " + Written(destination);
    std::string what = "TYPE, OPTIONS or ';'";
    if (exp.destination_is_connector) {
      // `TO output/x.csv`: an unquoted path. A word is a connector name; a path must be quoted.
      const Token& next = cursor_.Peek();
      if ((next.kind == TokenKind::kOther && next.value == "/") || next.IsPunct('.')) {
        const std::string text(cursor_.text());
        size_t end = destination.end;
        while (end < text.size() && !sqltext::IsSpace(text[end]) && text[end] != ';') ++end;
        Expected(what, previous, next,
                 {"quote the path: TO '" + text.substr(destination.begin, end - destination.begin) + "'"});
      }
    }
    if (cursor_.Accept("TYPE")) {
      exp.type = ExpectTypeName("an export type (CSV, PARQUET, JSON, ...)");
      previous = "TYPE " + exp.type->text;
      what = "OPTIONS or ';'";
    }
    if (cursor_.Accept("OPTIONS")) {
      exp.options = ExpectJson("OPTIONS");
      previous = "OPTIONS {...}";
      what = "';'";
    }
    if (cursor_.Peek().Is("PARAMS"))
      Expected(what, previous, cursor_.Peek(), {"EXPORT takes OPTIONS {...}; PARAMS belongs to SOURCE"});
    ExpectEnd(what, previous);
  }

  // ------------------------------------------------------------ SET

  Statement ParseSet() {
    SetStmt set;
    cursor_.Next();  // SET
    Token name = cursor_.Next();
    if (name.kind != TokenKind::kWord) cursor_.Fail("SF124", kSetMessage, name, {kSetHint});
    Token equals = cursor_.Next();
    if (!equals.IsPunct('=')) cursor_.Fail("SF124", kSetMessage, equals, {kSetHint});
    set.name = MakeName(name);

    // The value: the rest of the statement without comments, trimmed; a single quoted string is unquoted.
    sqltext::RegionScanner scanner(text_, sqltext::RegionScanner::VarRefs::kIgnore, nullptr);
    std::string raw;
    size_t value_begin = std::string_view::npos;
    for (size_t i = equals.end; i < text_.size();) {
      sqltext::RegionKind kind = scanner.KindAt(i);
      size_t next = kind == sqltext::RegionKind::kNone ? i + 1 : scanner.Skip(i);
      if (!sqltext::RegionScanner::IsComment(kind)) {
        if (value_begin == std::string_view::npos && !sqltext::IsSpace(text_[i])) value_begin = i;
        raw.append(text_, i, next - i);
      }
      i = next;
    }
    set.value = TrimSpace(raw);
    set.value_offset = value_begin == std::string_view::npos ? equals.end : value_begin;
    if (set.value.empty()) cursor_.Fail("SF124", kSetMessage, equals);
    try {
      Token value = cursor_.Next();
      if (value.IsQuoted() && cursor_.Peek().kind == TokenKind::kEnd) set.value = value.value;
    } catch (const StatementError&) {
      // An unbalanced quote (typically from a variable value): keep the raw text.
    }
    return set;
  }

  std::string_view text_;
  Cursor cursor_;
};

}  // namespace

std::optional<Statement> ParseStatement(const variables::SubstitutedText& text, Diagnostics& diagnostics) {
  try {
    return StatementParser(text).Parse();
  } catch (const StatementError& error) {
    diagnostics.Add(error.diagnostic());
    return std::nullopt;
  }
}

std::string FirstWord(std::string_view statement_text) {
  sqltext::RegionScanner scanner(statement_text, sqltext::RegionScanner::VarRefs::kIgnore, nullptr);
  size_t begin = scanner.SkipTrivia(0);
  size_t end = begin;
  if (end < statement_text.size() && sqltext::IsIdentStart(statement_text[end])) {
    while (end < statement_text.size() && sqltext::IsIdentChar(statement_text[end])) ++end;
  }
  return ToUpper(statement_text.substr(begin, end - begin));
}

std::optional<IncludeStmt> ParseInclude(const SourceFilePtr& file, size_t begin, size_t end,
                                        Diagnostics& diagnostics) {
  auto text = variables::SubstitutedText::Identity(file, begin, end);
  Cursor cursor(text, sqltext::RegionScanner::VarRefs::kAtomic);
  try {
    cursor.Next();  // INCLUDE
    Token path = cursor.Next();
    bool has_variable = path.kind == TokenKind::kVarRef ||
                        (path.IsQuoted() &&
                         text.text.substr(path.begin, path.end - path.begin).find("${") != std::string::npos);
    if (has_variable) cursor.Fail("SF123", "INCLUDE path must be a string without variables", path);
    if (!path.IsQuoted()) {
      cursor.Fail("SF106", "expected a quoted path after INCLUDE, found " + cursor.Describe(path), path,
                  {"write INCLUDE \"<file>.sf\";"});
    }
    std::string previous = "INCLUDE " + std::string(text.text.substr(path.begin, path.end - path.begin));
    if (cursor.Accept("AS")) {
      Token alias = cursor.Next();
      if (!alias.IsName())
        cursor.Fail("SF106", "expected an alias after AS, found " + cursor.Describe(alias), alias);
      previous = "AS " + alias.value;
    }
    const Token& next = cursor.Peek();
    if (next.kind != TokenKind::kEnd) {
      if (next.kind == TokenKind::kWord && cursor.StartsLine(next)) {
        int line = cursor.Pos(cursor.prev_end() - 1, 1).line;
        cursor.Fail("SF105", "expected ';' before '" + next.value + "'", next,
                    {"is a ';' missing at the end of line " + std::to_string(line) + "?"});
      }
      cursor.Fail("SF106", "expected AS or ';' after " + previous + ", found " + cursor.Describe(next), next);
    }
    return IncludeStmt{path.value, begin + path.begin, path.end - path.begin};
  } catch (const StatementError& error) {
    diagnostics.Add(error.diagnostic());
    return std::nullopt;
  }
}

}  // namespace sqlflow::parser

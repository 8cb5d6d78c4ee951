// The pipeline syntax tree (LANGUAGE.md §2-3).
//
// Two levels:
//  1. The *block tree* (Item / IfBlock / RawStatement), built from the file text before any variable is
//     substituted (§2.3: block structure and statement boundaries never depend on variable values).
//     INCLUDEs are already expanded in it; each RawStatement knows the file it came from.
//  2. The *statement AST* (Statement), parsed from one RawStatement's text after substitution.
//
// Offsets in the statement AST are byte offsets into the substituted statement text; the planner maps them
// back to file positions through variables::SubstitutedText.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "sqlflow/common/source_file.h"
#include "sqlflow/common/write_mode.h"

namespace sqlflow::parser {

// ---------------------------------------------------------------- block tree

// A `;`-terminated statement as written. [begin, end) is a byte range in file->text(): from the first
// token (after leading whitespace and comments) up to, not including, the terminating ';'.
struct RawStatement {
  SourceFilePtr file;
  size_t begin = 0;
  size_t end = 0;
  std::string_view text() const { return std::string_view(file->text()).substr(begin, end - begin); }
};

// The condition text of an IF / ELSE IF header: [begin, end) between IF and THEN, trimmed.
struct RawCondition {
  SourceFilePtr file;
  size_t begin = 0;
  size_t end = 0;
  size_t keyword_offset = 0;  // offset of the IF / ELSEIF / ELSE keyword, for messages
  std::string_view text() const { return std::string_view(file->text()).substr(begin, end - begin); }
};

struct Item;

struct Branch {
  std::optional<RawCondition> condition;  // absent for ELSE
  std::vector<Item> items;
};

struct IfBlock {
  SourceFilePtr file;
  size_t if_offset = 0;  // offset of the IF keyword
  std::vector<Branch> branches;
};

struct Item {
  std::variant<RawStatement, IfBlock> node;
};

struct PipelineTree {
  SourceFilePtr main_file;
  std::vector<SourceFilePtr> files;  // main file first, then included files in order of first inclusion
  std::vector<Item> items;
};

// ---------------------------------------------------------------- statement AST

struct Name {
  std::string text;   // unquoted identifier text ("My Table" for "My Table"), case as written
  size_t offset = 0;  // in the substituted statement text
  size_t length = 0;
  bool quoted = false;
};

// `name` or `schema.name`.
struct QualifiedName {
  std::optional<Name> schema;
  Name name;
  size_t offset = 0;  // start of the whole qname
  size_t length = 0;
  // "schema.name" or "name", unquoted, for messages and plan targets.
  std::string Display() const { return schema ? schema->text + "." + name.text : name.text; }
};

// A strict JSON object from PARAMS / OPTIONS (RFC 8259, no duplicates), keys in written order.
struct JsonObject {
  nlohmann::ordered_json value = nlohmann::ordered_json::object();
  std::vector<std::pair<std::string, size_t>> key_offsets;  // key -> offset of its opening quote
  size_t offset = 0;                                        // the '{'
  size_t length = 0;                                        // through the matching '}'
  size_t KeyOffset(const std::string& key) const;           // offset of the key, or `offset` when unknown
};

struct SourceStmt {
  Name name;
  std::optional<Name> type;          // TYPE form
  std::optional<Name> connector;     // FROM form (quoted string or bare name)
  std::optional<JsonObject> params;  // PARAMS (TYPE form) or OPTIONS (FROM form)
};

struct LoadStmt {
  QualifiedName table;
  Name source;
  WriteMode mode = WriteMode::kReplace;
  std::optional<Name> mode_word;  // the mode keyword as written (MERGE, UPSERT, ...), for messages
  std::vector<Name> key;
};

struct Lookback {
  int64_t amount = 0;
  std::string unit;  // singular lower case: second, minute, hour, day, week, month, year
  size_t offset = 0;
  size_t length = 0;
  std::string Normalized() const { return std::to_string(amount) + " " + unit; }
};

struct CreateStmt {
  bool or_replace = false;
  QualifiedName table;
  WriteMode mode = WriteMode::kReplace;
  std::optional<Name> mode_word;
  std::vector<Name> key;
  std::optional<Name> incremental_by;
  std::optional<Lookback> lookback;
  std::string query;  // verbatim text after AS, to the end of the statement
  size_t query_offset = 0;
};

struct ExportStmt {
  std::optional<QualifiedName> table;  // table form
  std::string query;                   // verbatim query; for the table form: SELECT * FROM <qname as written>
  size_t query_offset = 0;
  std::string destination;  // unquoted path / URI, or the connector name
  bool destination_is_connector = false;
  size_t destination_offset = 0;
  size_t destination_length = 0;
  std::optional<Name> type;
  std::optional<JsonObject> options;
};

struct SetStmt {
  Name name;
  std::string value;  // §3.7: quoted string content (undoubled) or raw trimmed text without comments
  size_t value_offset = 0;
};

struct SqlStmt {
  std::string sql;  // the whole statement text, verbatim
};

using Statement = std::variant<SourceStmt, LoadStmt, CreateStmt, ExportStmt, SetStmt, SqlStmt>;

}  // namespace sqlflow::parser

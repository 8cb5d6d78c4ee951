// Strict JSON objects for PARAMS and OPTIONS (RFC 8259: no comments, no trailing commas; duplicate keys
// rejected), keeping the key order as written.
#pragma once

#include <string_view>
#include <variant>

#include "sqlflow/parser/ast.h"
#include "sqlflow/sqltext/scanner.h"

namespace sqlflow::parser {

// Parses the brace block text[begin, end) (from '{' through its matching '}'). `label` ("PARAMS" or
// "OPTIONS") names the clause in messages. Offsets in the result and in the error are offsets in `text`.
// Errors: SF107 (invalid JSON, positioned at the offending character), SF125 (duplicate key, at the key).
std::variant<JsonObject, sqltext::TextError> ParseJsonObject(std::string_view text, size_t begin, size_t end,
                                                             std::string_view label);

}  // namespace sqlflow::parser

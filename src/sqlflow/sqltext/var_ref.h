// Lexical form of variable references (LANGUAGE.md §4.1): `${name}`, `${name|default}`, the `$${` escape.
// Part of the one SQL-text scanner (scanner.h); also used by profile environment substitution.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sqlflow::sqltext {

enum class VarRefError {
  kNone,
  kMalformed,          // SF202: ${}, ${1x}, junk after the name
  kWhitespaceDefault,  // SF203: unquoted default containing whitespace
  kUnterminated,       // SF204: no closing '}' on the same line
};

struct VarRef {
  size_t begin = 0;      // offset of '$'
  size_t end = 0;        // one past the closing '}' (for errors: the end of the text scanned)
  bool escaped = false;  // `$${...}`: copy `${...}` literally, no substitution
  std::string name;      // variable name (case-sensitive)
  std::optional<std::string> default_value;  // quotes removed
  VarRefError error = VarRefError::kNone;
};

// True when text[pos] starts a reference or an escape: "${" or "$${".
bool StartsVarRef(std::string_view text, size_t pos);

// Scans the reference starting at text[pos] (which must satisfy StartsVarRef). Never throws; on error,
// `error` is set and `end` is where scanning stopped (end of line for kUnterminated, the '}' + 1 otherwise).
VarRef ScanVarRef(std::string_view text, size_t pos);

// The text of the reference as written, for messages: `${name|default}`.
std::string VarRefText(std::string_view text, const VarRef& ref);

}  // namespace sqlflow::sqltext

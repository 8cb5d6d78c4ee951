#include "sqlflow/variables/var_ref.h"

#include "sqlflow/common/text.h"

namespace sqlflow::variables {

bool StartsVarRef(std::string_view text, size_t pos) {
  if (pos + 1 < text.size() && text[pos] == '$' && text[pos + 1] == '{') return true;
  return pos + 2 < text.size() && text[pos] == '$' && text[pos + 1] == '$' && text[pos + 2] == '{';
}

namespace {
bool IsSpace(char c) { return c == ' ' || c == '\t'; }
bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
}  // namespace

VarRef ScanVarRef(std::string_view text, size_t pos) {
  VarRef ref;
  ref.begin = pos;
  size_t line_end = text.find('\n', pos);
  if (line_end == std::string_view::npos) line_end = text.size();

  if (text[pos + 1] == '$') {  // "$${": literal up to the next '}'
    ref.escaped = true;
    size_t close = text.find('}', pos + 3);
    if (close == std::string_view::npos || close > line_end) {
      ref.error = VarRefError::kUnterminated;
      ref.end = line_end;
    } else {
      ref.end = close + 1;
    }
    return ref;
  }

  size_t i = pos + 2;
  while (i < line_end && IsSpace(text[i])) ++i;
  size_t name_start = i;
  if (i < line_end && IsIdentStart(text[i])) {
    while (i < line_end && IsIdentChar(text[i])) ++i;
  }
  ref.name = std::string(text.substr(name_start, i - name_start));
  while (i < line_end && IsSpace(text[i])) ++i;

  auto finish_malformed = [&]() {
    size_t close = text.find('}', i);
    ref.error = (close == std::string_view::npos || close > line_end) ? VarRefError::kUnterminated
                                                                       : VarRefError::kMalformed;
    ref.end = ref.error == VarRefError::kUnterminated ? line_end : close + 1;
    return ref;
  };

  if (ref.name.empty()) return finish_malformed();
  if (i >= line_end) {
    ref.error = VarRefError::kUnterminated;
    ref.end = line_end;
    return ref;
  }
  if (text[i] == '}') {
    ref.end = i + 1;
    return ref;
  }
  if (text[i] != '|') return finish_malformed();
  ++i;  // past '|'
  while (i < line_end && IsSpace(text[i])) ++i;
  if (i < line_end && (text[i] == '"' || text[i] == '\'')) {
    char quote = text[i];
    size_t close = text.find(quote, i + 1);
    if (close == std::string_view::npos || close >= line_end) {
      ref.error = VarRefError::kUnterminated;
      ref.end = line_end;
      return ref;
    }
    ref.default_value = std::string(text.substr(i + 1, close - i - 1));
    i = close + 1;
    while (i < line_end && IsSpace(text[i])) ++i;
    if (i < line_end && text[i] == '}') {
      ref.end = i + 1;
      return ref;
    }
    return finish_malformed();
  }
  size_t value_start = i;
  while (i < line_end && text[i] != '}' && !IsSpace(text[i]) && text[i] != '"' && text[i] != '\'') ++i;
  std::string value(text.substr(value_start, i - value_start));
  size_t after_value = i;
  while (i < line_end && IsSpace(text[i])) ++i;
  if (i < line_end && text[i] == '}') {
    ref.default_value = value;
    ref.end = i + 1;
    return ref;
  }
  // Whitespace inside an unquoted default: SF203 when a '}' closes it on this line.
  size_t close = text.find('}', after_value);
  if (close != std::string_view::npos && close < line_end) {
    ref.default_value = Trim(text.substr(value_start, close - value_start));
    ref.end = close + 1;
    bool has_quote = ref.default_value->find_first_of("\"'") != std::string::npos;
    ref.error = has_quote ? VarRefError::kMalformed : VarRefError::kWhitespaceDefault;
    return ref;
  }
  ref.error = VarRefError::kUnterminated;
  ref.end = line_end;
  return ref;
}

std::string VarRefText(std::string_view text, const VarRef& ref) {
  return std::string(text.substr(ref.begin, ref.end - ref.begin));
}

}  // namespace sqlflow::variables

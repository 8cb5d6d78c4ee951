#include "sqlflow/sqltext/var_ref.h"

#include "sqlflow/common/text.h"
#include "sqlflow/sqltext/scanner.h"

namespace sqlflow::sqltext {

bool StartsVarRef(std::string_view text, size_t pos) {
  if (pos + 1 < text.size() && text[pos] == '$' && text[pos + 1] == '{') return true;
  return pos + 2 < text.size() && text[pos] == '$' && text[pos + 1] == '$' && text[pos + 2] == '{';
}

namespace {
// Blanks inside one line (a reference never spans lines).
bool IsBlank(char c) {
  return c == ' ' || c == '\t';
}
// The first `target` at or after `from` on the same line, or npos. Costs the distance to whichever comes
// first, so scanning many references on one long line stays linear (never a search to the line's end).
size_t FindOnLine(std::string_view text, size_t from, char target) {
  for (size_t i = from; i < text.size(); ++i) {
    if (text[i] == target) return i;
    if (text[i] == '\n') return std::string_view::npos;
  }
  return std::string_view::npos;
}
size_t LineEnd(std::string_view text, size_t from) {
  size_t end = text.find('\n', from);
  return end == std::string_view::npos ? text.size() : end;
}
}  // namespace

VarRef ScanVarRef(std::string_view text, size_t pos) {
  VarRef ref;
  ref.begin = pos;
  auto unterminated = [&](size_t from) {
    ref.error = VarRefError::kUnterminated;
    ref.end = LineEnd(text, from);
    return ref;
  };

  if (text[pos + 1] == '$') {  // "$${": literal up to the next '}'
    ref.escaped = true;
    size_t close = FindOnLine(text, pos + 3, '}');
    if (close == std::string_view::npos) return unterminated(pos);
    ref.end = close + 1;
    return ref;
  }

  auto on_line = [&](size_t i) { return i < text.size() && text[i] != '\n'; };
  size_t i = pos + 2;
  while (on_line(i) && IsBlank(text[i])) ++i;
  size_t name_start = i;
  if (on_line(i) && IsIdentStart(text[i])) {
    while (on_line(i) && IsIdentChar(text[i])) ++i;
  }
  ref.name = std::string(text.substr(name_start, i - name_start));
  while (on_line(i) && IsBlank(text[i])) ++i;

  auto finish_malformed = [&]() {
    size_t close = FindOnLine(text, i, '}');
    if (close == std::string_view::npos) return unterminated(i);
    ref.error = VarRefError::kMalformed;
    ref.end = close + 1;
    return ref;
  };

  if (ref.name.empty()) return finish_malformed();
  if (!on_line(i)) return unterminated(i);
  if (text[i] == '}') {
    ref.end = i + 1;
    return ref;
  }
  if (text[i] != '|') return finish_malformed();
  ++i;  // past '|'
  while (on_line(i) && IsBlank(text[i])) ++i;
  if (on_line(i) && (text[i] == '"' || text[i] == '\'')) {
    char quote = text[i];
    size_t close = FindOnLine(text, i + 1, quote);
    if (close == std::string_view::npos) return unterminated(i);
    ref.default_value = std::string(text.substr(i + 1, close - i - 1));
    i = close + 1;
    while (on_line(i) && IsBlank(text[i])) ++i;
    if (on_line(i) && text[i] == '}') {
      ref.end = i + 1;
      return ref;
    }
    return finish_malformed();
  }
  size_t value_start = i;
  while (on_line(i) && text[i] != '}' && !IsBlank(text[i]) && text[i] != '"' && text[i] != '\'') ++i;
  std::string value(text.substr(value_start, i - value_start));
  size_t after_value = i;
  while (on_line(i) && IsBlank(text[i])) ++i;
  if (on_line(i) && text[i] == '}') {
    ref.default_value = value;
    ref.end = i + 1;
    return ref;
  }
  // Whitespace inside an unquoted default: SF203 when a '}' closes it on this line.
  size_t close = FindOnLine(text, after_value, '}');
  if (close != std::string_view::npos) {
    ref.default_value = Trim(text.substr(value_start, close - value_start));
    ref.end = close + 1;
    bool has_quote = ref.default_value->find_first_of("\"'") != std::string::npos;
    ref.error = has_quote ? VarRefError::kMalformed : VarRefError::kWhitespaceDefault;
    return ref;
  }
  return unterminated(i);
}

std::string VarRefText(std::string_view text, const VarRef& ref) {
  return std::string(text.substr(ref.begin, ref.end - ref.begin));
}

}  // namespace sqlflow::sqltext

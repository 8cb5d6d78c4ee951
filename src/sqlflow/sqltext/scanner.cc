#include "sqlflow/sqltext/scanner.h"

#include <algorithm>

namespace sqlflow::sqltext {

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsIdentChar(char c) {
  return IsIdentStart(c) || (c >= '0' && c <= '9');
}
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

RegionScanner::RegionScanner(std::string_view text, VarRefs var_refs, ErrorSink sink, Braces braces)
    : text_(text), var_refs_(var_refs), braces_(braces), sink_(std::move(sink)) {}

void RegionScanner::Report(TextError error) {
  ++error_count_;
  if (sink_) sink_(error);
}

std::string_view RegionScanner::DollarDelimiter(size_t pos) const {
  size_t n = text_.size();
  if (pos >= n || text_[pos] != '$') return {};
  if (pos > 0 && IsIdentChar(text_[pos - 1])) return {};
  if (pos + 2 < n && text_[pos + 1] == '$' && text_[pos + 2] == '{') return {};  // "$${" never opens one
  size_t i = pos + 1;
  if (i < n && text_[i] == '$') return text_.substr(pos, 2);
  if (i >= n || !IsIdentStart(text_[i])) return {};
  while (i < n && IsIdentChar(text_[i])) ++i;
  if (i < n && text_[i] == '$') return text_.substr(pos, i + 1 - pos);
  return {};
}

bool RegionScanner::VarRefAt(size_t pos) const {
  return var_refs_ != VarRefs::kIgnore && text_[pos] == '$' && StartsVarRef(text_, pos);
}

RegionKind RegionScanner::KindAt(size_t pos) const {
  if (pos >= text_.size()) return RegionKind::kNone;
  char c = text_[pos];
  char next = pos + 1 < text_.size() ? text_[pos + 1] : '\0';
  switch (c) {
    case '$':
      if (VarRefAt(pos)) return RegionKind::kVarRef;
      return DollarDelimiter(pos).empty() ? RegionKind::kNone : RegionKind::kDollarQuote;
    case '-':
      return next == '-' ? RegionKind::kLineComment : RegionKind::kNone;
    case '/':
      return next == '*' ? RegionKind::kBlockComment : RegionKind::kNone;
    case '\'':
      return RegionKind::kString;
    case '"':
      return RegionKind::kQuoted;
    case '{':
      return braces_ == Braces::kRegions ? RegionKind::kBrace : RegionKind::kNone;
    default:
      return RegionKind::kNone;
  }
}

size_t RegionScanner::Skip(size_t pos) {
  size_t end = pos;
  switch (KindAt(pos)) {
    case RegionKind::kNone:
      return pos;
    case RegionKind::kLineComment:
      end = text_.find('\n', pos);
      return end == std::string_view::npos ? text_.size() : end;
    case RegionKind::kBlockComment:
      end = SkipBlockComment(pos);
      break;
    case RegionKind::kString:
      end = SkipString(pos);
      break;
    case RegionKind::kQuoted:
      end = SkipQuoted(pos, false);
      break;
    case RegionKind::kDollarQuote:
      end = SkipDollarQuote(pos);
      break;
    case RegionKind::kBrace:
      end = SkipBrace(pos);
      break;
    case RegionKind::kVarRef:
      end = SkipVarRef(pos, false);
      break;
  }
  return end == kUnterminated ? text_.size() : end;
}

size_t RegionScanner::SkipTrivia(size_t pos) {
  while (pos < text_.size()) {
    if (IsSpace(text_[pos])) {
      ++pos;
      continue;
    }
    if (!IsComment(KindAt(pos))) break;
    pos = Skip(pos);
  }
  return pos;
}

size_t RegionScanner::SkipVarRef(size_t pos, bool in_json_string) {
  VarRef ref = ScanVarRef(text_, pos);
  if (var_ref_sink_) var_ref_sink_(ref, in_json_string);
  if (var_refs_ == VarRefs::kReport) {
    switch (ref.error) {
      case VarRefError::kNone:
        break;
      case VarRefError::kMalformed:
        Report({"SF202", "invalid variable reference '" + VarRefText(text_, ref) + "'",
                "variable names use letters, digits and '_', and do not start with a digit", ref.begin,
                ref.end - ref.begin});
        break;
      case VarRefError::kWhitespaceDefault: {
        std::string value = ref.default_value.value_or("");
        Report({"SF203",
                "default value for ${" + ref.name + "} contains whitespace and must be quoted: ${" +
                    ref.name + "|\"" + value + "\"}",
                "", ref.begin, ref.end - ref.begin});
        break;
      }
      case VarRefError::kUnterminated:
        Report({"SF204", "unterminated variable reference (missing '}')", "", ref.begin, 2});
        break;
    }
  }
  return std::max(ref.end, pos + 2);
}

size_t RegionScanner::SkipBlockComment(size_t pos) {
  int depth = 0;
  size_t i = pos;
  while (i + 1 < text_.size()) {
    if (text_[i] == '/' && text_[i + 1] == '*') {
      ++depth;
      i += 2;
    } else if (text_[i] == '*' && text_[i + 1] == '/') {
      i += 2;
      if (--depth == 0) return i;
    } else {
      ++i;
    }
  }
  Report({"SF102", "unterminated block comment", "", pos, 2});
  return kUnterminated;
}

size_t RegionScanner::SkipString(size_t pos) {
  // E'...': a backslash escapes the next character.
  bool backslash = pos > 0 && (text_[pos - 1] == 'E' || text_[pos - 1] == 'e') &&
                   (pos < 2 || !IsIdentChar(text_[pos - 2]));
  size_t i = pos + 1;
  while (i < text_.size()) {
    if (VarRefAt(i)) {
      i = SkipVarRef(i, false);
      continue;
    }
    char c = text_[i];
    if (backslash && c == '\\') {
      i += 2;
    } else if (c == '\'') {
      if (i + 1 < text_.size() && text_[i + 1] == '\'') {
        i += 2;
      } else {
        return i + 1;
      }
    } else {
      ++i;
    }
  }
  Report({"SF101", "unterminated string literal", "the string starts here; close it with '", pos, 1});
  return kUnterminated;
}

size_t RegionScanner::SkipQuoted(size_t pos, bool json) {
  size_t i = pos + 1;
  while (i < text_.size()) {
    if (VarRefAt(i)) {
      i = SkipVarRef(i, json);
      continue;
    }
    char c = text_[i];
    if (json && c == '\\') {
      i += 2;
    } else if (c == '"') {
      if (!json && i + 1 < text_.size() && text_[i + 1] == '"') {
        i += 2;
      } else {
        return i + 1;
      }
    } else {
      ++i;
    }
  }
  Report({"SF101", "unterminated string literal", "the string starts here; close it with \"", pos, 1});
  return kUnterminated;
}

size_t RegionScanner::SkipDollarQuote(size_t pos) {
  std::string_view delimiter = DollarDelimiter(pos);
  size_t i = pos + delimiter.size();
  while (i < text_.size()) {
    if (VarRefAt(i)) {
      i = SkipVarRef(i, false);
      continue;
    }
    if (text_.compare(i, delimiter.size(), delimiter) == 0) return i + delimiter.size();
    ++i;
  }
  Report({"SF104", "unterminated dollar-quoted string", "", pos, delimiter.size()});
  return kUnterminated;
}

size_t RegionScanner::SkipBrace(size_t pos) {
  int depth = 0;
  size_t i = pos;
  while (i < text_.size()) {
    if (VarRefAt(i)) {
      i = SkipVarRef(i, false);
      continue;
    }
    char c = text_[i];
    size_t next = i + 1;
    if (c == '{') {
      ++depth;
    } else if (c == '}') {
      if (--depth == 0) return i + 1;
    } else if (c == '\'') {
      next = SkipString(i);
    } else if (c == '"') {
      next = SkipQuoted(i, true);  // JSON string rules inside brace blocks
    } else if (c == '$' && !DollarDelimiter(i).empty()) {
      next = SkipDollarQuote(i);
    }
    if (next == kUnterminated) return kUnterminated;  // the inner region reported it
    i = next;
  }
  Report({"SF103", "unterminated '{' (missing '}')", "", pos, 1});
  return kUnterminated;
}

void ForEachCodeRun(std::string_view sql, const std::function<void(size_t begin, size_t end)>& visit) {
  RegionScanner scanner(sql, RegionScanner::VarRefs::kIgnore, nullptr, RegionScanner::Braces::kPlain);
  size_t run = 0;
  size_t i = 0;
  while (i < sql.size()) {
    if (scanner.KindAt(i) == RegionKind::kNone) {
      ++i;
      continue;
    }
    if (i > run) visit(run, i);
    i = scanner.Skip(i);
    run = i;
  }
  if (sql.size() > run) visit(run, sql.size());
}

std::vector<size_t> StatementEnds(std::string_view text, RegionScanner::VarRefs var_refs,
                                  RegionScanner::Braces braces) {
  RegionScanner scanner(text, var_refs, nullptr, braces);
  std::vector<size_t> ends;
  size_t i = 0;
  while (i < text.size()) {
    if (scanner.KindAt(i) != RegionKind::kNone) {
      i = scanner.Skip(i);
      continue;
    }
    if (text[i] == ';') ends.push_back(i);
    ++i;
  }
  return ends;
}

std::vector<Range> SplitStatements(std::string_view text, RegionScanner::VarRefs var_refs,
                                   RegionScanner::Braces braces) {
  std::vector<size_t> ends = StatementEnds(text, var_refs, braces);
  ends.push_back(text.size());
  std::vector<Range> statements;
  size_t begin = 0;
  for (size_t end : ends) {
    RegionScanner scanner(text.substr(0, end), var_refs, nullptr, braces);
    if (scanner.SkipTrivia(begin) < end) statements.push_back({begin, end});
    begin = end + 1;
  }
  return statements;
}

std::string UnquoteIdentifier(std::string_view quoted) {
  if (quoted.size() >= 2 && quoted.front() == '"' && quoted.back() == '"')
    quoted = quoted.substr(1, quoted.size() - 2);
  else if (!quoted.empty() && quoted.front() == '"')
    quoted = quoted.substr(1);  // unterminated
  std::string name;
  name.reserve(quoted.size());
  for (size_t i = 0; i < quoted.size(); ++i) {
    name += quoted[i];
    if (quoted[i] == '"' && i + 1 < quoted.size() && quoted[i + 1] == '"') ++i;
  }
  return name;
}

}  // namespace sqlflow::sqltext

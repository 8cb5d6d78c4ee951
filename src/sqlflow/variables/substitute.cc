#include "sqlflow/variables/substitute.h"

#include <algorithm>
#include <cstdio>

namespace sqlflow::variables {

namespace {

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsIdentChar(char c) {
  return IsIdentStart(c) || (c >= '0' && c <= '9');
}

// The delimiter of a dollar quote opening at text[pos] ("$$" or "$tag$"), or "" when none opens there.
// The caller has already ruled out "${" and "$${".
std::string_view DollarDelimiter(std::string_view text, size_t pos) {
  if (text[pos] != '$') return {};
  if (pos > 0 && IsIdentChar(text[pos - 1])) return {};
  size_t i = pos + 1;
  if (i < text.size() && text[i] == '$') return text.substr(pos, 2);
  if (i >= text.size() || !IsIdentStart(text[i])) return {};
  while (i < text.size() && IsIdentChar(text[i])) ++i;
  if (i < text.size() && text[i] == '$') return text.substr(pos, i + 1 - pos);
  return {};
}

// Walks text[begin, end) with the region rules of LANGUAGE.md §2.2 and calls
// visit(ref, in_json_string) for every reference outside comments (escaped and malformed ones included),
// in text order. Offsets are absolute; nothing at or after `end` is read.
template <typename Visit>
void ScanReferences(std::string_view full_text, size_t begin, size_t end, Visit&& visit) {
  enum class Mode {
    kCode,
    kLineComment,
    kBlockComment,
    kSqlString,
    kDoubleQuoted,
    kJsonString,
    kDollarQuote
  };
  std::string_view text = full_text.substr(0, std::min(end, full_text.size()));
  Mode mode = Mode::kCode;
  int brace_depth = 0;
  int comment_depth = 0;
  bool backslash_escapes = false;  // E'...' strings
  std::string_view dollar_delimiter;

  size_t i = begin;
  while (i < text.size()) {
    char c = text[i];
    bool in_comment = mode == Mode::kLineComment || mode == Mode::kBlockComment;
    if (!in_comment && c == '$' && StartsVarRef(text, i)) {
      VarRef ref = ScanVarRef(text, i);
      visit(ref, mode == Mode::kJsonString);
      i = std::max(ref.end, i + 2);
      continue;
    }
    switch (mode) {
      case Mode::kCode:
        if (brace_depth == 0 && c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
          mode = Mode::kLineComment;
          i += 2;
        } else if (brace_depth == 0 && c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
          mode = Mode::kBlockComment;
          comment_depth = 1;
          i += 2;
        } else if (c == '\'') {
          mode = Mode::kSqlString;
          backslash_escapes =
              i > 0 && (text[i - 1] == 'E' || text[i - 1] == 'e') && (i < 2 || !IsIdentChar(text[i - 2]));
          ++i;
        } else if (c == '"') {
          mode = brace_depth > 0 ? Mode::kJsonString : Mode::kDoubleQuoted;
          ++i;
        } else if (c == '$' && !(dollar_delimiter = DollarDelimiter(text, i)).empty()) {
          mode = Mode::kDollarQuote;
          i += dollar_delimiter.size();
        } else {
          if (c == '{') ++brace_depth;
          if (c == '}' && brace_depth > 0) --brace_depth;
          ++i;
        }
        break;
      case Mode::kLineComment:
        if (c == '\n') mode = Mode::kCode;
        ++i;
        break;
      case Mode::kBlockComment:
        if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
          ++comment_depth;
          i += 2;
        } else if (c == '*' && i + 1 < text.size() && text[i + 1] == '/') {
          if (--comment_depth == 0) mode = Mode::kCode;
          i += 2;
        } else {
          ++i;
        }
        break;
      case Mode::kSqlString:
        if (backslash_escapes && c == '\\') {
          i += 2;
        } else if (c == '\'') {
          if (i + 1 < text.size() && text[i + 1] == '\'') {
            i += 2;
          } else {
            mode = Mode::kCode;
            ++i;
          }
        } else {
          ++i;
        }
        break;
      case Mode::kDoubleQuoted:
        if (c == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            i += 2;
          } else {
            mode = Mode::kCode;
            ++i;
          }
        } else {
          ++i;
        }
        break;
      case Mode::kJsonString:
        if (c == '\\') {
          i += 2;
        } else {
          if (c == '"') mode = Mode::kCode;
          ++i;
        }
        break;
      case Mode::kDollarQuote:
        if (text.substr(i, dollar_delimiter.size()) == dollar_delimiter) {
          mode = Mode::kCode;
          i += dollar_delimiter.size();
        } else {
          ++i;
        }
        break;
    }
  }
}

std::string JsonEscape(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof(buffer), "\\u%04x",
                        static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace

SubstitutedText Substitute(SourceFilePtr file, size_t begin, size_t end, const Resolver& resolver) {
  SubstitutedText out;
  const std::string& source = file->text();
  end = std::min(end, source.size());
  size_t literal_begin = begin;  // start of the source run not yet copied

  auto copy_literal = [&](size_t upto) {
    if (upto <= literal_begin) return;
    size_t out_begin = out.text.size();
    out.text.append(source, literal_begin, upto - literal_begin);
    out.segments.push_back(Segment{out_begin, out.text.size(), literal_begin, upto, false, ""});
  };

  ScanReferences(source, begin, end, [&](const VarRef& ref, bool in_json_string) {
    if (ref.error != VarRefError::kNone) return;  // copied unchanged; the parser reports it
    copy_literal(ref.begin);
    if (ref.escaped) {  // "$${x}" -> "${x}": drop the first '$', the rest is copied as it is
      literal_begin = ref.begin + 1;
      return;
    }
    std::string value = resolver(ref, ref.begin).value_or("");
    if (in_json_string) value = JsonEscape(value);
    size_t out_begin = out.text.size();
    out.text += value;
    out.segments.push_back(Segment{out_begin, out.text.size(), ref.begin, ref.end, true, ref.name});
    literal_begin = ref.end;
  });
  copy_literal(end);
  out.file = std::move(file);
  return out;
}

std::vector<VarRef> FindReferences(std::string_view text, size_t begin, size_t end) {
  std::vector<VarRef> refs;
  ScanReferences(text, begin, end, [&](const VarRef& ref, bool) {
    if (ref.error == VarRefError::kNone && !ref.escaped) refs.push_back(ref);
  });
  return refs;
}

}  // namespace sqlflow::variables

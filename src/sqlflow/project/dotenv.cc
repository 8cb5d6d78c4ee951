// .env files (LANGUAGE.md §10.4).
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "sqlflow/common/text.h"
#include "sqlflow/project/profile.h"

namespace sqlflow::project {

namespace {

bool IsBlank(char c) {
  return c == ' ' || c == '\t';
}

// Rest of the line after a closing quote: only blanks and an optional comment may follow.
bool OnlyCommentFollows(std::string_view rest) {
  std::string trimmed = Trim(rest);
  return trimmed.empty() || trimmed[0] == '#';
}

// Parses the VALUE part (everything after '='). Returns false with `detail` on a malformed value.
bool ParseValue(std::string_view raw, std::string* value, std::string* detail) {
  size_t start = 0;
  while (start < raw.size() && IsBlank(raw[start])) ++start;
  std::string_view text = raw.substr(start);
  if (!text.empty() && text[0] == '\'') {
    size_t close = text.find('\'', 1);
    if (close == std::string_view::npos) {
      *detail = "unterminated single-quoted value";
      return false;
    }
    if (!OnlyCommentFollows(text.substr(close + 1))) {
      *detail = "unexpected text after the closing quote";
      return false;
    }
    *value = std::string(text.substr(1, close - 1));
    return true;
  }
  if (!text.empty() && text[0] == '"') {
    std::string out;
    for (size_t i = 1; i < text.size(); ++i) {
      char c = text[i];
      if (c == '"') {
        if (!OnlyCommentFollows(text.substr(i + 1))) {
          *detail = "unexpected text after the closing quote";
          return false;
        }
        *value = std::move(out);
        return true;
      }
      if (c == '\\' && i + 1 < text.size()) {
        char next = text[i + 1];
        if (next == 'n' || next == 't' || next == '"' || next == '\\') {
          out += next == 'n' ? '\n' : next == 't' ? '\t' : next;
          ++i;
          continue;
        }
      }
      out += c;
    }
    *detail = "unterminated double-quoted value";
    return false;
  }
  // Unquoted: a '#' preceded by a blank (or at the very start) starts a comment.
  std::string_view unquoted = raw;
  for (size_t i = 0; i < unquoted.size(); ++i) {
    if (unquoted[i] == '#' && (i == 0 || IsBlank(unquoted[i - 1]))) {
      unquoted = unquoted.substr(0, i);
      break;
    }
  }
  *value = Trim(unquoted);
  return true;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ParseDotEnv(std::string_view text,
                                                             Diagnostics& diagnostics) {
  std::vector<std::pair<std::string, std::string>> entries;
  if (StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  int line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    std::string_view rest(trimmed);
    if (StartsWith(rest, "export") && rest.size() > 6 && IsBlank(rest[6])) {
      rest.remove_prefix(6);
      while (!rest.empty() && IsBlank(rest.front())) rest.remove_prefix(1);
    }
    auto malformed = [&](const std::string& detail) {
      diagnostics.Warning("W503", "malformed line in .env:" + std::to_string(line_number) + ": " + detail);
    };
    size_t equals = rest.find('=');
    if (equals == std::string_view::npos) {
      malformed("expected NAME=VALUE");
      continue;
    }
    std::string key = Trim(rest.substr(0, equals));
    if (!IsIdentifier(key)) {
      malformed(key.empty() ? "missing variable name before '='" : "invalid variable name '" + key + "'");
      continue;
    }
    std::string value;
    std::string detail;
    if (!ParseValue(rest.substr(equals + 1), &value, &detail)) {
      malformed(detail);
      continue;
    }
    entries.emplace_back(std::move(key), std::move(value));
  }
  return entries;
}

void LoadDotEnv(const std::filesystem::path& root, Diagnostics& diagnostics) {
  std::ifstream in(root / ".env", std::ios::binary);
  if (!in) return;
  std::stringstream buffer;
  buffer << in.rdbuf();
  for (const auto& [key, value] : ParseDotEnv(buffer.str(), diagnostics)) {
    setenv(key.c_str(), value.c_str(), /*overwrite=*/0);
  }
}

}  // namespace sqlflow::project

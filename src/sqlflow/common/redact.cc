#include "sqlflow/common/redact.h"

#include <algorithm>
#include <vector>

#include "sqlflow/common/text.h"

namespace sqlflow {

bool IsSecretName(std::string_view name) {
  std::string lower = ToLower(name);
  static const char* kWords[] = {"password",   "passwd",        "secret",      "token",
                                 "credential", "authorization", "api_key",     "apikey",
                                 "api-key",    "access_key",    "private_key", "signature"};
  for (const char* word : kWords)
    if (lower.find(word) != std::string::npos) return true;
  return lower == "pwd";
}

bool IsSecretMapKey(std::string_view name) {
  std::string lower = ToLower(name);
  return IsSecretName(lower) || lower == "key" || EndsWith(lower, "_key") || EndsWith(lower, "-key");
}

std::vector<std::pair<size_t, size_t>> FindUriPasswords(std::string_view text) {
  std::vector<std::pair<size_t, size_t>> ranges;
  for (size_t scheme = text.find("://"); scheme != std::string_view::npos;
       scheme = text.find("://", scheme + 3)) {
    size_t start = scheme + 3;
    size_t end = text.find_first_of("/ \t\n'\"?", start);
    if (end == std::string_view::npos) end = text.size();
    size_t at = text.rfind('@', end);
    if (at == std::string_view::npos || at < start) continue;
    size_t colon = text.find(':', start);
    if (colon < at && at > colon + 1) ranges.push_back({colon + 1, at});
  }
  return ranges;
}

std::string MaskUriPasswords(std::string_view text) {
  std::string out(text);
  auto ranges = FindUriPasswords(text);
  for (auto it = ranges.rbegin(); it != ranges.rend(); ++it)
    if (out.compare(it->first, it->second - it->first, "***") != 0)
      out.replace(it->first, it->second - it->first, "***");
  return out;
}

namespace {

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.';
}

// The key that ends just before `end` (a run of key characters, optionally in quotes), or "".
std::string_view KeyBefore(std::string_view text, size_t end) {
  if (end > 0 && (text[end - 1] == '"' || text[end - 1] == '\'')) --end;
  size_t begin = end;
  while (begin > 0 && IsKeyChar(text[begin - 1])) --begin;
  return text.substr(begin, end - begin);
}

// The end of a quoted value whose opening quote is at `open` (backslash escapes and doubled quotes).
size_t QuotedEnd(std::string_view text, size_t open) {
  char quote = text[open];
  size_t i = open + 1;
  while (i < text.size()) {
    if (text[i] == '\\') {
      i += 2;
    } else if (text[i] == quote) {
      if (i + 1 < text.size() && text[i + 1] == quote) {
        i += 2;
      } else {
        return i;
      }
    } else {
      ++i;
    }
  }
  return text.size();
}

// The [begin, end) of the value after a separator at `sep` ('=' or ':'), or an empty range. `multiline`
// allows line breaks before a quoted value (JSON and YAML flow style). A bare value ends at whitespace for
// '=', at the end of the line (or a YAML comment) for ':', and at , } ] ; & " ' for both.
std::pair<size_t, size_t> ValueAfter(std::string_view text, size_t sep, bool multiline) {
  size_t i = sep + 1;
  while (i < text.size() &&
         (text[i] == ' ' || text[i] == '\t' || (multiline && (text[i] == '\n' || text[i] == '\r'))))
    ++i;
  if (i >= text.size()) return {i, i};
  if (text[i] == '"' || text[i] == '\'') return {i + 1, QuotedEnd(text, i)};
  if (text[sep] == ':' &&
      (text[i] == '\n' || text[i] == '{' || text[i] == '[' || text[i] == '|' || text[i] == '>'))
    return {i, i};  // a nested mapping or block: its own keys are checked on their own
  size_t end = i;
  bool in_reference = text.substr(i, 2) == "${";  // a `${NAME}` at the start is part of the value, '}' too
  while (end < text.size()) {
    char c = text[end];
    if (c == '}' && in_reference) {
      in_reference = false;
      ++end;
      continue;
    }
    if (c == '\n' || c == '\r' || c == ',' || c == '}' || c == ']' || c == ';' || c == '&' || c == '"' ||
        c == '\'')
      break;
    if (text[sep] == '=' && (c == ' ' || c == '\t')) break;
    if (text[sep] == ':' && c == '#' && end > i && text[end - 1] == ' ') break;
    ++end;
  }
  while (end > i && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  return {i, end};
}

// Calls mask(begin, end) for the value of every secret-named `key=value` (and, with `colons`, `key: value`).
template <typename IsSecretKey, typename Mask>
void ForEachSecretValue(std::string_view text, bool colons, IsSecretKey&& is_secret_key, Mask&& mask) {
  for (size_t sep = 0; sep < text.size(); ++sep) {
    char c = text[sep];
    if (c != '=' && !(colons && c == ':')) continue;
    if (c == ':' && sep + 2 < text.size() && text[sep + 1] == '/' && text[sep + 2] == '/')
      continue;  // scheme
    size_t key_end = sep;
    while (key_end > 0 && (text[key_end - 1] == ' ' || text[key_end - 1] == '\t')) --key_end;
    std::string_view key = KeyBefore(text, key_end);
    if (key.empty() || !is_secret_key(key)) continue;
    auto [begin, end] = ValueAfter(text, sep, colons);
    if (end <= begin) continue;
    std::string_view value = text.substr(begin, end - begin);
    if (StartsWith(value, "${") && value.find('}') == value.size() - 1) continue;  // a reference, not a value
    if (value == "***") continue;
    mask(begin, end);
    sep = end;
  }
}

}  // namespace

std::string MaskConnectionSecrets(std::string_view text) {
  std::string masked(text);
  // Overlaps cannot happen here: each value ends before the next key.
  if (masked.find("://") != std::string::npos) masked = MaskUriPasswords(masked);
  if (masked.find('=') == std::string::npos) return masked;
  std::vector<std::pair<size_t, size_t>> ranges;
  ForEachSecretValue(masked, false, IsSecretMapKey, [&](size_t begin, size_t end) {
    ranges.push_back({begin, end});
  });
  for (auto it = ranges.rbegin(); it != ranges.rend(); ++it)
    masked.replace(it->first, it->second - it->first, "***");
  return masked;
}

std::string MaskSecretValuesInSource(std::string_view text) {
  std::string masked(text);
  auto blank = [&](size_t begin, size_t end) {
    for (size_t i = begin; i < end; ++i)
      if (masked[i] != '\n' && (static_cast<unsigned char>(masked[i]) & 0xC0) != 0x80) masked[i] = '*';
    // Continuation bytes of a multi-byte character go with it: one '*' per character keeps columns right.
    masked.erase(std::remove_if(masked.begin() + static_cast<std::ptrdiff_t>(begin),
                                masked.begin() + static_cast<std::ptrdiff_t>(end),
                                [](char ch) { return (static_cast<unsigned char>(ch) & 0xC0) == 0x80; }),
                 masked.begin() + static_cast<std::ptrdiff_t>(end));
  };
  std::vector<std::pair<size_t, size_t>> ranges;
  // The name rule only: in pipeline text `key` is also an S3 object key, `primary_key` a column list.
  ForEachSecretValue(text, true, IsSecretName, [&](size_t begin, size_t end) {
    ranges.push_back({begin, end});
  });
  for (const auto& range : FindUriPasswords(text)) ranges.push_back(range);
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<size_t, size_t>> merged;
  for (const auto& range : ranges) {
    if (!merged.empty() && range.first <= merged.back().second)
      merged.back().second = std::max(merged.back().second, range.second);
    else
      merged.push_back(range);
  }
  for (auto it = merged.rbegin(); it != merged.rend(); ++it) blank(it->first, it->second);
  return masked;
}

void Redactor::AddSecret(std::string_view value) {
  if (value.size() >= 4) secrets_.insert(std::string(value));
}

std::string Redactor::Mask(std::string_view text) const {
  std::string out(text);
  if (!secrets_.empty()) {
    std::vector<std::string> ordered(secrets_.begin(), secrets_.end());
    std::sort(ordered.begin(), ordered.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    for (const auto& secret : ordered) {
      size_t pos = 0;
      while ((pos = out.find(secret, pos)) != std::string::npos) {
        out.replace(pos, secret.size(), "***");
        pos += 3;
      }
    }
  }
  return MaskConnectionSecrets(out);
}

}  // namespace sqlflow

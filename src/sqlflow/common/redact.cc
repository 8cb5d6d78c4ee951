#include "sqlflow/common/redact.h"

#include <algorithm>
#include <vector>

#include "sqlflow/common/text.h"

namespace sqlflow {

bool IsSecretName(std::string_view name) {
  std::string lower = ToLower(name);
  static const char* kWords[] = {"password", "passwd", "secret", "token", "credential", "authorization",
                                 "api_key", "apikey", "api-key", "access_key", "private_key", "signature"};
  for (const char* word : kWords)
    if (lower.find(word) != std::string::npos) return true;
  return lower == "pwd";
}

bool IsSecretMapKey(std::string_view name) {
  std::string lower = ToLower(name);
  return IsSecretName(lower) || lower == "key" || EndsWith(lower, "_key") || EndsWith(lower, "-key");
}

std::string MaskUriPasswords(std::string_view text) {
  std::string out(text);
  size_t search = 0;
  while (true) {
    size_t scheme = out.find("://", search);
    if (scheme == std::string::npos) break;
    size_t start = scheme + 3;
    size_t end = out.find_first_of("/ \t\n'\"?", start);
    if (end == std::string::npos) end = out.size();
    size_t at = out.rfind('@', end);
    if (at != std::string::npos && at >= start) {
      size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at && out.compare(colon + 1, at - colon - 1, "***") != 0) {
        out.replace(colon + 1, at - colon - 1, "***");
        end = out.find('@', start);
      }
    }
    search = std::max(end, start);
  }
  return out;
}

void Redactor::AddSecret(std::string_view value) {
  if (value.size() >= 4) secrets_.insert(std::string(value));
}

std::string Redactor::Mask(std::string_view text) const {
  std::string out(text);
  if (!secrets_.empty()) {
    std::vector<std::string> ordered(secrets_.begin(), secrets_.end());
    std::sort(ordered.begin(), ordered.end(), [](const std::string& a, const std::string& b) {
      return a.size() > b.size();
    });
    for (const auto& secret : ordered) {
      size_t pos = 0;
      while ((pos = out.find(secret, pos)) != std::string::npos) {
        out.replace(pos, secret.size(), "***");
        pos += 3;
      }
    }
  }
  if (out.find("://") != std::string::npos) out = MaskUriPasswords(out);
  return out;
}

}  // namespace sqlflow

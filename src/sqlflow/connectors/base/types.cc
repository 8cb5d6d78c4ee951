#include "sqlflow/connectors/base/types.h"

#include <charconv>
#include <cstdlib>

#include "sqlflow/common/json_dump.h"
#include "sqlflow/common/text.h"

namespace sqlflow::connectors {

// Values are validated and coerced before they reach a ResolvedParams, so the getters only need to be
// forgiving about the representation (a number given where a string is read, and so on).

std::string ResolvedParams::GetString(const std::string& key, const std::string& fallback) const {
  if (!Has(key)) return fallback;
  const auto& value = values[key];
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) return DumpJson(value);
  return fallback;
}

int64_t ResolvedParams::GetInt(const std::string& key, int64_t fallback) const {
  if (!Has(key)) return fallback;
  const auto& value = values[key];
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_number_float()) return static_cast<int64_t>(value.get<double>());
  if (value.is_boolean()) return value.get<bool>() ? 1 : 0;
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    int64_t parsed = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec == std::errc() && end == text.data() + text.size()) return parsed;
  }
  return fallback;
}

double ResolvedParams::GetNumber(const std::string& key, double fallback) const {
  if (!Has(key)) return fallback;
  const auto& value = values[key];
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    char* end = nullptr;
    double parsed = std::strtod(text.c_str(), &end);
    if (!text.empty() && end == text.c_str() + text.size()) return parsed;
  }
  return fallback;
}

bool ResolvedParams::GetBool(const std::string& key, bool fallback) const {
  if (!Has(key)) return fallback;
  const auto& value = values[key];
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_string()) {
    const std::string text = ToLower(value.get<std::string>());
    if (text == "true") return true;
    if (text == "false") return false;
  }
  if (value.is_number_integer()) return value.get<int64_t>() != 0;
  return fallback;
}

std::vector<std::string> ResolvedParams::GetStringList(const std::string& key) const {
  std::vector<std::string> out;
  if (!Has(key)) return out;
  const auto& value = values[key];
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
  } else if (value.is_array()) {
    for (const auto& item : value) {
      if (item.is_string()) {
        out.push_back(item.get<std::string>());
      } else if (!item.is_null()) {
        out.push_back(DumpJson(item));
      }
    }
  }
  return out;
}

}  // namespace sqlflow::connectors

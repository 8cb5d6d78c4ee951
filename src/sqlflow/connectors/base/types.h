// Shared connector vocabulary (CONNECTORS.md §1.2-1.7): schema, parameters, connection test results.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sqlflow/common/error.h"

namespace sqlflow::connectors {

// A column: name as the source spells it, DuckDB type string ("BIGINT", "DECIMAL(18,2)", "VARCHAR[]").
struct Field {
  std::string name;
  std::string type;
  bool nullable = true;
  std::string source_type;  // native type text, e.g. "numeric(12,2)", "csv:VARCHAR"
};
using Schema = std::vector<Field>;

// Validated parameters: canonical names (aliases renamed), coerced values, registry defaults filled in.
// `name` is the SOURCE name, profile connector name, or export destination for messages.
struct ResolvedParams {
  std::string type;  // canonical connector type
  std::string name;
  nlohmann::ordered_json values = nlohmann::ordered_json::object();

  bool Has(const std::string& key) const { return values.contains(key) && !values[key].is_null(); }
  std::string GetString(const std::string& key, const std::string& fallback = "") const;
  int64_t GetInt(const std::string& key, int64_t fallback = 0) const;
  double GetNumber(const std::string& key, double fallback = 0) const;
  bool GetBool(const std::string& key, bool fallback = false) const;
  // A string or an array of strings as a list.
  std::vector<std::string> GetStringList(const std::string& key) const;
};

struct ObjectRef {
  std::string name;
  std::string kind;  // file | table | view | sheet | resource | object | endpoint
  std::optional<int64_t> size_bytes;
  std::optional<std::string> last_modified;
  std::optional<int64_t> row_estimate;
};

struct ConnectionCheck {
  std::string name;
  bool ok = false;
  std::string detail;
  int64_t elapsed_ms = 0;
};

struct ConnectionTestResult {
  bool ok = false;
  std::string message;  // one line, secrets redacted
  std::vector<ConnectionCheck> checks;
  ErrorKind kind = ErrorKind::kOk;
  int64_t elapsed_ms = 0;
};

}  // namespace sqlflow::connectors

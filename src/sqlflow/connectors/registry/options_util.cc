#include "sqlflow/connectors/registry/options_util.h"

#include "sqlflow/common/error.h"
#include "sqlflow/connectors/registry/validate_util.h"

namespace sqlflow::connectors {

bool EqualsSchemaDefault(const ConnectorTypeInfo& type, const std::string& key,
                         const nlohmann::ordered_json& value) {
  const ParamSpec* spec = FindParam(type.params, key);
  return spec && spec->default_value && *spec->default_value == value;
}

void AddIssueOnce(std::vector<ParamIssue>& issues, Severity severity, std::string code, std::string message,
                  std::string key, std::vector<std::string> hints) {
  for (const auto& issue : issues)
    if (issue.message == message) return;
  AddIssue(issues, severity, std::move(code), std::move(message), std::move(key), std::move(hints));
}

std::optional<std::string> OptionalString(const ResolvedParams& params, const std::string& key) {
  if (!params.Has(key)) return std::nullopt;
  return params.GetString(key);
}

void ThrowFirstError(const std::vector<ParamIssue>& issues) {
  for (const auto& issue : issues)
    if (issue.severity == Severity::kError) throw Error(ErrorKind::kInvalidConfig, issue.message);
}

}  // namespace sqlflow::connectors

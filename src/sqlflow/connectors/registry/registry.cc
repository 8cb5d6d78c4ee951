#include "sqlflow/connectors/registry/registry.h"

#include <algorithm>

#include "sqlflow/common/error.h"
#include "sqlflow/common/redact.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/registry/validate_util.h"

namespace sqlflow::connectors {

std::string NormalizeTypeName(std::string_view name) {
  std::string out = ToLower(Trim(name));
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

void Registry::Register(ConnectorTypeInfo info) {
  std::vector<std::string> names = {NormalizeTypeName(info.name)};
  for (const auto& alias : info.aliases) names.push_back(NormalizeTypeName(alias));
  for (const auto& name : names) {
    if (Find(name) != nullptr) {
      throw Error(ErrorKind::kInternal, "connector type '" + name + "' is registered twice");
    }
  }
  if (std::count(names.begin(), names.end(), names.front()) > 1) {
    throw Error(ErrorKind::kInternal,
                "connector type '" + names.front() + "' lists its own name as an alias");
  }
  info.name = names.front();
  info.aliases.assign(names.begin() + 1, names.end());
  entries_.push_back(std::move(info));
}

const ConnectorTypeInfo* Registry::Find(std::string_view name) const {
  const std::string key = NormalizeTypeName(name);
  for (const auto& entry : entries_) {
    if (entry.name == key) return &entry;
  }
  for (const auto& entry : entries_) {
    if (std::find(entry.aliases.begin(), entry.aliases.end(), key) != entry.aliases.end()) return &entry;
  }
  return nullptr;
}

std::vector<std::string> Registry::CanonicalNames() const {
  std::vector<std::string> names;
  for (const auto& entry : entries_) names.push_back(entry.name);
  std::sort(names.begin(), names.end());
  return names;
}


nlohmann::ordered_json AliasImpliedParams(std::string_view type_name) {
  const std::string key = NormalizeTypeName(type_name);
  if (key == "tsv") return {{"delimiter", "\t"}};
  if (key == "ndjson" || key == "jsonl") return {{"format", "newline_delimited"}};
  return nlohmann::ordered_json::object();
}

ResolvedParams WithDefaults(const ConnectorTypeInfo& type, const std::string& name,
                            const nlohmann::ordered_json& canonical) {
  ResolvedParams out;
  out.type = type.name;
  out.name = name;
  for (const auto& spec : type.params) {
    if (canonical.is_object() && canonical.contains(spec.name) && !canonical[spec.name].is_null()) {
      out.values[spec.name] = canonical[spec.name];
    } else if (spec.default_value) {
      out.values[spec.name] = *spec.default_value;
    }
  }
  // Keys the schema does not list (e.g. writer options of a file format on an s3 export) are kept as given.
  if (canonical.is_object()) {
    for (const auto& [key, value] : canonical.items()) {
      if (!out.values.contains(key) && !value.is_null()) out.values[key] = value;
    }
  }
  return out;
}

bool IsSecretParam(const ConnectorTypeInfo& type, const std::string& name) {
  if (const ParamSpec* spec = FindParam(type.params, name); spec && spec->secret) return true;
  // Nested auth fields flagged by the schema rule (CONNECTORS.md §1.10).
  static const std::vector<std::string> nested = {"auth.password", "auth.token", "auth.value",
                                                  "auth.client_secret", "auth.key_value"};
  if (std::find(nested.begin(), nested.end(), name) != nested.end()) return true;
  std::string last = name;
  if (auto dot = last.rfind('.'); dot != std::string::npos) last = last.substr(dot + 1);
  return IsSecretName(name) || IsSecretName(last);
}

}  // namespace sqlflow::connectors

// Small helpers shared by the generic validator and the connector-specific `validate` hooks.
#pragma once

#include <string>
#include <vector>

#include "sqlflow/connectors/registry/registry.h"

namespace sqlflow::connectors {

std::string JsonTypeName(
    const nlohmann::ordered_json& value);                    // null, boolean, number, string, array, object
std::string ShortJson(const nlohmann::ordered_json& value);  // dump() cut to 60 characters
std::string FormatNumber(double value);                      // 5, 0.5
bool ParseIntegerLiteral(const std::string& text, int64_t& out);  // whole text, optional sign
bool ParseNumberLiteral(const std::string& text, double& out);    // JSON number syntax, whole text

const ParamSpec* FindParam(const std::vector<ParamSpec>& params,
                           const std::string& key);  // name, then aliases
std::vector<std::string> ParamNamesAndAliases(const std::vector<ParamSpec>& params);
std::vector<std::string> SortedParamNames(const std::vector<ParamSpec>& params);

// Validates a nested object parameter (auth, pagination) against its own schema: unknown keys SF402, JSON
// types SF404, enums and ranges SF405, alias clashes SF406, all with dotted names (`pagination.page_size`).
// Returns the canonical object (aliases renamed, values coerced; failed values left out).
nlohmann::ordered_json CheckNestedObject(const std::string& prefix, const std::string& parent,
                                         const std::vector<ParamSpec>& params,
                                         const nlohmann::ordered_json& object,
                                         std::vector<ParamIssue>& issues);

// canonical[key] when it is a string, else `fallback`.
std::string StringOr(const nlohmann::ordered_json& canonical, const std::string& key,
                     const std::string& fallback = "");
// ConnectorTypeInfo::other_side_params entries: "'<name>' is only valid on a <side>".
std::vector<std::pair<std::string, std::string>> OnlyOn(const std::string& side,
                                                        const std::vector<std::string>& names);

void AddIssue(std::vector<ParamIssue>& issues, Severity severity, std::string code, std::string message,
              std::string key = "", std::vector<std::string> hints = {});

}  // namespace sqlflow::connectors

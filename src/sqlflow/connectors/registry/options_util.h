// Helpers of the connector options parsers (<name>_options.cc): each connector parses its canonical
// parameters into a typed struct in one function that both the registry's `validate` hook and
// Source/Destination::Configure call. Defaults live only in the ParamSpec schema: a parser reads
// WithDefaults(<its ConnectorTypeInfo>, "", canonical), because validation hands the hook parameters without
// defaults and Configure gets them with every default filled in; both then parse the same values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sqlflow/connectors/registry/registry.h"

namespace sqlflow::connectors {

// True when `value` equals the schema default of `key` (false when the key has no default).
bool EqualsSchemaDefault(const ConnectorTypeInfo& type, const std::string& key,
                         const nlohmann::ordered_json& value);

// AddIssue unless an issue with the same message is already there (a rule both the generic validator and a
// connector's parser state, e.g. a schema constraint that Configure must enforce too).
void AddIssueOnce(std::vector<ParamIssue>& issues, Severity severity, std::string code, std::string message,
                  std::string key = "", std::vector<std::string> hints = {});

// params[key] as a string when the key is given (an optional parameter without a schema default).
std::optional<std::string> OptionalString(const ResolvedParams& params, const std::string& key);

// What Configure does with a parse result: throws Error(kInvalidConfig) with the first error's message.
void ThrowFirstError(const std::vector<ParamIssue>& issues);

}  // namespace sqlflow::connectors

// Connector registries and parameter schemas (CONNECTORS.md §1.8-1.10).
//
// Two registries (sources, destinations) are filled once by RegisterBuiltinConnectors() — an explicit call,
// no static-initialisation side effects. Lookup is case-insensitive with '-' read as '_', aliases allowed.
// The parameter schemas drive compile-time validation (SF401-SF406, SF408, W401, W402), the
// `sqlflow connect describe` output and the generated tables in each connector's SOURCE.md/DESTINATION.md.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sqlflow/common/diagnostic.h"
#include "sqlflow/connectors/base/destination.h"
#include "sqlflow/connectors/base/source.h"

namespace sqlflow::connectors {

enum class ParamType {
  kString,
  kInteger,
  kNumber,
  kBoolean,
  kObject,
  kArrayOfStrings,
  kStringOrArray,
  kObjectMap,
  kJson,
};

struct ParamSpec {
  std::string name;
  std::vector<std::string> aliases;
  ParamType type = ParamType::kString;
  bool required = false;
  std::optional<nlohmann::ordered_json> default_value;
  bool secret = false;
  std::vector<std::string> enum_values;                           // canonical allowed values
  std::vector<std::pair<std::string, std::string>> enum_aliases;  // accepted spelling -> canonical value
  std::optional<double> min, max;
  std::string description;
  // `min` is exclusive ("> 0" rather than ">= 0").
  bool exclusive_min = false;
  // Overrides the generated Type cell of the docs table (e.g. "string or number" for kJson params).
  std::string type_label;
};

struct Constraint {
  enum class Kind { kExactlyOneOf, kAtMostOneOf, kRequires };
  Kind kind;
  std::vector<std::string> params;  // kRequires: {a, b} means a requires b
};

// One validation finding. `key` is the parameter it is about (canonical or as written), "" for the whole
// object; the planner turns it into a positioned diagnostic.
struct ParamIssue {
  Severity severity = Severity::kError;
  std::string code;  // SF402 ...
  std::string message;
  std::string key;
  std::vector<std::string> hints;
};

struct Capabilities {
  std::string objects;      // single | multiple
  std::string incremental;  // none | engine_filter | pushdown
  bool projection_pushdown = false;
  std::vector<std::string> modes;  // destination modes
  bool network = false;
  std::string auth;  // none, password, ...
};

// The fixed set of objects of a multiple-object source (shopify). The object a read uses is the source's
// `param` value or, when the source does not set it, the LOAD's table name (CONNECTORS.md §1.5); either way
// an unknown object is a compile-time error (SF406), checked by ValidateSourceParams for the parameter and by
// the planner for each LOAD of a source without it.
struct FixedObjects {
  std::string param;               // canonical name of the object parameter ("object")
  std::vector<std::string> names;  // every object, in documentation order
  // Optional connector rules about a known object together with the other parameters (e.g. the warning for a
  // cursor_field the object cannot push down). Issues are keyed by parameter name as in `validate`.
  std::function<void(const std::string& object, const nlohmann::ordered_json& canonical,
                     std::vector<ParamIssue>& issues)>
      check;
};

struct ConnectorTypeInfo {
  std::string name;
  std::vector<std::string> aliases;
  std::string description;
  std::vector<ParamSpec> params;  // this side's parameters (common ones included)
  std::vector<Constraint> constraints;
  // Connector-specific rules that need parsing but no I/O.
  std::function<void(const nlohmann::ordered_json& canonical, std::vector<ParamIssue>& issues)> validate;
  Capabilities capabilities;
  std::function<std::unique_ptr<Source>()> make_source;            // source registry entries
  std::function<std::unique_ptr<Destination>()> make_destination;  // destination registry entries
  // Local file sources: the runtime's own "no files match ..." message when the configured path matches
  // nothing now, else nullopt. `pipeline validate` shows it as W404 (the files may appear before the run).
  std::function<std::optional<std::string>(const ResolvedParams&)> missing_files;
  // Parameters of the other side that get a specific SF406 message instead of SF402 on this side,
  // e.g. postgres source: replace_strategy -> "'replace_strategy' is only valid on a destination".
  std::vector<std::pair<std::string, std::string>> other_side_params;
  // Parameters of older tools (the original Python SQLFlow) that stay unknown (SF402) but whose hint names
  // the replacement, e.g. shopify: flatten_line_items -> "use the object 'order_line_items' ...".
  std::vector<std::pair<std::string, std::string>> migration_hints;
  // Multiple-object sources with a fixed object list; nullopt when objects are open-ended (tables, sheets).
  std::optional<FixedObjects> fixed_objects;
};

class Registry {
 public:
  // Throws Error(kInternal) for a duplicate name or alias.
  void Register(ConnectorTypeInfo info);
  const ConnectorTypeInfo* Find(std::string_view name) const;  // case-insensitive, '-' -> '_', aliases
  std::vector<std::string> CanonicalNames() const;             // sorted
  const std::vector<ConnectorTypeInfo>& All() const { return entries_; }

 private:
  std::vector<ConnectorTypeInfo> entries_;
};

struct Registries {
  Registry sources;
  Registry destinations;
};

// The process-wide registries with every built-in connector registered (first call registers).
const Registries& BuiltinRegistries();
// Registers every built-in connector into `registries` (BuiltinRegistries calls it once). Throws
// Error(kInternal) on a duplicate name or alias.
void RegisterBuiltinConnectors(Registries& registries);

// Parameters implied by the spelling of a type alias (CONNECTORS.md §1.8): `tsv` -> {"delimiter": "\t"},
// `ndjson` / `jsonl` -> {"format": "newline_delimited"}; {} for every other name. The planner merges them
// as the lowest layer above the registry defaults (registry defaults <- implied <- profile <- PARAMS).
nlohmann::ordered_json AliasImpliedParams(std::string_view type_name);

// Lookup key of a type name: ASCII lower-case with '-' read as '_'.
std::string NormalizeTypeName(std::string_view name);

struct ValidatedParams {
  nlohmann::ordered_json canonical = nlohmann::ordered_json::object();  // aliases renamed, values coerced
  std::vector<ParamIssue> issues;
};

// Validates merged source parameters against a source type (unknown keys SF402 with did-you-mean, missing
// SF403, JSON types SF404 with coercion of whole-literal strings, enums / ranges SF405, constraints SF403 /
// SF406, alias clashes SF406, sync_mode rules, W401, connector-specific rules).
ValidatedParams ValidateSourceParams(const ConnectorTypeInfo& type, const nlohmann::ordered_json& params);

// "<T> connector: unknown object '<o>' (did you mean '<p>'?); objects: <list>" when `object` is not one of
// `names`; nullopt when it is. `type_name` is the canonical type ("shopify").
std::optional<std::string> UnknownObjectMessage(std::string_view type_name, const std::string& object,
                                                const std::vector<std::string>& names);

// The compile-time check of the object a read of `type` uses (see FixedObjects): SF406 for an unknown object
// (keyed by the object parameter), else the connector's FixedObjects::check. Nothing for types without
// fixed objects. `canonical`: the source's validated parameters.
std::vector<ParamIssue> CheckFixedObject(const ConnectorTypeInfo& type, const std::string& object,
                                         const nlohmann::ordered_json& canonical);

// Validates EXPORT options for a file format (csv, parquet, json, ndjson) or a connector destination type:
// unknown options SF408 ("<T> export: unknown option '<k>'"), options of another file format W402, modes
// and keys (SF411), plus the same type checks as sources. `directory_target`: the path ends in '/'.
ValidatedParams ValidateExportOptions(const ConnectorTypeInfo& type, const std::string& format,
                                      const nlohmann::ordered_json& options, bool directory_target);

// Registry defaults for every parameter of `type` that `canonical` does not set.
ResolvedParams WithDefaults(const ConnectorTypeInfo& type, const std::string& name,
                            const nlohmann::ordered_json& canonical);

// True when a parameter is secret by the schema rule or the name rule (CONNECTORS.md §1.10).
bool IsSecretParam(const ConnectorTypeInfo& type, const std::string& name);

// `sqlflow connect describe TYPE --format text|markdown|json`.
std::string DescribeType(const Registries& registries, const std::string& canonical_name,
                         const std::string& format);
// The parameter table of one side as generated markdown (the text between the params markers in
// SOURCE.md / DESTINATION.md).
std::string ParamsMarkdown(const ConnectorTypeInfo& type);

}  // namespace sqlflow::connectors

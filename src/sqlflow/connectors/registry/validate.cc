// Compile-time validation of connector parameters and EXPORT options (CONNECTORS.md §1.9, LANGUAGE.md §9.3,
// §9.8.2). Every message template here is part of the contract; tests pin them verbatim.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include "sqlflow/common/error.h"
#include "sqlflow/common/json_dump.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/registry/registry.h"
#include "sqlflow/connectors/registry/type_strings.h"
#include "sqlflow/connectors/registry/validate_util.h"

namespace sqlflow::connectors {

using Json = nlohmann::ordered_json;

std::string JsonTypeName(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::boolean:
      return "boolean";
    case Json::value_t::string:
      return "string";
    case Json::value_t::array:
      return "array";
    case Json::value_t::object:
      return "object";
    default:
      return "number";
  }
}

std::string ShortJson(const Json& value) {
  std::string text = DumpJson(value);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

std::string FormatNumber(double value) {
  if (std::isfinite(value) && std::floor(value) == value && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<int64_t>(value));
  }
  Json number = value;
  return DumpJson(number);
}

bool ParseIntegerLiteral(const std::string& text, int64_t& out) {
  if (text.empty()) return false;
  const char* begin = text.data();
  if (*begin == '+') ++begin;
  auto [end, ec] = std::from_chars(begin, text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool ParseNumberLiteral(const std::string& text, double& out) {
  // JSON-like number syntax only: no "nan", "inf", hex or surrounding spaces.
  if (text.empty()) return false;
  size_t i = 0;
  if (text[i] == '-' || text[i] == '+') ++i;
  size_t digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    size_t exponent_digits = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++exponent_digits;
    if (exponent_digits == 0) return false;
  }
  if (i != text.size()) return false;
  out = std::strtod(text.c_str(), nullptr);
  return std::isfinite(out);
}

const ParamSpec* FindParam(const std::vector<ParamSpec>& params, const std::string& key) {
  for (const auto& spec : params) {
    if (spec.name == key) return &spec;
  }
  for (const auto& spec : params) {
    if (std::find(spec.aliases.begin(), spec.aliases.end(), key) != spec.aliases.end()) return &spec;
  }
  return nullptr;
}

std::vector<std::string> ParamNamesAndAliases(const std::vector<ParamSpec>& params) {
  std::vector<std::string> names;
  for (const auto& spec : params) {
    names.push_back(spec.name);
    names.insert(names.end(), spec.aliases.begin(), spec.aliases.end());
  }
  return names;
}

std::vector<std::string> SortedParamNames(const std::vector<ParamSpec>& params) {
  std::vector<std::string> names;
  for (const auto& spec : params) names.push_back(spec.name);
  std::sort(names.begin(), names.end());
  return names;
}

void AddIssue(std::vector<ParamIssue>& issues, Severity severity, std::string code, std::string message,
              std::string key, std::vector<std::string> hints) {
  ParamIssue issue;
  issue.severity = severity;
  issue.code = std::move(code);
  issue.message = std::move(message);
  issue.key = std::move(key);
  issue.hints = std::move(hints);
  issues.push_back(std::move(issue));
}

namespace {

std::string KindText(ParamType type) {
  switch (type) {
    case ParamType::kString:
      return "a string";
    case ParamType::kInteger:
      return "an integer";
    case ParamType::kNumber:
      return "a number";
    case ParamType::kBoolean:
      return "a boolean";
    case ParamType::kObject:
    case ParamType::kObjectMap:
      return "an object";
    case ParamType::kArrayOfStrings:
      return "an array of strings";
    case ParamType::kStringOrArray:
      return "a string or an array of strings";
    case ParamType::kJson:
      return "a JSON value";
  }
  return "a value";
}

bool IsStringArray(const Json& value) {
  return value.is_array() &&
         std::all_of(value.begin(), value.end(), [](const Json& v) { return v.is_string(); });
}

std::string RangeText(const ParamSpec& spec) {
  if (spec.min && spec.max) {
    if (spec.exclusive_min)
      return "greater than " + FormatNumber(*spec.min) + " and at most " + FormatNumber(*spec.max);
    return "between " + FormatNumber(*spec.min) + " and " + FormatNumber(*spec.max);
  }
  if (spec.min) return (spec.exclusive_min ? "greater than " : "at least ") + FormatNumber(*spec.min);
  return "at most " + FormatNumber(*spec.max);
}

// Checks one value against its spec; returns the coerced canonical value, or nullopt after reporting.
class ValueChecker {
 public:
  ValueChecker(std::string prefix, std::vector<ParamIssue>& issues)
      : prefix_(std::move(prefix)), issues_(issues) {}

  std::optional<Json> Check(const ParamSpec& spec, const std::string& key, const Json& value) {
    std::optional<Json> coerced = CheckType(spec, key, value);
    if (!coerced) return std::nullopt;
    if (!spec.enum_values.empty()) return CheckEnum(spec, key, *coerced);
    if ((spec.min || spec.max) && coerced->is_number() && !CheckRange(spec, key, *coerced))
      return std::nullopt;
    return coerced;
  }

 private:
  std::optional<Json> CheckType(const ParamSpec& spec, const std::string& key, const Json& value) {
    switch (spec.type) {
      case ParamType::kString:
        if (value.is_string()) return value;
        // Enums that spell booleans (parquet hive_partitioning) also take a JSON boolean.
        if (value.is_boolean() &&
            std::find(spec.enum_values.begin(), spec.enum_values.end(), "true") != spec.enum_values.end()) {
          return Json(value.get<bool>() ? "true" : "false");
        }
        break;
      case ParamType::kInteger: {
        if (value.is_number_integer()) return value;
        if (value.is_number_float()) {
          double number = value.get<double>();
          if (std::floor(number) == number && std::fabs(number) < 9e18)
            return Json(static_cast<int64_t>(number));
        }
        int64_t parsed = 0;
        if (value.is_string() && ParseIntegerLiteral(value.get<std::string>(), parsed)) return Json(parsed);
        break;
      }
      case ParamType::kNumber: {
        if (value.is_number()) return value;
        double parsed = 0;
        if (value.is_string()) {
          int64_t integer = 0;
          if (ParseIntegerLiteral(value.get<std::string>(), integer)) return Json(integer);
          if (ParseNumberLiteral(value.get<std::string>(), parsed)) return Json(parsed);
        }
        break;
      }
      case ParamType::kBoolean:
        if (value.is_boolean()) return value;
        if (value.is_string()) {
          std::string text = ToLower(value.get<std::string>());
          if (text == "true") return Json(true);
          if (text == "false") return Json(false);
        }
        break;
      case ParamType::kObject:
        if (value.is_object()) return value;
        break;
      case ParamType::kObjectMap:
        if (value.is_object()) {
          bool ok = true;
          for (const auto& [entry_key, entry] : value.items()) {
            if (!entry.is_string()) {
              Report("SF404",
                     "parameter '" + key + "." + entry_key + "' must be a string, got " +
                         JsonTypeName(entry) + " " + ShortJson(entry),
                     key);
              ok = false;
            }
          }
          if (!ok) return std::nullopt;
          return value;
        }
        break;
      case ParamType::kArrayOfStrings:
        if (IsStringArray(value)) return value;
        break;
      case ParamType::kStringOrArray:
        if (value.is_string() || IsStringArray(value)) return value;
        break;
      case ParamType::kJson:
        return value;
    }
    Report("SF404",
           "parameter '" + key + "' must be " + KindText(spec.type) + ", got " + JsonTypeName(value) + " " +
               ShortJson(value),
           key);
    return std::nullopt;
  }

  std::optional<Json> CheckEnum(const ParamSpec& spec, const std::string& key, const Json& value) {
    if (!value.is_string()) return value;
    const std::string given = value.get<std::string>();
    const std::string lowered = ToLower(given);
    for (const auto& allowed : spec.enum_values) {
      if (ToLower(allowed) == lowered) return Json(allowed);
    }
    for (const auto& [spelling, canonical] : spec.enum_aliases) {
      if (ToLower(spelling) == lowered) return Json(canonical);
    }
    Report("SF405",
           "parameter '" + key + "' must be one of " + Join(spec.enum_values, ", ") + "; got '" + given + "'",
           key);
    return std::nullopt;
  }

  bool CheckRange(const ParamSpec& spec, const std::string& key, const Json& value) {
    double number = value.get<double>();
    bool ok = true;
    if (spec.min) ok = spec.exclusive_min ? number > *spec.min : number >= *spec.min;
    if (ok && spec.max) ok = number <= *spec.max;
    if (!ok)
      Report("SF405", "parameter '" + key + "' must be " + RangeText(spec) + "; got " + DumpJson(value), key);
    return ok;
  }

  void Report(const std::string& code, const std::string& message, const std::string& key) {
    AddIssue(issues_, Severity::kError, code, prefix_ + message, key, {});
  }

  std::string prefix_;
  std::vector<ParamIssue>& issues_;
};

// Maps keys to canonical names, checks every value, and reports unknown keys (through `on_unknown`) and alias
// clashes. Returns the canonical object in input order.
template <typename OnUnknown>
Json CheckKeys(const std::string& prefix, const std::vector<ParamSpec>& params, const Json& input,
               std::vector<ParamIssue>& issues, OnUnknown&& on_unknown) {
  Json canonical = Json::object();
  std::map<std::string, std::string> given_as;  // canonical name -> key as written
  ValueChecker checker(prefix, issues);
  for (const auto& [key, value] : input.items()) {
    const ParamSpec* spec = FindParam(params, key);
    if (!spec) {
      on_unknown(key, value);
      continue;
    }
    auto previous = given_as.find(spec->name);
    if (previous != given_as.end()) {
      const std::string& alias = key == spec->name ? previous->second : key;
      AddIssue(issues, Severity::kError, "SF406",
               prefix + "'" + alias + "' is an alias of '" + spec->name + "'; give only one of them", key,
               {});
      continue;
    }
    given_as[spec->name] = key;
    if (value.is_null()) continue;  // null reads as "not given"
    // Messages name the key as written, which is where the diagnostic points.
    std::optional<Json> checked = checker.Check(*spec, key, value);
    canonical[spec->name] = checked ? *checked : Json();  // a failed value still counts as given
  }
  return canonical;
}

bool Given(const Json& canonical, const std::string& name) {
  return canonical.contains(name);
}

void CheckRequiredAndConstraints(const ConnectorTypeInfo& type, const std::string& prefix,
                                 const Json& canonical, std::vector<ParamIssue>& issues) {
  for (const auto& spec : type.params) {
    if (spec.required && !Given(canonical, spec.name)) {
      AddIssue(issues, Severity::kError, "SF403", prefix + "missing required parameter '" + spec.name + "'",
               "", {});
    }
  }
  for (const auto& constraint : type.constraints) {
    std::vector<std::string> present;
    for (const auto& name : constraint.params) {
      if (Given(canonical, name)) present.push_back(name);
    }
    auto quoted_list = [&]() {
      std::vector<std::string> quoted;
      for (const auto& name : constraint.params) quoted.push_back("'" + name + "'");
      return Join(quoted, ", ");
    };
    switch (constraint.kind) {
      case Constraint::Kind::kExactlyOneOf:
        if (present.empty()) {
          AddIssue(issues, Severity::kError, "SF403", prefix + "give exactly one of " + quoted_list(), "",
                   {});
        } else if (present.size() > 1) {
          AddIssue(issues, Severity::kError, "SF406", prefix + "give exactly one of " + quoted_list(),
                   present[1], {});
        }
        break;
      case Constraint::Kind::kAtMostOneOf:
        if (present.size() > 1) {
          AddIssue(
              issues, Severity::kError, "SF406",
              prefix + "parameters '" + present[0] + "' and '" + present[1] + "' cannot be used together",
              present[1], {});
        }
        break;
      case Constraint::Kind::kRequires:
        if (constraint.params.size() == 2 && Given(canonical, constraint.params[0]) &&
            !Given(canonical, constraint.params[1])) {
          AddIssue(
              issues, Severity::kError, "SF406",
              prefix + "parameter '" + constraint.params[0] + "' requires '" + constraint.params[1] + "'",
              constraint.params[0], {});
        }
        break;
    }
  }
}

bool HasErrors(const std::vector<ParamIssue>& issues, size_t from) {
  for (size_t i = from; i < issues.size(); ++i) {
    if (issues[i].severity == Severity::kError) return true;
  }
  return false;
}

void CheckCommonSourceRules(const std::string& prefix, Json& canonical, std::vector<ParamIssue>& issues) {
  const std::string sync_mode = canonical.contains("sync_mode") && canonical["sync_mode"].is_string()
                                    ? canonical["sync_mode"].get<std::string>()
                                    : "full_refresh";
  const bool has_cursor = canonical.contains("cursor_field") && !canonical["cursor_field"].is_null();
  if (sync_mode == "incremental" && !canonical.contains("cursor_field")) {
    AddIssue(issues, Severity::kError, "SF406", prefix + "sync_mode 'incremental' requires 'cursor_field'",
             "sync_mode", {});
  }
  if (sync_mode == "full_refresh" && has_cursor) {
    AddIssue(issues, Severity::kWarning, "W401", "cursor_field is ignored when sync_mode is full_refresh",
             "cursor_field", {});
  }
  if (canonical.contains("cursor_start")) {
    const Json& value = canonical["cursor_start"];
    if (!value.is_null() && !value.is_string() && !value.is_number()) {
      AddIssue(issues, Severity::kError, "SF404",
               prefix + "parameter 'cursor_start' must be a string or a number, got " + JsonTypeName(value) +
                   " " + ShortJson(value),
               "cursor_start", {});
    }
  }
  if (canonical.contains("lookback_window")) {
    Json& value = canonical["lookback_window"];
    int64_t integer = 0;
    if (value.is_number_integer() ||
        (value.is_string() && ParseIntegerLiteral(value.get<std::string>(), integer))) {
      if (value.is_string()) value = integer;
      if (value.get<int64_t>() < 0) {
        AddIssue(issues, Severity::kError, "SF405",
                 prefix + "parameter 'lookback_window' must be at least 0; got " + DumpJson(value),
                 "lookback_window", {});
      }
    } else if (value.is_string()) {
      if (!IsValidIntervalString(value.get<std::string>())) {
        AddIssue(issues, Severity::kError, "SF405",
                 prefix +
                     "parameter 'lookback_window' must be an integer or an interval such as '1 day'; got '" +
                     value.get<std::string>() + "'",
                 "lookback_window", {});
      }
    } else if (!value.is_null()) {
      AddIssue(issues, Severity::kError, "SF404",
               prefix + "parameter 'lookback_window' must be an integer or a string, got " +
                   JsonTypeName(value) + " " + ShortJson(value),
               "lookback_window", {});
    }
  }
  if (canonical.contains("column_types") && canonical["column_types"].is_object()) {
    Json& types = canonical["column_types"];
    for (auto& [column, type] : types.items()) {
      if (!type.is_string()) continue;
      const std::string text = type.get<std::string>();
      if (!IsValidTypeString(text)) {
        AddIssue(
            issues, Severity::kError, "SF405",
            prefix + "parameter 'column_types." + column + "' must be a DuckDB type name; got '" + text + "'",
            "column_types", {});
      } else {
        type = NormalizeTypeString(text);
      }
    }
  }
}

std::string UpperName(const ConnectorTypeInfo& type) {
  return ToUpper(type.name);
}

}  // namespace

Json CheckNestedObject(const std::string& prefix, const std::string& parent,
                       const std::vector<ParamSpec>& params, const Json& object,
                       std::vector<ParamIssue>& issues) {
  // Nested names are dotted in messages (pagination.cursor_path); aliases work as at the top level.
  std::vector<ParamSpec> dotted = params;
  for (auto& spec : dotted) {
    spec.name = parent + "." + spec.name;
    for (auto& alias : spec.aliases) alias = parent + "." + alias;
  }
  Json prefixed = Json::object();
  for (const auto& [key, value] : object.items()) prefixed[parent + "." + key] = value;
  const auto candidates = ParamNamesAndAliases(dotted);
  Json checked = CheckKeys(prefix, dotted, prefixed, issues, [&](const std::string& key, const Json&) {
    std::vector<std::string> hints;
    if (auto close = DidYouMean(key, candidates)) {
      hints.push_back("did you mean '" + *close + "'?");
    } else {
      hints.push_back("known parameters: " + Join(SortedParamNames(dotted), ", "));
    }
    AddIssue(issues, Severity::kError, "SF402", prefix + "unknown parameter '" + key + "'", parent, hints);
  });
  Json out = Json::object();
  for (const auto& [key, value] : checked.items()) {
    if (!value.is_null()) out[key.substr(parent.size() + 1)] = value;
  }
  return out;
}

std::optional<std::string> UnknownObjectMessage(std::string_view type_name, const std::string& object,
                                                const std::vector<std::string>& names) {
  if (std::find(names.begin(), names.end(), object) != names.end()) return std::nullopt;
  std::string message = ToUpper(std::string(type_name)) + " connector: unknown object '" + object + "'";
  if (auto close = DidYouMean(object, names)) message += " (did you mean '" + *close + "'?)";
  return message + "; objects: " + Join(names, ", ");
}

std::vector<ParamIssue> CheckFixedObject(const ConnectorTypeInfo& type, const std::string& object,
                                         const Json& canonical) {
  std::vector<ParamIssue> issues;
  if (!type.fixed_objects) return issues;
  const FixedObjects& fixed = *type.fixed_objects;
  if (auto message = UnknownObjectMessage(type.name, object, fixed.names)) {
    AddIssue(issues, Severity::kError, "SF406", *message, fixed.param);
    return issues;
  }
  if (fixed.check) fixed.check(object, canonical, issues);
  return issues;
}

ValidatedParams ValidateSourceParams(const ConnectorTypeInfo& type, const Json& params) {
  ValidatedParams out;
  const std::string prefix = UpperName(type) + " connector: ";
  if (!params.is_object()) {
    if (!params.is_null()) {
      AddIssue(out.issues, Severity::kError, "SF404",
               prefix + "parameters must be an object, got " + JsonTypeName(params) + " " + ShortJson(params),
               "", {});
    }
    CheckRequiredAndConstraints(type, prefix, out.canonical, out.issues);
    return out;
  }
  const auto candidates = ParamNamesAndAliases(type.params);
  out.canonical =
      CheckKeys(prefix, type.params, params, out.issues, [&](const std::string& key, const Json&) {
        for (const auto& [name, message] : type.other_side_params) {
          if (name == key) {
            AddIssue(out.issues, Severity::kError, "SF406", prefix + message, key, {});
            return;
          }
        }
        std::vector<std::string> hints;
        for (const auto& [name, hint] : type.migration_hints)
          if (name == key) hints.push_back(hint);
        if (!hints.empty()) {
        } else if (auto close = DidYouMean(key, candidates)) {
          hints.push_back("did you mean '" + *close + "'?");
        } else {
          hints.push_back("known parameters: " + Join(SortedParamNames(type.params), ", "));
        }
        AddIssue(out.issues, Severity::kError, "SF402", prefix + "unknown parameter '" + key + "'", key,
                 hints);
      });
  CheckRequiredAndConstraints(type, prefix, out.canonical, out.issues);
  CheckCommonSourceRules(prefix, out.canonical, out.issues);
  // Connector rules assume well-typed values; skip them when a value already failed.
  bool value_errors = false;
  for (const auto& [key, value] : out.canonical.items()) value_errors |= value.is_null();
  if (type.validate && !value_errors) type.validate(out.canonical, out.issues);
  if (type.fixed_objects && !value_errors && out.canonical.contains(type.fixed_objects->param) &&
      out.canonical[type.fixed_objects->param].is_string()) {
    auto found =
        CheckFixedObject(type, out.canonical[type.fixed_objects->param].get<std::string>(), out.canonical);
    out.issues.insert(out.issues.end(), found.begin(), found.end());
  }
  // Failed values were kept as null to count as given; drop them from the canonical result.
  for (auto it = out.canonical.begin(); it != out.canonical.end();) {
    it = it->is_null() ? out.canonical.erase(it) : std::next(it);
  }
  return out;
}

namespace {

const std::set<std::string>& FileFormats() {
  static const std::set<std::string> formats = {"csv", "tsv", "parquet", "json", "ndjson"};
  return formats;
}

// The destination registry entry whose writer options a file format uses.
std::string FormatType(const std::string& format) {
  if (format == "csv" || format == "tsv") return "csv";
  if (format == "ndjson") return "json";
  return format;
}

std::vector<std::string> SplitKeys(const Json& value) {
  std::vector<std::string> keys;
  if (value.is_string()) {
    for (const auto& part : Split(value.get<std::string>(), ',')) {
      std::string trimmed = Trim(part);
      if (!trimmed.empty()) keys.push_back(trimmed);
    }
  } else if (value.is_array()) {
    for (const auto& item : value) {
      if (item.is_string()) keys.push_back(Trim(item.get<std::string>()));
    }
  }
  return keys;
}

}  // namespace

ValidatedParams ValidateExportOptions(const ConnectorTypeInfo& type, const std::string& format,
                                      const Json& options, bool directory_target) {
  ValidatedParams out;
  const std::string fmt = ToLower(format);
  const bool file_format = FileFormats().count(fmt) > 0;
  const bool file_type = type.name == "csv" || type.name == "parquet" || type.name == "json";
  const std::string prefix = UpperName(type) + " connector: ";
  const std::string export_name =
      ToUpper(file_type && file_format ? (fmt == "tsv" ? "csv" : fmt) : type.name);

  // Allowed options: the destination's own, plus the writer options of the file format for s3.
  std::vector<ParamSpec> allowed = type.params;
  const Registries& builtin = BuiltinRegistries();
  if (!file_type && file_format) {
    if (const ConnectorTypeInfo* writer = builtin.destinations.Find(FormatType(fmt))) {
      for (const auto& spec : writer->params) {
        if (!FindParam(allowed, spec.name)) allowed.push_back(spec);
      }
    }
  }
  // Options of the other file formats (W402 instead of SF408 for file-like destinations).
  std::set<std::string> other_format_options;
  if (file_type || file_format) {
    for (const char* name : {"csv", "parquet", "json"}) {
      if (const ConnectorTypeInfo* writer = builtin.destinations.Find(name)) {
        for (const auto& option : ParamNamesAndAliases(writer->params)) other_format_options.insert(option);
      }
    }
  }
  if (!options.is_object()) {
    if (!options.is_null()) {
      AddIssue(out.issues, Severity::kError, "SF404",
               prefix + "options must be an object, got " + JsonTypeName(options) + " " + ShortJson(options),
               "", {});
    }
    return out;
  }

  const auto candidates = ParamNamesAndAliases(allowed);
  out.canonical = CheckKeys(prefix, allowed, options, out.issues, [&](const std::string& key, const Json&) {
    for (const auto& [name, message] : type.other_side_params) {
      if (name == key) {
        AddIssue(out.issues, Severity::kError, "SF406", prefix + message, key, {});
        return;
      }
    }
    if (other_format_options.count(key)) {
      AddIssue(
          out.issues, Severity::kWarning, "W402",
          "option '" + key + "' has no effect for " + ToUpper(file_format ? fmt : type.name) + " exports",
          key, {});
      return;
    }
    std::vector<std::string> hints;
    if (auto close = DidYouMean(key, candidates)) {
      hints.push_back("did you mean '" + *close + "'?");
    } else {
      hints.push_back("known options: " + Join(SortedParamNames(allowed), ", "));
    }
    AddIssue(out.issues, Severity::kError, "SF408", export_name + " export: unknown option '" + key + "'",
             key, hints);
  });

  // keys: an array, or a comma-separated string -> array.
  if (out.canonical.contains("keys") && !out.canonical["keys"].is_null()) {
    Json keys = Json::array();
    for (const auto& key : SplitKeys(out.canonical["keys"])) keys.push_back(key);
    out.canonical["keys"] = keys;
  }
  const std::string mode = out.canonical.contains("mode") && out.canonical["mode"].is_string()
                               ? out.canonical["mode"].get<std::string>()
                               : "replace";
  std::vector<std::string> modes = type.capabilities.modes;
  if (directory_target) {
    modes.erase(std::remove(modes.begin(), modes.end(), "upsert"), modes.end());
  }
  if (!modes.empty() && std::find(modes.begin(), modes.end(), mode) == modes.end()) {
    AddIssue(out.issues, Severity::kError, "SF411",
             UpperName(type) + " destination does not support mode '" + mode +
                 "'; supported: " + Join(modes, ", "),
             "mode", {});
  } else if (mode == "upsert" && (!out.canonical.contains("keys") || out.canonical["keys"].empty())) {
    AddIssue(out.issues, Severity::kError, "SF411", "mode 'upsert' requires option \"keys\"", "mode", {});
  }
  if (out.canonical.contains("partition_by") && !directory_target) {
    AddIssue(out.issues, Severity::kError, "SF411",
             "partition_by needs a directory destination ending in '/'", "partition_by", {});
  }

  ConnectorTypeInfo checked = type;
  checked.params = allowed;
  const size_t before = out.issues.size();
  CheckRequiredAndConstraints(checked, prefix, out.canonical, out.issues);
  bool value_errors = HasErrors(out.issues, before);
  for (const auto& [key, value] : out.canonical.items()) value_errors |= value.is_null();
  if (type.validate && !value_errors) type.validate(out.canonical, out.issues);
  for (auto it = out.canonical.begin(); it != out.canonical.end();) {
    it = it->is_null() ? out.canonical.erase(it) : std::next(it);
  }
  return out;
}

std::string StringOr(const nlohmann::ordered_json& canonical, const std::string& key,
                     const std::string& fallback) {
  return canonical.contains(key) && canonical[key].is_string() ? canonical[key].get<std::string>() : fallback;
}

std::vector<std::pair<std::string, std::string>> OnlyOn(const std::string& side,
                                                        const std::vector<std::string>& names) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& name : names) out.push_back({name, "'" + name + "' is only valid on a " + side});
  return out;
}

}  // namespace sqlflow::connectors

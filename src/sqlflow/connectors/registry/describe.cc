// `sqlflow connect describe` output and the generated parameter tables of the connector docs.
#include <sstream>

#include "sqlflow/common/error.h"
#include "sqlflow/common/json_dump.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/registry/registry.h"
#include "sqlflow/connectors/registry/validate_util.h"

namespace sqlflow::connectors {
namespace {

using Json = nlohmann::ordered_json;

std::string BaseTypeText(ParamType type) {
  switch (type) {
    case ParamType::kString:
      return "string";
    case ParamType::kInteger:
      return "integer";
    case ParamType::kNumber:
      return "number";
    case ParamType::kBoolean:
      return "boolean";
    case ParamType::kObject:
      return "object";
    case ParamType::kArrayOfStrings:
      return "array of strings";
    case ParamType::kStringOrArray:
      return "string or array of strings";
    case ParamType::kObjectMap:
      return "object of strings";
    case ParamType::kJson:
      return "JSON";
  }
  return "value";
}

std::string TypeText(const ParamSpec& spec) {
  if (!spec.type_label.empty()) return spec.type_label;
  std::string text = BaseTypeText(spec.type);
  if (!spec.enum_values.empty()) {
    text = "enum: " + Join(spec.enum_values, ", ");
    if (!spec.enum_aliases.empty()) {
      std::vector<std::string> spellings;
      for (const auto& [spelling, canonical] : spec.enum_aliases) spellings.push_back(spelling);
      text += " (accepts " + Join(spellings, ", ") + ")";
    }
    return text;
  }
  if (spec.min && spec.max) {
    text += " " + FormatNumber(*spec.min) + ".." + FormatNumber(*spec.max);
    if (spec.exclusive_min)
      text = BaseTypeText(spec.type) + " > " + FormatNumber(*spec.min) + ", <= " + FormatNumber(*spec.max);
  } else if (spec.min) {
    text += (spec.exclusive_min ? " > " : " >= ") + FormatNumber(*spec.min);
  } else if (spec.max) {
    text += " <= " + FormatNumber(*spec.max);
  }
  return text;
}

std::string DefaultText(const ParamSpec& spec) {
  if (!spec.default_value || spec.secret) return "";
  const Json& value = *spec.default_value;
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    if (text.empty()) return "\"\"";
    if (text == "\t") return "\\t";
    return text;
  }
  return DumpJson(value);
}

std::string Cell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string Code(const std::string& text) {
  return text.empty() ? "" : "`" + text + "`";
}

std::string ConstraintText(const Constraint& constraint) {
  std::vector<std::string> quoted;
  for (const auto& name : constraint.params) quoted.push_back("'" + name + "'");
  switch (constraint.kind) {
    case Constraint::Kind::kExactlyOneOf:
      return "exactly one of " + Join(quoted, ", ");
    case Constraint::Kind::kAtMostOneOf:
      return "at most one of " + Join(quoted, ", ");
    case Constraint::Kind::kRequires:
      return constraint.params.size() == 2 ? quoted[0] + " requires " + quoted[1] : Join(quoted, ", ");
  }
  return "";
}

std::string ConstraintKindName(Constraint::Kind kind) {
  switch (kind) {
    case Constraint::Kind::kExactlyOneOf:
      return "exactly_one_of";
    case Constraint::Kind::kAtMostOneOf:
      return "at_most_one_of";
    case Constraint::Kind::kRequires:
      return "requires";
  }
  return "";
}

std::string CapabilitiesText(const Capabilities& caps, bool destination) {
  std::vector<std::string> parts;
  if (destination) {
    parts.push_back("modes " + Join(caps.modes, ", "));
  } else {
    parts.push_back("objects " + caps.objects);
    parts.push_back("incremental " + caps.incremental);
    parts.push_back(std::string("projection pushdown ") + (caps.projection_pushdown ? "yes" : "no"));
  }
  parts.push_back(std::string("network ") + (caps.network ? "yes" : "no"));
  parts.push_back("auth " + (caps.auth.empty() ? std::string("none") : caps.auth));
  return Join(parts, "; ");
}

Json ParamsJson(const ConnectorTypeInfo& type) {
  Json params = Json::array();
  for (const auto& spec : type.params) {
    Json param = {{"name", spec.name},         {"aliases", spec.aliases}, {"type", TypeText(spec)},
                  {"required", spec.required}, {"secret", spec.secret},   {"description", spec.description}};
    if (spec.default_value && !spec.secret) param["default"] = *spec.default_value;
    if (!spec.enum_values.empty()) param["enum"] = spec.enum_values;
    if (spec.min) param["min"] = *spec.min;
    if (spec.max) param["max"] = *spec.max;
    params.push_back(param);
  }
  return params;
}

Json ConstraintsJson(const ConnectorTypeInfo& type) {
  Json constraints = Json::array();
  for (const auto& constraint : type.constraints) {
    constraints.push_back({{"kind", ConstraintKindName(constraint.kind)}, {"params", constraint.params}});
  }
  return constraints;
}

Json CapabilitiesJson(const Capabilities& caps, bool destination) {
  Json out = Json::object();
  if (destination) {
    out["modes"] = caps.modes;
  } else {
    out["objects"] = caps.objects;
    out["incremental"] = caps.incremental;
    out["projection_pushdown"] = caps.projection_pushdown;
  }
  out["network"] = caps.network;
  out["auth"] = caps.auth.empty() ? "none" : caps.auth;
  return out;
}

void TextParams(std::ostringstream& out, const ConnectorTypeInfo& type) {
  for (const auto& spec : type.params) {
    out << "  " << spec.name;
    if (!spec.aliases.empty()) out << " (aliases: " << Join(spec.aliases, ", ") << ")";
    out << "  " << TypeText(spec);
    if (spec.required) out << ", required";
    if (std::string d = DefaultText(spec); !d.empty()) out << ", default " << d;
    if (spec.secret) out << ", secret";
    out << "\n      " << spec.description << "\n";
  }
  for (const auto& constraint : type.constraints)
    out << "  constraint: " << ConstraintText(constraint) << "\n";
}

}  // namespace

std::string ParamsMarkdown(const ConnectorTypeInfo& type) {
  std::ostringstream out;
  out << "| Name | Aliases | Type | Required | Default | Secret | Description |\n";
  out << "|---|---|---|---|---|---|---|\n";
  for (const auto& spec : type.params) {
    std::vector<std::string> aliases;
    for (const auto& alias : spec.aliases) aliases.push_back(Code(alias));
    out << "| " << Code(spec.name) << " | " << Cell(Join(aliases, ", ")) << " | " << Cell(TypeText(spec))
        << " | " << (spec.required ? "yes" : "") << " | " << Cell(Code(DefaultText(spec))) << " | "
        << (spec.secret ? "yes" : "") << " | " << Cell(spec.description) << " |\n";
  }
  if (!type.constraints.empty()) {
    out << "\nConstraints:\n\n";
    for (const auto& constraint : type.constraints) out << "- " << ConstraintText(constraint) << "\n";
  }
  return out.str();
}

std::string DescribeType(const Registries& registries, const std::string& canonical_name,
                         const std::string& format) {
  const ConnectorTypeInfo* source = registries.sources.Find(canonical_name);
  const ConnectorTypeInfo* destination = registries.destinations.Find(canonical_name);
  if (!source && !destination) {
    throw Error(ErrorKind::kNotFound, "unknown connector type '" + canonical_name + "'", "SF401");
  }
  const ConnectorTypeInfo& main = source ? *source : *destination;
  const std::string fmt = ToLower(format);
  if (fmt == "json") {
    Json out = {{"name", main.name}, {"aliases", main.aliases}, {"description", main.description}};
    for (auto [side, info] : {std::pair{"source", source}, std::pair{"destination", destination}}) {
      if (!info) {
        out[side] = nullptr;
        continue;
      }
      out[side] = {{"capabilities", CapabilitiesJson(info->capabilities, info == destination)},
                   {"params", ParamsJson(*info)},
                   {"constraints", ConstraintsJson(*info)}};
    }
    return DumpJson(out, 2) + "\n";
  }
  std::ostringstream out;
  if (fmt == "markdown" || fmt == "md") {
    out << "# " << main.name << "\n\n" << main.description << "\n\n";
    out << "Aliases: " << (main.aliases.empty() ? "none" : Join(main.aliases, ", ")) << "\n\n";
    out << "| Side | Capabilities |\n|---|---|\n";
    out << "| source | " << (source ? Cell(CapabilitiesText(source->capabilities, false)) : "not provided")
        << " |\n";
    out << "| destination | "
        << (destination ? Cell(CapabilitiesText(destination->capabilities, true)) : "not provided") << " |\n";
    if (source) out << "\n## Source parameters\n\n" << ParamsMarkdown(*source);
    if (destination) out << "\n## Destination options\n\n" << ParamsMarkdown(*destination);
    return out.str();
  }
  if (fmt != "text" && !fmt.empty()) {
    throw Error(ErrorKind::kInvalidConfig, "unknown format '" + format + "'; use text, markdown or json");
  }
  out << main.name << ": " << main.description << "\n";
  out << "aliases: " << (main.aliases.empty() ? "none" : Join(main.aliases, ", ")) << "\n";
  if (source) {
    out << "\nsource (" << CapabilitiesText(source->capabilities, false) << ")\n";
    TextParams(out, *source);
  } else {
    out << "\nsource: not provided\n";
  }
  if (destination) {
    out << "\ndestination (" << CapabilitiesText(destination->capabilities, true) << ")\n";
    TextParams(out, *destination);
  } else {
    out << "\ndestination: not provided\n";
  }
  return out.str();
}

}  // namespace sqlflow::connectors

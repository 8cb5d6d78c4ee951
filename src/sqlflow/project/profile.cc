#include "sqlflow/project/profile.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "sqlflow/common/json_dump.h"
#include "sqlflow/common/limits.h"
#include "sqlflow/common/redact.h"
#include "sqlflow/common/text.h"
#include "sqlflow/variables/var_ref.h"

namespace sqlflow::project {

namespace fs = std::filesystem;

const ConnectorConfig* Profile::FindConnector(const std::string& connector_name) const {
  for (const auto& connector : connectors)
    if (EqualsIgnoreCase(connector.name, connector_name)) return &connector;
  return nullptr;
}

namespace {

const std::vector<std::string> kTopLevelKeys = {"engines",
                                                "variables",
                                                "connectors",
                                                "connections",
                                                "log_level",
                                                "version",
                                                "allow_include_outside_project"};
const std::vector<std::string> kDuckdbKeys = {"mode", "path", "memory_limit", "threads", "temp_directory"};
const std::vector<std::string> kLogLevels = {"debug", "info", "warning", "error"};

bool IsTopLevelKey(const std::string& key) {
  return std::find(kTopLevelKeys.begin(), kTopLevelKeys.end(), key) != kTopLevelKeys.end();
}

// ---- environment substitution (§10.3) ----

struct EnvSubstitution {
  std::string text;
  bool substituted = false;  // the value held at least one reference or escape
  std::optional<std::string> unset_env;
  std::string unset_ref_text;  // `${VAR}` as written, to find its column
};

EnvSubstitution SubstituteEnv(std::string_view raw) {
  EnvSubstitution result;
  size_t offset = 0;
  while (offset < raw.size()) {
    if (raw[offset] != '$' || !variables::StartsVarRef(raw, offset)) {
      result.text += raw[offset++];
      continue;
    }
    variables::VarRef ref = variables::ScanVarRef(raw, offset);
    if (ref.error != variables::VarRefError::kNone) {  // not a reference: keep the text as written
      result.text += raw[offset++];
      continue;
    }
    result.substituted = true;
    if (ref.escaped) {
      result.text += raw.substr(offset + 1, ref.end - offset - 1);
    } else if (const char* value = std::getenv(ref.name.c_str())) {
      result.text += value;
    } else if (ref.default_value) {
      result.text += *ref.default_value;
    } else if (!result.unset_env) {
      result.unset_env = ref.name;
      result.unset_ref_text = variables::VarRefText(raw, ref);
    }
    offset = ref.end;
  }
  return result;
}

// ---- plain scalars as JSON (YAML 1.2 core schema) ----

nlohmann::ordered_json PlainScalarToJson(const std::string& text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kOctal("0o[0-7]+");
  static const std::regex kHex("0x[0-9a-fA-F]+");
  static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(text, kInt)) {
    std::string digits = text[0] == '+' ? text.substr(1) : text;
    int64_t value = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error == std::errc() && end == digits.data() + digits.size()) return value;
    uint64_t unsigned_value = 0;
    auto [uend, uerror] = std::from_chars(digits.data(), digits.data() + digits.size(), unsigned_value);
    if (uerror == std::errc() && uend == digits.data() + digits.size()) return unsigned_value;
    return std::strtod(text.c_str(), nullptr);
  }
  if (std::regex_match(text, kOctal) || std::regex_match(text, kHex)) {
    uint64_t value = 0;
    int base = text[1] == 'o' ? 8 : 16;
    auto [end, error] = std::from_chars(text.data() + 2, text.data() + text.size(), value, base);
    if (error == std::errc() && end == text.data() + text.size()) return value;
    return text;
  }
  if (std::regex_match(text, kFloat)) return std::strtod(text.c_str(), nullptr);
  return text;  // .inf / .nan and everything else stay strings (JSON cannot hold them)
}

// True when a plain scalar with this text would not read back as a string.
bool LooksNonString(const std::string& text) {
  return !PlainScalarToJson(text).is_string();
}

// ---- secrets (§10.5) ----

// `path` is the chain of mapping keys from the profile top level down to `key`'s parent.
bool IsSecretKey(const std::vector<std::string>& path, const std::string& key) {
  if (IsSecretName(key)) return true;
  // Inside a connector's params: free-form maps use the wider key rule; auth.value is secret by schema.
  bool in_params =
      path.size() >= 3 && (path[0] == "connectors" || path[0] == "connections") && path[2] == "params";
  if (!in_params || path.size() < 4) return false;
  const std::string parent = ToLower(path.back());
  if ((parent == "headers" || parent == "params" || parent == "body") && IsSecretMapKey(key)) return true;
  return parent == "auth" && ToLower(key) == "value";
}

// The password part of every URI-like substring (scheme://user:password@host).
void CollectUriPasswords(const std::string& text, std::vector<std::string>& out) {
  for (const auto& [begin, end] : FindUriPasswords(text)) out.push_back(text.substr(begin, end - begin));
}

// ---- loading ----

struct LoadOptions {
  bool report_engine_env = true;  // SF513 for used engines.duckdb values
};

struct ProfileDocument {
  std::string file;  // "profiles/dev.yml"
  std::string text;
  YAML::Node root;
};

std::string ReadFileText(const fs::path& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// Visits the tree as the readers will, aliases expanded, and stops once the node budget or the depth limit
// is passed: a YAML alias bomb (a few lines, billions of nodes once expanded) costs at most the budget.
bool VisitWithinBudget(const YAML::Node& node, size_t& remaining, int depth) {
  if (remaining == 0 || depth > limits::kMaxProfileYamlDepth) return false;
  --remaining;
  if (node.IsMap()) {
    for (const auto& entry : node)
      if (!VisitWithinBudget(entry.first, remaining, depth + 1) ||
          !VisitWithinBudget(entry.second, remaining, depth + 1))
        return false;
  } else if (node.IsSequence()) {
    for (const auto& item : node)
      if (!VisitWithinBudget(item, remaining, depth + 1)) return false;
  }
  return true;
}

bool WithinYamlBudget(const ProfileDocument& document, Diagnostics& diagnostics) {
  size_t remaining = limits::kMaxProfileYamlNodes;
  if (VisitWithinBudget(document.root, remaining, 0)) return true;
  SourcePos pos;
  pos.file = document.file;
  pos.line = 1;
  pos.column = 1;
  diagnostics
      .Error("SF504",
             "invalid YAML in " + document.file + ": more than " +
                 std::to_string(limits::kMaxProfileYamlNodes) +
                 " nodes with aliases expanded, or nested deeper than " +
                 std::to_string(limits::kMaxProfileYamlDepth) + " levels",
             pos)
      .hints.push_back(
          "a profile is a small file; remove the aliases that expand to it (limits: docs/limits.md)");
  return false;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

// Validates one parsed profile document and builds the Profile. Positions are computed from yaml-cpp marks
// (0-based, byte columns) against the file text, so carets land on code points.
class ProfileReader {
 public:
  ProfileReader(const ProfileDocument& document, const std::string& name, Diagnostics& diagnostics,
                LoadOptions options)
      : document_(document),
        name_(name),
        lines_(SplitLines(document.text)),
        diagnostics_(diagnostics),
        options_(options) {}

  // The mapping that holds the profile (the nested compat form unwrapped), or an undefined node after an
  // error was reported.
  YAML::Node Unwrap() {
    const YAML::Node& root = document_.root;
    if (!root || root.IsNull()) {
      diagnostics_.Error("SF505", "missing required section 'engines'", FilePos(0, 0, 1));
      return YAML::Node(YAML::NodeType::Undefined);
    }
    if (!root.IsMap()) {
      diagnostics_.Error("SF508", "the profile must be a mapping", NodePos(root));
      return YAML::Node(YAML::NodeType::Undefined);
    }
    if (root.size() == 1) {
      auto entry = root.begin();
      const std::string key = entry->first.Scalar();
      if (key == name_ && !IsTopLevelKey(key) && entry->second.IsMap()) {
        auto& warning =
            diagnostics_.Warning("W501", "unknown profile key '" + key + "'", NodePos(entry->first));
        warning.notes.push_back("the profile is nested under its own name '" + key +
                                "'; its contents are read as the profile");
        warning.hints.push_back("move the keys under '" + key + "' to the top level of the file");
        return entry->second;
      }
    }
    return root;
  }

  std::optional<Profile> Read() {
    Profile profile;
    profile.name = name_;
    profile.file = document_.file;
    int errors_before = diagnostics_.ErrorCount();
    if (!CheckDuplicateKeys(document_.root)) return std::nullopt;
    YAML::Node doc = Unwrap();
    if (!doc) return std::nullopt;

    // yaml-cpp's default-constructed Node is a (defined) null node, so presence is tracked separately.
    YAML::Node engines_key, engines, variables_node, connectors_key, connectors, connections_key, connections,
        log_level;
    bool has_engines = false, has_variables = false, has_connectors = false, has_connections = false,
         has_log_level = false;
    for (const auto& entry : doc) {
      const std::string key = entry.first.Scalar();
      if (key == "engines") {
        has_engines = true;
        engines_key = entry.first;
        engines = entry.second;
      } else if (key == "variables") {
        has_variables = true;
        variables_node = entry.second;
      } else if (key == "connectors") {
        has_connectors = true;
        connectors_key = entry.first;
        connectors = entry.second;
      } else if (key == "connections") {
        has_connections = true;
        connections_key = entry.first;
        connections = entry.second;
      } else if (key == "log_level") {
        has_log_level = true;
        log_level = entry.second;
      } else if (key == "version") {
        // accepted and ignored
      } else if (key == "allow_include_outside_project") {
        const YAML::Node& value = entry.second;
        if (value.IsScalar() && (value.Scalar() == "true" || value.Scalar() == "false")) {
          profile.allow_include_outside_project = value.Scalar() == "true";
        } else {
          diagnostics_.Error("SF508", "allow_include_outside_project must be true or false", NodePos(value));
        }
      } else {
        UnknownKey(entry.first, kTopLevelKeys);
      }
    }

    if (!has_engines) {
      diagnostics_.Error("SF505", "missing required section 'engines'", NodePos(doc, 1));
    } else {
      ReadEngines(engines_key, engines, profile);
    }
    if (has_variables) ReadVariables(variables_node, profile);
    if (has_connectors && has_connections) {
      diagnostics_.Error("SF510", "both 'connectors' and 'connections' are present; use 'connectors'",
                         NodePos(connections_key));
    }
    if (has_connectors) {
      ReadConnectors("connectors", connectors, profile);
    } else if (has_connections) {
      ReadConnectors("connections", connections, profile);
    }
    if (has_log_level) ReadLogLevel(log_level, profile);

    if (diagnostics_.ErrorCount() > errors_before) return std::nullopt;
    return profile;
  }

  ProfileScalar ReadScalar(const YAML::Node& node) {
    ProfileScalar scalar;
    scalar.pos = NodePos(node);
    if (node.IsNull()) {
      scalar.is_null = true;
      return scalar;
    }
    scalar.raw = node.Scalar();
    scalar.quoted = node.Tag() != "?";  // "!" for quoted scalars, or an explicit tag
    EnvSubstitution substitution = SubstituteEnv(scalar.raw);
    if (substitution.unset_env) {
      scalar.unset_env = substitution.unset_env;
      scalar.pos = RefPos(node, substitution.unset_ref_text);
      return scalar;  // text stays "" while unresolved
    }
    scalar.text = substitution.text;
    return scalar;
  }

  SourcePos FilePos(int line0, int column0, size_t length_bytes) const {
    SourcePos pos;
    pos.file = document_.file;
    if (line0 < 0) return pos;
    pos.line = line0 + 1;
    pos.column = column0 + 1;
    pos.length = std::max<int>(1, static_cast<int>(length_bytes));
    if (static_cast<size_t>(line0) < lines_.size()) {
      const std::string& line = lines_[line0];
      size_t column_bytes = std::min<size_t>(static_cast<size_t>(std::max(column0, 0)), line.size());
      pos.column = CodePointColumn(std::string_view(line).substr(0, column_bytes)) + 1;
      size_t end = std::min(line.size(), column_bytes + length_bytes);
      pos.length =
          std::max(1, CodePointColumn(std::string_view(line).substr(column_bytes, end - column_bytes)));
    }
    return pos;
  }

  SourcePos NodePos(const YAML::Node& node, size_t length_bytes = 0) const {
    YAML::Mark mark = node.Mark();
    if (length_bytes == 0) {
      length_bytes = 1;
      if (node.IsScalar() && node.Scalar().find('\n') == std::string::npos)
        length_bytes = node.Scalar().size() + (node.Tag() == "!" ? 2 : 0);
    }
    return FilePos(mark.line, mark.column, length_bytes);
  }

  // Position of `${VAR}` inside a scalar value (the value's position when it cannot be found on its line).
  SourcePos RefPos(const YAML::Node& node, const std::string& ref_text) const {
    YAML::Mark mark = node.Mark();
    if (mark.line >= 0 && static_cast<size_t>(mark.line) < lines_.size() && !ref_text.empty()) {
      const std::string& line = lines_[mark.line];
      size_t found = line.find(ref_text, static_cast<size_t>(std::max(mark.column, 0)));
      if (found != std::string::npos) return FilePos(mark.line, static_cast<int>(found), ref_text.size());
    }
    return NodePos(node);
  }

 private:
  bool CheckDuplicateKeys(const YAML::Node& node) {
    if (node.IsMap()) {
      std::set<std::string> seen;
      for (const auto& entry : node) {
        if (entry.first.IsScalar() && !seen.insert(entry.first.Scalar()).second) {
          diagnostics_.Error(
              "SF504", "invalid YAML in " + document_.file + ": duplicate key '" + entry.first.Scalar() + "'",
              NodePos(entry.first));
          return false;
        }
        if (!CheckDuplicateKeys(entry.second)) return false;
      }
    } else if (node.IsSequence()) {
      for (const auto& item : node)
        if (!CheckDuplicateKeys(item)) return false;
    }
    return true;
  }

  void UnknownKey(const YAML::Node& key_node, const std::vector<std::string>& known) {
    const std::string key = key_node.Scalar();
    auto& warning = diagnostics_.Warning("W501", "unknown profile key '" + key + "'", NodePos(key_node));
    if (auto suggestion = DidYouMean(key, known))
      warning.hints.push_back("did you mean '" + *suggestion + "'?");
  }

  void EngineEnvError(const std::string& key, const ProfileScalar& scalar) {
    auto& error = diagnostics_.Error(
        "SF513", "engines.duckdb." + key + ": environment variable " + *scalar.unset_env + " is not set",
        scalar.pos);
    error.hints.push_back("set it, add it to .env, or give a default: ${" + *scalar.unset_env +
                          "|<default>}");
  }

  void ReadEngines(const YAML::Node& engines_key, const YAML::Node& engines, Profile& profile) {
    if (engines.IsNull()) {
      diagnostics_.Error("SF505", "missing required section 'engines.duckdb'", NodePos(engines_key));
      return;
    }
    if (!engines.IsMap()) {
      diagnostics_.Error("SF508", "engines must be a mapping", NodePos(engines));
      return;
    }
    YAML::Node duckdb;
    bool has_duckdb = false;
    for (const auto& entry : engines) {
      if (entry.first.Scalar() == "duckdb") {
        has_duckdb = true;
        duckdb = entry.second;
      } else {
        UnknownKey(entry.first, {"duckdb"});
      }
    }
    if (!has_duckdb) {
      diagnostics_.Error("SF505", "missing required section 'engines.duckdb'", NodePos(engines_key));
      return;
    }
    if (duckdb.IsNull()) return;  // all defaults
    if (!duckdb.IsMap()) {
      diagnostics_.Error("SF508", "engines.duckdb must be a mapping", NodePos(duckdb));
      return;
    }
    ReadDuckdb(duckdb, profile);
  }

  void ReadDuckdb(const YAML::Node& duckdb, Profile& profile) {
    std::map<std::string, std::pair<YAML::Node, YAML::Node>> values;  // key -> (key node, value node)
    for (const auto& entry : duckdb) {
      const std::string key = entry.first.Scalar();
      if (key == "database_path") {
        auto& warning =
            diagnostics_.Warning("W501", "unknown profile key 'database_path'", NodePos(entry.first));
        warning.notes.push_back("read as 'path', its new name");
        warning.hints.push_back("rename it to 'path'");
        if (!values.count("path")) values["path"] = {entry.first, entry.second};
      } else if (std::find(kDuckdbKeys.begin(), kDuckdbKeys.end(), key) != kDuckdbKeys.end()) {
        values[key] = {entry.first, entry.second};
      } else {
        UnknownKey(entry.first, kDuckdbKeys);
      }
    }

    std::map<std::string, ProfileScalar> scalars;
    for (const auto& [key, nodes] : values) {
      const YAML::Node& value = nodes.second;
      if (!value.IsNull() && !value.IsScalar()) {
        std::string type = key == "threads" ? "an integer >= 1" : "a string";
        diagnostics_.Error("SF508", "engines.duckdb." + key + " must be " + type, NodePos(value));
        continue;
      }
      ProfileScalar scalar = ReadScalar(value);
      if (value.IsNull()) scalar.pos = NodePos(nodes.first);
      if (scalar.unset_env) profile.engine_scalars[key] = scalar;
      scalars[key] = scalar;
    }
    auto used = [&](const std::string& key) -> const ProfileScalar* {
      auto found = scalars.find(key);
      if (found == scalars.end()) return nullptr;
      if (found->second.unset_env) {
        if (options_.report_engine_env) EngineEnvError(key, found->second);
        return nullptr;
      }
      return found->second.is_null ? nullptr : &found->second;
    };

    EngineConfig& engine = profile.engine;
    bool mode_known = true;
    if (scalars.count("mode") && scalars["mode"].unset_env) {
      mode_known = false;
      used("mode");
    } else if (const ProfileScalar* mode = used("mode")) {
      if (mode->text == "memory" || mode->text == "persistent") {
        engine.mode = mode->text;
      } else {
        mode_known = false;
        auto& error = diagnostics_.Error(
            "SF506", "invalid engines.duckdb.mode '" + mode->text + "': expected 'memory' or 'persistent'",
            mode->pos);
        if (auto suggestion = DidYouMean(mode->text, {"memory", "persistent"}))
          error.hints.push_back("did you mean '" + *suggestion + "'?");
      }
    }

    if (mode_known && engine.mode == "persistent") {
      bool path_unset = scalars.count("path") && scalars["path"].unset_env;
      if (const ProfileScalar* path = used("path"); path && !path->text.empty()) {
        engine.path = path->text;
      } else if (!path_unset) {
        SourcePos pos = scalars.count("mode") ? scalars["mode"].pos : NodePos(duckdb, 1);
        diagnostics_.Error("SF507", "engines.duckdb.path is required when mode is 'persistent'", pos);
      }
    } else if (scalars.count("path") && !scalars["path"].unset_env && !scalars["path"].is_null) {
      engine.path = scalars["path"].text;  // unused in memory mode
    }

    if (const ProfileScalar* limit = used("memory_limit")) {
      static const std::regex kMemoryLimit(R"([0-9]+(\.[0-9]+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB))",
                                           std::regex::icase);
      if (std::regex_match(limit->text, kMemoryLimit)) {
        engine.memory_limit = limit->text;
      } else {
        diagnostics_.Error(
            "SF508",
            "engines.duckdb.memory_limit must be a size: <number><B|KB|MB|GB|TB|KiB|MiB|GiB|TiB> "
            "(e.g. 4GB), got '" +
                limit->text + "'",
            limit->pos);
      }
    }
    if (const ProfileScalar* threads = used("threads")) {
      int value = 0;
      const std::string& text = threads->text;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error == std::errc() && end == text.data() + text.size() && value >= 1) {
        engine.threads = value;
      } else {
        diagnostics_.Error("SF508", "engines.duckdb.threads must be an integer >= 1", threads->pos);
      }
    }
    if (const ProfileScalar* temp = used("temp_directory")) engine.temp_directory = temp->text;
  }

  void ReadVariables(const YAML::Node& node, Profile& profile) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      diagnostics_.Error("SF508", "variables must be a mapping", NodePos(node));
      return;
    }
    for (const auto& entry : node) {
      const std::string key = entry.first.Scalar();
      if (!IsIdentifier(key)) {
        diagnostics_.Error("SF508",
                           "variable name '" + key + "' must be an identifier ([A-Za-z_][A-Za-z0-9_]*)",
                           NodePos(entry.first));
        continue;
      }
      if (!entry.second.IsNull() && !entry.second.IsScalar()) {
        diagnostics_.Error("SF508", "variables." + key + " must be a scalar (a string, number or boolean)",
                           NodePos(entry.second));
        continue;
      }
      ProfileScalar scalar = ReadScalar(entry.second);
      variables::ProfileVariable variable;
      variable.pos = entry.second.IsNull() ? NodePos(entry.first) : scalar.pos;
      variable.unset_env = scalar.unset_env;
      if (!scalar.is_null && !scalar.unset_env) variable.value = scalar.text;
      profile.variables[key] = std::move(variable);
    }
  }

  void ReadConnectors(const std::string& section, const YAML::Node& node, Profile& profile) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      diagnostics_.Error("SF508", section + " must be a mapping", NodePos(node));
      return;
    }
    for (const auto& entry : node) {
      ConnectorConfig connector;
      connector.name = entry.first.Scalar();
      connector.pos = NodePos(entry.first);
      if (!IsIdentifier(connector.name)) {
        diagnostics_.Error(
            "SF508", "connector name '" + connector.name + "' must be an identifier ([A-Za-z_][A-Za-z0-9_]*)",
            connector.pos);
        continue;
      }
      const YAML::Node& body = entry.second;
      if (body.IsNull()) {
        diagnostics_.Error("SF509", "connector '" + connector.name + "' must have a 'type'", connector.pos);
        continue;
      }
      if (!body.IsMap()) {
        auto& error = diagnostics_.Error("SF509", "connector '" + connector.name + "' must have a 'type'",
                                         NodePos(body));
        error.hints.push_back("write it as " + connector.name + ": {type: <type>, params: {...}}");
        continue;
      }
      bool has_type = false;
      for (const auto& field : body) {
        const std::string key = field.first.Scalar();
        if (key == "type") {
          if (field.second.IsNull() || !field.second.IsScalar() || field.second.Scalar().empty()) continue;
          ProfileScalar type = ReadScalar(field.second);
          has_type = true;
          connector.type = type.unset_env ? type.raw : type.text;
          connector.type_pos = type.pos;
        } else if (key == "params") {
          if (field.second.IsNull()) continue;
          if (!field.second.IsMap()) {
            diagnostics_.Error("SF508", section + "." + connector.name + ".params must be a mapping",
                               NodePos(field.second));
            continue;
          }
          connector.params = ParamsToJson(field.second, "", connector, true);
        } else {
          diagnostics_.Error("SF509",
                             "connector '" + connector.name +
                                 "': put connector parameters under 'params' (found '" + key + "')",
                             NodePos(field.first));
        }
      }
      if (!has_type) {
        diagnostics_.Error("SF509", "connector '" + connector.name + "' must have a 'type'", connector.pos);
        continue;
      }
      profile.connectors.push_back(std::move(connector));
    }
  }

  nlohmann::ordered_json ParamsToJson(const YAML::Node& node, const std::string& path,
                                      ConnectorConfig& connector, bool top) {
    if (node.IsMap()) {
      nlohmann::ordered_json object = nlohmann::ordered_json::object();
      for (const auto& entry : node) {
        const std::string key = entry.first.Scalar();
        std::string child_path = path.empty() ? key : path + "." + key;
        object[key] = ParamsToJson(entry.second, child_path, connector, false);
        if (top && (entry.second.IsScalar() || entry.second.IsNull())) {
          ProfileScalar scalar = ReadScalar(entry.second);
          if (entry.second.IsNull()) scalar.pos = NodePos(entry.first);
          connector.param_scalars[key] = scalar;
        }
      }
      return object;
    }
    if (node.IsSequence()) {
      nlohmann::ordered_json array = nlohmann::ordered_json::array();
      size_t index = 0;
      for (const auto& item : node) {
        array.push_back(ParamsToJson(item, path + "." + std::to_string(index), connector, false));
        ++index;
      }
      return array;
    }
    if (node.IsNull()) return nullptr;
    ProfileScalar scalar = ReadScalar(node);
    if (scalar.unset_env) {
      connector.unresolved_params.emplace_back(path, scalar);
      return scalar.raw;
    }
    if (scalar.quoted || scalar.text != scalar.raw || scalar.raw.find("${") != std::string::npos)
      return scalar.text;  // quoted or substituted: a string
    return PlainScalarToJson(scalar.text);
  }

  void ReadLogLevel(const YAML::Node& node, Profile& profile) {
    if (node.IsNull()) return;
    if (!node.IsScalar()) {
      diagnostics_.Error("SF508", "log_level must be one of debug, info, warning, error", NodePos(node));
      return;
    }
    ProfileScalar scalar = ReadScalar(node);
    if (scalar.unset_env) {
      auto& error = diagnostics_.Error(
          "SF513", "log_level: environment variable " + *scalar.unset_env + " is not set", scalar.pos);
      error.hints.push_back("set it, add it to .env, or give a default: ${" + *scalar.unset_env +
                            "|<default>}");
      return;
    }
    if (std::find(kLogLevels.begin(), kLogLevels.end(), scalar.text) == kLogLevels.end()) {
      auto& error = diagnostics_.Error(
          "SF508", "log_level must be one of debug, info, warning, error, got '" + scalar.text + "'",
          scalar.pos);
      if (auto suggestion = DidYouMean(scalar.text, kLogLevels))
        error.hints.push_back("did you mean '" + *suggestion + "'?");
      return;
    }
    profile.log_level = scalar.text;
  }

  const ProfileDocument& document_;
  std::string name_;
  std::vector<std::string> lines_;
  Diagnostics& diagnostics_;
  LoadOptions options_;
};

bool ValidProfileName(const std::string& name) {
  return !name.empty() && name.find_first_of("/\\") == std::string::npos && name != "." && name != "..";
}

// Finds, reads and parses profiles/<name>.yml|.yaml (SF503, SF504).
std::optional<ProfileDocument> ReadProfileDocument(const fs::path& root, const std::string& name,
                                                   Diagnostics& diagnostics, SourceCache& sources) {
  std::error_code error;
  fs::path yml = root / "profiles" / (name + ".yml");
  fs::path yaml = root / "profiles" / (name + ".yaml");
  bool has_yml = ValidProfileName(name) && fs::is_regular_file(yml, error);
  bool has_yaml = ValidProfileName(name) && fs::is_regular_file(yaml, error);
  if (!has_yml && !has_yaml) {
    std::vector<std::string> available = ListProfiles(root);
    auto& diagnostic = diagnostics.Error("SF503", "profile '" + name + "' not found");
    diagnostic.hints.push_back("available profiles: " +
                               (available.empty() ? "(none)" : Join(available, ", ")));
    if (auto suggestion = DidYouMean(name, available))
      diagnostic.hints.push_back("did you mean '" + *suggestion + "'?");
    return std::nullopt;
  }
  if (has_yml && has_yaml) {
    diagnostics
        .Error("SF504", "ambiguous profile '" + name + "': both profiles/" + name + ".yml and profiles/" +
                            name + ".yaml exist")
        .hints.push_back("remove or rename one of them");
    return std::nullopt;
  }
  ProfileDocument document;
  document.file = "profiles/" + name + (has_yml ? ".yml" : ".yaml");
  bool ok = false;
  document.text = ReadFileText(has_yml ? yml : yaml, &ok);
  if (!ok) {
    diagnostics.Error("SF504", "invalid YAML in " + document.file + ": cannot read the file");
    return std::nullopt;
  }
  if (document.text.size() > limits::kMaxProfileFileBytes) {
    diagnostics.Error("SF504", "invalid YAML in " + document.file + ": the file is larger than " +
                                   std::to_string(limits::kMaxProfileFileBytes >> 20) + " MiB");
    return std::nullopt;
  }
  if (StartsWith(document.text, "\xEF\xBB\xBF")) document.text.erase(0, 3);
  sources.Put(document.file, document.text);
  try {
    document.root = YAML::Load(document.text);
  } catch (const YAML::Exception& exception) {
    SourcePos pos;
    pos.file = document.file;
    if (exception.mark.line >= 0) {
      std::vector<std::string> lines = SplitLines(document.text);
      size_t line_index = static_cast<size_t>(exception.mark.line);
      size_t column_bytes = static_cast<size_t>(std::max(exception.mark.column, 0));
      // Errors found at the end of the input (an unclosed bracket) point at the last non-blank line.
      bool at_end = true;
      for (size_t index = line_index; index < lines.size() && at_end; ++index)
        at_end = Trim(index == line_index ? lines[index].substr(std::min(column_bytes, lines[index].size()))
                                          : lines[index])
                     .empty();
      if (at_end) {
        while (line_index > 0 && (line_index >= lines.size() || Trim(lines[line_index]).empty()))
          --line_index;
        if (line_index < lines.size())
          column_bytes = lines[line_index].empty() ? 0 : lines[line_index].size() - 1;
      }
      pos.line = static_cast<int>(line_index) + 1;
      pos.column = static_cast<int>(column_bytes) + 1;
      if (line_index < lines.size()) {
        const std::string& line = lines[line_index];
        size_t bytes = std::min(column_bytes, line.size());
        pos.column = CodePointColumn(std::string_view(line).substr(0, bytes)) + 1;
      }
    }
    diagnostics.Error("SF504", "invalid YAML in " + document.file + ": " + exception.msg, pos);
    return std::nullopt;
  }
  if (!WithinYamlBudget(document, diagnostics)) return std::nullopt;
  return document;
}

std::optional<Profile> LoadProfileWith(const fs::path& root, const std::string& name,
                                       Diagnostics& diagnostics, SourceCache& sources, LoadOptions options,
                                       ProfileDocument* document_out) {
  std::optional<ProfileDocument> document = ReadProfileDocument(root, name, diagnostics, sources);
  if (!document) return std::nullopt;
  std::optional<Profile> profile;
  try {
    ProfileReader reader(*document, name, diagnostics, options);
    profile = reader.Read();
  } catch (const YAML::Exception& exception) {
    diagnostics.Error("SF504", "invalid YAML in " + document->file + ": " + exception.msg);
    return std::nullopt;
  }
  if (profile && document_out) *document_out = std::move(*document);
  return profile;
}

// ---- show ----

class ProfileShower {
 public:
  ProfileShower(const ProfileDocument& document, const std::string& name, Diagnostics& diagnostics)
      : reader_(document, name, diagnostics, LoadOptions{false}) {}

  std::string Show() {
    YAML::Node doc = reader_.Unwrap();
    if (!doc) return "";
    YAML::Emitter out;
    std::vector<std::string> path;
    Emit(out, doc, path, false);
    std::string text = out.c_str();
    if (!text.empty() && text.back() != '\n') text += '\n';
    return text;
  }

 private:
  void Emit(YAML::Emitter& out, const YAML::Node& node, std::vector<std::string>& path, bool secret) {
    if ((node.IsMap() || node.IsSequence()) && node.size() == 0) {
      out << YAML::Flow << (node.IsMap() ? YAML::BeginMap : YAML::BeginSeq)
          << (node.IsMap() ? YAML::EndMap : YAML::EndSeq);
      return;
    }
    if (node.IsMap()) {
      out << YAML::BeginMap;
      for (const auto& entry : node) {
        const std::string key = entry.first.Scalar();
        out << YAML::Key << key << YAML::Value;
        bool child_secret = secret || IsSecretKey(path, key);
        path.push_back(key);
        Emit(out, entry.second, path, child_secret);
        path.pop_back();
      }
      out << YAML::EndMap;
      return;
    }
    if (node.IsSequence()) {
      out << YAML::BeginSeq;
      for (const auto& item : node) Emit(out, item, path, secret);
      out << YAML::EndSeq;
      return;
    }
    if (node.IsNull()) {
      out << YAML::Null;
      return;
    }
    ProfileScalar scalar = reader_.ReadScalar(node);
    if (scalar.unset_env) {
      out << scalar.raw << YAML::Comment("unset: " + *scalar.unset_env);
      return;
    }
    if (secret) {
      out << "***";
      return;
    }
    std::string text = MaskConnectionSecrets(scalar.text);
    if (scalar.quoted && LooksNonString(text)) {
      out << YAML::DoubleQuoted << text;
    } else {
      out << text;
    }
  }

  ProfileReader reader_;
};

void CollectSecretJson(const nlohmann::ordered_json& value, std::vector<std::string>& path, bool secret,
                       std::vector<std::string>& out) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) {
      bool child_secret = secret || IsSecretKey(path, key);
      path.push_back(key);
      CollectSecretJson(child, path, child_secret, out);
      path.pop_back();
    }
  } else if (value.is_array()) {
    for (const auto& item : value) CollectSecretJson(item, path, secret, out);
  } else if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (secret && !text.empty()) out.push_back(text);
    CollectUriPasswords(text, out);
  } else if (secret && !value.is_null()) {
    out.push_back(DumpJson(value));
  }
}

}  // namespace

bool CheckProject(const fs::path& root, Diagnostics& diagnostics) {
  std::error_code error;
  if (fs::is_directory(root / "profiles", error)) return true;
  std::string dir = root.empty() ? "." : root.string();
  diagnostics.Error("SF501", "No SQLFlow project found in " + dir + ": missing profiles/ directory")
      .hints.push_back("create one with: sqlflow init " + dir);
  return false;
}

std::vector<std::string> ListProfiles(const fs::path& root) {
  std::set<std::string> names;
  std::error_code error;
  fs::directory_iterator it(root / "profiles", error);
  if (error) return {};
  for (const auto& entry : it) {
    std::error_code entry_error;
    if (!entry.is_regular_file(entry_error)) continue;
    const fs::path& file = entry.path();
    std::string extension = file.extension().string();
    if (extension != ".yml" && extension != ".yaml") continue;
    std::string stem = file.stem().string();
    if (!stem.empty() && stem[0] != '.') names.insert(stem);
  }
  return {names.begin(), names.end()};
}

std::optional<Profile> LoadProfile(const fs::path& root, const std::string& name, Diagnostics& diagnostics,
                                   SourceCache& sources) {
  return LoadProfileWith(root, name, diagnostics, sources, LoadOptions{}, nullptr);
}

std::string ShowProfile(const fs::path& root, const std::string& name, Diagnostics& diagnostics,
                        SourceCache& sources) {
  ProfileDocument document;
  if (!LoadProfileWith(root, name, diagnostics, sources, LoadOptions{false}, &document)) return "";
  Diagnostics ignored;  // the load above already reported the warnings
  ProfileShower shower(document, name, ignored);
  return shower.Show();
}

std::vector<std::string> SecretValues(const Profile& profile) {
  std::vector<std::string> values;
  for (const auto& [name, variable] : profile.variables) {
    if (variable.value && !variable.value->empty()) {
      if (IsSecretName(name)) values.push_back(*variable.value);
      CollectUriPasswords(*variable.value, values);
    }
  }
  for (const auto& connector : profile.connectors) {
    std::vector<std::string> path = {"connectors", connector.name, "params"};
    CollectSecretJson(connector.params, path, false, values);
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

void WarnUnresolved(const Profile& profile, Diagnostics& diagnostics) {
  auto hint = [](const std::string& var) {
    return "set it, add it to .env, or give a default: ${" + var + "|<default>}";
  };
  for (const auto& [key, scalar] : profile.engine_scalars) {
    diagnostics
        .Warning("SF513",
                 "engines.duckdb." + key + ": environment variable " + *scalar.unset_env + " is not set",
                 scalar.pos)
        .hints.push_back(hint(*scalar.unset_env));
  }
  for (const auto& [name, variable] : profile.variables) {
    if (!variable.unset_env) continue;
    diagnostics
        .Warning("SF513",
                 "variables." + name + ": environment variable " + *variable.unset_env + " is not set",
                 variable.pos)
        .hints.push_back(hint(*variable.unset_env));
  }
  for (const auto& connector : profile.connectors) {
    for (const auto& [path, scalar] : connector.unresolved_params) {
      diagnostics
          .Warning("SF412",
                   "parameter '" + path + "' of connector '" + connector.name + "': environment variable " +
                       *scalar.unset_env + " is not set",
                   scalar.pos)
          .hints.push_back(hint(*scalar.unset_env));
    }
  }
}

}  // namespace sqlflow::project

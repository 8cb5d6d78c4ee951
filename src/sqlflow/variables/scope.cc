#include "sqlflow/variables/scope.h"

#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "sqlflow/common/json_dump.h"
#include "sqlflow/common/redact.h"
#include "sqlflow/common/text.h"

namespace sqlflow::variables {

VariableScope::VariableScope(Inputs inputs) : inputs_(std::move(inputs)) {
  for (const auto& reference : inputs_.all_references) {
    if (!reference.default_value) continue;
    BorrowedDefault& borrowed = borrowed_defaults_[reference.name];
    if (!borrowed.first) {
      borrowed.first = &reference;
    } else if (!borrowed.different && *reference.default_value != *borrowed.first->default_value) {
      borrowed.different = &reference;
    }
  }
}

void VariableScope::Set(const std::string& name, const std::string& value, const SourcePos& /*pos*/) {
  set_values_[name] = value;
}

namespace {

std::string SourceLabel(std::string_view source) {
  if (source == "cli") return "--vars";
  if (source == "profile") return "the profile";
  if (source == "env") return "the environment or .env";
  return std::string(source);
}

bool IsAfter(const SourcePos& a, const SourcePos& b) {
  return a.line > b.line || (a.line == b.line && a.column > b.column);
}

}  // namespace

void VariableScope::Record(const std::string& name, const std::string& value, const std::string& source) {
  auto it = used_index_.find(name);
  if (it != used_index_.end()) {
    used_[it->second].value = value;
    used_[it->second].source = source;
    return;
  }
  used_index_[name] = used_.size();
  used_.push_back(ResolvedVariable{name, value, source, IsSecretName(name)});
}

std::optional<std::string> VariableScope::Resolve(const VarRef& ref, const SourcePos& pos,
                                                  Diagnostics& diagnostics) {
  const std::string& name = ref.name;
  auto found = [&](const std::string& value, const char* source) -> std::optional<std::string> {
    // Every value ends up in SQL, plans and messages, which are UTF-8 (§2.1): reject it here, located.
    if (auto bad = FindInvalidUtf8(value)) {
      auto& d = diagnostics.Error("SF208",
                                  "the value of ${" + name + "} (from " + SourceLabel(source) +
                                      ") is not valid UTF-8 (at byte " + std::to_string(*bad + 1) + ")",
                                  pos);
      d.hints.push_back("write the value in UTF-8");
      return std::nullopt;
    }
    Record(name, value, source);
    return value;
  };

  // 1. --vars (the last entry wins, should the list not be merged).
  for (auto it = inputs_.cli.rbegin(); it != inputs_.cli.rend(); ++it)
    if (it->first == name) return found(it->second, "cli");

  // 2. profile variables; an unresolved one is an error that nothing below may hide (§10.3).
  if (auto it = inputs_.profile.find(name); it != inputs_.profile.end()) {
    const ProfileVariable& variable = it->second;
    if (variable.unset_env) {
      if (!unset_reported_[name]) {
        unset_reported_[name] = true;
        auto& diagnostic = diagnostics.Error(
            "SF513", "variables." + name + ": environment variable " + *variable.unset_env + " is not set",
            variable.pos);
        diagnostic.hints.push_back("set it, add it to .env, or give a default: ${" + *variable.unset_env +
                                   "|<default>}");
      }
      return std::nullopt;
    }
    if (variable.value) return found(*variable.value, "profile");
  }

  // 3. SET statements before this reference.
  if (auto it = set_values_.find(name); it != set_values_.end()) return found(it->second, "set");

  // 4. process environment.
  if (inputs_.getenv) {
    if (auto value = inputs_.getenv(name)) return found(*value, "env");
  }

  // 5. built-ins.
  if (auto it = inputs_.builtins.find(name); it != inputs_.builtins.end())
    return found(it->second, "builtin");

  // 6. the reference's own default.
  if (ref.default_value) return found(*ref.default_value, "default");

  // 7. a default borrowed from the first reference of the same name that has one (§4.4 rule 2).
  const BorrowedDefault borrowed =
      borrowed_defaults_.count(name) ? borrowed_defaults_.at(name) : BorrowedDefault{};
  const PipelineReference* first = borrowed.first;
  const PipelineReference* different = borrowed.different;
  if (first) {
    if (different && !borrow_warned_[name]) {
      borrow_warned_[name] = true;
      diagnostics.Warning("W201",
                          "variable '" + name + "' has different defaults: '" + *first->default_value +
                              "' (line " + std::to_string(first->pos.line) + ") and '" +
                              *different->default_value + "' (line " + std::to_string(different->pos.line) +
                              ")",
                          pos);
    }
    return found(*first->default_value, "default");
  }

  // 8. undefined.
  auto& diagnostic = diagnostics.Error("SF201", "undefined variable ${" + name + "}", pos);
  diagnostic.hints.push_back(
      "define it with SET " + name + " = …;, in the profile's variables:, with --vars " + name +
      "=…, as an environment variable " + name + " (or in .env), or give a default ${" + name + "|value}");
  for (const auto& [set_name, set_pos] : inputs_.all_sets) {
    if (set_name == name && set_pos.file == pos.file && IsAfter(set_pos, pos)) {
      diagnostic.notes.push_back("it is set later, at line " + std::to_string(set_pos.line));
      break;
    }
  }
  return std::nullopt;
}

std::vector<std::string> VariableScope::SecretValues() const {
  std::vector<std::string> values;
  for (const auto& variable : used_)
    if (variable.secret) values.push_back(variable.value);
  return values;
}

namespace {

constexpr const char* kVarsNameHint =
    "variable names use letters, digits and '_', and do not start with a digit";

// Reads one flat JSON object of scalars; nested arrays and objects are rejected with SF205.
class CliVarsReader : public nlohmann::json_sax<nlohmann::json> {
 public:
  CliVarsReader(std::vector<std::pair<std::string, std::optional<std::string>>>& values,
                Diagnostics& diagnostics)
      : values_(values), diagnostics_(diagnostics) {}

  bool null() override { return Value(std::nullopt); }
  bool boolean(bool value) override { return Value(value ? "true" : "false"); }
  bool number_integer(number_integer_t value) override { return Value(std::to_string(value)); }
  bool number_unsigned(number_unsigned_t value) override { return Value(std::to_string(value)); }
  bool number_float(number_float_t value, const string_t& raw) override {
    // An integer literal too large for 64 bits keeps its digits; other numbers take the shortest
    // round-trip form (1.50 -> 1.5).
    if (raw.find_first_of(".eE") == std::string::npos) return Value(raw);
    return Value(DumpJson(nlohmann::json(value)));
  }
  bool string(string_t& value) override { return Value(value); }
  bool binary(binary_t& /*value*/) override { return Value(std::nullopt); }
  bool start_object(std::size_t /*elements*/) override {
    if (depth_++ == 0) return true;
    return Nested();
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t /*elements*/) override {
    if (depth_ == 0) {
      diagnostics_.Error("SF205", "invalid --vars: expected a JSON object");
      return false;
    }
    return Nested();
  }
  bool end_array() override { return true; }
  bool key(string_t& value) override {
    key_ = value;
    return true;
  }
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& error) override {
    std::string message = error.what();
    if (size_t close = message.find("] ");
        message.rfind("[json.exception", 0) == 0 && close != std::string::npos)
      message = message.substr(close + 2);
    diagnostics_.Error("SF205", "invalid --vars: invalid JSON: " + message);
    return false;
  }

 private:
  bool Value(std::optional<std::string> value) {
    if (depth_ == 0) {
      diagnostics_.Error("SF205", "invalid --vars: expected a JSON object");
      return false;
    }
    values_.emplace_back(key_, std::move(value));
    return true;
  }
  bool Nested() {
    diagnostics_.Error("SF205",
                       "invalid --vars: value of '" + key_ + "' must be a string, number or boolean");
    return false;
  }

  std::vector<std::pair<std::string, std::optional<std::string>>>& values_;
  Diagnostics& diagnostics_;
  int depth_ = 0;
  std::string key_;
};

}  // namespace

std::optional<std::vector<std::pair<std::string, std::string>>> ParseCliVars(
    const std::vector<std::string>& args, Diagnostics& diagnostics) {
  std::vector<std::pair<std::string, std::string>> merged;
  bool ok = true;
  auto put = [&](const std::string& key, const std::string& value) {
    for (auto& entry : merged) {
      if (entry.first == key) {
        entry.second = value;
        return;
      }
    }
    merged.emplace_back(key, value);
  };

  for (const auto& arg : args) {
    std::string text = Trim(arg);
    if (text.empty()) continue;
    if (text[0] == '{') {
      std::vector<std::pair<std::string, std::optional<std::string>>> values;
      CliVarsReader reader(values, diagnostics);
      if (!nlohmann::json::sax_parse(text, &reader)) {
        ok = false;
        continue;
      }
      for (const auto& [key, value] : values)
        if (value) put(key, *value);  // null: not given
      continue;
    }
    for (const auto& part : Split(text, ',')) {
      std::string pair = Trim(part);
      size_t equals = pair.find('=');
      if (equals == std::string::npos) {
        diagnostics.Error("SF205", "invalid --vars: expected name=value, found '" + pair + "'")
            .hints.push_back("use the JSON form for values that contain ',': --vars '{\"k\": \"a,b\"}'");
        ok = false;
        continue;
      }
      std::string key = Trim(std::string_view(pair).substr(0, equals));
      if (!IsIdentifier(key)) {
        diagnostics.Error("SF205", "invalid --vars: '" + key + "' is not a valid variable name")
            .hints.push_back(kVarsNameHint);
        ok = false;
        continue;
      }
      put(key, Trim(std::string_view(pair).substr(equals + 1)));
    }
  }
  if (!ok) return std::nullopt;
  return merged;
}

std::map<std::string, std::string> MakeBuiltins(const std::string& pipeline_name,
                                                const std::string& profile_name, int64_t now_utc_seconds,
                                                const std::string& random_hex6) {
  std::time_t seconds = static_cast<std::time_t>(now_utc_seconds);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char date[64], compact[64], iso[128];
  std::snprintf(date, sizeof(date), "%04d-%02d-%02d", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday);
  std::snprintf(compact, sizeof(compact), "%04d%02d%02dT%02d%02d%02dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec);
  std::snprintf(iso, sizeof(iso), "%sT%02d:%02d:%02dZ", date, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return {
      {"run_id", std::string(compact) + "-" + random_hex6},
      {"run_date", date},
      {"run_ts", iso},
      {"pipeline_name", pipeline_name},
      {"profile_name", profile_name},
  };
}

}  // namespace sqlflow::variables

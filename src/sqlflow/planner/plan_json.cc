#include <nlohmann/json.hpp>

#include "sqlflow/planner/plan.h"

namespace sqlflow::planner {

namespace {

using Json = nlohmann::ordered_json;

Json OptionalString(const std::optional<std::string>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json StringArray(const std::vector<std::string>& values) {
  Json array = Json::array();
  for (const auto& v : values) array.push_back(v);
  return array;
}

Json StepParams(const Step& step) {
  Json params = Json::object();
  if (const auto* s = std::get_if<SourceDetail>(&step.detail)) {
    params["connector_type"] = s->connector_type;
    params["connector"] = OptionalString(s->connector);
    params["params"] = s->params_as_given;
    params["sync_mode"] = s->sync_mode;
    params["cursor_field"] = OptionalString(s->cursor_field);
    params["primary_key"] = StringArray(s->primary_key);
  } else if (const auto* l = std::get_if<LoadDetail>(&step.detail)) {
    params["source"] = l->source;
    params["mode"] = std::string(WriteModeName(l->mode));
    params["key"] = StringArray(l->key);
  } else if (const auto* t = std::get_if<TransformDetail>(&step.detail)) {
    params["mode"] = std::string(WriteModeName(t->mode));
    params["or_replace"] = t->or_replace;
    params["key"] = StringArray(t->key);
    params["incremental_by"] = OptionalString(t->incremental_by);
    params["lookback"] = OptionalString(t->lookback);
    params["sql"] = t->sql;
  } else if (const auto* e = std::get_if<ExportDetail>(&step.detail)) {
    params["format"] = e->format;
    params["destination"] = OptionalString(e->destination);
    params["connector"] = OptionalString(e->connector);
    params["sql"] = e->sql;
    params["options"] = e->options_as_given;
  } else if (const auto* q = std::get_if<SqlDetail>(&step.detail)) {
    params["sql"] = q->sql;
  }
  return params;
}

}  // namespace

nlohmann::ordered_json PlanToJson(const Plan& plan) {
  Json root = Json::object();
  root["version"] = 1;
  root["tool_version"] = SQLFLOW_VERSION;
  root["pipeline"] = plan.pipeline;
  root["file"] = plan.file;
  root["profile"] = plan.profile;
  root["engine"] = Json{{"mode", plan.engine.mode},
                        {"path", plan.engine.mode == "persistent" ? Json(plan.engine.path) : Json(nullptr)}};
  Json vars = Json::object();
  for (const auto& v : plan.variables)
    vars[v.name] = Json{{"value", v.secret ? std::string("***") : v.value}, {"source", v.source}};
  root["variables"] = vars;
  Json conditions = Json::array();
  for (const auto& c : plan.conditions)
    conditions.push_back(Json{{"file", c.file}, {"line", c.line}, {"text", c.text}, {"result", c.result}});
  root["conditions"] = conditions;
  Json steps = Json::array();
  for (const auto& step : plan.steps) {
    Json s = Json::object();
    s["id"] = step.id;
    s["kind"] = step.kind;
    s["file"] = step.pos.file;
    s["line"] = step.pos.line;
    s["target"] = OptionalString(step.target);
    s["depends_on"] = StringArray(step.depends_on);
    s["params"] = StepParams(step);
    steps.push_back(s);
  }
  root["steps"] = steps;
  Json warnings = Json::array();
  for (const auto& w : plan.warnings)
    warnings.push_back(Json{{"code", w.code},
                            {"file", w.pos.valid() ? Json(w.pos.file) : Json(nullptr)},
                            {"line", w.pos.valid() ? Json(w.pos.line) : Json(nullptr)},
                            {"column", w.pos.valid() ? Json(w.pos.column) : Json(nullptr)},
                            {"message", w.message}});
  root["warnings"] = warnings;
  return root;
}

}  // namespace sqlflow::planner

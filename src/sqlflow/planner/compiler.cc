#include "sqlflow/planner/compiler.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>

#include "sqlflow/common/redact.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/registry/registry.h"
#include "sqlflow/parser/parser.h"
#include "sqlflow/planner/cross_statement.h"
#include "sqlflow/planner/sql_analysis.h"
#include "sqlflow/planner/udf_rules.h"
#include "sqlflow/variables/condition.h"
#include "sqlflow/variables/statement_guard.h"
#include "sqlflow/variables/substitute.h"

namespace fs = std::filesystem;

namespace sqlflow::planner {

// ------------------------------------------------------------------ pipelines on disk

std::vector<std::string> ListPipelines(const fs::path& root, bool include_hidden) {
  std::vector<std::string> names;
  fs::path dir = root / "pipelines";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return names;
  for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (ec) break;
    std::string base = it->path().filename().string();
    if (!include_hidden && (StartsWith(base, "_") || StartsWith(base, "."))) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == ".sf") {
      fs::path rel = fs::relative(it->path(), dir);
      std::string name = rel.generic_string();
      names.push_back(name.substr(0, name.size() - 3));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool IsPipelineName(const fs::path& root, const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find('\\') != std::string::npos ||
      name.find('\0') != std::string::npos)
    return false;
  for (const auto& part : Split(name, '/'))
    if (part.empty() || part == "." || part == "..") return false;
  // A symbolic link may still lead out of pipelines/: the file must resolve inside it.
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(root / "pipelines", ec);
  fs::path file = fs::weakly_canonical(root / "pipelines" / (name + ".sf"), ec);
  if (ec) return false;
  auto rel = file.lexically_relative(dir).generic_string();
  return !rel.empty() && !StartsWith(rel, "..");
}

std::optional<std::string> ResolvePipelineName(const fs::path& root, const std::string& argument,
                                               Diagnostics& diagnostics) {
  std::string name = argument;
  if (EndsWith(name, ".sf")) name = name.substr(0, name.size() - 3);
  if (StartsWith(name, "pipelines/")) name = name.substr(10);
  std::error_code ec;
  bool is_name = IsPipelineName(root, name);  // §6.5: a name, never a path out of pipelines/
  if (is_name && fs::is_regular_file(root / "pipelines" / (name + ".sf"), ec)) return name;
  auto available = ListPipelines(root);
  auto& d = is_name ? diagnostics.Error("SF502", "pipeline '" + argument + "' not found in pipelines/")
                    : diagnostics.Error("SF502", "invalid pipeline name '" + argument +
                                                     "': a pipeline is named by its path under pipelines/ "
                                                     "without '.sf', '..', '.' or a leading '/'");
  if (auto suggestion = DidYouMean(name, available)) d.hints.push_back("did you mean '" + *suggestion + "'?");
  d.hints.push_back("available pipelines: " +
                    (available.empty() ? std::string("(none)") : Join(available, ", ")));
  return std::nullopt;
}

Diagnostic& ReportUnknownConnectorType(Diagnostics& diagnostics, const std::string& type, SourcePos pos) {
  auto& d = diagnostics.Error("SF401", "unknown connector type '" + type + "'", std::move(pos));
  auto names = connectors::BuiltinRegistries().sources.CanonicalNames();
  if (auto s = DidYouMean(type, names)) d.hints.push_back("did you mean '" + *s + "'?");
  d.hints.push_back("known types: " + Join(names, ", "));
  return d;
}

Diagnostic& ReportUnknownProfileConnector(Diagnostics& diagnostics, const std::string& name,
                                          const project::Profile* profile, SourcePos pos) {
  std::string profile_name = profile ? profile->name : "";
  auto& d = diagnostics.Error("SF407", "unknown connector '" + name + "' in profile '" + profile_name + "'",
                              std::move(pos));
  std::vector<std::string> names;
  if (profile)
    for (const auto& c : profile->connectors) names.push_back(c.name);
  if (auto s = DidYouMean(name, names)) d.hints.push_back("did you mean '" + *s + "'?");
  d.hints.push_back("available connectors: " + (names.empty() ? std::string("(none)") : Join(names, ", ")));
  return d;
}

// ------------------------------------------------------------------ compilation

namespace {

TableName ToTableName(const parser::QualifiedName& qname) {
  TableName table;
  if (qname.schema) table.schema = qname.schema->text;
  table.name = qname.name.text;
  return table;
}

std::string Slug(const std::string& text) {
  std::string out;
  bool pending = false;
  for (char c : ToLower(text)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (ok) {
      if (pending && !out.empty()) out += '_';
      pending = false;
      out += c;
    } else {
      pending = true;
    }
  }
  while (!out.empty() && out.front() == '_') out.erase(out.begin());
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

std::string ExportSlug(const std::string& destination) {
  std::string path = destination;
  while (!path.empty() && path.back() == '/') path.pop_back();
  size_t slash = path.find_last_of('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string lower = ToLower(base);
  for (const char* ext : {".gz", ".zst"})
    if (EndsWith(lower, ext)) {
      base = base.substr(0, base.size() - std::string(ext).size());
      lower = ToLower(base);
    }
  for (const char* ext : {".csv", ".tsv", ".parquet", ".pq", ".json", ".ndjson", ".jsonl"})
    if (EndsWith(lower, ext)) {
      base = base.substr(0, base.size() - std::string(ext).size());
      break;
    }
  return base;
}

// File format and extension helpers for EXPORT type inference (§9.8.1).
std::optional<std::string> FormatFromType(const std::string& type) {
  std::string t = ToLower(type);
  if (t == "csv" || t == "tsv") return "csv";
  if (t == "parquet" || t == "pq") return "parquet";
  if (t == "json") return "json";
  if (t == "ndjson" || t == "jsonl") return "ndjson";
  return std::nullopt;
}

std::optional<std::string> FormatFromPath(const std::string& path) {
  std::string lower = ToLower(path);
  for (const char* ext : {".gz", ".zst"})
    if (EndsWith(lower, ext)) lower = lower.substr(0, lower.size() - std::string(ext).size());
  if (EndsWith(lower, ".csv") || EndsWith(lower, ".tsv")) return "csv";
  if (EndsWith(lower, ".parquet") || EndsWith(lower, ".pq")) return "parquet";
  if (EndsWith(lower, ".json")) return "json";
  if (EndsWith(lower, ".ndjson") || EndsWith(lower, ".jsonl")) return "ndjson";
  return std::nullopt;
}

bool IsTsvPath(const std::string& path) {
  std::string lower = ToLower(path);
  return EndsWith(lower, ".tsv") || EndsWith(lower, ".tsv.gz") || EndsWith(lower, ".tsv.zst");
}

// A query with its time macros replaced by literals of the right type, so that it parses; the text length
// changes, so a parse error position is only used when there were no macros.
std::string WithMacroLiterals(const std::string& query) {
  return ReplaceTimeMacros(query, "DATE '2000-01-01'", "DATE '2000-01-01'", "TIMESTAMP '2000-01-01'",
                           "TIMESTAMP '2000-01-01'");
}

// The text the analyzer parses for a query: CheckQuery and the prefetch must ask for the same text.
std::string TextToAnalyze(const std::string& query) {
  return FindTimeMacros(query).empty() ? query : WithMacroLiterals(query);
}

// The text CheckQuery analyses for a CREATE or EXPORT query, or nullopt for other statements.
std::optional<std::string> CheckedQueryText(const parser::Statement& statement) {
  if (const auto* c = std::get_if<parser::CreateStmt>(&statement)) return TextToAnalyze(c->query);
  if (const auto* e = std::get_if<parser::ExportStmt>(&statement)) return TextToAnalyze(e->query);
  return std::nullopt;
}

// Offset of a statement's query in its substituted text (the positions UDF diagnostics point at).
size_t QueryOffset(const parser::Statement& statement) {
  if (const auto* c = std::get_if<parser::CreateStmt>(&statement)) return c->query_offset;
  if (const auto* e = std::get_if<parser::ExportStmt>(&statement)) return e->query_offset;
  return 0;
}

struct ActiveStatement {
  parser::Statement statement;
  variables::SubstitutedText text;
  SourcePos pos;  // first token
};

class Compiler {
 public:
  Compiler(const CompileRequest& request, Diagnostics& diagnostics, SourceCache& sources)
      : request_(request), diagnostics_(diagnostics), sources_(sources) {}

  std::optional<Plan> Run();

 private:
  void CollectPipelineFacts(const std::vector<parser::Item>& items);
  void AddVariableNotes(const variables::SubstitutedText& text, size_t first_new);
  void Walk(const std::vector<parser::Item>& items);
  void HandleStatement(const parser::RawStatement& raw);
  void BuildStep(ActiveStatement& active);
  void BuildSource(ActiveStatement& active, const parser::SourceStmt& source);
  void WarnMissingLocalFiles(const ActiveStatement& active, const parser::SourceStmt& source,
                             const connectors::ConnectorTypeInfo& info, const SourceDetail& detail);
  void BuildLoad(ActiveStatement& active, const parser::LoadStmt& load);
  void BuildTransform(ActiveStatement& active, const parser::CreateStmt& create);
  void BuildExport(ActiveStatement& active, const parser::ExportStmt& exp);
  struct ExportResolution;
  void ResolveConnectorExport(const ActiveStatement& active, const parser::ExportStmt& exp,
                              const SourcePos& dest_pos, ExportDetail& detail, ExportResolution& out);
  void ResolveFileExport(const ActiveStatement& active, const parser::ExportStmt& exp,
                         const SourcePos& dest_pos, ExportDetail& detail, ExportResolution& out);
  void ValidateExportOptions(const ActiveStatement& active, const parser::ExportStmt& exp,
                             const SourcePos& dest_pos, const ExportResolution& resolution,
                             ExportDetail& detail);
  bool MergeS3ProfileConnector(nlohmann::ordered_json& merged, const std::string& destination,
                               const SourcePos& dest_pos);
  void BuildSql(ActiveStatement& active, const parser::SqlStmt& sql);
  TableUse CheckQuery(const ActiveStatement& active, const std::string& query, size_t offset,
                      bool macros_allowed);
  void ReportParamIssues(const std::vector<connectors::ParamIssue>& issues, const ActiveStatement& active,
                         const std::optional<parser::JsonObject>& object,
                         const project::ConnectorConfig* connector, SourcePos fallback);
  void CrossStatementAnalysis();
  void WarnUnusedCliVariables();
  StepSyntax SyntaxOf(const ActiveStatement& active) const;
  std::string UniqueId(const std::string& kind, const std::string& slug);
  Step& AddStep(const ActiveStatement& active, std::string kind, std::optional<std::string> target,
                const std::string& slug);

  const CompileRequest& request_;
  Diagnostics& diagnostics_;
  SourceCache& sources_;
  SqlAnalyzer analyzer_;
  std::unique_ptr<variables::VariableScope> scope_;
  std::vector<variables::PipelineReference> all_references_;
  std::vector<std::pair<std::string, SourcePos>> all_sets_;
  std::map<std::string, SourcePos> all_creates_;  // CREATE / LOAD targets of every branch, first position
  std::vector<ActiveStatement> active_;
  std::vector<const ActiveStatement*> step_statements_;
  bool condition_failed_ = false;
  bool statement_failed_ = false;
  Plan plan_;
  std::set<std::string> used_ids_;
  std::vector<std::string> secret_values_;
  std::map<size_t, std::vector<std::string>> sql_creates_;  // step index -> tables a SQL step creates
};

std::optional<Plan> Compiler::Run() {
  std::string rel = "pipelines/" + request_.pipeline + ".sf";
  int errors_before_parse = diagnostics_.ErrorCount();
  parser::ParseOptions parse_options;
  parse_options.allow_include_outside_project =
      request_.profile && request_.profile->allow_include_outside_project;
  auto tree = parser::ParsePipelineFile(request_.project_root, rel, diagnostics_, sources_, parse_options);
  if (!tree) return std::nullopt;
  bool structural_errors = diagnostics_.ErrorCount() != errors_before_parse;

  CollectPipelineFacts(tree->items);
  WarnUnusedCliVariables();
  variables::VariableScope::Inputs inputs;
  inputs.cli = request_.cli_vars;
  if (request_.profile) inputs.profile = request_.profile->variables;
  inputs.builtins = request_.builtins;
  inputs.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string(value);
  };
  inputs.all_references = all_references_;
  inputs.all_sets = all_sets_;
  scope_ = std::make_unique<variables::VariableScope>(std::move(inputs));

  plan_.pipeline = request_.pipeline;
  plan_.file = rel;
  plan_.builtins = request_.builtins;
  if (request_.profile) {
    plan_.profile = request_.profile->name;
    plan_.engine = request_.profile->engine;
  }

  // Structural errors in the file (regions, blocks) make the statement walk unreliable, but every
  // statement that was delimited is still checked so that all errors are reported in one run.
  Walk(tree->items);
  std::vector<std::string> queries;
  for (const auto& active : active_)
    if (auto query = CheckedQueryText(active.statement)) queries.push_back(std::move(*query));
  analyzer_.Prefetch(queries);
  for (auto& active : active_) {
    size_t first_new = diagnostics_.All().size();
    BuildStep(active);
    AddVariableNotes(active.text, first_new);
  }
  ApplyUdfRules(
      request_.project_root, plan_.steps,
      [this](size_t i, size_t at, size_t length) {
        return step_statements_[i]->text.Pos(QueryOffset(step_statements_[i]->statement) + at, length);
      },
      diagnostics_);
  // Cross-statement analysis needs the complete active path: it is skipped when a condition could not be
  // evaluated (§5.3) or a statement could not be delimited or parsed (it would only report follow-on errors).
  if (!condition_failed_ && !structural_errors && !statement_failed_) CrossStatementAnalysis();
  plan_.variables = scope_->Used();
  for (const auto& d : diagnostics_.All())
    if (d.severity == Severity::kWarning) plan_.warnings.push_back(d);
  if (diagnostics_.HasErrors()) return std::nullopt;
  return std::move(plan_);
}

// §7.1: when the offending text came from a variable, the caret already points at the ${...}; add the
// note `${name} = '<value>'` (masked for secret names).
void Compiler::AddVariableNotes(const variables::SubstitutedText& text, size_t first_new) {
  auto& items = diagnostics_.Mutable();
  for (size_t i = first_new; i < items.size(); ++i) {
    Diagnostic& d = items[i];
    if (!d.pos.valid() || !text.file || d.pos.file != text.file->path()) continue;
    for (const auto& segment : text.segments) {
      if (!segment.from_variable) continue;
      SourcePos at = text.file->Pos(segment.src_begin);
      if (at.line != d.pos.line || at.column != d.pos.column) continue;
      std::string value = text.text.substr(segment.out_begin, segment.out_end - segment.out_begin);
      d.notes.push_back("${" + segment.var_name + "} = '" + (IsSecretName(segment.var_name) ? "***" : value) +
                        "'");
      break;
    }
  }
}

void Compiler::CollectPipelineFacts(const std::vector<parser::Item>& items) {
  for (const auto& item : items) {
    if (const auto* raw = std::get_if<parser::RawStatement>(&item.node)) {
      for (const auto& ref : variables::FindReferences(raw->file->text(), raw->begin, raw->end))
        all_references_.push_back(
            {ref.name, ref.default_value, raw->file->Pos(ref.begin, ref.end - ref.begin)});
      std::string_view text = raw->text();
      if (std::string created = CreatedTableKey(text); !created.empty())
        all_creates_.emplace(created, raw->file->Pos(raw->begin));
      if (parser::FirstWord(text) == "SET") {
        std::vector<std::string> words;
        std::string rest = Trim(text.substr(3));
        size_t end = 0;
        while (end < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[end])) || rest[end] == '_'))
          ++end;
        std::string name = rest.substr(0, end);
        std::string upper = ToUpper(name);
        if (!name.empty() && upper != "GLOBAL" && upper != "SESSION" && upper != "LOCAL" &&
            upper != "VARIABLE")
          all_sets_.push_back({name, raw->file->Pos(raw->begin)});
      }
    } else {
      const auto& block = std::get<parser::IfBlock>(item.node);
      for (const auto& branch : block.branches) {
        if (branch.condition) {
          const auto& c = *branch.condition;
          for (const auto& ref : variables::FindReferences(c.file->text(), c.begin, c.end))
            all_references_.push_back(
                {ref.name, ref.default_value, c.file->Pos(ref.begin, ref.end - ref.begin)});
        }
        CollectPipelineFacts(branch.items);
      }
    }
  }
}

void Compiler::Walk(const std::vector<parser::Item>& items) {
  for (const auto& item : items) {
    if (const auto* raw = std::get_if<parser::RawStatement>(&item.node)) {
      HandleStatement(*raw);
      continue;
    }
    const auto& block = std::get<parser::IfBlock>(item.node);
    for (const auto& branch : block.branches) {
      if (!branch.condition) {
        Walk(branch.items);
        break;
      }
      const auto& c = *branch.condition;
      SourceFilePtr file = c.file;
      variables::Resolver resolver = [&, file](const variables::VarRef& ref, size_t offset) {
        return scope_->Resolve(ref, file->Pos(offset, ref.end - ref.begin), diagnostics_);
      };
      auto result = variables::EvaluateCondition(c.file, c.begin, c.end, resolver, diagnostics_);
      if (!result) {
        condition_failed_ = true;
        break;
      }
      plan_.conditions.push_back({c.file->path(), c.file->Line(c.begin), std::string(c.text()), *result});
      if (*result) {
        Walk(branch.items);
        break;
      }
    }
  }
}

void Compiler::HandleStatement(const parser::RawStatement& raw) {
  int errors_before = diagnostics_.ErrorCount();
  SourceFilePtr file = raw.file;
  variables::Resolver resolver = [&, file](const variables::VarRef& ref, size_t offset) {
    return scope_->Resolve(ref, file->Pos(offset, ref.end - ref.begin), diagnostics_);
  };
  variables::SubstitutedText text = variables::Substitute(raw.file, raw.begin, raw.end, resolver);
  if (diagnostics_.ErrorCount() != errors_before) {  // undefined variables: parsing would only add noise
    statement_failed_ = true;
    return;
  }
  size_t first_new = diagnostics_.All().size();
  if (!variables::CheckStatementKept(text, raw.begin, raw.end, diagnostics_)) {  // §6.5: no value adds SQL
    AddVariableNotes(text, first_new);
    statement_failed_ = true;
    return;
  }
  auto statement = parser::ParseStatement(text, diagnostics_);
  AddVariableNotes(text, first_new);
  if (!statement) {
    statement_failed_ = true;
    return;
  }
  if (const auto* set = std::get_if<parser::SetStmt>(&*statement)) {
    scope_->Set(set->name.text, set->value, text.Pos(set->name.offset, set->name.length));
    return;
  }
  SourcePos pos = raw.file->Pos(raw.begin, parser::FirstWord(raw.text()).size());
  active_.push_back({std::move(*statement), std::move(text), pos});
}

std::string Compiler::UniqueId(const std::string& kind, const std::string& slug) {
  std::string base = kind + "_" + (slug.empty() ? "stmt" : slug);
  std::string id = base;
  for (int n = 2; used_ids_.count(id); ++n) id = base + "_" + std::to_string(n);
  used_ids_.insert(id);
  return id;
}

Step& Compiler::AddStep(const ActiveStatement& active, std::string kind, std::optional<std::string> target,
                        const std::string& slug) {
  Step step;
  std::string id_kind = kind;
  step.id = UniqueId(id_kind, Slug(slug));
  step.kind = std::move(kind);
  step.pos = active.pos;
  step.target = std::move(target);
  plan_.steps.push_back(std::move(step));
  step_statements_.push_back(&active);
  return plan_.steps.back();
}

void Compiler::BuildStep(ActiveStatement& active) {
  std::visit(
      [&](auto& stmt) {
        using T = std::decay_t<decltype(stmt)>;
        if constexpr (std::is_same_v<T, parser::SourceStmt>)
          BuildSource(active, stmt);
        else if constexpr (std::is_same_v<T, parser::LoadStmt>)
          BuildLoad(active, stmt);
        else if constexpr (std::is_same_v<T, parser::CreateStmt>)
          BuildTransform(active, stmt);
        else if constexpr (std::is_same_v<T, parser::ExportStmt>)
          BuildExport(active, stmt);
        else if constexpr (std::is_same_v<T, parser::SqlStmt>)
          BuildSql(active, stmt);
      },
      active.statement);
}

void Compiler::ReportParamIssues(const std::vector<connectors::ParamIssue>& issues,
                                 const ActiveStatement& active,
                                 const std::optional<parser::JsonObject>& object,
                                 const project::ConnectorConfig* connector, SourcePos fallback) {
  for (const auto& issue : issues) {
    SourcePos pos = fallback;
    bool in_object = false;
    if (object && !issue.key.empty()) {
      for (const auto& [key, offset] : object->key_offsets) {
        if (key == issue.key) {
          pos = active.text.Pos(offset, key.size() + 2);
          in_object = true;
          break;
        }
      }
    }
    if (!in_object && connector && !issue.key.empty()) {
      auto it = connector->param_scalars.find(issue.key);
      pos = it != connector->param_scalars.end() ? it->second.pos : connector->pos;
    }
    Diagnostic d;
    d.severity = issue.severity;
    d.code = issue.code;
    d.message = issue.message;
    d.pos = pos;
    d.hints = issue.hints;
    diagnostics_.Add(std::move(d));
  }
}

// W404: a local file SOURCE whose path matches nothing now, in the connector's own words (its registry hook
// resolves the path as the run will). Only a warning at compile time: the files may be written before the
// run; the LOAD fails with SF610 at this SOURCE if they are still missing then.
void Compiler::WarnMissingLocalFiles(const ActiveStatement& active, const parser::SourceStmt& source,
                                     const connectors::ConnectorTypeInfo& info, const SourceDetail& detail) {
  if (!info.missing_files) return;
  const std::optional<std::string> missing = info.missing_files(detail.resolved);
  if (!missing) return;
  const bool written = source.params && source.params->value.contains("path");
  const SourcePos pos = written ? active.text.Pos(source.params->KeyOffset("path"), 6) : active.pos;
  diagnostics_.Warning("W404", *missing + "; it may still be created before the run", pos)
      .hints.push_back(
          "check the path; the LOAD fails unless the files exist by then or \"allow_no_files\" is true");
}

void Compiler::BuildSource(ActiveStatement& active, const parser::SourceStmt& source) {
  const auto& registries = connectors::BuiltinRegistries();
  SourceDetail detail;
  detail.name = source.name.text;
  const connectors::ConnectorTypeInfo* info = nullptr;
  const project::ConnectorConfig* connector = nullptr;
  nlohmann::ordered_json merged = nlohmann::ordered_json::object();

  if (source.type) {
    info = registries.sources.Find(source.type->text);
    if (!info)
      ReportUnknownConnectorType(diagnostics_, source.type->text,
                                 active.text.Pos(source.type->offset, source.type->length));
    if (source.params) merged = source.params->value;
  } else if (source.connector) {
    SourcePos conn_pos = active.text.Pos(source.connector->offset, source.connector->length);
    if (request_.profile) connector = request_.profile->FindConnector(source.connector->text);
    if (!connector) {
      ReportUnknownProfileConnector(diagnostics_, source.connector->text, request_.profile, conn_pos);
    } else {
      detail.connector = connector->name;
      info = registries.sources.Find(connector->type);
      if (!info) ReportUnknownConnectorType(diagnostics_, connector->type, connector->type_pos);
      merged = connector->params;
      if (source.params)
        for (const auto& [key, value] : source.params->value.items()) merged[key] = value;
      for (const auto& [key, scalar] : connector->unresolved_params) {
        std::string top = key.substr(0, key.find('.'));
        bool overridden = source.params && source.params->value.contains(top);
        if (scalar.unset_env && !overridden)
          diagnostics_
              .Error("SF412",
                     "parameter '" + key + "' of connector '" + connector->name + "': environment variable " +
                         *scalar.unset_env + " is not set",
                     scalar.pos)
              .hints.push_back("set it, add it to .env, or give a default: ${" + *scalar.unset_env +
                               "|<default>}");
      }
    }
  }

  Step& step = AddStep(active, "source", detail.name, detail.name);
  if (info) {
    detail.connector_type = info->name;
    auto validated = connectors::ValidateSourceParams(*info, merged);
    ReportParamIssues(validated.issues, active, source.params, connector, active.pos);
    nlohmann::ordered_json canonical = validated.canonical;
    // Aliases such as tsv or ndjson imply parameters (delimiter tab, newline-delimited) unless given.
    std::string written_type = source.type ? source.type->text : (connector ? connector->type : "");
    nlohmann::ordered_json implied = connectors::AliasImpliedParams(written_type);
    for (auto it = implied.begin(); it != implied.end(); ++it)
      if (!canonical.contains(it.key())) canonical[it.key()] = it.value();
    detail.resolved = connectors::WithDefaults(*info, detail.name, canonical);
    detail.resolved.type = info->name;
    detail.sync_mode = detail.resolved.GetString("sync_mode", "full_refresh");
    if (detail.resolved.Has("cursor_field")) detail.cursor_field = detail.resolved.GetString("cursor_field");
    detail.primary_key = detail.resolved.GetStringList("primary_key");
    WarnMissingLocalFiles(active, source, *info, detail);
    // The plan shows parameters as given, with secrets masked.
    for (const auto& [key, value] : merged.items()) {
      if (connectors::IsSecretParam(*info, key)) {
        if (value.is_string()) secret_values_.push_back(value.get<std::string>());
        detail.params_as_given[key] = "***";
      } else {
        detail.params_as_given[key] = value;
      }
    }
  } else {
    detail.params_as_given = merged;
  }
  step.detail = std::move(detail);
}

void Compiler::BuildLoad(ActiveStatement& active, const parser::LoadStmt& load) {
  LoadDetail detail;
  detail.table = ToTableName(load.table);
  detail.source = load.source.text;
  detail.mode = load.mode;
  for (const auto& k : load.key) detail.key.push_back(k.text);
  if (ToLower(load.table.name.text) == "sqlflow_state")
    diagnostics_.Error(
        "SF308",
        "table 'sqlflow_state' is reserved for pipeline state and cannot be the target of LOAD or "
        "CREATE TABLE",
        active.text.Pos(load.table.offset, load.table.length));
  Step& step = AddStep(active, "load", detail.table.Display(), detail.table.Display());
  std::string key = TableKey(detail.table.schema, detail.table.name);
  step.writes.push_back(key);
  step.detail = std::move(detail);
}

TableUse Compiler::CheckQuery(const ActiveStatement& active, const std::string& query, size_t offset,
                              bool macros_allowed) {
  auto macros = FindTimeMacros(query);
  if (!macros_allowed) {
    for (const auto& macro : macros) {
      size_t at = ToLower(query).find(macro);
      diagnostics_.Error("SF206",
                         "time macro " + macro + " is only available in CREATE TABLE ... MODE INCREMENTAL",
                         active.text.Pos(offset + (at == std::string::npos ? 0 : at), macro.size()));
    }
  }
  TableUse use = analyzer_.AnalyzeQuery(TextToAnalyze(query));
  if (use.parse_error) {
    size_t at =
        macros.empty() && use.error_position && *use.error_position < query.size() ? *use.error_position : 0;
    diagnostics_.Error("SF121", "SQL syntax error: " + *use.parse_error, active.text.Pos(offset + at, 1));
  }
  return use;
}

void Compiler::BuildTransform(ActiveStatement& active, const parser::CreateStmt& create) {
  TransformDetail detail;
  detail.table = ToTableName(create.table);
  detail.mode = create.mode;
  detail.or_replace = create.or_replace;
  for (const auto& k : create.key) detail.key.push_back(k.text);
  if (create.incremental_by) detail.incremental_by = create.incremental_by->text;
  if (create.lookback) detail.lookback = create.lookback->Normalized();
  detail.sql = create.query;
  if (ToLower(create.table.name.text) == "sqlflow_state")
    diagnostics_.Error(
        "SF308",
        "table 'sqlflow_state' is reserved for pipeline state and cannot be the target of LOAD or "
        "CREATE TABLE",
        active.text.Pos(create.table.offset, create.table.length));
  bool incremental = create.mode == WriteMode::kIncremental;
  TableUse use = CheckQuery(active, create.query, create.query_offset, incremental);
  Step& step = AddStep(active, "transform", detail.table.Display(), detail.table.Display());
  std::string key = TableKey(detail.table.schema, detail.table.name);
  step.reads = use.reads;
  step.writes.push_back(key);
  step.detail = std::move(detail);
}

// EXPORT ... TO "s3://...": parameters come from OPTIONS, then the profile connector named by OPTIONS
// `connector` (SF407 unknown, SF410 not s3), or the only s3 connector of the profile (several: SF411), and
// the TO string is the `uri` (CONNECTORS.md §3.6, §6.10). Returns false after reporting an error.
bool Compiler::MergeS3ProfileConnector(nlohmann::ordered_json& merged, const std::string& destination,
                                       const SourcePos& dest_pos) {
  const auto& registries = connectors::BuiltinRegistries();
  const auto* s3 = registries.destinations.Find("s3");
  const project::Profile* profile = request_.profile;
  const project::ConnectorConfig* chosen = nullptr;
  if (merged.contains("connector") && merged["connector"].is_string()) {
    const std::string name = merged["connector"].get<std::string>();
    chosen = profile ? profile->FindConnector(name) : nullptr;
    if (!chosen) {
      ReportUnknownProfileConnector(diagnostics_, name, profile, dest_pos);
      return false;
    }
    if (registries.destinations.Find(chosen->type) != s3) {
      diagnostics_.Error("SF410", "connector '" + chosen->name + "' is of type " + chosen->type + ", not s3",
                         dest_pos);
      return false;
    }
  } else if (profile) {
    std::vector<std::string> names;
    for (const auto& c : profile->connectors) {
      if (registries.destinations.Find(c.type) == s3) {
        names.push_back(c.name);
        chosen = &c;
      }
    }
    if (names.size() > 1) {
      diagnostics_.Error("SF411",
                         "several s3 connectors in profile '" + profile->name + "' (" + Join(names, ", ") +
                             "); choose one with OPTIONS {\"connector\": \"<name>\"}",
                         dest_pos);
      return false;
    }
  }
  if (chosen) {
    nlohmann::ordered_json base =
        chosen->params.is_object() ? chosen->params : nlohmann::ordered_json::object();
    for (const auto& [key, value] : merged.items()) base[key] = value;
    merged = base;
  }
  if (!merged.contains("uri") && !merged.contains("bucket")) merged["uri"] = destination;
  return true;
}

// Where an EXPORT goes, as far as BuildExport's first half could tell: the destination type and the options
// to validate against it (profile connector parameters or S3 profile settings merged with OPTIONS).
struct Compiler::ExportResolution {
  const connectors::ConnectorTypeInfo* info = nullptr;
  const project::ConnectorConfig* connector = nullptr;
  nlohmann::ordered_json merged;
  bool ok = true;
};

void Compiler::BuildExport(ActiveStatement& active, const parser::ExportStmt& exp) {
  ExportDetail detail;
  detail.sql = exp.query;
  if (exp.options) detail.options_as_given = exp.options->value;
  const SourcePos dest_pos = active.text.Pos(exp.destination_offset, exp.destination_length);
  ExportResolution resolution;
  resolution.merged = detail.options_as_given;
  if (exp.destination_is_connector)
    ResolveConnectorExport(active, exp, dest_pos, detail, resolution);
  else
    ResolveFileExport(active, exp, dest_pos, detail, resolution);
  if (resolution.ok && resolution.info) ValidateExportOptions(active, exp, dest_pos, resolution, detail);

  std::string target;
  std::string slug;
  if (detail.connector) {
    const nlohmann::ordered_json& merged = resolution.merged;
    std::string table =
        merged.contains("table") && merged["table"].is_string() ? merged["table"].get<std::string>() : "";
    target = *detail.connector + ":" + table;
    slug = *detail.connector + "_" + table;
  } else {
    target = exp.destination;
    slug = ExportSlug(exp.destination);
  }
  TableUse use = CheckQuery(active, exp.query, exp.query_offset, false);
  Step& step = AddStep(active, "export", target, slug);
  step.reads = use.reads;
  step.detail = std::move(detail);
}

// EXPORT ... TO connector_name: a profile connector whose type has a destination; OPTIONS override its
// parameters, and the exported table names the destination table unless "table" is given.
void Compiler::ResolveConnectorExport(const ActiveStatement& active, const parser::ExportStmt& exp,
                                      const SourcePos& dest_pos, ExportDetail& detail,
                                      ExportResolution& out) {
  const auto& registries = connectors::BuiltinRegistries();
  if (request_.profile) out.connector = request_.profile->FindConnector(exp.destination);
  if (!out.connector) {
    ReportUnknownProfileConnector(diagnostics_, exp.destination, request_.profile, dest_pos);
    out.ok = false;
    return;
  }
  const project::ConnectorConfig& connector = *out.connector;
  detail.connector = connector.name;
  out.info = registries.destinations.Find(connector.type);
  if (!out.info) {
    const auto* source_info = registries.sources.Find(connector.type);
    const std::string type_name = source_info ? source_info->name : connector.type;
    diagnostics_.Error(
        "SF411",
        "connector '" + connector.name + "' of type " + type_name + " cannot be an EXPORT destination",
        dest_pos);
    out.ok = false;
    return;
  }
  if (exp.type && registries.destinations.Find(exp.type->text) != out.info) {
    diagnostics_.Error("SF410",
                       "TYPE " + ToUpper(exp.type->text) + " does not match connector '" + connector.name +
                           "' of type " + out.info->name,
                       active.text.Pos(exp.type->offset, exp.type->length));
    out.ok = false;
  }
  out.merged = connector.params;
  if (exp.options)
    for (const auto& [key, value] : exp.options->value.items()) out.merged[key] = value;
  if (!out.merged.contains("table") && !out.merged.contains("table_name")) {
    if (exp.table) {
      out.merged["table"] = exp.table->Display();
    } else {
      diagnostics_.Error("SF411", "EXPORT to connector '" + connector.name + "' requires option \"table\"",
                         dest_pos);
      out.ok = false;
    }
  }
  detail.format = out.info->name;
  detail.destination_type = out.info->name;
}

// EXPORT ... TO 'path' or 's3://...': the format from TYPE, the S3 profile's format option or the extension
// (§9.8.1), and the destination type that writes it.
void Compiler::ResolveFileExport(const ActiveStatement& active, const parser::ExportStmt& exp,
                                 const SourcePos& dest_pos, ExportDetail& detail, ExportResolution& out) {
  const bool s3 = StartsWith(exp.destination, "s3://");
  detail.destination = exp.destination;
  detail.directory_target = EndsWith(exp.destination, "/");
  if (s3) out.ok &= MergeS3ProfileConnector(out.merged, exp.destination, dest_pos);
  const std::string cannot_infer =
      "cannot infer the export type of '" + exp.destination + "'; add TYPE CSV, PARQUET, JSON or NDJSON";
  std::optional<std::string> type_format;
  if (exp.type) {
    type_format = FormatFromType(exp.type->text);
    if (!type_format && !(s3 && EqualsIgnoreCase(exp.type->text, "s3"))) {
      diagnostics_.Error("SF409", cannot_infer, active.text.Pos(exp.type->offset, exp.type->length));
      out.ok = false;
    }
  }
  const std::optional<std::string> path_format = FormatFromPath(exp.destination);
  std::optional<std::string> format = type_format;
  for (const char* key : {"format", "file_format"})  // file_format: alias of format (CONNECTORS.md §3.6)
    if (!format && s3 && out.merged.contains(key) && out.merged[key].is_string())
      format = FormatFromType(out.merged[key].get<std::string>());
  if (!format) format = path_format;
  if (out.ok && !format) {
    diagnostics_.Error("SF409", cannot_infer, dest_pos);
    out.ok = false;
  }
  if (out.ok && type_format && path_format && *type_format != *path_format) {
    std::string ext = exp.destination.substr(exp.destination.find_last_of('.'));
    diagnostics_.Warning("W403",
                         "destination extension '" + ext + "' does not match TYPE " + ToUpper(exp.type->text),
                         dest_pos);
  }
  if (!format) return;
  detail.format = *format;
  const std::string registry_type = s3 ? "s3" : (*format == "ndjson" ? "json" : *format);
  out.info = connectors::BuiltinRegistries().destinations.Find(registry_type);
  detail.destination_type = registry_type;
  const bool tsv =
      (exp.type && EqualsIgnoreCase(exp.type->text, "tsv")) || (!exp.type && IsTsvPath(exp.destination));
  if (tsv && *format == "csv" && !out.merged.contains("delimiter") && !out.merged.contains("sep"))
    detail.resolved.values["delimiter"] = "\t";
}

// The merged options against the destination's schema; the resolved options with defaults, the write mode and
// keys; secret option values masked in the plan and remembered for redaction.
void Compiler::ValidateExportOptions(const ActiveStatement& active, const parser::ExportStmt& exp,
                                     const SourcePos& dest_pos, const ExportResolution& resolution,
                                     ExportDetail& detail) {
  const connectors::ConnectorTypeInfo& info = *resolution.info;
  auto validated =
      connectors::ValidateExportOptions(info, detail.format, resolution.merged, detail.directory_target);
  ReportParamIssues(validated.issues, active, exp.options, resolution.connector, dest_pos);
  const nlohmann::ordered_json preset = detail.resolved.values;
  detail.resolved = connectors::WithDefaults(info, exp.destination, validated.canonical);
  for (const auto& [key, value] : preset.items())
    if (!validated.canonical.contains(key)) detail.resolved.values[key] = value;
  detail.mode = ParseWriteMode(detail.resolved.GetString("mode", "replace")).value_or(WriteMode::kReplace);
  detail.keys = detail.resolved.GetStringList("keys");
  for (const auto& [key, value] : detail.options_as_given.items())
    if (connectors::IsSecretParam(info, key)) {
      if (value.is_string()) secret_values_.push_back(value.get<std::string>());
      detail.options_as_given[key] = "***";
    }
}

void Compiler::BuildSql(ActiveStatement& active, const parser::SqlStmt& sql) {
  SqlDetail detail;
  detail.sql = sql.sql;
  std::string first = parser::FirstWord(sql.sql);
  std::string upper = ToUpper(sql.sql.substr(0, 64));
  detail.autocommit =
      first == "ATTACH" || first == "DETACH" || first == "CHECKPOINT" || first == "VACUUM" ||
      ((first == "EXPORT" || first == "IMPORT") && upper.find("DATABASE") != std::string::npos);
  auto macros = FindTimeMacros(sql.sql);
  for (const auto& macro : macros)
    diagnostics_.Error("SF206",
                       "time macro " + macro + " is only available in CREATE TABLE ... MODE INCREMENTAL",
                       active.pos);
  if (auto error = analyzer_.ParseError(sql.sql)) {
    auto& d = diagnostics_.Error("SF121", "SQL syntax error: " + *error, active.pos);
    static const std::vector<std::string> kKeywords = {"SOURCE", "LOAD", "EXPORT", "INCLUDE"};
    if (auto s = DidYouMean(first, kKeywords); s && *s != first)
      d.hints.push_back("did you mean " + *s + "?");
    // A line inside the statement that starts with a DSL keyword usually means a missing ';' before it.
    std::vector<std::string> lines = Split(sql.sql, '\n');
    for (size_t i = 1; i < lines.size(); ++i) {
      std::string word = parser::FirstWord(lines[i]);
      if (word == "SOURCE" || word == "LOAD" || word == "EXPORT" || word == "INCLUDE" || word == "CREATE") {
        d.hints.push_back("is a ';' missing at the end of line " + std::to_string(active.pos.line + i - 1) +
                          "?");
        break;
      }
    }
  }
  TableUse use = analyzer_.AnalyzeStatement(sql.sql);
  std::optional<std::string> target;
  if (!use.writes.empty()) target = use.writes.front();
  Step& step = AddStep(active, "sql", target, target.value_or("stmt"));
  step.reads = use.reads;
  step.writes = use.writes;
  step.detail = std::move(detail);
  sql_creates_[plan_.steps.size() - 1] = use.creates;
}

// W202: a --vars name that no statement or condition of the pipeline uses (a typo silently picks the
// default branch otherwise).
void Compiler::WarnUnusedCliVariables() {
  std::vector<std::string> used;
  for (const auto& ref : all_references_) used.push_back(ref.name);
  for (const auto& [name, pos] : all_sets_) used.push_back(name);
  for (const auto& [name, value] : request_.cli_vars) {
    if (std::find(used.begin(), used.end(), name) != used.end()) continue;
    auto& d =
        diagnostics_.Warning("W202", "variable '" + name + "' given with --vars is not used by pipeline '" +
                                         request_.pipeline + "'");
    if (auto close = DidYouMean(name, used)) d.hints.push_back("did you mean '" + *close + "'?");
  }
}

// Where each step's names were written, for the carets of the cross-statement rules.
StepSyntax Compiler::SyntaxOf(const ActiveStatement& active) const {
  StepSyntax syntax;
  if (const auto* src = std::get_if<parser::SourceStmt>(&active.statement)) {
    syntax.name_pos = active.text.Pos(src->name.offset, src->name.length);
  } else if (const auto* load = std::get_if<parser::LoadStmt>(&active.statement)) {
    syntax.name_pos = active.text.Pos(load->source.offset, load->source.length);
    syntax.table_pos = active.text.Pos(load->table.offset, load->table.length);
  } else if (const auto* create = std::get_if<parser::CreateStmt>(&active.statement)) {
    syntax.table_pos = active.text.Pos(create->table.offset, create->table.length);
    syntax.or_replace = create->or_replace;
  }
  return syntax;
}

void Compiler::CrossStatementAnalysis() {
  std::vector<StepSyntax> syntax;
  for (size_t i = 0; i < step_statements_.size(); ++i) {
    const ActiveStatement& active = *step_statements_[i];
    syntax.push_back(SyntaxOf(active));
    for (const auto& table : plan_.steps[i].reads)
      if (auto at = FindTableReference(active.text.text, table, QueryOffset(active.statement)))
        syntax.back().read_pos[table] = active.text.Pos(at->first, at->second - at->first);
  }
  CrossStatementInput input{&syntax, &sql_creates_, &request_.existing_tables, &all_creates_};
  ApplyCrossStatementRules(plan_, input, diagnostics_);
}

}  // namespace

std::optional<Plan> CompilePipeline(const CompileRequest& request, Diagnostics& diagnostics,
                                    SourceCache& sources) {
  Compiler compiler(request, diagnostics, sources);
  return compiler.Run();
}

}  // namespace sqlflow::planner

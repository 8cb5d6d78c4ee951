#include "sqlflow/planner/cross_statement.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <set>

#include "sqlflow/common/text.h"
#include "sqlflow/connectors/registry/registry.h"
#include "sqlflow/planner/sql_analysis.h"

namespace sqlflow::planner {

namespace {

struct SourceInfo {
  size_t step_index;
  SourcePos pos;
  bool lookback = false;
  bool incremental = false;
};

class CrossStatementRules {
 public:
  CrossStatementRules(Plan& plan, const CrossStatementInput& input, Diagnostics& diagnostics)
      : steps_(plan.steps), input_(input), diagnostics_(diagnostics), n_(plan.steps.size()) {}

  void Run() {
    for (size_t i = 0; i < n_; ++i)
      if (steps_[i].kind == "source") all_sources_.emplace(ToLower(*steps_[i].target), i);
    for (size_t i = 0; i < n_; ++i) {
      if (steps_[i].kind == "source")
        CheckSource(i);
      else if (steps_[i].kind == "load")
        CheckLoad(i);
      else if (steps_[i].kind == "transform")
        CheckTransform(i);
      for (const auto& table : Creates(i)) {
        creators_[table].push_back(i);
        if (steps_[i].kind == "transform" || steps_[i].kind == "sql") created_by_create_[table] = true;
      }
    }
    for (const auto& [schema, name] : *input_.existing_tables) existing_.insert(TableKey(schema, name));
    edges_.assign(n_, {});
    forward_.assign(n_, {});
    for (size_t i = 0; i < n_; ++i) ResolveReads(i);
    CheckCycles();
    CheckForwardReads();
    CheckSharedDestinations();
    for (size_t i = 0; i < n_; ++i) ComputeDependsOn(i);
  }

 private:
  std::vector<std::string> Creates(size_t i) const {
    const Step& step = steps_[i];
    if (step.kind == "load" || step.kind == "transform") return step.writes;
    if (step.kind == "sql") {
      auto it = input_.sql_creates->find(i);
      return it == input_.sql_creates->end() ? std::vector<std::string>{} : it->second;
    }
    return {};
  }

  const StepSyntax& Syntax(size_t i) const { return (*input_.syntax)[i]; }

  // SF302: a second SOURCE with the same name.
  void CheckSource(size_t i) {
    Step& step = steps_[i];
    std::string key = ToLower(*step.target);
    auto it = sources_.find(key);
    if (it != sources_.end()) {
      diagnostics_.Error("SF302", "Duplicate source definition: '" + *step.target + "'", Syntax(i).name_pos)
          .notes.push_back("first defined at line " + std::to_string(it->second.pos.line));
      return;
    }
    const auto& detail = std::get<SourceDetail>(step.detail);
    sources_.emplace(key, SourceInfo{i, step.pos, detail.resolved.Has("lookback_window"),
                                     detail.sync_mode == "incremental"});
    source_names_.push_back(*step.target);
  }

  // SF301 (undefined source, with the "defined later" note), SF406 lookback without UPSERT, W302.
  void ResolveLoadSource(size_t i) {
    Step& step = steps_[i];
    auto& detail = std::get<LoadDetail>(step.detail);
    auto it = sources_.find(ToLower(detail.source));
    if (it == sources_.end()) {
      auto& d = diagnostics_.Error("SF301", "LOAD references undefined source: '" + detail.source + "'",
                                   Syntax(i).name_pos);
      if (auto s = DidYouMean(detail.source, source_names_)) d.hints.push_back("did you mean '" + *s + "'?");
      auto later = all_sources_.find(ToLower(detail.source));
      if (later != all_sources_.end())
        d.notes.push_back("source '" + detail.source + "' is defined later, at line " +
                          std::to_string(steps_[later->second].pos.line));
      return;
    }
    step.depends_on.push_back(steps_[it->second.step_index].id);
    detail.source_step = it->second.step_index;
    const auto& src = std::get<SourceDetail>(steps_[it->second.step_index].detail);
    if (it->second.lookback && detail.mode != WriteMode::kUpsert)
      diagnostics_.Error(
          "SF406",
          "lookback_window re-reads rows; use MODE UPSERT KEY (...) on LOAD " + detail.table.Display(),
          step.pos);
    CheckLoadObject(i, src);
    if (src.sync_mode == "incremental" && detail.mode == WriteMode::kReplace)
      diagnostics_
          .Warning("W302",
                   "LOAD MODE REPLACE from incremental source '" + detail.source + "': on later runs '" +
                       detail.table.Display() + "' is replaced by only the new rows",
                   step.pos)
          .hints.push_back("use MODE APPEND or MODE UPSERT KEY (...)");
  }

  // A source with a fixed object list and no object parameter reads the object named by the LOAD's table
  // (CONNECTORS.md §1.5): an unknown one is SF406 at the table name, before any request is made.
  void CheckLoadObject(size_t i, const SourceDetail& src) {
    const auto* info = connectors::BuiltinRegistries().sources.Find(src.connector_type);
    if (!info || !info->fixed_objects || src.resolved.Has(info->fixed_objects->param)) return;
    const auto& detail = std::get<LoadDetail>(steps_[i].detail);
    const std::string& param = info->fixed_objects->param;
    for (auto& issue : connectors::CheckFixedObject(*info, detail.table.name, src.resolved.values)) {
      Diagnostic d;
      d.severity = issue.severity;
      d.code = issue.code;
      d.message = std::move(issue.message);
      d.pos = Syntax(i).table_pos;
      d.hints = std::move(issue.hints);
      if (issue.key == param)
        d.hints.push_back("SOURCE '" + src.name + "' sets no '" + param + "', so the " + param +
                          " is the LOAD's table name; or set \"" + param + "\" in its OPTIONS");
      diagnostics_.Add(std::move(d));
    }
  }

  void ReportDuplicateTable(size_t i, const std::string& display, const std::string& table) {
    diagnostics_
        .Error("SF303",
               "Duplicate table definition: '" + display + "' is created at line " +
                   std::to_string(steps_[i].pos.line) + " but was already created at line " +
                   std::to_string(steps_[creators_[table].back()].pos.line),
               Syntax(i).table_pos)
        .hints.push_back("use CREATE OR REPLACE TABLE to replace it, or MODE APPEND / UPSERT to add to it");
  }

  void CheckLoad(size_t i) {
    ResolveLoadSource(i);
    const auto& detail = std::get<LoadDetail>(steps_[i].detail);
    const std::string& table = steps_[i].writes.front();
    if (detail.mode == WriteMode::kReplace && created_by_create_[table])
      ReportDuplicateTable(i, detail.table.Display(), table);
  }

  // SF303 for a second plain CREATE; APPEND / UPSERT / INCREMENTAL also read their own existing target.
  void CheckTransform(size_t i) {
    Step& step = steps_[i];
    const auto& detail = std::get<TransformDetail>(step.detail);
    const std::string& table = step.writes.front();
    if (detail.mode == WriteMode::kReplace && !Syntax(i).or_replace && !creators_[table].empty())
      ReportDuplicateTable(i, detail.table.Display(), table);
    if (detail.mode != WriteMode::kReplace && !creators_[table].empty() &&
        std::find(step.reads.begin(), step.reads.end(), table) == step.reads.end())
      step.reads.push_back(table);
  }

  // Each read becomes an edge to the latest earlier creator, forward edges to later ones, or a finding.
  void ResolveReads(size_t i) {
    for (const auto& table : steps_[i].reads) {
      auto it = creators_.find(table);
      std::optional<size_t> earlier;
      std::vector<size_t> later;
      if (it != creators_.end()) {
        for (size_t c : it->second) {
          if (c < i)
            earlier = c;
          else if (c > i)
            later.push_back(c);
        }
      }
      if (earlier) {
        edges_[i].insert(*earlier);
      } else if (!later.empty()) {
        for (size_t c : later) {
          edges_[i].insert(c);
          forward_[i].push_back({table, c});
        }
      } else {
        ReportUnknownTable(i, table);
      }
    }
  }

  // SF307 (a SOURCE read as a table), SF306 (a likely typo), W301 (must exist already).
  void ReportUnknownTable(size_t i, const std::string& table) {
    if (existing_.count(table) || table == "sqlflow_state") return;
    if (table.find('"') != std::string::npos) return;  // a dotted name that may be a file (TableKey)
    // The caret goes under the table's name in the query when it can be found there.
    const auto& read_pos = Syntax(i).read_pos;
    const SourcePos pos = read_pos.count(table) ? read_pos.at(table) : steps_[i].pos;
    if (sources_.count(table)) {
      diagnostics_.Error("SF307", "'" + table + "' is a SOURCE, not a table", pos)
          .hints.push_back("load it first: LOAD " + table + " FROM " + table + ";");
      return;
    }
    if (auto typo = SimilarName(table)) {
      diagnostics_.Error("SF306", "table '" + table + "' is not defined; did you mean '" + *typo + "'?", pos);
      return;
    }
    Diagnostic& warning = diagnostics_.Warning(
        "W301",
        "table '" + table + "' is not created by this pipeline; it must already exist in the database", pos);
    if (input_.all_creates && input_.all_creates->count(table)) {
      const SourcePos& created = input_.all_creates->at(table);
      warning.notes.push_back("it is only created at line " + std::to_string(created.line) +
                              (created.file == pos.file ? "" : " of " + created.file) +
                              ", in a branch that is not taken");
    }
  }

  // A known table or source within edit distance 2, or one that differs by a `_suffix` / `prefix_`.
  std::optional<std::string> SimilarName(const std::string& table) const {
    if (table.size() < 4) return std::nullopt;
    std::vector<std::string> candidates;
    for (const auto& [known, list] : creators_) candidates.push_back(known);
    for (const auto& s : source_names_) candidates.push_back(ToLower(s));
    auto affix = [](const std::string& longer, const std::string& shorter) {
      if (longer.size() <= shorter.size() || longer.size() - shorter.size() > 10) return false;
      if (StartsWith(longer, shorter) && longer[shorter.size()] == '_') return true;
      return EndsWith(longer, shorter) && longer[longer.size() - shorter.size() - 1] == '_';
    };
    std::optional<std::string> typo;
    size_t best = 100;
    for (const auto& k : candidates) {
      size_t d = Levenshtein(table, k);
      bool close = d >= 1 && d <= 2;
      if (!close && !affix(table, k) && !affix(k, table)) continue;
      size_t score = close ? d : 3;
      if (!typo || score < best || (score == best && k < *typo)) {
        typo = k;
        best = score;
      }
    }
    return typo;
  }

  // SF305: one message per cycle, its tables from the earliest statement on.
  void CheckCycles() {
    std::vector<int> state(n_, 0);  // 0 new, 1 on stack, 2 done
    std::vector<size_t> stack;
    std::set<std::string> reported;
    std::function<void(size_t)> dfs = [&](size_t v) {
      state[v] = 1;
      stack.push_back(v);
      for (size_t w : edges_[v]) {
        if (w == v) continue;
        if (state[w] == 0)
          dfs(w);
        else if (state[w] == 1)
          ReportCycle(std::vector<size_t>(std::find(stack.begin(), stack.end(), w), stack.end()), reported);
      }
      stack.pop_back();
      state[v] = 2;
    };
    for (size_t i = 0; i < n_; ++i)
      if (state[i] == 0) dfs(i);
  }

  void ReportCycle(std::vector<size_t> cycle, std::set<std::string>& reported) {
    for (size_t c : cycle) in_cycle_.insert(c);
    std::sort(cycle.begin(), cycle.end());
    std::vector<std::string> tables;
    for (size_t c : cycle)
      for (const auto& t : Creates(c)) tables.push_back(t);
    if (tables.empty()) return;
    std::string message = "Circular dependency detected: " + Join(tables, " -> ") + " -> " + tables.front();
    if (reported.insert(message).second) diagnostics_.Error("SF305", message, steps_[cycle.front()].pos);
  }

  // SF304: a table read before the statement that creates it (outside cycles, which SF305 reports).
  void CheckForwardReads() {
    for (size_t i = 0; i < n_; ++i) {
      if (in_cycle_.count(i)) continue;
      for (const auto& [table, creator] : forward_[i]) {
        if (in_cycle_.count(creator)) continue;
        diagnostics_.Error("SF304",
                           "table '" + table + "' is used at line " + std::to_string(steps_[i].pos.line) +
                               " before it is created at line " + std::to_string(steps_[creator].pos.line),
                           steps_[i].pos);
        break;
      }
    }
  }

  // W303: one destination written by several EXPORTs.
  void CheckSharedDestinations() {
    std::map<std::string, std::vector<size_t>> destinations;
    for (size_t i = 0; i < n_; ++i)
      if (steps_[i].kind == "export" && steps_[i].target) destinations[*steps_[i].target].push_back(i);
    for (const auto& [dest, list] : destinations) {
      if (list.size() < 2) continue;
      std::vector<std::string> lines;
      for (size_t i : list) lines.push_back(std::to_string(steps_[i].pos.line));
      diagnostics_.Warning("W303",
                           "'" + dest + "' is written by more than one EXPORT (lines " + Join(lines, ", ") +
                               "); the last one wins",
                           steps_[list.back()].pos);
    }
  }

  // §6.3 rule 7: the LOAD's source first, then the latest earlier writer of each table read (or, for a LOAD,
  // of its target), in step order, without repeats.
  void ComputeDependsOn(size_t i) {
    Step& step = steps_[i];
    auto latest_writer = [&](const std::string& table) -> std::optional<size_t> {
      for (size_t k = i; k-- > 0;)
        if (std::find(steps_[k].writes.begin(), steps_[k].writes.end(), table) != steps_[k].writes.end())
          return k;
      return std::nullopt;
    };
    std::set<size_t> deps;
    if (step.kind == "load") {
      if (auto w = latest_writer(step.writes.front())) deps.insert(*w);
    } else {
      for (const auto& table : step.reads)
        if (auto w = latest_writer(table)) deps.insert(*w);
    }
    std::vector<std::pair<size_t, std::string>> ordered;
    std::set<std::string> seen(step.depends_on.begin(), step.depends_on.end());
    for (const auto& id : step.depends_on)
      for (size_t k = 0; k < n_; ++k)
        if (steps_[k].id == id) ordered.push_back({k, id});
    for (size_t k : deps)
      if (!seen.count(steps_[k].id)) ordered.push_back({k, steps_[k].id});
    std::sort(ordered.begin(), ordered.end());
    step.depends_on.clear();
    for (const auto& [k, id] : ordered)
      if (std::find(step.depends_on.begin(), step.depends_on.end(), id) == step.depends_on.end())
        step.depends_on.push_back(id);
  }

  std::vector<Step>& steps_;
  const CrossStatementInput& input_;
  Diagnostics& diagnostics_;
  const size_t n_;
  std::map<std::string, SourceInfo> sources_;  // lower-cased source name -> first definition
  std::vector<std::string> source_names_;
  std::map<std::string, size_t> all_sources_;            // every SOURCE, for "defined later" notes
  std::map<std::string, std::vector<size_t>> creators_;  // table -> steps that create it, in order
  std::map<std::string, bool> created_by_create_;        // table -> created by a CREATE TABLE (DSL or SQL)
  std::set<std::string> existing_;                       // tables of the persistent database
  std::vector<std::set<size_t>> edges_;
  std::vector<std::vector<std::pair<std::string, size_t>>> forward_;  // (table, later creator)
  std::set<size_t> in_cycle_;
};

}  // namespace

void ApplyCrossStatementRules(Plan& plan, const CrossStatementInput& input, Diagnostics& diagnostics) {
  CrossStatementRules(plan, input, diagnostics).Run();
}

}  // namespace sqlflow::planner

#include "sqlflow/executor/executor.h"

#include <sys/resource.h>
#include <unistd.h>
#include <cerrno>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <regex>
#include <thread>

#include "sqlflow/common/console.h"
#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/executor/step_context.h"
#include "sqlflow/udf/table_calls.h"
#include "sqlflow/udf/udf.h"

namespace fs = std::filesystem;

namespace sqlflow::executor {

// The engine's message as the user should read it: without DuckDB's own excerpt ("LINE 1: ..." and its
// caret), which quotes the statement sqlflow ran (CREATE OR REPLACE TABLE ..., the staging names) rather than
// the user's text that the diagnostic already shows, and with the temporary file of an atomic write
// (.name.sqlflow-tmp-XXXX) named as the file the user asked for.
std::string UserFacingMessage(std::string message) {
  for (const char* marker : {"\n\nLINE ", "\nLINE "}) {
    if (size_t at = message.find(marker); at != std::string::npos) {
      message.erase(at);
      break;
    }
  }
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  static const std::regex temp_file(R"((^|[/\s'"])\.([^/\s'"]+)\.sqlflow-tmp-[A-Za-z0-9_-]+)");
  return std::regex_replace(message, temp_file, "$1$2");
}

namespace {

// SIGINT / SIGTERM reach the run's CancelToken through a self-pipe: the handler only writes one byte
// (async-signal-safe); SignalWatcher's thread reads it and calls CancelToken::Cancel(), which interrupts
// DuckDB, cancels the active ReadStream and wakes every network wait.
int g_signal_pipe[2] = {-1, -1};

void OnSignal(int) {
  if (g_signal_pipe[1] >= 0) {
    char byte = 'S';
    [[maybe_unused]] ssize_t ignored = write(g_signal_pipe[1], &byte, 1);
  }
}

class SignalWatcher {
 public:
  explicit SignalWatcher(CancelToken& token) : token_(token) {
    if (g_signal_pipe[0] < 0 && pipe(g_signal_pipe) != 0) return;
    InstallInterruptHandler();
    thread_ = std::thread([this] { Loop(); });
  }
  ~SignalWatcher() {
    if (!thread_.joinable()) return;
    stop_.store(true);
    char byte = 'Q';
    [[maybe_unused]] ssize_t ignored = write(g_signal_pipe[1], &byte, 1);
    thread_.join();
  }
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  void Loop() {
    while (!stop_.load()) {
      char byte = 0;
      ssize_t got = read(g_signal_pipe[0], &byte, 1);
      if (got == 1 && byte == 'S') token_.Cancel();
      if (got < 0 && errno != EINTR) return;
    }
  }
  CancelToken& token_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string Fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

double PeakMemoryMiB() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

std::string KindWord(const planner::Step& step) {
  if (step.kind == "source") return "SOURCE";
  if (step.kind == "load") return "LOAD";
  if (step.kind == "transform") return "CREATE TABLE";
  if (step.kind == "export") return "EXPORT";
  return "SQL";
}

struct StepRecord {
  std::string status = "not run";
  std::optional<int64_t> rows;
  double seconds = 0;
};

// Shows a live status line (TTY) or a "still running" line every 30 s (not a TTY) while a step runs.
class ProgressWatcher {
 public:
  ProgressWatcher(engine::Connection& conn, std::string label, std::atomic<int64_t>& rows)
      : conn_(conn), label_(std::move(label)), rows_(rows), start_(Clock::now()) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~ProgressWatcher() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
    if (shown_) Console::Get().Info("\r\x1b[2K");
  }

 private:
  void Loop() {
    static const char* kSpinner[] = {"|", "/", "-", "\\"};
    Console& console = Console::Get();
    bool live = console.stderr_tty() && console.verbosity() >= Verbosity::kInfo;
    int tick = 0;
    double next_plain = 30.0;
    std::unique_lock<std::mutex> lock(mutex_);
    while (!done_) {
      cv_.wait_for(lock, std::chrono::milliseconds(100));
      if (done_) break;
      double elapsed = Seconds(start_);
      if (elapsed < 1.0 || console.verbosity() < Verbosity::kInfo) continue;
      if (live) {
        std::string line =
            "\r\x1b[2K" + std::string(kSpinner[tick++ % 4]) + " " + label_ + " " + Fixed(elapsed, 1) + "s";
        int64_t rows = rows_.load();
        if (rows > 0)
          line += ", " + std::to_string(rows) + " rows (" +
                  std::to_string(static_cast<int64_t>(rows / elapsed)) + " rows/s)";
        double progress = conn_.Progress();
        if (progress >= 0) line += ", " + Fixed(progress, 0) + "%";
        console.Info(line);
        shown_ = true;
      } else if (elapsed >= next_plain) {
        console.Info(label_ + " still running (" + Fixed(elapsed, 0) + "s)\n");
        next_plain += 30.0;
      }
    }
  }

  engine::Connection& conn_;
  std::string label_;
  std::atomic<int64_t>& rows_;
  Clock::time_point start_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  bool shown_ = false;
};

std::string PadRight(const std::string& s, size_t width) {
  return s + std::string(width > s.size() ? width - s.size() : 0, ' ');
}
std::string PadLeft(const std::string& s, size_t width) {
  return std::string(width > s.size() ? width - s.size() : 0, ' ') + s;
}

std::string SummaryTable(const planner::Plan& plan, const std::vector<StepRecord>& records) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"#", "STEP", "KIND", "TARGET", "ROWS", "TIME", "ROWS/S", "STATUS"});
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const auto& step = plan.steps[i];
    const auto& r = records[i];
    std::string rows_text = r.rows ? std::to_string(*r.rows) : "-";
    std::string time = r.status == "not run" ? "-" : Fixed(r.seconds, 3) + "s";
    std::string rate = (r.rows && r.seconds >= 0.001)
                           ? std::to_string(static_cast<int64_t>(*r.rows / r.seconds + 0.5))
                           : "-";
    rows.push_back({std::to_string(i + 1), step.id, step.kind, step.target.value_or("-"), rows_text, time,
                    rate, r.status});
  }
  std::vector<size_t> widths(8, 0);
  for (const auto& row : rows)
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  const bool right[] = {true, false, false, false, true, true, true, false};
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      if (c) line += "  ";
      line += right[c] ? PadLeft(row[c], widths[c])
                       : (c + 1 == row.size() ? row[c] : PadRight(row[c], widths[c]));
    }
    out += " " + line + "\n";
  }
  return out;
}

std::string MakeRunTempDir(const project::EngineConfig& engine, const std::string& run_id) {
  fs::path base =
      !engine.temp_directory.empty() ? fs::path(engine.temp_directory) : fs::temp_directory_path();
  fs::path dir = base / ("sqlflow-" + run_id);
  std::error_code ec;
  fs::create_directories(dir, ec);
  return dir.string();
}

engine::EngineOptions EngineOptionsOf(const project::EngineConfig& engine) {
  engine::EngineOptions options;
  if (engine.mode == "persistent") options.path = engine.path;
  options.memory_limit = engine.memory_limit;
  options.threads = engine.threads;
  options.temp_directory = engine.temp_directory;
  return options;
}

void PrintEngineSettings(engine::Connection& conn) {
  if (Console::Get().verbosity() < Verbosity::kVerbose) return;
  auto settings = conn.Query(
      "SELECT name, value FROM duckdb_settings() WHERE name IN ('memory_limit', 'threads', 'temp_directory', "
      "'TimeZone', 'autoload_known_extensions', 'autoinstall_known_extensions') ORDER BY name");
  for (uint64_t r = 0; r < settings.row_count(); ++r)
    Console::Get().Verbose("engine setting " + settings.GetString(0, r) + " = " + settings.GetString(1, r) +
                           "\n");
}

// The SQL text of a step that has one (what table-UDF calls are rewritten in).
std::string* StepSql(planner::Step& step) {
  if (auto* t = std::get_if<planner::TransformDetail>(&step.detail)) return &t->sql;
  if (auto* e = std::get_if<planner::ExportDetail>(&step.detail)) return &e->sql;
  if (auto* s = std::get_if<planner::SqlDetail>(&step.detail)) return &s->sql;
  return nullptr;
}

// Runs one step in its own transaction (SQL steps that cannot run in one, e.g. ATTACH, run without) and
// rolls it back on any failure. Returns the failure, mapped to Cancelled when the run's token fired.
std::optional<Error> RunStepInTransaction(StepContext& ctx, StepOutcome& outcome,
                                          udf::TableUdfScope& table_udfs) {
  Console& console = Console::Get();
  engine::Connection& conn = ctx.conn;
  const planner::Step& step = ctx.step;
  std::optional<Error> failure;
  bool in_transaction = false;
  try {
    if (ctx.cancel.IsCancelled()) throw Error(ErrorKind::kCancelled, "interrupted", "SF615");
    const auto* sql = std::get_if<planner::SqlDetail>(&step.detail);
    if (step.kind != "source" && !(sql && sql->autocommit)) {
      conn.Execute("BEGIN TRANSACTION");
      in_transaction = true;
    }
    table_udfs.Apply();  // table-UDF calls run inside the step's transaction (§13.5)
    if (sql) console.Verbose("SQL for " + step.id + ":\n" + sql->sql + "\n");
    if (const auto* t = std::get_if<planner::TransformDetail>(&step.detail))
      console.Verbose("SQL for " + step.id + ":\n" + t->sql + "\n");
    if (const auto* e = std::get_if<planner::ExportDetail>(&step.detail))
      console.Verbose("SQL for " + step.id + ":\n" + e->sql + "\n");
    if (sql)
      outcome = RunSql(ctx);
    else if (step.kind == "load")
      outcome = RunLoad(ctx);
    else if (step.kind == "transform")
      outcome = RunTransform(ctx);
    else if (step.kind == "export")
      outcome = RunExport(ctx);
    if (in_transaction) {
      conn.Execute("COMMIT");
      in_transaction = false;
    }
  } catch (const Error& e) {
    failure = e;
  } catch (const std::exception& e) {
    failure = Error(ErrorKind::kInternal, e.what(), "SF613");
  }
  if (failure && in_transaction) {
    try {
      conn.Execute("ROLLBACK");
    } catch (...) {
    }
  }
  if (failure)  // a scalar Python UDF failed inside the query: its typed error (SF705 / SF706) replaces
                // DuckDB's
    if (auto udf_failure = udf::TakeScalarUdfFailure()) failure = std::move(udf_failure);
  if (failure && (ctx.cancel.IsCancelled() || failure->kind() == ErrorKind::kCancelled))
    failure = Error(ErrorKind::kCancelled, "interrupted", "SF615");
  return failure;
}

// The name an engine error is about: the first double-quoted name (`Referenced column "amout" not found`), or
// the table of `Table with name salse does not exist`.
std::string NameInEngineMessage(const std::string& message) {
  static const std::regex quoted(R"re("([^"\n]{1,128})")re");
  static const std::regex table(R"(Table with name ([A-Za-z_][A-Za-z0-9_]*) does not exist)");
  std::smatch match;
  if (std::regex_search(message, match, table)) return match[1].str();
  if (std::regex_search(message, match, quoted)) return match[1].str();
  return "";
}

// Moves `d` to the first whole-word occurrence of `name` in the statement's own lines (from its first line up
// to the line that ends it), so that the caret stands under the user's misspelled name. Nothing changes when
// the name is not written there (e.g. it came from a variable).
void PointAtName(Diagnostic& d, const std::string& name, SourceCache& sources) {
  if (name.empty() || !d.pos.valid()) return;
  const std::string lower = ToLower(name);
  auto is_ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (int line_no = d.pos.line; line_no < d.pos.line + 500; ++line_no) {
    const std::string line = sources.Line(d.pos.file, line_no);
    const std::string text = ToLower(line);
    size_t from = line_no == d.pos.line ? static_cast<size_t>(std::max(0, d.pos.column - 1)) : 0;
    for (size_t at = text.find(lower, from); at != std::string::npos; at = text.find(lower, at + 1)) {
      const bool starts = at == 0 || !is_ident(text[at - 1]);
      const bool ends = at + lower.size() >= text.size() || !is_ident(text[at + lower.size()]);
      if (starts && ends) {
        d.pos.line = line_no;
        d.pos.column = CodePointColumn(std::string_view(line).substr(0, at)) + 1;
        d.pos.length = static_cast<int>(DecodeUtf8Lossy(name).size());
        return;
      }
    }
    if (line.find(';') != std::string::npos || (line.empty() && line_no > d.pos.line + 1)) return;
  }
}

void ReportFailure(const planner::Plan& plan, size_t index, const Error& failure, SourceCache& sources) {
  Console& console = Console::Get();
  const planner::Step& step = plan.steps[index];
  const size_t n = plan.steps.size();
  Diagnostic d;
  d.code = RuntimeCode(failure);
  d.message =
      KindWord(step) + " " + step.target.value_or("") + " failed: " + UserFacingMessage(failure.what());
  d.pos = step.pos;
  // A source's files that are not there (SF610) are the SOURCE's business: point at its declaration, and
  // say which LOAD found out.
  if (const auto* load = std::get_if<planner::LoadDetail>(&step.detail);
      load && d.code == "SF610" && load->source_step < n && plan.steps[load->source_step].pos.valid()) {
    d.pos = plan.steps[load->source_step].pos;
    d.notes.push_back("found by LOAD " + step.target.value_or("") + " at line " +
                      std::to_string(step.pos.line));
  }
  // A binder or catalog error names what it did not find: point at it in the user's text.
  if (d.code == "SF613" && (step.kind == "transform" || step.kind == "export" || step.kind == "sql"))
    PointAtName(d, NameInEngineMessage(UserFacingMessage(failure.what())), sources);
  if (!failure.hint().empty()) d.hints.push_back(failure.hint());
  d.notes.push_back("step " + std::to_string(index + 1) + " of " + std::to_string(n) + " (" + step.id +
                    ") was rolled back; " + std::to_string(n - index - 1) + " later step(s) were not run");
  console.Err(RenderDiagnostic(d, sources, console.stderr_color()));
}

struct RunTotals {
  int64_t table_rows = 0;
  int64_t exported_rows = 0;
  size_t failed_at;
};

void PrintSummary(const planner::Plan& plan, const std::vector<StepRecord>& records, const RunTotals& totals,
                  double total) {
  Console& console = Console::Get();
  if (console.verbosity() < Verbosity::kInfo) return;
  const size_t n = plan.steps.size();
  int ok = 0, failed = 0, not_run = 0;
  for (const auto& r : records) {
    if (r.status == "ok")
      ++ok;
    else if (r.status == "FAILED")
      ++failed;
    else
      ++not_run;
  }
  std::string summary = SummaryTable(plan, records);
  summary += "Total: " + Plural(static_cast<int64_t>(n), "step") + " (" + std::to_string(ok) + " ok, " +
             std::to_string(failed) + " failed, " + std::to_string(not_run) + " not run) in " +
             Fixed(total, 3) + "s; " + Plural(totals.table_rows, "row") + " written to tables, " +
             Plural(totals.exported_rows, "row") + " exported; peak memory " + Fixed(PeakMemoryMiB(), 1) +
             " MiB\n";
  if (totals.failed_at == n)
    summary += "Pipeline '" + plan.pipeline + "' succeeded in " + Fixed(total, 2) + "s\n";
  else
    summary += "Pipeline '" + plan.pipeline + "' failed at step " + std::to_string(totals.failed_at + 1) +
               " of " + std::to_string(n) + " (" + plan.steps[totals.failed_at].id + ") after " +
               Fixed(total, 2) + "s\n";
  console.Out(summary);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ListExistingTables(const project::EngineConfig& engine) {
  std::vector<std::pair<std::string, std::string>> tables;
  std::error_code ec;
  if (engine.mode != "persistent" || !fs::exists(engine.path, ec)) return tables;
  // The file's catalog, attached read-only to the scratch database (no database of its own to open) and
  // detached before the run opens the file.
  static std::atomic<int> next_alias{0};
  const std::string alias = "sqlflow_existing_" + std::to_string(next_alias++);
  engine::Connection conn(engine::ScratchDatabase());
  try {
    conn.Execute("ATTACH " + QuoteLiteral(engine.path) + " AS " + alias + " (READ_ONLY)");
  } catch (const Error&) {
    return tables;  // the check is skipped when the file cannot be opened (e.g. locked by a running pipeline)
  }
  try {
    auto result =
        conn.Query("SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = '" + alias +
                   "' UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE NOT internal AND "
                   "database_name = '" +
                   alias + "'");
    for (uint64_t r = 0; r < result.row_count(); ++r)
      tables.emplace_back(result.GetString(0, r), result.GetString(1, r));
  } catch (const Error&) {
    tables.clear();
  }
  try {
    conn.Execute("DETACH " + alias);
  } catch (const Error&) {
    // Not attached any more: nothing holds the file.
  }
  return tables;
}

void InstallInterruptHandler() {
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int RunPlan(const planner::Plan& plan, const RunOptions& options, SourceCache& sources) {
  Console& console = Console::Get();
  auto run_start = Clock::now();
  CancelToken local_token;
  CancelToken& cancel = options.cancel ? *options.cancel : local_token;
  SignalWatcher signals(cancel);
  const size_t n = plan.steps.size();
  std::vector<StepRecord> records(n);

  std::string mode_text = plan.engine.mode == "persistent" ? "persistent: " + plan.engine.path : "memory";
  console.Info("Running pipeline '" + plan.pipeline + "' (profile '" + plan.profile + "', duckdb " +
               mode_text + ", run_id " + options.run_id + ")\n");

  std::unique_ptr<engine::Database> db;
  std::unique_ptr<engine::Connection> conn;
  try {
    db = engine::Database::Open(EngineOptionsOf(plan.engine));
    conn = std::make_unique<engine::Connection>(*db);
    EnsureStateTable(*conn);
    udf::RegisterScalarUdfs(*conn);  // no-op unless compilation started Python (§13.1)
  } catch (const Error& e) {
    Diagnostic d{Severity::kError, RuntimeCode(e), e.what(), {}, {}, {}};
    if (!e.hint().empty()) d.hints.push_back(e.hint());
    console.Err(RenderDiagnostic(d, sources, console.stderr_color()));
    return 1;
  }
  PrintEngineSettings(*conn);

  std::string temp_dir = MakeRunTempDir(plan.engine, options.run_id);
  int exit_code = 0;
  RunTotals totals{0, 0, n};
  for (size_t i = 0; i < n && exit_code == 0; ++i) {
    const planner::Step& step = plan.steps[i];
    std::string label = "[" + std::to_string(i + 1) + "/" + std::to_string(n) + "] " + step.kind + " " +
                        step.target.value_or("-");
    std::atomic<int64_t> progress_rows{0};
    std::vector<Diagnostic> warnings;
    planner::Step prepared = step;  // its SQL gets the table-UDF results' names (§13.5)
    udf::TableUdfScope table_udfs(*conn, static_cast<int>(i), StepSql(prepared));
    StepContext ctx{*conn, plan, prepared, options, temp_dir, progress_rows, warnings, static_cast<int>(i),
                    cancel};
    auto step_start = Clock::now();
    StepOutcome outcome;
    std::optional<Error> failure;
    {
      ProgressWatcher watcher(*conn, label, progress_rows);
      engine::Connection* step_conn = conn.get();
      CancelRegistration interrupt_engine(&cancel, [step_conn] { step_conn->Interrupt(); });
      failure = RunStepInTransaction(ctx, outcome, table_udfs);
    }
    records[i].seconds = Seconds(step_start);
    records[i].status = failure ? "FAILED" : "ok";
    console.Info(label + (failure ? " ... FAILED" : " ... ok") +
                 (!failure && outcome.rows ? ", " + Plural(*outcome.rows, "row") : "") + " (" +
                 Fixed(records[i].seconds, 3) + "s)\n");
    if (!failure && !outcome.detail.empty()) console.Verbose("  " + outcome.detail + "\n");
    for (const auto& w : warnings) console.Warn(RenderDiagnostic(w, sources, console.stderr_color()));
    if (failure) {
      ReportFailure(plan, i, *failure, sources);
      totals.failed_at = i;
      exit_code = failure->kind() == ErrorKind::kCancelled ? 130 : 1;
      break;
    }
    records[i].rows = outcome.rows;
    if (step.kind == "load" || step.kind == "transform") totals.table_rows += outcome.rows.value_or(0);
    if (step.kind == "export") totals.exported_rows += outcome.rows.value_or(0);
  }

  std::error_code ec;
  fs::remove_all(temp_dir, ec);
  conn.reset();
  db.reset();
  PrintSummary(plan, records, totals, Seconds(run_start));
  return exit_code;
}

}  // namespace sqlflow::executor

// Helpers of the CLI tests of the network connectors (rest, shopify): a temp project with a persistent
// DuckDB, the real `sqlflow` binary run on it (SQLFLOW_BINARY), queries of its database after a run, and a
// run that is interrupted with SIGINT (F28).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>

namespace sqlflow::testing {

struct Command {
  int exit_code = 0;
  std::string output;  // stdout and stderr
};

// Runs `command` with /bin/sh, stderr merged into stdout.
Command Shell(const std::string& command);

// Writes `text` to `path`, creating the parent folders.
void WriteFile(const std::string& path, const std::string& text);

// What InterruptRun saw.
struct Interrupted {
  bool exited = false;   // within the limit after SIGINT (otherwise it was killed)
  double seconds = 0;    // from SIGINT to exit
  int status = 0;        // waitpid status
  int ExitCode() const;  // -1 unless it exited normally
};

class CliProject {
 public:
  // A fresh folder sqlflow-<tag>-<pid>-<test name> under the temp directory, with tmp/ for DuckDB's temp
  // files.
  explicit CliProject(const std::string& tag);
  ~CliProject();
  CliProject(const CliProject&) = delete;
  CliProject& operator=(const CliProject&) = delete;

  const std::string& dir() const { return dir_; }
  // profiles/dev.yml: DuckDB persistent at target/warehouse.duckdb (temp_directory tmp/) and, unless empty,
  // `connectors_yaml` (the text after "connectors:\n", indented by the caller).
  void Profile(const std::string& connectors_yaml = "") const;
  void Pipeline(const std::string& name, const std::string& text) const;
  // An environment variable of every run (secrets stay out of the project files).
  void SetEnv(const std::string& name, const std::string& value) { env_[name] = value; }

  // The shell command `sqlflow --no-color --project-dir <dir> <args>` with the environment set.
  std::string Cli(const std::string& args) const;
  Command Run(const std::string& args) const { return Shell(Cli(args)); }
  // The first value of `sql` on the project's database ("NULL" for no row or NULL).
  std::string Query(const std::string& sql) const;
  // Files and folders left under tmp/.
  size_t TempLeftovers() const;
  // Starts `sqlflow pipeline run <pipeline>`, waits until `ready()` holds (polled every 25 ms, at most 5 s;
  // e.g. "the stalled request has arrived") and `settle` more, sends SIGINT and waits up to `limit` for the
  // exit.
  Interrupted InterruptRun(const std::string& pipeline, const std::function<bool()>& ready,
                           std::chrono::milliseconds settle = std::chrono::milliseconds(200),
                           std::chrono::seconds limit = std::chrono::seconds(5)) const;

 private:
  std::string dir_;
  std::map<std::string, std::string> env_;
};

}  // namespace sqlflow::testing

#include "cli_test_util.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "sqlflow/engine/database.h"

namespace sqlflow::testing {

namespace fs = std::filesystem;

Command Shell(const std::string& command) {
  Command result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

void WriteFile(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path) << text;
}

int Interrupted::ExitCode() const {
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

CliProject::CliProject(const std::string& tag) {
  dir_ = (fs::temp_directory_path() / ("sqlflow-" + tag + "-" + std::to_string(getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name()))
             .string();
  fs::remove_all(dir_);
  fs::create_directories(dir_ + "/tmp");
}

CliProject::~CliProject() {
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

void CliProject::Profile(const std::string& connectors_yaml) const {
  WriteFile(
      dir_ + "/profiles/dev.yml",
      "engines:\n  duckdb:\n    mode: persistent\n    path: target/warehouse.duckdb\n    temp_directory: " +
          dir_ + "/tmp\n" + (connectors_yaml.empty() ? "" : "connectors:\n" + connectors_yaml));
}

void CliProject::Pipeline(const std::string& name, const std::string& text) const {
  WriteFile(dir_ + "/pipelines/" + name + ".sf", text);
}

std::string CliProject::Cli(const std::string& args) const {
  std::string command;
  for (const auto& [name, value] : env_) command += name + "='" + value + "' ";
  return command + SQLFLOW_BINARY + " --no-color --project-dir " + dir_ + " " + args;
}

std::string CliProject::Query(const std::string& sql) const {
  engine::EngineOptions options;
  options.path = dir_ + "/target/warehouse.duckdb";
  auto db = engine::Database::Open(options);
  engine::Connection conn(*db);
  return conn.QueryValue(sql).value_or("NULL");
}

size_t CliProject::TempLeftovers() const {
  size_t leftovers = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir_ + "/tmp"))
    leftovers += entry.is_regular_file() || entry.is_directory();
  return leftovers;
}

Interrupted CliProject::InterruptRun(const std::string& pipeline, const std::function<bool()>& ready,
                                     std::chrono::milliseconds settle, std::chrono::seconds limit) const {
  const pid_t pid = fork();
  if (pid == 0) {
    for (const auto& [name, value] : env_) setenv(name.c_str(), value.c_str(), 1);
    execl(SQLFLOW_BINARY, SQLFLOW_BINARY, "--no-color", "--project-dir", dir_.c_str(), "pipeline", "run",
          pipeline.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  Interrupted result;
  for (int i = 0; i < 200 && !ready(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  std::this_thread::sleep_for(settle);
  kill(pid, SIGINT);
  const auto signalled = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - signalled < limit) {
    if (waitpid(pid, &result.status, WNOHANG) == pid) {
      result.exited = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  if (!result.exited) {
    kill(pid, SIGKILL);
    waitpid(pid, &result.status, 0);
  }
  return result;
}

}  // namespace sqlflow::testing

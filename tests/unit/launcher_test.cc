// The `sqlflow` front (src/sqlflow/cli/launcher.cc): --version and --help answered without loading the full
// program, byte for byte what sqlflow-core prints; every other command line reaches sqlflow-core with its
// arguments, exit status and signals intact (same process, via execv); a missing core is a clear error.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string output;
};

Outcome Shell(const std::string& command) {
  Outcome run;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) run.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

const std::string kFront = SQLFLOW_BINARY;
const std::string kCore = (fs::path(SQLFLOW_BINARY).parent_path() / "sqlflow-core").string();

TEST(LauncherTest, VersionAndHelpAreTheCoresOwnTexts) {
  for (const char* args : {"--version", "--help", "-h"}) {
    SCOPED_TRACE(args);
    Outcome front = Shell("'" + kFront + "' " + args);
    Outcome core = Shell("'" + kCore + "' " + args);
    EXPECT_EQ(front.exit_code, 0);
    EXPECT_EQ(front.exit_code, core.exit_code);
    EXPECT_EQ(front.output, core.output);
    EXPECT_FALSE(front.output.empty());
  }
}

TEST(LauncherTest, TheFrontDoesNotLoadTheEngine) {
  Outcome ldd = Shell("ldd '" + kFront + "'");
  ASSERT_EQ(ldd.exit_code, 0) << ldd.output;
  EXPECT_EQ(ldd.output.find("libduckdb"), std::string::npos) << ldd.output;
  EXPECT_EQ(ldd.output.find("libpython"), std::string::npos) << ldd.output;
  EXPECT_EQ(ldd.output.find("libcurl"), std::string::npos) << ldd.output;
}

TEST(LauncherTest, OtherCommandLinesReachTheCoreWithArgumentsAndExitStatus) {
  // A usage error from the core's parser: arguments passed through, exit status 2 kept.
  Outcome bad = Shell("'" + kFront + "' --verbos");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("--verbos"), std::string::npos) << bad.output;
  // Options combined with --version are the core's business (the front only answers the exact forms).
  Outcome quiet = Shell("'" + kFront + "' --no-color --version");
  EXPECT_EQ(quiet.exit_code, 0) << quiet.output;
  EXPECT_EQ(quiet.output, Shell("'" + kCore + "' --version").output);
  // An argument with spaces and quotes arrives as one argument.
  const fs::path dir = fs::temp_directory_path() / ("sqlflow launcher 'x' " + std::to_string(getpid()));
  fs::create_directories(dir);
  Outcome init = Shell("'" + kFront + "' init \"" + dir.string() + "/my project\"");
  EXPECT_EQ(init.exit_code, 0) << init.output;
  EXPECT_TRUE(fs::exists(dir / "my project" / "profiles")) << init.output;
  fs::remove_all(dir);
}

TEST(LauncherTest, AMissingCoreIsAClearError) {
  const fs::path dir = fs::temp_directory_path() / ("sqlflow-launcher-" + std::to_string(getpid()));
  fs::create_directories(dir);
  fs::copy_file(kFront, dir / "sqlflow", fs::copy_options::overwrite_existing);
  Outcome run = Shell("'" + (dir / "sqlflow").string() + "' pipeline list");
  EXPECT_EQ(run.exit_code, 70);
  EXPECT_NE(run.output.find("cannot start " + (dir / "sqlflow-core").string()), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("hint: sqlflow-core must be installed next to sqlflow"), std::string::npos);
  // --version still works without the core.
  EXPECT_EQ(Shell("'" + (dir / "sqlflow").string() + "' --version").exit_code, 0);
  fs::remove_all(dir);
}

}  // namespace

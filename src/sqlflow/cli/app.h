// The sqlflow command-line application (LANGUAGE.md §11).
#pragma once

namespace sqlflow::cli {

// Parses the arguments, runs the command and returns the process exit code (0, 1, 2 or 130).
int RunApp(int argc, char** argv);

}  // namespace sqlflow::cli

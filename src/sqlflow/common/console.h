// Console output policy: verbosity, colour (LANGUAGE.md §11.2) and secret masking of everything printed.
//
// One Console per process, configured by the CLI before any command runs. Results go to stdout, progress
// and diagnostics to stderr. Every string printed passes through the Redactor.
#pragma once

#include <string>
#include <string_view>

#include "sqlflow/common/redact.h"

namespace sqlflow {

enum class Verbosity { kQuiet, kError, kWarning, kInfo, kVerbose };

class Console {
 public:
  static Console& Get();

  void Configure(Verbosity verbosity, bool no_color_flag);
  Verbosity verbosity() const { return verbosity_; }
  void set_verbosity(Verbosity v) { verbosity_ = v; }
  bool stderr_color() const { return stderr_color_; }
  bool stderr_tty() const { return stderr_tty_; }

  Redactor& redactor() { return redactor_; }

  void Out(std::string_view text);      // stdout, always (explicitly requested output)
  void Err(std::string_view text);      // stderr, always (errors)
  void Info(std::string_view text);     // stderr unless quiet / warning level
  void Warn(std::string_view text);     // stderr unless quiet / error level
  void Verbose(std::string_view text);  // stderr only with --verbose

 private:
  Console();
  Verbosity verbosity_ = Verbosity::kInfo;
  bool stderr_color_ = false;
  bool stderr_tty_ = false;
  Redactor redactor_;
};

// True when colour may be used on the stream: a TTY, NO_COLOR unset or empty, TERM != dumb.
bool ColorAllowed(int fd);

}  // namespace sqlflow

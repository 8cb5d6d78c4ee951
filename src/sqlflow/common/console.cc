#include "sqlflow/common/console.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace sqlflow {

bool ColorAllowed(int fd) {
  if (!isatty(fd)) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  if (term && std::strcmp(term, "dumb") == 0) return false;
  return true;
}

Console& Console::Get() {
  static Console console;
  return console;
}

Console::Console() {
  stderr_tty_ = isatty(STDERR_FILENO);
  stderr_color_ = ColorAllowed(STDERR_FILENO);
}

void Console::Configure(Verbosity verbosity, bool no_color_flag) {
  verbosity_ = verbosity;
  stderr_color_ = !no_color_flag && ColorAllowed(STDERR_FILENO);
}

static void Write(FILE* stream, std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stream);
  std::fflush(stream);
}

void Console::Out(std::string_view text) {
  Write(stdout, redactor_.Mask(text));
}
void Console::Err(std::string_view text) {
  Write(stderr, redactor_.Mask(text));
}
void Console::Info(std::string_view text) {
  if (verbosity_ >= Verbosity::kInfo) Write(stderr, redactor_.Mask(text));
}
void Console::Warn(std::string_view text) {
  if (verbosity_ >= Verbosity::kWarning) Write(stderr, redactor_.Mask(text));
}
void Console::Verbose(std::string_view text) {
  if (verbosity_ >= Verbosity::kVerbose) Write(stderr, redactor_.Mask(text));
}

}  // namespace sqlflow

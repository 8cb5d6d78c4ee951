// The `sqlflow` command users run: a small front that answers `--version` and `--help` itself and hands
// every other command line to `sqlflow-core` (the full program, next to it) with execv. The full program
// links DuckDB, CPython, libcurl, OpenSSL and libpq; the dynamic loader spends most of its ~15 ms of start-up
// binding DuckDB's symbols, which `--version` and `--help` do not need. The texts below are captured from
// `sqlflow-core` at build time (cmake/LauncherTexts.cmake), so they cannot differ from what it prints.
//
// Plain C library calls only: no iostream, no global constructors, nothing but libc is loaded.
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "sqlflow/cli/launcher_texts.h"

namespace {

void WriteAll(int fd, const char* text, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, text, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    text += n;
    size -= static_cast<size_t>(n);
  }
}

void Print(int fd, const char* text) {
  WriteAll(fd, text, strlen(text));
}

// The directory of this executable (from /proc/self/exe), with a trailing '/'; empty when unknown.
bool SelfDirectory(char* out, size_t size) {
  ssize_t n = readlink("/proc/self/exe", out, size - 1);
  if (n <= 0) return false;
  out[n] = '\0';
  char* slash = strrchr(out, '/');
  if (!slash) return false;
  slash[1] = '\0';
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && strcmp(argv[1], "--version") == 0) {
    Print(1, kSqlflowVersionText);
    return 0;
  }
  if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
    Print(1, kSqlflowHelpText);
    return 0;
  }
  char core[PATH_MAX];
  const char* name = "sqlflow-core";
  if (!SelfDirectory(core, sizeof(core)) || strlen(core) + strlen(name) >= sizeof(core)) {
    Print(2, "error: sqlflow cannot find its own location (/proc/self/exe); run sqlflow-core directly\n");
    return 70;
  }
  strcat(core, name);
  execv(core, argv);
  const int error = errno;
  Print(2, "error: sqlflow cannot start ");
  Print(2, core);
  Print(2, ": ");
  Print(2, strerror(error));
  Print(2,
        "\n  hint: sqlflow-core must be installed next to sqlflow (reinstall, or rebuild with "
        "scripts/build.sh)\n");
  return 70;
}

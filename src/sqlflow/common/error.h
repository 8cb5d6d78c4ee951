// One error vocabulary for SQLFlow (STYLE.md §2, CONNECTORS.md §1.11).
//
// An Error ends the operation that raised it. Its ErrorKind says whether a retry can help (IsRetryable);
// retry decisions never look at the message text. Library errors (DuckDB, libpq, libcurl) are converted
// into an Error once, at the boundary where they are raised.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace sqlflow {

enum class ErrorKind {
  kOk,
  kInvalidConfig,  // bad parameters or configuration: never retry
  kNotFound,       // missing file, table, object
  kAuthFailed,
  kPermissionDenied,
  kThrottled,  // retry after the server's delay
  kTransient,  // network errors, 5xx, lost connection: retry
  kTimeout,    // retry
  kDataError,  // parse or cast failure, duplicate keys: never retry
  kProtocolError,
  kUnsupported,
  kCircuitOpen,
  kCancelled,
  kInternal,  // a bug in SQLFlow
};

std::string_view ErrorKindName(ErrorKind kind);
bool IsRetryable(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  // `code` is the user-facing diagnostic code (e.g. "SF613"); empty = derive from the kind.
  Error(ErrorKind kind, std::string message, std::string code = "", std::string hint = "")
      : std::runtime_error(message), kind_(kind), code_(std::move(code)), hint_(std::move(hint)) {}

  ErrorKind kind() const { return kind_; }
  const std::string& code() const { return code_; }
  const std::string& hint() const { return hint_; }

 private:
  ErrorKind kind_;
  std::string code_;
  std::string hint_;
};

// The runtime diagnostic code for an error kind (LANGUAGE.md §7.2: NotFound -> SF610, DataError -> SF613,
// Cancelled -> SF615, PermissionDenied -> SF601, everything else -> SF614). An explicit code wins.
std::string RuntimeCode(const Error& error);

}  // namespace sqlflow

#include "sqlflow/common/error.h"

namespace sqlflow {

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kOk:
      return "Ok";
    case ErrorKind::kInvalidConfig:
      return "InvalidConfig";
    case ErrorKind::kNotFound:
      return "NotFound";
    case ErrorKind::kAuthFailed:
      return "AuthFailed";
    case ErrorKind::kPermissionDenied:
      return "PermissionDenied";
    case ErrorKind::kThrottled:
      return "Throttled";
    case ErrorKind::kTransient:
      return "Transient";
    case ErrorKind::kTimeout:
      return "Timeout";
    case ErrorKind::kDataError:
      return "DataError";
    case ErrorKind::kProtocolError:
      return "ProtocolError";
    case ErrorKind::kUnsupported:
      return "Unsupported";
    case ErrorKind::kCircuitOpen:
      return "CircuitOpen";
    case ErrorKind::kCancelled:
      return "Cancelled";
    case ErrorKind::kInternal:
      return "Internal";
  }
  return "Unknown";
}

bool IsRetryable(ErrorKind kind) {
  return kind == ErrorKind::kThrottled || kind == ErrorKind::kTransient || kind == ErrorKind::kTimeout;
}

std::string RuntimeCode(const Error& error) {
  if (!error.code().empty()) return error.code();
  switch (error.kind()) {
    case ErrorKind::kNotFound:
      return "SF610";
    case ErrorKind::kDataError:
      return "SF613";
    case ErrorKind::kCancelled:
      return "SF615";
    case ErrorKind::kPermissionDenied:
      return "SF601";
    default:
      return "SF614";
  }
}

}  // namespace sqlflow

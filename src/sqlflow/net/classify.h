// Outcome classification per family (CONNECTORS.md §2.3), decided once at the boundary: which ErrorKind a
// response or library error becomes, and so whether it is retried (as an error or as throttling) at all.
#pragma once

#include <string>
#include <string_view>

#include "sqlflow/common/error.h"

namespace sqlflow::net {

// HTTP status: 2xx -> kOk; 408 -> kTimeout; 429 (and 503 with Retry-After) -> kThrottled; 500/502/503/504 ->
// kTransient; 401 -> kAuthFailed; 403 -> kPermissionDenied; 404/410 -> kNotFound; 3xx -> kProtocolError
// (redirects are followed before classification); every other 4xx -> kInvalidConfig; other 5xx ->
// kProtocolError (not retried).
ErrorKind ClassifyHttpStatus(int status, bool has_retry_after);

// A libcurl result (CURLcode as int): connect/DNS failures, resets, send/receive errors, empty or partial
// replies, TLS handshake failures and bad content encoding -> kTransient; timeouts -> kTimeout; certificate
// verification and local TLS file problems, malformed URLs -> kInvalidConfig; too many redirects ->
// kProtocolError; aborted by callback -> kCancelled.
ErrorKind ClassifyCurlCode(int curl_code);

// "Service Unavailable" for 503; "" for unknown codes.
std::string_view HttpStatusText(int status);

struct SqlStateClassification {
  ErrorKind kind;
  bool retryable;  // §2.3: a statement timeout (57014) is kTimeout but not retried
};
// PostgreSQL: a lost connection or a libpq-side failure (no SQLSTATE), class 08, 57P01-03, 53300, 40001,
// 40P01, 55P03, 58000, 58030 -> kTransient (retried); 28* kAuthFailed; 3D000/42P01/42703 kNotFound; 42501
// kPermissionDenied; 22*/23* kDataError; 57014 kTimeout (not retried); other 42* kInvalidConfig; 0A*
// kUnsupported; everything else kDataError (not retried).
SqlStateClassification ClassifySqlState(std::string_view sqlstate, bool connection_lost);

}  // namespace sqlflow::net

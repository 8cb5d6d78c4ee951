#include "sqlflow/net/classify.h"

#include <curl/curl.h>

#include <algorithm>

namespace sqlflow::net {

ErrorKind ClassifyHttpStatus(int status, bool has_retry_after) {
  if (status >= 200 && status < 300) return ErrorKind::kOk;
  switch (status) {
    case 401:
      return ErrorKind::kAuthFailed;
    case 403:
      return ErrorKind::kPermissionDenied;
    case 404:
    case 410:
      return ErrorKind::kNotFound;
    case 408:
      return ErrorKind::kTimeout;
    case 429:
      return ErrorKind::kThrottled;
    case 503:
      return has_retry_after ? ErrorKind::kThrottled : ErrorKind::kTransient;
    case 500:
    case 502:
    case 504:
      return ErrorKind::kTransient;
    default:
      break;
  }
  if (status >= 400 && status < 500) return ErrorKind::kInvalidConfig;
  return ErrorKind::kProtocolError;
}

ErrorKind ClassifyCurlCode(int curl_code) {
  switch (static_cast<CURLcode>(curl_code)) {
    case CURLE_OK:
      return ErrorKind::kOk;
    case CURLE_OPERATION_TIMEDOUT:
      return ErrorKind::kTimeout;
    case CURLE_ABORTED_BY_CALLBACK:
      return ErrorKind::kCancelled;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_NOT_BUILT_IN:
      return ErrorKind::kInvalidConfig;
    case CURLE_TOO_MANY_REDIRECTS:
      return ErrorKind::kProtocolError;
    case CURLE_OUT_OF_MEMORY:
      return ErrorKind::kInternal;
    default:
      // Resolve/connect failures, resets, send/receive errors, empty or partial replies, TLS handshake
      // failures, bad content encoding: the network, not the request, is at fault.
      return ErrorKind::kTransient;
  }
}

std::string_view HttpStatusText(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Payload Too Large";
    case 416:
      return "Range Not Satisfiable";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

SqlStateClassification ClassifySqlState(std::string_view sqlstate, bool connection_lost) {
  const std::string_view cls = sqlstate.substr(0, std::min<size_t>(2, sqlstate.size()));
  if (cls == "28") return {ErrorKind::kAuthFailed, false};
  // No SQLSTATE: libpq itself failed (connection refused, reset or closed, send failure).
  if (connection_lost || sqlstate.empty()) return {ErrorKind::kTransient, true};
  static const char* kTransientStates[] = {"57P01", "57P02", "57P03", "53300", "40001",
                                           "40P01", "55P03", "58000", "58030"};
  if (cls == "08") return {ErrorKind::kTransient, true};
  for (const char* state : kTransientStates)
    if (sqlstate == state) return {ErrorKind::kTransient, true};
  if (sqlstate == "3D000" || sqlstate == "42P01" || sqlstate == "42703") return {ErrorKind::kNotFound, false};
  if (sqlstate == "42501") return {ErrorKind::kPermissionDenied, false};
  if (sqlstate == "57014") return {ErrorKind::kTimeout, false};
  if (cls == "22" || cls == "23") return {ErrorKind::kDataError, false};
  if (cls == "42") return {ErrorKind::kInvalidConfig, false};
  if (cls == "0A") return {ErrorKind::kUnsupported, false};
  return {ErrorKind::kDataError, false};
}

}  // namespace sqlflow::net

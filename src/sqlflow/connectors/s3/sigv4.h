// AWS Signature Version 4 (CONNECTORS.md §3.6 "Request signing"): our own implementation on OpenSSL, so the
// canonical request is under our control (libcurl's CURLOPT_AWS_SIGV4 mis-signs streamed bodies, unsorted
// queries and valueless parameters).
//
// Rules: the canonical query is sorted by encoded key, keys and values RFC 3986-encoded (unreserved
// A-Za-z0-9-_.~ only, '/' -> %2F), valueless parameters written `name=`; the canonical URI is the request
// path with each segment encoded and '/' kept (S3 does not normalise paths); header names are lower-cased,
// values trimmed with inner runs of spaces collapsed; `x-amz-content-sha256` is always sent.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sqlflow::connectors::s3 {

using HeaderList = std::vector<std::pair<std::string, std::string>>;
using QueryList = std::vector<std::pair<std::string, std::string>>;  // raw (unencoded) names and values

struct SigV4Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty = none
};

// One request to sign. `path` is the raw (decoded) path starting with '/', e.g. "/bucket/my key.csv".
struct SigV4Request {
  std::string method;
  std::string path;
  QueryList query;
  HeaderList headers;  // must include host; names in any case
  std::string payload_hash;
};

inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

std::string Sha256Hex(std::string_view data);
// SHA-256 of a file's bytes [offset, offset + length) in hex; throws Error(kInternal) on a read error.
std::string Sha256FileHex(const std::string& path, int64_t offset, int64_t length);
std::string HmacSha256(std::string_view key, std::string_view data);  // raw bytes
std::string HexEncode(std::string_view bytes);

// RFC 3986 encoding: everything but A-Za-z0-9-_.~ as %XX (upper case); '/' kept when keep_slash.
std::string UriEncode(std::string_view text, bool keep_slash);
// "a=1&b=" sorted by encoded key then value.
std::string CanonicalQuery(const QueryList& query);
// The same encoding and order for the wire (what is signed is what is sent).
inline std::string QueryString(const QueryList& query) {
  return CanonicalQuery(query);
}

struct SigV4Parts {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;
  std::string signature;
  std::string authorization;  // the Authorization header value
};

// Signs `request` for `region`/`service` at `amz_date` (YYYYMMDD'T'HHMMSS'Z'); the caller has already put
// x-amz-date (and x-amz-content-sha256 / x-amz-security-token where wanted) into request.headers.
SigV4Parts SignV4(const SigV4Request& request, const SigV4Credentials& credentials, const std::string& region,
                  const std::string& service, const std::string& amz_date);

// The S3 layer: adds x-amz-date, x-amz-content-sha256 (= request.payload_hash), x-amz-security-token when a
// session token is set, then Authorization. Returns the headers to send (host included).
HeaderList SignS3Request(SigV4Request request, const SigV4Credentials& credentials, const std::string& region,
                         const std::string& amz_date);

// YYYYMMDD'T'HHMMSS'Z' for a Unix time (UTC).
std::string AmzDate(int64_t unix_seconds);

}  // namespace sqlflow::connectors::s3

// The credentials chain of CONNECTORS.md §3.6: parameters -> AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
// AWS_SESSION_TOKEN -> the shared credentials file (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials),
// section aws_profile (AWS_PROFILE, default) -> unsigned requests when anonymous. Resolved when a read or
// write starts (a missing set is a run-time AuthFailed error, §6.4), never at compile time.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "sqlflow/connectors/s3/s3_options.h"
#include "sqlflow/connectors/s3/sigv4.h"

namespace sqlflow::connectors::s3 {

struct ResolvedCredentials {
  bool anonymous = false;  // send unsigned requests
  SigV4Credentials keys;
  std::string origin;  // "parameters", "environment", "<file> [profile]", "anonymous" (never the secret)
};

// Throws Error(kAuthFailed) "S3 credentials not found (...)" when no complete set exists.
ResolvedCredentials ResolveCredentials(const S3Options& options, const EnvLookup& env = ProcessEnv());

// The key/value pairs of one [section] of an INI-style credentials file; nullopt when the file or the
// section does not exist.
std::optional<std::map<std::string, std::string>> ReadCredentialsSection(const std::string& path,
                                                                         const std::string& section);

}  // namespace sqlflow::connectors::s3

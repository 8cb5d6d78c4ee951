// Google credentials for the google_sheets source (CONNECTORS.md §3.8 "Auth"): service-account JSON (an RS256
// JWT signed with OpenSSL, exchanged at the token endpoint), authorized-user JSON (refresh token), a ready
// access token, or an API key. Access tokens are cached per (credentials identity, scopes, token URL) for the
// process and refreshed 60 s before expiry (half the lifetime for tokens that live less than two minutes),
// or when the API answers 401 (Invalidate).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sqlflow/connectors/google_sheets/sheets_options.h"
#include "sqlflow/net/http_client.h"
#include "sqlflow/net/retry_policy.h"

namespace sqlflow::connectors::google_sheets {

struct Credentials {
  enum class Type { kServiceAccount, kAuthorizedUser, kAccessToken, kApiKey };
  Type type = Type::kApiKey;
  std::string source;  // the file path or "credentials_json", for messages
  std::string client_email, private_key, private_key_id, token_uri;  // service account
  std::string client_id, client_secret, refresh_token;               // authorized user
  std::string secret;                                                // access token or API key

  bool NeedsToken() const { return type == Type::kServiceAccount || type == Type::kAuthorizedUser; }
  // Every secret value in these credentials (for masking).
  std::vector<std::string> Secrets() const;
};

// Resolves the configured credentials (reading files now), else GOOGLE_APPLICATION_CREDENTIALS. Throws
// Error(kAuthFailed) "Google credentials not found (...)", "credentials file '<p>' is not a service_account
// or authorized_user JSON (type '<t>')", "credentials file '<p>': missing field '<f>'".
Credentials LoadCredentials(const CredentialsOptions& options);

// base64url without padding.
std::string Base64Url(std::string_view bytes);
// header.claims.signature with RS256 (EVP_DigestSign, SHA-256) over the PEM private key. Throws
// Error(kAuthFailed) "cannot parse private_key in '<source>'" for a key OpenSSL cannot read.
std::string SignJwt(const std::string& header_json, const std::string& claims_json, const std::string& pem,
                    const std::string& source);
// The service-account assertion: header {alg, typ, kid}, claims {iss, scope, aud, iat, exp = iat + 3600}.
std::string ServiceAccountJwt(const Credentials& credentials, const std::vector<std::string>& scopes,
                              const std::string& audience, int64_t now_epoch);

// Obtains and caches access tokens for one credentials/scopes/token URL.
class TokenSource {
 public:
  TokenSource(Credentials credentials, std::vector<std::string> scopes, std::string token_url,
              net::HttpTransport& transport, net::RetryPolicy policy);
  // A valid token: cached, or fetched now (through the retry policy of the token host). Throws
  // Error(kAuthFailed) with the endpoint's error_description on a 4xx.
  std::string Token();
  // Drops the cached token (the API answered 401 with it).
  void Invalidate();
  const std::string& token_url() const { return token_url_; }
  int64_t requests() const { return requests_; }

 private:
  std::string Fetch();

  Credentials credentials_;
  std::vector<std::string> scopes_;
  std::string token_url_;
  std::string cache_key_;
  net::HttpTransport& transport_;
  net::RetryPolicy policy_;
  int64_t requests_ = 0;
};

}  // namespace sqlflow::connectors::google_sheets

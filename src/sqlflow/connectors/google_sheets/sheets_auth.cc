#include "sqlflow/connectors/google_sheets/sheets_auth.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"

namespace sqlflow::connectors::google_sheets {
namespace {

using Json = nlohmann::json;

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Error(ErrorKind::kAuthFailed, "cannot read credentials file '" + path + "'", "",
                "check the path in credentials_file / GOOGLE_APPLICATION_CREDENTIALS");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string CredentialField(const Json& json, const std::string& source, const char* name) {
  if (!json.contains(name) || !json[name].is_string() || json[name].get<std::string>().empty())
    throw Error(ErrorKind::kAuthFailed, "credentials file '" + source + "': missing field '" + name + "'");
  return json[name].get<std::string>();
}

Credentials FromJson(const std::string& text, const std::string& source) {
  Json json;
  try {
    json = Json::parse(text);
  } catch (const std::exception&) {
    // The parser's message could quote the content (a private key): only the location is named.
    throw Error(ErrorKind::kAuthFailed, "credentials file '" + source + "' is not valid JSON");
  }
  const std::string type = json.is_object() && json.contains("type") && json["type"].is_string()
                               ? json["type"].get<std::string>()
                               : "";
  Credentials c;
  c.source = source;
  if (type == "service_account") {
    c.type = Credentials::Type::kServiceAccount;
    c.client_email = CredentialField(json, source, "client_email");
    c.private_key = CredentialField(json, source, "private_key");
    c.private_key_id = json.value("private_key_id", std::string());
    c.token_uri = json.value("token_uri", std::string());
  } else if (type == "authorized_user") {
    c.type = Credentials::Type::kAuthorizedUser;
    c.client_id = CredentialField(json, source, "client_id");
    c.client_secret = CredentialField(json, source, "client_secret");
    c.refresh_token = CredentialField(json, source, "refresh_token");
    c.token_uri = json.value("token_uri", std::string());
  } else {
    throw Error(ErrorKind::kAuthFailed, "credentials file '" + source +
                                            "' is not a service_account or authorized_user JSON (type '" +
                                            type + "')");
  }
  return c;
}

std::string Join(const std::vector<std::string>& parts, const char* separator) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : separator) + part;
  return out;
}

// The process-wide token cache: key -> (token, monotonic time until which it is used).
struct CachedToken {
  std::string token;
  double valid_until = 0;
};
std::mutex& CacheMutex() {
  static std::mutex mutex;
  return mutex;
}
std::map<std::string, CachedToken>& Cache() {
  static std::map<std::string, CachedToken> cache;
  return cache;
}

std::string Form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + k + "=" + net::PercentEncode(v);
  return out;
}

}  // namespace

std::vector<std::string> Credentials::Secrets() const {
  std::vector<std::string> out;
  for (const std::string* s : {&private_key, &client_secret, &refresh_token, &secret})
    if (!s->empty()) out.push_back(*s);
  return out;
}

Credentials LoadCredentials(const CredentialsOptions& options) {
  using Kind = CredentialsOptions::Kind;
  switch (options.kind) {
    case Kind::kAccessToken: {
      Credentials c;
      c.type = Credentials::Type::kAccessToken;
      c.secret = options.value;
      c.source = "access_token";
      return c;
    }
    case Kind::kApiKey: {
      Credentials c;
      c.type = Credentials::Type::kApiKey;
      c.secret = options.value;
      c.source = "api_key";
      return c;
    }
    case Kind::kInline:
      return FromJson(options.value, options.origin);
    case Kind::kFile:
      return FromJson(ReadFile(options.value), options.value);
    case Kind::kNone:
      break;
  }
  const char* env = std::getenv("GOOGLE_APPLICATION_CREDENTIALS");
  if (env && *env) return FromJson(ReadFile(env), env);
  throw Error(ErrorKind::kAuthFailed,
              "Google credentials not found (set credentials_file, or GOOGLE_APPLICATION_CREDENTIALS)", "",
              "or set credentials_json, access_token or api_key");
}

std::string Base64Url(std::string_view bytes) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (i < bytes.size()) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (i + 1 < bytes.size()) out += alphabet[(v >> 6) & 63];
  }
  return out;
}

std::string SignJwt(const std::string& header_json, const std::string& claims_json, const std::string& pem,
                    const std::string& source) {
  const std::string input = Base64Url(header_json) + "." + Base64Url(claims_json);
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::unique_ptr<EVP_PKEY, PkeyFree> key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                                              : nullptr);
  if (!key)
    throw Error(ErrorKind::kAuthFailed, "cannot parse private_key in '" + source + "'", "",
                "download a new JSON key for the service account");
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  size_t length = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) != 1)
    throw Error(ErrorKind::kAuthFailed, "cannot sign with the private_key in '" + source + "'");
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
    throw Error(ErrorKind::kAuthFailed, "cannot sign with the private_key in '" + source + "'");
  signature.resize(length);
  return input + "." + Base64Url(signature);
}

std::string ServiceAccountJwt(const Credentials& c, const std::vector<std::string>& scopes,
                              const std::string& audience, int64_t now) {
  nlohmann::ordered_json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  if (!c.private_key_id.empty()) header["kid"] = c.private_key_id;
  nlohmann::ordered_json claims = {{"iss", c.client_email},
                                   {"scope", Join(scopes, " ")},
                                   {"aud", audience},
                                   {"iat", now},
                                   {"exp", now + 3600}};
  return SignJwt(header.dump(), claims.dump(), c.private_key, c.source);
}

TokenSource::TokenSource(Credentials credentials, std::vector<std::string> scopes, std::string token_url,
                         net::HttpTransport& transport, net::RetryPolicy policy)
    : credentials_(std::move(credentials)),
      scopes_(std::move(scopes)),
      token_url_(std::move(token_url)),
      transport_(transport),
      policy_(std::move(policy)) {
  const std::string identity = credentials_.type == Credentials::Type::kServiceAccount
                                   ? "sa:" + credentials_.client_email + ":" + credentials_.private_key_id
                                   : "user:" + credentials_.client_id + ":" + credentials_.refresh_token;
  cache_key_ = identity + "|" + Join(scopes_, " ") + "|" + token_url_;
}

std::string TokenSource::Token() {
  const double now = policy_.clock->Now();
  {
    std::lock_guard<std::mutex> lock(CacheMutex());
    auto it = Cache().find(cache_key_);
    if (it != Cache().end() && now < it->second.valid_until) return it->second.token;
  }
  return Fetch();
}

void TokenSource::Invalidate() {
  std::lock_guard<std::mutex> lock(CacheMutex());
  Cache().erase(cache_key_);
}

std::string TokenSource::Fetch() {
  const std::string shown = net::RedactUrl(token_url_);
  Json body = net::RunWithRetry(policy_, "POST " + shown, [&](int attempt) {
    net::HttpRequest request;
    request.method = "POST";
    request.url = token_url_;
    request.attempt = attempt;
    request.headers.Set("Content-Type", "application/x-www-form-urlencoded");
    request.headers.Set("Accept", "application/json");
    if (credentials_.type == Credentials::Type::kServiceAccount) {
      const auto now = static_cast<int64_t>(policy_.clock->WallNow());
      request.body = Form({{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"},
                           {"assertion", ServiceAccountJwt(credentials_, scopes_, token_url_, now)}});
    } else {
      request.body = Form({{"grant_type", "refresh_token"},
                           {"client_id", credentials_.client_id},
                           {"client_secret", credentials_.client_secret},
                           {"refresh_token", credentials_.refresh_token}});
    }
    net::HttpResponse response = transport_.Send(request);
    ++requests_;
    if (response.status >= 400 && response.status < 500 && response.status != 429 && response.status != 408) {
      // invalid_grant / invalid_client: not retried (CONNECTORS.md §6.6).
      std::string error, description;
      try {
        Json parsed = Json::parse(response.body);
        error = parsed.value("error", std::string());
        description = parsed.value("error_description", std::string());
      } catch (const std::exception&) {
      }
      std::string hint;
      if (error == "invalid_grant" && description.find("Invalid JWT") != std::string::npos)
        hint = "check the system clock (the JWT's iat/exp must be within minutes of Google's time)";
      else if (error == "invalid_grant" || error == "invalid_client")
        hint = "the credentials were revoked or deleted; create a new key or sign in again";
      throw Error(ErrorKind::kAuthFailed,
                  "token request POST " + shown + " failed: HTTP " + std::to_string(response.status) + " " +
                      (error.empty() ? "" : error + ": ") +
                      (description.empty() ? response.body.substr(0, 200) : description),
                  "", hint);
    }
    net::ThrowUnlessSuccess(request, response);
    try {
      Json parsed = Json::parse(response.body);
      if (!parsed.contains("access_token") || !parsed["access_token"].is_string())
        throw net::AttemptError(ErrorKind::kProtocolError,
                                "token response from " + shown + " has no access_token", "no access_token");
      return parsed;
    } catch (const nlohmann::json::exception&) {
      throw net::AttemptError(ErrorKind::kTransient, "invalid JSON from " + shown, "invalid JSON");
    }
  });
  const std::string token = body["access_token"].get<std::string>();
  const double expires_in = body.contains("expires_in") && body["expires_in"].is_number()
                                ? body["expires_in"].get<double>()
                                : 3600.0;
  const double margin = expires_in >= 120 ? 60.0 : expires_in / 2;
  std::lock_guard<std::mutex> lock(CacheMutex());
  Cache()[cache_key_] = CachedToken{token, policy_.clock->Now() + expires_in - margin};
  return token;
}

}  // namespace sqlflow::connectors::google_sheets

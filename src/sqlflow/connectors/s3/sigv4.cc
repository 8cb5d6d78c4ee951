#include "sqlflow/connectors/s3/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <fstream>
#include <map>

#include "sqlflow/common/error.h"

namespace sqlflow::connectors::s3 {
namespace {

std::string LowerAscii(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Trims and collapses runs of spaces, as the canonical header rule requires.
std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

struct EvpMdCtx {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~EvpMdCtx() { EVP_MD_CTX_free(ctx); }
};

}  // namespace

std::string HexEncode(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string Sha256FileHex(const std::string& path, int64_t offset, int64_t length) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::kInternal, "cannot open '" + path + "' to hash it");
  in.seekg(offset);
  EvpMdCtx md;
  EVP_DigestInit_ex(md.ctx, EVP_sha256(), nullptr);
  std::string buffer(1 << 20, '\0');
  int64_t left = length;
  while (left > 0) {
    const auto want = static_cast<std::streamsize>(std::min<int64_t>(left, buffer.size()));
    in.read(buffer.data(), want);
    if (in.gcount() != want) throw Error(ErrorKind::kInternal, "short read while hashing '" + path + "'");
    EVP_DigestUpdate(md.ctx, buffer.data(), static_cast<size_t>(want));
    left -= want;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(md.ctx, digest, &size);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), size));
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &size);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string UriEncode(std::string_view text, bool keep_slash) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    const bool unreserved = std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  }
  return out;
}

std::string CanonicalQuery(const QueryList& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query)
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name + "=" + value;
  }
  return out;
}

SigV4Parts SignV4(const SigV4Request& request, const SigV4Credentials& credentials, const std::string& region,
                  const std::string& service, const std::string& amz_date) {
  std::map<std::string, std::string> headers;  // sorted by lower-case name
  for (const auto& [name, value] : request.headers) {
    std::string& slot = headers[LowerAscii(name)];
    slot = slot.empty() ? CanonicalHeaderValue(value) : slot + "," + CanonicalHeaderValue(value);
  }
  SigV4Parts parts;
  std::string canonical_headers;
  for (const auto& [name, value] : headers) {
    canonical_headers += name + ":" + value + "\n";
    parts.signed_headers += (parts.signed_headers.empty() ? "" : ";") + name;
  }
  parts.canonical_request = request.method + "\n" + UriEncode(request.path, true) + "\n" +
                            CanonicalQuery(request.query) + "\n" + canonical_headers + "\n" +
                            parts.signed_headers + "\n" + request.payload_hash;
  const std::string date = amz_date.substr(0, 8);
  const std::string scope = date + "/" + region + "/" + service + "/aws4_request";
  parts.string_to_sign =
      "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + Sha256Hex(parts.canonical_request);
  std::string key = HmacSha256("AWS4" + credentials.secret_access_key, date);
  key = HmacSha256(key, region);
  key = HmacSha256(key, service);
  key = HmacSha256(key, "aws4_request");
  parts.signature = HexEncode(HmacSha256(key, parts.string_to_sign));
  parts.authorization = "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + scope +
                        ", SignedHeaders=" + parts.signed_headers + ", Signature=" + parts.signature;
  return parts;
}

HeaderList SignS3Request(SigV4Request request, const SigV4Credentials& credentials, const std::string& region,
                         const std::string& amz_date) {
  request.headers.emplace_back("x-amz-date", amz_date);
  request.headers.emplace_back("x-amz-content-sha256", request.payload_hash);
  if (!credentials.session_token.empty()) {
    request.headers.emplace_back("x-amz-security-token", credentials.session_token);
  }
  SigV4Parts parts = SignV4(request, credentials, region, "s3", amz_date);
  request.headers.emplace_back("Authorization", parts.authorization);
  return request.headers;
}

std::string AmzDate(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &utc);
  return buffer;
}

}  // namespace sqlflow::connectors::s3

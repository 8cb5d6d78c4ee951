// Secrets (LANGUAGE.md §10.5, CONNECTORS.md §1.10): which names are secret, and masking of secret values
// in any text the tool prints or writes.
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace sqlflow {

// The name rule: lower-cased name contains password, passwd, secret, token, credential, authorization,
// api_key, apikey, api-key, access_key, private_key or signature, or equals pwd.
bool IsSecretName(std::string_view name);
// The rule for keys of free-form maps (rest headers, params, body): the name rule, or `key`, `*_key`, `*-key`.
bool IsSecretMapKey(std::string_view name);

// Masks the password part of URIs (scheme://user:password@host) in `text`.
std::string MaskUriPasswords(std::string_view text);

// Collects secret values seen while loading profiles and variables; masks every occurrence of a value of
// at least 4 characters with "***". Not thread-safe: fill it before starting worker threads.
class Redactor {
 public:
  void AddSecret(std::string_view value);
  std::string Mask(std::string_view text) const;
  bool empty() const { return secrets_.empty(); }

 private:
  std::set<std::string, std::greater<>> secrets_;  // longest-first is not needed: greater<> keeps order stable
};

}  // namespace sqlflow

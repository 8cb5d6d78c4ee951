// Secrets (LANGUAGE.md §10.5, CONNECTORS.md §1.10): which names are secret, and masking of secret values
// in any text the tool prints or writes.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sqlflow {

// The name rule: lower-cased name contains password, passwd, secret, token, credential, authorization,
// api_key, apikey, api-key, access_key, private_key or signature, or equals pwd.
bool IsSecretName(std::string_view name);
// The rule for keys of free-form maps (rest headers, params, body): the name rule, or `key`, `*_key`,
// `*-key`.
bool IsSecretMapKey(std::string_view name);

// The byte ranges of the password part of every URI in `text` (scheme://user:password@host).
std::vector<std::pair<size_t, size_t>> FindUriPasswords(std::string_view text);
// Masks the password part of URIs (scheme://user:password@host) in `text`.
std::string MaskUriPasswords(std::string_view text);

// Masks every connection-string form the connectors accept: URI passwords (above), keyword DSNs
// (`host=h password=x dbname=d`, also `password='a b'`) and secret query parameters
// (`?access_token=x&sig=y`): the value of every `name=value` whose name is secret by IsSecretMapKey
// becomes ***. Applied to everything the tool prints or writes (Redactor::Mask).
std::string MaskConnectionSecrets(std::string_view text);

// The text of a pipeline or profile file as diagnostics may quote it: the value written after every
// secret-named key (`"password": "x"`, `password: x`, `"Authorization": "Bearer x"`, `token=x`), at any
// depth, becomes '*' characters of the same length (so carets stay aligned), as do URI passwords.
// `${...}` references stay readable.
std::string MaskSecretValuesInSource(std::string_view text);

// Collects secret values seen while loading profiles and variables; masks every occurrence of a value of
// at least 4 characters with "***". Not thread-safe: fill it before starting worker threads.
class Redactor {
 public:
  void AddSecret(std::string_view value);
  std::string Mask(std::string_view text) const;
  bool empty() const { return secrets_.empty(); }

 private:
  std::set<std::string, std::greater<>>
      secrets_;  // longest-first is not needed: greater<> keeps order stable
};

}  // namespace sqlflow

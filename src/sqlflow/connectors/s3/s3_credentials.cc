#include "sqlflow/connectors/s3/s3_credentials.h"

#include <fstream>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"

namespace sqlflow::connectors::s3 {

std::optional<std::map<std::string, std::string>> ReadCredentialsSection(const std::string& path,
                                                                         const std::string& section) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::map<std::string, std::string> values;
  bool inside = false, found = false;
  std::string line;
  while (std::getline(in, line)) {
    std::string text = Trim(line);
    if (text.empty() || text[0] == '#' || text[0] == ';') continue;
    if (text.front() == '[' && text.back() == ']') {
      std::string name = Trim(text.substr(1, text.size() - 2));
      if (StartsWith(name, "profile ")) name = Trim(name.substr(8));
      inside = name == section;
      found |= inside;
      continue;
    }
    const size_t eq = text.find('=');
    if (inside && eq != std::string::npos)
      values[ToLower(Trim(text.substr(0, eq)))] = Trim(text.substr(eq + 1));
  }
  if (!found) return std::nullopt;
  return values;
}

ResolvedCredentials ResolveCredentials(const S3Options& options, const EnvLookup& env) {
  ResolvedCredentials out;
  if (!options.access_key_id.empty() && !options.secret_access_key.empty()) {
    out.keys = {options.access_key_id, options.secret_access_key, options.session_token};
    out.origin = "parameters";
    return out;
  }
  auto key = env("AWS_ACCESS_KEY_ID");
  auto secret = env("AWS_SECRET_ACCESS_KEY");
  if (key && secret) {
    out.keys = {*key, *secret, env("AWS_SESSION_TOKEN").value_or("")};
    out.origin = "environment";
    return out;
  }
  std::string file = env("AWS_SHARED_CREDENTIALS_FILE").value_or("");
  if (file.empty()) {
    if (auto home = env("HOME")) file = *home + "/.aws/credentials";
  }
  const std::string profile =
      !options.aws_profile.empty() ? options.aws_profile : env("AWS_PROFILE").value_or("default");
  if (!file.empty()) {
    if (auto section = ReadCredentialsSection(file, profile)) {
      auto& values = *section;
      if (!values["aws_access_key_id"].empty() && !values["aws_secret_access_key"].empty()) {
        out.keys = {values["aws_access_key_id"], values["aws_secret_access_key"],
                    values["aws_session_token"]};
        out.origin = file + " [" + profile + "]";
        return out;
      }
    }
  }
  if (options.anonymous) {
    out.anonymous = true;
    out.origin = "anonymous";
    return out;
  }
  throw Error(ErrorKind::kAuthFailed,
              "S3 credentials not found (set access_key_id/secret_access_key, AWS_* variables, or "
              "~/.aws/credentials)");
}

}  // namespace sqlflow::connectors::s3

// Secret masking (LANGUAGE.md §10.5, CONNECTORS.md §1.10): every URI / DSN form the connectors accept,
// and secret values written in pipeline and profile files as diagnostics quote them.
#include <gtest/gtest.h>

#include <string>

#include "sqlflow/common/diagnostic.h"
#include "sqlflow/common/redact.h"

namespace sqlflow {
namespace {

TEST(RedactTest, ConnectionStringsOfEveryForm) {
  struct Case {
    std::string text, secret, kept;
  };
  std::vector<Case> cases = {
      {"postgresql://user:pw-1@host:5432/db", "pw-1", "postgresql://user:***@host"},
      {"host=h port=5432 password=pw-2 dbname=d", "pw-2", "host=h port=5432 password=*** dbname=d"},
      {"host=h password='pw 3 x' dbname=d", "pw 3", "dbname=d"},
      {"dbname=d password = pw-4", "pw-4", "dbname=d"},
      {"https://api.example.com/v1?access_token=tok-5&page=2", "tok-5", "page=2"},
      {"https://x.blob/c?sv=1&sig=abc%2Fdef&api_key=key-6", "key-6", "sv=1"},
      {"https://user:pw-7@example.com/path", "pw-7", "user:***@example.com"},
      {"error: connection to \"host=h sslpassword=ssl-8\" failed", "ssl-8", "failed"},
  };
  for (const auto& c : cases) {
    std::string masked = MaskConnectionSecrets(c.text);
    EXPECT_EQ(masked.find(c.secret), std::string::npos) << c.text << " -> " << masked;
    EXPECT_NE(masked.find(c.kept), std::string::npos) << c.text << " -> " << masked;
  }
  // Ordinary text is left alone.
  EXPECT_EQ(MaskConnectionSecrets("rows=10 mode=replace key (id)"), "rows=10 mode=replace key (id)");
}

TEST(RedactTest, RedactorMasksKnownValuesAndConnectionStrings) {
  Redactor redactor;
  redactor.AddSecret("s3cr3t-value");
  EXPECT_EQ(redactor.Mask("a s3cr3t-value b host=h password=x1x2"), "a *** b host=h password=***");
}

TEST(RedactTest, SourceTextKeepsColumnsAndReferences) {
  struct Case {
    std::string text, secret;
  };
  std::vector<Case> cases = {
      {"PARAMS {\"password\": \"pw-a\", \"x\": 1}", "pw-a"},
      {"PARAMS {\"auth\": {\"type\": \"bearer\", \"token\": \"tok-b\"}}", "tok-b"},
      {"PARAMS {\"headers\": {\"Authorization\": \"Bearer hdr-c\"}}", "hdr-c"},
      {"PARAMS {\"api_key\":\n   \"key-d\"}", "key-d"},
      {"    password: yaml-e\n    type: postgres", "yaml-e"},
      {"    token: 'yaml-f' # comment", "yaml-f"},
      {"{\"uri\": \"host=h password=dsn-g dbname=d\"}", "dsn-g"},
      {"{\"path\": \"postgres://u:uri-h@h/db\"}", "uri-h"},
      {"SET api_token = 'set-i';", "set-i"},
      {"{\"password\": \"ünï-j\"}", "ünï-j"},
  };
  for (const auto& c : cases) {
    std::string masked = MaskSecretValuesInSource(c.text);
    EXPECT_EQ(masked.find(c.secret), std::string::npos) << c.text << " -> " << masked;
  }
  // Same length in code points, so carets stay under the right column.
  EXPECT_EQ(MaskSecretValuesInSource("{\"password\": \"ünï\", \"bad\": 1}"),
            "{\"password\": \"***\", \"bad\": 1}");
  // References stay readable; non-secret keys are untouched (an S3 object key is not a secret).
  // A bare YAML reference is not a secret; a bare value that merely starts with one still is.
  EXPECT_EQ(MaskSecretValuesInSource("    password: ${PGPASSWORD_X}\n"), "    password: ${PGPASSWORD_X}\n");
  EXPECT_EQ(MaskSecretValuesInSource("    password: ${PGPASSWORD_X}  # from .env\n"),
            "    password: ${PGPASSWORD_X}  # from .env\n");
  EXPECT_EQ(MaskSecretValuesInSource("    password: ${A}hunter2\n"), "    password: ***********\n");
  EXPECT_EQ(MaskSecretValuesInSource("{\"password\": \"${PG_PASSWORD}\", \"key\": \"a/b.csv\"}"),
            "{\"password\": \"${PG_PASSWORD}\", \"key\": \"a/b.csv\"}");
}

TEST(RedactTest, SourceCacheQuotesMaskedLines) {
  SourceCache cache;
  cache.Put("pipelines/p.sf", "SOURCE s TYPE CSV PARAMS {\"password\": \"abc\"};\nLOAD t FROM s;\n");
  EXPECT_EQ(cache.Line("pipelines/p.sf", 1), "SOURCE s TYPE CSV PARAMS {\"password\": \"***\"};");
  EXPECT_EQ(cache.Line("pipelines/p.sf", 2), "LOAD t FROM s;");
}

}  // namespace
}  // namespace sqlflow

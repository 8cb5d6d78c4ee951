// Unit tests of the s3 connector's pure parts: XML responses, globs, options, the credentials chain.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "sqlflow/common/error.h"
#include "sqlflow/connectors/s3/s3_credentials.h"
#include "sqlflow/connectors/s3/s3_options.h"
#include "sqlflow/connectors/s3/s3_xml.h"

namespace sqlflow::connectors::s3 {
namespace {

using Json = nlohmann::ordered_json;

TEST(S3Xml, ListObjectsV2PageWithEntitiesAndToken) {
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>"
      "<Prefix>dir/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>"
      "<NextContinuationToken>a/0+k==</NextContinuationToken>"
      "<Contents><Key>dir/a &amp; b.csv</Key><LastModified>2024-01-02T03:04:05.000Z</LastModified>"
      "<ETag>&quot;abc&quot;</ETag><Size>12</Size><StorageClass>STANDARD</StorageClass></Contents>"
      "<Contents><Key>dir/caf&#xE9;&#233;.csv</Key><ETag>\"d-2\"</ETag><Size>0</Size></Contents>"
      "</ListBucketResult>";
  const S3ListPage page = ParseListObjectsV2(xml);
  ASSERT_EQ(page.objects.size(), 2u);
  EXPECT_EQ(page.objects[0].key, "dir/a & b.csv");
  EXPECT_EQ(page.objects[0].etag, "abc");
  EXPECT_EQ(page.objects[0].size, 12);
  EXPECT_EQ(page.objects[0].last_modified, "2024-01-02T03:04:05.000Z");
  EXPECT_EQ(page.objects[1].key, "dir/caf\xC3\xA9\xC3\xA9.csv");
  EXPECT_EQ(page.objects[1].etag, "d-2");
  EXPECT_TRUE(page.truncated);
  EXPECT_EQ(page.next_continuation_token, "a/0+k==");
}

TEST(S3Xml, ErrorsAndMultipartShapes) {
  auto error = ParseS3Error(
      "<?xml version=\"1.0\"?><Error><Code>PermanentRedirect</Code><Message>wrong</Message>"
      "<Region>eu-west-1</Region></Error>");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "PermanentRedirect");
  EXPECT_EQ(error->region, "eu-west-1");
  EXPECT_FALSE(ParseS3Error("<CompleteMultipartUploadResult><ETag>x</ETag></CompleteMultipartUploadResult>"));
  EXPECT_EQ(ParseInitiateMultipartUpload("<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
                                         "<UploadId>u-1</UploadId></InitiateMultipartUploadResult>"),
            "u-1");
  auto uploads = ParseListMultipartUploads(
      "<ListMultipartUploadsResult><Upload><Key>k</Key><UploadId>u</UploadId></Upload>"
      "</ListMultipartUploadsResult>");
  ASSERT_EQ(uploads.size(), 1u);
  EXPECT_EQ(uploads[0].upload_id, "u");
}

TEST(S3Xml, MalformedInputFailsWithOffset) {
  for (const char* bad : {"<a><b></a>", "<a>&bogus;</a>", "<a>", "", "<!DOCTYPE x><a/>", "<a></a>junk"}) {
    try {
      ParseXml(bad);
      ADD_FAILURE() << "accepted: " << bad;
    } catch (const Error& error) {
      EXPECT_EQ(error.kind(), ErrorKind::kProtocolError);
      EXPECT_NE(std::string(error.what()).find("at byte"), std::string::npos) << error.what();
    }
  }
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  EXPECT_THROW(ParseXml(deep), Error);
  EXPECT_THROW(ParseListObjectsV2("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>"),
               Error);
}

TEST(S3Glob, StarQuestionDoubleStarAndClasses) {
  EXPECT_TRUE(GlobMatch("dir/*.csv", "dir/a.csv"));
  EXPECT_FALSE(GlobMatch("dir/*.csv", "dir/sub/a.csv"));
  EXPECT_TRUE(GlobMatch("dir/**/*.csv", "dir/sub/deeper/a.csv"));
  EXPECT_TRUE(GlobMatch("dir/**/*.csv", "dir/a.csv"));
  EXPECT_TRUE(GlobMatch("dir/**", "dir/x/y/z.parquet"));
  EXPECT_TRUE(GlobMatch("events/2024/0?/x.csv", "events/2024/05/x.csv"));
  EXPECT_FALSE(GlobMatch("events/2024/0?/x.csv", "events/2024/0/x.csv"));
  EXPECT_FALSE(GlobMatch("a?b", "a/b"));
  EXPECT_TRUE(GlobMatch("part-[0-9].csv", "part-7.csv"));
  EXPECT_FALSE(GlobMatch("part-[!0-9].csv", "part-7.csv"));
  EXPECT_TRUE(GlobMatch("part-[!0-9].csv", "part-x.csv"));
  EXPECT_EQ(LiteralPrefix("events/2024/0?/x.csv"), "events/2024/0");
  EXPECT_EQ(LiteralPrefix("data/[ab]/*.csv"), "data/");
}

TEST(S3Options, LocationKinds) {
  std::vector<S3OptionIssue> issues;
  auto parse = [&](Json values, bool source = true) {
    return ParseS3Options(values, source, issues).location;
  };
  auto key = parse({{"uri", "s3://my-bucket/dir/a.csv"}});
  EXPECT_EQ(key.kind, S3Location::Kind::kKey);
  EXPECT_EQ(key.bucket, "my-bucket");
  EXPECT_EQ(key.key, "dir/a.csv");
  EXPECT_EQ(parse({{"uri", "s3://my-bucket/dir/"}}).kind, S3Location::Kind::kPrefix);
  EXPECT_EQ(parse({{"uri", "s3://my-bucket"}}).kind, S3Location::Kind::kPrefix);
  auto pattern = parse({{"uri", "s3://my-bucket/events/2024/0?/x.csv"}});
  EXPECT_EQ(pattern.kind, S3Location::Kind::kPattern);
  EXPECT_EQ(pattern.prefix, "events/2024/0");
  auto prefix = parse({{"bucket", "my-bucket"}, {"prefix", "logs"}});
  EXPECT_EQ(prefix.kind, S3Location::Kind::kPrefix);
  EXPECT_EQ(prefix.prefix, "logs");
  EXPECT_TRUE(issues.empty());
}

TEST(S3Options, ConfigErrorsAndWarnings) {
  auto messages = [](Json values, bool source) {
    std::vector<S3OptionIssue> issues;
    ParseS3Options(values, source, issues);
    std::string out;
    for (const auto& issue : issues) out += (issue.error ? "E:" : "W:") + issue.message + "\n";
    return out;
  };
  EXPECT_NE(messages({{"uri", "http://x/y"}}, true)
                .find("E:S3 connector: 'uri' must look like s3://bucket/key; got 'http://x/y'"),
            std::string::npos);
  EXPECT_NE(messages({{"uri", "s3://Bad_Bucket/k"}}, true).find("invalid bucket name 'Bad_Bucket'"),
            std::string::npos);
  EXPECT_NE(messages({{"uri", "s3://bucket/k"}, {"access_key_id", "x"}}, true)
                .find("give both 'access_key_id' and 'secret_access_key' or neither"),
            std::string::npos);
  EXPECT_NE(messages({{"uri", "s3://bucket/dir/*.csv"}}, false)
                .find("glob characters are not allowed in a destination key"),
            std::string::npos);
  EXPECT_NE(messages({{"uri", "s3://bucket/out.csv"}, {"format", "parquet"}}, false)
                .find("W:S3 connector: format 'parquet' differs from the key extension '.csv'"),
            std::string::npos);
  EXPECT_EQ(messages({{"uri", "s3://bucket/out.csv.gz"}, {"format", "csv"}}, false), "");
}

TEST(S3Options, RegionFromEnvironment) {
  std::map<std::string, std::string> vars = {{"AWS_DEFAULT_REGION", "eu-central-1"}};
  EnvLookup env = [&](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  std::vector<S3OptionIssue> issues;
  EXPECT_EQ(ParseS3Options({{"uri", "s3://bucket/k.csv"}}, true, issues, env).region, "eu-central-1");
  vars["AWS_REGION"] = "ap-south-1";
  EXPECT_EQ(ParseS3Options({{"uri", "s3://bucket/k.csv"}}, true, issues, env).region, "ap-south-1");
  EXPECT_EQ(ParseS3Options({{"uri", "s3://bucket/k.csv"}, {"region", "us-west-2"}}, true, issues, env).region,
            "us-west-2");
  vars.clear();
  EXPECT_EQ(ParseS3Options({{"uri", "s3://bucket/k.csv"}}, true, issues, env).region, "us-east-1");
}

TEST(S3Options, FormatOfKey) {
  EXPECT_EQ(FormatOfKey("a/b.csv.gz").format, "csv");
  EXPECT_EQ(FormatOfKey("a/b.csv.gz").compression, "gzip");
  EXPECT_EQ(FormatOfKey("b.ndjson.zst").format, "jsonl");
  EXPECT_EQ(FormatOfKey("b.ndjson.zst").compression, "zstd");
  EXPECT_EQ(FormatOfKey("b.PARQUET").format, "parquet");
  EXPECT_EQ(FormatOfKey("b.txt").format, "");
  EXPECT_EQ(FormatOfKey("b.txt").extension, ".txt");
  EXPECT_EQ(FormatOfKey("noext").extension, "");
}

TEST(S3Credentials, ChainOrder) {
  const auto dir = std::filesystem::temp_directory_path() / ("sqlflow-s3-cred-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "credentials").string();
  std::ofstream(file) << "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = FILESECRET\n"
                         "[other]\naws_access_key_id=OTHER\naws_secret_access_key=OTHERSECRET\n"
                         "aws_session_token=TOK\n";
  std::map<std::string, std::string> vars = {{"AWS_SHARED_CREDENTIALS_FILE", file}};
  EnvLookup env = [&](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  S3Options options;
  EXPECT_EQ(ResolveCredentials(options, env).keys.access_key_id, "FILEKEY");
  options.aws_profile = "other";
  auto other = ResolveCredentials(options, env);
  EXPECT_EQ(other.keys.access_key_id, "OTHER");
  EXPECT_EQ(other.keys.session_token, "TOK");
  vars["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  vars["AWS_SECRET_ACCESS_KEY"] = "ENVSECRET";
  EXPECT_EQ(ResolveCredentials(options, env).keys.access_key_id, "ENVKEY");
  options.access_key_id = "PARAMKEY";
  options.secret_access_key = "PARAMSECRET";
  EXPECT_EQ(ResolveCredentials(options, env).keys.access_key_id, "PARAMKEY");
  vars.clear();
  S3Options none;
  try {
    ResolveCredentials(none, env);
    ADD_FAILURE() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kAuthFailed);
    EXPECT_STREQ(error.what(),
                 "S3 credentials not found (set access_key_id/secret_access_key, AWS_* variables, or "
                 "~/.aws/credentials)");
  }
  none.anonymous = true;
  EXPECT_TRUE(ResolveCredentials(none, env).anonymous);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sqlflow::connectors::s3

// The s3 connector against real components (CONNECTORS.md §4.2-4.4): s3rver (functional: single key,
// prefix, glob, format auto, EXPORT to a key and a partitioned prefix, paged listings) and the in-process S3
// mock (faults F1, F2, F9, F10, F23, F24, F25; multipart threshold edges and part sizes; incremental by
// _s3_last_modified; the failed-write invariants: target and remote object unchanged, no pending upload).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "pg_test_util.h"
#include "s3_mock.h"
#include "sqlflow/common/error.h"
#include "sqlflow/connectors/s3/s3_client.h"

namespace sqlflow::testing {
namespace {

namespace s3 = connectors::s3;

const std::string kBucket = "sqlflow-test";

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The s3rver endpoint: $S3_ENDPOINT, else the env file the ctest fixture wrote.
std::optional<std::string> S3rverEndpoint() {
  if (const char* endpoint = std::getenv("S3_ENDPOINT"); endpoint && *endpoint) return std::string(endpoint);
  const std::string text = ReadText(SQLFLOW_S3_ENV_FILE);
  const std::string marker = "S3_ENDPOINT='";
  const size_t at = text.find(marker);
  if (at == std::string::npos) return std::nullopt;
  return text.substr(at + marker.size(), text.find('\'', at + marker.size()) - at - marker.size());
}

#define SQLFLOW_REQUIRE_S3RVER(var)                                                       \
  std::string var;                                                                        \
  if (auto found = S3rverEndpoint()) {                                                    \
    var = *found;                                                                         \
  } else {                                                                                \
    const char* reason = "no s3rver (run scripts/s3-test-server.sh start, or use ctest)"; \
    if (InCi()) FAIL() << reason;                                                         \
    GTEST_SKIP() << reason;                                                               \
  }

// A client for setting up and checking objects.
std::unique_ptr<s3::S3Client> Client(const std::string& endpoint, int max_retries = 0) {
  auto config = std::make_shared<s3::S3ClientConfig>();
  config->options.endpoint_url = endpoint;
  config->options.region = "us-east-1";
  config->credentials.keys = {"S3RVER", "S3RVER", ""};
  config->retry.max_retries = max_retries;
  config->retry.retry_delay = 0.01;
  config->retry.retry_max_delay = 0.05;
  config->retry.timeout_seconds = 10;
  config->retry.circuit_breaker_threshold = 0;
  config->prefix = "test";
  return std::make_unique<s3::S3Client>(config);
}

std::string Lines(int from, int to) {
  std::string out = "id,name\n";
  for (int i = from; i <= to; ++i) out += std::to_string(i) + ",n" + std::to_string(i) + "\n";
  return out;
}

// Pseudo-random bytes that do not compress (multipart sizes are exact).
std::string Bytes(size_t size, uint32_t seed) {
  std::string out(size, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (auto& c : out) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    c = static_cast<char>(x);
  }
  return out;
}

class S3Cli : public ::testing::Test {
 protected:
  // A project whose profile has one s3 connector `lake` pointing at `endpoint`.
  void Project(const std::string& endpoint, const std::string& pipeline, const std::string& extra = "") {
    WriteFile(
        dir_.path() + "/profiles/dev.yml",
        "engines:\n  duckdb:\n    mode: persistent\n    path: target/warehouse.duckdb\n"
        "connectors:\n  lake:\n    type: s3\n    params:\n      endpoint_url: \"" +
            endpoint +
            "\"\n      access_key_id: S3RVER\n      secret_access_key: S3RVER\n      retry_delay: 0.01\n"
            "      retry_max_delay: 0.05\n" +
            extra);
    WriteFile(dir_.path() + "/pipelines/p.sf", pipeline);
  }
  CommandResult Run(const std::string& pipeline = "p") {
    return RunCommand(std::string(SQLFLOW_BINARY) + " --no-color --project-dir " + dir_.path() +
                      " pipeline run " + pipeline);
  }
  std::string Output(const std::string& file) { return ReadText(dir_.path() + "/output/" + file); }
  // No download directory or export file is left in the run temp directories.
  void ExpectNoTempFiles() {
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir_.path(), ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      EXPECT_EQ(name.rfind("s3-", 0), std::string::npos) << "left behind: " << it->path();
    }
  }
  TempDir dir_;
};

// ---------------------------------------------------------------- s3rver (functional)

TEST_F(S3Cli, SingleKeyPrefixGlobAndFormatAuto) {
  SQLFLOW_REQUIRE_S3RVER(endpoint);
  auto client = Client(endpoint);
  const std::string root = TestTableName() + "/";
  client->PutBytes(kBucket, root + "dir/a.csv", Lines(1, 3), "text/csv");
  client->PutBytes(kBucket, root + "dir/b.csv", Lines(4, 5), "text/csv");
  client->PutBytes(kBucket, root + "dir/sub/c.csv", Lines(6, 9), "text/csv");
  client->PutBytes(kBucket, root + "dir/readme.txt", "not data", "text/plain");
  client->PutBytes(kBucket, root + "dir/my key+x=y~z.csv", Lines(10, 10), "text/csv");
  const std::string uri = "s3://" + kBucket + "/" + root;
  Project(
      endpoint,
      "SOURCE one FROM \"lake\" OPTIONS {\"uri\": \"" + uri +
          "dir/a.csv\"};\n"
          "SOURCE all_objects FROM \"lake\" OPTIONS {\"uri\": \"" +
          uri +
          "dir/\", \"include_metadata\": true};\n"
          "SOURCE top FROM \"lake\" OPTIONS {\"uri\": \"" +
          uri +
          "dir/*.csv\", \"include_filename\": true};\n"
          "SOURCE deep FROM \"lake\" OPTIONS {\"uri\": \"" +
          uri +
          "dir/**/*.csv\"};\n"
          "LOAD t_one FROM one;\nLOAD t_all FROM all_objects;\nLOAD t_top FROM top;\nLOAD t_deep FROM deep;\n"
          "EXPORT SELECT (SELECT count(*) FROM t_one) AS one, (SELECT count(*) FROM t_all) AS all_rows,\n"
          "  (SELECT count(DISTINCT _s3_key) FROM t_all) AS keys, (SELECT count(*) FROM t_top) AS top,\n"
          "  (SELECT count(*) FROM t_deep) AS deep, (SELECT sum(id) FROM t_deep) AS id_sum,\n"
          "  (SELECT min(filename) FROM t_top) AS first_file\n"
          "TO \"output/counts.csv\";\n");
  CommandResult run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(Output("counts.csv"),
            "one,all_rows,keys,top,deep,id_sum,first_file\n3,10,4,6,10,55," + uri + "dir/a.csv\n");
  EXPECT_NE(run.output.find("skipped " + uri + "dir/readme.txt (unknown extension '.txt')"),
            std::string::npos)
      << run.output;
  ExpectNoTempFiles();
}

TEST_F(S3Cli, ExportToKeyAndPartitionedPrefixRoundTrip) {
  SQLFLOW_REQUIRE_S3RVER(endpoint);
  const std::string root = "s3://" + kBucket + "/" + TestTableName() + "/";
  auto to = [&](const std::string& key) { return "EXPORT SELECT * FROM src TO \"" + root + key + "\""; };
  Project(endpoint,
          "CREATE TABLE src AS SELECT i AS id, i % 3 AS part, 'v' || i AS v FROM range(1000) t(i);\n" +
              to("one.parquet") + ";\n" + to("csv/one.csv") + ";\n" + to("gz/one.csv.gz") + ";\n" +
              to("json/one.jsonl") + ";\n" + to("parts/") +
              " TYPE S3 OPTIONS {\"file_format\": \"parquet\", \"partition_by\": [\"part\"]};\n");
  CommandResult run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  auto from = [&](const std::string& name, const std::string& key, const std::string& extra = "") {
    return "SOURCE " + name + " FROM \"lake\" OPTIONS {\"uri\": \"" + root + key + "\"" + extra + "};\n";
  };
  WriteFile(dir_.path() + "/pipelines/back.sf",
            from("a", "one.parquet") + from("b", "csv/one.csv") +
                from("c", "parts/**/*.parquet", ", \"include_metadata\": true") + from("d", "gz/one.csv.gz") +
                from("e", "json/", ", \"include_filename\": true") +
                "LOAD ta FROM a;\nLOAD tb FROM b;\nLOAD tc FROM c;\nLOAD td FROM d;\nLOAD te FROM e;\n"
                "EXPORT SELECT (SELECT count(*) FROM ta) AS a, (SELECT sum(id) FROM tb) AS b,\n"
                "  (SELECT count(*) FROM tc) AS c, (SELECT count(DISTINCT _s3_key) FROM tc) AS files,\n"
                "  (SELECT sum(id) FROM td) AS d, (SELECT count(*) FROM te) AS e, (SELECT min(filename) FROM "
                "te) AS f\n"
                "TO \"output/back.csv\";\n");
  run = Run("back");
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(Output("back.csv"),
            "a,b,c,files,d,e,f\n1000,499500,1000,3,499500,1000," + root + "json/one.jsonl\n");
}

TEST_F(S3Cli, PagedListingOnS3rver) {  // F25 on the real server
  SQLFLOW_REQUIRE_S3RVER(endpoint);
  auto client = Client(endpoint);
  const std::string prefix = TestTableName() + "/";
  for (int i = 0; i < 7; ++i) client->PutBytes(kBucket, prefix + "k" + std::to_string(i), "x", "text/plain");
  std::set<std::string> keys;
  std::string token;
  int pages = 0;
  for (;;) {
    auto page = client->ListPage(kBucket, prefix, token, 2);
    ++pages;
    for (const auto& object : page.objects) EXPECT_TRUE(keys.insert(object.key).second) << object.key;
    if (!page.truncated) break;
    token = page.next_continuation_token;
  }
  EXPECT_EQ(keys.size(), 7u);
  EXPECT_EQ(pages, 4);
}

// ---------------------------------------------------------------- mock (faults)

TEST_F(S3Cli, F1RetriesOneObjectAndReadsExactRows) {
  S3Mock mock;
  for (int i = 0; i < 4; ++i) {
    mock.PutObject(kBucket, "d/p" + std::to_string(i) + ".csv", Lines(i * 10, i * 10 + 9));
  }
  mock.AddFault(S3Mock::Answer("GET", "/d/p2.csv", 0, 3, 503, "ServiceUnavailable"));
  Project(mock.endpoint(), "SOURCE s FROM \"lake\" OPTIONS {\"uri\": \"s3://" + kBucket +
                               "/d/\"};\nLOAD t FROM s;\n"
                               "EXPORT SELECT count(*) AS n, count(DISTINCT id) AS ids, sum(id) AS s FROM t "
                               "TO \"output/n.csv\";\n");
  CommandResult run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(Output("n.csv"), "n,ids,s\n40,40,780\n");
  EXPECT_EQ(mock.Count("GET", "/d/p2.csv"), 4);
  EXPECT_EQ(mock.Count("GET", "/d/p1.csv"), 1);
  ExpectNoTempFiles();
}

TEST_F(S3Cli, F2EveryAttemptFailsAndNothingChanges) {
  S3Mock mock;
  mock.PutObject(kBucket, "d/a.csv", Lines(1, 5));
  Project(mock.endpoint(), "SOURCE s FROM \"lake\" OPTIONS {\"uri\": \"s3://" + kBucket +
                               "/d/a.csv\", \"max_retries\": 2};\n"
                               "LOAD t FROM s;\n");
  ASSERT_EQ(Run().exit_code, 0);
  mock.AddFault(S3Mock::Answer("GET", "/d/a.csv", 0, -1, 503, "ServiceUnavailable"));
  mock.PutObject(kBucket, "d/a.csv", Lines(1, 9));
  CommandResult run = Run();
  EXPECT_NE(run.exit_code, 0);
  EXPECT_EQ(mock.Count("GET", "/d/a.csv"), 1 + 3);  // first run once, then max_retries + 1
  EXPECT_NE(run.output.find("HTTP 503"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("/sqlflow-test/d/a.csv"), std::string::npos) << run.output;
  WriteFile(dir_.path() + "/pipelines/check.sf", "EXPORT SELECT count(*) AS n FROM t TO \"output/n.csv\";\n");
  ASSERT_EQ(Run("check").exit_code, 0);
  EXPECT_EQ(Output("n.csv"), "n\n5\n");  // target unchanged
  ExpectNoTempFiles();
}

TEST_F(S3Cli, F25PagedListingWithTokensContainingPlusSlashEquals) {
  S3Mock mock;
  mock.SetMaxKeys(2);
  for (int i = 0; i < 9; ++i) mock.PutObject(kBucket, "d/f" + std::to_string(i) + ".csv", Lines(i, i));
  Project(mock.endpoint(),
          "SOURCE s FROM \"lake\" OPTIONS {\"uri\": \"s3://" + kBucket +
              "/d/*.csv\"};\nLOAD t FROM s;\n"
              "EXPORT SELECT count(*) AS n, count(DISTINCT id) AS ids FROM t TO \"output/n.csv\";\n");
  CommandResult run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(Output("n.csv"), "n,ids\n9,9\n");
  EXPECT_EQ(mock.Count("GET", "list-type=2"), 5);
  EXPECT_EQ(mock.Count("GET", "continuation-token=a/0+k=="), 4);
}

TEST_F(S3Cli, IncrementalByLastModifiedDoesNotDownloadOldObjects) {
  S3Mock mock;
  mock.PutObject(kBucket, "e/1.csv", Lines(1, 2), "2024-01-01T00:00:00.000Z");
  mock.PutObject(kBucket, "e/2.csv", Lines(3, 4), "2024-01-02T00:00:00.000Z");
  Project(mock.endpoint(),
          "SOURCE s FROM \"lake\" OPTIONS {\"uri\": \"s3://" + kBucket +
              "/e/\", \"sync_mode\": \"incremental\", \"cursor_field\": \"_s3_last_modified\"};\n"
              "LOAD t FROM s MODE APPEND;\n"
              "EXPORT SELECT count(*) AS n, max(_s3_last_modified) AS m FROM t TO \"output/n.csv\";\n");
  CommandResult run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(Output("n.csv"), "n,m\n4,2024-01-02 00:00:00+00\n");
  mock.PutObject(kBucket, "e/3.csv", Lines(5, 7), "2024-01-03T00:00:00.000Z");
  run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(Output("n.csv"), "n,m\n7,2024-01-03 00:00:00+00\n");
  EXPECT_EQ(mock.Count("GET", "/e/1.csv"), 1);  // not downloaded again
  EXPECT_EQ(mock.Count("GET", "/e/3.csv"), 1);
}

TEST(S3Download, F9BrokenBodyResumesWithRangeAndIfMatch) {
  S3Mock mock;
  const std::string data = Bytes(3 * 1024 * 1024 + 17, 9);
  mock.PutObject(kBucket, "big.bin", data);
  mock.AddFault(S3Mock::Cut("/big.bin", 1024 * 1024));
  TempDir dir;
  auto client = Client(mock.endpoint(), 3);
  s3::S3ObjectInfo info{"big.bin", static_cast<int64_t>(data.size()), mock.GetObject(kBucket, "big.bin").etag,
                        ""};
  client->Download(kBucket, info, dir.path() + "/big.bin");
  EXPECT_TRUE(ReadText(dir.path() + "/big.bin") == data) << "local file differs";
  const auto log = mock.Log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].range, "bytes=" + std::to_string(1024 * 1024) + "-");
  EXPECT_EQ(log[1].if_match, "\"" + info.etag + "\"");
}

TEST(S3Download, F10ObjectChangedRestartsFromByteZero) {
  S3Mock mock;
  const std::string old_data = Bytes(2 * 1024 * 1024, 1);
  const std::string new_data = Bytes(2 * 1024 * 1024 + 5, 2);
  mock.PutObject(kBucket, "obj.bin", old_data);
  S3Mock::Fault cut = S3Mock::Cut("/obj.bin", 512 * 1024);
  cut.before = [&] { mock.PutObject(kBucket, "obj.bin", new_data); };  // changes right after the first GET
  mock.AddFault(cut);
  TempDir dir;
  auto client = Client(mock.endpoint(), 3);
  s3::S3ObjectInfo info{"obj.bin", static_cast<int64_t>(old_data.size()),
                        mock.GetObject(kBucket, "obj.bin").etag, ""};
  client->Download(kBucket, info, dir.path() + "/obj.bin");
  EXPECT_TRUE(ReadText(dir.path() + "/obj.bin") == new_data) << "content is not the new version";
  int precondition_failed = 0;
  for (const auto& entry : mock.Log()) precondition_failed += entry.status == 412;
  EXPECT_EQ(precondition_failed, 1);
  EXPECT_EQ(mock.Log().back().range, "");  // restarted from byte 0
}

// ---------------------------------------------------------------- mock (multipart)

class S3Multipart : public S3Cli {
 protected:
  // EXPORT of `bytes` random bytes as one CSV column of hex text is not exact in size; an exact size comes
  // from exporting a file whose content we control: a one-column CSV of a string of `size - 1` bytes and a
  // newline.
  std::string ExportPipeline(const std::string& key, int64_t size, const std::string& options) {
    return "CREATE TABLE big AS SELECT repeat('x', " + std::to_string(size - 1) +
           ") AS v;\n"
           "EXPORT SELECT v FROM big TO \"s3://" +
           kBucket + "/" + key + "\" OPTIONS {\"header\": false" + options + "};\n";
  }
};

TEST_F(S3Multipart, ThresholdEdgeExactlyThresholdIsOnePutOneByteMoreIsMultipart) {
  S3Mock mock;
  const int64_t threshold = 5 * 1024 * 1024;
  Project(mock.endpoint(), ExportPipeline("edge/exact.csv", threshold, ", \"multipart_threshold_mb\": 5"));
  CommandResult run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(mock.GetObject(kBucket, "edge/exact.csv").data.size(), static_cast<size_t>(threshold));
  EXPECT_EQ(mock.Count("POST", "uploads"), 0);
  Project(mock.endpoint(), ExportPipeline("edge/more.csv", threshold + 1,
                                          ", \"multipart_threshold_mb\": 5, \"part_size_mb\": 5"));
  run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(mock.GetObject(kBucket, "edge/more.csv").data.size(), static_cast<size_t>(threshold + 1));
  EXPECT_EQ(mock.Count("POST", "uploads"), 1);
  ASSERT_EQ(mock.CompletedPartSizes().size(), 1u);
  EXPECT_EQ(mock.CompletedPartSizes()[0], (std::vector<int64_t>{threshold, 1}));
}

TEST_F(S3Multipart, F23PartAndCompleteFaultsAreRetriedToOneExactObject) {
  S3Mock mock;
  const int64_t size = 16 * 1024 * 1024 + 3;
  mock.AddFault(S3Mock::Answer("PUT", "partNumber=3", 0, 1, 503, "SlowDown"));
  mock.AddFault(S3Mock::Answer("POST", "uploadId=", 0, 1, 500, "InternalError"));
  S3Mock::Fault error200 = S3Mock::Answer("POST", "uploadId=", 0, 1, 200, "InternalError");
  error200.error_body_with_200 = true;
  mock.AddFault(error200);
  Project(mock.endpoint(), ExportPipeline("f23/big.csv", size,
                                          ", \"multipart_threshold_mb\": 5, \"part_size_mb\": 5, "
                                          "\"max_concurrent_uploads\": 2"));
  CommandResult run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const std::string expected = std::string(static_cast<size_t>(size - 1), 'x') + "\n";
  // header false: the object is the value plus a newline, exactly `size` bytes.
  EXPECT_TRUE(mock.GetObject(kBucket, "f23/big.csv").data == expected);
  EXPECT_EQ(mock.Count("PUT", "partNumber=3"), 2);
  EXPECT_EQ(mock.Count("PUT", "partNumber=1"), 1);
  EXPECT_EQ(mock.Count("POST", "uploadId="), 3);
  EXPECT_EQ(mock.Keys(kBucket).size(), 1u);
  for (const auto& sizes : mock.CompletedPartSizes()) {
    for (size_t i = 0; i + 1 < sizes.size(); ++i) EXPECT_EQ(sizes[i], 5 * 1024 * 1024);
  }
  EXPECT_EQ(mock.PendingUploads(), 0u);
}

TEST_F(S3Multipart, F24FailureAfterTwoOfFivePartsAbortsAndKeepsTheOldObject) {
  S3Mock mock;
  mock.PutObject(kBucket, "f24/obj.csv", "old\n");
  mock.AddFault(S3Mock::Answer("PUT", "partNumber=3", 0, -1, 403, "AccessDenied"));
  Project(mock.endpoint(), ExportPipeline("f24/obj.csv", 24 * 1024 * 1024,
                                          ", \"multipart_threshold_mb\": 5, \"part_size_mb\": 5, "
                                          "\"max_concurrent_uploads\": 1"));
  CommandResult run = Run();
  EXPECT_NE(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("access denied"), std::string::npos) << run.output;
  EXPECT_EQ(mock.Count("DELETE", "uploadId="), 1);
  EXPECT_EQ(mock.PendingUploads(), 0u);
  EXPECT_EQ(mock.GetObject(kBucket, "f24/obj.csv").data, "old\n");
  EXPECT_EQ(mock.Count("PUT", "partNumber=4"), 0);
  ExpectNoTempFiles();
}

TEST_F(S3Cli, AppendAndUpsertOnAKeyAndPrefixReplace) {
  S3Mock mock;
  mock.PutObject(kBucket, "m/data.csv", "id,v\n1,a\n2,b\n");
  mock.PutObject(kBucket, "pre/old_1.csv", "id\n1\n");
  Project(mock.endpoint(),
          "CREATE TABLE x AS SELECT * FROM (VALUES (2, 'B'), (3, 'c')) t(id, v);\n"
          "EXPORT SELECT * FROM x TO \"s3://" +
              kBucket +
              "/m/data.csv\" OPTIONS {\"mode\": \"upsert\", \"keys\": \"id\"};\n"
              "EXPORT SELECT * FROM x TO \"s3://" +
              kBucket +
              "/m/log.csv\" OPTIONS {\"mode\": \"append\"};\n"
              "EXPORT SELECT * FROM x TO \"s3://" +
              kBucket +
              "/m/log.csv\" OPTIONS {\"mode\": \"append\"};\n"
              "EXPORT SELECT * FROM x TO \"s3://" +
              kBucket + "/pre/\" TYPE S3 OPTIONS {\"format\": \"csv\"};\n");
  CommandResult run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(mock.GetObject(kBucket, "m/data.csv").data, "id,v\n1,a\n2,B\n3,c\n");
  EXPECT_EQ(mock.GetObject(kBucket, "m/log.csv").data, "id,v\n2,B\n3,c\n2,B\n3,c\n");
  EXPECT_FALSE(mock.HasObject(kBucket, "pre/old_1.csv"));
  int under_prefix = 0;
  for (const auto& key : mock.Keys(kBucket)) under_prefix += key.rfind("pre/", 0) == 0;
  EXPECT_EQ(under_prefix, 1);
}

}  // namespace
}  // namespace sqlflow::testing

namespace sqlflow::testing {
namespace {

// F30: parallel downloads against a host that keeps failing open the breaker after
// circuit_breaker_threshold failed attempts in total, long before every download's own budget is spent.
TEST_F(S3Cli, F30BreakerOpensAcrossParallelDownloads) {
  S3Mock mock;
  for (int i = 0; i < 8; ++i) mock.PutObject(kBucket, "dead/" + std::to_string(i) + ".csv", Lines(i, i));
  mock.AddFault(S3Mock::Answer("GET", "/dead/", 0, -1, 503, "ServiceUnavailable"));
  // The listing (a GET on the bucket, "/sqlflow-test?...") does not contain "/dead/" and succeeds.
  Project(mock.endpoint(), "SOURCE s FROM \"lake\" OPTIONS {\"uri\": \"s3://" + kBucket +
                               "/dead/\", \"max_retries\": 10, \"circuit_breaker_threshold\": 6, "
                               "\"max_concurrent_downloads\": 4};\n"
                               "LOAD t FROM s;\n");
  CommandResult run = Run();
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("circuit open"), std::string::npos) << run.output;
  const int attempts = mock.Count("GET", "/dead/");
  EXPECT_GE(attempts, 6);
  EXPECT_LT(attempts, 8 * 11 / 2) << "the breaker did not bound the attempts";
  ExpectNoTempFiles();
}

}  // namespace
}  // namespace sqlflow::testing

namespace sqlflow::testing {
namespace {

// The compile-time fixes of issue 10: file_format is an alias of format for S3 EXPORT options, the
// extension-mismatch warning, and SF411 for an ambiguous choice of s3 connector (§6.10).
TEST_F(S3Cli, ExportValidationFileFormatMismatchWarningAndSeveralConnectors) {
  Project("http://127.0.0.1:1",
          "CREATE TABLE t AS SELECT 1 AS id;\n"
          "EXPORT SELECT * FROM t TO \"s3://bucket-a/dir/\" TYPE S3 OPTIONS {\"file_format\": \"parquet\"};\n"
          "EXPORT SELECT * FROM t TO \"s3://bucket-a/out.csv\" OPTIONS {\"format\": \"parquet\"};\n");
  auto validate = [&] {
    return RunCommand(std::string(SQLFLOW_BINARY) + " --no-color --project-dir " + dir_.path() +
                      " pipeline validate p");
  };
  CommandResult result = validate();
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output.find("SF409"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("S3 connector: format 'parquet' differs from the key extension '.csv'"),
            std::string::npos)
      << result.output;
  // A second s3 connector makes the choice ambiguous.
  Project("http://127.0.0.1:1",
          "CREATE TABLE t AS SELECT 1 AS id;\nEXPORT SELECT * FROM t TO \"s3://bucket-a/x.csv\";\n",
          "  archive:\n    type: s3\n    params:\n      region: eu-west-1\n");
  result = validate();
  EXPECT_NE(result.exit_code, 0);
  EXPECT_NE(
      result.output.find("several s3 connectors in profile 'dev' (lake, archive); choose one with OPTIONS "
                         "{\"connector\": \"<name>\"}"),
      std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("SF411"), std::string::npos);
  WriteFile(dir_.path() + "/pipelines/p.sf",
            "CREATE TABLE t AS SELECT 1 AS id;\n"
            "EXPORT SELECT * FROM t TO \"s3://bucket-a/x.csv\" OPTIONS {\"connector\": \"archive\"};\n");
  result = validate();
  EXPECT_EQ(result.exit_code, 0) << result.output;
  WriteFile(dir_.path() + "/pipelines/p.sf",
            "CREATE TABLE t AS SELECT 1 AS id;\n"
            "EXPORT SELECT * FROM t TO \"s3://bucket-a/x.csv\" OPTIONS {\"connector\": \"nope\"};\n");
  result = validate();
  EXPECT_NE(result.output.find("SF407"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace sqlflow::testing

namespace sqlflow::testing {
namespace {

// §4.4 limits: more objects than max_files_per_run is an error (never a silent truncation); dev_max_files and
// dev_sampling keep a deterministic subset with a warning.
TEST_F(S3Cli, LimitsAndDevSampling) {
  S3Mock mock;
  for (int i = 0; i < 5; ++i) mock.PutObject(kBucket, "lim/" + std::to_string(i) + ".csv", Lines(i, i));
  const std::string uri = "s3://" + kBucket + "/lim/";
  Project(mock.endpoint(), "SOURCE s FROM \"lake\" OPTIONS {\"uri\": \"" + uri +
                               "\", \"max_files_per_run\": 3};\nLOAD t FROM s;\n");
  CommandResult run = Run();
  EXPECT_NE(run.exit_code, 0);
  EXPECT_NE(run.output.find("5 objects match " + uri + ", more than max_files_per_run (3)"),
            std::string::npos)
      << run.output;
  EXPECT_EQ(mock.Count("GET", "/lim/"), 0);  // nothing downloaded
  Project(mock.endpoint(), "SOURCE s FROM \"lake\" OPTIONS {\"uri\": \"" + uri +
                               "\", \"dev_max_files\": 2};\nLOAD t FROM s;\n"
                               "SOURCE h FROM \"lake\" OPTIONS {\"uri\": \"" +
                               uri +
                               "\", \"dev_sampling\": 0.5};\nLOAD u FROM h;\n"
                               "EXPORT SELECT (SELECT string_agg(id::VARCHAR, ',' ORDER BY id) FROM t) AS t, "
                               "(SELECT count(*) FROM u) AS u "
                               "TO \"output/n.csv\";\n");
  run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("dev_max_files 2 kept 2 of 5 objects"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("dev_sampling 0.5 kept"), std::string::npos) << run.output;
  const std::string first = Output("n.csv");
  EXPECT_EQ(first.substr(0, 10), "t,u\n\"0,1\",");
  ASSERT_EQ(Run().exit_code, 0);
  EXPECT_EQ(Output("n.csv"), first);  // the same sample every run
}

}  // namespace
}  // namespace sqlflow::testing

namespace sqlflow::testing {
namespace {

// Multipart round trip on the real server (s3rver accepts the multipart calls).
TEST_F(S3Cli, MultipartRoundTripOnS3rver) {
  SQLFLOW_REQUIRE_S3RVER(endpoint);
  const std::string uri = "s3://" + kBucket + "/" + TestTableName() + "/mp.csv";
  Project(endpoint,
          "CREATE TABLE big AS SELECT i AS id, repeat('y', 100) AS pad FROM range(120000) t(i);\n"
          "EXPORT SELECT * FROM big TO \"" +
              uri +
              "\" OPTIONS {\"multipart_threshold_mb\": 5, \"part_size_mb\": 5};\n"
              "SOURCE b FROM \"lake\" OPTIONS {\"uri\": \"" +
              uri +
              "\"};\nLOAD back FROM b;\n"
              "EXPORT SELECT count(*) AS n, sum(id) AS s FROM back TO \"output/mp.csv\";\n");
  CommandResult run = Run();
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(Output("mp.csv"), "n,s\n120000,7199940000\n");
  auto head = Client(endpoint)->Head(kBucket, TestTableName() + "/mp.csv");
  ASSERT_TRUE(head.has_value());
  EXPECT_GT(head->size, 12 * 1024 * 1024);  // 3 parts of 5 MiB at most
}

}  // namespace
}  // namespace sqlflow::testing

namespace sqlflow::testing {
namespace {

// F28 (write): SIGINT while parts are uploading: the run exits non-zero, the multipart upload is aborted (no
// pending upload), the old object is intact and no temp file is left.
TEST_F(S3Cli, F28SigintDuringMultipartUploadAbortsIt) {
  S3Mock mock;
  mock.PutObject(kBucket, "f28/obj.csv", "old\n");
  S3Mock::Fault slow = S3Mock::Answer("PUT", "partNumber=", 0, -1, 0, "");
  slow.delay_ms = 3000;
  mock.AddFault(slow);
  Project(mock.endpoint(),
          "CREATE TABLE big AS SELECT repeat('x', 16 * 1024 * 1024) AS v;\n"
          "EXPORT SELECT v FROM big TO \"s3://" +
              kBucket + "/f28/obj.csv\" OPTIONS {\"multipart_threshold_mb\": 5, \"part_size_mb\": 5};\n");
  pid_t pid = ::fork();
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::execl(SQLFLOW_BINARY, SQLFLOW_BINARY, "--no-color", "--project-dir", dir_.path().c_str(), "pipeline",
            "run", "p", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  const auto start = std::chrono::steady_clock::now();
  while (mock.Count("PUT", "partNumber=") == 0 &&
         std::chrono::steady_clock::now() - start < std::chrono::seconds(20)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GT(mock.Count("PUT", "partNumber="), 0) << "no part upload started";
  ::kill(pid, SIGINT);
  const auto signalled = std::chrono::steady_clock::now();
  int status = 0;
  ::waitpid(pid, &status, 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - signalled).count();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) != 0) << "status " << status;
  EXPECT_LT(seconds, 2.5) << "the upload was not cancelled promptly";
  EXPECT_EQ(mock.Count("DELETE", "uploadId="), 1);
  EXPECT_EQ(mock.PendingUploads(), 0u);
  EXPECT_EQ(mock.GetObject(kBucket, "f28/obj.csv").data, "old\n");
  ExpectNoTempFiles();
}

}  // namespace
}  // namespace sqlflow::testing

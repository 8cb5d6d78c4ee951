// F26 (CONNECTORS.md §4.3): every request shape the s3 connector sends is verified by an independent SigV4
// implementation, python3-botocore's S3SigV4Auth, in tests/tools/sigv4_check_server.py. The checker answers
// 403 SignatureDoesNotMatch on any difference, which the client turns into an AuthFailed error, so every
// call below succeeding means the checker accepted its signature; a wrong secret proves it can refuse.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "pg_test_util.h"
#include "sqlflow/common/error.h"
#include "sqlflow/connectors/s3/s3_client.h"

namespace sqlflow::testing {
namespace {

namespace s3 = connectors::s3;

class SigV4Checker {
 public:
  SigV4Checker() {
    port_file_ = dir_.path() + "/port";
    log_ = dir_.path() + "/requests.jsonl";
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string script = std::string(SQLFLOW_SOURCE_DIR) + "/tests/tools/sigv4_check_server.py";
      ::execl("/usr/bin/python3", "python3", script.c_str(), "0", "--port-file", port_file_.c_str(), "--log",
              log_.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      std::ifstream in(port_file_);
      if (!(in >> port_)) port_ = 0;
      if (port_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }
  ~SigV4Checker() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }
  std::string Log() const {
    std::ifstream in(log_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  TempDir dir_;
  std::string port_file_, log_;
  pid_t pid_ = -1;
  int port_ = 0;
};

std::unique_ptr<s3::S3Client> CheckedClient(int port, const std::string& secret,
                                            const std::string& token = "") {
  auto config = std::make_shared<s3::S3ClientConfig>();
  config->options.endpoint_url = "http://127.0.0.1:" + std::to_string(port);
  config->options.region = "eu-west-1";
  config->credentials.keys = {"AKIDCHECK", secret, token};
  config->retry.max_retries = 0;
  config->retry.timeout_seconds = 10;
  config->retry.circuit_breaker_threshold = 0;
  config->prefix = "sigv4 check";
  return std::make_unique<s3::S3Client>(config);
}

TEST(S3SigV4Checker, F26EveryRequestShapeIsAccepted) {
  SigV4Checker checker;
  ASSERT_GT(checker.port(), 0) << "the checker did not start (is python3-botocore installed?)";
  auto client = CheckedClient(checker.port(), "check/secret+key=", "session/token+=");
  const std::string bucket = "sqlflow-test";
  // ListObjectsV2 with prefix dir/ and then the continuation token containing + / =.
  auto first = client->ListPage(bucket, "dir/", "", 1000);
  ASSERT_TRUE(first.truncated);
  EXPECT_EQ(first.next_continuation_token, "a/0+k==");
  auto second = client->ListPage(bucket, "dir/", first.next_continuation_token, 1000);
  EXPECT_FALSE(second.truncated);
  TempDir dir;
  const std::string file = dir.path() + "/body.bin";
  std::ofstream(file, std::ios::binary) << std::string(70000, 'z');
  for (const std::string key : {"plain.csv", "dir/with space.csv", "a+b.csv", "k=v.csv", "tilde~x.csv",
                                "caf\xC3\xA9/\xE2\x9C\x93 data.csv"}) {
    SCOPED_TRACE(key);
    EXPECT_NO_THROW(client->Head(bucket, key));
    s3::S3ObjectInfo info{key, 5, "e1", ""};
    EXPECT_NO_THROW(client->Download(bucket, info, dir.path() + "/down"));
    EXPECT_NO_THROW(client->PutFile(bucket, key, file, 0, 70000, "text/csv"));
    EXPECT_NO_THROW(client->PutBytes(bucket, key, "", "text/csv"));
    std::string upload;
    EXPECT_NO_THROW(upload = client->CreateMultipartUpload(bucket, key, "text/csv"));
    EXPECT_EQ(upload, "up/1+2=");
    EXPECT_NO_THROW(client->UploadPart(bucket, key, upload, 1, file, 100, 60000));
    EXPECT_NO_THROW(client->CompleteMultipartUpload(bucket, key, upload, {"e1"}, 60000));
    EXPECT_NO_THROW(client->AbortMultipartUpload(bucket, key, upload));
    EXPECT_NO_THROW(client->Delete(bucket, key));
  }
  const std::string log = checker.Log();
  EXPECT_EQ(log.find("\"verdict\": \"mismatch\""), std::string::npos) << log;
  EXPECT_EQ(log.find("\"verdict\": \"error\""), std::string::npos) << log;
  EXPECT_NE(log.find("continuation-token=a%2F0%2Bk%3D%3D"), std::string::npos) << log;
  EXPECT_NE(log.find("uploads="), std::string::npos) << log;
}

TEST(S3SigV4Checker, AWrongSecretIsRefusedAsSignatureMismatch) {
  SigV4Checker checker;
  ASSERT_GT(checker.port(), 0);
  auto client = CheckedClient(checker.port(), "not-the-secret");
  try {
    client->ListPage("sqlflow-test", "", "", 1);
    FAIL() << "the checker accepted a wrong signature";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kAuthFailed);
    EXPECT_NE(std::string(error.what()).find("signature mismatch (check secret_access_key)"),
              std::string::npos)
        << error.what();
    EXPECT_EQ(std::string(error.what()).find("not-the-secret"), std::string::npos);
  }
}

}  // namespace
}  // namespace sqlflow::testing

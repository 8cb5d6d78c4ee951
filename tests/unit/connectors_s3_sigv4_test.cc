// The SigV4 signer against AWS's published test vectors:
//  - the S3 examples of "Signature Calculations for the Authorization Header: Transferring Payload in a
//    Single Chunk" (AKIAIOSFODNN7EXAMPLE, examplebucket, 20130524T000000Z): GET Object with Range, PUT Object
//    with a '$' in the key, GET Bucket Lifecycle (valueless parameter), GET Bucket (List Objects);
//  - aws-sig-v4-test-suite "get-vanilla" and "get-vanilla-query-order-key-case" (service "service").
#include <gtest/gtest.h>

#include "sqlflow/connectors/s3/sigv4.h"

namespace sqlflow::connectors::s3 {
namespace {

const SigV4Credentials kS3DocsKeys{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
const std::string kDate = "20130524T000000Z";
const std::string kHost = "examplebucket.s3.amazonaws.com";

SigV4Request S3DocsRequest(const std::string& method, const std::string& path, QueryList query,
                           const std::string& payload_hash) {
  SigV4Request request;
  request.method = method;
  request.path = path;
  request.query = std::move(query);
  request.payload_hash = payload_hash;
  request.headers = {{"Host", kHost}, {"x-amz-date", kDate}, {"x-amz-content-sha256", payload_hash}};
  return request;
}

TEST(S3SigV4, GetObjectWithRange) {
  SigV4Request request = S3DocsRequest("GET", "/test.txt", {}, std::string(kEmptyPayloadHash));
  request.headers.push_back({"Range", "bytes=0-9"});
  const SigV4Parts parts = SignV4(request, kS3DocsKeys, "us-east-1", "s3", kDate);
  EXPECT_EQ(parts.canonical_request,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
            "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(parts.string_to_sign,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(parts.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(parts.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(S3SigV4, PutObjectWithDollarInKey) {
  const std::string payload = "Welcome to Amazon S3.";
  ASSERT_EQ(Sha256Hex(payload), "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  SigV4Request request = S3DocsRequest("PUT", "/test$file.text", {}, Sha256Hex(payload));
  request.headers.push_back({"Date", "Fri, 24 May 2013 00:00:00 GMT"});
  request.headers.push_back({"x-amz-storage-class", "REDUCED_REDUNDANCY"});
  const SigV4Parts parts = SignV4(request, kS3DocsKeys, "us-east-1", "s3", kDate);
  EXPECT_NE(parts.canonical_request.find("\n/test%24file.text\n"), std::string::npos);
  EXPECT_EQ(parts.signed_headers, "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class");
  EXPECT_EQ(parts.string_to_sign.substr(parts.string_to_sign.rfind('\n') + 1),
            "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
  EXPECT_EQ(parts.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(S3SigV4, ValuelessParameterIsWrittenWithEquals) {
  const SigV4Request request = S3DocsRequest("GET", "/", {{"lifecycle", ""}}, std::string(kEmptyPayloadHash));
  const SigV4Parts parts = SignV4(request, kS3DocsKeys, "us-east-1", "s3", kDate);
  EXPECT_NE(parts.canonical_request.find("GET\n/\nlifecycle=\n"), std::string::npos);
  EXPECT_EQ(parts.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(S3SigV4, ListObjectsQueryIsSorted) {
  // Given out of order: the canonical query sorts by key.
  const SigV4Request request =
      S3DocsRequest("GET", "/", {{"prefix", "J"}, {"max-keys", "2"}}, std::string(kEmptyPayloadHash));
  const SigV4Parts parts = SignV4(request, kS3DocsKeys, "us-east-1", "s3", kDate);
  EXPECT_NE(parts.canonical_request.find("GET\n/\nmax-keys=2&prefix=J\n"), std::string::npos);
  EXPECT_EQ(parts.string_to_sign.substr(parts.string_to_sign.rfind('\n') + 1),
            "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7");
  EXPECT_EQ(parts.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

const SigV4Credentials kSuiteKeys{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};

TEST(S3SigV4, TestSuiteGetVanilla) {
  SigV4Request request;
  request.method = "GET";
  request.path = "/";
  request.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  request.payload_hash = std::string(kEmptyPayloadHash);
  const SigV4Parts parts = SignV4(request, kSuiteKeys, "us-east-1", "service", "20150830T123600Z");
  EXPECT_EQ(parts.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(parts.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(S3SigV4, TestSuiteGetVanillaQueryOrderKeyCase) {
  SigV4Request request;
  request.method = "GET";
  request.path = "/";
  request.query = {{"Param2", "value2"}, {"Param1", "value1"}};
  request.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  request.payload_hash = std::string(kEmptyPayloadHash);
  const SigV4Parts parts = SignV4(request, kSuiteKeys, "us-east-1", "service", "20150830T123600Z");
  EXPECT_NE(parts.canonical_request.find("\nParam1=value1&Param2=value2\n"), std::string::npos);
  EXPECT_EQ(parts.signature, "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
}

TEST(S3SigV4, Rfc3986Encoding) {
  EXPECT_EQ(UriEncode("a/0+k==", false), "a%2F0%2Bk%3D%3D");
  EXPECT_EQ(UriEncode("dir/my key+x=y~z.csv", true), "dir/my%20key%2Bx%3Dy~z.csv");
  EXPECT_EQ(UriEncode("caf\xC3\xA9", true), "caf%C3%A9");
  EXPECT_EQ(CanonicalQuery({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(CanonicalQuery({{"uploadId", "a/b"}, {"partNumber", "3"}}), "partNumber=3&uploadId=a%2Fb");
}

TEST(S3SigV4, S3LayerAddsContentHashDateAndToken) {
  SigV4Request request;
  request.method = "GET";
  request.path = "/bucket/key";
  request.headers = {{"host", "127.0.0.1:9000"}};
  request.payload_hash = std::string(kEmptyPayloadHash);
  const HeaderList headers = SignS3Request(request, {"AK", "SK", "TOKEN"}, "eu-west-1", "20240101T000000Z");
  std::string authorization;
  bool content = false, token = false;
  for (const auto& [name, value] : headers) {
    if (name == "Authorization") authorization = value;
    content |= name == "x-amz-content-sha256" && value == kEmptyPayloadHash;
    token |= name == "x-amz-security-token" && value == "TOKEN";
  }
  EXPECT_TRUE(content);
  EXPECT_TRUE(token);
  EXPECT_NE(authorization.find("Credential=AK/20240101/eu-west-1/s3/aws4_request"), std::string::npos);
  EXPECT_NE(authorization.find("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token"),
            std::string::npos);
  EXPECT_EQ(authorization.find("SK"), std::string::npos);
  EXPECT_EQ(AmzDate(0), "19700101T000000Z");
}

}  // namespace
}  // namespace sqlflow::connectors::s3

// google_sheets pieces without a server: A1 ranges, column letters, sheet quoting, base64url, the RS256 JWT
// (verified with the public key), and Sheets rows staged by the JSON records builder.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <nlohmann/json.hpp>

#include "sqlflow/common/error.h"
#include "sqlflow/connectors/google_sheets/sheets_auth.h"
#include "sqlflow/connectors/google_sheets/sheets_options.h"
#include "sqlflow/connectors/rest/json_records.h"

namespace sqlflow::connectors::google_sheets {
namespace {

std::string Decode(const std::string& in) {
  std::string b64 = in;
  for (auto& c : b64) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (b64.size() % 4) b64 += '=';
  std::string out(b64.size(), '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  out.resize(static_cast<size_t>(n) - (in.size() % 4 == 2 ? 2 : in.size() % 4 == 3 ? 1 : 0));
  return out;
}

TEST(GoogleSheetsA1, EveryForm) {
  auto r = ParseA1("'My ''best'' sheet'!A1:E");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r->sheet, "My 'best' sheet");
  EXPECT_EQ(r->col1, 1);
  EXPECT_EQ(r->col2, 5);
  EXPECT_EQ(r->row1, 1);
  EXPECT_EQ(r->row2, 0);
  r = ParseA1("A2:F1000");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->sheet);
  EXPECT_EQ(r->row1, 2);
  EXPECT_EQ(r->row2, 1000);
  EXPECT_EQ(r->col2, 6);
  r = ParseA1("2:5000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->col1, 0);
  EXPECT_EQ(r->row1, 2);
  EXPECT_EQ(r->row2, 5000);
  r = ParseA1("Data!AA:AB");
  ASSERT_TRUE(r);
  EXPECT_EQ(*r->sheet, "Data");
  EXPECT_EQ(r->col1, 27);
  EXPECT_EQ(r->col2, 28);
  EXPECT_EQ(r->row1, 0);
  r = ParseA1("'Only a sheet'");
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->has_cells);
  for (const char* bad : {"", "A1:1B", "5:2", "C1:A9", "'unterminated!A1", "Sheet!", "A1:B2:C3", "ABCD1"})
    EXPECT_FALSE(ParseA1(bad)) << bad;
}

TEST(GoogleSheetsA1, LettersAndQuotes) {
  EXPECT_EQ(ColumnLetters(1), "A");
  EXPECT_EQ(ColumnLetters(26), "Z");
  EXPECT_EQ(ColumnLetters(27), "AA");
  EXPECT_EQ(ColumnLetters(702), "ZZ");
  EXPECT_EQ(ColumnLetters(703), "AAA");
  EXPECT_EQ(QuoteSheet("It's"), "'It''s'");
}

TEST(GoogleSheetsAuth, Base64UrlHasNoPadding) {
  EXPECT_EQ(Base64Url(""), "");
  EXPECT_EQ(Base64Url("f"), "Zg");
  EXPECT_EQ(Base64Url("fo"), "Zm8");
  EXPECT_EQ(Base64Url("foo"), "Zm9v");
  EXPECT_EQ(Base64Url("\xfb\xff"), "-_8");
}

TEST(GoogleSheetsAuth, ServiceAccountJwtVerifiesWithThePublicKey) {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  ASSERT_NE(key, nullptr);
  BIO* out = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long length = BIO_get_mem_data(out, &data);
  Credentials c;
  c.type = Credentials::Type::kServiceAccount;
  c.client_email = "sa@p.iam.gserviceaccount.com";
  c.private_key = std::string(data, static_cast<size_t>(length));
  c.private_key_id = "kid-7";
  c.source = "sa.json";
  BIO_free(out);
  const std::string jwt =
      ServiceAccountJwt(c, {"s1", "s2"}, "https://oauth2.googleapis.com/token", 1700000000);
  const auto d1 = jwt.find('.'), d2 = jwt.rfind('.');
  auto header = nlohmann::json::parse(Decode(jwt.substr(0, d1)));
  auto claims = nlohmann::json::parse(Decode(jwt.substr(d1 + 1, d2 - d1 - 1)));
  EXPECT_EQ(header, nlohmann::json({{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "kid-7"}}));
  EXPECT_EQ(claims["iss"], "sa@p.iam.gserviceaccount.com");
  EXPECT_EQ(claims["scope"], "s1 s2");
  EXPECT_EQ(claims["aud"], "https://oauth2.googleapis.com/token");
  EXPECT_EQ(claims["iat"], 1700000000);
  EXPECT_EQ(claims["exp"], 1700003600);
  const std::string input = jwt.substr(0, d2), signature = Decode(jwt.substr(d2 + 1));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ASSERT_EQ(EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key), 1);
  EXPECT_EQ(EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()),
            1);
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);

  c.private_key = "-----BEGIN PRIVATE KEY-----\nsecretjunk\n-----END PRIVATE KEY-----\n";
  try {
    ServiceAccountJwt(c, {"s"}, "aud", 0);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kAuthFailed);
    EXPECT_EQ(std::string(error.what()), "cannot parse private_key in 'sa.json'");
  }
}

TEST(GoogleSheetsRows, RaggedRowsExtraCellsAndEmptyStrings) {
  json::RecordsOptions options;
  options.flatten = false;
  json::RecordsBuilder builder(options);
  json::JsonPage page(R"({"values": [[1, "a", 2.5], [2], [], ["", ""], [4, "", true, "x"]]})",
                      json::Layout::kJson);
  std::vector<std::string> extra;
  const int64_t n = builder.AddRows(
      page, "values", {"id", "name", "score"},
      [&](size_t i) {
        extra.push_back("col" + std::to_string(i));
        return extra.back();
      },
      true);
  EXPECT_EQ(n, 3);  // [] and ["", ""] hold no value
  EXPECT_EQ(extra, std::vector<std::string>{"col3"});
  auto events = builder.Take();
  ASSERT_EQ(events.size(), 2u);
  const auto& schema = events[0].schema;
  ASSERT_EQ(schema.size(), 4u);
  EXPECT_EQ(schema[0].name, "id");
  EXPECT_EQ(schema[0].type, "BIGINT");
  EXPECT_EQ(schema[1].type, "VARCHAR");
  EXPECT_EQ(schema[2].type, "VARCHAR");  // DOUBLE and BOOLEAN join to VARCHAR
  EXPECT_EQ(schema[3].name, "col3");
  EXPECT_EQ(builder.rows(), 3);
}

}  // namespace
}  // namespace sqlflow::connectors::google_sheets

#include "sheets_test_util.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sqlflow::testing {

const TestKeys& Keys() {
  static const TestKeys keys = [] {
    TestKeys k;
    k.dir = std::filesystem::temp_directory_path() / ("sqlflow-sheets-keys-" + std::to_string(getpid()));
    std::filesystem::create_directories(k.dir);
    k.private_pem_file = k.dir + "/sa.pem";
    k.public_pem_file = k.dir + "/sa.pub.pem";
    k.other_private_pem_file = k.dir + "/other.pem";
    const std::string command =
        "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out '" + k.private_pem_file +
        "' 2>/dev/null && openssl pkey -in '" + k.private_pem_file + "' -pubout -out '" + k.public_pem_file +
        "' 2>/dev/null && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out '" +
        k.other_private_pem_file + "' 2>/dev/null";
    if (std::system(command.c_str()) != 0)
      throw std::runtime_error("openssl could not make the test key pair");
    std::ifstream in(k.private_pem_file);
    std::stringstream text;
    text << in.rdbuf();
    k.private_pem = text.str();
    return k;
  }();
  return keys;
}

SheetsMock::SheetsMock(Json scenario) {
  Json& auth = scenario["auth"];
  if (auth.is_null()) auth = Json::object();
  if (!auth.contains("public_key_file")) auth["public_key_file"] = Keys().public_pem_file;
  if (!auth.contains("client_email")) auth["client_email"] = kClientEmail;
  server_ = std::make_unique<mockd::MockServer>();
  api_ = std::make_shared<mockd::SheetsApi>(scenario);
  server_->Add(api_);
  if (server_->Start() <= 0) throw std::runtime_error("mock server did not start");
}

SheetsMock::~SheetsMock() {
  server_->Stop();
}

std::string SheetsMock::ServiceAccountFile(const std::string& private_pem_file) {
  std::ifstream in(private_pem_file.empty() ? Keys().private_pem_file : private_pem_file);
  std::stringstream pem;
  pem << in.rdbuf();
  Json sa = {{"type", "service_account"},     {"project_id", "sqlflow-test"}, {"private_key_id", "kid-1"},
             {"private_key", pem.str()},      {"client_email", kClientEmail}, {"client_id", "1234567890"},
             {"token_uri", Base() + "/token"}};
  const std::string file = Keys().dir + "/sa-" + std::to_string(server_->port()) +
                           (private_pem_file.empty() ? "" : "-other") + ".json";
  std::ofstream(file) << sa.dump(2);
  return file;
}

Json FixtureBook(Json auth) {
  return Json{
      {"spreadsheet_id", "book1"},
      {"title", "Team Book"},
      {"auth", std::move(auth)},
      {"sheets",
       Json::array({
           {{"title", "people"},
            {"row_count", 1000},
            {"rows", Json::array({Json::array({"id", "name", "score", "active", "joined"}),
                                  Json::array({1, "Ann", 9.5, true, "2024-01-05"}), Json::array({2, "Bob"}),
                                  Json::array(), Json::array({4, "", 7, false, "2024-03-01"}),
                                  Json::array({5, "Eve, \"the\" one", 1234.5, true, "2024-04-30", "extra"}),
                                  Json::array({6, "Zoë 🎉", "", "", "2024-05-01"})})}},
           {{"title", "It's a sheet"},
            {"rows", Json::array({Json::array({"code", "label"}), Json::array({"a", "Alpha"}),
                                  Json::array({"b", "Beta"})})}},
           {{"title", "cities"},
            {"row_count", 4},
            {"rows", Json::array({Json::array({"city", "country"}), Json::array({"Paris", "FR"}),
                                  Json::array({"Lyon", "FR"}), Json::array({"Rome", "IT"}),
                                  Json::array({"Past grid", "XX"})})}},
       })}};
}

}  // namespace sqlflow::testing

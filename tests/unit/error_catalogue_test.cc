// docs/reference/errors.md is generated from the one catalogue of diagnostic codes
// (src/sqlflow/common/error_catalogue.cc). These tests keep the catalogue and the document honest:
//  - every code string used in src/ ("SF110", "W301") has a catalogue entry, and every entry is used;
//  - the document is exactly the catalogue's rendering.
// Set SQLFLOW_UPDATE_ERROR_DOCS=1 to rewrite docs/reference/errors.md instead of comparing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "sqlflow/common/error_catalogue.h"

namespace sqlflow {
namespace {

const std::filesystem::path kSourceDir = SQLFLOW_SOURCE_DIR;
const std::filesystem::path kErrorsDoc = kSourceDir / "docs/reference/errors.md";

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// code -> first file that uses it, over every source file in src/ except the catalogue itself.
std::map<std::string, std::string> CodesUsedInSources() {
  const std::regex code_string(R"re("((SF|W)[0-9]{3})")re");
  std::map<std::string, std::string> used;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kSourceDir / "src")) {
    if (!entry.is_regular_file()) continue;
    const std::string ext = entry.path().extension().string();
    if (ext != ".cc" && ext != ".h" && ext != ".py" && ext != ".in") continue;
    if (entry.path().filename() == "error_catalogue.cc") continue;
    const std::string text = ReadAll(entry.path());
    for (std::sregex_iterator it(text.begin(), text.end(), code_string), end; it != end; ++it)
      used.emplace((*it)[1].str(), std::filesystem::relative(entry.path(), kSourceDir).string());
  }
  return used;
}

TEST(ErrorCatalogueTest, EveryCodeUsedInTheSourcesIsCatalogued) {
  const auto used = CodesUsedInSources();
  ASSERT_GT(used.size(), 50u) << "the scan of src/ found almost no codes: is SQLFLOW_SOURCE_DIR right?";
  for (const auto& [code, file] : used)
    EXPECT_NE(FindErrorCode(code), nullptr)
        << code << " (used in " << file << ") is missing from src/sqlflow/common/error_catalogue.cc";
}

TEST(ErrorCatalogueTest, EveryCataloguedCodeIsUsedAndComplete) {
  const auto used = CodesUsedInSources();
  std::set<std::string> seen;
  const std::regex shape("(SF|W)[0-9]{3}");
  for (const auto& entry : ErrorCatalogue()) {
    const std::string code(entry.code);
    EXPECT_TRUE(std::regex_match(code, shape)) << code;
    EXPECT_TRUE(seen.insert(code).second) << code << " is listed twice";
    EXPECT_TRUE(used.count(code)) << code << " is catalogued but no code in src/ reports it";
    EXPECT_FALSE(entry.message.empty()) << code;
    EXPECT_FALSE(entry.cause.empty()) << code;
    EXPECT_FALSE(entry.fix.empty()) << code;
  }
}

TEST(ErrorCatalogueTest, EveryExampleBelongsToACataloguedCode) {
  std::set<std::string_view> seen;
  for (std::string_view code : ErrorExampleCodes()) {
    EXPECT_NE(FindErrorCode(code), nullptr) << code;
    EXPECT_TRUE(seen.insert(code).second) << code << " has two examples";
  }
  EXPECT_GT(seen.size(), 50u);
}

TEST(ErrorCatalogueTest, FindErrorCode) {
  ASSERT_NE(FindErrorCode("SF110"), nullptr);
  EXPECT_NE(FindErrorCode("SF110")->message.find("KEY"), std::string_view::npos);
  EXPECT_EQ(FindErrorCode("SF999"), nullptr);
}

TEST(ErrorCatalogueTest, ReferenceDocumentIsTheCatalogueRendering) {
  const std::string rendered = ErrorCatalogueMarkdown();
  for (const auto& entry : ErrorCatalogue())
    EXPECT_NE(rendered.find("### " + std::string(entry.code) + "\n"), std::string::npos) << entry.code;
  if (std::getenv("SQLFLOW_UPDATE_ERROR_DOCS")) {
    std::filesystem::create_directories(kErrorsDoc.parent_path());
    std::ofstream(kErrorsDoc, std::ios::binary) << rendered;
    return;
  }
  EXPECT_EQ(ReadAll(kErrorsDoc), rendered)
      << kErrorsDoc << " is out of date: regenerate with SQLFLOW_UPDATE_ERROR_DOCS=1 "
      << "build/tests/sqlflow_unit_tests --gtest_filter='ErrorCatalogue*'";
}

}  // namespace
}  // namespace sqlflow

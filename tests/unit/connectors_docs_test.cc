// CONNECTORS.md §4.5: the parameter tables in each connector's SOURCE.md / DESTINATION.md are exactly the
// generated ParamsMarkdown(), and the catalog README lists every registered type with its aliases.
// Set SQLFLOW_UPDATE_CONNECTOR_DOCS=1 to rewrite the tables in place instead of comparing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "connectors_test_util.h"
#include "sqlflow/connectors/registry/registry.h"

namespace sqlflow::connectors {
namespace {

const std::string kConnectorsDir = std::string(SQLFLOW_SOURCE_DIR) + "/src/sqlflow/connectors";

// Checks (or rewrites) the text between `<!-- params:<side> -->` and `<!-- /params -->` in `path`.
void CheckTable(const std::string& path, const std::string& side, const ConnectorTypeInfo& info) {
  std::string text = testing::ReadFile(path);
  const std::string open = "<!-- params:" + side + " -->";
  const std::string close = "<!-- /params -->";
  const size_t begin = text.find(open);
  ASSERT_NE(begin, std::string::npos) << path << " has no " << open << " marker";
  const size_t content = begin + open.size();
  const size_t end = text.find(close, content);
  ASSERT_NE(end, std::string::npos) << path << " has no closing marker";
  const std::string expected = "\n" + ParamsMarkdown(info);
  if (std::getenv("SQLFLOW_UPDATE_CONNECTOR_DOCS")) {
    text.replace(content, end - content, expected);
    testing::WriteFile(path, text);
    return;
  }
  EXPECT_EQ(text.substr(content, end - content), expected)
      << path
      << ": regenerate with SQLFLOW_UPDATE_CONNECTOR_DOCS=1 sqlflow_unit_tests "
         "--gtest_filter='ConnectorsDocs*'";
}

TEST(ConnectorsDocsTest, ParameterTablesMatchTheRegistry) {
  int checked = 0;
  for (const auto& info : BuiltinRegistries().sources.All()) {
    const std::string path = kConnectorsDir + "/" + info.name + "/SOURCE.md";
    if (!std::filesystem::exists(path)) continue;
    CheckTable(path, "source", info);
    ++checked;
  }
  for (const auto& info : BuiltinRegistries().destinations.All()) {
    const std::string path = kConnectorsDir + "/" + info.name + "/DESTINATION.md";
    if (!std::filesystem::exists(path)) continue;
    CheckTable(path, "destination", info);
    ++checked;
  }
  EXPECT_GE(checked, 8);  // csv, parquet, json, in_memory: both sides
}

TEST(ConnectorsDocsTest, EveryFileConnectorHasItsThreeDocuments) {
  for (const char* name : {"csv", "parquet", "json", "in_memory"}) {
    for (const char* document : {"README.md", "SOURCE.md", "DESTINATION.md"}) {
      EXPECT_TRUE(std::filesystem::exists(kConnectorsDir + "/" + name + "/" + document))
          << name << "/" << document;
    }
  }
}

TEST(ConnectorsDocsTest, CatalogListsEveryTypeWithItsAliases) {
  const std::string catalog = testing::ReadFile(kConnectorsDir + "/README.md");
  ASSERT_FALSE(catalog.empty());
  for (const auto& info : BuiltinRegistries().sources.All()) {
    const std::string row_start = "| [`" + info.name + "`]";
    const size_t row = catalog.find(row_start);
    ASSERT_NE(row, std::string::npos) << "catalog row for " << info.name;
    const std::string line = catalog.substr(row, catalog.find('\n', row) - row);
    for (const auto& alias : info.aliases) {
      EXPECT_NE(line.find("`" + alias + "`"), std::string::npos)
          << info.name << " alias " << alias << " in " << line;
    }
    const bool destination = BuiltinRegistries().destinations.Find(info.name) != nullptr;
    EXPECT_NE(line.find(destination ? "| yes | replace" : "| no |"), std::string::npos) << line;
    EXPECT_NE(line.find(info.capabilities.incremental), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace sqlflow::connectors

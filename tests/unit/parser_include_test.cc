// INCLUDE expansion (LANGUAGE.md §3.8) and reading pipeline files from disk.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sqlflow/parser/parser.h"

namespace sqlflow::parser {
namespace {

namespace fs = std::filesystem;

// A throw-away project directory.
class ParserIncludeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::temp_directory_path() /
            ("sqlflow_parser_include_" + std::to_string(::getpid()) + "_" + std::string(info->name()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "pipelines");
  }
  void TearDown() override { fs::remove_all(root_); }

  void Write(const std::string& relative_path, const std::string& text) {
    fs::path path = root_ / relative_path;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }

  std::optional<PipelineTree> Parse(const std::string& relative_path = "pipelines/main.sf") {
    return ParsePipelineFile(root_, relative_path, diagnostics_, sources_);
  }

  std::vector<std::string> Codes() const {
    std::vector<std::string> codes;
    for (const auto& d : diagnostics_.All()) codes.push_back(d.code);
    return codes;
  }

  // "file:line:col text" of every top-level statement.
  static std::vector<std::string> Describe(const std::vector<Item>& items) {
    std::vector<std::string> out;
    for (const auto& item : items) {
      if (const auto* raw = std::get_if<RawStatement>(&item.node)) {
        out.push_back(raw->file->path() + ":" + std::to_string(raw->file->Line(raw->begin)) + ":" +
                      std::to_string(raw->file->Column(raw->begin)) + " " + std::string(raw->text()));
      } else {
        out.push_back("IF");
      }
    }
    return out;
  }

  fs::path root_;
  Diagnostics diagnostics_;
  SourceCache sources_{"."};
};

TEST_F(ParserIncludeTest, ExpandsIncludesRelativeToTheIncludingFile) {
  Write("pipelines/main.sf", "SELECT 1;\nINCLUDE \"lib/common.sf\";\nSELECT 4;\n");
  Write("pipelines/lib/common.sf", "\n  SELECT 2;\nINCLUDE '../shared/x.sf' AS shared;\n");
  Write("pipelines/shared/x.sf", "SELECT 3;");
  auto tree = Parse();
  ASSERT_TRUE(tree);
  EXPECT_TRUE(Codes().empty());
  EXPECT_EQ(
      Describe(tree->items),
      (std::vector<std::string>{"pipelines/main.sf:1:1 SELECT 1", "pipelines/lib/common.sf:2:3 SELECT 2",
                                "pipelines/shared/x.sf:1:1 SELECT 3", "pipelines/main.sf:3:1 SELECT 4"}));
  ASSERT_EQ(tree->files.size(), 3u);
  EXPECT_EQ(tree->files[0]->path(), "pipelines/main.sf");
  EXPECT_EQ(tree->files[1]->path(), "pipelines/lib/common.sf");
  EXPECT_EQ(tree->files[2]->path(), "pipelines/shared/x.sf");
  EXPECT_EQ(sources_.Line("pipelines/lib/common.sf", 2), "  SELECT 2;");
}

TEST_F(ParserIncludeTest, IncludesInsideIfBranchesAreExpanded) {
  Write("pipelines/main.sf",
        "IF ${env} == 'prod' THEN\n  INCLUDE \"prod.sf\";\nELSE\n  INCLUDE \"dev.sf\";\nEND IF;\n");
  Write("pipelines/prod.sf", "LOAD t FROM prod_src;\n");
  Write("pipelines/dev.sf", "LOAD t FROM dev_src;\nIF ${x} THEN SELECT 1; END IF;\n");
  auto tree = Parse();
  ASSERT_TRUE(tree);
  EXPECT_TRUE(Codes().empty());
  const auto& block = std::get<IfBlock>(tree->items.at(0).node);
  EXPECT_EQ(Describe(block.branches.at(0).items),
            (std::vector<std::string>{"pipelines/prod.sf:1:1 LOAD t FROM prod_src"}));
  EXPECT_EQ(Describe(block.branches.at(1).items),
            (std::vector<std::string>{"pipelines/dev.sf:1:1 LOAD t FROM dev_src", "IF"}));
}

TEST_F(ParserIncludeTest, MissingIncludeIsSF123EvenInAnyBranch) {
  Write("pipelines/main.sf", "IF ${never|no} == 'yes' THEN\n  INCLUDE \"missing.sf\";\nEND IF;\n");
  auto tree = Parse();
  ASSERT_TRUE(tree);
  ASSERT_EQ(diagnostics_.All().size(), 1u);
  const Diagnostic& error = diagnostics_.All()[0];
  EXPECT_EQ(error.code, "SF123");
  EXPECT_EQ(error.message, "included file not found: pipelines/missing.sf");
  EXPECT_EQ(error.pos.file, "pipelines/main.sf");
  EXPECT_EQ(error.pos.line, 2);
  EXPECT_EQ(error.pos.column, 11);
  EXPECT_EQ(error.pos.length, 12);
}

TEST_F(ParserIncludeTest, IncludeCycleIsSF123) {
  Write("pipelines/a.sf", "SELECT 1;\nINCLUDE \"b.sf\";\n");
  Write("pipelines/b.sf", "SELECT 2;\nINCLUDE \"a.sf\";\n");
  auto tree = Parse("pipelines/a.sf");
  ASSERT_TRUE(tree);
  ASSERT_EQ(diagnostics_.All().size(), 1u);
  const Diagnostic& error = diagnostics_.All()[0];
  EXPECT_EQ(error.code, "SF123");
  EXPECT_EQ(error.message, "include cycle: a.sf -> b.sf -> a.sf");
  EXPECT_EQ(error.pos.file, "pipelines/b.sf");
  EXPECT_EQ(error.pos.line, 2);
  EXPECT_EQ(error.pos.column, 9);
  // The statements that could be read are still there.
  EXPECT_EQ(Describe(tree->items),
            (std::vector<std::string>{"pipelines/a.sf:1:1 SELECT 1", "pipelines/b.sf:1:1 SELECT 2"}));
}

TEST_F(ParserIncludeTest, SelfIncludeIsACycle) {
  Write("pipelines/main.sf", "INCLUDE \"./main.sf\";\n");
  Parse();
  ASSERT_EQ(diagnostics_.All().size(), 1u);
  EXPECT_EQ(diagnostics_.All()[0].message, "include cycle: main.sf -> main.sf");
}

TEST_F(ParserIncludeTest, SameFileTwiceWithoutCycleIsFine) {
  Write("pipelines/main.sf", "INCLUDE \"x.sf\";\nINCLUDE \"lib/../x.sf\";\nINCLUDE \"y.sf\";\n");
  Write("pipelines/x.sf", "SELECT 'x';\n");
  Write("pipelines/y.sf", "INCLUDE \"x.sf\";\n");
  auto tree = Parse();
  ASSERT_TRUE(tree);
  EXPECT_TRUE(Codes().empty());
  EXPECT_EQ(Describe(tree->items),
            (std::vector<std::string>{"pipelines/x.sf:1:1 SELECT 'x'", "pipelines/x.sf:1:1 SELECT 'x'",
                                      "pipelines/x.sf:1:1 SELECT 'x'"}));
  EXPECT_EQ(tree->files.size(), 3u);  // main, x, y
}

TEST_F(ParserIncludeTest, IncludePathMustNotContainVariables) {
  Write("pipelines/main.sf", "INCLUDE \"${env}.sf\";\nINCLUDE ${file};\n");
  Parse();
  ASSERT_EQ(diagnostics_.All().size(), 2u);
  for (const auto& error : diagnostics_.All()) {
    EXPECT_EQ(error.code, "SF123");
    EXPECT_EQ(error.message, "INCLUDE path must be a string without variables");
    EXPECT_EQ(error.pos.column, 9);
  }
}

TEST_F(ParserIncludeTest, IncludeSyntaxErrors) {
  Write("pipelines/main.sf", "INCLUDE common.sf;\nINCLUDE \"x.sf\" junk;\n");
  Write("pipelines/x.sf", "SELECT 1;");
  Parse();
  ASSERT_EQ(diagnostics_.All().size(), 2u);
  EXPECT_EQ(diagnostics_.All()[0].code, "SF106");
  EXPECT_EQ(diagnostics_.All()[0].message, "expected a quoted path after INCLUDE, found 'common'");
  EXPECT_EQ(diagnostics_.All()[1].code, "SF106");
  EXPECT_EQ(diagnostics_.All()[1].message, "expected AS or ';' after INCLUDE \"x.sf\", found 'junk'");
}

TEST_F(ParserIncludeTest, IncludedFilesMustBeComplete) {
  Write("pipelines/main.sf", "IF a THEN\nINCLUDE \"open.sf\";\nEND IF;\nINCLUDE \"tail.sf\";\n");
  Write("pipelines/open.sf", "SELECT 1;\nIF b THEN\n  SELECT 2;\n");
  Write("pipelines/tail.sf", "SELECT 3;\nEND IF;\nSELECT 4");
  Parse();
  ASSERT_EQ(diagnostics_.All().size(), 3u);
  const auto& all = diagnostics_.All();
  EXPECT_EQ(all[0].code, "SF120");
  EXPECT_EQ(all[0].message, "IF at line 2 is not closed by END IF");
  EXPECT_EQ(all[0].pos.file, "pipelines/open.sf");
  EXPECT_EQ(all[1].code, "SF120");
  EXPECT_EQ(all[1].message, "END IF without IF");
  EXPECT_EQ(all[1].pos.file, "pipelines/tail.sf");
  EXPECT_EQ(all[2].code, "SF105");
  EXPECT_EQ(all[2].pos.file, "pipelines/tail.sf");
  EXPECT_EQ(all[2].pos.line, 3);
}

TEST_F(ParserIncludeTest, LexicalErrorsOfIncludedFilesNameThatFile) {
  Write("pipelines/main.sf", "INCLUDE \"bad.sf\";\n");
  Write("pipelines/bad.sf", "SELECT 1;\nSELECT 'x\xff';\n");
  Parse();
  ASSERT_EQ(diagnostics_.All().size(), 1u);
  EXPECT_EQ(diagnostics_.All()[0].code, "SF100");
  EXPECT_EQ(diagnostics_.All()[0].pos.file, "pipelines/bad.sf");
  EXPECT_EQ(diagnostics_.All()[0].pos.line, 2);
}

TEST_F(ParserIncludeTest, MissingMainFile) {
  EXPECT_FALSE(Parse("pipelines/nope.sf"));
  ASSERT_EQ(diagnostics_.All().size(), 1u);
  EXPECT_FALSE(diagnostics_.All()[0].pos.valid());
}

TEST_F(ParserIncludeTest, ParsePipelineTextResolvesIncludesFromTheProjectRoot) {
  Write("pipelines/sub/inc.sf", "SELECT 2;");
  auto tree = ParsePipelineText(root_, "pipelines/sub/main.sf", "SELECT 1; INCLUDE \"inc.sf\";", diagnostics_,
                                sources_);
  ASSERT_TRUE(tree);
  EXPECT_TRUE(Codes().empty());
  EXPECT_EQ(Describe(tree->items), (std::vector<std::string>{"pipelines/sub/main.sf:1:1 SELECT 1",
                                                             "pipelines/sub/inc.sf:1:1 SELECT 2"}));
}

}  // namespace
}  // namespace sqlflow::parser

// The block tree (LANGUAGE.md §2.1-2.3): regions, statement boundaries, IF structure, lexical errors.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sqlflow/parser/parser.h"

namespace sqlflow::parser {
namespace {

struct Tree {
  std::optional<PipelineTree> tree;
  Diagnostics diagnostics;
  SourceCache sources{"/nonexistent"};

  const Diagnostic& Only() const {
    static const Diagnostic kNone{};
    EXPECT_EQ(diagnostics.All().size(), 1u);
    if (diagnostics.All().size() != 1u)
      for (const auto& d : diagnostics.All()) ADD_FAILURE() << "  got " << d.code << " " << d.message;
    return diagnostics.All().empty() ? kNone : diagnostics.All().front();
  }
  const std::vector<Item>& Items() const { return tree->items; }
};

Tree Read(const std::string& text) {
  Tree result;
  result.tree =
      ParsePipelineText("/nonexistent-project", "pipelines/p.sf", text, result.diagnostics, result.sources);
  return result;
}

// The texts of the top-level statements of an error-free pipeline.
std::vector<std::string> Statements(const std::string& text) {
  Tree result = Read(text);
  EXPECT_FALSE(result.diagnostics.HasErrors())
      << text << "\n  -> " << result.diagnostics.All()[0].code << " " << result.diagnostics.All()[0].message;
  std::vector<std::string> out;
  for (const auto& item : result.Items()) {
    const auto* raw = std::get_if<RawStatement>(&item.node);
    EXPECT_TRUE(raw) << "unexpected IF block";
    if (raw) out.emplace_back(raw->text());
  }
  return out;
}

void ExpectError(const std::string& text, const std::string& code, const std::string& message, int line,
                 int column, const std::string& hint = "") {
  SCOPED_TRACE(text);
  Tree result = Read(text);
  const Diagnostic& error = result.Only();
  EXPECT_EQ(error.code, code);
  EXPECT_EQ(error.message, message);
  EXPECT_EQ(error.pos.file, "pipelines/p.sf");
  EXPECT_EQ(error.pos.line, line);
  EXPECT_EQ(error.pos.column, column);
  if (!hint.empty()) {
    ASSERT_FALSE(error.hints.empty());
    EXPECT_EQ(error.hints[0], hint);
  }
}

const IfBlock& Block(const Item& item) {
  static const IfBlock kEmpty{};
  const auto* block = std::get_if<IfBlock>(&item.node);
  EXPECT_TRUE(block) << "expected an IF block";
  return block ? *block : kEmpty;
}

std::string Raw(const Item& item) {
  const auto* raw = std::get_if<RawStatement>(&item.node);
  EXPECT_TRUE(raw) << "expected a statement";
  return raw ? std::string(raw->text()) : "";
}

// ---------------------------------------------------------------- statements and regions

TEST(ParserBlockTest, SplitsStatementsAndSkipsEmptyOnes) {
  std::string text = "  -- header\nSELECT 1;;  /* x */ ; LOAD t FROM s ;\nSELECT 2 -- c\n;\n-- trailing\n";
  Tree result = Read(text);
  ASSERT_FALSE(result.diagnostics.HasErrors());
  ASSERT_EQ(result.Items().size(), 3u);
  const auto& first = std::get<RawStatement>(result.Items()[0].node);
  EXPECT_EQ(first.begin, text.find("SELECT 1"));
  EXPECT_EQ(first.end, text.find(";"));
  EXPECT_EQ(first.file->path(), "pipelines/p.sf");
  EXPECT_EQ(Raw(result.Items()[1]), "LOAD t FROM s ");
  EXPECT_EQ(Raw(result.Items()[2]), "SELECT 2 -- c\n");
  ASSERT_EQ(result.tree->files.size(), 1u);
  EXPECT_EQ(result.tree->main_file->path(), "pipelines/p.sf");
}

TEST(ParserBlockTest, SemicolonsInsideRegionsDoNotEndStatements) {
  const std::vector<std::string> statements = {
      "SELECT 'a;b', 'it''s;' AS x",
      "SELECT \"col;\"\"x\" FROM t",
      "SELECT E'it\\'s; still' AS e",
      "SELECT $$ a; b $$, $fn$ c; $$ d $fn$",
      "SOURCE s TYPE csv PARAMS {\"sep\": \";\", \"q\": \"\\\";\", \"n\": {\"x\": \"}\"}}",
      "SELECT 1 /* a; /* nested; */ b; */ + 2",
      "SELECT 1 -- comment; not a boundary\n + 2",
      "SELECT '${v|\"x;'y\"}' AS s",
      "SELECT x::INT, 1e3, '--' AS d"};
  std::string text;
  for (const auto& statement : statements) text += statement + ";\n";
  EXPECT_EQ(Statements(text), statements);
}

TEST(ParserBlockTest, DollarRules) {
  // `$` after an identifier character does not open a dollar quote; `$${` never does; `$1` is a parameter.
  EXPECT_EQ(Statements("SELECT a$$b; SELECT $1; SELECT $${x};"),
            (std::vector<std::string>{"SELECT a$$b", "SELECT $1", "SELECT $${x}"}));
  EXPECT_EQ(Statements("SELECT $_a1$ x; $_a1$;"), (std::vector<std::string>{"SELECT $_a1$ x; $_a1$"}));
}

TEST(ParserBlockTest, DoubleQuotesFollowJsonRulesOnlyInsideBraces) {
  // Outside braces, a backslash is an ordinary character: "a\" is a complete identifier.
  EXPECT_EQ(Statements("SELECT \"a\\\"; SELECT 2;"),
            (std::vector<std::string>{"SELECT \"a\\\"", "SELECT 2"}));
  // Inside braces, \" escapes the quote, so the ';' is still inside the string.
  EXPECT_EQ(Statements("SOURCE s TYPE t PARAMS {\"a\": \"x\\\"; y\"};"),
            (std::vector<std::string>{"SOURCE s TYPE t PARAMS {\"a\": \"x\\\"; y\"}"}));
}

TEST(ParserBlockTest, CommentsAreNotRecognisedInsideBraces) {
  // `--` inside a brace block is not a comment, so the quote after it opens a string that never closes.
  std::string text = "SOURCE s TYPE t PARAMS {\"a\": 1 -- it's\n};\nSELECT 1;\n";
  ExpectError(text, "SF101", "unterminated string literal", 1, static_cast<int>(text.find('\'')) + 1);
  // Outside braces the same text is a comment.
  EXPECT_EQ(Statements("SELECT 1 -- it's\n;\nSELECT 2;").size(), 2u);
}

TEST(ParserBlockTest, WithoutEPrefixBackslashDoesNotEscape) {
  std::string text = "SELECT 'it\\'s; x';\n";
  // 'it\' is a complete string; the next statement "s" is followed by an unterminated string.
  ExpectError(text, "SF101", "unterminated string literal", 1, static_cast<int>(text.rfind('\'')) + 1,
              "the string starts here; close it with '");
}

TEST(ParserBlockTest, UnterminatedRegions) {
  ExpectError("SELECT 1;\nSELECT 'abc;\nSELECT 2;\n", "SF101", "unterminated string literal", 2, 8,
              "the string starts here; close it with '");
  ExpectError("SELECT \"abc;\n", "SF101", "unterminated string literal", 1, 8,
              "the string starts here; close it with \"");
  ExpectError("SELECT 1;\n  /* open /* nested */ still open;\n", "SF102", "unterminated block comment", 2, 3);
  ExpectError("SOURCE s TYPE t PARAMS {\"a\": {\"b\": 1};\n", "SF103", "unterminated '{' (missing '}')", 1,
              24);
  ExpectError("SELECT $tag$ body; $$;\n", "SF104", "unterminated dollar-quoted string", 1, 8);
}

TEST(ParserBlockTest, VariableReferenceErrors) {
  ExpectError("SELECT ${1x};\n", "SF202", "invalid variable reference '${1x}'", 1, 8,
              "variable names use letters, digits and '_', and do not start with a digit");
  ExpectError("SELECT '${region|us east}';\n", "SF203",
              "default value for ${region} contains whitespace and must be quoted: ${region|\"us east\"}", 1,
              9);
  ExpectError("SELECT 1;\nSELECT ${abc;\nSELECT 2;\n", "SF204",
              "unterminated variable reference (missing '}')", 2, 8);
  // Inside JSON and dollar quotes too, but never in comments.
  ExpectError("SOURCE s TYPE t PARAMS {\"a\": \"${}\"};\n", "SF202", "invalid variable reference '${}'", 1,
              31);
  EXPECT_EQ(Statements("-- ${1x}\n/* ${ */ SELECT 1;").size(), 1u);
}

TEST(ParserBlockTest, VariableReferencesAreAtomic) {
  // A '}' or quote inside a quoted default does not end the brace block or the string.
  EXPECT_EQ(Statements("SOURCE s TYPE t PARAMS {\"p\": \"${a|\"}'\"}\"};\nSELECT '${b|'x;y'}';").size(), 2u);
}

TEST(ParserBlockTest, MissingSemicolonAtEndSF105) {
  ExpectError("SELECT 1;\nSELECT 2\n  FROM t  \n", "SF105", "missing ';' at end of statement", 3, 9);
  EXPECT_EQ(Statements("SELECT 1; -- only a comment\n/* and another */\n").size(), 1u);
}

TEST(ParserBlockTest, Utf8BomAndCrLf) {
  Tree result = Read("\xEF\xBB\xBFSELECT 1;\r\nSELECT 'é';\r\n  SELECT ${1x};\r\n");
  ASSERT_EQ(result.diagnostics.All().size(), 1u);
  EXPECT_EQ(result.diagnostics.All()[0].code, "SF202");
  EXPECT_EQ(result.diagnostics.All()[0].pos.line, 3);
  EXPECT_EQ(result.diagnostics.All()[0].pos.column, 10);
  ASSERT_EQ(result.Items().size(), 2u);
  EXPECT_EQ(Raw(result.Items()[0]), "SELECT 1");  // the BOM is not part of the text
  EXPECT_EQ(std::get<RawStatement>(result.Items()[0].node).begin, 0u);

  ExpectError("SELECT 1;\nSELECT '\xff';\n", "SF100", "file is not valid UTF-8", 2, 9);
}

// ---------------------------------------------------------------- IF blocks

TEST(ParserBlockTest, IfElseIfElse) {
  std::string text =
      "SET a = 1;\n"
      "if ${env} == 'prod' then\n"
      "  LOAD t FROM prod_src;\n"
      "ELSEIF ${env} == 'qa' THEN LOAD t FROM qa_src;\n"
      "Else If ${env} == 'x;y' Then\n"
      "ELSE\n"
      "  LOAD t FROM dev_src;\n"
      "  SELECT 2;\n"
      "end   if;\n"
      "SELECT 3;\n";
  Tree result = Read(text);
  ASSERT_FALSE(result.diagnostics.HasErrors()) << result.diagnostics.All()[0].message;
  ASSERT_EQ(result.Items().size(), 3u);
  const IfBlock& block = Block(result.Items()[1]);
  EXPECT_EQ(block.if_offset, text.find("if "));
  ASSERT_EQ(block.branches.size(), 4u);
  ASSERT_TRUE(block.branches[0].condition);
  EXPECT_EQ(block.branches[0].condition->text(), "${env} == 'prod'");
  EXPECT_EQ(block.branches[0].condition->keyword_offset, text.find("if "));
  ASSERT_EQ(block.branches[0].items.size(), 1u);
  EXPECT_EQ(Raw(block.branches[0].items[0]), "LOAD t FROM prod_src");
  EXPECT_EQ(block.branches[1].condition->text(), "${env} == 'qa'");
  EXPECT_EQ(block.branches[1].condition->keyword_offset, text.find("ELSEIF"));
  EXPECT_EQ(block.branches[2].condition->text(), "${env} == 'x;y'");
  EXPECT_EQ(block.branches[2].condition->keyword_offset, text.find("Else If"));
  EXPECT_TRUE(block.branches[2].items.empty());
  EXPECT_FALSE(block.branches[3].condition);
  EXPECT_EQ(block.branches[3].items.size(), 2u);
  EXPECT_EQ(Raw(result.Items()[2]), "SELECT 3");
}

TEST(ParserBlockTest, ElseIfOnOneLineVersusNestedIf) {
  // The example of LANGUAGE.md §2.3.
  std::string text =
      "IF ${env} == 'prod' THEN\n"
      "  LOAD t FROM prod_src;\n"
      "ELSE IF ${env} == 'qa' THEN      -- ELSE IF: same chain\n"
      "  LOAD t FROM qa_src;\n"
      "ELSE\n"
      "  IF ${sample|no} == 'yes' THEN  -- nested block inside the else branch\n"
      "    LOAD t FROM sample_src;\n"
      "  ELSE\n"
      "    LOAD t FROM dev_src;\n"
      "  END IF;\n"
      "END IF;\n";
  Tree result = Read(text);
  ASSERT_FALSE(result.diagnostics.HasErrors()) << result.diagnostics.All()[0].message;
  ASSERT_EQ(result.Items().size(), 1u);
  const IfBlock& outer = Block(result.Items()[0]);
  ASSERT_EQ(outer.branches.size(), 3u);
  EXPECT_EQ(outer.branches[1].condition->text(), "${env} == 'qa'");
  ASSERT_EQ(outer.branches[2].items.size(), 1u);
  const IfBlock& nested = Block(outer.branches[2].items[0]);
  ASSERT_EQ(nested.branches.size(), 2u);
  EXPECT_EQ(nested.branches[0].condition->text(), "${sample|no} == 'yes'");
  EXPECT_EQ(Raw(nested.branches[1].items[0]), "LOAD t FROM dev_src");
}

TEST(ParserBlockTest, ElseThenIfOnALaterLineClosedOnceIsSF120) {
  std::string text =
      "IF ${env} == 'prod' THEN\n"
      "  LOAD t FROM prod_src;\n"
      "ELSE\n"
      "  IF ${env} == 'qa' THEN\n"
      "  LOAD t FROM qa_src;\n"
      "END IF;\n";
  ExpectError(text, "SF120", "IF at line 1 is not closed by END IF", 1, 1);
  // A comment after ELSE also separates it from the IF.
  ExpectError("IF a THEN SELECT 1; ELSE /* c */ IF b THEN SELECT 2; END IF;", "SF120",
              "IF at line 1 is not closed by END IF", 1, 1);
  // Tabs and spaces do not.
  EXPECT_EQ(Read("IF a THEN SELECT 1; ELSE \t IF b THEN SELECT 2; END IF;").diagnostics.ErrorCount(), 0);
}

TEST(ParserBlockTest, BlockStructureErrorsSF120) {
  ExpectError("SELECT 1;\nELSE\nSELECT 2;\n", "SF120", "ELSE without IF", 2, 1);
  ExpectError("ELSE IF a THEN SELECT 2;\n", "SF120", "ELSE without IF", 1, 1);
  ExpectError("SELECT 1;\nEND IF;\n", "SF120", "END IF without IF", 2, 1);
  ExpectError("ENDIF;\n", "SF120", "END IF without IF", 1, 1);
  ExpectError("IF a THEN SELECT 1;\nELSE SELECT 2;\nELSE IF b THEN SELECT 3;\nEND IF;\n", "SF120",
              "ELSE IF after ELSE", 3, 1);
  ExpectError("SELECT 0;\nIF a THEN\n  IF b THEN SELECT 1; END IF;\n", "SF120",
              "IF at line 2 is not closed by END IF", 2, 1);
}

TEST(ParserBlockTest, EndIfSwallowedByAStatementGetsAHint) {
  for (const std::string& text : {std::string("IF a THEN\n  SELECT 1\n\nEND IF;\n"),
                                  std::string("IF a THEN\n  IF b THEN SELECT 1\n\n  ENDIF;\nEND IF;\n")}) {
    SCOPED_TRACE(text);
    Tree result = Read(text);
    const Diagnostic& error = result.Only();
    EXPECT_EQ(error.message, "IF at line 1 is not closed by END IF");
    ASSERT_EQ(error.hints.size(), 1u);
    EXPECT_EQ(
        error.hints[0],
        "the END IF at line 4 is part of the statement before it; is a ';' missing at the end of line 2?");
  }
}

TEST(ParserBlockTest, IfHeaderAndEndIfNeedTheirTokensSF106) {
  ExpectError("IF ${a} == 1;\nSELECT 1;\nEND IF;\n", "SF106", "expected THEN after IF condition, found ';'",
              1, 13);
  ExpectError("IF a THEN SELECT 1;\nEND IF\nSELECT 2;\n", "SF106",
              "expected ';' after END IF, found 'SELECT'", 3, 1);
  ExpectError("IF a THEN SELECT 1; ENDIF", "SF106", "expected ';' after END IF, found end of file", 1, 26);
}

TEST(ParserBlockTest, KeywordsMustBeWholeWords) {
  Tree result = Read(
      "IFFY;\nELSEWHERE;\nENDIFX;\nEND_IF;\nEND;\n"
      "IF a == THENX THEN SELECT 1; ENDIF;\n"
      "END\n  IF;\n");
  EXPECT_EQ(result.diagnostics.ErrorCount(), 1);  // the last END IF has no IF
  ASSERT_GE(result.Items().size(), 6u);
  EXPECT_EQ(Raw(result.Items()[0]), "IFFY");
  EXPECT_EQ(Raw(result.Items()[1]), "ELSEWHERE");
  EXPECT_EQ(Raw(result.Items()[2]), "ENDIFX");
  EXPECT_EQ(Raw(result.Items()[3]), "END_IF");
  EXPECT_EQ(Raw(result.Items()[4]), "END");
  EXPECT_EQ(Block(result.Items()[5]).branches[0].condition->text(), "a == THENX");
}

TEST(ParserBlockTest, ReportsEveryErrorInOnePass) {
  Tree result = Read(
      "SELECT ${1x};\n"
      "ELSE;\n"
      "IF a == 1;\n"
      "END IF;\n"
      "SELECT '${x|a b}';\n"
      "END IF;\n"
      "SELECT 'open;\n");
  std::vector<std::string> codes;
  for (const auto& d : result.diagnostics.All()) codes.push_back(d.code);
  EXPECT_EQ(codes, (std::vector<std::string>{"SF202", "SF120", "SF106", "SF203", "SF120", "SF101"}));
}

}  // namespace
}  // namespace sqlflow::parser

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sqlflow/sqltext/scanner.h"

namespace sqlflow::sqltext {
namespace {

using VarRefs = RegionScanner::VarRefs;
using Braces = RegionScanner::Braces;

// The end of the region that opens at `pos`, and the errors the scanner reported for it.
struct Scanned {
  RegionKind kind = RegionKind::kNone;
  size_t end = 0;
  std::vector<TextError> errors;
};

Scanned ScanAt(std::string_view text, size_t pos, VarRefs var_refs = VarRefs::kReport,
               Braces braces = Braces::kRegions) {
  Scanned out;
  RegionScanner scanner(
      text, var_refs, [&](const TextError& error) { out.errors.push_back(error); }, braces);
  out.kind = scanner.KindAt(pos);
  out.end = scanner.Skip(pos);
  return out;
}

TEST(SqltextScannerTest, SingleQuotedStringWithDoubledQuote) {
  std::string text = "'it''s; here' x";
  Scanned s = ScanAt(text, 0);
  EXPECT_EQ(s.kind, RegionKind::kString);
  EXPECT_EQ(text.substr(0, s.end), "'it''s; here'");
  EXPECT_TRUE(s.errors.empty());
}

TEST(SqltextScannerTest, EStringBackslashEscapesOnlyAfterE) {
  std::string e_string = "E'a\\'b;' rest";
  EXPECT_EQ(e_string.substr(0, ScanAt(e_string, 1).end), "E'a\\'b;'");
  std::string lower_e = "e'\\\\' rest";
  EXPECT_EQ(lower_e.substr(0, ScanAt(lower_e, 1).end), "e'\\\\'");
  // A plain string ends at the quote after the backslash.
  std::string plain = "'a\\' rest";
  EXPECT_EQ(plain.substr(0, ScanAt(plain, 0).end), "'a\\'");
  // "TYPE'...'": the E belongs to a word, so no escapes.
  std::string word = "TYPE'a\\' rest";
  EXPECT_EQ(word.substr(4, ScanAt(word, 4).end - 4), "'a\\'");
}

TEST(SqltextScannerTest, QuotedIdentifierWithDoubledQuote) {
  std::string text = "\"a\"\"b;c\" d";
  Scanned s = ScanAt(text, 0);
  EXPECT_EQ(s.kind, RegionKind::kQuoted);
  EXPECT_EQ(text.substr(0, s.end), "\"a\"\"b;c\"");
  EXPECT_EQ(UnquoteIdentifier(text.substr(0, s.end)), "a\"b;c");
}

TEST(SqltextScannerTest, LineCommentEndsBeforeLineBreak) {
  std::string text = "-- a; 'b\nSELECT";
  Scanned s = ScanAt(text, 0);
  EXPECT_EQ(s.kind, RegionKind::kLineComment);
  EXPECT_EQ(s.end, text.find('\n'));
  std::string at_end = "-- no line break";
  EXPECT_EQ(ScanAt(at_end, 0).end, at_end.size());
}

TEST(SqltextScannerTest, BlockCommentsNest) {
  std::string text = "/* a /* b; */ still; */ x";
  Scanned s = ScanAt(text, 0);
  EXPECT_EQ(s.kind, RegionKind::kBlockComment);
  EXPECT_EQ(text.substr(0, s.end), "/* a /* b; */ still; */");
  std::string deep = "/*/*/**/*/*/;";
  EXPECT_EQ(ScanAt(deep, 0).end, deep.size() - 1);
}

TEST(SqltextScannerTest, DollarQuotesWithAndWithoutTag) {
  std::string plain = "$$ a; 'b $$ x";
  EXPECT_EQ(plain.substr(0, ScanAt(plain, 0).end), "$$ a; 'b $$");
  std::string tagged = "$fn$ a $$ b; $other$ $fn$ x";
  Scanned s = ScanAt(tagged, 0);
  EXPECT_EQ(s.kind, RegionKind::kDollarQuote);
  EXPECT_EQ(tagged.substr(0, s.end), "$fn$ a $$ b; $other$ $fn$");
  // Positional parameters and a '$' after a word are not dollar quotes.
  EXPECT_EQ(ScanAt("$1 + $2", 0).kind, RegionKind::kNone);
  EXPECT_EQ(ScanAt("a$b$", 1).kind, RegionKind::kNone);
}

TEST(SqltextScannerTest, VariableReferencesAreAtomicInsideRegions) {
  // The quote inside the default does not end the string.
  std::string text = "'${a|\"x'y\"}' tail";
  Scanned s = ScanAt(text, 0);
  EXPECT_EQ(text.substr(0, s.end), "'${a|\"x'y\"}'");
  // Ignored references: `${` is plain text and the quote in the default ends the string.
  Scanned ignored = ScanAt(text, 0, VarRefs::kIgnore);
  EXPECT_EQ(text.substr(0, ignored.end), "'${a|\"x'");
}

TEST(SqltextScannerTest, VarRefSinkSeesReferencesOutsideCommentsWithJsonContext) {
  std::string text = "SELECT ${a} -- ${b}\n /* ${c} */ '${d}' {\"k\": \"${e}\", \"n\": ${f}} $$${g}$$";
  RegionScanner scanner(text, VarRefs::kAtomic, nullptr);
  std::vector<std::string> seen;
  scanner.set_var_ref_sink(
      [&](const VarRef& ref, bool in_json) { seen.push_back(ref.name + (in_json ? "*" : "")); });
  for (size_t i = 0; i < text.size();) {
    RegionKind kind = scanner.KindAt(i);
    i = kind == RegionKind::kNone ? i + 1 : scanner.Skip(i);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "d", "e*", "f", "g"}));
}

TEST(SqltextScannerTest, UnterminatedFormsReportLocatedErrors) {
  struct Case {
    std::string text;
    size_t pos;
    std::string code;
    size_t error_offset;
  };
  std::vector<Case> cases = {
      {"SELECT 'abc", 7, "SF101", 7},      {"SELECT \"abc", 7, "SF101", 7},
      {"x /* a /* b */", 2, "SF102", 2},   {"x $tag$ body $other$", 2, "SF104", 2},
      {"PARAMS {\"a\": 1", 7, "SF103", 7}, {"E'a\\'", 1, "SF101", 1},
      {"SELECT ${name", 7, "SF204", 7},
  };
  for (const auto& c : cases) {
    Scanned s = ScanAt(c.text, c.pos);
    ASSERT_EQ(s.errors.size(), 1u) << c.text;
    EXPECT_EQ(s.errors[0].code, c.code) << c.text;
    EXPECT_EQ(s.errors[0].offset, c.error_offset) << c.text;
    EXPECT_EQ(s.end, c.text.size()) << c.text;  // an unterminated region runs to the end
  }
}

TEST(SqltextScannerTest, BracesArePlainInSqlMode) {
  EXPECT_EQ(ScanAt("{'a': 1}", 0, VarRefs::kIgnore, Braces::kPlain).kind, RegionKind::kNone);
  EXPECT_EQ(ScanAt("{'a': 1}", 0, VarRefs::kIgnore, Braces::kRegions).kind, RegionKind::kBrace);
  // In a brace block "..." is a JSON string with backslash escapes.
  std::string json = "{\"a\\\"}\": 1} x";
  EXPECT_EQ(json.substr(0, ScanAt(json, 0).end), "{\"a\\\"}\": 1}");
}

TEST(SqltextScannerTest, SplitStatementsRespectsEveryRegion) {
  std::string text =
      "SELECT ';' AS a; SELECT \";\" FROM t -- ;\n; /* ; /* ; */ ; */ SELECT $$;$$, E'\\';' ;  -- only a "
      "comment;\n";
  auto statements = SplitStatements(text, VarRefs::kIgnore, Braces::kPlain);
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(text.substr(statements[0].begin, statements[0].end - statements[0].begin), "SELECT ';' AS a");
  EXPECT_EQ(text.substr(statements[1].begin, statements[1].end - statements[1].begin),
            " SELECT \";\" FROM t -- ;\n");
  EXPECT_EQ(text.substr(statements[2].begin, statements[2].end - statements[2].begin),
            " /* ; /* ; */ ; */ SELECT $$;$$, E'\\';' ");
  EXPECT_TRUE(SplitStatements(" ; -- x\n ; /* y */", VarRefs::kIgnore, Braces::kPlain).empty());
}

TEST(SqltextScannerTest, ForEachCodeRunSkipsRegions) {
  std::string sql = "a 'b' \"c\" -- d\ne /* f /* g */ h */ i $$j$$ k";
  std::string code;
  ForEachCodeRun(sql, [&](size_t begin, size_t end) { code += sql.substr(begin, end - begin); });
  EXPECT_EQ(code, "a   \ne  i  k");
}

}  // namespace
}  // namespace sqlflow::sqltext

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sqlflow/variables/substitute.h"

namespace sqlflow::variables {
namespace {

SourceFilePtr MakeFile(std::string text) {
  return std::make_shared<SourceFile>("pipelines/p.sf", std::move(text));
}

// Resolves from a map (nullopt when absent, falling back to the inline default) and records every call.
struct MapResolver {
  std::map<std::string, std::string> values;
  std::vector<std::string> calls;

  Resolver Get() {
    return [this](const VarRef& ref, size_t) -> std::optional<std::string> {
      calls.push_back(ref.name);
      if (auto it = values.find(ref.name); it != values.end()) return it->second;
      return ref.default_value;
    };
  }
};

std::string SubstituteAll(const std::string& text, MapResolver& resolver) {
  auto file = MakeFile(text);
  return Substitute(file, 0, text.size(), resolver.Get()).text;
}

TEST(VariablesSubstituteTest, ValueIsInsertedVerbatimInSql) {
  MapResolver resolver{{{"day", "2024-01-01"}, {"q", "it's \"x\"\\"}}, {}};
  EXPECT_EQ(SubstituteAll("SELECT * FROM t WHERE d = '${day}' AND n >= ${min|5};", resolver),
            "SELECT * FROM t WHERE d = '2024-01-01' AND n >= 5;");
  // No quoting or escaping anywhere outside JSON strings, also not in "..." outside braces.
  EXPECT_EQ(SubstituteAll("SELECT '${q}', \"${q}\"", resolver), "SELECT 'it's \"x\"\\', \"it's \"x\"\\\"");
}

TEST(VariablesSubstituteTest, ValueIsJsonEscapedInsideJsonStringsInBraces) {
  MapResolver resolver{{{"v", "a\"b\\c\nd\te\x01"}, {"n", "5"}}, {}};
  EXPECT_EQ(
      SubstituteAll(R"(SOURCE s TYPE REST PARAMS {"x": "${v}", "n": ${n}, "o": {"y": "p${v}"}};)", resolver),
      R"(SOURCE s TYPE REST PARAMS {"x": "a\"b\\c\nd\te\u0001", "n": 5, "o": {"y": "pa\"b\\c\nd\te\u0001"}};)");
  // A backslash-escaped quote does not end the JSON string: the value is still escaped.
  EXPECT_EQ(SubstituteAll(R"({"x": "\" ${v}"})", resolver), R"({"x": "\" a\"b\\c\nd\te\u0001"})");
  // Outside the JSON string but inside the braces: verbatim.
  MapResolver raw{{{"obj", "\"a\""}}, {}};
  EXPECT_EQ(SubstituteAll(R"({"k": ${obj}})", raw), R"({"k": "a"})");
  // After the brace block closes, "..." is a quoted identifier again: verbatim.
  EXPECT_EQ(SubstituteAll(R"({"k": 1} "${obj}")", raw), R"({"k": 1} ""a"")");
}

TEST(VariablesSubstituteTest, CommentsAreCopiedAndNotResolved) {
  MapResolver resolver{{{"a", "A"}}, {}};
  EXPECT_EQ(SubstituteAll("SELECT ${a} -- ${a} ${undefined}\n, ${a} /* ${a} /* nested ${b} */ ${c} */ ${a}",
                          resolver),
            "SELECT A -- ${a} ${undefined}\n, A /* ${a} /* nested ${b} */ ${c} */ A");
  EXPECT_EQ(resolver.calls, (std::vector<std::string>{"a", "a", "a"}));
}

TEST(VariablesSubstituteTest, CommentMarkersInsideRegionsAreNotComments) {
  MapResolver resolver{{{"a", "A"}}, {}};
  EXPECT_EQ(SubstituteAll("SELECT '-- ${a}', \"/* ${a}\", $$ -- ${a} $$, $t$ /* ${a} $t$", resolver),
            "SELECT '-- A', \"/* A\", $$ -- A $$, $t$ /* A $t$");
  // Inside a brace block -- and /* are not comments.
  EXPECT_EQ(SubstituteAll("{\"u\": \"http://x\", \"v\": 1 -- ${a}\n}", resolver),
            "{\"u\": \"http://x\", \"v\": 1 -- A\n}");
  // A quote inside a string does not open a comment-free zone past the string's end.
  EXPECT_EQ(SubstituteAll("SELECT 'it''s' -- ${a}\n", resolver), "SELECT 'it''s' -- ${a}\n");
  // E'' strings: a backslash escapes the quote, so the comment marker is still inside the string.
  EXPECT_EQ(SubstituteAll("SELECT E'\\' -- ${a}' -- ${a}", resolver), "SELECT E'\\' -- A' -- ${a}");
  // Without the E, the backslash is an ordinary character and the string ends at the quote.
  EXPECT_EQ(SubstituteAll("SELECT '\\' -- ${a}'", resolver), "SELECT '\\' -- ${a}'");
  // The '$' of a dollar quote must not follow an identifier character.
  EXPECT_EQ(SubstituteAll("SELECT a$b$ -- ${a}", resolver), "SELECT a$b$ -- ${a}");
}

TEST(VariablesSubstituteTest, DoubleDollarBraceIsALiteralReference) {
  MapResolver resolver{{{"not_a_var", "X"}, {"a", "A"}}, {}};
  EXPECT_EQ(SubstituteAll("SELECT '$${not_a_var}', $${a|b c}, ${a}", resolver),
            "SELECT '${not_a_var}', ${a|b c}, A");
  EXPECT_EQ(resolver.calls, (std::vector<std::string>{"a"}));
  // $${ never opens a dollar quote: the -- after it is a comment.
  EXPECT_EQ(SubstituteAll("SELECT $${x} -- ${a}", resolver), "SELECT ${x} -- ${a}");
}

TEST(VariablesSubstituteTest, UndefinedBecomesEmptyAndMalformedIsCopied) {
  MapResolver resolver{{{"a", "A"}}, {}};
  EXPECT_EQ(SubstituteAll("x${missing}y ${1x} ${} ${a|b c} ${a}", resolver), "xy ${1x} ${} ${a|b c} A");
}

TEST(VariablesSubstituteTest, QuotedDefaultMayContainQuotesAndBraces) {
  MapResolver resolver;
  EXPECT_EQ(SubstituteAll("SELECT '${r|\"us } 'east\"}' -- ${r}", resolver), "SELECT 'us } 'east' -- ${r}");
}

TEST(VariablesSubstituteTest, SegmentsMapOutputBackToTheSource) {
  std::string text = "SELECT ${long}, x\nFROM ${t} WHERE $${y} = bad";
  auto file = MakeFile(text);
  MapResolver resolver{{{"long", std::string(200, 'v')}, {"t", "tbl"}}, {}};
  SubstitutedText out = Substitute(file, 0, text.size(), resolver.Get());
  ASSERT_EQ(out.text, "SELECT " + std::string(200, 'v') + ", x\nFROM tbl WHERE ${y} = bad");

  // Text after the long value keeps its own line and column.
  size_t x_out = out.text.find(", x") + 2;
  SourcePos x_pos = out.Pos(x_out);
  EXPECT_EQ(x_pos.line, 1);
  EXPECT_EQ(x_pos.column, 17);
  size_t bad_out = out.text.find("bad");
  SourcePos bad_pos = out.Pos(bad_out, 3);
  EXPECT_EQ(bad_pos.line, 2);
  EXPECT_EQ(bad_pos.column, static_cast<int>(text.find("bad") - text.find("FROM")) + 1);
  EXPECT_EQ(bad_pos.length, 3);
  EXPECT_EQ(out.SourceOffset(out.text.find("${y}")), text.find("$${y}") + 1);

  // Inside a value: the whole reference.
  SourcePos in_value = out.Pos(100);
  EXPECT_EQ(in_value.line, 1);
  EXPECT_EQ(in_value.column, 8);
  EXPECT_EQ(in_value.length, 7);  // ${long}
  const Segment* variable = out.VariableAt(out.text.find("tbl") + 1);
  ASSERT_NE(variable, nullptr);
  EXPECT_EQ(variable->var_name, "t");
  EXPECT_EQ(text.substr(variable->src_begin, variable->src_end - variable->src_begin), "${t}");

  // A range that starts in literal text and ends inside a value covers the whole reference.
  SourcePos through_value = out.Pos(out.text.find("FROM"), 8);  // "FROM tbl"
  EXPECT_EQ(through_value.line, 2);
  EXPECT_EQ(through_value.column, 1);
  EXPECT_EQ(through_value.length, 9);  // "FROM ${t}"

  // Every output byte is covered by exactly one segment, in order.
  size_t covered = 0;
  for (const auto& segment : out.segments) {
    EXPECT_EQ(segment.out_begin, covered);
    if (!segment.from_variable) {
      EXPECT_EQ(out.text.substr(segment.out_begin, segment.out_end - segment.out_begin),
                text.substr(segment.src_begin, segment.src_end - segment.src_begin));
    }
    covered = segment.out_end;
  }
  EXPECT_EQ(covered, out.text.size());
}

TEST(VariablesSubstituteTest, OnlyTheGivenRangeIsSubstituted) {
  std::string text = "SELECT ${a}; SELECT ${b};";
  auto file = MakeFile(text);
  MapResolver resolver{{{"a", "A"}, {"b", "B"}}, {}};
  size_t begin = text.find("SELECT ${b}");
  SubstitutedText out = Substitute(file, begin, text.size() - 1, resolver.Get());
  EXPECT_EQ(out.text, "SELECT B");
  EXPECT_EQ(out.Pos(7).column, static_cast<int>(begin) + 8);
  // A reference cut by the end of the range is not substituted.
  EXPECT_EQ(Substitute(file, 0, 10, resolver.Get()).text, "SELECT ${a");
}

TEST(VariablesSubstituteTest, FindReferencesSkipsCommentsEscapesAndMalformed) {
  std::string text = "SELECT ${a}, '${b|x}' -- ${c}\n/* ${d} */ $${e} ${1f} {\"k\": \"${g}\"} $$${h}$$";
  auto refs = FindReferences(text, 0, text.size());
  std::vector<std::string> names;
  for (const auto& ref : refs) names.push_back(ref.name);
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "g", "h"}));
  ASSERT_EQ(refs.size(), 4u);
  EXPECT_EQ(refs[1].default_value, "x");
  EXPECT_EQ(text.substr(refs[0].begin, refs[0].end - refs[0].begin), "${a}");
}

}  // namespace
}  // namespace sqlflow::variables

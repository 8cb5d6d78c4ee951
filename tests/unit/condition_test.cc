#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sqlflow/variables/condition.h"

namespace sqlflow::variables {
namespace {

// Evaluates `IF <condition> THEN` with variables from a map; undefined ones are reported as SF201 like the
// real resolver does.
struct ConditionRun {
  std::optional<bool> result;
  Diagnostics diagnostics;
  std::vector<std::string> resolved;  // names, in resolution order

  const Diagnostic& First() const { return diagnostics.All().at(0); }
};

ConditionRun Eval(const std::string& condition, const std::map<std::string, std::string>& values = {}) {
  std::string text = "IF " + condition + " THEN";
  auto file = std::make_shared<SourceFile>("pipelines/p.sf", text);
  ConditionRun run;
  Resolver resolver = [&](const VarRef& ref, size_t offset) -> std::optional<std::string> {
    run.resolved.push_back(ref.name);
    if (auto it = values.find(ref.name); it != values.end()) return it->second;
    if (ref.default_value) return ref.default_value;
    run.diagnostics.Error("SF201", "undefined variable ${" + ref.name + "}",
                          file->Pos(offset, ref.end - ref.begin));
    return std::nullopt;
  };
  run.result = EvaluateCondition(file, 3, 3 + condition.size(), resolver, run.diagnostics);
  return run;
}

bool True(const std::string& condition, const std::map<std::string, std::string>& values = {}) {
  ConditionRun run = Eval(condition, values);
  EXPECT_FALSE(run.diagnostics.HasErrors()) << condition << ": " << run.First().message;
  EXPECT_TRUE(run.result.has_value()) << condition;
  return run.result.value_or(false);
}

// Column (1-based) in "IF <condition> THEN" of the first occurrence of `needle` in the condition.
int ColumnOf(const std::string& condition, const std::string& needle) {
  return static_cast<int>(condition.find(needle)) + 4;
}

TEST(ConditionTest, SpecTableExamples) {
  EXPECT_TRUE(True("${env} == 'prod'", {{"env", "prod"}}));
  EXPECT_FALSE(True("${limit|3} > 5"));
  EXPECT_TRUE(True("${limit} > 5", {{"limit", "10"}}));  // numeric, not string ("10" < "5" as strings)
  EXPECT_TRUE(True("${flag|false} == true", {{"flag", "TRUE"}}));
  EXPECT_FALSE(True("${region} == 'eu'", {{"region", "eu "}}));
  std::map<std::string, std::string> abc = {{"a", "x"}, {"b", "y"}, {"c", "false"}};
  EXPECT_TRUE(True("${a} == 'x' and (${b} != 'y' OR NOT ${c})", abc));
  abc["c"] = "true";
  EXPECT_FALSE(True("${a} == 'x' and (${b} != 'y' OR NOT ${c})", abc));
  abc["b"] = "z";
  EXPECT_TRUE(True("${a} == 'x' and (${b} != 'y' OR NOT ${c})", abc));
}

TEST(ConditionTest, NumbersCompareNumerically) {
  EXPECT_TRUE(True("'10' > 5"));
  EXPECT_TRUE(True("1.50 == 1.5"));
  EXPECT_TRUE(True("+3 == 3"));
  EXPECT_TRUE(True("1e3 == 1000"));
  EXPECT_TRUE(True(".5 < 1"));
  EXPECT_TRUE(True("-2 < 1"));
  EXPECT_TRUE(True("5. >= 5"));
  // Exact 64-bit integers: these differ by one but are the same double.
  EXPECT_TRUE(True("9007199254740993 > 9007199254740992"));
  EXPECT_TRUE(True("9007199254740993 != 9007199254740992"));
  // Too large for 64 bits: compared as doubles.
  EXPECT_TRUE(True("99999999999999999999 > 9223372036854775807"));
}

TEST(ConditionTest, BooleansAndStrings) {
  EXPECT_TRUE(True("TRUE == true"));
  EXPECT_TRUE(True("'False' != true"));
  EXPECT_TRUE(True("'abc' < 'abd'"));
  EXPECT_TRUE(True("'B' < 'a'"));  // byte-wise, case-sensitive
  EXPECT_TRUE(True("'Eu' != 'eu'"));
  EXPECT_TRUE(True("'é' > 'z'"));            // UTF-8 bytes compare as unsigned
  EXPECT_TRUE(True("'10' < 'x'"));           // mixed number/string: string comparison
  EXPECT_TRUE(True("1 != true"));            // mixed number/boolean: string comparison
  EXPECT_TRUE(True("'it''s' == \"it's\""));  // doubled quotes
  EXPECT_TRUE(True("\"say \"\"hi\"\"\" == 'say \"hi\"'"));
  EXPECT_TRUE(True("prod == 'prod'"));  // bare word
  EXPECT_TRUE(True("'' == ''"));
}

TEST(ConditionTest, ValuesAreNeverSplitAgain) {
  EXPECT_TRUE(True("${r} == 'us east'", {{"r", "us east"}}));
  EXPECT_TRUE(True("${q} == 'a''b'", {{"q", "a'b"}}));
  EXPECT_TRUE(True("${q} == ${q}", {{"q", "a == b OR"}}));
  // A default with spaces and quotes is one atomic word.
  EXPECT_TRUE(True("${r|\"us ' east\"} == 'us '' east'"));
  // References inside quoted operands and words are substituted in place.
  EXPECT_TRUE(True("'${a}-${b|2}' == x-2", {{"a", "x"}}));
  EXPECT_TRUE(True("pre_${a}_post == 'pre_x_post'", {{"a", "x"}}));
  // A value that spells a keyword is an operand, not an operator.
  EXPECT_TRUE(True("${k} == 'AND'", {{"k", "AND"}}));
  // $${ is a literal.
  EXPECT_TRUE(True("'$${x}' == '$${x}'"));
}

TEST(ConditionTest, BareOperandMustBeBoolean) {
  EXPECT_TRUE(True("${flag}", {{"flag", "True"}}));
  EXPECT_TRUE(True("NOT ${dry_run|false}"));
  ConditionRun run = Eval("${flag}", {{"flag", "yes"}});
  EXPECT_EQ(run.result, std::nullopt);
  ASSERT_EQ(run.diagnostics.All().size(), 1u);
  EXPECT_EQ(run.First().code, "SF213");
  EXPECT_EQ(run.First().message, "condition value 'yes' is not a boolean (expected true or false)");
  EXPECT_EQ(run.First().pos.column, 4);
  EXPECT_EQ(run.First().pos.length, 7);
  EXPECT_EQ(run.First().notes, (std::vector<std::string>{"${flag} = 'yes'"}));
  EXPECT_EQ(Eval("1").First().code, "SF213");
}

TEST(ConditionTest, PrecedenceNotAndOr) {
  // Comparison binds tighter than NOT: NOT (a == 'x').
  EXPECT_FALSE(True("NOT ${a} == 'x'", {{"a", "x"}}));
  // AND binds tighter than OR: true OR (false AND false).
  EXPECT_TRUE(True("true OR false AND false"));
  // ... and is left to right: (false AND false) OR true.
  EXPECT_TRUE(True("false AND false OR true"));
  // NOT binds tighter than AND: (NOT false) AND false.
  EXPECT_FALSE(True("NOT false AND false"));
  EXPECT_TRUE(True("NOT NOT true"));
  EXPECT_TRUE(True("not false and TRUE"));  // any letter case
}

TEST(ConditionTest, Parentheses) {
  EXPECT_FALSE(True("(true OR false) AND false"));
  EXPECT_TRUE(True("true OR (false AND false)"));
  EXPECT_TRUE(True("NOT (true AND false)"));
  EXPECT_TRUE(True("((('a' == 'a')))"));
  EXPECT_TRUE(True("('a'=='a')and(1<2)"));
}

TEST(ConditionTest, ShortCircuitSkipsTypeErrors) {
  EXPECT_FALSE(True("false AND ${x}", {{"x", "not a boolean"}}));
  EXPECT_TRUE(True("true OR ${x} > true", {{"x", "true"}}));
  // Evaluated operands still report.
  EXPECT_EQ(Eval("true AND ${x}", {{"x", "nope"}}).First().code, "SF213");
  EXPECT_EQ(Eval("false OR ${x}", {{"x", "nope"}}).First().code, "SF213");
}

TEST(ConditionTest, EveryReferenceIsResolvedFirst) {
  ConditionRun run = Eval("true OR ${missing} == 'x' OR ${other}");
  EXPECT_EQ(run.result, std::nullopt);
  EXPECT_EQ(run.resolved, (std::vector<std::string>{"missing", "other"}));
  ASSERT_EQ(run.diagnostics.All().size(), 2u);
  EXPECT_EQ(run.diagnostics.All()[0].code, "SF201");
  EXPECT_EQ(run.diagnostics.All()[1].code, "SF201");
  // Even when the condition has a syntax error.
  ConditionRun bad = Eval("${missing} = 'x'");
  EXPECT_EQ(bad.resolved, (std::vector<std::string>{"missing"}));
  EXPECT_EQ(bad.diagnostics.All().size(), 2u);
}

TEST(ConditionTest, SF211SingleEquals) {
  ConditionRun run = Eval("${env} = 'prod'", {{"env", "prod"}});
  EXPECT_EQ(run.result, std::nullopt);
  ASSERT_EQ(run.diagnostics.All().size(), 1u);
  EXPECT_EQ(run.First().code, "SF211");
  EXPECT_EQ(run.First().message, "'=' is not a comparison operator in conditions; use '=='");
  EXPECT_EQ(run.First().pos.column, ColumnOf("${env} = 'prod'", "="));
}

TEST(ConditionTest, SF212InvalidCondition) {
  ConditionRun chained = Eval("1 < 2 < 3");
  EXPECT_EQ(chained.result, std::nullopt);
  EXPECT_EQ(chained.First().code, "SF212");
  EXPECT_EQ(chained.First().message, "invalid condition: unexpected '<'");
  EXPECT_EQ(chained.First().pos.column, 10);

  ConditionRun junk = Eval("'a' == 'a' 'b'");
  EXPECT_EQ(junk.First().code, "SF212");
  EXPECT_EQ(junk.First().message, "invalid condition: unexpected ''b''");

  ConditionRun missing = Eval("${a|1} ==");
  EXPECT_EQ(missing.First().code, "SF212");
  EXPECT_EQ(missing.First().message, "invalid condition: expected an operand");

  EXPECT_EQ(Eval("true AND").First().message, "invalid condition: expected an operand");
  EXPECT_EQ(Eval("AND true").First().message, "invalid condition: expected an operand");
  EXPECT_EQ(Eval("()").First().message, "invalid condition: expected an operand");
  EXPECT_EQ(Eval("").First().message, "invalid condition: expected an operand");

  ConditionRun open = Eval("(true AND (false)");
  EXPECT_EQ(open.First().code, "SF212");
  EXPECT_EQ(open.First().message, "invalid condition: unbalanced parentheses");
  EXPECT_EQ(open.First().pos.column, 4);  // the unclosed '('
  ConditionRun close = Eval("true)");
  EXPECT_EQ(close.First().message, "invalid condition: unbalanced parentheses");
  EXPECT_EQ(close.First().pos.column, 8);
}

TEST(ConditionTest, SF213NotBoolean) {
  ConditionRun run = Eval("'a' == 'a' AND ${name}", {{"name", "prod"}});
  EXPECT_EQ(run.result, std::nullopt);
  EXPECT_EQ(run.First().code, "SF213");
  EXPECT_EQ(run.First().pos.column, ColumnOf("'a' == 'a' AND ${name}", "${name}"));
}

TEST(ConditionTest, SF214BooleanOrdering) {
  ConditionRun run = Eval("${a} < false", {{"a", "true"}});
  EXPECT_EQ(run.result, std::nullopt);
  EXPECT_EQ(run.First().code, "SF214");
  EXPECT_EQ(run.First().message, "operator '<' cannot compare booleans");
  EXPECT_EQ(run.First().pos.column, ColumnOf("${a} < false", "<"));
  EXPECT_EQ(Eval("true >= TRUE").First().message, "operator '>=' cannot compare booleans");
}

TEST(ConditionTest, SF215UnsupportedOperators) {
  ConditionRun not_equal = Eval("${a} <> 'x'", {{"a", "y"}});
  EXPECT_EQ(not_equal.result, std::nullopt);
  EXPECT_EQ(not_equal.First().code, "SF215");
  EXPECT_EQ(not_equal.First().message, "unsupported operator '<>' in condition");
  EXPECT_EQ(not_equal.First().hints, (std::vector<std::string>{"use '!='"}));
  EXPECT_EQ(not_equal.First().pos.column, ColumnOf("${a} <> 'x'", "<>"));
  EXPECT_EQ(not_equal.First().pos.length, 2);

  EXPECT_EQ(Eval("! true").First().message, "unsupported operator '!' in condition");
  EXPECT_EQ(Eval("x IN ('a', 'b')").First().message, "unsupported operator 'IN' in condition");
  EXPECT_EQ(Eval("x like 'a%'").First().message, "unsupported operator 'like' in condition");
  EXPECT_EQ(Eval("x BETWEEN 1 AND 2").First().message, "unsupported operator 'BETWEEN' in condition");
  EXPECT_EQ(Eval("x NOT IN ('a')").First().message, "unsupported operator 'NOT IN' in condition");
  ConditionRun plus = Eval("1 + 1 == 2");
  EXPECT_EQ(plus.First().code, "SF215");
  EXPECT_EQ(plus.First().message, "unsupported operator '+' in condition");
  EXPECT_EQ(Eval("2 == 1 * 2").First().message, "unsupported operator '*' in condition");
}

TEST(ConditionTest, CommentsInsideTheConditionAreIgnored) {
  EXPECT_TRUE(True("true -- ${never}\n AND /* ${never} */ true"));
}

}  // namespace
}  // namespace sqlflow::variables

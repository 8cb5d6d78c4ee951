// Strict JSON objects in PARAMS / OPTIONS (LANGUAGE.md §3.3): RFC 8259, key order kept, SF107 / SF108 /
// SF125.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "sqlflow/parser/parser.h"
#include "sqlflow/variables/substitute.h"

namespace sqlflow::parser {
namespace {

const std::string kPrefix = "SOURCE s TYPE csv PARAMS ";

struct Result {
  std::optional<JsonObject> object;
  Diagnostics diagnostics;
};

Result ParseParams(const std::string& json) {
  std::string text = kPrefix + json;
  auto file = std::make_shared<const SourceFile>("pipelines/p.sf", text + ";\n");
  Result result;
  auto statement =
      ParseStatement(variables::SubstitutedText::Identity(file, 0, text.size()), result.diagnostics);
  if (statement) result.object = std::get<SourceStmt>(*statement).params;
  return result;
}

nlohmann::ordered_json Value(const std::string& json) {
  Result result = ParseParams(json);
  EXPECT_FALSE(result.diagnostics.HasErrors()) << json << ": " << result.diagnostics.All()[0].message;
  return result.object ? result.object->value : nlohmann::ordered_json();
}

// Expects one error; `needle` locates its column within the JSON text.
void ExpectJsonError(const std::string& json, const std::string& code, const std::string& message,
                     const std::string& needle, const std::string& hint = "") {
  SCOPED_TRACE(json);
  Result result = ParseParams(json);
  EXPECT_FALSE(result.object);
  ASSERT_EQ(result.diagnostics.All().size(), 1u);
  const Diagnostic& error = result.diagnostics.All()[0];
  EXPECT_EQ(error.code, code);
  EXPECT_EQ(error.message, message);
  EXPECT_EQ(error.pos.line, 1);
  EXPECT_EQ(error.pos.column, static_cast<int>(kPrefix.size() + json.find(needle)) + 1);
  if (!hint.empty()) {
    ASSERT_EQ(error.hints.size(), 1u);
    EXPECT_EQ(error.hints[0], hint);
  }
}

TEST(ParserJsonTest, KeepsKeyOrderAndTypes) {
  auto value = Value(
      R"({"z": 1, "a": -2.5e1, "m": [true, false, null, "x"], "o": {"k": {}} , "big": 12345678901234})");
  EXPECT_EQ(value.dump(), R"({"z":1,"a":-25.0,"m":[true,false,null,"x"],"o":{"k":{}},"big":12345678901234})");
  EXPECT_TRUE(value["z"].is_number_integer());
  EXPECT_TRUE(value["a"].is_number_float());
  EXPECT_EQ(Value("{}").dump(), "{}");
  EXPECT_EQ(Value("{\n  \"a\" :\t\"b\"\r\n}").dump(), R"({"a":"b"})");
}

TEST(ParserJsonTest, DecodesStringEscapes) {
  auto value = Value(R"({"s": "q\"b\\s\/n\nt\tu\u00e9\ud83d\ude00", "raw": "é;--"})");
  EXPECT_EQ(value["s"].get<std::string>(), "q\"b\\s/n\nt\tu\u00e9\U0001F600");
  EXPECT_EQ(value["raw"].get<std::string>(), "é;--");
}

TEST(ParserJsonTest, RecordsKeyOffsets) {
  std::string json = R"({"path": "x", "nested": {"path": 1}, "last": 2})";
  Result result = ParseParams(json);
  ASSERT_TRUE(result.object);
  EXPECT_EQ(result.object->offset, kPrefix.size());
  EXPECT_EQ(result.object->length, json.size());
  ASSERT_EQ(result.object->key_offsets.size(), 3u);  // top-level keys only
  EXPECT_EQ(result.object->KeyOffset("path"), kPrefix.size() + 1);
  EXPECT_EQ(result.object->KeyOffset("last"), kPrefix.size() + json.find("\"last\""));
}

TEST(ParserJsonTest, TrailingCommaSF107) {
  ExpectJsonError(R"({"a": 1,})", "SF107", "invalid JSON in PARAMS: trailing ',' before '}'", ",",
                  "remove the trailing ','");
  ExpectJsonError(R"({"a": [1, 2, ]})", "SF107", "invalid JSON in PARAMS: trailing ',' before ']'", ", ]",
                  "remove the trailing ','");
}

TEST(ParserJsonTest, CommentsAreNotAllowedSF107) {
  ExpectJsonError("{\"a\": 1 // note\n}", "SF107", "invalid JSON in PARAMS: comments are not allowed", "//");
  ExpectJsonError(R"({/* c */ "a": 1})", "SF107", "invalid JSON in PARAMS: comments are not allowed", "/*");
}

TEST(ParserJsonTest, SyntaxErrorsSF107) {
  ExpectJsonError(R"({'a': 1})", "SF107", "invalid JSON in PARAMS: strings must use double quotes", "'");
  ExpectJsonError(R"({"a" 1})", "SF107", "invalid JSON in PARAMS: expected ':' after key \"a\", found '1'",
                  "1");
  ExpectJsonError(R"({"a": 1 "b": 2})", "SF107",
                  "invalid JSON in PARAMS: expected ',' or '}' after the value of \"a\", found '\"'",
                  "\"b\"");
  ExpectJsonError(R"({"a": True})", "SF107", "invalid JSON in PARAMS: expected a value, found 'True'",
                  "True");
  ExpectJsonError(R"({"a": 01})", "SF107", "invalid JSON in PARAMS: invalid number '01'", "01");
  ExpectJsonError(R"({"a": 1.})", "SF107", "invalid JSON in PARAMS: invalid number '1.'", "1.");
  ExpectJsonError(R"({"a": "x\q"})", "SF107", "invalid JSON in PARAMS: invalid escape '\\q' in string",
                  "\\q");
  ExpectJsonError(
      "{\"a\": \"x\ty\"}", "SF107",
      "invalid JSON in PARAMS: control character in string (write it as an escape such as \\n or \\t)", "\t");
  ExpectJsonError(R"({"a": "\ud800"})", "SF107",
                  "invalid JSON in PARAMS: invalid \\u escape (unpaired surrogate)", "\\u");
  ExpectJsonError(R"({a: 1})", "SF107", "invalid JSON in PARAMS: expected a string key or '}', found 'a'",
                  "a");
  ExpectJsonError(R"({"a": [1 2]})", "SF107",
                  "invalid JSON in PARAMS: expected ',' or ']' in the array, found '2'", "2]");
}

TEST(ParserJsonTest, DuplicateKeySF125) {
  ExpectJsonError(R"({"a": 1, "b": 2, "a": 3})", "SF125", "duplicate key 'a' in JSON object", "\"a\": 3");
  ExpectJsonError(R"({"o": {"k": 1, "k": 2}})", "SF125", "duplicate key 'k' in JSON object", "\"k\": 2");
}

TEST(ParserJsonTest, NotAnObjectSF108) {
  for (const char* json : {"[1]", "\"x\"", "42", "null"}) {
    SCOPED_TRACE(json);
    Result result = ParseParams(json);
    ASSERT_EQ(result.diagnostics.All().size(), 1u);
    EXPECT_EQ(result.diagnostics.All()[0].code, "SF108");
    EXPECT_EQ(result.diagnostics.All()[0].message, "PARAMS must be a JSON object");
    EXPECT_EQ(result.diagnostics.All()[0].pos.column, static_cast<int>(kPrefix.size()) + 1);
  }
}

TEST(ParserJsonTest, DeepNestingIsAnErrorNotACrash) {
  std::string json = "{\"a\": " + std::string(5000, '[') + std::string(5000, ']') + "}";
  Result result = ParseParams(json);
  ASSERT_EQ(result.diagnostics.All().size(), 1u);
  EXPECT_EQ(result.diagnostics.All()[0].code, "SF107");
  EXPECT_EQ(result.diagnostics.All()[0].message, "invalid JSON in PARAMS: nesting is too deep");
}

}  // namespace
}  // namespace sqlflow::parser

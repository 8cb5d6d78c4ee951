// Robustness: thousands of mutated pipelines (truncations, random byte edits, unbalanced regions and blocks)
// must parse without crashing or hanging, with every diagnostic positioned inside the file, and every input
// known to be bad must produce at least one error.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "sqlflow/parser/parser.h"
#include "sqlflow/variables/substitute.h"

namespace sqlflow::parser {
namespace {

// Seeds without comments: any prefix of them that does not end with ';' is an incomplete pipeline.
const std::vector<std::string>& Seeds() {
  static const std::vector<std::string> seeds = {
      "SET min_qty = 1;\n"
      "SOURCE orders_src TYPE CSV PARAMS {\"path\": \"data/orders.csv\", \"has_header\": true, \"n\": [1, "
      "2.5]};\n"
      "LOAD orders FROM orders_src MODE UPSERT KEY (order_id);\n"
      "CREATE TABLE daily AS\n"
      "  SELECT order_date, SUM(quantity * unit_price) AS revenue\n"
      "  FROM orders WHERE quantity >= ${min_qty} GROUP BY order_date;\n"
      "IF ${env|dev} == 'prod' THEN\n"
      "  EXPORT SELECT * FROM daily ORDER BY order_date TO \"output/prod/daily.csv\";\n"
      "ELSE\n"
      "  EXPORT daily TO \"output/dev/daily.parquet\" TYPE parquet OPTIONS {\"compression\": \"zstd\"};\n"
      "END IF;\n",

      "IF ${a} == 'x' THEN\n"
      "  LOAD t FROM a;\n"
      "ELSE IF ${a} == 'y' THEN\n"
      "  LOAD t FROM b MODE MERGE KEY k1, k2;\n"
      "ELSE\n"
      "  IF ${b|no} == 'yes' THEN\n"
      "    CREATE OR REPLACE TABLE x AS SELECT $$a;b$$ AS d, E'it\\'s' AS e, 'q''q' AS f;\n"
      "  ENDIF;\n"
      "END IF;\n"
      "CREATE TABLE inc MODE INCREMENTAL BY ts LOOKBACK '7 days' AS SELECT * FROM ev WHERE ts >= "
      "@start_dt;\n",

      "SOURCE s FROM \"pg\" OPTIONS {\"query\": \"SELECT 1; -- not a comment\", \"x\": {\"y\": \"}\"}};\n"
      "SET label = 'it''s ${name|\"a b\"}';\n"
      "EXPORT SELECT a::INT, 1e3, \"q\"\"x\" FROM t(to) WHERE s = 'TO' TO warehouse OPTIONS {\"table\": "
      "\"t\"};\n"
      "SELECT $tag$ ; $$ ; $tag$, '$${literal}';\n"
      "SET SESSION threads = 4;\n"};
  return seeds;
}

struct Outcome {
  Diagnostics diagnostics;
  std::optional<PipelineTree> tree;
  std::chrono::microseconds elapsed{0};
};

// Walks the tree and parses every statement (without substitution), checking ranges along the way.
void CheckItems(const std::vector<Item>& items, Diagnostics& diagnostics) {
  for (const auto& item : items) {
    if (const auto* raw = std::get_if<RawStatement>(&item.node)) {
      ASSERT_LE(raw->begin, raw->end);
      ASSERT_LE(raw->end, raw->file->text().size());
      ParseStatement(variables::SubstitutedText::Identity(raw->file, raw->begin, raw->end), diagnostics);
      continue;
    }
    const auto& block = std::get<IfBlock>(item.node);
    ASSERT_FALSE(block.branches.empty());
    for (const auto& branch : block.branches) {
      if (branch.condition) {
        ASSERT_LE(branch.condition->begin, branch.condition->end);
        ASSERT_LE(branch.condition->end, branch.condition->file->text().size());
      }
      CheckItems(branch.items, diagnostics);
    }
  }
}

Outcome ParseMutant(const std::string& text) {
  Outcome outcome;
  SourceCache sources("/nonexistent");
  auto start = std::chrono::steady_clock::now();
  outcome.tree =
      ParsePipelineText("/nonexistent-project", "pipelines/f.sf", text, outcome.diagnostics, sources);
  if (outcome.tree) CheckItems(outcome.tree->items, outcome.diagnostics);
  outcome.elapsed =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  return outcome;
}

int LineCount(const std::string& text) {
  int lines = 1;
  for (char c : text) lines += c == '\n';
  return lines;
}

// Every diagnostic is positioned inside the file (the only file: no INCLUDE in the inputs).
void ExpectValidPositions(const Outcome& outcome, const std::string& text) {
  ASSERT_TRUE(outcome.tree.has_value());
  for (const auto& d : outcome.diagnostics.All()) {
    ASSERT_TRUE(d.pos.valid()) << d.code << " " << d.message << "\ninput:\n" << text;
    ASSERT_EQ(d.pos.file, "pipelines/f.sf");
    ASSERT_GE(d.pos.column, 1);
    ASSERT_GE(d.pos.length, 1);
    ASSERT_LE(d.pos.line, LineCount(text)) << d.code << " " << d.message << "\ninput:\n" << text;
    ASSERT_FALSE(d.message.empty());
    ASSERT_EQ(d.code.substr(0, 2), "SF");
  }
}

std::string TrimRight(const std::string& text) {
  size_t end = text.size();
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\n' || text[end - 1] == '\t')) --end;
  return text.substr(0, end);
}

TEST(ParserFuzzTest, SeedsAreValid) {
  for (const auto& seed : Seeds()) {
    Outcome outcome = ParseMutant(seed);
    EXPECT_FALSE(outcome.diagnostics.HasErrors()) << seed << "\n -> " << outcome.diagnostics.All()[0].code
                                                  << " " << outcome.diagnostics.All()[0].message;
  }
}

TEST(ParserFuzzTest, EveryTruncationIsHandled) {
  int bad_inputs = 0;
  for (const auto& seed : Seeds()) {
    for (size_t length = 0; length < seed.size(); ++length) {
      std::string text = seed.substr(0, length);
      Outcome outcome = ParseMutant(text);
      ExpectValidPositions(outcome, text);
      std::string trimmed = TrimRight(text);
      if (!trimmed.empty() && trimmed.back() != ';') {
        ++bad_inputs;
        EXPECT_TRUE(outcome.diagnostics.HasErrors()) << "no error for the incomplete pipeline:\n" << text;
      }
      ASSERT_LT(outcome.elapsed.count(), 1'000'000) << text;
    }
  }
  EXPECT_GT(bad_inputs, 1000);
}

TEST(ParserFuzzTest, RandomByteEditsNeverCrash) {
  std::mt19937 random(20240501);
  const std::string specials = "'\"{}$;()-/*\\\n\t END IF THEN ELSE ${ $$ E' \xff\xc3";
  int rejected = 0, accepted = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string text = Seeds()[round % Seeds().size()];
    int edits = 1 + static_cast<int>(random() % 6);
    for (int edit = 0; edit < edits; ++edit) {
      size_t at = random() % (text.size() + 1);
      switch (random() % 4) {
        case 0:  // flip a byte
          if (at < text.size()) text[at] = static_cast<char>(random() % 256);
          break;
        case 1:  // insert a significant character
          text.insert(at, 1, specials[random() % specials.size()]);
          break;
        case 2:  // delete a few bytes
          text.erase(at, random() % 8);
          break;
        default: {  // insert a keyword fragment
          static const std::vector<std::string> fragments = {
              "IF ", "ELSE ", "END IF;", "THEN ", "${",       "/*",  "--",    "'",     "\"",
              "{",   "$$",    "$x$",     "E'",    "INCLUDE ", "TO ", "MODE ", "KEY (", "\r\n"};
          text.insert(at, fragments[random() % fragments.size()]);
        }
      }
    }
    Outcome outcome = ParseMutant(text);
    ExpectValidPositions(outcome, text);
    ASSERT_LT(outcome.elapsed.count(), 1'000'000) << text;  // a hang guard, not a benchmark
    (outcome.diagnostics.HasErrors() ? rejected : accepted) += 1;
  }
  // The mutations must exercise both paths: located errors for broken text, and plans for text that stayed
  // valid. A mutator that broke (or never broke) every input would test nothing.
  EXPECT_GT(rejected, 400);
  EXPECT_GT(accepted, 40);
}

// Statement boundaries of a seed: the start, and the offsets just after each ';' that ends a line.
std::vector<size_t> StatementStarts(const std::string& text) {
  std::vector<size_t> starts = {0};
  for (size_t i = 0; i + 1 < text.size(); ++i)
    if (text[i] == ';' && text[i + 1] == '\n') starts.push_back(i + 2);
  return starts;  // includes text.size(): every seed ends with ";\n"
}

TEST(ParserFuzzTest, UnbalancedConstructsAreAlwaysErrors) {
  struct Breaker {
    std::string text;
    std::string code;  // the error it gives when appended at the end
    bool anywhere;     // an error wherever it is inserted (a quote in the middle may pair with a later one)
  };
  const std::vector<Breaker> breakers = {{"SELECT 'open;\n", "SF101", false},
                                         {"SELECT \"open;\n", "SF101", false},
                                         {"SELECT E'x\\';\n", "SF101", false},
                                         {"/* open /* nested */\n", "SF102", true},
                                         {"SOURCE s TYPE t PARAMS {\"a\": {};\n", "SF103", false},
                                         {"SELECT $$ open;\n", "SF104", false},
                                         {"SELECT $q$ open $Q$;\n", "SF104", true},
                                         {"SELECT ${open;\n", "SF204", true},
                                         {"SELECT ${1x};\n", "SF202", true},
                                         {"IF ${a} == 1 THEN\n", "SF120", true},
                                         {"END IF;\n", "SF120", true},
                                         {"IF a == 1;\n", "SF106", true},
                                         {"LOAD t FROM s\n", "SF105", true}};
  int cases = 0;
  for (const auto& seed : Seeds()) {
    for (size_t at : StatementStarts(seed)) {
      for (const auto& breaker : breakers) {
        bool at_end = at == seed.size();
        if (!at_end && !breaker.anywhere) continue;
        std::string text = seed.substr(0, at) + breaker.text + seed.substr(at);
        Outcome outcome = ParseMutant(text);
        ExpectValidPositions(outcome, text);
        ASSERT_TRUE(outcome.diagnostics.HasErrors()) << text;
        if (at_end) {
          bool found = false;
          for (const auto& d : outcome.diagnostics.All()) found = found || d.code == breaker.code;
          EXPECT_TRUE(found) << "expected " << breaker.code << " for:\n" << text;
        }
        ++cases;
      }
    }
  }
  EXPECT_GT(cases, 150);
}

TEST(ParserFuzzTest, UnbalancedParenthesesInExport) {
  // The block parser does not track parentheses, but EXPORT only takes a TO at depth 0.
  for (const std::string& text :
       {std::string("EXPORT (SELECT 1 TO 'x.csv';\n"), std::string("EXPORT SELECT f((1) TO 'x.csv';\n")}) {
    Outcome outcome = ParseMutant(text);
    ExpectValidPositions(outcome, text);
    ASSERT_EQ(outcome.diagnostics.All().size(), 1u) << text;
    EXPECT_EQ(outcome.diagnostics.All()[0].code, "SF118");
  }
}

TEST(ParserFuzzTest, PathologicalInputsFinishQuickly) {
  std::vector<std::string> inputs = {std::string(200000, '{'),
                                     std::string(100000, '('),
                                     "SELECT " + std::string(100000, '\''),
                                     std::string(50000, ';'),
                                     "EXPORT " +
                                         [] {
                                           std::string s;
                                           for (int i = 0; i < 20000; ++i) s += "TO x ";
                                           return s;
                                         }() +
                                         ";",
                                     [] {
                                       std::string s;
                                       for (int i = 0; i < 5000; ++i) s += "IF a THEN ";
                                       return s;
                                     }(),
                                     [] {
                                       std::string s;
                                       for (int i = 0; i < 20000; ++i) s += "/*";
                                       return s;
                                     }()};
  for (const auto& text : inputs) {
    Outcome outcome = ParseMutant(text);
    ExpectValidPositions(outcome, text);
    EXPECT_LT(outcome.elapsed.count(), 2'000'000) << text.substr(0, 40);
  }
}

}  // namespace
}  // namespace sqlflow::parser

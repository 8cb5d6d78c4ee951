// Finds function calls in SQL text outside strings and comments, for PYTHON_FUNC rewriting (§13.5) and
// for deciding whether a pipeline may call UDFs (§13.1). Byte offsets refer to the scanned text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sqlflow::udf {

struct CallArg {
  std::string text;  // trimmed
  size_t begin = 0;
  size_t end = 0;
};

struct FunctionCall {
  std::string name;  // as written, dotted parts joined with '.'
  size_t begin = 0;  // first character of the name
  size_t end = 0;    // one past the closing ')' (the end of the text when unclosed)
  bool closed = false;
  std::vector<CallArg> args;
};

// Every `name(` and `a.b.c(` call outside strings and comments, in text order (nested calls included).
// Names directly after AS (`AS t(a, b)`) are column lists, not calls, and are skipped.
std::vector<FunctionCall> FindCalls(std::string_view sql);

// The calls of PYTHON_FUNC (any letter case).
std::vector<FunctionCall> FindPythonFuncCalls(std::string_view sql);

// The UDF name of a quoted first argument ('m.f' or "m.f"), or nullopt when the argument is not quoted.
std::optional<std::string> QuotedName(std::string_view arg);

// `name => literal` (literal: number, string, TRUE, FALSE, NULL), or nullopt.
struct NamedLiteral {
  std::string name;
  std::string literal;  // SQL text of the literal
};
std::optional<NamedLiteral> ParseNamedLiteral(std::string_view arg);

// True for a plain or schema-qualified table name (identifiers or quoted identifiers joined by '.').
bool IsTableName(std::string_view arg);

}  // namespace sqlflow::udf

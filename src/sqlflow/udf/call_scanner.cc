#include "sqlflow/udf/call_scanner.h"

#include <cctype>

#include "sqlflow/common/text.h"
#include "sqlflow/sqltext/scanner.h"

namespace sqlflow::udf {

namespace {

bool IdentStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool IdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

// Strings, quoted identifiers, dollar quotes and comments are skipped by the one SQL-text scanner.
sqltext::RegionScanner PlainSqlScanner(std::string_view s) {
  return sqltext::RegionScanner(s, sqltext::RegionScanner::VarRefs::kIgnore, nullptr,
                                sqltext::RegionScanner::Braces::kPlain);
}

// Parses the arguments of a call whose '(' is at `open`; sets call.end and call.closed.
void ParseArgs(std::string_view s, size_t open, FunctionCall& call) {
  int depth = 0;
  size_t arg_begin = open + 1;
  auto push = [&](size_t end) {
    std::string_view raw = s.substr(arg_begin, end - arg_begin);
    size_t a = 0, b = raw.size();
    while (a < b && std::isspace(static_cast<unsigned char>(raw[a]))) ++a;
    while (b > a && std::isspace(static_cast<unsigned char>(raw[b - 1]))) --b;
    if (b > a || !call.args.empty() || s[end] == ',')
      call.args.push_back({std::string(raw.substr(a, b - a)), arg_begin + a, arg_begin + b});
  };
  sqltext::RegionScanner scanner = PlainSqlScanner(s);
  for (size_t i = open; i < s.size();) {
    size_t skipped = scanner.Skip(i);
    if (skipped != i) {
      i = skipped;
      continue;
    }
    char c = s[i];
    if (c == '(' || c == '[')
      ++depth;
    else if (c == ')' || c == ']') {
      if (--depth == 0) {
        push(i);
        call.end = i + 1;
        call.closed = true;
        return;
      }
    } else if (c == ',' && depth == 1) {
      push(i);
      arg_begin = i + 1;
    }
    ++i;
  }
  call.end = s.size();
}

}  // namespace

std::vector<FunctionCall> FindCalls(std::string_view s) {
  std::vector<FunctionCall> calls;
  std::string previous_word;
  sqltext::RegionScanner scanner = PlainSqlScanner(s);
  for (size_t i = 0; i < s.size();) {
    size_t skipped = scanner.Skip(i);
    if (skipped != i) {
      i = skipped;
      previous_word.clear();
      continue;
    }
    if (!IdentStart(s[i]) || (i > 0 && (IdentChar(s[i - 1]) || s[i - 1] == '.'))) {
      if (!std::isspace(static_cast<unsigned char>(s[i]))) previous_word.clear();
      ++i;
      continue;
    }
    size_t begin = i;
    std::string name;
    while (true) {
      size_t start = i;
      while (i < s.size() && IdentChar(s[i])) ++i;
      name.append(s.substr(start, i - start));
      if (i + 1 < s.size() && s[i] == '.' && IdentStart(s[i + 1])) {
        name += '.';
        ++i;
        continue;
      }
      break;
    }
    size_t j = i;
    while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    bool is_call = j < s.size() && s[j] == '(' && ToUpper(previous_word) != "AS";
    previous_word = name;
    if (!is_call) continue;
    FunctionCall call;
    call.name = name;
    call.begin = begin;
    ParseArgs(s, j, call);
    calls.push_back(std::move(call));
    i = j + 1;  // nested calls inside the arguments are found too
    previous_word.clear();
  }
  return calls;
}

std::vector<FunctionCall> FindPythonFuncCalls(std::string_view sql) {
  std::vector<FunctionCall> out;
  for (auto& call : FindCalls(sql))
    if (EqualsIgnoreCase(call.name, "PYTHON_FUNC")) out.push_back(std::move(call));
  return out;
}

std::optional<std::string> QuotedName(std::string_view arg) {
  if (arg.size() < 2) return std::nullopt;
  char q = arg.front();
  if ((q != '\'' && q != '"') || arg.back() != q) return std::nullopt;
  std::string out;
  for (size_t i = 1; i + 1 < arg.size(); ++i) {
    if (arg[i] == q) {
      if (i + 2 < arg.size() && arg[i + 1] == q) {
        out += q;
        ++i;
        continue;
      }
      return std::nullopt;  // two strings, not one
    }
    out += arg[i];
  }
  return out;
}

std::optional<NamedLiteral> ParseNamedLiteral(std::string_view arg) {
  size_t arrow = arg.find("=>");
  size_t op_len = 2;
  if (arrow == std::string_view::npos) {
    arrow = arg.find(":=");
    if (arrow == std::string_view::npos) return std::nullopt;
  }
  std::string name = Trim(arg.substr(0, arrow));
  std::string literal = Trim(arg.substr(arrow + op_len));
  if (name.empty() || !IdentStart(name[0])) return std::nullopt;
  for (char c : name)
    if (!IdentChar(c)) return std::nullopt;
  if (literal.empty()) return std::nullopt;
  std::string upper = ToUpper(literal);
  bool ok = upper == "TRUE" || upper == "FALSE" || upper == "NULL";
  if (!ok && literal.front() == '\'') ok = QuotedName(literal).has_value();
  if (!ok) {
    size_t k = (literal[0] == '-' || literal[0] == '+') ? 1 : 0;
    bool digits = false, bad = k >= literal.size();
    for (; k < literal.size(); ++k) {
      char c = literal[k];
      if (std::isdigit(static_cast<unsigned char>(c)))
        digits = true;
      else if (c != '.' && c != 'e' && c != 'E' && c != '-' && c != '+')
        bad = true;
    }
    ok = digits && !bad;
  }
  if (!ok) return std::nullopt;
  return NamedLiteral{name, literal};
}

bool IsTableName(std::string_view arg) {
  if (arg.empty()) return false;
  size_t i = 0;
  while (true) {
    if (i >= arg.size()) return false;
    if (arg[i] == '"') {
      size_t j = PlainSqlScanner(arg).Skip(i);
      if (j == i + 2 || arg[j - 1] != '"') return false;
      i = j;
    } else {
      if (!IdentStart(arg[i])) return false;
      while (i < arg.size() && IdentChar(arg[i])) ++i;
    }
    if (i == arg.size()) return true;
    if (arg[i] != '.') return false;
    ++i;
  }
}

}  // namespace sqlflow::udf

#include "sqlflow/variables/condition.h"

#include <charconv>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "sqlflow/common/limits.h"
#include "sqlflow/common/text.h"
#include "sqlflow/sqltext/scanner.h"

namespace sqlflow::variables {

namespace {

enum class TokenKind {
  kEnd,
  kLeftParen,
  kRightParen,
  kCompare,      // == != < <= > >=
  kAssign,       // a lone '=' (SF211)
  kUnsupported,  // <> and a lone ! (SF215)
  kOperand,      // a word or a quoted operand
};

// A piece of an operand: literal text, or a reference to resolve.
struct Piece {
  std::string literal;
  std::optional<VarRef> ref;
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t begin = 0, end = 0;  // in the file
  std::string text;           // as written
  bool quoted = false;
  std::vector<Piece> pieces;  // operands only
  std::string value;          // operands only, after substitution

  bool HasVariable() const {
    for (const auto& piece : pieces)
      if (piece.ref) return true;
    return false;
  }
  // AND / OR / NOT: a bare word exactly equal to the keyword, with no variable in it.
  bool IsKeyword(std::string_view keyword) const {
    return kind == TokenKind::kOperand && !quoted && !HasVariable() && EqualsIgnoreCase(text, keyword);
  }
  bool IsAnyKeyword() const { return IsKeyword("AND") || IsKeyword("OR") || IsKeyword("NOT"); }
  bool IsOperand() const { return kind == TokenKind::kOperand && !IsAnyKeyword(); }
};

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool IsWordChar(char c) {
  return !IsSpace(c) && c != '\'' && c != '"' && c != '(' && c != ')' && c != '=' && c != '!' && c != '<' &&
         c != '>';
}

// Thrown inside the parser once a syntax error has been reported; ends the parse.
struct SyntaxError {};

class ConditionEvaluator {
 public:
  ConditionEvaluator(const SourceFilePtr& file, size_t begin, size_t end, const Resolver& resolver,
                     Diagnostics& diagnostics)
      : file_(file), begin_(begin), end_(end), resolver_(resolver), diagnostics_(diagnostics) {}

  std::optional<bool> Run();

 private:
  struct Node {
    enum class Kind { kOr, kAnd, kNot, kCompare, kValue } kind;
    // kOr / kAnd: two or more operands, flat, so that a long chain is not a deep tree; kNot: one.
    std::vector<std::unique_ptr<Node>> operands;
    const Token* lhs = nullptr;  // kCompare, kValue
    const Token* op = nullptr;   // kCompare
    const Token* rhs = nullptr;  // kCompare
  };

  // Tokenizing and substitution.
  bool Tokenize();
  bool ReadQuoted(size_t& i, Token& token);
  void ReadWord(size_t& i, Token& token);
  // A reference at `i` inside an operand: ends the literal piece and adds the reference. False when none.
  bool ReadVarRef(size_t& i, Token& token, std::string& literal);
  bool ResolveOperands();

  // Parsing.
  const Token& Peek() const { return tokens_[next_]; }
  const Token& Advance() { return tokens_[next_ < tokens_.size() - 1 ? next_++ : next_]; }
  std::unique_ptr<Node> ParseOr();
  std::unique_ptr<Node> ParseAnd();
  std::unique_ptr<Node> ParseNot();
  std::unique_ptr<Node> ParsePrimary();
  // `a KEYWORD b KEYWORD c ...` as one flat node: a chain of any length is not a deep tree.
  using ParseFn = std::unique_ptr<Node> (ConditionEvaluator::*)();
  std::unique_ptr<Node> ParseChain(std::string_view keyword, Node::Kind kind, ParseFn parse_operand);
  // Counts one level of parentheses or NOT; past kMaxConditionDepth it is SF212 (LANGUAGE.md §6.5).
  void EnterNesting(const Token& token);
  [[noreturn]] void FailExpectedOperand(const Token& token);
  [[noreturn]] void FailUnexpected(const Token& token);
  void FailCommon(const Token& token);  // throws for = <> !

  // Evaluation.
  std::optional<bool> Evaluate(const Node& node);
  std::optional<bool> Compare(const Node& node);

  SourcePos PosOf(const Token& token) const;
  SourcePos PosAfterLastToken() const;
  void AddVariableNote(Diagnostic& diagnostic, const Token& operand) const;

  const SourceFilePtr& file_;
  size_t begin_, end_;
  const Resolver& resolver_;
  Diagnostics& diagnostics_;
  std::vector<Token> tokens_;
  size_t next_ = 0;
  int depth_ = 0;
};

SourcePos ConditionEvaluator::PosOf(const Token& token) const {
  if (token.kind == TokenKind::kEnd) return PosAfterLastToken();
  return file_->Pos(token.begin, token.end - token.begin);
}

SourcePos ConditionEvaluator::PosAfterLastToken() const {
  if (tokens_.size() < 2) return file_->Pos(begin_, 1);
  return file_->Pos(tokens_[tokens_.size() - 2].end, 1);
}

bool ConditionEvaluator::ReadVarRef(size_t& i, Token& token, std::string& literal) {
  std::string_view bounded = std::string_view(file_->text()).substr(0, end_);
  if (!StartsVarRef(bounded, i)) return false;
  VarRef ref = ScanVarRef(bounded, i);
  if (ref.error == VarRefError::kNone && !ref.escaped) {
    token.pieces.push_back(Piece{literal, std::nullopt});
    literal.clear();
    token.pieces.push_back(Piece{"", ref});
  } else {  // `$${x}` is the literal `${x}`; a malformed reference stays as written
    size_t from = ref.escaped ? i + 1 : i;
    literal.append(bounded.substr(from, ref.end - from));
  }
  i = std::max(ref.end, i + 2);
  return true;
}

bool ConditionEvaluator::ReadQuoted(size_t& i, Token& token) {
  const std::string& text = file_->text();
  char quote = text[i];
  size_t open = i;
  ++i;
  std::string literal;
  while (i < end_) {
    if (text[i] == quote) {
      if (i + 1 < end_ && text[i + 1] == quote) {
        literal += quote;
        i += 2;
        continue;
      }
      ++i;
      token.pieces.push_back(Piece{literal, std::nullopt});
      return true;
    }
    if (ReadVarRef(i, token, literal)) continue;
    literal += text[i++];
  }
  diagnostics_.Error("SF212", "invalid condition: unterminated string", file_->Pos(open, 1));
  return false;
}

void ConditionEvaluator::ReadWord(size_t& i, Token& token) {
  const std::string& text = file_->text();
  std::string literal;
  while (i < end_) {
    if (ReadVarRef(i, token, literal)) continue;
    if (!IsWordChar(text[i])) break;
    literal += text[i++];
  }
  token.pieces.push_back(Piece{literal, std::nullopt});
}

bool ConditionEvaluator::Tokenize() {
  const std::string& text = file_->text();
  sqltext::RegionScanner comments(std::string_view(text).substr(0, end_),
                                  sqltext::RegionScanner::VarRefs::kIgnore, nullptr);
  size_t i = begin_;
  while (i < end_) {
    char c = text[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    // Comments between IF and THEN are not part of the condition.
    if (sqltext::RegionScanner::IsComment(comments.KindAt(i))) {
      i = comments.Skip(i);
      continue;
    }

    Token token;
    token.begin = i;
    auto two = [&](const char* op) { return i + 1 < end_ && text[i] == op[0] && text[i + 1] == op[1]; };
    if (c == '(' || c == ')') {
      token.kind = c == '(' ? TokenKind::kLeftParen : TokenKind::kRightParen;
      ++i;
    } else if (two("==") || two("!=") || two("<=") || two(">=")) {
      token.kind = TokenKind::kCompare;
      i += 2;
    } else if (two("<>")) {
      token.kind = TokenKind::kUnsupported;
      i += 2;
    } else if (c == '<' || c == '>') {
      token.kind = TokenKind::kCompare;
      ++i;
    } else if (c == '=') {
      token.kind = TokenKind::kAssign;
      ++i;
    } else if (c == '!') {
      token.kind = TokenKind::kUnsupported;
      ++i;
    } else if (c == '\'' || c == '"') {
      token.kind = TokenKind::kOperand;
      token.quoted = true;
      if (!ReadQuoted(i, token)) return false;
    } else {
      token.kind = TokenKind::kOperand;
      ReadWord(i, token);
    }
    token.end = i;
    token.text = text.substr(token.begin, token.end - token.begin);
    tokens_.push_back(std::move(token));
  }
  Token end_token;
  end_token.begin = end_token.end = end_;
  tokens_.push_back(std::move(end_token));
  return true;
}

bool ConditionEvaluator::ResolveOperands() {
  bool all_defined = true;
  for (auto& token : tokens_) {
    if (token.kind != TokenKind::kOperand) continue;
    for (const auto& piece : token.pieces) {
      if (!piece.ref) {
        token.value += piece.literal;
        continue;
      }
      std::optional<std::string> value = resolver_(*piece.ref, piece.ref->begin);
      if (!value) all_defined = false;
      token.value += value.value_or("");
    }
  }
  return all_defined;
}

void ConditionEvaluator::FailCommon(const Token& token) {
  if (token.kind == TokenKind::kAssign) {
    diagnostics_.Error("SF211", "'=' is not a comparison operator in conditions; use '=='", PosOf(token));
    throw SyntaxError{};
  }
  if (token.kind == TokenKind::kUnsupported) {
    auto& diagnostic =
        diagnostics_.Error("SF215", "unsupported operator '" + token.text + "' in condition", PosOf(token));
    diagnostic.hints.push_back(token.text == "<>" ? "use '!='" : "use NOT, or '!=' for inequality");
    throw SyntaxError{};
  }
}

void ConditionEvaluator::FailExpectedOperand(const Token& token) {
  FailCommon(token);
  diagnostics_.Error("SF212", "invalid condition: expected an operand", PosOf(token));
  throw SyntaxError{};
}

// A token where AND, OR, ')' or the end of the condition was expected.
void ConditionEvaluator::FailUnexpected(const Token& token) {
  FailCommon(token);
  if (token.kind == TokenKind::kOperand && !token.quoted && !token.HasVariable()) {
    std::string upper = ToUpper(token.text);
    std::string unsupported;
    if (upper == "IN" || upper == "LIKE" || upper == "ILIKE" || upper == "BETWEEN" || upper == "IS" ||
        upper == "+" || upper == "-" || upper == "*" || upper == "/" || upper == "%" || upper == "||" ||
        upper == "&&") {
      unsupported = token.text;
    } else if (upper == "NOT" && next_ + 1 < tokens_.size()) {
      const Token& after = tokens_[next_ + 1];
      if (after.kind == TokenKind::kOperand && !after.quoted && !after.HasVariable()) {
        std::string after_upper = ToUpper(after.text);
        if (after_upper == "IN" || after_upper == "LIKE" || after_upper == "ILIKE" ||
            after_upper == "BETWEEN")
          unsupported = token.text + " " + after.text;
      }
    }
    if (!unsupported.empty()) {
      auto& diagnostic = diagnostics_.Error(
          "SF215", "unsupported operator '" + unsupported + "' in condition", PosOf(token));
      if (upper == "&&") diagnostic.hints.push_back("use AND");
      if (upper == "||") diagnostic.hints.push_back("use OR");
      throw SyntaxError{};
    }
  }
  if (token.kind == TokenKind::kRightParen) {
    diagnostics_.Error("SF212", "invalid condition: unbalanced parentheses", PosOf(token));
    throw SyntaxError{};
  }
  auto& diagnostic =
      diagnostics_.Error("SF212", "invalid condition: unexpected '" + token.text + "'", PosOf(token));
  if (token.kind == TokenKind::kCompare)
    diagnostic.hints.push_back("comparisons cannot be chained; combine them with AND");
  throw SyntaxError{};
}

std::unique_ptr<ConditionEvaluator::Node> ConditionEvaluator::ParseOr() {
  return ParseChain("OR", Node::Kind::kOr, &ConditionEvaluator::ParseAnd);
}

std::unique_ptr<ConditionEvaluator::Node> ConditionEvaluator::ParseAnd() {
  return ParseChain("AND", Node::Kind::kAnd, &ConditionEvaluator::ParseNot);
}

std::unique_ptr<ConditionEvaluator::Node> ConditionEvaluator::ParseChain(std::string_view keyword,
                                                                         Node::Kind kind,
                                                                         ParseFn parse_operand) {
  auto first = (this->*parse_operand)();
  if (!Peek().IsKeyword(keyword)) return first;
  auto node = std::make_unique<Node>();
  node->kind = kind;
  node->operands.push_back(std::move(first));
  while (Peek().IsKeyword(keyword)) {
    Advance();
    node->operands.push_back((this->*parse_operand)());
  }
  return node;
}

void ConditionEvaluator::EnterNesting(const Token& token) {
  if (++depth_ <= limits::kMaxConditionDepth) return;
  auto& d =
      diagnostics_.Error("SF212",
                         "invalid condition: nested deeper than " +
                             std::to_string(limits::kMaxConditionDepth) + " levels of parentheses and NOT",
                         PosOf(token));
  d.hints.push_back("split the condition with SET or nested IF blocks (limits: docs/limits.md)");
  throw SyntaxError{};
}

std::unique_ptr<ConditionEvaluator::Node> ConditionEvaluator::ParseNot() {
  if (!Peek().IsKeyword("NOT")) return ParsePrimary();
  EnterNesting(Peek());
  Advance();
  auto node = std::make_unique<Node>();
  node->kind = Node::Kind::kNot;
  node->operands.push_back(ParseNot());
  --depth_;
  return node;
}

std::unique_ptr<ConditionEvaluator::Node> ConditionEvaluator::ParsePrimary() {
  const Token& token = Peek();
  if (token.kind == TokenKind::kLeftParen) {
    EnterNesting(token);
    Advance();
    auto inner = ParseOr();
    --depth_;
    if (Peek().kind == TokenKind::kEnd) {
      diagnostics_.Error("SF212", "invalid condition: unbalanced parentheses", PosOf(token));
      throw SyntaxError{};
    }
    if (Peek().kind != TokenKind::kRightParen) FailUnexpected(Peek());
    Advance();
    return inner;
  }
  if (!token.IsOperand()) FailExpectedOperand(token);
  Advance();
  auto node = std::make_unique<Node>();
  node->lhs = &token;
  if (Peek().kind != TokenKind::kCompare) {
    node->kind = Node::Kind::kValue;
    return node;
  }
  node->kind = Node::Kind::kCompare;
  node->op = &Advance();
  if (!Peek().IsOperand()) FailExpectedOperand(Peek());
  node->rhs = &Advance();
  return node;
}

enum class ValueType { kNumber, kBoolean, kString };

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// [+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?; `integer` is set when there is no fraction or exponent.
bool IsNumber(std::string_view text, bool& integer) {
  size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < text.size() && IsDigit(text[i])) ++i, ++int_digits;
  integer = true;
  if (i < text.size() && text[i] == '.') {
    integer = false;
    ++i;
    while (i < text.size() && IsDigit(text[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    integer = false;
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < text.size() && IsDigit(text[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == text.size();
}

ValueType Classify(std::string_view value) {
  bool integer = false;
  if (IsNumber(value, integer)) return ValueType::kNumber;
  if (EqualsIgnoreCase(value, "true") || EqualsIgnoreCase(value, "false")) return ValueType::kBoolean;
  return ValueType::kString;
}

std::optional<int64_t> ParseInt64(std::string_view text) {
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

// -1, 0 or 1.
int CompareNumbers(const std::string& a, const std::string& b) {
  bool a_integer = false, b_integer = false;
  IsNumber(a, a_integer);
  IsNumber(b, b_integer);
  if (a_integer && b_integer) {
    auto x = ParseInt64(a), y = ParseInt64(b);
    if (x && y) return *x < *y ? -1 : (*x > *y ? 1 : 0);
  }
  double x = std::strtod(a.c_str(), nullptr), y = std::strtod(b.c_str(), nullptr);
  return x < y ? -1 : (x > y ? 1 : 0);
}

std::optional<bool> ConditionEvaluator::Compare(const Node& node) {
  const std::string& a = node.lhs->value;
  const std::string& b = node.rhs->value;
  const std::string& op = node.op->text;
  ValueType a_type = Classify(a), b_type = Classify(b);
  int order = 0;
  if (a_type == ValueType::kNumber && b_type == ValueType::kNumber) {
    order = CompareNumbers(a, b);
  } else if (a_type == ValueType::kBoolean && b_type == ValueType::kBoolean) {
    if (op != "==" && op != "!=") {
      diagnostics_.Error("SF214", "operator '" + op + "' cannot compare booleans", PosOf(*node.op));
      return std::nullopt;
    }
    order = EqualsIgnoreCase(a, b) ? 0 : 1;
  } else {
    int result = a.compare(b);  // char_traits<char> compares bytes as unsigned char
    order = result < 0 ? -1 : (result > 0 ? 1 : 0);
  }
  if (op == "==") return order == 0;
  if (op == "!=") return order != 0;
  if (op == "<") return order < 0;
  if (op == "<=") return order <= 0;
  if (op == ">") return order > 0;
  return order >= 0;  // ">="
}

void ConditionEvaluator::AddVariableNote(Diagnostic& diagnostic, const Token& operand) const {
  if (operand.quoted) return;
  const VarRef* only = nullptr;
  for (const auto& piece : operand.pieces) {
    if (piece.ref) {
      if (only) return;
      only = &*piece.ref;
    } else if (!piece.literal.empty()) {
      return;
    }
  }
  if (only) diagnostic.notes.push_back("${" + only->name + "} = '" + operand.value + "'");
}

std::optional<bool> ConditionEvaluator::Evaluate(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kOr:
    case Node::Kind::kAnd: {
      // Left to right with short-circuit: OR stops at the first true, AND at the first false.
      bool stop_at = node.kind == Node::Kind::kOr;
      for (const auto& operand : node.operands) {
        auto value = Evaluate(*operand);
        if (!value) return std::nullopt;
        if (*value == stop_at) return stop_at;
      }
      return !stop_at;
    }
    case Node::Kind::kNot: {
      auto value = Evaluate(*node.operands.front());
      if (!value) return std::nullopt;
      return !*value;
    }
    case Node::Kind::kCompare:
      return Compare(node);
    case Node::Kind::kValue: {
      const std::string& value = node.lhs->value;
      if (Classify(value) != ValueType::kBoolean) {
        auto& diagnostic = diagnostics_.Error(
            "SF213", "condition value '" + value + "' is not a boolean (expected true or false)",
            PosOf(*node.lhs));
        AddVariableNote(diagnostic, *node.lhs);
        return std::nullopt;
      }
      return EqualsIgnoreCase(value, "true");
    }
  }
  return std::nullopt;
}

std::optional<bool> ConditionEvaluator::Run() {
  if (!Tokenize()) {
    ResolveOperands();  // still report undefined variables in what was read
    return std::nullopt;
  }
  bool all_defined = ResolveOperands();
  std::unique_ptr<Node> root;
  try {
    root = ParseOr();
    if (Peek().kind != TokenKind::kEnd) FailUnexpected(Peek());
  } catch (const SyntaxError&) {
    return std::nullopt;
  }
  if (!all_defined) return std::nullopt;
  return Evaluate(*root);
}

}  // namespace

std::optional<bool> EvaluateCondition(const SourceFilePtr& file, size_t begin, size_t end,
                                      const Resolver& resolver, Diagnostics& diagnostics) {
  return ConditionEvaluator(file, begin, end, resolver, diagnostics).Run();
}

}  // namespace sqlflow::variables

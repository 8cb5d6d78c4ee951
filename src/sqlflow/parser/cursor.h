// A token cursor over one statement's text, for the DSL grammar (LANGUAGE.md §3.2). Regions (§2.2) are
// single tokens; whitespace and comments are skipped. Errors are thrown as StatementError, which
// ParseStatement turns into one diagnostic: a statement stops at its first error.
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqlflow/common/diagnostic.h"
#include "sqlflow/sqltext/scanner.h"
#include "sqlflow/variables/substitute.h"

namespace sqlflow::parser {

enum class TokenKind {
  kEnd,
  kWord,          // [A-Za-z_][A-Za-z0-9_]*
  kNumber,        // [0-9]+
  kSingleQuoted,  // '...'; value = content with '' undoubled
  kDoubleQuoted,  // "..."; value = content with "" undoubled
  kDollarQuoted,
  kBrace,   // {...}, up to the matching '}'
  kVarRef,  // ${...} (only when the cursor treats references as atomic)
  kPunct,   // ( ) , . = ;
  kOther,   // any other character (one code point)
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t begin = 0;
  size_t end = 0;
  std::string value;  // the word as written, or the unquoted content of a quoted token

  // A word equal to `keyword` (upper case), ignoring case.
  bool Is(std::string_view keyword) const;
  bool IsPunct(char c) const { return kind == TokenKind::kPunct && value.size() == 1 && value[0] == c; }
  bool IsQuoted() const { return kind == TokenKind::kSingleQuoted || kind == TokenKind::kDoubleQuoted; }
  bool IsName() const {
    return kind == TokenKind::kWord || (kind == TokenKind::kDoubleQuoted && !value.empty());
  }
};

class StatementError : public std::exception {
 public:
  explicit StatementError(Diagnostic diagnostic) : diagnostic_(std::move(diagnostic)) {}
  const char* what() const noexcept override { return diagnostic_.message.c_str(); }
  const Diagnostic& diagnostic() const { return diagnostic_; }

 private:
  Diagnostic diagnostic_;
};

// `text` must outlive the cursor.
class Cursor {
 public:
  Cursor(const variables::SubstitutedText& text, sqltext::RegionScanner::VarRefs var_refs);
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;

  std::string_view text() const { return text_; }
  const variables::SubstitutedText& substituted() const { return substituted_; }

  const Token& Peek();
  Token Next();
  // Consumes the next token when it is the word `keyword`.
  bool Accept(std::string_view keyword);
  // Where the next token search starts, and the end of the last token returned by Next().
  size_t position() const { return position_; }
  size_t prev_end() const { return prev_end_; }
  void Seek(size_t position);

  size_t SkipTrivia(size_t pos) { return scanner_.SkipTrivia(pos); }
  sqltext::RegionScanner& scanner() { return scanner_; }

  SourcePos Pos(size_t offset, size_t length) const;
  [[noreturn]] void Fail(std::string code, std::string message, size_t offset, size_t length,
                         std::vector<std::string> hints = {}) const;
  [[noreturn]] void Fail(std::string code, std::string message, const Token& at,
                         std::vector<std::string> hints = {}) const;
  // "'FROM'" for a token, "end of statement" at the end.
  std::string Describe(const Token& token) const;
  // True when only whitespace separates the token from the start of its line, and something precedes it.
  bool StartsLine(const Token& token) const;

 private:
  Token Lex(size_t pos);

  const variables::SubstitutedText& substituted_;
  std::string_view text_;
  sqltext::RegionScanner scanner_;
  size_t position_ = 0;
  size_t prev_end_ = 0;
  std::optional<Token> peeked_;
};

}  // namespace sqlflow::parser

#include "sqlflow/parser/cursor.h"

#include "sqlflow/common/text.h"

namespace sqlflow::parser {

namespace {

// Length of the UTF-8 sequence starting with `lead` (1 for invalid lead bytes).
size_t Utf8Length(unsigned char lead) {
  if (lead >= 0xF0 && lead < 0xF8) return 4;
  if (lead >= 0xE0) return 3;
  if (lead >= 0xC0) return 2;
  return 1;
}

std::string Undouble(std::string_view content, char quote) {
  std::string out;
  out.reserve(content.size());
  for (size_t i = 0; i < content.size(); ++i) {
    out += content[i];
    if (content[i] == quote && i + 1 < content.size() && content[i + 1] == quote) ++i;
  }
  return out;
}

}  // namespace

bool Token::Is(std::string_view keyword) const {
  return kind == TokenKind::kWord && EqualsIgnoreCase(value, keyword);
}

Cursor::Cursor(const variables::SubstitutedText& text, sqltext::RegionScanner::VarRefs var_refs)
    : substituted_(text),
      text_(text.text),
      scanner_(text_, var_refs, [this](const sqltext::TextError& error) {
        Diagnostic diagnostic{
            Severity::kError, error.code, error.message, Pos(error.offset, error.length), {}, {}};
        if (!error.hint.empty()) diagnostic.hints.push_back(error.hint);
        throw StatementError(std::move(diagnostic));
      }) {}

SourcePos Cursor::Pos(size_t offset, size_t length) const {
  offset = std::min(offset, text_.size());
  return substituted_.Pos(offset, std::max<size_t>(length, 1));
}

void Cursor::Fail(std::string code, std::string message, size_t offset, size_t length,
                  std::vector<std::string> hints) const {
  Diagnostic diagnostic{Severity::kError,    std::move(code),  std::move(message),
                        Pos(offset, length), std::move(hints), {}};
  throw StatementError(std::move(diagnostic));
}

void Cursor::Fail(std::string code, std::string message, const Token& at,
                  std::vector<std::string> hints) const {
  // At the end of the statement, point just past its last token (where the missing text belongs).
  if (at.kind == TokenKind::kEnd) Fail(std::move(code), std::move(message), prev_end_, 1, std::move(hints));
  Fail(std::move(code), std::move(message), at.begin, at.end - at.begin, std::move(hints));
}

std::string Cursor::Describe(const Token& token) const {
  if (token.kind == TokenKind::kEnd) return "end of statement";
  std::string_view written = text_.substr(token.begin, token.end - token.begin);
  if (token.kind == TokenKind::kBrace) written = "{";
  size_t line_break = written.find('\n');
  bool cut = line_break != std::string_view::npos || written.size() > 40;
  if (line_break != std::string_view::npos) written = written.substr(0, line_break);
  if (written.size() > 40) {
    size_t cut_at = 40;
    while (cut_at > 0 && (static_cast<unsigned char>(written[cut_at]) & 0xC0) == 0x80) --cut_at;
    written = written.substr(0, cut_at);
  }
  return "'" + std::string(written) + (cut ? "..." : "") + "'";
}

bool Cursor::StartsLine(const Token& token) const {
  size_t i = token.begin;
  while (i > 0 && (text_[i - 1] == ' ' || text_[i - 1] == '\t' || text_[i - 1] == '\r')) --i;
  return i > 0 && text_[i - 1] == '\n';
}

void Cursor::Seek(size_t position) {
  position_ = position;
  peeked_.reset();
}

const Token& Cursor::Peek() {
  if (!peeked_) peeked_ = Lex(position_);
  return *peeked_;
}

Token Cursor::Next() {
  Token token = Peek();
  peeked_.reset();
  position_ = token.end;
  if (token.kind != TokenKind::kEnd) prev_end_ = token.end;
  return token;
}

bool Cursor::Accept(std::string_view keyword) {
  if (!Peek().Is(keyword)) return false;
  Next();
  return true;
}

Token Cursor::Lex(size_t pos) {
  Token token;
  pos = scanner_.SkipTrivia(pos);
  token.begin = pos;
  token.end = pos;
  if (pos >= text_.size()) return token;
  char c = text_[pos];
  sqltext::RegionKind region = scanner_.KindAt(pos);
  if (region != sqltext::RegionKind::kNone) {
    token.end = scanner_.Skip(pos);
    std::string_view written = text_.substr(pos, token.end - pos);
    switch (region) {
      case sqltext::RegionKind::kString:
        token.kind = TokenKind::kSingleQuoted;
        token.value = Undouble(written.substr(1, written.size() - 2), '\'');
        break;
      case sqltext::RegionKind::kQuoted:
        token.kind = TokenKind::kDoubleQuoted;
        token.value = Undouble(written.substr(1, written.size() - 2), '"');
        break;
      case sqltext::RegionKind::kDollarQuote:
        token.kind = TokenKind::kDollarQuoted;
        token.value = std::string(written);
        break;
      case sqltext::RegionKind::kBrace:
        token.kind = TokenKind::kBrace;
        token.value = std::string(written);
        break;
      default:
        token.kind = TokenKind::kVarRef;
        token.value = std::string(written);
        break;
    }
    return token;
  }
  size_t end = pos + 1;
  if (sqltext::IsIdentStart(c)) {
    while (end < text_.size() && sqltext::IsIdentChar(text_[end])) ++end;
    token.kind = TokenKind::kWord;
  } else if (c >= '0' && c <= '9') {
    while (end < text_.size() && text_[end] >= '0' && text_[end] <= '9') ++end;
    token.kind = TokenKind::kNumber;
  } else if (c == '(' || c == ')' || c == ',' || c == '.' || c == '=' || c == ';') {
    token.kind = TokenKind::kPunct;
  } else {
    end = std::min(text_.size(), pos + Utf8Length(static_cast<unsigned char>(c)));
    token.kind = TokenKind::kOther;
  }
  token.end = end;
  token.value = std::string(text_.substr(pos, end - pos));
  return token;
}

}  // namespace sqlflow::parser

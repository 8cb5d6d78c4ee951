// Region scanning (LANGUAGE.md §2.2): comments, strings, quoted text, dollar quotes, brace blocks and
// variable references. Shared by the block parser (file text, before substitution) and the statement
// parser (one statement's text, after substitution), so that both agree on where a region ends.
//
// The rules mirror variables::Substitute: a variable reference is checked first at every position
// outside comments, so it is atomic in strings, quoted text, dollar quotes and brace blocks.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace sqlflow::parser {

// An error at a byte range of the scanned text (not yet mapped to a file position).
struct TextError {
  std::string code;
  std::string message;
  std::string hint;
  size_t offset = 0;
  size_t length = 1;
};

enum class RegionKind {
  kNone,
  kLineComment,
  kBlockComment,
  kString,  // '...'
  kQuoted,  // "..." outside brace blocks
  kDollarQuote,
  kBrace,
  kVarRef,
};

bool IsIdentStart(char c);
bool IsIdentChar(char c);
bool IsSpace(char c);  // space, tab, CR, LF, form feed, vertical tab

// Not copyable: holds a view of `text`, which must outlive it.
class RegionScanner {
 public:
  enum class VarRefs {
    kIgnore,  // `${` has no meaning (text after substitution)
    kAtomic,  // `${...}` is one unit; malformed references are not reported
    kReport,  // atomic, and SF202 / SF203 / SF204 are reported for malformed references
  };
  using ErrorSink = std::function<void(const TextError&)>;

  RegionScanner(std::string_view text, VarRefs var_refs, ErrorSink sink);
  RegionScanner(const RegionScanner&) = delete;
  RegionScanner& operator=(const RegionScanner&) = delete;

  // The region that opens at `pos`, outside every region.
  RegionKind KindAt(size_t pos) const;
  // Skips the region opening at `pos` and returns the offset just past it; text.size() when it is
  // unterminated (the error has been reported). Returns `pos` when no region opens there. A line comment
  // ends before its line break.
  size_t Skip(size_t pos);
  static bool IsComment(RegionKind kind) {
    return kind == RegionKind::kLineComment || kind == RegionKind::kBlockComment;
  }

  // The end of whitespace and comments starting at `pos`.
  size_t SkipTrivia(size_t pos);

  // Number of errors reported so far.
  int error_count() const { return error_count_; }

 private:
  static constexpr size_t kUnterminated = std::string_view::npos;

  std::string_view DollarDelimiter(size_t pos) const;
  bool VarRefAt(size_t pos) const;
  size_t SkipVarRef(size_t pos);
  size_t SkipBlockComment(size_t pos);
  size_t SkipString(size_t pos);
  size_t SkipQuoted(size_t pos, bool json);
  size_t SkipDollarQuote(size_t pos);
  size_t SkipBrace(size_t pos);
  void Report(TextError error);

  std::string_view text_;
  VarRefs var_refs_;
  ErrorSink sink_;
  int error_count_ = 0;
};

}  // namespace sqlflow::parser

// The one SQL-text scanner (LANGUAGE.md §2.2): the regions of SQL text — single-quoted strings with '',
// E-strings with backslash escapes, double-quoted identifiers with "", -- comments, nested /* */ comments,
// dollar quotes $tag$...$tag$, brace blocks { ... } (JSON inside: "..." with backslash escapes) — and
// `${...}` variable references (var_ref.h). Every layer that needs to know where a region ends calls this
// scanner: the block and statement parsers, variable substitution, condition tokenizing, SQL analysis and
// the statement count check, so that they all agree.
//
// A variable reference is checked first at every position outside comments, so it is atomic in strings,
// quoted text, dollar quotes and brace blocks. This module depends only on common/.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sqlflow/sqltext/var_ref.h"

namespace sqlflow::sqltext {

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
  kQuoted,  // "..." identifier outside brace blocks
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
  enum class Braces {
    kRegions,  // `{` opens a brace block (pipeline text: PARAMS / OPTIONS objects)
    kPlain,    // `{` is an ordinary character (plain SQL, where it starts a struct literal)
  };
  using ErrorSink = std::function<void(const TextError&)>;
  // Called for every reference the scanner steps over outside comments (malformed and escaped ones
  // included), in text order; `in_json_string` is true inside a "..." string within a brace block.
  using VarRefSink = std::function<void(const VarRef& ref, bool in_json_string)>;

  RegionScanner(std::string_view text, VarRefs var_refs, ErrorSink sink, Braces braces = Braces::kRegions);
  void set_var_ref_sink(VarRefSink sink) { var_ref_sink_ = std::move(sink); }
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
  size_t SkipVarRef(size_t pos, bool in_json_string);
  size_t SkipBlockComment(size_t pos);
  size_t SkipString(size_t pos);
  size_t SkipQuoted(size_t pos, bool json);
  size_t SkipDollarQuote(size_t pos);
  size_t SkipBrace(size_t pos);
  void Report(TextError error);

  std::string_view text_;
  VarRefs var_refs_;
  Braces braces_;
  ErrorSink sink_;
  VarRefSink var_ref_sink_;
  int error_count_ = 0;
};

// A byte range [begin, end) of a text.
struct Range {
  size_t begin = 0;
  size_t end = 0;
};

// Calls visit(begin, end) for every run of plain SQL outside strings, quoted identifiers, dollar quotes
// and comments (`{` and `${` have no special meaning).
void ForEachCodeRun(std::string_view sql, const std::function<void(size_t begin, size_t end)>& visit);

// Offsets of every `;` outside regions: the places where a statement ends. With VarRefs::kAtomic a
// `${...}` reference is one unit (for text before substitution).
std::vector<size_t> StatementEnds(std::string_view text, RegionScanner::VarRefs var_refs,
                                  RegionScanner::Braces braces);
// The statements of `text` split at StatementEnds; those holding only whitespace and comments are left out.
std::vector<Range> SplitStatements(std::string_view text, RegionScanner::VarRefs var_refs,
                                   RegionScanner::Braces braces);

// The name inside a double-quoted identifier as written ("a""b" -> a"b).
std::string UnquoteIdentifier(std::string_view quoted);

}  // namespace sqlflow::sqltext

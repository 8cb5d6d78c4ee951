// Textual variable substitution (LANGUAGE.md §4.3) with a map back to source positions.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sqlflow/common/diagnostic.h"
#include "sqlflow/common/source_file.h"
#include "sqlflow/variables/var_ref.h"

namespace sqlflow::variables {

// One piece of substituted text: either copied from the source, or the value of one reference.
struct Segment {
  size_t out_begin = 0, out_end = 0;  // in SubstitutedText::text
  size_t src_begin = 0, src_end = 0;  // in file->text(); for a variable: the whole ${...}
  bool from_variable = false;
  std::string var_name;  // when from_variable
};

struct SubstitutedText {
  SourceFilePtr file;
  std::string text;
  std::vector<Segment> segments;

  // Source byte offset of an output offset. Inside a variable's value: the start of its ${...}.
  size_t SourceOffset(size_t out_offset) const;
  // File position of an output range. A range starting inside a variable value points at the whole
  // ${...} reference.
  SourcePos Pos(size_t out_offset, size_t out_length = 1) const;
  // The variable whose value covers out_offset, if any (for the `${name} = '<value>'` note).
  const Segment* VariableAt(size_t out_offset) const;

  // Identity substitution of file->text()[begin, end) (no variables), for tests and for text that is
  // not substituted.
  static SubstitutedText Identity(SourceFilePtr file, size_t begin, size_t end);
};

// Resolves one reference. Returns its value, or nullopt when undefined (the resolver reports SF201 itself,
// with the reference's position).
using Resolver = std::function<std::optional<std::string>(const VarRef& ref, size_t src_offset)>;

// Substitutes every `${...}` in file->text()[begin, end), outside comments (line and block comments are
// copied unchanged, including references inside them). `$${...}` becomes `${...}` literally. Inside a JSON
// string within a brace block the value is JSON-escaped (", \, control characters); everywhere else it is
// inserted verbatim. Undefined references are replaced by the empty string. Syntax errors in references
// are reported by the parser, not here (a malformed reference is copied unchanged).
SubstitutedText Substitute(SourceFilePtr file, size_t begin, size_t end, const Resolver& resolver);

// Every well-formed, non-escaped reference in file->text()[begin, end) outside comments, in order.
std::vector<VarRef> FindReferences(std::string_view text, size_t begin, size_t end);

}  // namespace sqlflow::variables

#include "sqlflow/variables/statement_guard.h"

#include <string_view>
#include <vector>

#include "sqlflow/common/text.h"
#include "sqlflow/sqltext/scanner.h"

namespace sqlflow::variables {

namespace {

using sqltext::RegionScanner;

// The variable segment responsible for a change at `out_offset`: the one covering it, else the last one that
// starts before it (a value that opened or closed a quote moves every boundary after it).
const Segment* Culprit(const SubstitutedText& text, size_t out_offset) {
  if (const Segment* covering = text.VariableAt(out_offset)) return covering;
  const Segment* last = nullptr;
  for (const auto& segment : text.segments) {
    if (segment.out_begin > out_offset) break;
    if (segment.from_variable) last = &segment;
  }
  if (last) return last;
  for (const auto& segment : text.segments)
    if (segment.from_variable) return &segment;
  return nullptr;
}

// The first statement end in the substituted text that the source text does not have, if any.
std::optional<size_t> AddedStatementEnd(std::string_view raw, std::string_view substituted,
                                        RegionScanner::Braces braces) {
  size_t raw_ends = sqltext::StatementEnds(raw, RegionScanner::VarRefs::kAtomic, braces).size();
  std::vector<size_t> ends = sqltext::StatementEnds(substituted, RegionScanner::VarRefs::kIgnore, braces);
  if (ends.size() <= raw_ends) return std::nullopt;
  return ends[raw_ends];  // the block parser cut the statement at the last ';' of the source, if any
}

std::string FirstWordOf(std::string_view text, RegionScanner::VarRefs var_refs) {
  RegionScanner scanner(text, var_refs, nullptr);
  size_t begin = scanner.SkipTrivia(0);
  size_t end = begin;
  while (end < text.size() && sqltext::IsIdentChar(text[end])) ++end;
  return ToUpper(text.substr(begin, end - begin));
}

void Report(const SubstitutedText& text, size_t out_offset, const std::string& what,
            Diagnostics& diagnostics) {
  const Segment* culprit = Culprit(text, out_offset);
  if (!culprit) return;
  auto& d = diagnostics.Error("SF207", "the value of ${" + culprit->var_name + "} " + what,
                              text.file->Pos(culprit->src_begin, culprit->src_end - culprit->src_begin));
  d.hints.push_back(
      "a variable value can never add, end or change a statement; pass data as a quoted value ('${" +
      culprit->var_name + "}') and keep SQL keywords and ';' in the pipeline");
}

}  // namespace

bool CheckStatementKept(const SubstitutedText& text, size_t raw_begin, size_t raw_end,
                        Diagnostics& diagnostics) {
  bool any_variable = false;
  for (const auto& segment : text.segments) any_variable = any_variable || segment.from_variable;
  if (!any_variable || !text.file) return true;
  std::string_view raw = std::string_view(text.file->text()).substr(raw_begin, raw_end - raw_begin);
  for (auto braces : {RegionScanner::Braces::kRegions, RegionScanner::Braces::kPlain}) {
    if (auto end = AddedStatementEnd(raw, text.text, braces)) {
      Report(text, *end, "ends the statement and starts another (a ';' outside quotes)", diagnostics);
      return false;
    }
  }
  std::string raw_word = FirstWordOf(raw, RegionScanner::VarRefs::kAtomic);
  if (!raw_word.empty() && FirstWordOf(text.text, RegionScanner::VarRefs::kIgnore) != raw_word) {
    Report(text, 0, "changes the kind of the statement (it no longer starts with " + raw_word + ")",
           diagnostics);
    return false;
  }
  return true;
}

}  // namespace sqlflow::variables

#include <algorithm>

#include "sqlflow/variables/substitute.h"

namespace sqlflow::variables {

namespace {

// The segment covering out_offset, or nullptr. Segments are in output order and do not overlap; empty ones
// (a variable with an empty value) cover nothing.
const Segment* SegmentAt(const std::vector<Segment>& segments, size_t out_offset) {
  auto it =
      std::upper_bound(segments.begin(), segments.end(), out_offset,
                       [](size_t offset, const Segment& segment) { return offset < segment.out_begin; });
  while (it != segments.begin()) {
    --it;
    if (out_offset >= it->out_begin && out_offset < it->out_end) return &*it;
    if (it->out_end <= out_offset) break;
  }
  return nullptr;
}

}  // namespace

size_t SubstitutedText::SourceOffset(size_t out_offset) const {
  if (const Segment* segment = SegmentAt(segments, out_offset)) {
    if (segment->from_variable) return segment->src_begin;
    return segment->src_begin + (out_offset - segment->out_begin);
  }
  if (segments.empty()) return 0;
  const Segment& last = segments.back();
  if (last.from_variable) return last.src_end;
  return last.src_begin + (std::min(out_offset, last.out_end) - last.out_begin);
}

const Segment* SubstitutedText::VariableAt(size_t out_offset) const {
  const Segment* segment = SegmentAt(segments, out_offset);
  return segment && segment->from_variable ? segment : nullptr;
}

SourcePos SubstitutedText::Pos(size_t out_offset, size_t out_length) const {
  if (!file) return {};
  const Segment* variable = VariableAt(out_offset);
  if (variable) return file->Pos(variable->src_begin, variable->src_end - variable->src_begin);
  size_t begin = SourceOffset(out_offset);
  size_t end_out = out_offset + std::max<size_t>(out_length, 1);
  // A range that ends inside a variable's value covers the whole ${...} reference.
  const Segment* last_variable = VariableAt(end_out - 1);
  size_t end = last_variable ? last_variable->src_end : SourceOffset(end_out - 1) + 1;
  return file->Pos(begin, end > begin ? end - begin : 1);
}

SubstitutedText SubstitutedText::Identity(SourceFilePtr file, size_t begin, size_t end) {
  SubstitutedText out;
  out.text = file->text().substr(begin, end - begin);
  out.segments.push_back(Segment{0, out.text.size(), begin, end, false, ""});
  out.file = std::move(file);
  return out;
}

}  // namespace sqlflow::variables

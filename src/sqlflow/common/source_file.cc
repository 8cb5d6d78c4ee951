#include "sqlflow/common/source_file.h"

#include <algorithm>

#include "sqlflow/common/text.h"

namespace sqlflow {

SourceFile::SourceFile(std::string path, std::string text) : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  code_points_at_block_.reserve(text_.size() / kBlock + 1);
  size_t code_points = 0;
  for (size_t block = 0; block < text_.size(); block += kBlock) {
    code_points_at_block_.push_back(code_points);
    code_points += CodePointColumn(std::string_view(text_).substr(block, kBlock));
  }
  code_points_at_block_.push_back(code_points);
}

size_t SourceFile::CodePointsBefore(size_t offset) const {
  offset = std::min(offset, text_.size());
  size_t block = offset / kBlock;
  return code_points_at_block_[block] +
         CodePointColumn(std::string_view(text_).substr(block * kBlock, offset - block * kBlock));
}

int SourceFile::Line(size_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  return static_cast<int>(it - line_starts_.begin());
}

int SourceFile::Column(size_t offset) const {
  size_t start = line_starts_[Line(offset) - 1];
  return static_cast<int>(CodePointsBefore(offset) - CodePointsBefore(start)) + 1;
}

size_t SourceFile::LineStart(int line) const {
  if (line < 1) return 0;
  if (static_cast<size_t>(line) > line_starts_.size()) return text_.size();
  return line_starts_[line - 1];
}

SourcePos SourceFile::Pos(size_t offset, size_t length_bytes) const {
  SourcePos pos;
  pos.file = path_;
  offset = std::min(offset, text_.size());
  pos.line = Line(offset);
  pos.column = Column(offset);
  size_t line_end =
      static_cast<size_t>(pos.line) < line_starts_.size() ? line_starts_[pos.line] - 1 : text_.size();
  size_t end = std::min(offset + std::max<size_t>(length_bytes, 1), line_end);
  int length = static_cast<int>(CodePointsBefore(std::max(end, offset)) - CodePointsBefore(offset));
  pos.length = std::max(1, length);
  return pos;
}

}  // namespace sqlflow

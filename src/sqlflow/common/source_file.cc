#include "sqlflow/common/source_file.h"

#include <algorithm>

#include "sqlflow/common/text.h"

namespace sqlflow {

SourceFile::SourceFile(std::string path, std::string text) : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

int SourceFile::Line(size_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  return static_cast<int>(it - line_starts_.begin());
}

int SourceFile::Column(size_t offset) const {
  size_t start = line_starts_[Line(offset) - 1];
  offset = std::min(offset, text_.size());
  return CodePointColumn(std::string_view(text_).substr(start, offset - start)) + 1;
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
  size_t line_end = text_.find('\n', offset);
  if (line_end == std::string::npos) line_end = text_.size();
  size_t end = std::min(offset + std::max<size_t>(length_bytes, 1), line_end);
  int length = CodePointColumn(std::string_view(text_).substr(offset, end > offset ? end - offset : 0));
  pos.length = std::max(1, length);
  return pos;
}

}  // namespace sqlflow

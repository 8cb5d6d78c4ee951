// A pipeline or profile file held in memory, with the offset -> line/column mapping diagnostics need.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sqlflow/common/diagnostic.h"

namespace sqlflow {

class SourceFile {
 public:
  // `path` is relative to the project root ("pipelines/a.sf"); `text` is the content with the BOM removed
  // and CRLF kept as-is (columns ignore a CR before LF).
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }

  // 1-based line and column (in code points) of a byte offset.
  int Line(size_t offset) const;
  int Column(size_t offset) const;
  // A SourcePos for [offset, offset + length_bytes); the caret length is counted in code points and
  // clipped to the line.
  SourcePos Pos(size_t offset, size_t length_bytes = 1) const;
  // Byte offset of the start of a 1-based line.
  size_t LineStart(int line) const;

 private:
  // Code points in text_[0, offset): continuation bytes are counted once per block so that a position
  // costs O(log lines + kBlock), not the length of its line (a statement of 100,000 references on one line
  // would otherwise make positions quadratic, LANGUAGE.md §6.5).
  size_t CodePointsBefore(size_t offset) const;
  static constexpr size_t kBlock = 256;

  std::string path_;
  std::string text_;
  std::vector<size_t> line_starts_;
  std::vector<size_t> code_points_at_block_;  // code points in text_[0, k * kBlock)
};

using SourceFilePtr = std::shared_ptr<const SourceFile>;

}  // namespace sqlflow

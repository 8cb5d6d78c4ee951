// Diagnostics: positioned errors and warnings in the format of LANGUAGE.md §7.1.
//
// A Diagnostics collector is filled by every compile phase and printed once, in file order, at the end of
// a command. Positions are 1-based lines and columns (code points) in a file named relative to the project
// root; line 0 means "no position" and renders as `sqlflow: error: ...`.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace sqlflow {

enum class Severity { kError, kWarning };

struct SourcePos {
  std::string file;  // relative to the project root, e.g. "pipelines/orders.sf"; empty = no position
  int line = 0;      // 1-based; 0 = no position
  int column = 0;    // 1-based, in code points
  int length = 1;    // carets to draw (at least one)
  bool valid() const { return line > 0; }
};

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string code;     // "SF110", "W301"
  std::string message;  // without the code
  SourcePos pos;
  std::vector<std::string> hints;
  std::vector<std::string> notes;
};

class Diagnostics {
 public:
  Diagnostic& Error(std::string code, std::string message, SourcePos pos = {});
  Diagnostic& Warning(std::string code, std::string message, SourcePos pos = {});
  Diagnostic& Add(Diagnostic diagnostic);
  void Append(const Diagnostics& other);

  int ErrorCount() const;
  int WarningCount() const;
  bool HasErrors() const { return ErrorCount() > 0; }
  const std::vector<Diagnostic>& All() const { return items_; }
  std::vector<Diagnostic>& Mutable() { return items_; }
  void Clear() { items_.clear(); }

  // Stable sort: positioned diagnostics by (file order of first appearance, line, column), others first.
  void SortByPosition();

 private:
  std::vector<Diagnostic> items_;
};

// The text of source files, for the quoted line under a diagnostic. Files are registered by the parser
// (exact text as read) or read lazily from disk relative to `root`.
class SourceCache {
 public:
  explicit SourceCache(std::string root = ".") : root_(std::move(root)) {}
  void Put(const std::string& file, std::string text);
  // The line (1-based) without its line break; empty when unknown.
  std::string Line(const std::string& file, int line);

 private:
  std::string root_;
  std::map<std::string, std::vector<std::string>> lines_;
};

struct RenderOptions {
  bool color = false;
  int max_errors = 50;  // then "... and N more errors"
};

// One diagnostic as text (several lines, each ending in '\n').
std::string RenderDiagnostic(const Diagnostic& diagnostic, SourceCache& sources, bool color);
// All diagnostics followed by the count line ("2 errors, 1 warning"), or "" when there are none.
std::string RenderAll(const Diagnostics& diagnostics, SourceCache& sources, const RenderOptions& options);
// "2 errors, 1 warning"; empty when both are 0.
std::string CountLine(int errors, int warnings);

}  // namespace sqlflow

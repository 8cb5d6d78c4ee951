#include "sqlflow/common/diagnostic.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "sqlflow/common/redact.h"
#include "sqlflow/common/text.h"

namespace sqlflow {

Diagnostic& Diagnostics::Error(std::string code, std::string message, SourcePos pos) {
  return Add(Diagnostic{Severity::kError, std::move(code), std::move(message), std::move(pos), {}, {}});
}

Diagnostic& Diagnostics::Warning(std::string code, std::string message, SourcePos pos) {
  return Add(Diagnostic{Severity::kWarning, std::move(code), std::move(message), std::move(pos), {}, {}});
}

Diagnostic& Diagnostics::Add(Diagnostic diagnostic) {
  items_.push_back(std::move(diagnostic));
  return items_.back();
}

void Diagnostics::Append(const Diagnostics& other) {
  for (const auto& d : other.items_) items_.push_back(d);
}

int Diagnostics::ErrorCount() const {
  return static_cast<int>(std::count_if(items_.begin(), items_.end(),
                                        [](const Diagnostic& d) { return d.severity == Severity::kError; }));
}

int Diagnostics::WarningCount() const {
  return static_cast<int>(items_.size()) - ErrorCount();
}

void Diagnostics::SortByPosition() {
  std::map<std::string, int> file_order;
  for (const auto& d : items_) {
    if (d.pos.valid() && !file_order.count(d.pos.file)) {
      int next = static_cast<int>(file_order.size());
      file_order[d.pos.file] = next;
    }
  }
  std::stable_sort(items_.begin(), items_.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    if (a.pos.valid() != b.pos.valid()) return !a.pos.valid();
    if (!a.pos.valid()) return false;
    int fa = file_order[a.pos.file], fb = file_order[b.pos.file];
    if (fa != fb) return fa < fb;
    if (a.pos.line != b.pos.line) return a.pos.line < b.pos.line;
    return a.pos.column < b.pos.column;
  });
}

void SourceCache::Put(const std::string& file, std::string text) {
  // Diagnostics quote these lines: secrets written in the file never reach the output (§10.5).
  text = MaskSecretValuesInSource(text);
  std::vector<std::string> lines;
  std::string current;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      if (!current.empty() && current.back() == '\r') current.pop_back();
      lines.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  lines.push_back(std::move(current));
  lines_[file] = std::move(lines);
}

std::string SourceCache::Line(const std::string& file, int line) {
  auto it = lines_.find(file);
  if (it == lines_.end()) {
    std::ifstream in(root_ + "/" + file, std::ios::binary);
    if (!in) return "";
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
    Put(file, std::move(text));
    it = lines_.find(file);
  }
  if (line < 1 || line > static_cast<int>(it->second.size())) return "";
  return it->second[line - 1];
}

namespace {

const char* kReset = "\x1b[0m";
const char* kBoldRed = "\x1b[1;31m";
const char* kBoldYellow = "\x1b[1;33m";
const char* kBoldGreen = "\x1b[1;32m";
const char* kCyan = "\x1b[36m";
const char* kBold = "\x1b[1m";
// Source excerpts longer than this many characters are cut to a window that starts kExcerptLead
// characters before the caret.
constexpr int kMaxExcerptWidth = 160;
constexpr int kExcerptLead = 60;

std::string Styled(const std::string& text, const char* style, bool color) {
  return color ? std::string(style) + text + kReset : text;
}

}  // namespace

std::string RenderDiagnostic(const Diagnostic& d, SourceCache& sources, bool color) {
  std::string out;
  std::string severity = d.severity == Severity::kError ? "error" : "warning";
  std::string styled_severity =
      Styled(severity + ":", d.severity == Severity::kError ? kBoldRed : kBoldYellow, color);
  std::string code = d.code.empty() ? "" : " [" + d.code + "]";
  if (d.pos.valid() && !d.pos.file.empty()) {
    std::string head =
        d.pos.file + ":" + std::to_string(d.pos.line) + ":" + std::to_string(d.pos.column) + ":";
    out += Styled(head, kBold, color) + " " + styled_severity + " " + d.message + code + "\n";
    std::string line = sources.Line(d.pos.file, d.pos.line);
    std::string number = std::to_string(d.pos.line);
    size_t width = std::max<size_t>(3, number.size());
    std::u32string cps = DecodeUtf8Lossy(line);
    const int line_len = static_cast<int>(cps.size());
    int start = std::max(1, d.pos.column);
    int count = std::max(1, d.pos.length);
    if (start + count - 1 > line_len) count = std::max(1, line_len - start + 1);
    // A long line is shown as a window around the caret, so that one message stays one screen line.
    int from = 0, to = line_len;
    if (line_len > kMaxExcerptWidth) {
      from = std::clamp(start - 1 - kExcerptLead, 0, line_len - kMaxExcerptWidth);
      to = from + kMaxExcerptWidth;
      count = std::min(count, to - (start - 1));
    }
    std::string printable = from > 0 ? "…" : "";
    for (int i = from; i < to; ++i) printable += cps[i] == U'\t' ? std::string(" ") : EncodeUtf8(cps[i]);
    if (to < line_len) printable += "…";
    out += std::string(width - number.size(), ' ') + number + " | " + printable + "\n";
    const int indent = start - 1 - from + (from > 0 ? 1 : 0);
    std::string carets(static_cast<size_t>(std::max(1, count)), '^');
    out += std::string(width, ' ') + " | " + std::string(static_cast<size_t>(indent), ' ') +
           Styled(carets, kBoldGreen, color) + "\n";
  } else {
    out += "sqlflow: " + styled_severity + " " + d.message + code + "\n";
  }
  for (const auto& hint : d.hints) out += "  " + Styled("hint:", kCyan, color) + " " + hint + "\n";
  for (const auto& note : d.notes) out += "  " + Styled("note:", kCyan, color) + " " + note + "\n";
  return out;
}

std::string CountLine(int errors, int warnings) {
  if (errors == 0 && warnings == 0) return "";
  return std::to_string(errors) + (errors == 1 ? " error, " : " errors, ") + std::to_string(warnings) +
         (warnings == 1 ? " warning" : " warnings");
}

std::string RenderAll(const Diagnostics& diagnostics, SourceCache& sources, const RenderOptions& options) {
  std::string out;
  int errors_shown = 0, errors_hidden = 0;
  for (const auto& d : diagnostics.All()) {
    if (d.severity == Severity::kError) {
      if (errors_shown >= options.max_errors) {
        ++errors_hidden;
        continue;
      }
      ++errors_shown;
    }
    out += RenderDiagnostic(d, sources, options.color);
  }
  if (errors_hidden > 0) out += "... and " + std::to_string(errors_hidden) + " more errors\n";
  std::string count = CountLine(diagnostics.ErrorCount(), diagnostics.WarningCount());
  if (!count.empty()) out += count + "\n";
  return out;
}

}  // namespace sqlflow

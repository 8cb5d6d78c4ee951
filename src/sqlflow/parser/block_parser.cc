// The block tree (LANGUAGE.md §2.2, §2.3, §3.8): one left-to-right scan per file, regions, statement
// boundaries, IF blocks, INCLUDE expansion.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "sqlflow/common/limits.h"
#include "sqlflow/common/text.h"
#include "sqlflow/parser/parser.h"
#include "sqlflow/parser/statement_parser.h"
#include "sqlflow/sqltext/scanner.h"

namespace sqlflow::parser {

namespace {

namespace fs = std::filesystem;

constexpr size_t kNone = std::string_view::npos;

std::optional<std::string> ReadWholeFile(const fs::path& path) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return content.str();
}

fs::path Absolute(const fs::path& path) {
  std::error_code error;
  fs::path absolute = fs::absolute(path, error);
  return error ? path : absolute;
}

class PipelineReader;

// Parses the block structure of one file. Included files are expanded through the reader.
class FileParser {
 public:
  // `outer_if_depth`: IF blocks open around the INCLUDE that brought this file in (0 for the main file).
  FileParser(PipelineReader& reader, SourceFilePtr file, Diagnostics& diagnostics, int outer_if_depth);
  FileParser(const FileParser&) = delete;
  FileParser& operator=(const FileParser&) = delete;

  std::vector<Item> Parse();

 private:
  struct Frame {
    IfBlock block;
    bool has_else = false;
    // An END IF inside a statement of this block (a missing ';'), and the end of the token before it.
    size_t swallowed_end_if = kNone;
    size_t before_swallowed = 0;
  };
  enum class Stop { kSemicolon, kThen, kEndOfFile };
  // A scan from a statement start to its boundary.
  struct Span {
    Stop stop = Stop::kEndOfFile;
    size_t end = 0;                       // the ';', the THEN, or the end of the file
    size_t then_end = 0;                  // past THEN
    size_t first_token = kNone;           // first non-trivia offset
    size_t last_token_end = 0;            // end of the last non-trivia text
    bool region_error = false;            // an unterminated region (SF101-SF104) ran to the end of the file
    bool lexical_error = false;           // any error, including malformed variable references
    size_t end_if_at_line_start = kNone;  // END IF / ENDIF starting a line inside the statement
    size_t before_end_if = 0;             // end of the token before it
  };

  Span Scan(size_t pos, bool stop_at_then);
  std::string WordAt(size_t pos, size_t* end) const;
  std::string DescribeAt(size_t pos) const;
  // Only spaces and tabs between the previous line break and `pos`.
  bool StartsLine(size_t pos) const;
  // The word text_[begin, end) is ENDIF, or END followed by whitespace and IF.
  bool IsEndIf(size_t begin, size_t end) const;
  std::vector<Item>& Current();
  void Error(const std::string& code, const std::string& message, size_t offset, size_t length);

  size_t OpenIf(size_t keyword, size_t after);
  size_t ElseIf(size_t keyword, size_t after);
  size_t Else(size_t keyword, size_t after);
  size_t EndIf(size_t keyword, size_t after);
  size_t Statement(size_t begin, bool is_include);
  // Reads an IF / ELSE IF header; returns the condition, or nullopt at the end of the file.
  std::optional<RawCondition> Header(size_t keyword, size_t after, const std::string& label, size_t* next);

  int IfDepth() const { return outer_if_depth_ + static_cast<int>(frames_.size()); }

  PipelineReader& reader_;
  int outer_if_depth_;
  SourceFilePtr file_;
  std::string_view text_;
  Diagnostics& diagnostics_;
  int region_errors_ = 0;
  int lexical_errors_ = 0;
  sqltext::RegionScanner scanner_;
  std::vector<Item> top_;
  std::vector<Frame> frames_;
  bool too_deep_ = false;  // SF126 reported: the rest of the file is not parsed
};

// Reads the main file and every included file, detecting include cycles.
class PipelineReader {
 public:
  PipelineReader(const fs::path& project_root, Diagnostics& diagnostics, SourceCache& sources,
                 const ParseOptions& options)
      : root_(Absolute(project_root)), diagnostics_(diagnostics), sources_(sources), options_(options) {}

  std::optional<PipelineTree> Read(const std::string& relative_path, std::optional<std::string> text) {
    main_dir_ = fs::path(relative_path).parent_path().lexically_normal();
    if (!text) text = ReadWholeFile(root_ / relative_path);
    if (!text) {
      diagnostics_.Error("SF601", "cannot read '" + relative_path + "'");
      return std::nullopt;
    }
    if (!WithinSizeLimits(relative_path, *text, SourcePos{})) return std::nullopt;
    PipelineTree tree;
    tree.main_file = MakeFile(relative_path, std::move(*text));
    tree.items = ParseFile(tree.main_file, Key(relative_path), Display(relative_path), 0);
    tree.files = files_;
    return tree;
  }

  // The items of an included file, already expanded; empty after an error.
  std::vector<Item> Expand(const SourceFile& including, const IncludeStmt& include, int if_depth) {
    SourcePos pos = including.Pos(include.path_offset, include.path_length);
    fs::path written(include.path);
    fs::path relative = (written.is_absolute() ? written : fs::path(including.path()).parent_path() / written)
                            .lexically_normal();
    std::string relative_text = relative.generic_string();
    if (!IncludeAllowed(written, relative, pos)) return {};
    if (static_cast<int>(stack_.size()) >= limits::kMaxIncludeDepth) {
      diagnostics_
          .Error("SF126", "INCLUDE nested deeper than " + std::to_string(limits::kMaxIncludeDepth) + " files",
                 pos)
          .hints.push_back("limits: docs/limits.md");
      return {};
    }
    std::string key = Key(relative_text);
    for (size_t i = 0; i < stack_.size(); ++i) {
      if (stack_[i].key != key) continue;
      std::vector<std::string> chain;
      for (size_t k = i; k < stack_.size(); ++k) chain.push_back(stack_[k].display);
      chain.push_back(Display(relative_text));
      diagnostics_.Error("SF123", "include cycle: " + Join(chain, " -> "), pos);
      return {};
    }
    if (auto it = expanded_.find(key); it != expanded_.end()) return it->second;
    std::optional<std::string> text;
    if (!include.path.empty()) text = ReadWholeFile(relative.is_absolute() ? relative : root_ / relative);
    if (!text) {
      diagnostics_.Error("SF123", "included file not found: " + relative_text, pos);
      return {};
    }
    if (!WithinSizeLimits(relative_text, *text, pos)) return {};
    SourceFilePtr file = MakeFile(relative_text, std::move(*text));
    return ParseFile(file, key, Display(relative_text), if_depth);
  }

 private:
  struct Active {
    std::string key;
    std::string display;
  };

  // §6.5: an INCLUDE names a pipeline file (.sf) inside the project root, unless the profile allows files
  // outside it. Checked before the file is read, so that no other file's content can reach a message.
  bool IncludeAllowed(const fs::path& written, const fs::path& relative, const SourcePos& pos) {
    if (relative.extension() != ".sf") {
      diagnostics_.Error("SF123",
                         "INCLUDE must name a pipeline file ending in .sf: " + written.generic_string(), pos);
      return false;
    }
    if (options_.allow_include_outside_project) return true;
    std::error_code error;
    fs::path canonical_root = fs::weakly_canonical(root_, error);
    fs::path target = fs::weakly_canonical(relative.is_absolute() ? relative : root_ / relative, error);
    std::string inside = target.lexically_relative(canonical_root).generic_string();
    if (!written.is_absolute() && !error && !inside.empty() && !StartsWith(inside, "..")) return true;
    auto& d = diagnostics_.Error(
        "SF123",
        "INCLUDE path leaves the project: " + written.generic_string() +
            (written.is_absolute() ? " is absolute" : " resolves outside the project root"),
        pos);
    d.hints.push_back(
        "INCLUDE paths are relative to the including file and stay inside the project; set "
        "allow_include_outside_project: true in the profile to allow others");
    return false;
  }

  // File size and line length limits (SF127); the message never quotes the file.
  bool WithinSizeLimits(const std::string& relative_path, std::string_view text, const SourcePos& pos) {
    std::string problem;
    size_t problem_line = 1;
    if (text.size() > limits::kMaxPipelineFileBytes) {
      problem = "is larger than " + std::to_string(limits::kMaxPipelineFileBytes >> 20) + " MiB";
    } else {
      size_t line = 1, line_start = 0;
      for (size_t i = 0; i <= text.size() && problem.empty(); ++i) {
        if (i < text.size() && text[i] != '\n') continue;
        if (i - line_start > limits::kMaxLineBytes) {
          problem = "has a line longer than " + std::to_string(limits::kMaxLineBytes >> 20) + " MiB (line " +
                    std::to_string(line) + ")";
          problem_line = line;
        }
        ++line;
        line_start = i + 1;
      }
    }
    if (problem.empty()) return true;
    SourcePos at = pos;  // the INCLUDE of an included file; the file itself otherwise
    if (!at.valid()) {
      at.file = relative_path;
      at.line = static_cast<int>(problem_line);
      at.column = 1;
      sources_.Put(relative_path, "");  // the excerpt would quote the whole oversized line
    }
    diagnostics_.Error("SF127", "pipeline file " + relative_path + " " + problem, at)
        .hints.push_back("limits: docs/limits.md");
    return false;
  }

  SourceFilePtr MakeFile(const std::string& relative_path, std::string text) {
    if (StartsWith(text, "\xEF\xBB\xBF")) text.erase(0, 3);
    auto file = std::make_shared<const SourceFile>(relative_path, text);
    sources_.Put(relative_path, std::move(text));
    if (auto bad = FindInvalidUtf8(file->text()))
      diagnostics_.Error("SF100", "file is not valid UTF-8", file->Pos(*bad));
    files_.push_back(file);
    return file;
  }

  std::vector<Item> ParseFile(const SourceFilePtr& file, std::string key, std::string display, int if_depth) {
    stack_.push_back({key, std::move(display)});
    std::vector<Item> items = FileParser(*this, file, diagnostics_, if_depth).Parse();
    stack_.pop_back();
    expanded_[key] = items;
    return items;
  }

  // Identity of a file for cycle detection and reuse.
  std::string Key(const std::string& relative_path) const {
    fs::path path = fs::path(relative_path).is_absolute() ? fs::path(relative_path) : root_ / relative_path;
    std::error_code error;
    fs::path canonical = fs::weakly_canonical(path, error);
    return (error ? path.lexically_normal() : canonical).generic_string();
  }

  // A file name for cycle messages: relative to the main file's directory when the file is under it.
  std::string Display(const std::string& relative_path) const {
    fs::path relative = fs::path(relative_path).lexically_relative(main_dir_);
    std::string text = relative.generic_string();
    if (text.empty() || StartsWith(text, "..")) return relative_path;
    return text;
  }

  fs::path root_;
  Diagnostics& diagnostics_;
  SourceCache& sources_;
  ParseOptions options_;
  fs::path main_dir_;
  std::vector<SourceFilePtr> files_;
  std::vector<Active> stack_;
  std::map<std::string, std::vector<Item>> expanded_;
};

FileParser::FileParser(PipelineReader& reader, SourceFilePtr file, Diagnostics& diagnostics,
                       int outer_if_depth)
    : reader_(reader),
      outer_if_depth_(outer_if_depth),
      file_(std::move(file)),
      text_(file_->text()),
      diagnostics_(diagnostics),
      scanner_(text_, sqltext::RegionScanner::VarRefs::kReport, [this](const sqltext::TextError& error) {
        ++lexical_errors_;
        if (error.code == "SF101" || error.code == "SF102" || error.code == "SF103" || error.code == "SF104")
          ++region_errors_;
        Diagnostic& diagnostic =
            diagnostics_.Error(error.code, error.message, file_->Pos(error.offset, error.length));
        if (!error.hint.empty()) diagnostic.hints.push_back(error.hint);
      }) {}

void FileParser::Error(const std::string& code, const std::string& message, size_t offset, size_t length) {
  diagnostics_.Error(code, message, file_->Pos(offset, length));
}

std::vector<Item>& FileParser::Current() {
  return frames_.empty() ? top_ : frames_.back().block.branches.back().items;
}

std::string FileParser::WordAt(size_t pos, size_t* end) const {
  size_t i = pos;
  if (i < text_.size() && sqltext::IsIdentStart(text_[i])) {
    while (i < text_.size() && sqltext::IsIdentChar(text_[i])) ++i;
  }
  *end = i;
  return ToUpper(text_.substr(pos, i - pos));
}

std::string FileParser::DescribeAt(size_t pos) const {
  if (pos >= text_.size()) return "end of file";
  size_t end = pos + 1;
  if (sqltext::IsIdentChar(text_[pos])) {
    while (end < text_.size() && sqltext::IsIdentChar(text_[end])) ++end;
  } else {
    while (end < text_.size() && (static_cast<unsigned char>(text_[end]) & 0xC0) == 0x80) ++end;
  }
  return "'" + std::string(text_.substr(pos, end - pos)) + "'";
}

bool FileParser::StartsLine(size_t pos) const {
  while (pos > 0 && (text_[pos - 1] == ' ' || text_[pos - 1] == '\t' || text_[pos - 1] == '\r')) --pos;
  return pos > 0 && text_[pos - 1] == '\n';
}

bool FileParser::IsEndIf(size_t begin, size_t end) const {
  std::string word = ToUpper(text_.substr(begin, end - begin));
  if (word == "ENDIF") return true;
  if (word != "END") return false;
  size_t next = end;
  while (next < text_.size() && sqltext::IsSpace(text_[next])) ++next;
  size_t if_end = next;
  return next > end && WordAt(next, &if_end) == "IF";
}

FileParser::Span FileParser::Scan(size_t pos, bool stop_at_then) {
  Span span;
  span.last_token_end = pos;
  int region_errors = region_errors_;
  int lexical_errors = lexical_errors_;
  auto token = [&](size_t begin, size_t end) {
    if (span.first_token == kNone) span.first_token = begin;
    span.last_token_end = end;
  };
  size_t i = pos;
  span.end = text_.size();
  while (i < text_.size()) {
    char c = text_[i];
    if (sqltext::IsSpace(c)) {
      ++i;
      continue;
    }
    if (c == ';') {
      span.stop = Stop::kSemicolon;
      span.end = i;
      break;
    }
    sqltext::RegionKind kind = scanner_.KindAt(i);
    if (kind != sqltext::RegionKind::kNone) {
      size_t next = scanner_.Skip(i);
      if (!sqltext::RegionScanner::IsComment(kind)) token(i, next);
      i = next;
      continue;
    }
    if (sqltext::IsIdentStart(c) && (i == 0 || !sqltext::IsIdentChar(text_[i - 1]))) {
      size_t end = i;
      while (end < text_.size() && sqltext::IsIdentChar(text_[end])) ++end;
      if (stop_at_then && EqualsIgnoreCase(text_.substr(i, end - i), "THEN")) {
        span.stop = Stop::kThen;
        span.end = i;
        span.then_end = end;
        break;
      }
      if (!stop_at_then && span.end_if_at_line_start == kNone && StartsLine(i) && IsEndIf(i, end)) {
        span.end_if_at_line_start = i;
        span.before_end_if = span.last_token_end;
      }
      token(i, end);
      i = end;
      continue;
    }
    token(i, i + 1);
    ++i;
  }
  span.region_error = region_errors_ != region_errors;
  span.lexical_error = lexical_errors_ != lexical_errors;
  return span;
}

std::vector<Item> FileParser::Parse() {
  size_t pos = 0;
  while (true) {
    pos = scanner_.SkipTrivia(pos);
    if (pos >= text_.size()) break;
    if (text_[pos] == ';') {  // empty statement
      ++pos;
      continue;
    }
    size_t word_end = pos;
    std::string word = WordAt(pos, &word_end);
    size_t if_end = word_end;
    if (word == "IF") {
      pos = OpenIf(pos, word_end);
    } else if (word == "ELSEIF") {
      pos = ElseIf(pos, word_end);
    } else if (word == "ELSE") {
      size_t next = word_end;
      while (next < text_.size() && (text_[next] == ' ' || text_[next] == '\t')) ++next;
      if (WordAt(next, &if_end) == "IF") {
        pos = ElseIf(pos, if_end);
      } else {
        pos = Else(pos, word_end);
      }
    } else if (word == "ENDIF") {
      pos = EndIf(pos, word_end);
    } else if (word == "END") {
      size_t next = word_end;
      while (next < text_.size() && sqltext::IsSpace(text_[next])) ++next;
      if (next > word_end && WordAt(next, &if_end) == "IF") {
        pos = EndIf(pos, if_end);
      } else {
        pos = Statement(pos, false);
      }
    } else {
      pos = Statement(pos, word == "INCLUDE");
    }
  }
  while (!frames_.empty() && too_deep_) {
    IfBlock closed = std::move(frames_.back().block);
    frames_.pop_back();
    Current().push_back(Item{std::move(closed)});
  }
  while (!frames_.empty()) {
    IfBlock& block = frames_.back().block;
    Diagnostic& error = diagnostics_.Error(
        "SF120", "IF at line " + std::to_string(file_->Line(block.if_offset)) + " is not closed by END IF",
        file_->Pos(block.if_offset, 2));
    if (frames_.back().swallowed_end_if != kNone) {
      size_t end_if = frames_.back().swallowed_end_if;
      error.hints.push_back("the END IF at line " + std::to_string(file_->Line(end_if)) +
                            " is part of the statement before it; is a ';' missing at the end of line " +
                            std::to_string(file_->Line(frames_.back().before_swallowed - 1)) + "?");
    }
    IfBlock closed = std::move(block);
    frames_.pop_back();
    Current().push_back(Item{std::move(closed)});
  }
  return std::move(top_);
}

std::optional<RawCondition> FileParser::Header(size_t keyword, size_t after, const std::string& label,
                                               size_t* next) {
  Span span = Scan(after, true);
  RawCondition condition;
  condition.file = file_;
  condition.keyword_offset = keyword;
  condition.begin = span.first_token == kNone ? span.end : span.first_token;
  condition.end = span.first_token == kNone ? condition.begin : span.last_token_end;
  switch (span.stop) {
    case Stop::kThen:
      *next = span.then_end;
      return condition;
    case Stop::kSemicolon:
      Error("SF106", "expected THEN after " + label + " condition, found ';'", span.end, 1);
      *next = span.end + 1;
      return condition;
    case Stop::kEndOfFile:
      if (!span.region_error)
        Error("SF106", "expected THEN after " + label + " condition, found end of file", span.last_token_end,
              1);
      *next = text_.size();
      return std::nullopt;
  }
  return std::nullopt;
}

size_t FileParser::OpenIf(size_t keyword, size_t after) {
  if (IfDepth() >= limits::kMaxIfDepth) {  // counted across INCLUDEs: the tree's depth is what matters
    // The rest of the file cannot be read as blocks; stop here without a flood of follow-on errors.
    diagnostics_
        .Error("SF126", "IF blocks nested deeper than " + std::to_string(limits::kMaxIfDepth) + " levels",
               file_->Pos(keyword, 2))
        .hints.push_back("limits: docs/limits.md");
    too_deep_ = true;
    return text_.size();
  }
  size_t next = after;
  std::optional<RawCondition> condition = Header(keyword, after, "IF", &next);
  if (!condition) return next;
  Frame frame;
  frame.block.file = file_;
  frame.block.if_offset = keyword;
  frame.block.branches.push_back(Branch{std::move(condition), {}});
  frames_.push_back(std::move(frame));
  return next;
}

size_t FileParser::ElseIf(size_t keyword, size_t after) {
  size_t next = after;
  std::optional<RawCondition> condition = Header(keyword, after, "ELSE IF", &next);
  if (frames_.empty()) {
    Error("SF120", "ELSE without IF", keyword, after - keyword);
    return next;
  }
  if (frames_.back().has_else) Error("SF120", "ELSE IF after ELSE", keyword, after - keyword);
  if (condition) frames_.back().block.branches.push_back(Branch{std::move(condition), {}});
  return next;
}

size_t FileParser::Else(size_t keyword, size_t after) {
  if (frames_.empty()) {
    Error("SF120", "ELSE without IF", keyword, after - keyword);
    return after;
  }
  if (frames_.back().has_else) Error("SF120", "ELSE after ELSE", keyword, after - keyword);
  frames_.back().has_else = true;
  frames_.back().block.branches.push_back(Branch{std::nullopt, {}});
  return after;
}

size_t FileParser::EndIf(size_t keyword, size_t after) {
  size_t semicolon = scanner_.SkipTrivia(after);
  size_t next = after;
  if (semicolon < text_.size() && text_[semicolon] == ';') {
    next = semicolon + 1;
  } else {
    diagnostics_.Error("SF106", "expected ';' after END IF, found " + DescribeAt(semicolon),
                       file_->Pos(semicolon < text_.size() ? semicolon : after, 1));
  }
  if (frames_.empty()) {
    Error("SF120", "END IF without IF", keyword, after - keyword);
    return next;
  }
  // An END IF swallowed by a statement of this block means this END IF probably belonged to the parent.
  if (frames_.size() > 1 && frames_.back().swallowed_end_if != kNone &&
      frames_[frames_.size() - 2].swallowed_end_if == kNone) {
    frames_[frames_.size() - 2].swallowed_end_if = frames_.back().swallowed_end_if;
    frames_[frames_.size() - 2].before_swallowed = frames_.back().before_swallowed;
  }
  IfBlock block = std::move(frames_.back().block);
  frames_.pop_back();
  Current().push_back(Item{std::move(block)});
  return next;
}

size_t FileParser::Statement(size_t begin, bool is_include) {
  Span span = Scan(begin, false);
  if (span.stop == Stop::kEndOfFile) {
    if (!span.region_error) Error("SF105", "missing ';' at end of statement", span.last_token_end, 1);
    return text_.size();
  }
  if (span.end_if_at_line_start != kNone && !frames_.empty() && frames_.back().swallowed_end_if == kNone) {
    frames_.back().swallowed_end_if = span.end_if_at_line_start;
    frames_.back().before_swallowed = span.before_end_if;
  }
  // A statement with a lexical error is left out: the error is reported, and parsing it later would only
  // add follow-on errors.
  if (!span.lexical_error) {
    if (is_include) {
      if (auto include = ParseInclude(file_, begin, span.end, diagnostics_)) {
        std::vector<Item> items = reader_.Expand(*file_, *include, IfDepth());
        std::vector<Item>& current = Current();
        for (auto& item : items) current.push_back(std::move(item));
      }
    } else {
      Current().push_back(Item{RawStatement{file_, begin, span.end}});
    }
  }
  return span.end + 1;
}

}  // namespace

std::optional<PipelineTree> ParsePipelineFile(const std::filesystem::path& project_root,
                                              const std::string& relative_path, Diagnostics& diagnostics,
                                              SourceCache& sources, const ParseOptions& options) {
  return PipelineReader(project_root, diagnostics, sources, options).Read(relative_path, std::nullopt);
}

std::optional<PipelineTree> ParsePipelineText(const std::filesystem::path& project_root,
                                              const std::string& relative_path, std::string text,
                                              Diagnostics& diagnostics, SourceCache& sources,
                                              const ParseOptions& options) {
  return PipelineReader(project_root, diagnostics, sources, options).Read(relative_path, std::move(text));
}

}  // namespace sqlflow::parser

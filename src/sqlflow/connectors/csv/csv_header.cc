#include <fstream>

#include "sqlflow/connectors/csv/csv_connector.h"
#include "sqlflow/connectors/files/file_paths.h"

namespace sqlflow::connectors {
namespace {

constexpr size_t kInspectBytes = 4 << 20;

bool At(const std::string& text, size_t pos, const std::string& token) {
  return !token.empty() && text.compare(pos, token.size(), token) == 0;
}

// The next '\n' or '\r' at or after `pos`, or npos (a plain loop: find_first_of tests each byte against
// the set with a call).
size_t FindLineBreak(const std::string& text, size_t pos) {
  for (const size_t n = text.size(); pos < n; ++pos)
    if (text[pos] == '\n' || text[pos] == '\r') return pos;
  return std::string::npos;
}

// Parses one record starting at `pos`. Returns the position after its line break, or npos when the text
// ends inside a quoted field (the record is cut off). `complete_at_end`: text ending without a line break
// ends the record (end of file).
size_t ParseRecord(const std::string& text, size_t pos, const CsvDialect& dialect, bool complete_at_end,
                   std::vector<std::string>& fields) {
  fields.clear();
  std::string current;
  bool in_quotes = false;
  bool field_start = true;
  const std::string& quote = dialect.quote;
  const std::string& escape = dialect.escape;
  // Runs of plain bytes are copied whole (4 MiB of a file are inspected before each read).
  const char quote0 = quote.empty() ? '\0' : quote[0];
  const char escape0 = escape.empty() ? quote0 : escape[0];
  const char delimiter0 = dialect.delimiter.empty() ? '\n' : dialect.delimiter[0];
  const size_t n = text.size();
  while (pos < n) {
    if (in_quotes) {
      size_t run = pos;
      while (run < n && text[run] != quote0 && text[run] != escape0) ++run;
      if (run > pos) {
        current.append(text, pos, run - pos);
        pos = run;
        continue;
      }
      if (escape != quote && At(text, pos, escape) && At(text, pos + escape.size(), quote)) {
        current += quote;
        pos += escape.size() + quote.size();
      } else if (At(text, pos, quote)) {
        if (escape == quote && At(text, pos + quote.size(), quote)) {
          current += quote;
          pos += 2 * quote.size();
        } else {
          in_quotes = false;
          pos += quote.size();
        }
      } else {
        current += text[pos++];
      }
      continue;
    }
    // A quote opens a quoted value only at the start of a field; elsewhere it is data (as DuckDB reads it).
    const bool opens_quote = field_start && At(text, pos, quote);
    if (!opens_quote) {
      size_t run = pos;
      while (run < n && text[run] != delimiter0 && text[run] != '\n' && text[run] != '\r') ++run;
      if (run > pos) {
        current.append(text, pos, run - pos);
        pos = run;
        field_start = false;
        continue;
      }
    }
    if (opens_quote) {
      in_quotes = true;
      field_start = false;
      pos += quote.size();
    } else if (At(text, pos, dialect.delimiter)) {
      fields.push_back(std::move(current));
      current.clear();
      field_start = true;
      pos += dialect.delimiter.size();
    } else if (text[pos] == '\n' || text[pos] == '\r') {
      if (text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') ++pos;
      fields.push_back(std::move(current));
      return pos + 1;
    } else {
      current += text[pos++];
      field_start = false;
    }
  }
  if (in_quotes || !complete_at_end) return std::string::npos;
  fields.push_back(std::move(current));
  return text.size();
}

// The first bytes of an uncompressed file, past a UTF-8 BOM and `skip_rows` lines. `whole`: the file fits.
std::optional<std::string> ReadPrefix(const std::string& path, int64_t skip_rows, bool& whole) {
  if (!CompressionFromExtension(path).empty()) return std::nullopt;
  std::ifstream input(path, std::ios::binary);
  if (!input) return std::nullopt;
  std::string text(kInspectBytes, '\0');
  input.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(input.gcount()));
  whole = text.size() < kInspectBytes;
  size_t pos = At(text, 0, "\xEF\xBB\xBF") ? 3 : 0;
  for (int64_t line = 0; line < skip_rows && pos < text.size(); ++line) {
    size_t newline = text.find('\n', pos);
    pos = newline == std::string::npos ? text.size() : newline + 1;
  }
  return text.substr(pos);
}

}  // namespace

std::string UnescapeDelimiter(const std::string& delimiter) {
  return delimiter == "\\t" ? "\t" : delimiter;
}

std::optional<std::vector<std::string>> ReadCsvHeader(const std::string& path, int64_t skip_rows,
                                                      const CsvDialect& dialect) {
  bool whole = false;
  auto text = ReadPrefix(path, skip_rows, whole);
  if (!text) return std::nullopt;
  std::vector<std::string> fields;
  if (text->empty()) return fields;
  ParseRecord(*text, 0, dialect, true, fields);
  return fields;
}

CsvShape InspectCsvText(const std::string& text, bool whole, int64_t line_offset, const CsvDialect& dialect) {
  CsvShape shape;
  std::vector<std::string> fields;
  size_t pos = 0;
  int64_t record = 0;
  while (pos < text.size()) {
    size_t next = ParseRecord(text, pos, dialect, whole, fields);
    if (next == std::string::npos) {
      if (record == 0) {
        shape.first_record = fields;
        shape.first_record_complete = false;
        shape.first_record_multiline = true;
        shape.first_line = text.substr(0, text.find_first_of("\r\n"));
      } else if (whole) {
        ++shape.multiline_records;  // a quote that never closes runs to the end of the file
      }
      break;
    }
    if (record == 0) {
      // Does the first record end on the first line? A header whose quote runs on has swallowed rows.
      size_t eol = text.find_first_of("\r\n");
      if (eol != std::string::npos) {
        shape.first_line = text.substr(0, eol);
        size_t eol_end = eol + (text[eol] == '\r' && eol + 1 < text.size() && text[eol + 1] == '\n' ? 2 : 1);
        shape.first_record_multiline = next > eol_end;
      }
    }
    size_t body_end = next;  // the record without its line break
    if (body_end > pos && text[body_end - 1] == '\n') --body_end;
    if (body_end > pos && text[body_end - 1] == '\r') --body_end;
    const size_t inner_break = FindLineBreak(text, pos);
    if (inner_break != std::string::npos && inner_break < body_end) ++shape.multiline_records;
    pos = next;
    const bool blank = fields.size() == 1 && fields.front().empty();
    const auto width = static_cast<int64_t>(fields.size());
    if (record == 0) {
      shape.first_record = fields;
    } else if (!blank) {
      if (shape.width_count[width]++ == 0) shape.width_first_line[width] = record + 1 + line_offset;
    }
    ++record;
  }
  // Raw lines, whatever the quotes say: a broken quote must not hide them.
  size_t start = 0;
  while (start < text.size()) {
    size_t end = FindLineBreak(text, start);
    if (end == std::string::npos) end = text.size();
    if (end > start) ++shape.nonblank_lines;
    start = end + 1;
  }
  return shape;
}

int64_t CsvShape::ModalWidth(bool with_first) const {
  std::map<int64_t, int64_t> counts = width_count;
  if (with_first && first_record_complete && !first_record.empty())
    ++counts[static_cast<int64_t>(first_record.size())];
  int64_t best = 0, best_count = 0;
  for (const auto& [width, count] : counts) {
    if (count >= best_count) best = width, best_count = count;
  }
  return best;
}

bool CsvShape::LooksRegular() const {
  if (!first_record_complete || multiline_records > 0) return false;
  for (const auto& [width, count] : width_count)
    if (width != static_cast<int64_t>(first_record.size())) return false;
  return true;
}

std::pair<int64_t, int64_t> CsvShape::WiderThan(int64_t width) const {
  int64_t count = 0, line = 0;
  for (auto it = width_count.upper_bound(width); it != width_count.end(); ++it) {
    count += it->second;
    const int64_t first = width_first_line.at(it->first);
    if (line == 0 || first < line) line = first;
  }
  return {count, line};
}

std::optional<CsvShape> InspectCsv(const std::string& path, int64_t skip_rows, const CsvDialect& dialect) {
  bool whole = false;
  auto text = ReadPrefix(path, skip_rows, whole);
  if (!text) return std::nullopt;
  return InspectCsvText(*text, whole, skip_rows, dialect);
}

}  // namespace sqlflow::connectors

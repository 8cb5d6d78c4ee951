// How a set of CSV files is read (CONNECTORS.md §3.1; issue 17): which files need their columns pinned and
// which rows are errors before DuckDB sees them.
//
// DuckDB's sniffer decides the width of a file from a sample: a row with an extra delimiter in the sample
// adds a column named column<N> to every row, and without a header the sample sets the width. So the width
// comes from the file's shape as sqlflow parses it with the configured dialect (the header; without a header,
// the most common field count; or `column_names`), and when it could differ from the sniffer's, the read
// passes the columns explicitly (names and sniffed types, `auto_detect = false`). A sniffer that gives up on
// the file (an unbalanced quote in the sample) is no reason to fail either: the columns are then pinned as
// VARCHAR and the reader reports the bad rows itself (with their line numbers) or skips them.
#include <algorithm>
#include <memory>
#include <mutex>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/csv/csv_connector.h"

namespace sqlflow::connectors {
namespace {

constexpr int64_t kInspectLines = 20000;

// The probes below (sniff_csv, a bind of read_csv, a line read) may fail, and a failed statement aborts the
// transaction it runs in: the step's connection is inside the step's transaction, so they run on a
// connection of the process's scratch database instead (they read only the local files), opened on first
// use: a clean file needs no probe.
class Probe {
 public:
  explicit Probe(bool allowed) : allowed_(allowed) {}
  explicit operator bool() const { return allowed_; }
  engine::Connection& operator*() {
    if (!connection_) connection_.emplace(engine::ScratchDatabase());
    return *connection_;
  }
  engine::Connection* operator->() { return &**this; }

 private:
  bool allowed_;
  std::optional<engine::Connection> connection_;
};

// The first part of a file, parsed with the dialect: read directly (uncompressed UTF-8) or through DuckDB,
// which decompresses and transcodes (one VARCHAR per line).
std::optional<CsvShape> Inspect(const CsvReadOptions& o, const std::string& file, Probe& connection) {
  if (o.encoding == "utf-8" && o.compression != "gzip" && o.compression != "zstd") {
    if (auto shape = InspectCsv(file, o.skip_rows, o.dialect)) return shape;
  }
  if (!connection) return std::nullopt;
  std::string text;
  int64_t lines = 0;
  try {
    auto result = connection->Query("SELECT line FROM read_csv(" + SqlStringList({file}) +
                                    ", columns = {'line': 'VARCHAR'}, header = false, " +
                                    "delim = " + QuoteLiteral(std::string(1, '\x01')) +
                                    ", quote = '', escape = '', auto_detect = false, " +
                                    "strict_mode = false, encoding = " + QuoteLiteral(o.encoding) +
                                    ", skip = " + std::to_string(o.skip_rows) + ", compression = " +
                                    QuoteLiteral(o.compression) + ") LIMIT " + std::to_string(kInspectLines));
    lines = static_cast<int64_t>(result.row_count());
    for (uint64_t row = 0; row < result.row_count(); ++row)
      text += (result.IsNull(0, row) ? std::string() : result.GetString(0, row)) + "\n";
  } catch (const Error& error) {
    if (error.kind() == ErrorKind::kCancelled) throw;
    return std::nullopt;  // the scan itself reports DuckDB's error
  }
  return InspectCsvText(text, lines < kInspectLines, o.skip_rows, o.dialect);
}

// DuckDB's name for the i-th of `width` columns of a file without a header: column0.. (column00.. from 10).
std::string GeneratedName(size_t i, size_t width) {
  std::string digits = std::to_string(i);
  const size_t wanted = std::to_string(width > 0 ? width - 1 : 0).size();
  if (digits.size() < wanted) digits.insert(0, wanted - digits.size(), '0');
  return "column" + digits;
}

struct Sniffed {
  std::vector<std::pair<std::string, std::string>> columns;
  CsvPin formats;
};

// The sniffer's columns and formats for `file` with the configured dialect; nullopt when it gives up.
std::optional<Sniffed> Sniff(const CsvReadOptions& o, const std::string& file,
                             engine::Connection& connection) {
  std::vector<std::string> args = {QuoteLiteral(file)};
  for (auto& arg : CsvDialectArgs(o)) args.push_back(std::move(arg));
  args.push_back("sample_size = " + std::to_string(o.sample_size));
  try {
    auto result = connection.Query(
        "SELECT c.name, c.type, DateFormat, TimestampFormat, NewLineDelimiter FROM (SELECT unnest(Columns) "
        "AS c, * "
        "FROM sniff_csv(" +
        Join(args, ", ") + "))");
    Sniffed sniffed;
    for (uint64_t row = 0; row < result.row_count(); ++row) {
      sniffed.columns.emplace_back(result.GetString(0, row), result.GetString(1, row));
      if (row > 0) continue;
      if (!result.IsNull(2, row) && !result.GetString(2, row).empty())
        sniffed.formats.date_format = result.GetString(2, row);
      if (!result.IsNull(3, row) && !result.GetString(3, row).empty())
        sniffed.formats.timestamp_format = result.GetString(3, row);
      if (!result.IsNull(4, row) && !result.GetString(4, row).empty())
        sniffed.formats.new_line = result.GetString(4, row);
    }
    if (sniffed.columns.empty()) return std::nullopt;
    return sniffed;
  } catch (const Error& error) {
    if (error.kind() == ErrorKind::kCancelled) throw;
    return std::nullopt;
  }
}

// The pinned columns of a file: `names` (or the sniffer's, or generated ones) with the declared or sniffed
// types; VARCHAR where neither says.
CsvPin MakePin(const CsvReadOptions& o, const std::string& file, const std::vector<std::string>& names,
               size_t width, Probe& connection) {
  std::optional<Sniffed> sniffed;
  if (o.auto_detect && !o.all_varchar && connection) sniffed = Sniff(o, file, *connection);
  CsvPin pin;
  if (sniffed) pin = sniffed->formats;
  for (size_t i = 0; i < width; ++i) {
    std::string name = i < names.size() ? names[i] : "";
    std::string type = "VARCHAR";
    if (sniffed && i < sniffed->columns.size()) {
      if (name.empty()) name = sniffed->columns[i].first;
      type = sniffed->columns[i].second;
    }
    if (name.empty()) name = GeneratedName(i, width);
    for (const auto& [column, declared] : o.column_types)
      if (EqualsIgnoreCase(column, name)) type = declared;
    pin.columns.emplace_back(name, type);
  }
  // Two columns may not share a name (an empty or repeated header field): number the repeats like DuckDB.
  for (size_t i = 0; i < pin.columns.size(); ++i) {
    int suffix = 0;
    for (size_t j = 0; j < i; ++j)
      if (EqualsIgnoreCase(pin.columns[j].first, pin.columns[i].first)) {
        pin.columns[i].first += "_" + std::to_string(++suffix);
        j = static_cast<size_t>(-1);  // restart: the new name may clash too
      }
  }
  return pin;
}

std::vector<std::string> SplitRawLine(const std::string& line, const CsvDialect& dialect) {
  std::vector<std::string> fields;
  size_t start = 0;
  while (true) {
    const size_t end = line.find(dialect.delimiter, start);
    std::string field = line.substr(start, end == std::string::npos ? std::string::npos : end - start);
    field.erase(std::remove(field.begin(), field.end(), dialect.quote[0]), field.end());
    fields.push_back(field);
    if (end == std::string::npos) break;
    start = end + dialect.delimiter.size();
  }
  return fields;
}

// What one file needs: pinned columns (with these names and width) or DuckDB's detection.
struct FileDecision {
  bool pin = false;
  std::vector<std::string> names;
  size_t width = 0;
};

[[noreturn]] void ThrowTooWide(const CsvReadOptions& o, const std::string& prefix, int64_t fields,
                               int64_t width, int64_t line) {
  std::string what = !o.column_names.empty() ? "column_names has " + std::to_string(width)
                     : o.has_header          ? "the header has " + std::to_string(width)
                                             : "most rows have " + std::to_string(width);
  std::string message = prefix + "a row has " + std::to_string(fields) + " fields, " + what;
  if (!o.has_header && o.column_names.empty()) message += " (no header)";
  throw Error(
      ErrorKind::kDataError, message, "",
      "the first such row is line " + std::to_string(line) +
          "; check the delimiter and quote, set ignore_errors to skip such rows, or strict_mode false to "
          "keep them without their extra fields");
}

FileDecision Decide(const CsvReadOptions& o, const std::optional<CsvShape>& shape, const std::string& prefix,
                    std::vector<std::string>& warnings) {
  FileDecision d;
  d.names = o.column_names;
  d.pin = !o.column_names.empty() || !o.auto_detect;
  if (!shape) {
    d.width = d.names.size();
    if (!o.auto_detect && d.names.empty())
      throw Error(ErrorKind::kInvalidConfig,
                  prefix + "auto_detect false needs column_names (the header could not be read)");
    return d;
  }
  const bool strict = o.strict_mode && !o.ignore_errors;
  const std::string header_line = "the header (line " + std::to_string(o.skip_rows + 1) + ")";
  const std::string header_hint =
      "fix the header's quoting, or set quote to a character the file does not use";
  if (o.has_header && !shape->first_record_complete && strict)
    throw Error(ErrorKind::kDataError,
                prefix + header_line +
                    " opens a quote that is never closed, so the whole file would be read as its header",
                "", header_hint);
  // A header field may legitimately hold a quoted line break ("Amount\n(USD)"); a header that swallowed rows
  // shows as a width the rows below do not have.
  const bool runaway_header = o.has_header && shape->first_record_complete && shape->first_record_multiline &&
                              static_cast<int64_t>(shape->first_record.size()) != shape->ModalWidth(false);
  if (runaway_header && strict)
    throw Error(
        ErrorKind::kDataError,
        prefix + header_line +
            " opens a quote that runs over the next lines, so they would be read as part of the header",
        "", header_hint);
  const bool broken_header = runaway_header;
  // A broken header in a lenient read: its names are the first line split at the delimiter, quotes dropped.
  std::vector<std::string> header =
      broken_header ? SplitRawLine(shape->first_line, o.dialect) : shape->first_record;
  const int64_t first_width = static_cast<int64_t>(header.size());
  int64_t width = !d.names.empty() ? static_cast<int64_t>(d.names.size())
                  : o.has_header   ? first_width
                                   : shape->ModalWidth(true);
  if (d.names.empty() && o.has_header) d.names = header;
  if (broken_header) {
    d.pin = true;
    warnings.push_back(
        prefix + header_line +
        " opens a quote that runs over the next lines; the rows up to its closing quote are lost");
  }
  if (!o.has_header) d.pin = true;  // the sample must not set the width
  auto [wider, line] = shape->WiderThan(width);
  int64_t widest = shape->width_count.empty() ? 0 : shape->width_count.rbegin()->first;
  if (!o.has_header && shape->first_record_complete && first_width > width) {
    ++wider;
    line = o.skip_rows + 1;
    widest = std::max(widest, first_width);
  }
  if (wider > 0 && width > 0) {
    if (strict) ThrowTooWide(o, prefix, widest, width, line);
    d.pin = true;
    if (!o.strict_mode)
      warnings.push_back(prefix + std::to_string(wider) + " row(s) have more than " + std::to_string(width) +
                         " fields; their extra fields were dropped (strict_mode false); the first is line " +
                         std::to_string(line));
  }
  if (!o.has_header && !o.column_names.empty()) d.names = o.column_names;
  if (!o.has_header && o.column_names.empty()) d.names.clear();
  d.width = static_cast<size_t>(std::max<int64_t>(width, 0));
  if (d.width == 0) d.pin = false;  // nothing to pin to (e.g. an empty first line): DuckDB decides
  return d;
}

// True when DuckDB can bind the scan (its sniffer does not give up on the files).
bool Binds(engine::Connection& connection, const std::string& relation) {
  try {
    DescribeRelation(connection, relation);
    return true;
  } catch (const Error& error) {
    if (error.kind() == ErrorKind::kCancelled) throw;
    return false;
  }
}

std::string UnionOf(const std::vector<std::string>& calls, bool by_name) {
  if (calls.size() == 1) return calls.front();
  std::vector<std::string> parts;
  for (const auto& call : calls) parts.push_back("SELECT * FROM " + call);
  return "(" + Join(parts, by_name ? " UNION ALL BY NAME " : " UNION ALL ") + ")";
}

}  // namespace

CsvReadPlan PlanCsvRead(const CsvReadOptions& o, const std::vector<std::string>& files,
                        const std::string& source_name, engine::Connection* step_connection,
                        const std::string& rejects_suffix) {
  CsvReadPlan plan;
  // `step_connection` only says whether metadata queries are allowed; they run on a probe connection.
  Probe connection(step_connection != nullptr);
  std::vector<FileDecision> decisions;
  std::vector<std::optional<CsvShape>> shapes;
  bool any_pin = false;
  for (const auto& file : files) {
    const std::string prefix = "CSV source '" + source_name + "': " + file + ": ";
    shapes.push_back(Inspect(o, file, connection));
    if (shapes.back()) plan.data_lines[file] = shapes.back()->nonblank_lines - (o.has_header ? 1 : 0);
    decisions.push_back(Decide(o, shapes.back(), prefix, plan.warnings));
    any_pin |= decisions.back().pin;
  }
  // Probe the sniffer only when some file does not look like clean CSV (the common case skips a second
  // sniff).
  const bool irregular =
      std::any_of(shapes.begin(), shapes.end(), [](const auto& s) { return !s || !s->LooksRegular(); });
  if (!any_pin && connection && o.auto_detect && irregular &&
      !Binds(*connection, CsvReadCall(o, files, o.union_by_name && files.size() > 1, "", nullptr))) {
    // The sniffer gave up: read with pinned VARCHAR columns so the reader names the bad rows (or skips them).
    for (size_t i = 0; i < files.size(); ++i) decisions[i].pin = decisions[i].width > 0;
    any_pin = true;
  }
  // DuckDB refuses rejects tables together with union_by_name, and pins are per file: union per-file scans.
  const bool by_name = o.union_by_name && files.size() > 1;
  if (!any_pin && !(by_name && !rejects_suffix.empty())) {
    plan.table_function = CsvReadCall(o, files, by_name, rejects_suffix, nullptr);
    return plan;
  }
  std::vector<std::string> calls;
  for (size_t i = 0; i < files.size(); ++i) {
    if (!decisions[i].pin) {
      calls.push_back(CsvReadCall(o, {files[i]}, false, rejects_suffix, nullptr));
      continue;
    }
    CsvPin pin = MakePin(o, files[i], decisions[i].names, decisions[i].width, connection);
    calls.push_back(CsvReadCall(o, {files[i]}, false, rejects_suffix, &pin));
  }
  plan.table_function = UnionOf(calls, o.union_by_name);
  return plan;
}

}  // namespace sqlflow::connectors

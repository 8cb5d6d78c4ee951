#include <zlib.h>

#include <optional>
#include <string_view>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/csv/csv_connector.h"
#include "sqlflow/connectors/files/atomic_file.h"
#include "sqlflow/connectors/registry/type_strings.h"

namespace sqlflow::connectors {
namespace {

std::string Bool(bool value) {
  return value ? "true" : "false";
}

std::string ShowDelimiter(const std::string& delimiter) {
  return delimiter == "\t" ? "\\t" : delimiter;
}

bool IsTsvPath(const std::string& path) {
  return FormatExtension(path) == ".tsv";
}

// The offset of a NUL byte in the first line of a plain or gzip file (first 64 KiB), if any.
std::optional<size_t> NulInFirstLine(const std::string& path) {
  if (EndsWith(ToLower(path), ".zst")) return std::nullopt;
  gzFile file = gzopen(path.c_str(), "rb");
  if (!file) return std::nullopt;  // the reader reports unreadable files
  std::string head(64 << 10, '\0');
  int n = gzread(file, head.data(), static_cast<unsigned>(head.size()));
  gzclose(file);
  if (n <= 0) return std::nullopt;
  std::string_view line(head.data(), static_cast<size_t>(n));
  line = line.substr(0, line.find('\n'));
  size_t nul = line.find('\0');
  return nul == std::string_view::npos ? std::nullopt : std::optional<size_t>(nul);
}

}  // namespace

void CsvSource::Configure(const ResolvedParams& params) {
  FileSource::Configure(params);
  dialect_ = CsvDialect{};
  if (params.Has("delimiter")) {
    dialect_.delimiter = UnescapeDelimiter(params.GetString("delimiter"));
  } else if (IsTsvPath(paths_.front())) {
    dialect_.delimiter = "\t";
  }
  dialect_.quote = params.GetString("quote", "\"");
  dialect_.escape = params.Has("escape") ? params.GetString("escape") : dialect_.quote;
  if (dialect_.delimiter.empty() || dialect_.delimiter.size() > 4) {
    throw Error(
        ErrorKind::kInvalidConfig,
        "CSV connector: parameter 'delimiter' must be 1 to 4 bytes; got '" + dialect_.delimiter + "'");
  }
  if (dialect_.quote.size() != 1) {
    throw Error(ErrorKind::kInvalidConfig, "CSV connector: parameter 'quote' must be a single character");
  }
  if (dialect_.escape.size() != 1) {
    throw Error(ErrorKind::kInvalidConfig, "CSV connector: parameter 'escape' must be a single character");
  }
}

PathRules CsvSource::Rules() const {
  PathRules rules;
  rules.kind = "CSV";
  rules.directory_patterns = {"*.csv", "*.csv.gz", "*.csv.zst", "*.tsv", "*.tsv.gz", "*.tsv.zst"};
  return rules;
}

void CsvSource::CheckFiles(const std::vector<std::string>& files) const {
  for (const auto& file : files) {
    if (FileSizeOrZero(file) == 0)
      throw Error(ErrorKind::kDataError, "CSV file '" + file + "' is empty (no header)");
    // DuckDB reads a file of NUL bytes as an empty table, which would silently REPLACE a good one.
    if (auto nul = NulInFirstLine(file))
      throw Error(ErrorKind::kDataError, "CSV file '" + file +
                                             "' is not text: a NUL byte in its first line (byte " +
                                             std::to_string(*nul + 1) + ")");
  }
}

std::string CsvSource::Relation(const std::vector<std::string>& files, engine::Connection* connection) const {
  (void)connection;
  return ReadCall(files, params_.GetBool("union_by_name", true), "");
}

std::string CsvSource::ReadCall(const std::vector<std::string>& files, bool union_by_name,
                                const std::string& rejects_suffix) const {
  std::vector<std::string> args = {SqlStringList(files)};
  auto add = [&](const std::string& name, const std::string& value) { args.push_back(name + " = " + value); };
  add("header", Bool(params_.GetBool("has_header", true)));
  add("delim", QuoteLiteral(dialect_.delimiter));
  add("quote", QuoteLiteral(dialect_.quote));
  add("escape", QuoteLiteral(dialect_.escape));
  add("encoding", QuoteLiteral(params_.GetString("encoding", "utf-8")));
  std::vector<std::string> nulls =
      params_.Has("null_values") ? params_.GetStringList("null_values") : std::vector<std::string>{""};
  add("nullstr", SqlStringList(nulls));
  add("skip", std::to_string(params_.GetInt("skip_rows", 0)));
  add("all_varchar", Bool(params_.GetBool("all_varchar", false)));
  add("null_padding", Bool(params_.GetBool("null_padding", true)));
  add("ignore_errors", Bool(params_.GetBool("ignore_errors", false)));
  add("sample_size", std::to_string(params_.GetInt("sample_size", 20480)));
  add("compression", QuoteLiteral(params_.GetString("compression", "auto")));
  add("union_by_name", Bool(union_by_name));
  add("filename", Bool(params_.GetBool("include_filename", false)));
  add("allow_quoted_nulls", "false");
  add("auto_detect", "true");
  if (params_.Has("column_types") && params_.values["column_types"].is_object() &&
      !params_.values["column_types"].empty()) {
    std::vector<std::string> types;
    for (const auto& [column, type] : params_.values["column_types"].items()) {
      types.push_back(QuoteLiteral(column) + ": " +
                      QuoteLiteral(NormalizeTypeString(type.get<std::string>())));
    }
    add("types", "{" + Join(types, ", ") + "}");
  }
  if (params_.Has("date_format")) add("dateformat", QuoteLiteral(params_.GetString("date_format")));
  if (params_.Has("timestamp_format"))
    add("timestampformat", QuoteLiteral(params_.GetString("timestamp_format")));
  if (params_.Has("decimal_separator") && params_.GetString("decimal_separator") != ".") {
    add("decimal_separator", QuoteLiteral(params_.GetString("decimal_separator")));
  }
  if (!rejects_suffix.empty()) {
    add("store_rejects", "true");
    add("rejects_table", QuoteLiteral("sqlflow_rejects_" + rejects_suffix));
    add("rejects_scan", QuoteLiteral("sqlflow_rejects_scan_" + rejects_suffix));
  }
  return "read_csv(" + Join(args, ", ") + ")";
}

void CsvSource::CheckRowWidths(const std::string& file, const std::string& source_name,
                               engine::Connection* connection, FileScan& scan) const {
  (void)scan;
  const int64_t skip = params_.GetInt("skip_rows", 0);
  const std::string compression = params_.GetString("compression", "auto");
  const std::string encoding = params_.GetString("encoding", "utf-8");
  auto fail = [&](int64_t fields, int64_t header) {
    throw Error(ErrorKind::kDataError, "CSV source '" + source_name + "': " + file + ": a row has " +
                                           std::to_string(fields) + " fields, the header has " +
                                           std::to_string(header));
  };
  if (encoding == "utf-8" && compression != "gzip" && compression != "zstd") {
    if (auto shape = InspectCsv(file, skip, dialect_)) {
      if (shape->widest_fields > shape->header_fields) fail(shape->widest_fields, shape->header_fields);
      return;
    }
  }
  if (!connection) return;
  // Compressed or re-encoded files: DuckDB decompresses and transcodes the first lines as plain text.
  constexpr int64_t kLines = 20000;
  std::string text;
  int64_t lines = 0;
  try {
    auto result = connection->Query(
        "SELECT line FROM read_csv(" + SqlStringList({file}) +
        ", columns = {'line': 'VARCHAR'}, header = false, " + "delim = " +
        QuoteLiteral(std::string(1, '\x01')) + ", quote = '', escape = '', auto_detect = false, " +
        "strict_mode = false, encoding = " + QuoteLiteral(encoding) + ", skip = " + std::to_string(skip) +
        ", compression = " + QuoteLiteral(compression) + ") LIMIT " + std::to_string(kLines));
    lines = static_cast<int64_t>(result.row_count());
    for (uint64_t row = 0; row < result.row_count(); ++row) text += result.GetString(0, row) + "\n";
  } catch (const Error&) {
    return;  // the scan itself reports DuckDB's error
  }
  if (auto shape = InspectCsvText(text, lines < kLines, skip, dialect_)) {
    if (shape->widest_fields > shape->header_fields) fail(shape->widest_fields, shape->header_fields);
  }
}

void CsvSource::FinishScan(FileScan& scan, const std::string& source_name,
                           engine::Connection* connection) const {
  if (params_.GetBool("has_header", true)) {
    // DuckDB's sniffer turns extra fields in its sample into columns named column<N> (or gives up); a row
    // with more fields than the header is an error instead (LANGUAGE.md §9.3). Rows past the sample fail in
    // the scan with DuckDB's own message.
    for (const auto& file : scan.files) CheckRowWidths(file, source_name, connection, scan);
  }
  if (params_.GetBool("ignore_errors", false)) {
    scan.collect_rejects = true;
    if (params_.Has("max_rejected_rows")) scan.max_rejected_rows = params_.GetInt("max_rejected_rows");
    const std::string suffix = RandomSuffix();
    scan.rejects_table = "sqlflow_rejects_" + suffix;
    scan.rejects_scan = "sqlflow_rejects_scan_" + suffix;
    // DuckDB refuses rejects tables together with union_by_name: union per-file scans that share the tables.
    const bool by_name = params_.GetBool("union_by_name", true) && scan.files.size() > 1;
    if (!by_name) {
      scan.table_function = ReadCall(scan.files, false, suffix);
    } else {
      std::vector<std::string> parts;
      for (const auto& file : scan.files) parts.push_back("SELECT * FROM " + ReadCall({file}, false, suffix));
      scan.table_function = "(" + Join(parts, " UNION ALL BY NAME ") + ")";
    }
  }
}

ConnectionTestResult CsvSource::TestConnection(engine::Connection& scratch) {
  ConnectionTester tester;
  std::vector<std::string> files;
  int64_t columns = 0;
  tester.Run("files", [&] {
    files = MatchedFiles();
    if (files.empty()) throw Error(ErrorKind::kNotFound, "no files match " + ObjectLabel());
    CheckFiles({files.front()});
    return std::to_string(files.size()) + " file(s)";
  });
  tester.Run("sniff", [&] {
    columns = static_cast<int64_t>(DescribeRelation(scratch, Relation({files.front()}, nullptr)).size());
    return files.front() + ": " + std::to_string(columns) + " columns";
  });
  return tester.Finish("CSV readable: " + std::to_string(files.size()) + " file(s), " +
                       std::to_string(columns) + " columns (delimiter '" + ShowDelimiter(dialect_.delimiter) +
                       "', header " + (params_.GetBool("has_header", true) ? "yes" : "no") + ")");
}

}  // namespace sqlflow::connectors

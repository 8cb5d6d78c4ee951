// The CSV source: options parsed once, the read_csv call, and the source entry points. How a set of files is
// read (pinned columns, width checks) is planned in csv_plan.cc; what happens around the scan is in
// csv_scan_hooks.cc.
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

std::string ShowDelimiter(const std::string& delimiter) {
  return delimiter == "\t" ? "\\t" : delimiter;
}

bool IsTsvPath(const std::string& path) {
  return FormatExtension(path) == ".tsv";
}

CsvDialect ParseDialect(const ResolvedParams& params, const std::string& first_path) {
  CsvDialect dialect;
  if (params.Has("delimiter")) {
    dialect.delimiter = UnescapeDelimiter(params.GetString("delimiter"));
  } else if (IsTsvPath(first_path)) {
    dialect.delimiter = "\t";
  }
  dialect.quote = params.GetString("quote", "\"");
  dialect.escape = params.Has("escape") ? params.GetString("escape") : dialect.quote;
  if (dialect.delimiter.empty() || dialect.delimiter.size() > 4) {
    throw Error(ErrorKind::kInvalidConfig,
                "CSV connector: parameter 'delimiter' must be 1 to 4 bytes; got '" + dialect.delimiter + "'");
  }
  if (dialect.quote.size() != 1) {
    throw Error(ErrorKind::kInvalidConfig, "CSV connector: parameter 'quote' must be a single character");
  }
  if (dialect.escape.size() != 1) {
    throw Error(ErrorKind::kInvalidConfig, "CSV connector: parameter 'escape' must be a single character");
  }
  return dialect;
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

CsvReadOptions ParseCsvReadOptions(const ResolvedParams& params, const std::string& first_path) {
  CsvReadOptions o;
  o.dialect = ParseDialect(params, first_path);
  o.has_header = params.GetBool("has_header", true);
  o.strict_mode = params.GetBool("strict_mode", true);
  o.auto_detect = params.GetBool("auto_detect", true);
  o.ignore_errors = params.GetBool("ignore_errors", false);
  o.null_padding = params.GetBool("null_padding", true);
  o.all_varchar = params.GetBool("all_varchar", false);
  o.union_by_name = params.GetBool("union_by_name", true);
  o.include_filename = params.GetBool("include_filename", false);
  o.skip_rows = params.GetInt("skip_rows", 0);
  o.sample_size = params.GetInt("sample_size", 20480);
  if (params.Has("max_rejected_rows")) o.max_rejected_rows = params.GetInt("max_rejected_rows");
  o.encoding = params.GetString("encoding", "utf-8");
  o.compression = params.GetString("compression", "auto");
  if (params.Has("null_values")) o.null_values = params.GetStringList("null_values");
  o.column_names = params.GetStringList("column_names");
  if (params.Has("column_types") && params.values["column_types"].is_object()) {
    for (const auto& [column, type] : params.values["column_types"].items())
      o.column_types.emplace_back(column, NormalizeTypeString(type.get<std::string>()));
  }
  if (params.Has("date_format")) o.date_format = params.GetString("date_format");
  if (params.Has("timestamp_format")) o.timestamp_format = params.GetString("timestamp_format");
  o.decimal_separator = params.GetString("decimal_separator", ".");
  return o;
}

namespace {

void AddPinnedColumns(const CsvReadOptions& o, const CsvPin& pin, std::vector<std::string>& args) {
  std::vector<std::string> columns;
  for (const auto& [name, type] : pin.columns)
    columns.push_back(QuoteLiteral(name) + ": " + QuoteLiteral(type));
  args.push_back("columns = {" + Join(columns, ", ") + "}");
  args.push_back("auto_detect = false");
  if (!o.date_format && pin.date_format) args.push_back("dateformat = " + QuoteLiteral(*pin.date_format));
  if (!o.timestamp_format && pin.timestamp_format)
    args.push_back("timestampformat = " + QuoteLiteral(*pin.timestamp_format));
  if (pin.new_line) args.push_back("new_line = " + QuoteLiteral(*pin.new_line));
}

void AddDetectedColumns(const CsvReadOptions& o, std::vector<std::string>& args) {
  args.push_back("all_varchar = " + SqlBool(o.all_varchar));
  args.push_back("sample_size = " + std::to_string(o.sample_size));
  args.push_back("auto_detect = true");
  if (!o.column_types.empty()) {
    std::vector<std::string> types;
    for (const auto& [column, type] : o.column_types)
      types.push_back(QuoteLiteral(column) + ": " + QuoteLiteral(type));
    args.push_back("types = {" + Join(types, ", ") + "}");
  }
}

}  // namespace

std::vector<std::string> CsvDialectArgs(const CsvReadOptions& o) {
  std::vector<std::string> args;
  auto add = [&](const std::string& name, const std::string& value) { args.push_back(name + " = " + value); };
  add("header", SqlBool(o.has_header));
  add("delim", QuoteLiteral(o.dialect.delimiter));
  add("quote", QuoteLiteral(o.dialect.quote));
  add("escape", QuoteLiteral(o.dialect.escape));
  add("encoding", QuoteLiteral(o.encoding));
  add("nullstr", SqlStringList(o.null_values));
  add("skip", std::to_string(o.skip_rows));
  add("null_padding", SqlBool(o.null_padding));
  add("ignore_errors", SqlBool(o.ignore_errors));
  add("strict_mode", SqlBool(o.strict_mode));
  add("compression", QuoteLiteral(o.compression));
  add("allow_quoted_nulls", "false");
  if (o.date_format) add("dateformat", QuoteLiteral(*o.date_format));
  if (o.timestamp_format) add("timestampformat", QuoteLiteral(*o.timestamp_format));
  if (o.decimal_separator != ".") add("decimal_separator", QuoteLiteral(o.decimal_separator));
  return args;
}

std::string CsvReadCall(const CsvReadOptions& o, const std::vector<std::string>& files, bool union_by_name,
                        const std::string& rejects_suffix, const CsvPin* pin) {
  std::vector<std::string> args = {SqlStringList(files)};
  for (auto& arg : CsvDialectArgs(o)) args.push_back(std::move(arg));
  auto add = [&](const std::string& name, const std::string& value) { args.push_back(name + " = " + value); };
  add("union_by_name", SqlBool(union_by_name));
  add("filename", SqlBool(o.include_filename));
  if (pin) {
    AddPinnedColumns(o, *pin, args);
  } else {
    AddDetectedColumns(o, args);
  }
  if (!rejects_suffix.empty()) {
    add("store_rejects", "true");
    add("rejects_table", QuoteLiteral("sqlflow_rejects_" + rejects_suffix));
    add("rejects_scan", QuoteLiteral("sqlflow_rejects_scan_" + rejects_suffix));
  }
  return "read_csv(" + Join(args, ", ") + ")";
}

void CsvSource::Configure(const ResolvedParams& params) {
  FileSource::Configure(params);
  options_ = ParseCsvReadOptions(params, file_options_.paths.front());
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
    // UTF-16 text has a NUL in every ASCII character; only UTF-8 and Latin-1 files are checked.
    if (options_.encoding == "utf-16") continue;
    if (auto nul = NulInFirstLine(file))
      throw Error(ErrorKind::kDataError, "CSV file '" + file +
                                             "' is not text: a NUL byte in its first line (byte " +
                                             std::to_string(*nul + 1) + ")");
  }
}

std::string CsvSource::Relation(const std::vector<std::string>& files, engine::Connection* connection) const {
  if (!connection) return CsvReadCall(options_, files, options_.union_by_name, "", nullptr);
  return PlanCsvRead(options_, files, file_options_.name, connection, "").table_function;
}

void CsvSource::FinishScan(FileScan& scan, const std::string& source_name,
                           engine::Connection* connection) const {
  const std::string suffix = options_.ignore_errors ? RandomSuffix() : "";
  CsvReadPlan plan = PlanCsvRead(options_, scan.files, source_name, connection, suffix);
  scan.table_function = plan.table_function;
  const bool filtered = !scan.where.empty() || scan.limit.has_value();
  scan.hooks =
      std::make_shared<CsvScanHooks>(source_name, scan.files, options_, std::move(plan), suffix, filtered);
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
                       std::to_string(columns) + " columns (delimiter '" +
                       ShowDelimiter(options_.dialect.delimiter) + "', header " +
                       (options_.has_header ? "yes" : "no") + ")");
}

}  // namespace sqlflow::connectors

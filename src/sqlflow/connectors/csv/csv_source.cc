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
  }
}

std::string CsvSource::Relation(const std::vector<std::string>& files, engine::Connection* connection) const {
  (void)connection;
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
  add("union_by_name", Bool(params_.GetBool("union_by_name", true)));
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
  return "read_csv(" + Join(args, ", ") + ")";
}

std::optional<int64_t> CsvSource::HeaderFieldCount(const std::string& file,
                                                   engine::Connection* connection) const {
  const int64_t skip = params_.GetInt("skip_rows", 0);
  const std::string compression = params_.GetString("compression", "auto");
  const std::string encoding = params_.GetString("encoding", "utf-8");
  if ((compression == "auto" || compression == "none") && encoding == "utf-8" &&
      (compression == "none" || CompressionFromExtension(file).empty())) {
    if (auto header = ReadCsvHeader(file, skip, dialect_)) return static_cast<int64_t>(header->size());
  }
  if (!connection) return std::nullopt;
  // Compressed or re-encoded files: let DuckDB read the first line without a header; padding makes every
  // row as wide as the widest, so count up to the last non-NULL field of the first row.
  const std::string sql =
      "SELECT * FROM read_csv(" + SqlStringList({file}) +
      ", header = false, all_varchar = true, delim = " + QuoteLiteral(dialect_.delimiter) +
      ", quote = " + QuoteLiteral(dialect_.quote) + ", escape = " + QuoteLiteral(dialect_.escape) +
      ", encoding = " + QuoteLiteral(encoding) + ", skip = " + std::to_string(skip) +
      ", compression = " + QuoteLiteral(compression) +
      ", null_padding = true, nullstr = [], auto_detect = true) LIMIT 1";
  auto result = connection->Query(sql);
  if (result.row_count() == 0) return std::nullopt;
  int64_t count = 0;
  for (uint64_t column = 0; column < result.column_count(); ++column) {
    if (!result.IsNull(column, 0)) count = static_cast<int64_t>(column) + 1;
  }
  return count;
}

void CsvSource::FinishScan(FileScan& scan, const std::string& source_name,
                           engine::Connection* connection) const {
  if (params_.GetBool("has_header", true)) {
    // DuckDB's sniffer turns extra fields in its sample into columns named column<N>; a row with more fields
    // than the header is an error instead (LANGUAGE.md §9.3).
    const bool with_filename = params_.GetBool("include_filename", false);
    for (const auto& file : scan.files) {
      std::optional<int64_t> header = HeaderFieldCount(file, connection);
      if (!header) continue;
      if (!connection) {
        if (scan.files.size() == 1) scan.expected_columns = *header;
        continue;
      }
      auto columns = DescribeRelation(*connection, Relation({file}, nullptr));
      int64_t fields = static_cast<int64_t>(columns.size()) - (with_filename ? 1 : 0);
      if (fields > *header) {
        throw Error(ErrorKind::kDataError, "CSV source '" + source_name + "': " + file + ": a row has " +
                                               std::to_string(fields) + " fields, the header has " +
                                               std::to_string(*header));
      }
    }
  }
  if (params_.GetBool("ignore_errors", false)) {
    scan.collect_rejects = true;
    if (params_.Has("max_rejected_rows")) scan.max_rejected_rows = params_.GetInt("max_rejected_rows");
    const std::string suffix = RandomSuffix();
    scan.rejects_table = "sqlflow_rejects_" + suffix;
    scan.rejects_scan = "sqlflow_rejects_scan_" + suffix;
    // The call ends with ')': add the reject options inside it.
    auto close = scan.table_function.rfind(')');
    scan.table_function.insert(close,
                               ", store_rejects = true, rejects_table = " + QuoteLiteral(scan.rejects_table) +
                                   ", rejects_scan = " + QuoteLiteral(scan.rejects_scan));
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

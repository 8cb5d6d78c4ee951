// What happens around a CSV scan (CONNECTORS.md §3.1): rejected rows, reader errors, and a scan that read
// nothing from a file that holds data.
#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/csv/csv_connector.h"

namespace sqlflow::connectors {

CsvScanHooks::CsvScanHooks(std::string source_name, std::vector<std::string> files,
                           const CsvReadOptions& options, CsvReadPlan plan, std::string rejects_suffix,
                           bool filtered)
    : FileScanHooks("CSV", std::move(source_name), std::move(files)),
      options_(options),
      plan_(std::move(plan)),
      filtered_(filtered) {
  if (!rejects_suffix.empty()) {
    rejects_table_ = "sqlflow_rejects_" + rejects_suffix;
    rejects_scan_ = "sqlflow_rejects_scan_" + rejects_suffix;
  }
}

std::vector<ScanWarning> CsvScanHooks::AfterScan(engine::Connection& connection, int64_t rows) {
  std::vector<ScanWarning> warnings;
  for (const auto& message : plan_.warnings) warnings.push_back({"W605", message});
  const int64_t rejected = ReportRejects(connection, warnings);
  if (rejected == 0) CheckNothingLost(rows, warnings);
  return warnings;
}

// With ignore_errors the scan stored rejected rows in temp tables: report the count and the first 5 (by
// line), fail above max_rejected_rows, and drop the tables.
int64_t CsvScanHooks::ReportRejects(engine::Connection& connection, std::vector<ScanWarning>& warnings) {
  if (rejects_table_.empty()) return 0;
  int64_t count = 0;
  std::string sample;
  auto result = connection.Query(
      "SELECT count(*) OVER (), line, column_name, CAST(error_type AS VARCHAR), csv_line FROM " +
      QuoteIdent(rejects_table_) + " ORDER BY line LIMIT 5");
  for (uint64_t r = 0; r < result.row_count(); ++r) {
    count = std::stoll(result.GetString(0, r));
    const std::string column = result.IsNull(2, r) ? "" : result.GetString(2, r);
    sample += "\n  line " + result.GetString(1, r) + (column.empty() ? "" : ", column " + column) + ", " +
              result.GetString(3, r) + ": " + result.GetString(4, r);
  }
  connection.Execute("DROP TABLE IF EXISTS " + QuoteIdent(rejects_table_));
  connection.Execute("DROP TABLE IF EXISTS " + QuoteIdent(rejects_scan_));
  if (count == 0) return 0;
  const std::string head = "CSV source '" + source_name_ + "': ";
  if (options_.max_rejected_rows && count > *options_.max_rejected_rows)
    throw Error(ErrorKind::kDataError,
                head + std::to_string(count) + " rows were rejected, more than max_rejected_rows (" +
                    std::to_string(*options_.max_rejected_rows) + "); first rejects:" + sample,
                "SF613", "fix the rows, or raise max_rejected_rows");
  warnings.push_back({"W605", head + std::to_string(count) +
                                  " row(s) rejected and skipped (ignore_errors); first rejects:" + sample});
  return count;
}

// A scan that read no row from files holding data lines lost them all (typically a header line whose quote
// never closes swallows the file): fail, or with ignore_errors warn, instead of reporting "ok, 0 rows".
void CsvScanHooks::CheckNothingLost(int64_t rows, std::vector<ScanWarning>& warnings) const {
  if (rows > 0 || filtered_) return;
  int64_t lines = 0;
  std::string example;
  for (const auto& [file, count] : plan_.data_lines)
    if (count > 0) {
      lines += count;
      if (example.empty()) example = file;
    }
  if (lines == 0) return;
  std::string message =
      "CSV source '" + source_name_ + "': " + example + ": no row was read from " + std::to_string(lines) +
      " data line(s)" +
      (options_.has_header ? "; the header line (line " + std::to_string(options_.skip_rows + 1) +
                                 ") probably opens a quote that is never closed"
                           : "");
  if (!options_.ignore_errors)
    throw Error(ErrorKind::kDataError, message, "",
                "check the header's quoting, the quote and delimiter parameters, and skip_rows");
  warnings.push_back({"W605", message});
}

Error CsvScanHooks::TranslateError(const Error& error) const {
  if (error.kind() == ErrorKind::kCancelled) return error;
  const std::string what = error.what();
  if (what.find("Error when sniffing file") == std::string::npos) return FileScanHooks::TranslateError(error);
  // DuckDB's advice ("Delimiter is set to ','. Consider unsetting it.") does not fit: the dialect is
  // explicit.
  const auto& d = options_.dialect;
  return Error(error.kind(),
               Prefix() + "DuckDB could not detect the column types with this dialect (delimiter '" +
                   (d.delimiter == "\t" ? "\\t" : d.delimiter) + "', quote '" + d.quote + "', escape '" +
                   d.escape + "', header " + (options_.has_header ? "yes" : "no") +
                   "): a quote is probably never closed, or rows have different numbers of fields",
               error.code(),
               "check delimiter, quote and skip_rows; set strict_mode false to read stray quotes as data, "
               "ignore_errors to skip bad rows, or declare the columns (column_names, auto_detect false)");
}

}  // namespace sqlflow::connectors

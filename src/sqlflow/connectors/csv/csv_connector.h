// CSV files (CONNECTORS.md §3.1, LANGUAGE.md §9.3 reading rules, §9.8 output rules).
//
// The source never parses rows: it resolves the files and hands the executor a read_csv FileScan whose
// dialect (header, delimiter, quote, escape) is always explicit, so DuckDB's sniffer only detects types.
// The destination writes with COPY through a temporary sibling file and a rename.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sqlflow/connectors/files/file_destination.h"
#include "sqlflow/connectors/files/file_source.h"

namespace sqlflow::connectors {

struct CsvDialect {
  std::string delimiter = ",";
  std::string quote = "\"";
  std::string escape = "\"";
};

// The source parameters, parsed once (Configure) and used by every read call.
struct CsvReadOptions {
  CsvDialect dialect;
  bool has_header = true;
  bool strict_mode = true;  // false: DuckDB's lenient quoting; extra fields of a row are dropped
  bool auto_detect = true;  // false: no type sniffing; columns are VARCHAR unless column_types says
  bool ignore_errors = false;
  bool null_padding = true;
  bool all_varchar = false;
  bool union_by_name = true;
  bool include_filename = false;
  int64_t skip_rows = 0;
  int64_t sample_size = 20480;
  std::optional<int64_t> max_rejected_rows;
  std::string encoding = "utf-8";
  std::string compression = "auto";
  std::vector<std::string> null_values = {""};
  std::vector<std::string> column_names;                          // empty: from the header / DuckDB
  std::vector<std::pair<std::string, std::string>> column_types;  // name -> DuckDB type
  std::optional<std::string> date_format, timestamp_format;
  std::string decimal_separator = ".";
};
// Throws Error(kInvalidConfig) for a bad dialect. `first_path` decides the tab default of .tsv paths.
CsvReadOptions ParseCsvReadOptions(const ResolvedParams& params, const std::string& first_path);

// The fields of the first record of an uncompressed file after `skip_rows` lines (a UTF-8 BOM is skipped),
// honouring quotes; nullopt for compressed files. An empty file gives an empty vector.
std::optional<std::vector<std::string>> ReadCsvHeader(const std::string& path, int64_t skip_rows,
                                                      const CsvDialect& dialect);
// What the first 4 MiB of a file look like, parsed with the configured dialect. Lines are 1-based in the
// file (counting skipped lines; a record with quoted line breaks counts as one).
struct CsvShape {
  std::vector<std::string> first_record;        // the header, when there is one
  bool first_record_complete = true;            // false: its quote never closes (it swallows the rest)
  bool first_record_multiline = false;          // a quoted field of the first record runs over a line break
  std::string first_line;                       // the first raw line
  std::map<int64_t, int64_t> width_count;       // fields -> records (after the first) with that many
  std::map<int64_t, int64_t> width_first_line;  // fields -> the first such record's line
  int64_t multiline_records = 0;                // records with a quoted line break (or a runaway quote)
  int64_t nonblank_lines = 0;                   // raw lines holding something (quotes ignored)
  // The most common width of the records after the first (ties: the wider); `with_first` counts the first
  // record too (files without a header). 0 when there are none.
  int64_t ModalWidth(bool with_first) const;
  // True when the part read looks like clean CSV: every record has the first record's width and ends on its
  // line. DuckDB's sniffer is not expected to give up on such a file.
  bool LooksRegular() const;
  // Records after the first with more than `width` fields: how many, and the first one's line.
  std::pair<int64_t, int64_t> WiderThan(int64_t width) const;
};
// nullopt for compressed files.
std::optional<CsvShape> InspectCsv(const std::string& path, int64_t skip_rows, const CsvDialect& dialect);
// The same over text already read (`whole`: the text is the complete file; `line_offset`: skipped lines).
CsvShape InspectCsvText(const std::string& text, bool whole, int64_t line_offset, const CsvDialect& dialect);
// "\t" for the two-character spelling `\t`; everything else unchanged.
std::string UnescapeDelimiter(const std::string& delimiter);

// A read_csv call with its columns fixed (names and types given, no width sniffing).
struct CsvPin {
  std::vector<std::pair<std::string, std::string>> columns;  // name, DuckDB type
  std::optional<std::string> date_format, timestamp_format;  // detected by the sniffer
  std::optional<std::string> new_line;                       // detected by the sniffer, e.g. "\\r\\n"
};

// The dialect and parsing arguments shared by read_csv and sniff_csv ("header = true", "delim = ','", ...).
std::vector<std::string> CsvDialectArgs(const CsvReadOptions& options);

// One read_csv call over `files`. `rejects_suffix` non-empty adds store_rejects with the tables
// sqlflow_rejects_<suffix> / sqlflow_rejects_scan_<suffix>; `pin` fixes the columns.
std::string CsvReadCall(const CsvReadOptions& options, const std::vector<std::string>& files,
                        bool union_by_name, const std::string& rejects_suffix, const CsvPin* pin);

// How a set of files is read: the table function plus what the scan hooks need. Decides per file whether the
// columns must be pinned (column_names, auto_detect false, no header, rows wider than the header, a type
// sniffer that gives up), and throws the strict-mode errors (a row wider than the header).
struct CsvReadPlan {
  std::string table_function;
  std::vector<std::string> warnings;          // reported after the scan (e.g. extra fields dropped)
  std::map<std::string, int64_t> data_lines;  // file -> non-blank lines after the header (when known)
};
CsvReadPlan PlanCsvRead(const CsvReadOptions& options, const std::vector<std::string>& files,
                        const std::string& source_name, engine::Connection* connection,
                        const std::string& rejects_suffix);

// The scan hooks of a CSV read (also used by s3 on downloaded files): a failed scan names the source and
// file and explains sniffer failures; after the scan, rejected rows (ignore_errors) are reported as W605 (the
// count and the first 5 by line) and fail the step above max_rejected_rows; a scan that read 0 rows from
// files holding data lines fails (or warns, with ignore_errors) instead of loading nothing silently.
class CsvScanHooks : public FileScanHooks {
 public:
  CsvScanHooks(std::string source_name, std::vector<std::string> files, const CsvReadOptions& options,
               CsvReadPlan plan, std::string rejects_suffix, bool filtered);
  std::vector<ScanWarning> AfterScan(engine::Connection& connection, int64_t rows) override;
  Error TranslateError(const Error& error) const override;

  const std::string& rejects_table() const { return rejects_table_; }

 private:
  int64_t ReportRejects(engine::Connection& connection, std::vector<ScanWarning>& warnings);
  void CheckNothingLost(int64_t rows, std::vector<ScanWarning>& warnings) const;

  CsvReadOptions options_;
  CsvReadPlan plan_;
  std::string rejects_table_, rejects_scan_;
  bool filtered_ = false;  // a WHERE or LIMIT may legitimately read 0 rows
};

class CsvSource : public FileSource {
 public:
  void Configure(const ResolvedParams& params) override;
  ConnectionTestResult TestConnection(engine::Connection& scratch) override;

 protected:
  PathRules Rules() const override;
  std::string Reader() const override { return "read_csv"; }
  std::string TypePrefix() const override { return "csv"; }
  void CheckFiles(const std::vector<std::string>& files) const override;
  std::string Relation(const std::vector<std::string>& files, engine::Connection* connection) const override;
  void FinishScan(FileScan& scan, const std::string& source_name,
                  engine::Connection* connection) const override;

 private:
  CsvReadOptions options_;
};

class CsvDestination : public FileDestination {
 protected:
  std::string Kind() const override { return "CSV"; }
  std::string DataFileExtension(const WriteRequest& request, const ResolvedParams& options) const override;
  std::string CopyOptions(const WriteRequest& request, const ResolvedParams& options,
                          const std::string& target, bool header) const override;
  std::string ReadTarget(const WriteRequest& request, const ResolvedParams& options,
                         const std::string& target) const override;
  bool AppendsByConcatenation(const WriteRequest& request, const ResolvedParams& options,
                              const std::string& target) const override;
  void CheckConcatenation(const WriteRequest& request, const ResolvedParams& options,
                          const std::string& target, const Schema& export_schema) const override;
  bool CastsRewrittenExport() const override { return false; }

 private:
  CsvDialect Dialect(const WriteRequest& request, const ResolvedParams& options,
                     const std::string& target) const;
  std::string Compression(const ResolvedParams& options, const std::string& target) const;
};

}  // namespace sqlflow::connectors

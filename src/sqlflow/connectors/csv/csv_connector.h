// CSV files (CONNECTORS.md §3.1, LANGUAGE.md §9.3 reading rules, §9.8 output rules).
//
// The source never parses rows: it resolves the files and hands the executor a read_csv FileScan whose
// dialect (header, delimiter, quote, escape) is always explicit, so DuckDB's sniffer only detects types.
// The destination writes with COPY through a temporary sibling file and a rename.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sqlflow/connectors/files/file_destination.h"
#include "sqlflow/connectors/files/file_source.h"

namespace sqlflow::connectors {

struct CsvDialect {
  std::string delimiter = ",";
  std::string quote = "\"";
  std::string escape = "\"";
};

// The fields of the first record of an uncompressed file after `skip_rows` lines (a UTF-8 BOM is skipped),
// honouring quotes; nullopt for compressed files. An empty file gives an empty vector.
std::optional<std::vector<std::string>> ReadCsvHeader(const std::string& path, int64_t skip_rows,
                                                      const CsvDialect& dialect);
// The header width and the widest record within the first 4 MiB of an uncompressed file (`skip_rows` lines
// skipped first); nullopt for compressed files. Lines are 1-based in the file (counting skipped lines;
// a record with quoted line breaks counts as one).
struct CsvShape {
  int64_t header_fields = 0;
  int64_t widest_fields = 0;
  int64_t widest_line = 0;
};
std::optional<CsvShape> InspectCsv(const std::string& path, int64_t skip_rows, const CsvDialect& dialect);
// The same over text already read (`whole`: the text is the complete file; `line_offset`: skipped lines).
std::optional<CsvShape> InspectCsvText(const std::string& text, bool whole, int64_t line_offset,
                                       const CsvDialect& dialect);
// "\t" for the two-character spelling `\t`; everything else unchanged.
std::string UnescapeDelimiter(const std::string& delimiter);

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
  // The reader call. `union_by_name` overrides the parameter; `rejects_suffix` non-empty adds store_rejects
  // with the tables sqlflow_rejects_<suffix> / sqlflow_rejects_scan_<suffix>.
  std::string ReadCall(const std::vector<std::string>& files, bool union_by_name,
                       const std::string& rejects_suffix) const;
  // Throws the "a row has <k> fields, the header has <h>" error for `file` when it has such a row.
  void CheckRowWidths(const std::string& file, const std::string& source_name, engine::Connection* connection,
                      FileScan& scan) const;

  CsvDialect dialect_;
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

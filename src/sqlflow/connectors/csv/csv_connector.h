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
  // The field count of the header line of `file`, or nullopt when it cannot be determined.
  std::optional<int64_t> HeaderFieldCount(const std::string& file, engine::Connection* connection) const;

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

// What the three local file destinations (csv, parquet, json) share: the write modes of CONNECTORS.md
// §3.1-3.3 over one file or a directory, always through a temporary sibling and a rename (LANGUAGE.md §9.2).
//
//   single file   Replace  COPY -> .<name>.sqlflow-tmp-<r> -> fsync -> rename
//                 Append   concatenation (CSV with a matching header, NDJSON) or a rewrite
//                          `read_<fmt>(<target>) UNION ALL BY NAME <export>` -> temp -> rename
//                 Upsert   rewrite: target rows whose key is not exported UNION ALL BY NAME <export>
//   directory     Replace  COPY into a temp sibling directory, swapped in as a whole
//                 Append   new files data_<run_id>_<n>.<ext> (Hive sub-directories with partition_by)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sqlflow/connectors/base/destination.h"
#include "sqlflow/connectors/files/file_source.h"

namespace sqlflow::connectors {

// The options every file destination reads the same way (each format parses its COPY options itself, e.g.
// ParseParquetWriteOptions, from the same overlaid parameters).
struct FileWriteOptions {
  std::string path;  // the configured target (TestConnection); "" = the EXPORT's
  std::vector<std::string> keys;
  std::optional<std::vector<std::string>> partition_by;  // given: a directory (Hive-partitioned) target
};
FileWriteOptions ParseFileWriteOptions(const ResolvedParams& options);

class FileDestination : public Destination {
 public:
  void Configure(const ResolvedParams& options) override;
  ConnectionTestResult TestConnection() override;
  std::set<WriteMode> Modes() const override {
    return {WriteMode::kReplace, WriteMode::kAppend, WriteMode::kUpsert};
  }
  WriteResult Write(const WriteRequest& request, ExportInput& input) override;

 protected:
  // The options of a write: configured options overlaid with the request's.
  ResolvedParams Effective(const WriteRequest& request) const;

  virtual std::string Kind() const = 0;  // CSV | Parquet | JSON, for messages
  // Extension of data files written into a directory target, e.g. ".csv".
  virtual std::string DataFileExtension(const WriteRequest& request, const ResolvedParams& options) const = 0;
  // The COPY options (text inside the parentheses) for writing `target`.
  virtual std::string CopyOptions(const WriteRequest& request, const ResolvedParams& options,
                                  const std::string& target, bool header) const = 0;
  // The reader call over an existing target, for rewrites.
  virtual std::string ReadTarget(const WriteRequest& request, const ResolvedParams& options,
                                 const std::string& target) const = 0;
  // True when Append can add the new rows' bytes to the existing file (after CheckConcatenation).
  virtual bool AppendsByConcatenation(const WriteRequest& request, const ResolvedParams& options,
                                      const std::string& target) const {
    (void)request, (void)options, (void)target;
    return false;
  }
  // Throws when the existing file cannot take the export's rows by concatenation (CSV header mismatch).
  virtual void CheckConcatenation(const WriteRequest& request, const ResolvedParams& options,
                                  const std::string& target, const Schema& export_schema) const {
    (void)request, (void)options, (void)target, (void)export_schema;
  }
  // Whether rewrites cast export columns to the existing file's types (Parquet, JSON). CSV does not: the
  // existing types are whatever DuckDB detects, and UNION ALL BY NAME picks the common type.
  virtual bool CastsRewrittenExport() const { return true; }
  // Post-processing of a freshly written file holding 0 rows (JSON: "[]").
  virtual void FixUpEmptyFile(const WriteRequest& request, const ResolvedParams& options,
                              const std::string& path) const {
    (void)request, (void)options, (void)path;
  }

  ResolvedParams options_;  // as configured; Effective() overlays a write's options on them

 private:
  WriteResult WriteFile(const WriteRequest& request, const ResolvedParams& options,
                        const FileWriteOptions& common, ExportInput& input);
  WriteResult ReplaceFile(const WriteRequest& request, const ResolvedParams& options, ExportInput& input);
  WriteResult AppendFile(const WriteRequest& request, const ResolvedParams& options, ExportInput& input);
  WriteResult UpsertFile(const WriteRequest& request, const ResolvedParams& options,
                         const FileWriteOptions& common, ExportInput& input);
  WriteResult Rewrite(const WriteRequest& request, const ResolvedParams& options, ExportInput& input,
                      const std::vector<std::string>& keys);
  WriteResult WriteDirectory(const WriteRequest& request, const ResolvedParams& options,
                             const FileWriteOptions& common, ExportInput& input);

  FileWriteOptions configured_;
};

// Key checks of an upsert over the export query: duplicate keys -> Error(kDataError, SF605) naming a sample
// key; NULL keys -> Error(kDataError, SF606) naming the column and the count; a key that is not an export
// column -> Error(kInvalidConfig).
void CheckExportKeys(ExportInput& input, const std::vector<std::string>& keys);

}  // namespace sqlflow::connectors

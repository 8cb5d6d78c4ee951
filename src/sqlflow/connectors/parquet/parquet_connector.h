// Parquet files (CONNECTORS.md §3.2). The source hands the executor a read_parquet FileScan (projection and
// the cursor predicate reach DuckDB's scan, which prunes row groups by statistics); the destination writes
// with COPY ... (FORMAT parquet) through a temporary sibling file and a rename.
#pragma once

#include "sqlflow/connectors/files/file_destination.h"
#include "sqlflow/connectors/files/file_source.h"
#include "sqlflow/connectors/parquet/parquet_options.h"

namespace sqlflow::connectors {

class ParquetSource : public FileSource {
 public:
  void Configure(const ResolvedParams& params) override;
  ConnectionTestResult TestConnection(engine::Connection& scratch) override;

 protected:
  PathRules Rules() const override;
  std::string Reader() const override { return "read_parquet"; }
  std::string TypePrefix() const override { return "parquet"; }
  // Every file must start and end with the Parquet magic bytes.
  void CheckFiles(const std::vector<std::string>& files) const override;
  std::string Relation(const std::vector<std::string>& files, engine::Connection* connection) const override;

 private:
  ParquetReadOptions options_;
};

// Parses its options (ParseParquetWriteOptions) from the configured options overlaid with the write's.
class ParquetDestination : public FileDestination {
 protected:
  std::string Kind() const override { return "Parquet"; }
  std::string DataFileExtension(const WriteRequest& request, const ResolvedParams& options) const override;
  std::string CopyOptions(const WriteRequest& request, const ResolvedParams& options,
                          const std::string& target, bool header) const override;
  std::string ReadTarget(const WriteRequest& request, const ResolvedParams& options,
                         const std::string& target) const override;
};

}  // namespace sqlflow::connectors

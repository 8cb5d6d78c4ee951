// JSON and NDJSON files (CONNECTORS.md §3.3). The source hands the executor a read_json FileScan; the
// records_path, flatten and column_types transformations become a subquery around the reader call (built
// from the reader's bound schema, so they need the read's connection). The destination writes with
// COPY ... (FORMAT json, ARRAY <bool>) through a temporary sibling file and a rename.
#pragma once

#include "sqlflow/connectors/files/file_destination.h"
#include "sqlflow/connectors/files/file_source.h"
#include "sqlflow/connectors/json/json_options.h"

namespace sqlflow::connectors {

class JsonSource : public FileSource {
 public:
  void Configure(const ResolvedParams& params) override;
  ConnectionTestResult TestConnection(engine::Connection& scratch) override;

 protected:
  PathRules Rules() const override;
  std::string Reader() const override { return "read_json"; }
  std::string TypePrefix() const override { return "json"; }
  // The nesting depth pre-scan (json_depth.h) of every file.
  void CheckFiles(const std::vector<std::string>& files) const override;
  // A parenthesised subquery when records_path, flatten or column_types apply (then `connection` is
  // required).
  std::string Relation(const std::vector<std::string>& files, engine::Connection* connection) const override;

 private:
  std::string ReaderCall(const std::vector<std::string>& files) const;
  std::string RecordsRelation(const std::string& reader_call, engine::Connection& connection) const;
  std::string ShapeRelation(const std::string& relation, engine::Connection& connection) const;

  JsonReadOptions options_;
};

// Parses its options (ParseJsonWriteOptions) from the configured options overlaid with the write's.
class JsonDestination : public FileDestination {
 protected:
  std::string Kind() const override { return "JSON"; }
  std::string DataFileExtension(const WriteRequest& request, const ResolvedParams& options) const override;
  std::string CopyOptions(const WriteRequest& request, const ResolvedParams& options,
                          const std::string& target, bool header) const override;
  std::string ReadTarget(const WriteRequest& request, const ResolvedParams& options,
                         const std::string& target) const override;
  bool AppendsByConcatenation(const WriteRequest& request, const ResolvedParams& options,
                              const std::string& target) const override;
  void FixUpEmptyFile(const WriteRequest& request, const ResolvedParams& options,
                      const std::string& path) const override;

 private:
  static JsonWriteOptions Parse(const ResolvedParams& options);  // throws Error(kInvalidConfig)
  static bool IsArray(const WriteRequest& request, const JsonWriteOptions& options,
                      const std::string& target);
  static std::string Compression(const JsonWriteOptions& options, const std::string& target);
};

}  // namespace sqlflow::connectors

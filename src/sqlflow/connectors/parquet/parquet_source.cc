#include <fstream>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/parquet/parquet_connector.h"
#include "sqlflow/connectors/registry/options_util.h"

namespace sqlflow::connectors {
namespace {

bool HasParquetMagic(const std::string& path) {
  std::ifstream input(path, std::ios::binary);
  if (!input) return true;  // unreadable files fail in the scan with the system's message
  char head[4] = {0}, tail[4] = {0};
  input.read(head, 4);
  if (input.gcount() != 4) return false;
  input.seekg(-4, std::ios::end);
  input.read(tail, 4);
  if (input.gcount() != 4) return false;
  const std::string h(head, 4), t(tail, 4);
  return (h == "PAR1" || h == "PARE") && (t == "PAR1" || t == "PARE");
}

}  // namespace

PathRules ParquetSource::Rules() const {
  PathRules rules;
  rules.kind = "Parquet";
  rules.directory_patterns = {"**/*.parquet", "**/*.pq"};
  return rules;
}

void ParquetSource::CheckFiles(const std::vector<std::string>& files) const {
  for (const auto& file : files) {
    if (!HasParquetMagic(file)) {
      throw Error(ErrorKind::kDataError, "'" + file + "' is not a Parquet file (bad magic bytes)");
    }
  }
}

void ParquetSource::Configure(const ResolvedParams& params) {
  FileSource::Configure(params);
  std::vector<ParamIssue> issues;
  options_ = ParseParquetReadOptions(params.values, issues);
  ThrowFirstError(issues);
}

std::string ParquetSource::Relation(const std::vector<std::string>& files,
                                    engine::Connection* connection) const {
  (void)connection;
  std::vector<std::string> args = {SqlStringList(files)};
  args.push_back("union_by_name = " + SqlBool(options_.union_by_name));
  args.push_back("filename = " + SqlBool(options_.include_filename));
  if (options_.hive_partitioning != "auto")
    args.push_back("hive_partitioning = " + options_.hive_partitioning);
  std::string relation = "read_parquet(" + Join(args, ", ") + ")";
  // Declared types win: cast in a subquery so WHERE and the projection see the declared types.
  if (!options_.column_types.empty()) {
    std::vector<std::string> casts;
    for (const auto& [column, type] : options_.column_types) {
      casts.push_back("CAST(" + QuoteIdent(column) + " AS " + type + ") AS " + QuoteIdent(column));
    }
    relation = "(SELECT * REPLACE (" + Join(casts, ", ") + ") FROM " + relation + ")";
  }
  return relation;
}

ConnectionTestResult ParquetSource::TestConnection(engine::Connection& scratch) {
  ConnectionTester tester;
  std::vector<std::string> files;
  int64_t columns = 0, rows = 0;
  tester.Run("files", [&] {
    files = MatchedFiles();
    if (files.empty()) throw Error(ErrorKind::kNotFound, "no files match " + ObjectLabel());
    return std::to_string(files.size()) + " file(s)";
  });
  tester.Run("metadata", [&] {
    std::vector<std::string> first(files.begin(), files.begin() + std::min<size_t>(files.size(), 10));
    CheckFiles(first);
    auto count =
        scratch.QueryValue("SELECT sum(num_rows) FROM parquet_file_metadata(" + SqlStringList(first) + ")");
    rows = count ? std::stoll(*count) : 0;
    columns = static_cast<int64_t>(DescribeRelation(scratch, Relation({files.front()}, nullptr)).size());
    return std::to_string(first.size()) + " file(s) readable";
  });
  return tester.Finish("Parquet readable: " + std::to_string(files.size()) + " file(s), " +
                       std::to_string(columns) + " columns, " + std::to_string(rows) + " rows");
}

}  // namespace sqlflow::connectors

#include "sqlflow/common/text.h"
#include "sqlflow/connectors/parquet/parquet_connector.h"
#include "sqlflow/connectors/parquet/parquet_options.h"
#include "sqlflow/connectors/registry/options_util.h"

namespace sqlflow::connectors {

std::string ParquetDestination::DataFileExtension(const WriteRequest& request,
                                                  const ResolvedParams& options) const {
  (void)request, (void)options;
  return ".parquet";
}

std::string ParquetDestination::CopyOptions(const WriteRequest& request, const ResolvedParams& options,
                                            const std::string& target, bool header) const {
  (void)request, (void)target, (void)header;
  std::vector<ParamIssue> issues;
  const ParquetWriteOptions parsed = ParseParquetWriteOptions(options.values, issues);
  ThrowFirstError(issues);
  std::vector<std::string> parts = {"FORMAT parquet"};
  parts.push_back("COMPRESSION " + parsed.compression);
  if (parsed.compression_level)
    parts.push_back("COMPRESSION_LEVEL " + std::to_string(*parsed.compression_level));
  parts.push_back("ROW_GROUP_SIZE " + std::to_string(parsed.row_group_size));
  return Join(parts, ", ");
}

std::string ParquetDestination::ReadTarget(const WriteRequest& request, const ResolvedParams& options,
                                           const std::string& target) const {
  (void)request, (void)options;
  return "read_parquet(" + QuoteLiteral(target) + ")";
}

}  // namespace sqlflow::connectors

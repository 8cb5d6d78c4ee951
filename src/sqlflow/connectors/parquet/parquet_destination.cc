#include "sqlflow/common/text.h"
#include "sqlflow/connectors/parquet/parquet_connector.h"

namespace sqlflow::connectors {

std::string ParquetDestination::DataFileExtension(const WriteRequest& request,
                                                  const ResolvedParams& options) const {
  (void)request, (void)options;
  return ".parquet";
}

std::string ParquetDestination::CopyOptions(const WriteRequest& request, const ResolvedParams& options,
                                            const std::string& target, bool header) const {
  (void)request, (void)target, (void)header;
  std::vector<std::string> parts = {"FORMAT parquet"};
  parts.push_back("COMPRESSION " + options.GetString("compression", "snappy"));
  if (options.Has("compression_level")) {
    parts.push_back("COMPRESSION_LEVEL " + std::to_string(options.GetInt("compression_level")));
  }
  parts.push_back("ROW_GROUP_SIZE " + std::to_string(options.GetInt("row_group_size", 122880)));
  return Join(parts, ", ");
}

std::string ParquetDestination::ReadTarget(const WriteRequest& request, const ResolvedParams& options,
                                           const std::string& target) const {
  (void)request, (void)options;
  return "read_parquet(" + QuoteLiteral(target) + ")";
}

}  // namespace sqlflow::connectors

#include <fstream>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/json/json_connector.h"
#include "sqlflow/connectors/registry/options_util.h"

namespace sqlflow::connectors {

JsonWriteOptions JsonDestination::Parse(const ResolvedParams& options) {
  std::vector<ParamIssue> issues;
  JsonWriteOptions parsed = ParseJsonWriteOptions(options.values, issues);
  ThrowFirstError(issues);
  return parsed;
}

bool JsonDestination::IsArray(const WriteRequest& request, const JsonWriteOptions& options,
                              const std::string& target) {
  if (options.format) return *options.format == "array";
  if (request.format == "ndjson") return false;
  if (request.format == "json") return true;
  const std::string extension = FormatExtension(target);
  return extension != ".jsonl" && extension != ".ndjson";
}

std::string JsonDestination::Compression(const JsonWriteOptions& options, const std::string& target) {
  std::string compression = options.compression;
  if (compression == "auto") {
    compression = CompressionFromExtension(target);
    if (compression.empty()) compression = "none";
  }
  return compression;
}

std::string JsonDestination::DataFileExtension(const WriteRequest& request,
                                               const ResolvedParams& options) const {
  const JsonWriteOptions parsed = Parse(options);
  std::string extension = IsArray(request, parsed, "") ? ".json" : ".ndjson";
  const std::string& compression = parsed.compression;
  if (compression == "gzip") extension += ".gz";
  if (compression == "zstd") extension += ".zst";
  return extension;
}

std::string JsonDestination::CopyOptions(const WriteRequest& request, const ResolvedParams& options,
                                         const std::string& target, bool header) const {
  (void)header;
  const JsonWriteOptions parsed = Parse(options);
  std::vector<std::string> parts = {"FORMAT json"};
  parts.push_back(std::string("ARRAY ") + (IsArray(request, parsed, target) ? "true" : "false"));
  parts.push_back("COMPRESSION " + Compression(parsed, target));
  if (parsed.date_format) parts.push_back("DATEFORMAT " + QuoteLiteral(*parsed.date_format));
  if (parsed.timestamp_format) parts.push_back("TIMESTAMPFORMAT " + QuoteLiteral(*parsed.timestamp_format));
  return Join(parts, ", ");
}

std::string JsonDestination::ReadTarget(const WriteRequest& request, const ResolvedParams& options,
                                        const std::string& target) const {
  const JsonWriteOptions parsed = Parse(options);
  std::string compression = Compression(parsed, target);
  if (compression == "none") compression = "uncompressed";
  return "read_json(" + QuoteLiteral(target) +
         ", format = " + QuoteLiteral(IsArray(request, parsed, target) ? "array" : "newline_delimited") +
         ", compression = " + QuoteLiteral(compression) + ")";
}

bool JsonDestination::AppendsByConcatenation(const WriteRequest& request, const ResolvedParams& options,
                                             const std::string& target) const {
  const JsonWriteOptions parsed = Parse(options);
  return !IsArray(request, parsed, target) && Compression(parsed, target) == "none";
}

void JsonDestination::FixUpEmptyFile(const WriteRequest& request, const ResolvedParams& options,
                                     const std::string& path) const {
  // DuckDB writes an empty array over three lines; LANGUAGE.md §9.8 promises `[]`.
  const JsonWriteOptions parsed = Parse(options);
  if (!IsArray(request, parsed, request.object) || Compression(parsed, request.object) != "none") return;
  std::ofstream output(path, std::ios::binary | std::ios::trunc);
  output << "[]\n";
  if (!output) throw Error(ErrorKind::kInternal, "cannot write '" + path + "'");
}

}  // namespace sqlflow::connectors

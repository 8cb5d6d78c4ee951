#include <fstream>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/json/json_connector.h"

namespace sqlflow::connectors {

bool JsonDestination::IsArray(const WriteRequest& request, const ResolvedParams& options,
                              const std::string& target) const {
  if (options.Has("format")) return options.GetString("format") == "array";
  if (request.format == "ndjson") return false;
  if (request.format == "json") return true;
  const std::string extension = FormatExtension(target);
  return extension != ".jsonl" && extension != ".ndjson";
}

std::string JsonDestination::Compression(const ResolvedParams& options, const std::string& target) const {
  std::string compression = options.GetString("compression", "auto");
  if (compression == "auto") {
    compression = CompressionFromExtension(target);
    if (compression.empty()) compression = "none";
  }
  return compression;
}

std::string JsonDestination::DataFileExtension(const WriteRequest& request,
                                               const ResolvedParams& options) const {
  std::string extension = IsArray(request, options, "") ? ".json" : ".ndjson";
  const std::string compression = options.GetString("compression", "auto");
  if (compression == "gzip") extension += ".gz";
  if (compression == "zstd") extension += ".zst";
  return extension;
}

std::string JsonDestination::CopyOptions(const WriteRequest& request, const ResolvedParams& options,
                                         const std::string& target, bool header) const {
  (void)header;
  std::vector<std::string> parts = {"FORMAT json"};
  parts.push_back(std::string("ARRAY ") + (IsArray(request, options, target) ? "true" : "false"));
  parts.push_back("COMPRESSION " + Compression(options, target));
  if (options.Has("date_format"))
    parts.push_back("DATEFORMAT " + QuoteLiteral(options.GetString("date_format")));
  if (options.Has("timestamp_format")) {
    parts.push_back("TIMESTAMPFORMAT " + QuoteLiteral(options.GetString("timestamp_format")));
  }
  return Join(parts, ", ");
}

std::string JsonDestination::ReadTarget(const WriteRequest& request, const ResolvedParams& options,
                                        const std::string& target) const {
  std::string compression = Compression(options, target);
  if (compression == "none") compression = "uncompressed";
  return "read_json(" + QuoteLiteral(target) +
         ", format = " + QuoteLiteral(IsArray(request, options, target) ? "array" : "newline_delimited") +
         ", compression = " + QuoteLiteral(compression) + ")";
}

bool JsonDestination::AppendsByConcatenation(const WriteRequest& request, const ResolvedParams& options,
                                             const std::string& target) const {
  return !IsArray(request, options, target) && Compression(options, target) == "none";
}

void JsonDestination::FixUpEmptyFile(const WriteRequest& request, const ResolvedParams& options,
                                     const std::string& path) const {
  // DuckDB writes an empty array over three lines; LANGUAGE.md §9.8 promises `[]`.
  if (!IsArray(request, options, request.object) || Compression(options, request.object) != "none") return;
  std::ofstream output(path, std::ios::binary | std::ios::trunc);
  output << "[]\n";
  if (!output) throw Error(ErrorKind::kInternal, "cannot write '" + path + "'");
}

}  // namespace sqlflow::connectors

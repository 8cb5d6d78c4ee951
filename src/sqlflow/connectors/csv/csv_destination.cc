#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/csv/csv_connector.h"

namespace sqlflow::connectors {

CsvDialect CsvDestination::Dialect(const WriteRequest& request, const ResolvedParams& options,
                                   const std::string& target) const {
  CsvDialect dialect;
  if (options.Has("delimiter")) {
    dialect.delimiter = UnescapeDelimiter(options.GetString("delimiter"));
  } else if (request.format == "tsv" || FormatExtension(target) == ".tsv") {
    dialect.delimiter = "\t";
  }
  dialect.quote = options.GetString("quote", "\"");
  dialect.escape = options.Has("escape") ? options.GetString("escape") : dialect.quote;
  return dialect;
}

std::string CsvDestination::Compression(const ResolvedParams& options, const std::string& target) const {
  std::string compression = options.GetString("compression", "auto");
  if (compression == "auto") {
    compression = CompressionFromExtension(target);
    if (compression.empty()) compression = "none";
  }
  return compression;
}

std::string CsvDestination::DataFileExtension(const WriteRequest& request,
                                              const ResolvedParams& options) const {
  (void)request;
  const std::string compression = options.GetString("compression", "auto");
  if (compression == "gzip") return ".csv.gz";
  if (compression == "zstd") return ".csv.zst";
  return ".csv";
}

std::string CsvDestination::CopyOptions(const WriteRequest& request, const ResolvedParams& options,
                                        const std::string& target, bool header) const {
  const CsvDialect dialect = Dialect(request, options, target);
  std::vector<std::string> parts = {"FORMAT csv"};
  parts.push_back(std::string("HEADER ") + (header && options.GetBool("header", true) ? "true" : "false"));
  parts.push_back("DELIMITER " + QuoteLiteral(dialect.delimiter));
  parts.push_back("QUOTE " + QuoteLiteral(dialect.quote));
  parts.push_back("ESCAPE " + QuoteLiteral(dialect.escape));
  // With NULLSTR '' DuckDB quotes empty strings, so NULL (nothing) and "" stay distinct.
  parts.push_back("NULLSTR " + QuoteLiteral(options.GetString("null_string", "")));
  if (options.Has("force_quote")) {
    auto columns = options.GetStringList("force_quote");
    if (columns.size() == 1 && columns.front() == "*") {
      parts.push_back("FORCE_QUOTE *");
    } else if (!columns.empty()) {
      std::vector<std::string> quoted;
      for (const auto& column : columns) quoted.push_back(QuoteIdent(column));
      parts.push_back("FORCE_QUOTE (" + Join(quoted, ", ") + ")");
    }
  }
  if (options.Has("date_format"))
    parts.push_back("DATEFORMAT " + QuoteLiteral(options.GetString("date_format")));
  if (options.Has("timestamp_format")) {
    parts.push_back("TIMESTAMPFORMAT " + QuoteLiteral(options.GetString("timestamp_format")));
  }
  parts.push_back("COMPRESSION " + Compression(options, target));
  return Join(parts, ", ");
}

std::string CsvDestination::ReadTarget(const WriteRequest& request, const ResolvedParams& options,
                                       const std::string& target) const {
  if (!options.GetBool("header", true)) {
    throw Error(ErrorKind::kUnsupported, "CSV destination: rewriting '" + target +
                                             "' (upsert, or append to a compressed file) needs header: true");
  }
  const CsvDialect dialect = Dialect(request, options, target);
  return "read_csv(" + QuoteLiteral(target) + ", header = true, delim = " + QuoteLiteral(dialect.delimiter) +
         ", quote = " + QuoteLiteral(dialect.quote) + ", escape = " + QuoteLiteral(dialect.escape) +
         ", nullstr = " + QuoteLiteral(options.GetString("null_string", "")) +
         ", allow_quoted_nulls = false, null_padding = true, auto_detect = true, compression = " +
         QuoteLiteral(Compression(options, target)) + ")";
}

bool CsvDestination::AppendsByConcatenation(const WriteRequest& request, const ResolvedParams& options,
                                            const std::string& target) const {
  (void)request;
  return Compression(options, target) == "none";
}

void CsvDestination::CheckConcatenation(const WriteRequest& request, const ResolvedParams& options,
                                        const std::string& target, const Schema& export_schema) const {
  if (!options.GetBool("header", true)) return;
  auto header = ReadCsvHeader(target, 0, Dialect(request, options, target));
  if (!header) return;
  std::vector<std::string> names;
  for (const auto& field : export_schema) names.push_back(field.name);
  if (*header != names) {
    throw Error(ErrorKind::kDataError, "CSV destination: cannot append to '" + target + "': its header (" +
                                           Join(*header, ", ") + ") differs from the export's columns (" +
                                           Join(names, ", ") + ")");
  }
}

}  // namespace sqlflow::connectors

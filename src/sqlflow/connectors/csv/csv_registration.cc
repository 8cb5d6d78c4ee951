// Registry entries of the csv type (CONNECTORS.md §3.1).
#include "sqlflow/connectors/csv/csv_registration.h"

#include "sqlflow/connectors/csv/csv_connector.h"
#include "sqlflow/connectors/registry/param_builder.h"
#include "sqlflow/connectors/registry/validate_util.h"

namespace sqlflow::connectors {
namespace {

using Json = nlohmann::ordered_json;

const std::vector<std::string> kCompressions = {"auto", "none", "gzip", "zstd"};

void CheckDialect(const Json& canonical, std::vector<ParamIssue>& issues) {
  if (canonical.contains("delimiter")) {
    const std::string delimiter = UnescapeDelimiter(canonical["delimiter"].get<std::string>());
    if (delimiter.empty() || delimiter.size() > 4) {
      AddIssue(issues, Severity::kError, "SF406",
               "CSV connector: parameter 'delimiter' must be 1 to 4 bytes; got '" + delimiter + "'",
               "delimiter");
    }
  }
  for (const char* name : {"quote", "escape"}) {
    if (canonical.contains(name) && canonical[name].get<std::string>().size() != 1) {
      AddIssue(issues, Severity::kError, "SF406",
               std::string("CSV connector: parameter '") + name + "' must be a single character", name);
    }
  }
}

}  // namespace

void ValidateCsvReader(const Json& canonical, std::vector<ParamIssue>& issues) {
  CheckDialect(canonical, issues);
  const bool ignore_errors = canonical.contains("ignore_errors") && canonical["ignore_errors"].get<bool>();
  if (canonical.contains("max_rejected_rows") && !ignore_errors) {
    AddIssue(issues, Severity::kError, "SF406",
             "CSV connector: 'max_rejected_rows' requires 'ignore_errors: true'", "max_rejected_rows");
  }
}

std::vector<ParamSpec> CsvReaderParams() {
  return {
      P("has_header", ParamType::kBoolean, "The first line holds the column names.")
          .Alias({"header"})
          .Default(true),
      P("delimiter", ParamType::kString,
        "Field separator, 1 to 4 bytes or \\t; never guessed. Default ',' (a tab for .tsv paths and the tsv "
        "alias).")
          .Alias({"sep", "delim"}),
      P("quote", ParamType::kString, "Quote character.").Alias({"quote_char"}).Default("\""),
      P("escape", ParamType::kString, "Escape character inside quotes; default: the quote character.")
          .Alias({"escape_char"}),
      P("encoding", ParamType::kString, "Input encoding.")
          .Enum({"utf-8", "utf-16", "latin-1"},
                {{"utf8", "utf-8"}, {"latin1", "latin-1"}, {"iso-8859-1", "latin-1"}, {"ascii", "utf-8"}})
          .Default("utf-8"),
      P("null_values", ParamType::kStringOrArray,
        "Unquoted field values read as NULL; a quoted empty field is always the empty string.")
          .Alias({"nullstr", "na_values"})
          .Default(Json::array({""})),
      P("skip_rows", ParamType::kInteger, "Lines skipped before the header.")
          .Alias({"skip"})
          .Min(0)
          .Default(0),
      P("all_varchar", ParamType::kBoolean, "Read every column as VARCHAR.").Default(false),
      P("date_format", ParamType::kString, "strftime format for parsing dates; default: detected."),
      P("timestamp_format", ParamType::kString, "strftime format for parsing timestamps; default: detected."),
      P("decimal_separator", ParamType::kString, "Decimal mark of numbers.").Enum({".", ","}).Default("."),
      P("null_padding", ParamType::kBoolean,
        "Pad short rows with NULL. A row with more fields than the header is an error (strict_mode), a "
        "reject "
        "(ignore_errors) or loses its extra fields (strict_mode false).")
          .Default(true),
      P("strict_mode", ParamType::kBoolean,
        "true: a malformed row (stray quote, extra fields) is an error naming its line; false: DuckDB's "
        "lenient "
        "reading, where a stray quote is data and extra fields are dropped (with a warning).")
          .Default(true),
      P("column_names", ParamType::kArrayOfStrings,
        "Column names in file order; they replace the header's names (the header line is still skipped) and "
        "fix "
        "the width of every row.")
          .Alias({"names"}),
      P("auto_detect", ParamType::kBoolean,
        "Detect column types from a sample; false: no sniffing, every column is VARCHAR unless column_types "
        "declares it.")
          .Default(true),
      P("ignore_errors", ParamType::kBoolean, "Skip rows that fail to parse and report them.").Default(false),
      P("max_rejected_rows", ParamType::kInteger, "With ignore_errors, fail when more rows are rejected.")
          .Min(0),
      P("sample_size", ParamType::kInteger, "Rows used for type detection; -1 reads all rows.")
          .Min(-1)
          .Default(20480),
      P("compression", ParamType::kString, "Input compression; auto decides by extension (.gz, .zst).")
          .Enum(kCompressions)
          .Default("auto"),
      P("union_by_name", ParamType::kBoolean, "Align the columns of several files by name.").Default(true),
      P("include_filename", ParamType::kBoolean, "Add a filename column.").Default(false),
  };
}

ConnectorTypeInfo CsvSourceInfo() {
  ConnectorTypeInfo info;
  info.name = "csv";
  info.aliases = {"tsv"};
  info.description = "Local CSV and TSV files, read by DuckDB's CSV reader with an explicit dialect.";
  info.params = {
      P("path", ParamType::kStringOrArray,
        "File, glob, directory (its *.csv, *.csv.gz, *.csv.zst, *.tsv files) or a list of these, relative "
        "to the working directory.")
          .Required()};
  AppendParams(info.params, CsvReaderParams());
  info.params.push_back(
      P("allow_no_files", ParamType::kBoolean, "A path that matches nothing reads 0 rows instead of failing.")
          .Default(false));
  AppendParams(info.params, CommonSourceParams(nullptr));
  info.validate = ValidateCsvReader;
  info.capabilities = {"single", "engine_filter", true, {}, false, "none"};
  info.make_source = [] { return std::make_unique<CsvSource>(); };
  info.missing_files = MissingFilesHook<CsvSource>();
  return info;
}

ConnectorTypeInfo CsvDestinationInfo() {
  ConnectorTypeInfo info;
  info.name = "csv";
  info.aliases = {"tsv"};
  info.description =
      "Local CSV and TSV files, written with DuckDB's COPY through a temporary file and a rename.";
  info.params = DestinationModeParams();
  AppendParams(
      info.params,
      {
          P("header", ParamType::kBoolean, "Write a header line.").Alias({"has_header"}).Default(true),
          P("delimiter", ParamType::kString, "Field separator; default ',' (a tab for .tsv targets).")
              .Alias({"sep"}),
          P("quote", ParamType::kString, "Quote character.").Default("\""),
          P("escape", ParamType::kString, "Escape character; default: the quote character."),
          P("null_string", ParamType::kString, "Text written for NULL; by default nothing.")
              .Alias({"null"})
              .Default(""),
          P("force_quote", ParamType::kStringOrArray, "Always quote these columns, or \"*\" for all."),
          P("date_format", ParamType::kString, "strftime format for dates; default ISO 8601."),
          P("timestamp_format", ParamType::kString, "strftime format for timestamps; default ISO 8601."),
          P("compression", ParamType::kString, "Output compression; auto decides by extension (.gz, .zst).")
              .Enum(kCompressions)
              .Default("auto"),
          P("partition_by", ParamType::kArrayOfStrings,
            "Write a Hive-partitioned directory (col=value/); the target must end in '/'."),
      });
  info.validate = CheckDialect;
  info.capabilities = {"", "", false, {"replace", "append", "upsert"}, false, "none"};
  info.make_destination = [] { return std::make_unique<CsvDestination>(); };
  return info;
}

void RegisterCsvConnector(Registries& registries) {
  registries.sources.Register(CsvSourceInfo());
  registries.destinations.Register(CsvDestinationInfo());
}

}  // namespace sqlflow::connectors

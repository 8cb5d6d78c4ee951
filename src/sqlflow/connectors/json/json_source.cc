#include <duckdb.h>

#include <fstream>
#include <set>

#include "sqlflow/common/error.h"
#include "sqlflow/common/limits.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/json/json_connector.h"
#include "sqlflow/connectors/json/json_depth.h"
#include "sqlflow/connectors/registry/options_util.h"

namespace sqlflow::connectors {
namespace {

// read_json spells compressions its own way.
std::string ReaderCompression(const std::string& compression) {
  if (compression == "none") return "uncompressed";
  if (compression == "auto") return "auto_detect";
  return compression;
}

std::string PathExpression(const std::string& dotted) {
  auto segments = Split(dotted, '.');
  std::string expression = QuoteIdent(segments.front());
  for (size_t i = 1; i < segments.size(); ++i) {
    expression = "struct_extract(" + expression + ", " + QuoteLiteral(segments[i]) + ")";
  }
  return expression;
}

struct SelectItem {
  std::string expression;
  std::string name;
};

void Flatten(const std::string& expression, const std::string& name, duckdb_logical_type type, int64_t depth,
             int64_t max_depth, const std::string& separator, std::vector<SelectItem>& out) {
  if (duckdb_get_type_id(type) != DUCKDB_TYPE_STRUCT) {
    out.push_back({expression, name});
    return;
  }
  if (depth > max_depth) {
    out.push_back({"to_json(" + expression + ")", name});
    return;
  }
  const idx_t children = duckdb_struct_type_child_count(type);
  for (idx_t i = 0; i < children; ++i) {
    char* child_name = duckdb_struct_type_child_name(type, i);
    engine::LogicalType child_type(duckdb_struct_type_child_type(type, i));
    const std::string child = child_name;
    duckdb_free(child_name);
    Flatten("struct_extract(" + expression + ", " + QuoteLiteral(child) + ")", name + separator + child,
            child_type.get(), depth + 1, max_depth, separator, out);
  }
}

}  // namespace

PathRules JsonSource::Rules() const {
  PathRules rules;
  rules.kind = "JSON";
  for (const char* extension : {"*.json", "*.jsonl", "*.ndjson"}) {
    rules.directory_patterns.push_back(extension);
    rules.directory_patterns.push_back(std::string(extension) + ".gz");
    rules.directory_patterns.push_back(std::string(extension) + ".zst");
  }
  return rules;
}

void JsonSource::Configure(const ResolvedParams& params) {
  FileSource::Configure(params);
  std::vector<ParamIssue> issues;
  options_ = ParseJsonReadOptions(params.values, issues);
  ThrowFirstError(issues);
}

std::string JsonSource::ReaderCall(const std::vector<std::string>& files) const {
  std::vector<std::string> args = {SqlStringList(files)};
  auto add = [&](const std::string& name, const std::string& value) { args.push_back(name + " = " + value); };
  add("format", QuoteLiteral(options_.format));
  add("maximum_depth", std::to_string(options_.max_depth));
  add("sample_size", std::to_string(options_.sample_size));
  add("ignore_errors", SqlBool(options_.ignore_errors));
  add("compression", QuoteLiteral(ReaderCompression(options_.compression)));
  add("union_by_name", SqlBool(options_.union_by_name));
  add("filename", SqlBool(options_.include_filename));
  if (options_.date_format) add("dateformat", QuoteLiteral(*options_.date_format));
  if (options_.timestamp_format) add("timestampformat", QuoteLiteral(*options_.timestamp_format));
  return "read_json(" + Join(args, ", ") + ")";
}

std::string JsonSource::RecordsRelation(const std::string& reader_call,
                                        engine::Connection& connection) const {
  const std::string path = options_.records_path.value_or("");
  const std::string expression = PathExpression(path);
  const std::string filename = options_.include_filename ? ", filename" : "";
  std::optional<engine::LogicalType> type;
  try {
    auto statement = connection.Prepare("SELECT " + expression + " AS r FROM " + reader_call);
    type.emplace(statement.column_type(0));
  } catch (const Error&) {
    throw Error(ErrorKind::kDataError, "records_path '" + path + "' not found in " + ObjectLabel());
  }
  const duckdb_type id = duckdb_get_type_id(type->get());
  if (id == DUCKDB_TYPE_LIST) {
    engine::LogicalType child(duckdb_list_type_child_type(type->get()));
    if (duckdb_get_type_id(child.get()) == DUCKDB_TYPE_STRUCT) {
      return "(SELECT __sqlflow_r.*" + filename + " FROM (SELECT unnest(" + expression + ") AS __sqlflow_r" +
             filename + " FROM " + reader_call + "))";
    }
    return "(SELECT unnest(" + expression + ") AS value" + filename + " FROM " + reader_call + ")";
  }
  if (id == DUCKDB_TYPE_STRUCT) {
    return "(SELECT __sqlflow_r.*" + filename + " FROM (SELECT " + expression + " AS __sqlflow_r" + filename +
           " FROM " + reader_call + "))";
  }
  throw Error(ErrorKind::kDataError, "records_path '" + path + "' in " + ObjectLabel() +
                                         " is not an array or an object (type " + type->ToString() + ")");
}

std::string JsonSource::ShapeRelation(const std::string& relation, engine::Connection& connection) const {
  auto statement = connection.Prepare("SELECT * FROM " + relation);
  std::vector<SelectItem> items;
  std::vector<std::string> top_level;
  for (uint64_t i = 0; i < statement.column_count(); ++i) {
    const std::string name = statement.column_name(i);
    top_level.push_back(name);
    engine::LogicalType type = statement.column_type(i);
    if (options_.flatten) {
      Flatten(QuoteIdent(name), name, type.get(), 1, options_.max_flatten_depth, options_.flatten_separator,
              items);
    } else {
      items.push_back({QuoteIdent(name), name});
    }
  }
  std::set<std::string> seen;
  for (const auto& item : items) {
    if (!seen.insert(ToLower(item.name)).second) {
      throw Error(ErrorKind::kDataError, "column name collision '" + item.name + "'; set flatten to false");
    }
  }
  for (const auto& [column, type] : options_.column_types) {
    bool found = false;
    for (auto& item : items) {
      if (EqualsIgnoreCase(item.name, column)) {
        item.expression = "CAST(" + item.expression + " AS " + type + ")";
        found = true;
      }
    }
    // A declared column that no record has is still a column (all NULL) of the declared type.
    if (!found) items.push_back({"CAST(NULL AS " + type + ")", column});
  }
  std::vector<std::string> select;
  for (const auto& item : items) select.push_back(item.expression + " AS " + QuoteIdent(item.name));
  return "(SELECT " + Join(select, ", ") + " FROM " + relation + ")";
}

void JsonSource::CheckFiles(const std::vector<std::string>& files) const {
  // DuckDB's reader must never see a file nested past the limit: it recurses per level (docs/limits.md).
  for (const auto& file : files) CheckJsonDepth(file, limits::kMaxJsonDataDepth);
}

std::string JsonSource::Relation(const std::vector<std::string>& files,
                                 engine::Connection* connection) const {
  std::string relation = ReaderCall(files);
  const bool records = options_.records_path.has_value();
  const bool shape = options_.flatten || !options_.column_types.empty();
  if (!records && !shape) return relation;
  if (!connection) {
    throw Error(ErrorKind::kInternal,
                "JSON source: records_path, flatten and column_types need a connection");
  }
  if (records) relation = RecordsRelation(relation, *connection);
  if (shape) relation = ShapeRelation(relation, *connection);
  return relation;
}

ConnectionTestResult JsonSource::TestConnection(engine::Connection& scratch) {
  ConnectionTester tester;
  std::vector<std::string> files;
  std::string layout = options_.format;
  int64_t fields = 0;
  tester.Run("files", [&] {
    files = MatchedFiles();
    if (files.empty()) throw Error(ErrorKind::kNotFound, "no files match " + ObjectLabel());
    return std::to_string(files.size()) + " file(s)";
  });
  tester.Run("first record", [&] {
    if (layout == "auto") {
      layout = "newline_delimited";
      std::ifstream input(files.front(), std::ios::binary);
      char c = 0;
      while (input.get(c) && std::isspace(static_cast<unsigned char>(c))) {
      }
      if (c == '[') layout = "array";
    }
    CheckFiles({files.front()});
    const std::string relation = Relation({files.front()}, &scratch);
    fields = static_cast<int64_t>(DescribeRelation(scratch, relation).size());
    scratch.Query("SELECT * FROM " + relation + " LIMIT 1");
    return files.front() + " parses";
  });
  return tester.Finish("JSON readable: " + std::to_string(files.size()) + " file(s), layout " + layout +
                       ", " + std::to_string(fields) + " top-level fields");
}

}  // namespace sqlflow::connectors

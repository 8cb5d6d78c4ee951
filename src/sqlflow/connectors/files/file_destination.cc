#include "sqlflow/connectors/files/file_destination.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/files/atomic_file.h"

namespace sqlflow::connectors {
namespace fs = std::filesystem;

namespace {

bool Exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

// The export query as a subquery: without a trailing semicolon.
std::string ExportSql(ExportInput& input) {
  std::string sql = input.Sql();
  while (!sql.empty() && (std::isspace(static_cast<unsigned char>(sql.back())) || sql.back() == ';'))
    sql.pop_back();
  return sql;
}

std::string StripSlash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string SafeRunId(const std::string& run_id) {
  std::string out = run_id.empty() ? RandomSuffix() : run_id;
  for (char& c : out) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  }
  return out;
}

int64_t TreeSize(const std::string& root) {
  int64_t total = 0;
  std::error_code ec;
  if (fs::is_regular_file(root, ec)) return FileSizeOrZero(root);
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) total += static_cast<int64_t>(it->file_size(ec));
  }
  return total;
}

// Copies `existing` then `rows` into `out`, with a line break between them when `existing` lacks one.
void Concatenate(const std::string& existing, const std::string& rows, const std::string& out) {
  std::ofstream output(out, std::ios::binary | std::ios::trunc);
  if (!output) throw Error(ErrorKind::kPermissionDenied, "cannot write '" + out + "'");
  char last = '\n';
  const std::string* inputs[] = {&existing, &rows};
  for (const std::string* path : inputs) {
    std::ifstream input(*path, std::ios::binary);
    if (!input) throw Error(ErrorKind::kNotFound, "cannot read '" + *path + "'");
    if (path == &rows && last != '\n') output.put('\n');
    char buffer[1 << 16];
    while (input.read(buffer, sizeof buffer) || input.gcount() > 0) {
      std::streamsize n = input.gcount();
      output.write(buffer, n);
      if (path == &existing && n > 0) last = buffer[n - 1];
    }
  }
  output.flush();
  if (!output) throw Error(ErrorKind::kInternal, "cannot write '" + out + "'");
}

std::string NearestExistingAncestor(fs::path path) {
  std::error_code ec;
  path = fs::absolute(path, ec);
  while (!path.empty() && !fs::exists(path, ec)) {
    if (path == path.parent_path()) break;
    path = path.parent_path();
  }
  return path.string();
}

}  // namespace

void CheckExportKeys(ExportInput& input, const std::vector<std::string>& keys) {
  if (keys.empty()) throw Error(ErrorKind::kInvalidConfig, "mode 'upsert' requires option \"keys\"", "SF411");
  std::vector<std::string> names;
  for (const auto& field : input.OutputSchema()) names.push_back(field.name);
  for (const auto& key : keys) {
    bool found = false;
    for (const auto& name : names) found |= EqualsIgnoreCase(name, key);
    if (!found) {
      throw Error(ErrorKind::kInvalidConfig,
                  "upsert key '" + key + "' is not a column of the export; columns: " + Join(names, ", "));
    }
  }
  engine::Connection& connection = input.connection();
  const std::string sql = ExportSql(input);
  std::vector<std::string> null_counts, quoted;
  for (const auto& key : keys) {
    quoted.push_back(QuoteIdent(key));
    null_counts.push_back("count(*) FILTER (WHERE " + QuoteIdent(key) + " IS NULL)");
  }
  auto nulls =
      connection.Query("SELECT " + Join(null_counts, ", ") + " FROM (" + sql + ") AS __sqlflow_export");
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string count = nulls.GetString(i, 0);
    if (count != "0") {
      throw Error(
          ErrorKind::kDataError,
          "key column '" + keys[i] + "' is NULL in " + count + " exported row" + (count == "1" ? "" : "s"),
          "SF606");
    }
  }
  const std::string key_list = Join(quoted, ", ");
  auto duplicates =
      connection.Query("SELECT " + key_list + " FROM (" + sql + ") AS __sqlflow_export GROUP BY " + key_list +
                       " HAVING count(*) > 1 LIMIT 1");
  if (duplicates.row_count() > 0) {
    std::vector<std::string> values;
    for (size_t i = 0; i < keys.size(); ++i) values.push_back(duplicates.GetString(i, 0));
    throw Error(ErrorKind::kDataError,
                "duplicate key (" + Join(keys, ", ") + ")=(" + Join(values, ", ") + ") in exported rows",
                "SF605");
  }
}

FileWriteOptions ParseFileWriteOptions(const ResolvedParams& options) {
  FileWriteOptions o;
  o.path = options.GetString("path");
  o.keys = options.GetStringList("keys");
  if (options.Has("partition_by")) o.partition_by = options.GetStringList("partition_by");
  return o;
}

void FileDestination::Configure(const ResolvedParams& options) {
  options_ = options;
  configured_ = ParseFileWriteOptions(options);
}

ResolvedParams FileDestination::Effective(const WriteRequest& request) const {
  ResolvedParams out = options_;
  if (!request.options.type.empty()) out.type = request.options.type;
  if (!request.options.name.empty()) out.name = request.options.name;
  for (const auto& [key, value] : request.options.values.items()) out.values[key] = value;
  return out;
}

ConnectionTestResult FileDestination::TestConnection() {
  ConnectionTester tester;
  std::string directory;
  tester.Run("directory writable", [&] {
    const std::string& target = configured_.path;
    fs::path parent = target.empty() ? fs::path(".") : fs::path(StripSlash(target)).parent_path();
    if (parent.empty()) parent = ".";
    directory = NearestExistingAncestor(parent);
    if (::access(directory.c_str(), W_OK) != 0) {
      throw Error(ErrorKind::kPermissionDenied, "directory '" + directory + "' is not writable");
    }
    return directory;
  });
  return tester.Finish(Kind() + " destination writable: " + directory);
}

WriteResult FileDestination::Write(const WriteRequest& request, ExportInput& input) {
  const ResolvedParams options = Effective(request);
  const FileWriteOptions common = ParseFileWriteOptions(options);
  if (request.object.empty()) throw Error(ErrorKind::kInvalidConfig, Kind() + " destination: no target path");
  if (EndsWith(request.object, "/") || common.partition_by)
    return WriteDirectory(request, options, common, input);
  return WriteFile(request, options, common, input);
}

WriteResult FileDestination::WriteFile(const WriteRequest& request, const ResolvedParams& options,
                                       const FileWriteOptions& common, ExportInput& input) {
  switch (request.mode) {
    case WriteMode::kReplace:
      return ReplaceFile(request, options, input);
    case WriteMode::kAppend:
      return AppendFile(request, options, input);
    case WriteMode::kUpsert:
      return UpsertFile(request, options, common, input);
    case WriteMode::kIncremental:
      break;
  }
  throw Error(ErrorKind::kInternal, "unknown write mode");
}

WriteResult FileDestination::ReplaceFile(const WriteRequest& request, const ResolvedParams& options,
                                         ExportInput& input) {
  const std::string& target = request.object;
  EnsureParentDirectory(target);
  TempPathGuard temp(TempSiblingPath(target));
  WriteResult result;
  result.rows = input.CopyTo(temp.path(), CopyOptions(request, options, target, true));
  if (result.rows == 0) FixUpEmptyFile(request, options, temp.path());
  result.bytes = FileSizeOrZero(temp.path());
  CommitFile(temp.path(), target);
  temp.Release();
  result.written.push_back(target);
  result.detail = "replaced";
  return result;
}

WriteResult FileDestination::AppendFile(const WriteRequest& request, const ResolvedParams& options,
                                        ExportInput& input) {
  const std::string& target = request.object;
  if (!Exists(target) || FileSizeOrZero(target) == 0) {
    WriteResult result = ReplaceFile(request, options, input);
    result.detail = "created";
    return result;
  }
  if (!AppendsByConcatenation(request, options, target)) return Rewrite(request, options, input, {});
  CheckConcatenation(request, options, target, input.OutputSchema());
  TempPathGuard rows_file(TempSiblingPath(target));
  WriteResult result;
  result.rows = input.CopyTo(rows_file.path(), CopyOptions(request, options, target, false));
  TempPathGuard temp(TempSiblingPath(target));
  Concatenate(target, rows_file.path(), temp.path());
  result.bytes = FileSizeOrZero(temp.path());
  CommitFile(temp.path(), target);
  temp.Release();
  result.written.push_back(target);
  result.detail = "appended";
  return result;
}

WriteResult FileDestination::UpsertFile(const WriteRequest& request, const ResolvedParams& options,
                                        const FileWriteOptions& common, ExportInput& input) {
  std::vector<std::string> keys = request.keys;
  if (keys.empty()) keys = common.keys;
  CheckExportKeys(input, keys);
  if (!Exists(request.object) || FileSizeOrZero(request.object) == 0) {
    WriteResult result = ReplaceFile(request, options, input);
    result.detail = "created";
    return result;
  }
  return Rewrite(request, options, input, keys);
}

WriteResult FileDestination::Rewrite(const WriteRequest& request, const ResolvedParams& options,
                                     ExportInput& input, const std::vector<std::string>& keys) {
  const std::string& target = request.object;
  engine::Connection& connection = input.connection();
  const std::string sql = ExportSql(input);
  const std::string old_relation = ReadTarget(request, options, target);
  const auto target_columns = DescribeRelation(connection, old_relation);
  std::vector<std::string> target_names;
  for (const auto& column : target_columns) target_names.push_back(column.name);

  std::vector<std::string> export_select;
  for (const auto& field : input.OutputSchema()) {
    const ColumnInfo* existing = nullptr;
    for (const auto& column : target_columns) {
      if (EqualsIgnoreCase(column.name, field.name)) existing = &column;
    }
    if (!existing) {
      throw Error(ErrorKind::kDataError, Kind() + " destination: column '" + field.name +
                                             "' of the export does not exist in '" + target +
                                             "' (its columns: " + Join(target_names, ", ") + ")");
    }
    std::string expression = QuoteIdent(field.name);
    if (CastsRewrittenExport() && existing->type != field.type && !field.type.empty()) {
      std::optional<std::string> common;
      try {
        common = connection.QueryValue("SELECT typeof(x) FROM (SELECT CAST(NULL AS " + existing->type +
                                       ") AS x UNION ALL SELECT CAST(NULL AS " + field.type + ")) LIMIT 1");
      } catch (const Error&) {
        common.reset();  // no common type at all
      }
      // The file keeps its types: export values are cast to them, unless only text could hold both.
      if (!common || (*common == "VARCHAR" && existing->type != "VARCHAR")) {
        throw Error(ErrorKind::kDataError, Kind() + " destination: column '" + field.name + "' has type " +
                                               existing->type + " in '" + target + "' but " + field.type +
                                               " in the export");
      }
      expression = "CAST(" + expression + " AS " + existing->type + ") AS " + QuoteIdent(existing->name);
    }
    export_select.push_back(expression);
  }
  // Old rows keep their order and come first, then the export's rows in the query's order.
  std::string old_rows =
      "SELECT * FROM (SELECT *, 0 AS __sqlflow_part, row_number() OVER () AS __sqlflow_row FROM " +
      old_relation + ") AS __sqlflow_old";
  if (!keys.empty()) {
    std::vector<std::string> matches;
    for (const auto& key : keys) {
      matches.push_back("__sqlflow_new." + QuoteIdent(key) + " = __sqlflow_old." + QuoteIdent(key));
    }
    old_rows += " WHERE NOT EXISTS (SELECT 1 FROM (" + sql + ") AS __sqlflow_new WHERE " +
                Join(matches, " AND ") + ")";
  }
  const std::string new_rows = "SELECT " + Join(export_select, ", ") +
                               ", 1 AS __sqlflow_part, row_number() OVER () AS __sqlflow_row FROM (" + sql +
                               ") AS __sqlflow_export";
  const std::string query = "SELECT * EXCLUDE (__sqlflow_part, __sqlflow_row) FROM (" + old_rows +
                            " UNION ALL BY NAME " + new_rows + ") ORDER BY __sqlflow_part, __sqlflow_row";
  TempPathGuard temp(TempSiblingPath(target));
  connection.Execute("COPY (" + query + ") TO " + QuoteLiteral(temp.path()) + " (" +
                     CopyOptions(request, options, target, true) + ")");
  WriteResult result;
  result.rows = std::stoll(
      connection.QueryValue("SELECT count(*) FROM (" + sql + ") AS __sqlflow_export").value_or("0"));
  result.bytes = FileSizeOrZero(temp.path());
  CommitFile(temp.path(), target);
  temp.Release();
  result.written.push_back(target);
  result.detail = keys.empty() ? "appended (rewritten)" : "upserted (rewritten)";
  return result;
}

WriteResult FileDestination::WriteDirectory(const WriteRequest& request, const ResolvedParams& options,
                                            const FileWriteOptions& common, ExportInput& input) {
  if (request.mode == WriteMode::kUpsert) {
    throw Error(ErrorKind::kUnsupported,
                ToUpper(Kind()) + " destination does not support mode 'upsert'; supported: replace, append",
                "SF411");
  }
  const std::string directory = StripSlash(request.object);
  const std::string run_id = SafeRunId(request.run_id);
  const std::string extension = DataFileExtension(request, options);
  const std::vector<std::string> partition_by = common.partition_by.value_or(std::vector<std::string>{});
  std::string copy_options = CopyOptions(request, options, directory + "/data" + extension, true);
  if (!partition_by.empty()) {
    std::vector<std::string> quoted;
    for (const auto& column : partition_by) quoted.push_back(QuoteIdent(column));
    copy_options += ", PARTITION_BY (" + Join(quoted, ", ") + "), FILENAME_PATTERN " +
                    QuoteLiteral("data_" + run_id + "_{i}");
  }
  EnsureParentDirectory(directory);
  TempPathGuard temp(TempSiblingPath(directory));
  WriteResult result;
  if (partition_by.empty()) {
    std::error_code ec;
    fs::create_directories(temp.path(), ec);
    if (ec) throw Error(ErrorKind::kPermissionDenied, "cannot create '" + temp.path() + "': " + ec.message());
    result.rows = input.CopyTo(temp.path() + "/data_" + run_id + "_0" + extension, copy_options);
  } else {
    result.rows = input.CopyTo(temp.path(), copy_options);
  }
  result.bytes = TreeSize(temp.path());
  if (request.mode == WriteMode::kReplace) {
    CommitDirectory(temp.path(), directory);
    temp.Release();
    result.written.push_back(directory + "/");
    result.detail = "replaced directory";
    return result;
  }
  // Append: move each new file into the target tree under a name no existing file has.
  std::error_code ec;
  fs::create_directories(directory, ec);
  std::vector<fs::path> files;
  for (fs::recursive_directory_iterator it(temp.path(), ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file()) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    fs::path relative = fs::relative(file, temp.path());
    fs::path target_dir = fs::path(directory) / relative.parent_path();
    fs::create_directories(target_dir, ec);
    const std::string name = file.filename().string();
    const std::string file_extension =
        name.substr(name.find('.') == std::string::npos ? name.size() : name.find('.'));
    fs::path target;
    for (int n = 0;; ++n) {
      target = target_dir / ("data_" + run_id + "_" + std::to_string(n) + file_extension);
      if (!fs::exists(target, ec)) break;
    }
    SyncPath(file.string());
    fs::rename(file, target, ec);
    if (ec)
      throw Error(ErrorKind::kInternal, "cannot move '" + file.string() + "' to '" + target.string() + "'");
    result.written.push_back(target.string());
  }
  result.detail = "appended files";
  return result;
}

}  // namespace sqlflow::connectors

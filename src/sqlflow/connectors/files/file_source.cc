#include "sqlflow/connectors/files/file_source.h"
#include "sqlflow/connectors/base/now_ms.h"

#include <sys/stat.h>

#include <chrono>
#include <ctime>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/registry/options_util.h"
#include "sqlflow/connectors/registry/validate_util.h"

namespace sqlflow::connectors {
namespace {

std::string LastModified(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return "";
  std::tm utc{};
  gmtime_r(&info.st_mtime, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

}  // namespace

FixedEventStream::FixedEventStream(std::vector<ReadEvent> events, ReadStats stats)
    : events_(std::make_move_iterator(events.begin()), std::make_move_iterator(events.end())),
      stats_(stats) {}

ReadEvent FixedEventStream::Next() {
  if (cancelled_) throw Error(ErrorKind::kCancelled, "read cancelled");
  if (events_.empty()) return ReadEvent{};  // kEnd again after the end
  ReadEvent event = std::move(events_.front());
  events_.pop_front();
  return event;
}

std::string SqlStringList(const std::vector<std::string>& values) {
  std::vector<std::string> quoted;
  for (const auto& value : values) quoted.push_back(QuoteLiteral(value));
  return "[" + Join(quoted, ", ") + "]";
}

std::string CursorPredicate(const CursorBound& bound) {
  std::string value = QuoteLiteral(bound.value.text);
  if (!bound.value.type.empty()) value = "CAST(" + value + " AS " + bound.value.type + ")";
  return QuoteIdent(bound.field) + (bound.inclusive ? " >= " : " > ") + value;
}

std::string QuotedSelectList(const std::vector<std::string>& columns) {
  if (columns.empty()) return "*";
  std::vector<std::string> quoted;
  for (const auto& column : columns) quoted.push_back(QuoteIdent(column));
  return Join(quoted, ", ");
}

std::vector<ColumnInfo> DescribeRelation(engine::Connection& connection, const std::string& relation) {
  auto statement = connection.Prepare("SELECT * FROM " + relation);
  std::vector<ColumnInfo> columns;
  for (uint64_t i = 0; i < statement.column_count(); ++i) {
    columns.push_back({statement.column_name(i), statement.column_type(i).ToString()});
  }
  return columns;
}

void CheckColumnsExist(const std::vector<std::string>& requested, const std::vector<ColumnInfo>& available,
                       const std::string& object) {
  std::vector<std::string> names;
  for (const auto& column : available) names.push_back(column.name);
  for (const auto& column : requested) {
    bool found = false;
    for (const auto& name : names) found |= EqualsIgnoreCase(name, column);
    if (found) continue;
    std::string hint;
    if (auto close = DidYouMean(column, names)) hint = "did you mean '" + *close + "'?";
    throw Error(ErrorKind::kNotFound,
                "column '" + column + "' not found in " + object + "; available: " + Join(names, ", "), "",
                hint);
  }
}

bool ConnectionTester::Run(const std::string& name, const std::function<std::string()>& check) {
  if (failed_) return false;
  if (started_ms_ == 0) started_ms_ = NowMs();
  ConnectionCheck entry;
  entry.name = name;
  const int64_t start = NowMs();
  try {
    entry.detail = check();
    entry.ok = true;
  } catch (const Error& error) {
    entry.detail = error.what();
    result_.kind = error.kind();
  } catch (const std::exception& error) {
    entry.detail = error.what();
    result_.kind = ErrorKind::kInternal;
  }
  entry.elapsed_ms = NowMs() - start;
  if (!entry.ok) {
    failed_ = true;
    result_.message = name + ": " + entry.detail;
  }
  result_.checks.push_back(std::move(entry));
  return !failed_;
}

ConnectionTestResult ConnectionTester::Finish(const std::string& success_message) {
  result_.ok = !failed_;
  if (!failed_) {
    result_.kind = ErrorKind::kOk;
    result_.message = success_message;
  }
  // Only the first line: messages are one line.
  if (auto newline = result_.message.find('\n'); newline != std::string::npos) {
    result_.message = result_.message.substr(0, newline);
  }
  result_.elapsed_ms = started_ms_ ? NowMs() - started_ms_ : 0;
  return result_;
}

std::string FileScanHooks::Prefix() const {
  std::string prefix = kind_ + " source '" + source_name_ + "': ";
  if (files_.size() == 1) prefix += files_.front() + ": ";
  return prefix;
}

Error FileScanHooks::TranslateError(const Error& error) const {
  if (error.kind() == ErrorKind::kCancelled) return error;
  return Error(error.kind(), Prefix() + error.what(), error.code(), error.hint());
}

FileSourceOptions ParseFileSourceOptions(const ResolvedParams& params, std::vector<ParamIssue>& issues) {
  FileSourceOptions o;
  o.type = params.type;
  o.name = params.name;
  o.paths = params.GetStringList("path");
  o.allow_no_files = params.GetBool("allow_no_files");
  o.columns = params.GetStringList("columns");
  if (o.paths.empty()) {
    AddIssue(issues, Severity::kError, "SF403",
             ToUpper(params.type) + " connector: missing required parameter 'path'", "path");
  }
  return o;
}

void FileSource::Configure(const ResolvedParams& params) {
  std::vector<ParamIssue> issues;
  file_options_ = ParseFileSourceOptions(params, issues);
  ThrowFirstError(issues);
}

std::vector<std::string> FileSource::MatchedFiles() const {
  PathRules rules = Rules();
  rules.allow_no_files = file_options_.allow_no_files;
  return ResolveFiles(file_options_.paths, rules);
}

std::optional<std::string> FileSource::MissingFiles() const {
  try {
    MatchedFiles();
    return std::nullopt;
  } catch (const Error& error) {
    if (error.kind() != ErrorKind::kNotFound) return std::nullopt;  // other problems surface at run time
    return std::string(error.what());
  }
}

std::string FileSource::ObjectLabel() const {
  const std::vector<std::string>& paths = file_options_.paths;
  if (paths.size() == 1) return "'" + paths.front() + "'";
  std::vector<std::string> quoted;
  for (const auto& path : paths) quoted.push_back("'" + path + "'");
  return "[" + Join(quoted, ", ") + "]";
}

std::vector<ObjectRef> FileSource::Discover(engine::Connection& scratch) {
  (void)scratch;
  std::vector<ObjectRef> out;
  for (const auto& file : MatchedFiles()) {
    ObjectRef ref;
    ref.name = file;
    ref.kind = "file";
    ref.size_bytes = FileSizeOrZero(file);
    if (std::string modified = LastModified(file); !modified.empty()) ref.last_modified = modified;
    out.push_back(std::move(ref));
  }
  return out;
}

Schema FileSource::GetSchema(std::string_view object, engine::Connection& scratch) {
  (void)object;
  auto files = MatchedFiles();
  if (files.empty()) return {};
  CheckFiles(files);
  Schema schema;
  for (const auto& column : DescribeRelation(scratch, Relation(files, &scratch))) {
    schema.push_back({column.name, column.type, true, TypePrefix() + ":" + column.type});
  }
  return schema;
}

std::unique_ptr<ReadStream> FileSource::Read(const ReadRequest& request, ReadContext& context) {
  const auto start = NowMs();
  auto files = MatchedFiles();
  ReadStats stats;
  std::vector<ReadEvent> events;
  if (files.empty()) {
    ReadEvent end;
    end.end.warnings.push_back("no files match " + ObjectLabel() + "; read 0 rows");
    events.push_back(std::move(end));
    return std::make_unique<FixedEventStream>(std::move(events), stats);
  }
  CheckFiles(files);
  ReadEvent scan_event;
  scan_event.kind = ReadEvent::Kind::kFileScan;
  FileScan& scan = scan_event.scan;
  scan.reader = Reader();
  scan.files = files;
  for (const auto& file : files) {
    scan.display_names[file] = file;
    stats.bytes += FileSizeOrZero(file);
  }
  if (request.cursor) scan.where = CursorPredicate(*request.cursor);
  scan.limit = request.limit;
  const std::string source_name = context.source_name.empty() ? file_options_.name : context.source_name;
  scan.hooks = std::make_shared<FileScanHooks>(ToUpper(TypePrefix()), source_name, files);
  FinishScan(scan, source_name, context.connection);
  std::vector<std::string> columns = request.columns;
  if (columns.empty()) columns = file_options_.columns;
  if (!columns.empty()) {
    if (context.connection) {
      CheckColumnsExist(columns, DescribeRelation(*context.connection, scan.table_function), ObjectLabel());
    }
    scan.select_list = QuotedSelectList(columns);
  }
  events.push_back(std::move(scan_event));
  events.push_back(ReadEvent{});
  stats.elapsed_ms = NowMs() - start;
  return std::make_unique<FixedEventStream>(std::move(events), stats);
}

}  // namespace sqlflow::connectors

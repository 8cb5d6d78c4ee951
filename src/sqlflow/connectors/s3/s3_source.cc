// The s3 source (CONNECTORS.md §3.6 "Source behaviour"): list (or HEAD) -> format filter -> incremental
// pushdown on _s3_last_modified -> limits -> dev_* sampling -> parallel downloads into the run's temp
// directory -> one FileScan built by the format's own file source over the local copies, wrapped so that
// `filename` shows s3:// names and include_metadata adds _s3_key / _s3_last_modified.
#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/base/now_ms.h"
#include "sqlflow/connectors/files/file_source.h"
#include "sqlflow/connectors/registry/registry.h"
#include "sqlflow/connectors/registry/validate_util.h"
#include "sqlflow/connectors/s3/s3_client.h"
#include "sqlflow/connectors/s3/s3_connector.h"
#include "sqlflow/net/retry_params.h"

namespace sqlflow::connectors {
namespace {

using s3::S3Location;
using s3::S3ObjectInfo;
using s3::S3Options;

constexpr const char* kModifiedColumn = "_s3_last_modified";

uint64_t Fnv1a(const std::string& text) {
  uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

std::string Gb(double bytes) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", bytes / (1024.0 * 1024.0 * 1024.0));
  return buffer;
}

// Objects selected by the location: HEAD for one key, a listing otherwise (folder markers skipped).
std::vector<S3ObjectInfo> SelectObjects(s3::S3Client& client, const S3Location& location) {
  std::vector<S3ObjectInfo> out;
  if (location.kind == S3Location::Kind::kKey) {
    if (auto head = client.Head(location.bucket, location.key)) out.push_back(*head);
    return out;
  }
  for (auto& object : client.ListAll(location.bucket, location.prefix)) {
    if (object.key.empty() || object.key.back() == '/') continue;
    if (location.kind == S3Location::Kind::kPattern && !s3::GlobMatch(location.pattern, object.key)) continue;
    out.push_back(std::move(object));
  }
  return out;
}

// The format of the read: the configured one, or the objects' extensions (unknown ones skipped with a
// warning; a single unknown key is an error; several formats are an error).
std::string ResolveFormat(const S3Options& options, std::vector<S3ObjectInfo>& objects,
                          std::vector<std::string>& warnings) {
  if (options.format != "auto") return options.format;
  std::set<std::string> formats;
  std::vector<S3ObjectInfo> kept;
  for (auto& object : objects) {
    const s3::KeyFormat key = s3::FormatOfKey(object.key);
    if (key.format.empty()) {
      if (options.location.kind == S3Location::Kind::kKey) {
        throw Error(ErrorKind::kInvalidConfig,
                    "S3 connector: cannot tell the format of s3://" + options.location.bucket + "/" +
                        object.key + " (unknown extension '" + key.extension + "')",
                    "", "set format: csv, tsv, parquet, json or jsonl");
      }
      warnings.push_back("S3 connector: skipped s3://" + options.location.bucket + "/" + object.key +
                         " (unknown extension '" + key.extension + "')");
      continue;
    }
    formats.insert(key.format == "tsv" ? "tsv" : key.format);
    kept.push_back(std::move(object));
  }
  objects = std::move(kept);
  if (formats.size() > 1) {
    throw Error(ErrorKind::kInvalidConfig,
                "S3 connector: objects of several formats (" + Join({formats.begin(), formats.end()}, ", ") +
                    ") match " + options.location.Uri(),
                "", "set format, or select one kind with a glob such as *.csv");
  }
  return formats.empty() ? "csv" : *formats.begin();
}

// Keeps the objects whose LastModified is past the bound (pushdown of a _s3_last_modified cursor).
void FilterByModified(std::vector<S3ObjectInfo>& objects, const CursorBound& bound,
                      engine::Connection* conn) {
  if (!conn || objects.empty()) return;
  std::string values;
  for (size_t i = 0; i < objects.size(); ++i) {
    values += std::string(i ? ", " : "") + "(" + std::to_string(i) + ", " +
              QuoteLiteral(objects[i].last_modified) + ")";
  }
  std::string bound_value = QuoteLiteral(bound.value.text);
  if (!bound.value.type.empty()) bound_value = "CAST(" + bound_value + " AS " + bound.value.type + ")";
  auto result = conn->Query("SELECT i FROM (VALUES " + values + ") AS v(i, m) WHERE CAST(m AS TIMESTAMPTZ) " +
                            (bound.inclusive ? ">= " : "> ") + bound_value + " ORDER BY i");
  std::vector<S3ObjectInfo> kept;
  for (uint64_t row = 0; row < result.row_count(); ++row) {
    kept.push_back(objects[std::stoull(result.GetString(0, row))]);
  }
  objects = std::move(kept);
}

void ApplyLimits(const S3Options& options, std::vector<S3ObjectInfo>& objects,
                 std::vector<std::string>& warnings) {
  const std::string where = options.location.Uri();
  if (static_cast<int64_t>(objects.size()) > options.max_files_per_run) {
    throw Error(ErrorKind::kInvalidConfig,
                "S3 connector: " + std::to_string(objects.size()) + " objects match " + where +
                    ", more than max_files_per_run (" + std::to_string(options.max_files_per_run) + ")",
                "", "narrow the prefix or glob, or raise max_files_per_run");
  }
  double total = 0;
  for (const auto& object : objects) total += static_cast<double>(object.size);
  if (total > options.max_data_size_gb * 1024.0 * 1024.0 * 1024.0) {
    throw Error(ErrorKind::kInvalidConfig,
                "S3 connector: the objects matching " + where + " hold " + Gb(total) +
                    " GB, more than max_data_size_gb (" + FormatNumber(options.max_data_size_gb) + ")",
                "", "narrow the prefix or glob, or raise max_data_size_gb");
  }
  std::sort(objects.begin(), objects.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  if (options.dev_sampling) {
    const size_t before = objects.size();
    std::vector<S3ObjectInfo> kept;
    for (const auto& object : objects) {
      if (static_cast<double>(Fnv1a(object.key)) / 18446744073709551616.0 < *options.dev_sampling) {
        kept.push_back(object);
      }
    }
    if (kept.empty() && !objects.empty()) kept.push_back(objects.front());
    objects = std::move(kept);
    warnings.push_back("S3 connector: dev_sampling " + FormatNumber(*options.dev_sampling) + " kept " +
                       std::to_string(objects.size()) + " of " + std::to_string(before) + " objects");
  }
  if (options.dev_max_files && static_cast<int64_t>(objects.size()) > *options.dev_max_files) {
    warnings.push_back("S3 connector: dev_max_files " + std::to_string(*options.dev_max_files) + " kept " +
                       std::to_string(*options.dev_max_files) + " of " + std::to_string(objects.size()) +
                       " objects");
    objects.resize(static_cast<size_t>(*options.dev_max_files));
  }
}

void CheckFreeSpace(const std::string& dir, const std::vector<S3ObjectInfo>& objects) {
  double needed = 0;
  for (const auto& object : objects) needed += static_cast<double>(object.size);
  struct statvfs info {};
  if (::statvfs(dir.c_str(), &info) != 0) return;
  const double free_bytes = static_cast<double>(info.f_bavail) * static_cast<double>(info.f_frsize);
  if (needed > free_bytes) {
    throw Error(ErrorKind::kInvalidConfig,
                "S3 connector: the download needs " + Gb(needed) + " GB in " + dir + ", " + Gb(free_bytes) +
                    " GB free",
                "", "free space there, set TMPDIR, or narrow the selection");
  }
}

// Downloads every object to `paths[i]`, up to `parallel` at a time; the first failure cancels the rest.
void DownloadAll(s3::S3Client& client, const std::string& bucket, std::vector<S3ObjectInfo>& objects,
                 const std::vector<std::string>& paths, int64_t parallel, CancelToken& cancel) {
  std::mutex mutex;
  size_t next = 0;
  std::exception_ptr failure;
  auto worker = [&] {
    std::unique_ptr<s3::S3Client> own = client.Clone();
    for (;;) {
      size_t index;
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (failure || next >= objects.size()) return;
        index = next++;
      }
      try {
        own->Download(bucket, objects[index], paths[index]);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!failure) failure = std::current_exception();
        return;
      }
    }
  };
  const size_t threads =
      std::min<size_t>(static_cast<size_t>(std::max<int64_t>(parallel, 1)), objects.size());
  std::vector<std::thread> pool;
  for (size_t i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
  (void)cancel;
  if (failure) std::rethrow_exception(failure);
}

// The parameters of the format's own file source over the local copies.
ResolvedParams InnerParams(const ResolvedParams& params, const std::string& format, const S3Options& options,
                           const std::vector<std::string>& files, const ConnectorTypeInfo& inner) {
  nlohmann::ordered_json values = nlohmann::ordered_json::object();
  for (const auto& spec : inner.params) {
    if (spec.name == "path" || spec.name == "format" || spec.name == "compression" || spec.name == "columns")
      continue;
    if (params.values.contains(spec.name) && !params.values[spec.name].is_null()) {
      values[spec.name] = params.values[spec.name];
    }
  }
  values["path"] = files;
  values["include_filename"] = true;  // replaced by the s3:// name in the wrapper
  values["compression"] = options.compression;
  if (format == "tsv" && !params.values.contains("delimiter")) values["delimiter"] = "\t";
  if (format == "jsonl") values["format"] = "newline_delimited";
  return WithDefaults(inner, params.name, values);
}

// Removes a download directory unless the read succeeded (then the stream owns it).
struct DirGuard {
  std::string dir;
  bool keep = false;
  ~DirGuard() {
    std::error_code ignored;
    if (!keep) std::filesystem::remove_all(dir, ignored);
  }
};

class S3ReadStream : public ReadStream {
 public:
  S3ReadStream(std::vector<ReadEvent> events, ReadStats stats, std::string temp_dir)
      : events_(std::move(events)), stats_(stats), temp_dir_(std::move(temp_dir)) {}
  ~S3ReadStream() override { Cleanup(); }

  ReadEvent Next() override {
    if (cancelled_) {
      Cleanup();
      throw Error(ErrorKind::kCancelled, "read cancelled");
    }
    if (next_ >= events_.size()) {
      Cleanup();  // temp files go when the stream ends (§3.6 step 3)
      return ReadEvent{};
    }
    ReadEvent event = std::move(events_[next_++]);
    if (event.kind == ReadEvent::Kind::kEnd) Cleanup();
    return event;
  }
  void Cancel() override { cancelled_ = true; }
  ReadStats Stats() const override { return stats_; }

 private:
  void Cleanup() {
    if (temp_dir_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(temp_dir_, ignored);
    temp_dir_.clear();
  }

  std::vector<ReadEvent> events_;
  size_t next_ = 0;
  ReadStats stats_;
  std::string temp_dir_;
  std::atomic<bool> cancelled_{false};
};

class S3Source : public Source {
 public:
  void Configure(const ResolvedParams& params) override;
  ConnectionTestResult TestConnection(engine::Connection& scratch) override;
  std::vector<ObjectRef> Discover(engine::Connection& scratch) override;
  Schema GetSchema(std::string_view object, engine::Connection& scratch) override;
  std::unique_ptr<ReadStream> Read(const ReadRequest& request, ReadContext& context) override;
  IncrementalSupport SupportsIncremental() const override { return IncrementalSupport::kEngineFilter; }
  ObjectMode Objects() const override { return ObjectMode::kSingle; }

 private:
  std::unique_ptr<s3::S3Client> MakeClient(CancelToken* cancel) const;
  FileScan BuildScan(const ReadRequest& request, ReadContext& context, const std::string& format,
                     const std::vector<S3ObjectInfo>& objects, const std::vector<std::string>& files,
                     bool metadata) const;

  ResolvedParams params_;
  S3Options options_;
};

void S3Source::Configure(const ResolvedParams& params) {
  params_ = params;
  std::vector<s3::S3OptionIssue> issues;
  options_ = s3::ParseS3Options(params.values, true, issues);
  for (const auto& issue : issues) {
    if (issue.error) throw Error(ErrorKind::kInvalidConfig, issue.message);
  }
}

std::unique_ptr<s3::S3Client> S3Source::MakeClient(CancelToken* cancel) const {
  auto config = std::make_shared<s3::S3ClientConfig>();
  config->options = options_;
  config->credentials = s3::ResolveCredentials(options_);
  config->retry = net::ParseRetryOptions("s3", params_.values);
  config->prefix = "S3 source '" + params_.name + "'";
  config->cancel = cancel;
  return std::make_unique<s3::S3Client>(config);
}

FileScan S3Source::BuildScan(const ReadRequest& request, ReadContext& context, const std::string& format,
                             const std::vector<S3ObjectInfo>& objects, const std::vector<std::string>& files,
                             bool metadata) const {
  const std::string type = format == "tsv" ? "csv" : format == "jsonl" ? "json" : format;
  const ConnectorTypeInfo* inner_type = BuiltinRegistries().sources.Find(type);
  if (!inner_type || !inner_type->make_source)
    throw Error(ErrorKind::kInternal, "no file source for " + type);
  auto inner = inner_type->make_source();
  inner->Configure(InnerParams(params_, format, options_, files, *inner_type));
  ReadRequest plain;  // projection, cursor and limit apply to the wrapped relation below
  auto stream = inner->Read(plain, context);
  ReadEvent event = stream->Next();
  if (event.kind != ReadEvent::Kind::kFileScan) throw Error(ErrorKind::kInternal, "file source gave no scan");
  FileScan scan = std::move(event.scan);
  // Local copy -> s3:// name and LastModified, joined on the reader's filename column.
  std::string values;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string uri = "s3://" + options_.location.bucket + "/" + objects[i].key;
    scan.display_names[files[i]] = uri;
    values += std::string(i ? ", " : "") + "(" + QuoteLiteral(files[i]) + ", " + QuoteLiteral(uri) + ", " +
              (objects[i].last_modified.empty() ? "NULL" : QuoteLiteral(objects[i].last_modified)) + ")";
  }
  std::string select = "t.* EXCLUDE (filename)";
  if (metadata) select += ", m._s3_key, CAST(m._s3_modified AS TIMESTAMPTZ) AS _s3_last_modified";
  if (params_.GetBool("include_filename", false)) select += ", m._s3_key AS filename";
  scan.table_function = "(SELECT " + select + " FROM " + scan.table_function + " AS t JOIN (VALUES " +
                        values + ") AS m(_local, _s3_key, _s3_modified) ON t.filename = m._local)";
  std::vector<std::string> columns = request.columns;
  if (columns.empty()) columns = params_.GetStringList("columns");
  if (!columns.empty()) {
    if (context.connection) {
      CheckColumnsExist(columns, DescribeRelation(*context.connection, scan.table_function),
                        options_.location.Uri());
    }
    scan.select_list = QuotedSelectList(columns);
  }
  if (request.cursor) scan.where = CursorPredicate(*request.cursor);
  scan.limit = request.limit;
  return scan;
}

std::unique_ptr<ReadStream> S3Source::Read(const ReadRequest& request, ReadContext& context) {
  const int64_t start = NowMs();
  CancelToken own_cancel;  // when the caller gives no run token
  CancelToken& cancel = context.cancel ? *context.cancel : own_cancel;
  auto client = MakeClient(&cancel);
  std::vector<std::string> warnings;
  std::vector<S3ObjectInfo> objects = SelectObjects(*client, options_.location);
  const std::string format = ResolveFormat(options_, objects, warnings);
  // A _s3_last_modified cursor adds the metadata columns on every run; with a bound it is pushed down.
  const bool by_modified = EqualsIgnoreCase(params_.GetString("cursor_field"), kModifiedColumn);
  if (objects.empty()) throw Error(ErrorKind::kNotFound, "no objects match " + options_.location.Uri());
  if (by_modified && request.cursor) FilterByModified(objects, *request.cursor, context.connection);
  ApplyLimits(options_, objects, warnings);
  ReadStats stats;
  std::vector<ReadEvent> events;
  if (objects.empty()) {  // nothing newer than the watermark
    ReadEvent end;
    end.end.warnings = warnings;
    end.end.warnings.push_back("no objects under " + options_.location.Uri() +
                               " are newer than the watermark");
    events.push_back(std::move(end));
    return std::make_unique<S3ReadStream>(std::move(events), stats, "");
  }
  std::random_device random;
  const std::filesystem::path base = context.run_temp_dir.empty()
                                         ? std::filesystem::temp_directory_path()
                                         : std::filesystem::path(context.run_temp_dir);
  const std::string dir = (base / ("s3-" + std::to_string(random()) + std::to_string(random()))).string();
  std::filesystem::create_directories(dir);
  DirGuard guard{dir};
  CheckFreeSpace(dir, objects);
  std::vector<std::string> files;
  for (size_t i = 0; i < objects.size(); ++i) {
    const s3::KeyFormat key = s3::FormatOfKey(objects[i].key);
    std::string extension =
        key.extension.empty() ? "." + (format == "jsonl" ? std::string("jsonl") : format) : key.extension;
    if (key.compression == "gzip") extension += ".gz";
    if (key.compression == "zstd") extension += ".zst";
    files.push_back(dir + "/" + std::to_string(i) + extension);
  }
  DownloadAll(*client, options_.location.bucket, objects, files, options_.max_concurrent_downloads, cancel);
  ReadEvent scan_event;
  scan_event.kind = ReadEvent::Kind::kFileScan;
  scan_event.scan =
      BuildScan(request, context, format, objects, files, options_.include_metadata || by_modified);
  for (const auto& object : objects) stats.bytes += object.size;
  stats.requests = static_cast<int64_t>(objects.size());
  stats.elapsed_ms = NowMs() - start;
  events.push_back(std::move(scan_event));
  ReadEvent end;
  end.end.warnings = warnings;
  events.push_back(std::move(end));
  guard.keep = true;  // the stream deletes the directory when it ends
  return std::make_unique<S3ReadStream>(std::move(events), stats, dir);
}

ConnectionTestResult S3Source::TestConnection(engine::Connection& scratch) {
  (void)scratch;
  ConnectionTester tester;
  std::unique_ptr<s3::S3Client> client;
  std::string message;
  tester.Run("credentials", [&] {
    client = MakeClient(nullptr);
    return "found (" + client->config().credentials.origin + ")";
  });
  tester.Run("bucket", [&] {
    const S3Location& location = options_.location;
    if (location.kind == S3Location::Kind::kKey) {
      auto head = client->Head(location.bucket, location.key);
      if (!head) throw Error(ErrorKind::kNotFound, "no such key " + location.Uri());
      message = "S3 object " + location.Uri() + " reachable at " + client->Endpoint() + " (" +
                std::to_string(head->size) + " bytes)";
    } else {
      auto page = client->ListPage(location.bucket, location.prefix, "", 1);
      message = "S3 bucket '" + location.bucket + "' reachable at " + client->Endpoint() + " (prefix '" +
                location.prefix + "' " + (page.objects.empty() ? "is empty" : "has objects") + ")";
    }
    return message;
  });
  return tester.Finish(message);
}

std::vector<ObjectRef> S3Source::Discover(engine::Connection& scratch) {
  (void)scratch;
  auto client = MakeClient(nullptr);
  std::vector<ObjectRef> out;
  for (const auto& object : SelectObjects(*client, options_.location)) {
    ObjectRef ref;
    ref.name = "s3://" + options_.location.bucket + "/" + object.key;
    ref.kind = "object";
    ref.size_bytes = object.size;
    ref.last_modified = object.last_modified;
    out.push_back(std::move(ref));
  }
  return out;
}

Schema S3Source::GetSchema(std::string_view object, engine::Connection& scratch) {
  (void)object;
  // Reads the data (there is no other way to know the columns of a file format): downloads, then describes.
  ReadContext context;
  context.connection = &scratch;
  auto stream = Read(ReadRequest{}, context);
  ReadEvent event = stream->Next();
  Schema schema;
  if (event.kind != ReadEvent::Kind::kFileScan) return schema;
  for (const auto& column : DescribeRelation(scratch, event.scan.table_function)) {
    schema.push_back({column.name, column.type, true, "s3:" + column.type});
  }
  return schema;
}

}  // namespace

std::unique_ptr<Source> MakeS3Source() {
  return std::make_unique<S3Source>();
}

}  // namespace sqlflow::connectors

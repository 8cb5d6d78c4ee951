// The google_sheets read (CONNECTORS.md §3.8 "Protocol"): metadata (the sheet and its grid row count), the
// header row once, then consecutive windows of batch_size rows, each one `values.get` retried whole and
// delivered as one Batch. Only these requests are made (§6.1): no TestConnection, Discover or GetSchema
// before a LOAD, no page read twice. The windows are fetched on the producer thread of a ProducerStream
// (connectors/base/producer_stream.h), a window or two ahead of the executor; Cancel() (from any thread)
// aborts the transfer in flight through the client's CancelToken (the producer's stop token).
#include "sqlflow/connectors/google_sheets/sheets_source.h"
#include "sqlflow/connectors/base/now_ms.h"
#include "sqlflow/connectors/base/producer_stream.h"
#include "sqlflow/connectors/registry/options_util.h"
#include "sqlflow/net/source_error.h"

#include <algorithm>
#include <functional>
#include <set>

#include "sqlflow/common/cancel.h"
#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/google_sheets/sheets_client.h"
#include "sqlflow/connectors/google_sheets/sheets_options.h"
#include "sqlflow/connectors/rest/json_records.h"

namespace sqlflow::connectors::google_sheets {
namespace {

// The rows and columns one read covers, from the options, the sheet and its grid size.
struct Plan {
  std::string sheet;
  int64_t first_row = 1;       // the header row when has_header
  int64_t last_row = 0;        // inclusive; < first_row: nothing to read
  int64_t col1 = 0, col2 = 0;  // 0: whole rows

  std::string Range(int64_t r1, int64_t r2) const {
    const std::string rows = std::to_string(r1);
    if (col1 == 0) return QuoteSheet(sheet) + "!" + rows + ":" + std::to_string(r2);
    return QuoteSheet(sheet) + "!" + ColumnLetters(col1) + rows + ":" + ColumnLetters(col2) +
           std::to_string(r2);
  }
  int64_t FirstColumn() const { return col1 == 0 ? 1 : col1; }
};

Plan MakePlan(const SheetsOptions& options, const SheetInfo& sheet) {
  Plan plan;
  plan.sheet = sheet.title;
  plan.last_row = sheet.row_count;
  if (options.range && options.range->has_cells) {
    const A1Range& r = *options.range;
    plan.first_row = r.row1 > 0 ? r.row1 : 1;
    if (r.row2 > 0) plan.last_row = std::min(plan.last_row, r.row2);
    plan.col1 = r.col1;
    plan.col2 = r.col2;
  }
  return plan;
}

// Header cells to column names: trimmed text; empty -> the column letter; repeats -> name_2, name_3.
std::vector<std::string> HeaderNames(const json::JsonPage& page, int64_t first_column) {
  std::vector<std::string> names;
  std::set<std::string> used;
  const int64_t width = page.TextAt("values.0") ? page.CountRecords("values.0") : 0;
  bool any = false;
  for (int64_t i = 0; i < width; ++i) {
    std::string name = Trim(page.TextAt("values.0." + std::to_string(i)).value_or(""));
    any = any || !name.empty();
    if (name.empty()) name = ColumnLetters(first_column + i);
    std::string unique = name;
    for (int n = 2; used.count(unique); ++n) unique = name + "_" + std::to_string(n);
    used.insert(unique);
    names.push_back(unique);
  }
  if (!any) names.clear();
  return names;
}

json::RecordsOptions RecordsOptionsFor(const SheetsOptions& options, const ReadRequest& request) {
  json::RecordsOptions records;
  records.flatten = false;
  records.infer_types = options.infer_types;
  records.projection = request.columns;
  records.declared = options.column_types;
  records.source_label = "google_sheets";
  return records;
}

std::string SheetFor(const SheetsOptions& options, const std::string& object, const std::string& prefix) {
  if (!options.sheet_name.empty()) return options.sheet_name;
  if (!object.empty()) return object;
  throw Error(ErrorKind::kInvalidConfig, prefix + ": no sheet named", "", "set sheet_name (or sheet)");
}

const SheetInfo& FindSheet(const SpreadsheetInfo& info, const std::string& title) {
  const SheetInfo* sheet = info.Find(title);
  if (!sheet)
    throw Error(
        ErrorKind::kNotFound,
        "sheet '" + title + "' not found in spreadsheet '" + info.title + "'; available: " + info.Titles(),
        "", "set sheet_name to one of the available titles (case and spaces matter)");
  return *sheet;
}

// Reads the header (when has_header) and returns the column names and the first data row.
std::vector<std::string> ReadHeader(SheetsClient& client, const SheetsOptions& options, const Plan& plan,
                                    int64_t* data_row) {
  *data_row = plan.first_row;
  if (!options.has_header) return {};
  auto page = client.Values(plan.Range(plan.first_row, plan.first_row));
  std::vector<std::string> names = HeaderNames(*page, plan.FirstColumn());
  if (names.empty())
    throw Error(ErrorKind::kDataError,
                "header row " + std::to_string(plan.first_row) + " of sheet '" + plan.sheet + "' is empty",
                "",
                "put column names in that row, set range to start at the header, or set has_header: false");
  *data_row = plan.first_row + 1;
  return names;
}

// The producer of a google_sheets read (ProducerStream runs it on its thread): while the executor appends
// one window, the next one is already requested.
class SheetsProducer : public Producer {
 public:
  SheetsProducer(const SheetsOptions& options, std::string prefix, SheetsRuntime runtime, ReadRequest request)
      : options_(options),
        request_(std::move(request)),
        client_(options_, std::move(prefix), runtime.clock, runtime.sleeper, &stop_token()),
        builder_(RecordsOptionsFor(options_, request_)) {}

  // Every message leaves the stream prefixed and with secrets masked.
  void Produce(ProducerSink& sink) override {
    net::RunAsSource(
        client_.prefix(), [this](std::string_view text) { return client_.Scrub(text); }, [&] { Read(sink); });
  }

 private:
  void Read(ProducerSink& sink) {
    Start(sink);
    while (!sink.Stopping()) {
      const bool limited = request_.limit && builder_.rows() >= *request_.limit;
      if (next_row_ > plan_.last_row || limited) return Finish(sink);
      if (!FetchWindow(sink)) return;
    }
  }

  void Start(ProducerSink& sink) {
    client_.Start();
    const SpreadsheetInfo info = client_.Metadata();
    const SheetInfo& sheet = FindSheet(info, SheetFor(options_, request_.object, client_.prefix()));
    plan_ = MakePlan(options_, sheet);
    if (plan_.first_row > plan_.last_row) {
      if (options_.has_header)
        throw Error(
            ErrorKind::kDataError,
            "header row " + std::to_string(plan_.first_row) + " of sheet '" + plan_.sheet + "' is empty", "",
            "the sheet has " + std::to_string(sheet.row_count) + " rows");
      next_row_ = plan_.first_row;
      return;
    }
    names_ = ReadHeader(client_, options_, plan_, &next_row_);
    UpdateStats(sink);
  }

  // One window of batch_size rows, one request; false when the stream is going away.
  bool FetchWindow(ProducerSink& sink) {
    const int64_t window =
        std::max<int64_t>(1, request_.batch_size > 0 ? request_.batch_size : options_.batch_size);
    const int64_t end_row = std::min(plan_.last_row, next_row_ + window - 1);
    auto page = client_.Values(plan_.Range(next_row_, end_row));
    next_row_ = end_row + 1;
    const int64_t first_column = plan_.FirstColumn();
    const size_t header_width = names_.size();
    builder_.AddRows(
        *page, "values", names_,
        [&](size_t index) {
          const std::string name = ColumnLetters(first_column + static_cast<int64_t>(index));
          if (options_.has_header && extra_warned_.insert(name).second)
            warnings_.push_back(client_.prefix() + ": cells beyond the header width (" +
                                std::to_string(header_width) + " columns) loaded as column '" + name + "'");
          return name;
        },
        options_.skip_empty_rows);
    UpdateStats(sink);
    return sink.PushAll(builder_.Take());
  }

  void Finish(ProducerSink& sink) {
    std::optional<ReadEvent> schema;
    ReadEvent end;
    end.kind = ReadEvent::Kind::kEnd;
    end.end = builder_.Finish(&schema);
    if (builder_.sent_schema().empty() && !schema && !names_.empty()) {
      // A header and no data rows: the columns still exist (VARCHAR, all NULL).
      ReadEvent header;
      header.kind = ReadEvent::Kind::kSchema;
      for (const auto& name : names_)
        if (request_.columns.empty() ||
            std::find(request_.columns.begin(), request_.columns.end(), name) != request_.columns.end())
          header.schema.push_back(Field{name, "VARCHAR", true, "google_sheets:VARCHAR"});
      schema = std::move(header);
    }
    for (const auto& w : warnings_) end.end.warnings.push_back(client_.Scrub(w));
    if (schema) sink.Push(std::move(*schema));
    sink.Push(std::move(end));
  }

  // Rows are counted by the sink as batches are queued.
  void UpdateStats(ProducerSink& sink) {
    sink.UpdateStats([this](ReadStats& stats) {
      stats.requests = client_.requests();
      stats.retries = client_.retries();
      stats.bytes = client_.bytes();
    });
  }

  SheetsOptions options_;
  ReadRequest request_;
  SheetsClient client_;  // its requests and backoff sleeps observe stop_token()
  json::RecordsBuilder builder_;
  Plan plan_;
  std::vector<std::string> names_;
  int64_t next_row_ = 1;
  std::vector<std::string> warnings_;
  std::set<std::string> extra_warned_;
};

std::unique_ptr<ReadStream> MakeStream(const SheetsOptions& options, const std::string& prefix,
                                       const SheetsRuntime& runtime, const ReadRequest& request,
                                       CancelToken* run_cancel) {
  return std::make_unique<ProducerStream>(std::make_unique<SheetsProducer>(options, prefix, runtime, request),
                                          prefix, run_cancel);
}

ConnectionCheck Check(const std::string& name, const std::function<std::string()>& body, ErrorKind* kind) {
  ConnectionCheck check{name, false, "", 0};
  const int64_t start = NowMs();
  try {
    check.detail = body();
    check.ok = true;
  } catch (const Error& error) {
    check.detail = error.what();
    if (!error.hint().empty()) check.detail += " (" + error.hint() + ")";
    *kind = error.kind();
  } catch (const std::exception& error) {
    check.detail = error.what();
    *kind = ErrorKind::kInternal;
  }
  check.elapsed_ms = NowMs() - start;
  return check;
}

class SheetsSource : public Source {
 public:
  explicit SheetsSource(SheetsRuntime runtime) : runtime_(runtime) {}

  void Configure(const ResolvedParams& params) override {
    std::vector<ParamIssue> issues;
    options_ = ParseSheetsOptions(params.values, issues);
    ThrowFirstError(issues);
    prefix_ = "GOOGLE_SHEETS source '" + params.name + "'";
  }

  ConnectionTestResult TestConnection(engine::Connection& scratch) override {
    (void)scratch;
    ConnectionTestResult result;
    const int64_t start = NowMs();
    SheetsOptions probe = options_;
    probe.retry.max_retries = std::min<int64_t>(probe.retry.max_retries, 1);
    CancelToken cancel;
    SheetsClient client(probe, prefix_, runtime_.clock, runtime_.sleeper, &cancel);
    ErrorKind kind = ErrorKind::kOk;
    auto run = [&](const std::string& name, const std::function<std::string()>& body) {
      if (kind != ErrorKind::kOk) return;
      result.checks.push_back(Check(name, body, &kind));
      result.checks.back().detail = client.Scrub(result.checks.back().detail);
    };
    run("credentials", [&] {
      client.Start();
      return client.credentials().source;
    });
    if (client.credentials().NeedsToken())
      run("token", [&] {
        client.CheckToken();
        return std::string("access token obtained");
      });
    SpreadsheetInfo info;
    run("metadata", [&] {
      info = client.Metadata();
      return "spreadsheet '" + info.title + "' with " + std::to_string(info.sheets.size()) + " sheets";
    });
    if (!options_.sheet_name.empty())
      run("sheet", [&] {
        const SheetInfo& sheet = FindSheet(info, options_.sheet_name);
        return "spreadsheet '" + info.title + "': sheet '" + sheet.title + "' has " +
               std::to_string(sheet.row_count) + " rows × " + std::to_string(sheet.column_count) + " columns";
      });
    result.ok = kind == ErrorKind::kOk;
    result.kind = kind;
    result.message = result.checks.empty() ? "" : result.checks.back().detail;
    result.elapsed_ms = NowMs() - start;
    return result;
  }

  std::vector<ObjectRef> Discover(engine::Connection& scratch) override {
    (void)scratch;
    CancelToken cancel;
    SheetsClient client(options_, prefix_, runtime_.clock, runtime_.sleeper, &cancel);
    std::vector<ObjectRef> out;
    try {
      client.Start();
      for (const auto& sheet : client.Metadata().sheets)
        out.push_back(ObjectRef{sheet.title, "sheet", std::nullopt, std::nullopt, sheet.row_count});
    } catch (const Error& error) {
      throw Error(error.kind(), prefix_ + ": " + client.Scrub(error.what()), error.code(),
                  client.Scrub(error.hint()));
    }
    return out;
  }

  // The header and the first 100 rows.
  Schema GetSchema(std::string_view object, engine::Connection& scratch) override {
    (void)scratch;
    ReadRequest request;
    request.object = std::string(object);
    request.batch_size = 100;
    request.limit = 100;
    auto stream = MakeStream(options_, prefix_, runtime_, request, nullptr);
    Schema schema;
    for (;;) {
      ReadEvent event = stream->Next();
      if (event.kind == ReadEvent::Kind::kSchema) schema = event.schema;
      if (event.kind == ReadEvent::Kind::kEnd) {
        for (auto& field : schema) {
          auto it = event.end.refine.find(field.name);
          if (it != event.end.refine.end()) field.type = it->second;
        }
        break;
      }
    }
    return schema;
  }

  std::unique_ptr<ReadStream> Read(const ReadRequest& request, ReadContext& context) override {
    return MakeStream(options_, prefix_, runtime_, request, context.cancel);
  }

  IncrementalSupport SupportsIncremental() const override { return IncrementalSupport::kEngineFilter; }
  ObjectMode Objects() const override { return ObjectMode::kMultiple; }

 private:
  SheetsRuntime runtime_;
  SheetsOptions options_;
  std::string prefix_;
};

}  // namespace

std::unique_ptr<Source> MakeSheetsSource(SheetsRuntime runtime) {
  return std::make_unique<SheetsSource>(runtime);
}

}  // namespace sqlflow::connectors::google_sheets

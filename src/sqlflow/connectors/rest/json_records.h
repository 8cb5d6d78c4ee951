// JSON records to DuckDB columns (CONNECTORS.md §3.7 "Records to columns", §6 refinement 5), shared by the
// JSON API sources (rest; shopify later).
//
// A JsonPage is one response body parsed with simdjson (DOM); pagination reads values from it by dotted path.
// A RecordsBuilder turns the records of each page into Schema and Batch events: records are flattened
// (`parent.child`, up to max_depth levels), columns appear in first-seen order, and each column's type is the
// join of the value types seen so far (null: no information; booleans BOOLEAN; int64 integers BIGINT; other
// numbers DOUBLE; strings VARCHAR; arrays and unflattened objects JSON; BIGINT ⊔ DOUBLE = DOUBLE; JSON ⊔ any
// = JSON; other mixes VARCHAR). A page's records are staged in a compact cell form first, so that a page is
// delivered whole (or not at all) and a type widened late in the page applies to all of its rows. A Schema
// event precedes the first batch and every batch whose columns grew or widened.
//
// Finish() returns the End information: VARCHAR columns whose values were all ISO 8601 dates / timestamps /
// zoned timestamps are refined to DATE / TIMESTAMP / TIMESTAMPTZ (infer_types), and declared column_types
// are applied (they win over inference).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sqlflow/connectors/base/source.h"

namespace sqlflow::connectors::json {

enum class Layout { kJson, kNdjson };

// One parsed response body. Not copyable; valid until destroyed.
class JsonPage {
 public:
  // Parses `body`. Invalid JSON throws Error(kTransient) "invalid JSON at byte <n>: <60-character snippet>"
  // (the caller adds the URL).
  JsonPage(std::string body, Layout layout);
  ~JsonPage();
  JsonPage(const JsonPage&) = delete;
  JsonPage& operator=(const JsonPage&) = delete;

  // The scalar at a dotted path ("meta.next", "links.0.href") as text: strings as is, numbers in shortest
  // form, booleans true/false; nullopt when missing or null. Objects and arrays give their JSON text.
  std::optional<std::string> TextAt(std::string_view path) const;
  // Number of records at `data_path` ("" = the root) without building them.
  int64_t CountRecords(std::string_view data_path) const;
  size_t bytes() const;

 private:
  friend class RecordsBuilder;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct RecordsOptions {
  bool flatten = true;
  std::string separator = ".";
  int max_depth = 10;
  bool infer_types = true;
  std::vector<std::string> projection;                        // requested columns, output order; empty = all
  std::vector<std::pair<std::string, std::string>> declared;  // column_types: name -> DuckDB type string
  std::string source_label = "json";                          // Field::source_type prefix
};

enum class Kind : uint8_t { kNull, kBool, kBigInt, kDouble, kVarchar, kJson };
const char* KindTypeName(Kind kind);  // DuckDB type of a column kind (kNull -> VARCHAR)
Kind JoinKinds(Kind a, Kind b);

// ISO 8601 class of a string: 0 none, 1 date, 2 timestamp, 3 timestamp with zone.
int TemporalClass(std::string_view text);

class RecordsBuilder {
 public:
  explicit RecordsBuilder(RecordsOptions options);
  ~RecordsBuilder();
  RecordsBuilder(const RecordsBuilder&) = delete;
  RecordsBuilder& operator=(const RecordsBuilder&) = delete;

  // Stages the records of `page` at `data_path`: missing or null → none; an array → its elements; an object
  // → one record; a scalar (or a scalar array element) → one record with the column `value`. Throws
  // Error(kDataError) on a flattened-name collision; then nothing of the page is kept.
  int64_t Add(const JsonPage& page, std::string_view data_path);
  // Stages rows given as arrays of cells (the Sheets `values` layout) at `data_path`: cell i of a row goes to
  // column names[i]; a cell past the end of `names` to extra_name(i) (called once per new index). Every
  // name in `names` becomes a column in that order before any row is staged, so short rows (trailing
  // cells omitted) are padded with NULL. An empty string is NULL; with `skip_empty`, rows without a
  // non-NULL cell are dropped. Returns the rows staged.
  int64_t AddRows(const JsonPage& page, std::string_view data_path, const std::vector<std::string>& names,
                  const std::function<std::string(size_t)>& extra_name, bool skip_empty);
  // Events for the staged records (a Schema event when needed, then one Batch of ≤2048-row chunks), and
  // clears the stage. Empty when nothing is staged.
  std::vector<ReadEvent> Take();
  // End information; also a final Schema event (returned through `schema_event`) when no schema was sent
  // yet but the projection names columns (all-NULL VARCHAR columns).
  EndInfo Finish(std::optional<ReadEvent>* schema_event);

  const Schema& sent_schema() const;
  int64_t rows() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sqlflow::connectors::json

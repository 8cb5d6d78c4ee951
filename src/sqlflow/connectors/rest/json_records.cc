#include "sqlflow/connectors/rest/json_records.h"

#include <duckdb.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"

namespace sqlflow::connectors::json {

namespace dom = simdjson::dom;

// ---- JsonPage ----

namespace {

// Parsers are reused across pages (a fresh parser per page costs new tape memory and page faults on every
// page). A page keeps its parser until it is destroyed, since its DOM lives in the parser.
class ParserPool {
 public:
  std::unique_ptr<dom::parser> Take() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.empty()) return std::make_unique<dom::parser>();
    auto parser = std::move(free_.back());
    free_.pop_back();
    return parser;
  }
  void Give(std::unique_ptr<dom::parser> parser) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (parser && free_.size() < 8) free_.push_back(std::move(parser));
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<dom::parser>> free_;
};

ParserPool& Parsers() {
  static ParserPool pool;
  return pool;
}

}  // namespace

struct JsonPage::Impl {
  Layout layout = Layout::kJson;
  std::string body;  // capacity >= size + SIMDJSON_PADDING, so simdjson parses it in place
  std::unique_ptr<dom::parser> parser = Parsers().Take();
  dom::element root;  // kJson only
  bool empty = false;
  ~Impl() { Parsers().Give(std::move(parser)); }
};

namespace {

std::string Snippet(std::string_view body, size_t offset) {
  const size_t start = offset > 30 ? offset - 30 : 0;
  std::string out;
  for (char c : body.substr(start, 60)) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else
      out += c;
  }
  return out;
}

// simdjson says whether a body is valid, not where it breaks: the byte offset of the error comes from a
// second, slower parser that only runs on the error path.
[[noreturn]] void ThrowInvalid(std::string_view body, size_t base, simdjson::error_code code) {
  size_t offset = base;
  try {
    auto parsed = nlohmann::json::parse(body);
    (void)parsed;
  } catch (const nlohmann::json::parse_error& e) {
    offset = base + (e.byte > 0 ? e.byte - 1 : 0);
  } catch (...) {
  }
  (void)code;
  throw Error(ErrorKind::kTransient,
              "invalid JSON at byte " + std::to_string(offset) + ": " + Snippet(body, offset - base));
}

bool IsBlank(std::string_view text) {
  for (char c : text)
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return false;
  return true;
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size() && !path.empty()) {
    size_t dot = path.find('.', start);
    if (dot == std::string_view::npos) dot = path.size();
    parts.push_back(path.substr(start, dot - start));
    start = dot + 1;
  }
  return parts;
}

// The element at a dotted path; false when a segment is missing.
bool Resolve(dom::element root, std::string_view path, dom::element* out) {
  dom::element current = root;
  for (std::string_view part : SplitPath(path)) {
    if (current.is_object()) {
      dom::element next;
      dom::object object = current.get_object().value_unsafe();
      if (object.at_key(part).get(next)) return false;
      current = next;
    } else if (current.is_array()) {
      size_t index = 0;
      auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (ec != std::errc() || ptr != part.data() + part.size()) return false;
      dom::element next;
      dom::array array = current.get_array().value_unsafe();
      if (array.at(index).get(next)) return false;
      current = next;
    } else {
      return false;
    }
  }
  *out = current;
  return true;
}

std::string ShortestDouble(double value) {
  char buffer[64];
  auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  (void)ec;
  return std::string(buffer, ptr);
}

std::string ScalarText(dom::element element) {
  switch (element.type()) {
    case dom::element_type::STRING:
      return std::string(element.get_string().value_unsafe());
    case dom::element_type::INT64:
      return std::to_string(element.get_int64().value_unsafe());
    case dom::element_type::UINT64:
      return std::to_string(element.get_uint64().value_unsafe());
    case dom::element_type::DOUBLE:
      return ShortestDouble(element.get_double().value_unsafe());
    case dom::element_type::BOOL:
      return element.get_bool().value_unsafe() ? "true" : "false";
    default:
      return simdjson::minify(element);
  }
}

}  // namespace

JsonPage::JsonPage(std::string body, Layout layout) : impl_(std::make_unique<Impl>()) {
  impl_->layout = layout;
  impl_->empty = IsBlank(body);
  body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  impl_->body = std::move(body);
  const std::string& text = impl_->body;
  if (impl_->empty) return;
  if (layout == Layout::kJson) {
    auto error = impl_->parser->parse(text.data(), text.size(), false).get(impl_->root);
    if (error) ThrowInvalid(text, 0, error);
    return;
  }
  // NDJSON: validated line by line up front so that a broken line fails the page before any record of it
  // is delivered.
  size_t offset = 0;
  while (offset < text.size()) {
    size_t end = text.find('\n', offset);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + offset, end - offset);
    if (!IsBlank(line)) {
      dom::element element;
      auto error = impl_->parser->parse(line.data(), line.size(), false).get(element);
      if (error) ThrowInvalid(line, offset, error);
    }
    offset = end + 1;
  }
}

JsonPage::~JsonPage() = default;

size_t JsonPage::bytes() const {
  return impl_->body.size();
}

std::optional<std::string> JsonPage::TextAt(std::string_view path) const {
  if (impl_->layout != Layout::kJson || impl_->empty) return std::nullopt;
  dom::element element;
  if (!Resolve(impl_->root, path, &element) || element.is_null()) return std::nullopt;
  return ScalarText(element);
}

// ---- kinds ----

const char* KindTypeName(Kind kind) {
  switch (kind) {
    case Kind::kBool:
      return "BOOLEAN";
    case Kind::kBigInt:
      return "BIGINT";
    case Kind::kDouble:
      return "DOUBLE";
    case Kind::kJson:
      return "JSON";
    case Kind::kNull:
    case Kind::kVarchar:
      return "VARCHAR";
  }
  return "VARCHAR";
}

Kind JoinKinds(Kind a, Kind b) {
  if (a == b || b == Kind::kNull) return a;
  if (a == Kind::kNull) return b;
  if (a == Kind::kJson || b == Kind::kJson) return Kind::kJson;
  if ((a == Kind::kBigInt && b == Kind::kDouble) || (a == Kind::kDouble && b == Kind::kBigInt))
    return Kind::kDouble;
  return Kind::kVarchar;
}

namespace {

bool Digits(std::string_view t, size_t pos, size_t n) {
  if (pos + n > t.size()) return false;
  for (size_t i = pos; i < pos + n; ++i)
    if (t[i] < '0' || t[i] > '9') return false;
  return true;
}

}  // namespace

// YYYY-MM-DD, YYYY-MM-DD[T ]hh:mm[:ss[.f{1,9}]], and the same followed by Z or ±hh[:mm].
int TemporalClass(std::string_view t) {
  if (t.size() < 10 || !Digits(t, 0, 4) || t[4] != '-' || !Digits(t, 5, 2) || t[7] != '-' || !Digits(t, 8, 2))
    return 0;
  if (t.size() == 10) return 1;
  if ((t[10] != 'T' && t[10] != ' ') || !Digits(t, 11, 2) || t.size() < 16 || t[13] != ':' ||
      !Digits(t, 14, 2))
    return 0;
  size_t pos = 16;
  if (pos < t.size() && t[pos] == ':') {
    if (!Digits(t, pos + 1, 2)) return 0;
    pos += 3;
    if (pos < t.size() && t[pos] == '.') {
      size_t digits = 0;
      ++pos;
      while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') ++pos, ++digits;
      if (digits < 1 || digits > 9) return 0;
    }
  }
  if (pos == t.size()) return 2;
  if (t[pos] == 'Z' && pos + 1 == t.size()) return 3;
  if ((t[pos] == '+' || t[pos] == '-') && Digits(t, pos + 1, 2)) {
    pos += 3;
    if (pos == t.size()) return 3;
    if (t[pos] == ':') ++pos;
    if (Digits(t, pos, 2) && pos + 2 == t.size()) return 3;
  }
  return 0;
}

// ---- RecordsBuilder ----

namespace {

struct Cell {
  Kind kind = Kind::kNull;  // kVarchar: string; kJson: raw JSON text
  union {
    bool b;
    int64_t i;
    double d;
    struct {
      uint32_t offset;
      uint32_t length;
    } s;
  };
  Cell() : i(0) {}
};

struct Column {
  std::string name;
  Kind kind = Kind::kNull;
  bool from_nested = false;
  bool from_literal = false;
  bool removed = false;  // a null placeholder replaced by the children of an object
  bool sent = false;     // part of a Schema event already
  bool seen = false;     // appeared in some record (projection warnings)
  int64_t dates = 0, timestamps = 0, zoned = 0, other = 0;  // temporal tallies of non-null values
  std::vector<Cell> cells;
};

void AppendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof(buffer), "\\u%04x", c);
          out += buffer;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

}  // namespace

struct RecordsBuilder::Impl {
  RecordsOptions options;
  std::vector<Column> columns;
  std::vector<int> order;                                // output order of column ids
  std::unordered_map<std::string, int> ids;              // flattened name -> column id (-1: not projected)
  std::unordered_map<std::string, bool> object_parents;  // names flattened as objects
  std::vector<int> slot_cache;  // column id last seen at each key ordinal of a record
  std::string arena;            // string bytes of the staged page
  int64_t page_rows = 0;
  int64_t total_rows = 0;
  Schema sent;
  std::string name;  // scratch flattened name
  std::string scratch;

  explicit Impl(RecordsOptions o) : options(std::move(o)) {
    for (const auto& wanted : options.projection) {
      if (ids.count(wanted)) continue;
      const int id = static_cast<int>(columns.size());
      columns.push_back(Column{});
      columns.back().name = wanted;
      ids[wanted] = id;
      order.push_back(id);
    }
  }

  int NewColumn(const std::string& column_name, size_t insert_at) {
    if (!options.projection.empty()) {
      ids[column_name] = -1;
      return -1;
    }
    const int id = static_cast<int>(columns.size());
    columns.push_back(Column{});
    columns.back().name = column_name;
    ids[column_name] = id;
    if (insert_at >= order.size())
      order.push_back(id);
    else
      order.insert(order.begin() + static_cast<std::ptrdiff_t>(insert_at), id);
    return id;
  }

  int Lookup(size_t ordinal, bool nested, size_t insert_at) {
    if (ordinal < slot_cache.size()) {
      const int cached = slot_cache[ordinal];
      if (cached >= 0 && !columns[static_cast<size_t>(cached)].removed &&
          columns[static_cast<size_t>(cached)].name == name)
        return cached;
    } else {
      slot_cache.resize(ordinal + 1, -1);
    }
    auto it = ids.find(name);
    int id = it != ids.end() ? it->second : NewColumn(name, insert_at);
    if (id >= 0) {
      Column& column = columns[static_cast<size_t>(id)];
      (nested ? column.from_nested : column.from_literal) = true;
      if (column.from_nested && column.from_literal)
        throw Error(ErrorKind::kDataError, "column name collision '" + name + "'; set flatten to false");
    }
    slot_cache[ordinal] = id;
    return id;
  }

  Cell& CellFor(int id) {
    Column& column = columns[static_cast<size_t>(id)];
    column.seen = true;
    const size_t row = static_cast<size_t>(page_rows);
    if (column.cells.size() > row) return column.cells[row];  // repeated key: the last one wins
    column.cells.resize(row + 1);
    return column.cells[row];
  }

  void SetString(int id, std::string_view text, Kind kind) {
    Cell& cell = CellFor(id);
    cell.kind = kind;
    cell.s.offset = static_cast<uint32_t>(arena.size());
    cell.s.length = static_cast<uint32_t>(text.size());
    arena.append(text);
  }

  void Tally(Column& column, const Cell& cell) {
    if (cell.kind == Kind::kVarchar) {
      switch (TemporalClass(std::string_view(arena).substr(cell.s.offset, cell.s.length))) {
        case 1:
          ++column.dates;
          break;
        case 2:
          ++column.timestamps;
          break;
        case 3:
          ++column.zoned;
          break;
        default:
          ++column.other;
      }
    } else if (cell.kind != Kind::kNull) {
      ++column.other;
    }
  }

  void Value(int id, dom::element value) {
    if (id < 0) return;
    Column& column = columns[static_cast<size_t>(id)];
    Kind kind = Kind::kNull;
    switch (value.type()) {
      case dom::element_type::NULL_VALUE:
        CellFor(id);
        return;
      case dom::element_type::BOOL: {
        Cell& cell = CellFor(id);
        cell.kind = kind = Kind::kBool;
        cell.b = value.get_bool().value_unsafe();
        break;
      }
      case dom::element_type::INT64: {
        Cell& cell = CellFor(id);
        cell.kind = kind = Kind::kBigInt;
        cell.i = value.get_int64().value_unsafe();
        break;
      }
      case dom::element_type::UINT64: {
        Cell& cell = CellFor(id);
        cell.kind = kind = Kind::kDouble;
        cell.d = static_cast<double>(value.get_uint64().value_unsafe());
        break;
      }
      case dom::element_type::DOUBLE: {
        Cell& cell = CellFor(id);
        cell.kind = kind = Kind::kDouble;
        cell.d = value.get_double().value_unsafe();
        break;
      }
      case dom::element_type::STRING:
        kind = Kind::kVarchar;
        SetString(id, value.get_string().value_unsafe(), kind);
        break;
      default:
        kind = Kind::kJson;
        SetString(id, simdjson::minify(value), kind);
    }
    column.kind = JoinKinds(column.kind, kind);
    Tally(column, column.cells[static_cast<size_t>(page_rows)]);
  }

  // Flattens one object level; `insert_at` is where new columns go in the output order (the end, or the
  // position of a null placeholder that this object replaces).
  void Walk(dom::object object, int depth, size_t& ordinal, bool nested, size_t insert_at) {
    for (auto field : object) {
      const size_t mark = name.size();
      if (nested) name += options.separator;
      name.append(field.key.data(), field.key.size());
      const bool flatten_here = options.flatten && field.value.is_object() && depth + 1 <= options.max_depth;
      if (flatten_here) {
        size_t child_insert = insert_at;
        auto it = ids.find(name);
        if (it != ids.end() && it->second >= 0) {
          Column& placeholder = columns[static_cast<size_t>(it->second)];
          if (placeholder.kind == Kind::kNull && !placeholder.sent && !placeholder.removed &&
              options.projection.empty()) {
            // A key first seen as null and now an object: its children take its position.
            auto pos = std::find(order.begin(), order.end(), it->second);
            child_insert = static_cast<size_t>(pos - order.begin());
            order.erase(pos);
            placeholder.removed = true;
            ids.erase(it);
          }
        }
        object_parents[name] = true;
        const size_t before = order.size();
        dom::object child = field.value.get_object().value_unsafe();
        Walk(child, depth + 1, ordinal, true, child_insert);
        (void)before;
      } else if (field.value.is_null() && object_parents.count(name)) {
        // An object key that is null here: its child columns stay NULL for this record.
      } else {
        const size_t position = insert_at == SIZE_MAX ? order.size() : insert_at;
        const size_t size_before = order.size();
        const int id = Lookup(ordinal, nested, position);
        if (insert_at != SIZE_MAX && order.size() > size_before) ++insert_at;
        ++ordinal;
        Value(id, field.value);
      }
      name.resize(mark);
    }
  }

  void AddRecord(dom::element record) {
    name.clear();
    size_t ordinal = 0;
    if (record.is_object()) {
      dom::object object = record.get_object().value_unsafe();
      Walk(object, 0, ordinal, false, SIZE_MAX);
    } else {
      name = "value";
      Value(Lookup(0, false, order.size()), record);
    }
    ++page_rows;
  }
};

RecordsBuilder::RecordsBuilder(RecordsOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
RecordsBuilder::~RecordsBuilder() = default;
const Schema& RecordsBuilder::sent_schema() const {
  return impl_->sent;
}
int64_t RecordsBuilder::rows() const {
  return impl_->total_rows;
}

int64_t JsonPage::CountRecords(std::string_view data_path) const {
  if (impl_->empty) return 0;
  if (impl_->layout == Layout::kNdjson) {
    int64_t n = 0;
    std::string_view body(impl_->body.data(), impl_->body.size());
    size_t offset = 0;
    while (offset < body.size()) {
      size_t end = body.find('\n', offset);
      if (end == std::string::npos) end = body.size();
      if (!IsBlank(body.substr(offset, end - offset))) ++n;
      offset = end + 1;
    }
    return n;
  }
  dom::element element;
  if (!Resolve(impl_->root, data_path, &element) || element.is_null()) return 0;
  if (element.is_array()) {
    dom::array array = element.get_array().value_unsafe();
    return static_cast<int64_t>(array.size());
  }
  return 1;
}

int64_t RecordsBuilder::Add(const JsonPage& page, std::string_view data_path) {
  Impl& s = *impl_;
  const int64_t start_rows = s.page_rows;
  const size_t start_arena = s.arena.size();
  const size_t start_columns = s.columns.size();
  try {
    if (page.impl_->empty) return 0;
    if (page.impl_->layout == Layout::kNdjson) {
      std::string_view body(page.impl_->body.data(), page.impl_->body.size());
      dom::parser& parser = *page.impl_->parser;
      size_t offset = 0;
      while (offset < body.size()) {
        size_t end = body.find('\n', offset);
        if (end == std::string::npos) end = body.size();
        std::string_view line = body.substr(offset, end - offset);
        if (!IsBlank(line)) {
          dom::element element;
          if (parser.parse(line.data(), line.size(), false).get(element))
            ThrowInvalid(line, offset, simdjson::TAPE_ERROR);
          s.AddRecord(element);
        }
        offset = end + 1;
      }
    } else {
      dom::element element;
      if (!Resolve(page.impl_->root, data_path, &element) || element.is_null()) return 0;
      if (element.is_array()) {
        dom::array array = element.get_array().value_unsafe();
        for (dom::element record : array) s.AddRecord(record);
      } else {
        s.AddRecord(element);
      }
    }
  } catch (...) {
    // Nothing of a failed page stays staged.
    s.page_rows = start_rows;
    s.arena.resize(start_arena);
    for (auto& column : s.columns)
      if (column.cells.size() > static_cast<size_t>(start_rows))
        column.cells.resize(static_cast<size_t>(start_rows));
    (void)start_columns;
    throw;
  }
  return s.page_rows - start_rows;
}

int64_t RecordsBuilder::AddRows(const JsonPage& page, std::string_view data_path,
                                const std::vector<std::string>& names,
                                const std::function<std::string(size_t)>& extra_name, bool skip_empty) {
  Impl& s = *impl_;
  // Column ids by cell index; -1 = not projected. Header columns exist (in order) before any row.
  std::vector<int> slots;
  slots.reserve(names.size());
  auto slot_of = [&](const std::string& column_name) {
    auto it = s.ids.find(column_name);
    return it != s.ids.end() ? it->second : s.NewColumn(column_name, s.order.size());
  };
  for (const auto& column_name : names) slots.push_back(slot_of(column_name));
  if (page.impl_->empty || page.impl_->layout != Layout::kJson) return 0;
  dom::element element;
  if (!Resolve(page.impl_->root, data_path, &element) || !element.is_array()) return 0;
  const int64_t start_rows = s.page_rows;
  dom::array rows = element.get_array().value_unsafe();
  for (dom::element row : rows) {
    if (!row.is_array()) continue;
    bool any = false;
    size_t index = 0;
    dom::array cells = row.get_array().value_unsafe();
    for (dom::element cell : cells) {
      if (index >= slots.size()) slots.push_back(slot_of(extra_name(index)));
      const int id = slots[index++];
      const bool empty = cell.is_null() || (cell.is_string() && cell.get_string().value_unsafe().empty());
      if (empty) continue;
      any = true;
      s.Value(id, cell);
    }
    // Nothing of an empty row was staged, so skipping it is just not counting it. Short rows need no
    // padding: cells past the end of a column are NULL when the chunk is filled.
    if (!any && skip_empty) continue;
    ++s.page_rows;
  }
  return s.page_rows - start_rows;
}

namespace {

void WriteText(duckdb_vector vector, idx_t row, const std::string& text) {
  duckdb_vector_assign_string_element_len(vector, row, text.data(), text.size());
}

// One column of one chunk: cells [begin, begin + count) converted to `kind`.
void FillVector(duckdb_vector vector, Kind kind, const std::vector<Cell>& cells, size_t begin, size_t count,
                const std::string& arena) {
  uint64_t* validity = nullptr;
  auto set_null = [&](idx_t row) {
    if (!validity) {
      duckdb_vector_ensure_validity_writable(vector);
      validity = duckdb_vector_get_validity(vector);
    }
    duckdb_validity_set_row_invalid(validity, row);
  };
  void* data = duckdb_vector_get_data(vector);
  std::string text;
  for (size_t r = 0; r < count; ++r) {
    const idx_t row = static_cast<idx_t>(r);
    const Cell* cell = begin + r < cells.size() ? &cells[begin + r] : nullptr;
    if (!cell || cell->kind == Kind::kNull) {
      set_null(row);
      continue;
    }
    switch (kind) {
      case Kind::kBool:
        static_cast<bool*>(data)[r] = cell->b;
        break;
      case Kind::kBigInt:
        static_cast<int64_t*>(data)[r] = cell->i;
        break;
      case Kind::kDouble:
        static_cast<double*>(data)[r] = cell->kind == Kind::kBigInt ? static_cast<double>(cell->i) : cell->d;
        break;
      case Kind::kVarchar:
      case Kind::kNull:
      case Kind::kJson: {
        if (cell->kind == Kind::kVarchar && kind != Kind::kJson) {
          duckdb_vector_assign_string_element_len(vector, row, arena.data() + cell->s.offset, cell->s.length);
          break;
        }
        if (cell->kind == Kind::kJson) {
          duckdb_vector_assign_string_element_len(vector, row, arena.data() + cell->s.offset, cell->s.length);
          break;
        }
        text.clear();
        if (cell->kind == Kind::kVarchar) {
          AppendJsonString(text, std::string_view(arena).substr(cell->s.offset, cell->s.length));
        } else if (cell->kind == Kind::kBool) {
          text = cell->b ? "true" : "false";
        } else if (cell->kind == Kind::kBigInt) {
          text = std::to_string(cell->i);
        } else {
          text = ShortestDouble(cell->d);
        }
        WriteText(vector, row, text);
        break;
      }
    }
  }
}

engine::LogicalType TypeOf(Kind kind) {
  switch (kind) {
    case Kind::kBool:
      return engine::LogicalType(duckdb_create_logical_type(DUCKDB_TYPE_BOOLEAN));
    case Kind::kBigInt:
      return engine::LogicalType(duckdb_create_logical_type(DUCKDB_TYPE_BIGINT));
    case Kind::kDouble:
      return engine::LogicalType(duckdb_create_logical_type(DUCKDB_TYPE_DOUBLE));
    default:
      return engine::LogicalType(duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR));
  }
}

}  // namespace

std::vector<ReadEvent> RecordsBuilder::Take() {
  Impl& s = *impl_;
  std::vector<ReadEvent> events;
  if (s.page_rows == 0) return events;
  Schema schema;
  for (int id : s.order) {
    const Column& column = s.columns[static_cast<size_t>(id)];
    schema.push_back(Field{column.name, KindTypeName(column.kind), true,
                           s.options.source_label + ":" + KindTypeName(column.kind)});
  }
  bool changed = schema.size() != s.sent.size();
  for (size_t i = 0; !changed && i < schema.size(); ++i)
    changed = schema[i].name != s.sent[i].name || schema[i].type != s.sent[i].type;
  if (changed) {
    ReadEvent event;
    event.kind = ReadEvent::Kind::kSchema;
    event.schema = schema;
    events.push_back(std::move(event));
    s.sent = schema;
    for (int id : s.order) s.columns[static_cast<size_t>(id)].sent = true;
  }
  ReadEvent batch;
  batch.kind = ReadEvent::Kind::kBatch;
  const size_t capacity = duckdb_vector_size();
  for (size_t begin = 0; begin < static_cast<size_t>(s.page_rows); begin += capacity) {
    const size_t count = std::min(capacity, static_cast<size_t>(s.page_rows) - begin);
    std::vector<engine::LogicalType> types;
    for (int id : s.order) types.push_back(TypeOf(s.columns[static_cast<size_t>(id)].kind));
    engine::DataChunk chunk = engine::DataChunk::Create(types);
    for (size_t c = 0; c < s.order.size(); ++c) {
      const Column& column = s.columns[static_cast<size_t>(s.order[c])];
      FillVector(duckdb_data_chunk_get_vector(chunk.get(), c), column.kind, column.cells, begin, count,
                 s.arena);
    }
    chunk.set_size(count);
    batch.chunks.push_back(std::move(chunk));
  }
  events.push_back(std::move(batch));
  s.total_rows += s.page_rows;
  s.page_rows = 0;
  s.arena.clear();
  for (auto& column : s.columns) column.cells.clear();
  return events;
}

EndInfo RecordsBuilder::Finish(std::optional<ReadEvent>* schema_event) {
  Impl& s = *impl_;
  EndInfo end;
  if (s.sent.empty() && !s.options.projection.empty()) {
    ReadEvent event;
    event.kind = ReadEvent::Kind::kSchema;
    for (int id : s.order)
      event.schema.push_back(Field{s.columns[static_cast<size_t>(id)].name, "VARCHAR", true, ""});
    s.sent = event.schema;
    if (schema_event) *schema_event = std::move(event);
  }
  for (int id : s.order) {
    const Column& column = s.columns[static_cast<size_t>(id)];
    if (!column.sent) continue;
    if (!column.seen && !s.options.projection.empty())
      end.warnings.push_back("column '" + column.name +
                             "' was not found in any record; loaded as NULL (VARCHAR)");
    const std::pair<std::string, std::string>* declared = nullptr;
    for (const auto& d : s.options.declared)
      if (d.first == column.name) declared = &d;
    if (!declared)
      for (const auto& d : s.options.declared)
        if (EqualsIgnoreCase(d.first, column.name)) declared = &d;
    if (declared) {
      end.refine[column.name] = EqualsIgnoreCase(declared->second, "number") ? "DOUBLE" : declared->second;
      continue;
    }
    if (!s.options.infer_types || column.kind != Kind::kVarchar || column.other > 0) continue;
    if (column.zoned > 0 && column.dates + column.timestamps == 0)
      end.refine[column.name] = "TIMESTAMPTZ";
    else if (column.zoned == 0 && column.timestamps > 0)
      end.refine[column.name] = "TIMESTAMP";
    else if (column.zoned == 0 && column.dates > 0)
      end.refine[column.name] = "DATE";
  }
  return end;
}

}  // namespace sqlflow::connectors::json

#include "sqlflow/connectors/postgres/pg_copy_encoder.h"

#include <duckdb.h>

#include <limits>
#include <string_view>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/engine/database.h"

namespace sqlflow::connectors::pg {
namespace {

// Owns a logical type returned by a duckdb_*_child_type call.
struct OwnedType {
  duckdb_logical_type type;
  explicit OwnedType(duckdb_logical_type t) : type(t) {}
  ~OwnedType() { duckdb_destroy_logical_type(&type); }
  OwnedType(const OwnedType&) = delete;
  OwnedType& operator=(const OwnedType&) = delete;
};

bool IsJson(duckdb_logical_type type) {
  char* alias = duckdb_logical_type_get_alias(type);
  if (!alias) return false;
  const bool json = std::string_view(alias) == "JSON";
  duckdb_free(alias);
  return json;
}

WireType Wire(WireKind kind) {
  WireType t;
  t.kind = kind;
  return t;
}

// A scalar export type: optional cast target (DuckDB), the wire type and the CREATE TABLE type.
struct ScalarPlan {
  bool ok = true;  // false: not a scalar this mapping handles
  std::string cast;
  WireType wire;
  std::string create_type;
  std::string warning;
};

// The fixed part of the mapping: DuckDB type -> cast (if the wire needs one), wire kind, CREATE TABLE type.
struct ScalarRow {
  duckdb_type id;
  const char* cast;
  WireKind kind;
  const char* create_type;
  const char* warning;
};

constexpr ScalarRow kScalarRows[] = {
    {DUCKDB_TYPE_BOOLEAN, "", WireKind::kBool, "boolean", ""},
    {DUCKDB_TYPE_TINYINT, "SMALLINT", WireKind::kInt2, "smallint", ""},
    {DUCKDB_TYPE_UTINYINT, "SMALLINT", WireKind::kInt2, "smallint", ""},
    {DUCKDB_TYPE_SMALLINT, "", WireKind::kInt2, "smallint", ""},
    {DUCKDB_TYPE_USMALLINT, "INTEGER", WireKind::kInt4, "integer", ""},
    {DUCKDB_TYPE_INTEGER, "", WireKind::kInt4, "integer", ""},
    {DUCKDB_TYPE_UINTEGER, "BIGINT", WireKind::kInt8, "bigint", ""},
    {DUCKDB_TYPE_BIGINT, "", WireKind::kInt8, "bigint", ""},
    {DUCKDB_TYPE_UBIGINT, "VARCHAR", WireKind::kNumeric, "numeric(20,0)", ""},
    {DUCKDB_TYPE_HUGEINT, "VARCHAR", WireKind::kNumeric, "numeric(39,0)", ""},
    {DUCKDB_TYPE_UHUGEINT, "VARCHAR", WireKind::kNumeric, "numeric(39,0)", ""},
    {DUCKDB_TYPE_BIGNUM, "VARCHAR", WireKind::kNumeric, "numeric", ""},
    {DUCKDB_TYPE_FLOAT, "", WireKind::kFloat4, "real", ""},
    {DUCKDB_TYPE_DOUBLE, "", WireKind::kFloat8, "double precision", ""},
    {DUCKDB_TYPE_BLOB, "", WireKind::kBytea, "bytea", ""},
    {DUCKDB_TYPE_DATE, "", WireKind::kDate, "date", ""},
    {DUCKDB_TYPE_TIME_NS, "TIME", WireKind::kTime, "time", ""},
    {DUCKDB_TYPE_TIME, "", WireKind::kTime, "time", ""},
    {DUCKDB_TYPE_TIME_TZ, "", WireKind::kTimeTz, "timetz", ""},
    {DUCKDB_TYPE_TIMESTAMP_NS, "TIMESTAMP", WireKind::kTimestamp, "timestamp",
     "nanoseconds truncated to microseconds"},
    {DUCKDB_TYPE_TIMESTAMP_S, "TIMESTAMP", WireKind::kTimestamp, "timestamp", ""},
    {DUCKDB_TYPE_TIMESTAMP_MS, "TIMESTAMP", WireKind::kTimestamp, "timestamp", ""},
    {DUCKDB_TYPE_TIMESTAMP, "", WireKind::kTimestamp, "timestamp", ""},
    {DUCKDB_TYPE_TIMESTAMP_TZ, "", WireKind::kTimestampTz, "timestamptz", ""},
    {DUCKDB_TYPE_INTERVAL, "", WireKind::kInterval, "interval", ""},
    {DUCKDB_TYPE_UUID, "", WireKind::kUuid, "uuid", ""},
};

ScalarPlan PlanScalar(duckdb_logical_type type) {
  ScalarPlan plan;
  const duckdb_type id = duckdb_get_type_id(type);
  switch (id) {
    case DUCKDB_TYPE_DECIMAL:
      plan.wire = Wire(WireKind::kNumeric);
      plan.wire.precision = duckdb_decimal_width(type);
      plan.wire.scale = duckdb_decimal_scale(type);
      plan.create_type = plan.wire.PgTypeName();
      return plan;
    case DUCKDB_TYPE_VARCHAR:
      plan.wire = Wire(IsJson(type) ? WireKind::kJsonb : WireKind::kText);
      plan.create_type = IsJson(type) ? "jsonb" : "text";
      return plan;
    case DUCKDB_TYPE_LIST:
    case DUCKDB_TYPE_ARRAY:
    case DUCKDB_TYPE_STRUCT:
    case DUCKDB_TYPE_MAP:
    case DUCKDB_TYPE_UNION:
      plan.ok = false;
      return plan;
    default:
      break;
  }
  for (const ScalarRow& row : kScalarRows) {
    if (row.id != id) continue;
    plan.cast = row.cast;
    plan.wire = Wire(row.kind);
    plan.create_type = row.create_type;
    plan.warning = row.warning;
    return plan;
  }
  // ENUM, BIT, anything newer: its text form.
  plan.cast = "VARCHAR";
  plan.wire = Wire(WireKind::kText);
  plan.create_type = "text";
  return plan;
}

// Decimal digits of `magnitude`, most significant first, into the end of `buffer`; returns the start.
char* DigitsOf(unsigned __int128 magnitude, char* buffer_end) {
  char* p = buffer_end;
  if (magnitude == 0) {
    *--p = '0';
    return p;
  }
  while (magnitude > std::numeric_limits<uint64_t>::max()) {
    const unsigned __int128 quotient = magnitude / 10;
    *--p = static_cast<char>('0' + static_cast<int>(magnitude - quotient * 10));
    magnitude = quotient;
  }
  uint64_t small = static_cast<uint64_t>(magnitude);
  while (small > 0) {
    *--p = static_cast<char>('0' + small % 10);
    small /= 10;
  }
  return p;
}

void WriteNumericDigits(ByteBuffer& out, bool negative, std::string_view int_digits,
                        std::string_view frac_digits, int dscale) {
  uint16_t local[64];
  std::vector<uint16_t> heap;
  const size_t max_groups = int_digits.size() / 4 + frac_digits.size() / 4 + 3;
  uint16_t* groups = local;
  if (max_groups > 64) {
    heap.resize(max_groups);
    groups = heap.data();
  }
  int count = 0;
  int value = 0;
  int filled = static_cast<int>((4 - int_digits.size() % 4) % 4);
  for (char c : int_digits) {
    value = value * 10 + (c - '0');
    if (++filled == 4) {
      groups[count++] = static_cast<uint16_t>(value);
      value = 0;
      filled = 0;
    }
  }
  const int int_groups = count;
  value = 0;
  filled = 0;
  for (char c : frac_digits) {
    value = value * 10 + (c - '0');
    if (++filled == 4) {
      groups[count++] = static_cast<uint16_t>(value);
      value = 0;
      filled = 0;
    }
  }
  if (filled) {
    for (; filled < 4; ++filled) value *= 10;
    groups[count++] = static_cast<uint16_t>(value);
  }
  int weight = int_groups - 1;
  int start = 0, end = count;
  while (start < end && groups[start] == 0) {
    ++start;
    --weight;
  }
  while (end > start && groups[end - 1] == 0) --end;
  const int ndigits = end - start;
  if (ndigits == 0) {
    weight = 0;
    negative = false;
  }
  out.PutI32(8 + 2 * ndigits);
  out.PutI16(static_cast<int16_t>(ndigits));
  out.PutI16(static_cast<int16_t>(weight));
  out.PutU16(negative ? 0x4000 : 0);
  out.PutU16(static_cast<uint16_t>(dscale));
  for (int i = start; i < end; ++i) out.PutU16(groups[i]);
}

// Read state of one vector for one chunk.
struct VectorState {
  const void* data = nullptr;
  const uint64_t* validity = nullptr;
  const EncodeType* type = nullptr;
  std::unique_ptr<VectorState> child;

  void Bind(duckdb_vector vector, const EncodeType& t) {
    type = &t;
    data = duckdb_vector_get_data(vector);
    validity = duckdb_vector_get_validity(vector);
    if (t.read == ReadKind::kList) {
      if (!child) child = std::make_unique<VectorState>();
      child->Bind(duckdb_list_vector_get_child(vector), *t.child);
    }
  }
  bool Valid(uint64_t row) const { return !validity || ((validity[row >> 6] >> (row & 63)) & 1); }
};

std::string_view StringAt(const void* data, uint64_t row) {
  const auto* s = static_cast<const duckdb_string_t*>(data) + row;
  const uint32_t length = s->value.inlined.length;
  return length <= 12 ? std::string_view(s->value.inlined.inlined, length)
                      : std::string_view(s->value.pointer.ptr, length);
}

void EncodeValue(const VectorState& state, uint64_t row, ByteBuffer& out);

void EncodeArray(const VectorState& state, uint64_t row, ByteBuffer& out) {
  const duckdb_list_entry entry = static_cast<const duckdb_list_entry*>(state.data)[row];
  const VectorState& child = *state.child;
  const uint32_t element_oid = state.type->wire.ElementOid();
  if (entry.length == 0) {
    out.PutI32(12);
    out.PutI32(0);
    out.PutI32(0);
    out.PutU32(element_oid);
    return;
  }
  const size_t length_at = out.PlaceholderI32();
  bool has_null = false;
  if (child.validity)
    for (uint64_t i = 0; i < entry.length && !has_null; ++i) has_null = !child.Valid(entry.offset + i);
  out.PutI32(1);
  out.PutI32(has_null ? 1 : 0);
  out.PutU32(element_oid);
  out.PutI32(static_cast<int32_t>(entry.length));
  out.PutI32(1);
  for (uint64_t i = 0; i < entry.length; ++i) EncodeValue(child, entry.offset + i, out);
  out.PatchLength(length_at);
}

void EncodeDecimal(ByteBuffer& out, __int128 value, int scale) {
  WriteNumeric(out, value, scale);
}

// The pieces of EncodeValue with more than a fixed-width copy; each appends one field (length + bytes).
void EncodeFloat(const VectorState& state, uint64_t row, ByteBuffer& out) {
  uint32_t bits;
  std::memcpy(&bits, static_cast<const float*>(state.data) + row, 4);
  out.PutI32(4);
  out.PutU32(bits);
}

void EncodeDouble(const VectorState& state, uint64_t row, ByteBuffer& out) {
  uint64_t bits;
  std::memcpy(&bits, static_cast<const double*>(state.data) + row, 8);
  out.PutI32(8);
  out.PutI64(static_cast<int64_t>(bits));
}

void EncodeDecimal128(const VectorState& state, uint64_t row, ByteBuffer& out) {
  const duckdb_hugeint h = static_cast<const duckdb_hugeint*>(state.data)[row];
  const __int128 value = (static_cast<__int128>(h.upper) << 64) | static_cast<__int128>(h.lower);
  EncodeDecimal(out, value, state.type->scale);
}

// text, json (as text) and jsonb (a version byte before the text).
void EncodeString(const VectorState& state, uint64_t row, ByteBuffer& out) {
  const std::string_view text = StringAt(state.data, row);
  if (state.type->wire.kind == WireKind::kJsonb) {
    out.PutI32(static_cast<int32_t>(text.size() + 1));
    const uint8_t version = 1;
    out.PutBytes(&version, 1);
  } else {
    out.PutI32(static_cast<int32_t>(text.size()));
  }
  out.PutBytes(text.data(), text.size());
}

void EncodeNumericText(const VectorState& state, uint64_t row, ByteBuffer& out) {
  const std::string_view text = StringAt(state.data, row);
  if (!WriteNumericText(out, text.data(), text.size()))
    throw Error(ErrorKind::kDataError, "value '" + std::string(text.substr(0, 80)) + "' is not a number");
}

// Days since 1970-01-01 -> since 2000-01-01; DuckDB's +-infinity map to PostgreSQL's.
void EncodeDate(const VectorState& state, uint64_t row, ByteBuffer& out) {
  const int32_t days = static_cast<const int32_t*>(state.data)[row];
  int32_t pg_days;
  if (days == std::numeric_limits<int32_t>::max())
    pg_days = days;
  else if (days == -std::numeric_limits<int32_t>::max())
    pg_days = std::numeric_limits<int32_t>::min();
  else
    pg_days = days - kPgEpochDays;
  out.PutI32(4);
  out.PutI32(pg_days);
}

void EncodeTimeTz(const VectorState& state, uint64_t row, ByteBuffer& out) {
  const duckdb_time_tz_struct value =
      duckdb_from_time_tz(static_cast<const duckdb_time_tz*>(state.data)[row]);
  const int64_t micros =
      ((static_cast<int64_t>(value.time.hour) * 60 + value.time.min) * 60 + value.time.sec) * 1000000 +
      value.time.micros;
  out.PutI32(12);
  out.PutI64(micros);
  out.PutI32(-value.offset);
}

// Microseconds since 1970-01-01 -> since 2000-01-01; DuckDB's +-infinity map to PostgreSQL's.
void EncodeTimestamp(const VectorState& state, uint64_t row, ByteBuffer& out) {
  const int64_t micros = static_cast<const int64_t*>(state.data)[row];
  int64_t pg_micros;
  if (micros == std::numeric_limits<int64_t>::max())
    pg_micros = micros;
  else if (micros == -std::numeric_limits<int64_t>::max())
    pg_micros = std::numeric_limits<int64_t>::min();
  else
    pg_micros = micros - kPgEpochMicros;
  out.PutI32(8);
  out.PutI64(pg_micros);
}

void EncodeInterval(const VectorState& state, uint64_t row, ByteBuffer& out) {
  const duckdb_interval value = static_cast<const duckdb_interval*>(state.data)[row];
  out.PutI32(16);
  out.PutI64(value.micros);
  out.PutI32(value.days);
  out.PutI32(value.months);
}

// DuckDB's UUID hugeint has the top bit flipped; the wire has the 16 bytes in order.
void EncodeUuid(const VectorState& state, uint64_t row, ByteBuffer& out) {
  const duckdb_hugeint value = static_cast<const duckdb_hugeint*>(state.data)[row];
  out.PutI32(16);
  out.PutI64(static_cast<int64_t>(static_cast<uint64_t>(value.upper) ^ (uint64_t{1} << 63)));
  out.PutI64(static_cast<int64_t>(value.lower));
}

void EncodeValue(const VectorState& state, uint64_t row, ByteBuffer& out) {
  if (!state.Valid(row)) {
    out.PutI32(-1);
    return;
  }
  const EncodeType& type = *state.type;
  switch (type.read) {
    case ReadKind::kBool: {
      out.PutI32(1);
      const uint8_t value = static_cast<const bool*>(state.data)[row] ? 1 : 0;
      out.PutBytes(&value, 1);
      return;
    }
    case ReadKind::kInt16:
      out.PutI32(2);
      out.PutI16(static_cast<const int16_t*>(state.data)[row]);
      return;
    case ReadKind::kInt32:
      out.PutI32(4);
      out.PutI32(static_cast<const int32_t*>(state.data)[row]);
      return;
    case ReadKind::kInt64:
      out.PutI32(8);
      out.PutI64(static_cast<const int64_t*>(state.data)[row]);
      return;
    case ReadKind::kFloat:
      return EncodeFloat(state, row, out);
    case ReadKind::kDouble:
      return EncodeDouble(state, row, out);
    case ReadKind::kDecimal16:
      EncodeDecimal(out, static_cast<const int16_t*>(state.data)[row], type.scale);
      return;
    case ReadKind::kDecimal32:
      EncodeDecimal(out, static_cast<const int32_t*>(state.data)[row], type.scale);
      return;
    case ReadKind::kDecimal64:
      EncodeDecimal(out, static_cast<const int64_t*>(state.data)[row], type.scale);
      return;
    case ReadKind::kDecimal128:
      return EncodeDecimal128(state, row, out);
    case ReadKind::kString:
      return EncodeString(state, row, out);
    case ReadKind::kNumericText:
      return EncodeNumericText(state, row, out);
    case ReadKind::kDate:
      return EncodeDate(state, row, out);
    case ReadKind::kTime:
      out.PutI32(8);
      out.PutI64(static_cast<const int64_t*>(state.data)[row]);
      return;
    case ReadKind::kTimeTz:
      return EncodeTimeTz(state, row, out);
    case ReadKind::kTimestamp:
      return EncodeTimestamp(state, row, out);
    case ReadKind::kInterval:
      return EncodeInterval(state, row, out);
    case ReadKind::kUuid:
      return EncodeUuid(state, row, out);
    case ReadKind::kList:
      EncodeArray(state, row, out);
      return;
  }
}

}  // namespace

ExportColumnPlan PlanExportColumn(const std::string& name, _duckdb_logical_type* type) {
  ExportColumnPlan plan;
  plan.name = name;
  const std::string quoted = QuoteIdent(name);
  const duckdb_type id = duckdb_get_type_id(type);
  if (id == DUCKDB_TYPE_LIST || id == DUCKDB_TYPE_ARRAY) {
    OwnedType child(id == DUCKDB_TYPE_LIST ? duckdb_list_type_child_type(type)
                                           : duckdb_array_type_child_type(type));
    ScalarPlan element = PlanScalar(child.type);
    if (element.ok) {
      plan.wire.kind = WireKind::kArray;
      plan.wire.dims = 1;
      plan.wire.element = std::make_shared<WireType>(element.wire);
      plan.create_type = element.create_type + "[]";
      plan.warning = element.warning;
      if (!element.cast.empty()) {
        plan.select_expr = "CAST(" + quoted + " AS " + element.cast + "[]) AS " + quoted;
      } else if (id == DUCKDB_TYPE_ARRAY) {
        // Fixed-size arrays stream as lists of the same element type.
        engine::LogicalType element_type(duckdb_array_type_child_type(type));
        plan.select_expr = "CAST(" + quoted + " AS " + element_type.ToString() + "[]) AS " + quoted;
      } else {
        plan.select_expr = quoted;
      }
      return plan;
    }
  }
  ScalarPlan scalar = PlanScalar(type);
  if (!scalar.ok) {
    // STRUCT, MAP, UNION and nested lists: their JSON text, stored as jsonb.
    plan.select_expr = "CAST(to_json(" + quoted + ") AS VARCHAR) AS " + quoted;
    plan.wire = Wire(WireKind::kJsonb);
    plan.create_type = "jsonb";
    return plan;
  }
  plan.select_expr =
      scalar.cast.empty() ? quoted : "CAST(" + quoted + " AS " + scalar.cast + ") AS " + quoted;
  plan.create_type = scalar.create_type;
  plan.wire = scalar.wire;
  plan.warning = scalar.warning;
  return plan;
}

std::optional<WireType> ExactWireFor(_duckdb_logical_type* type) {
  const ExportColumnPlan plan = PlanExportColumn("x", type);
  if (plan.select_expr != QuoteIdent("x")) return std::nullopt;
  return plan.wire;
}

namespace {

// How a DECIMAL vector stores its values (by width).
ReadKind DecimalReadKind(_duckdb_logical_type* decimal) {
  switch (duckdb_decimal_internal_type(decimal)) {
    case DUCKDB_TYPE_SMALLINT:
      return ReadKind::kDecimal16;
    case DUCKDB_TYPE_INTEGER:
      return ReadKind::kDecimal32;
    case DUCKDB_TYPE_BIGINT:
      return ReadKind::kDecimal64;
    default:
      return ReadKind::kDecimal128;
  }
}

}  // namespace

EncodeType EncodeTypeFor(_duckdb_logical_type* streamed, const WireType& wire) {
  EncodeType type;
  type.wire = wire;
  const duckdb_type id = duckdb_get_type_id(streamed);
  auto mismatch = [&]() -> EncodeType {
    throw Error(ErrorKind::kInternal, "postgres encoder: streamed type " +
                                          std::to_string(static_cast<int>(id)) + " cannot produce " +
                                          wire.PgTypeName());
  };
  switch (id) {
    case DUCKDB_TYPE_BOOLEAN:
      type.read = ReadKind::kBool;
      break;
    case DUCKDB_TYPE_SMALLINT:
      type.read = ReadKind::kInt16;
      break;
    case DUCKDB_TYPE_INTEGER:
      type.read = ReadKind::kInt32;
      break;
    case DUCKDB_TYPE_BIGINT:
      type.read = ReadKind::kInt64;
      break;
    case DUCKDB_TYPE_FLOAT:
      type.read = ReadKind::kFloat;
      break;
    case DUCKDB_TYPE_DOUBLE:
      type.read = ReadKind::kDouble;
      break;
    case DUCKDB_TYPE_DECIMAL:
      type.scale = duckdb_decimal_scale(streamed);
      type.read = DecimalReadKind(streamed);
      break;
    case DUCKDB_TYPE_VARCHAR:
      type.read = wire.kind == WireKind::kNumeric ? ReadKind::kNumericText : ReadKind::kString;
      break;
    case DUCKDB_TYPE_BLOB:
      type.read = ReadKind::kString;
      break;
    case DUCKDB_TYPE_DATE:
      type.read = ReadKind::kDate;
      break;
    case DUCKDB_TYPE_TIME:
      type.read = ReadKind::kTime;
      break;
    case DUCKDB_TYPE_TIME_TZ:
      type.read = ReadKind::kTimeTz;
      break;
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_TZ:
      type.read = ReadKind::kTimestamp;
      break;
    case DUCKDB_TYPE_INTERVAL:
      type.read = ReadKind::kInterval;
      break;
    case DUCKDB_TYPE_UUID:
      type.read = ReadKind::kUuid;
      break;
    case DUCKDB_TYPE_LIST: {
      if (wire.kind != WireKind::kArray) return mismatch();
      OwnedType child(duckdb_list_type_child_type(streamed));
      type.read = ReadKind::kList;
      type.child = std::make_shared<EncodeType>(EncodeTypeFor(child.type, *wire.element));
      break;
    }
    default:
      return mismatch();
  }
  return type;
}

void CopyEncoder::WriteHeader(ByteBuffer& out) {
  static const char kSignature[11] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0'};
  out.PutBytes(kSignature, 11);
  out.PutI32(0);  // flags
  out.PutI32(0);  // header extension length
}

void CopyEncoder::WriteTrailer(ByteBuffer& out) {
  out.PutI16(-1);
}

void CopyEncoder::EncodeChunk(_duckdb_data_chunk* chunk, ByteBuffer& out) {
  const uint64_t rows = duckdb_data_chunk_get_size(chunk);
  std::vector<VectorState> states(columns_.size());
  for (size_t i = 0; i < columns_.size(); ++i)
    states[i].Bind(duckdb_data_chunk_get_vector(chunk, i), columns_[i]);
  const auto field_count = static_cast<int16_t>(columns_.size());
  for (uint64_t row = 0; row < rows; ++row) {
    out.PutI16(field_count);
    for (const auto& state : states) EncodeValue(state, row, out);
  }
}

void WriteNumeric(ByteBuffer& out, __int128 value, int scale) {
  const bool negative = value < 0;
  const unsigned __int128 magnitude =
      negative ? static_cast<unsigned __int128>(0) - static_cast<unsigned __int128>(value)
               : static_cast<unsigned __int128>(value);
  char buffer[48];
  char* end = buffer + sizeof(buffer);
  char* start = DigitsOf(magnitude, end);
  const int digits = static_cast<int>(end - start);
  if (digits > scale) {
    WriteNumericDigits(out, negative, std::string_view(start, digits - scale),
                       std::string_view(end - scale, scale), scale);
    return;
  }
  // Fewer digits than the scale: left-pad the fraction with zeros.
  char fraction[48];
  const int pad = scale - digits;
  std::memset(fraction, '0', pad);
  std::memcpy(fraction + pad, start, digits);
  WriteNumericDigits(out, negative, std::string_view(), std::string_view(fraction, scale), scale);
}

bool WriteNumericText(ByteBuffer& out, const char* text, size_t length) {
  std::string_view s(text, length);
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  const size_t dot = s.find('.');
  std::string_view int_digits = s.substr(0, dot);
  std::string_view frac_digits = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (int_digits.empty() && frac_digits.empty()) return false;
  for (char c : int_digits)
    if (c < '0' || c > '9') return false;
  for (char c : frac_digits)
    if (c < '0' || c > '9') return false;
  while (int_digits.size() > 1 && int_digits[0] == '0') int_digits.remove_prefix(1);
  WriteNumericDigits(out, negative, int_digits, frac_digits, static_cast<int>(frac_digits.size()));
  return true;
}

}  // namespace sqlflow::connectors::pg

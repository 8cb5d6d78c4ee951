#include "sqlflow/connectors/postgres/pg_copy_encoder.h"

#include <duckdb.h>

#include <limits>
#include <string_view>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/engine/database.h"

namespace sqlflow::connectors::pg {
namespace {

constexpr int64_t kPgEpochMicros = 946684800LL * 1000000;
constexpr int32_t kPgEpochDays = 10957;

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

ScalarPlan PlanScalar(duckdb_logical_type type) {
  ScalarPlan plan;
  switch (duckdb_get_type_id(type)) {
    case DUCKDB_TYPE_BOOLEAN:
      plan.wire = Wire(WireKind::kBool);
      plan.create_type = "boolean";
      break;
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_UTINYINT:
      plan.cast = "SMALLINT";
      [[fallthrough]];
    case DUCKDB_TYPE_SMALLINT:
      plan.wire = Wire(WireKind::kInt2);
      plan.create_type = "smallint";
      break;
    case DUCKDB_TYPE_USMALLINT:
      plan.cast = "INTEGER";
      [[fallthrough]];
    case DUCKDB_TYPE_INTEGER:
      plan.wire = Wire(WireKind::kInt4);
      plan.create_type = "integer";
      break;
    case DUCKDB_TYPE_UINTEGER:
      plan.cast = "BIGINT";
      [[fallthrough]];
    case DUCKDB_TYPE_BIGINT:
      plan.wire = Wire(WireKind::kInt8);
      plan.create_type = "bigint";
      break;
    case DUCKDB_TYPE_UBIGINT:
      plan.cast = "VARCHAR";
      plan.wire = Wire(WireKind::kNumeric);
      plan.create_type = "numeric(20,0)";
      break;
    case DUCKDB_TYPE_HUGEINT:
    case DUCKDB_TYPE_UHUGEINT:
      plan.cast = "VARCHAR";
      plan.wire = Wire(WireKind::kNumeric);
      plan.create_type = "numeric(39,0)";
      break;
    case DUCKDB_TYPE_BIGNUM:
      plan.cast = "VARCHAR";
      plan.wire = Wire(WireKind::kNumeric);
      plan.create_type = "numeric";
      break;
    case DUCKDB_TYPE_FLOAT:
      plan.wire = Wire(WireKind::kFloat4);
      plan.create_type = "real";
      break;
    case DUCKDB_TYPE_DOUBLE:
      plan.wire = Wire(WireKind::kFloat8);
      plan.create_type = "double precision";
      break;
    case DUCKDB_TYPE_DECIMAL: {
      plan.wire = Wire(WireKind::kNumeric);
      plan.wire.precision = duckdb_decimal_width(type);
      plan.wire.scale = duckdb_decimal_scale(type);
      plan.create_type = plan.wire.PgTypeName();
      break;
    }
    case DUCKDB_TYPE_VARCHAR:
      if (IsJson(type)) {
        plan.wire = Wire(WireKind::kJsonb);
        plan.create_type = "jsonb";
      } else {
        plan.wire = Wire(WireKind::kText);
        plan.create_type = "text";
      }
      break;
    case DUCKDB_TYPE_BLOB:
      plan.wire = Wire(WireKind::kBytea);
      plan.create_type = "bytea";
      break;
    case DUCKDB_TYPE_DATE:
      plan.wire = Wire(WireKind::kDate);
      plan.create_type = "date";
      break;
    case DUCKDB_TYPE_TIME_NS:
      plan.cast = "TIME";
      [[fallthrough]];
    case DUCKDB_TYPE_TIME:
      plan.wire = Wire(WireKind::kTime);
      plan.create_type = "time";
      break;
    case DUCKDB_TYPE_TIME_TZ:
      plan.wire = Wire(WireKind::kTimeTz);
      plan.create_type = "timetz";
      break;
    case DUCKDB_TYPE_TIMESTAMP_NS:
      plan.warning = "nanoseconds truncated to microseconds";
      [[fallthrough]];
    case DUCKDB_TYPE_TIMESTAMP_S:
    case DUCKDB_TYPE_TIMESTAMP_MS:
      plan.cast = "TIMESTAMP";
      [[fallthrough]];
    case DUCKDB_TYPE_TIMESTAMP:
      plan.wire = Wire(WireKind::kTimestamp);
      plan.create_type = "timestamp";
      break;
    case DUCKDB_TYPE_TIMESTAMP_TZ:
      plan.wire = Wire(WireKind::kTimestampTz);
      plan.create_type = "timestamptz";
      break;
    case DUCKDB_TYPE_INTERVAL:
      plan.wire = Wire(WireKind::kInterval);
      plan.create_type = "interval";
      break;
    case DUCKDB_TYPE_UUID:
      plan.wire = Wire(WireKind::kUuid);
      plan.create_type = "uuid";
      break;
    case DUCKDB_TYPE_LIST:
    case DUCKDB_TYPE_ARRAY:
    case DUCKDB_TYPE_STRUCT:
    case DUCKDB_TYPE_MAP:
    case DUCKDB_TYPE_UNION:
      plan.ok = false;
      break;
    default:  // ENUM, BIT, anything newer: its text form
      plan.cast = "VARCHAR";
      plan.wire = Wire(WireKind::kText);
      plan.create_type = "text";
      break;
  }
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
    case ReadKind::kFloat: {
      uint32_t bits;
      std::memcpy(&bits, static_cast<const float*>(state.data) + row, 4);
      out.PutI32(4);
      out.PutU32(bits);
      return;
    }
    case ReadKind::kDouble: {
      uint64_t bits;
      std::memcpy(&bits, static_cast<const double*>(state.data) + row, 8);
      out.PutI32(8);
      out.PutI64(static_cast<int64_t>(bits));
      return;
    }
    case ReadKind::kDecimal16:
      EncodeDecimal(out, static_cast<const int16_t*>(state.data)[row], type.scale);
      return;
    case ReadKind::kDecimal32:
      EncodeDecimal(out, static_cast<const int32_t*>(state.data)[row], type.scale);
      return;
    case ReadKind::kDecimal64:
      EncodeDecimal(out, static_cast<const int64_t*>(state.data)[row], type.scale);
      return;
    case ReadKind::kDecimal128: {
      const duckdb_hugeint h = static_cast<const duckdb_hugeint*>(state.data)[row];
      const __int128 value = (static_cast<__int128>(h.upper) << 64) | static_cast<__int128>(h.lower);
      EncodeDecimal(out, value, type.scale);
      return;
    }
    case ReadKind::kString: {
      const std::string_view text = StringAt(state.data, row);
      if (type.wire.kind == WireKind::kJsonb) {
        out.PutI32(static_cast<int32_t>(text.size() + 1));
        const uint8_t version = 1;
        out.PutBytes(&version, 1);
      } else {
        out.PutI32(static_cast<int32_t>(text.size()));
      }
      out.PutBytes(text.data(), text.size());
      return;
    }
    case ReadKind::kNumericText: {
      const std::string_view text = StringAt(state.data, row);
      if (!WriteNumericText(out, text.data(), text.size()))
        throw Error(ErrorKind::kDataError, "value '" + std::string(text.substr(0, 80)) + "' is not a number");
      return;
    }
    case ReadKind::kDate: {
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
      return;
    }
    case ReadKind::kTime:
      out.PutI32(8);
      out.PutI64(static_cast<const int64_t*>(state.data)[row]);
      return;
    case ReadKind::kTimeTz: {
      const duckdb_time_tz_struct value =
          duckdb_from_time_tz(static_cast<const duckdb_time_tz*>(state.data)[row]);
      const int64_t micros =
          ((static_cast<int64_t>(value.time.hour) * 60 + value.time.min) * 60 + value.time.sec) * 1000000 +
          value.time.micros;
      out.PutI32(12);
      out.PutI64(micros);
      out.PutI32(-value.offset);
      return;
    }
    case ReadKind::kTimestamp: {
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
      return;
    }
    case ReadKind::kInterval: {
      const duckdb_interval value = static_cast<const duckdb_interval*>(state.data)[row];
      out.PutI32(16);
      out.PutI64(value.micros);
      out.PutI32(value.days);
      out.PutI32(value.months);
      return;
    }
    case ReadKind::kUuid: {
      const duckdb_hugeint value = static_cast<const duckdb_hugeint*>(state.data)[row];
      out.PutI32(16);
      out.PutI64(static_cast<int64_t>(static_cast<uint64_t>(value.upper) ^ (uint64_t{1} << 63)));
      out.PutI64(static_cast<int64_t>(value.lower));
      return;
    }
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
      switch (duckdb_decimal_internal_type(streamed)) {
        case DUCKDB_TYPE_SMALLINT:
          type.read = ReadKind::kDecimal16;
          break;
        case DUCKDB_TYPE_INTEGER:
          type.read = ReadKind::kDecimal32;
          break;
        case DUCKDB_TYPE_BIGINT:
          type.read = ReadKind::kDecimal64;
          break;
        default:
          type.read = ReadKind::kDecimal128;
          break;
      }
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

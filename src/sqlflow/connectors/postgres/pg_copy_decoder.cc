#include "sqlflow/connectors/postgres/pg_copy_decoder.h"

#include <duckdb.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/connectors/postgres/pg_wire.h"

namespace sqlflow::connectors::pg {

// A DuckDB vector being filled. List vectors own a sink for their child vector.
struct Sink {
  duckdb_vector vector = nullptr;
  void* data = nullptr;
  std::unique_ptr<Sink> child;  // lists
  uint64_t child_size = 0;
  uint64_t child_capacity = 0;

  void Bind(duckdb_vector v, const WireType& type) {
    vector = v;
    data = duckdb_vector_get_data(v);
    if (type.kind == WireKind::kArray) {
      if (!child) child = std::make_unique<Sink>();
      child_size = 0;
      child_capacity = 0;
      WireType inner =
          type.dims > 1 ? WireType{WireKind::kArray, 0, 0, type.dims - 1, type.element} : *type.element;
      child->Bind(duckdb_list_vector_get_child(v), inner);
    }
  }
  void SetNull(uint64_t row) {
    duckdb_vector_ensure_validity_writable(vector);
    duckdb_validity_set_row_invalid(duckdb_vector_get_validity(vector), row);
  }
  void Reserve(uint64_t needed) {
    if (needed <= child_capacity) return;
    uint64_t capacity = std::max<uint64_t>(needed, child_capacity ? child_capacity * 2 : 2048);
    duckdb_list_vector_reserve(vector, capacity);
    child_capacity = capacity;
    child->data = duckdb_vector_get_data(child->vector);
  }
  // List sizes must be set before the chunk is handed out.
  void SetListSizes() {
    if (!child) return;
    duckdb_list_vector_set_size(vector, child_size);
    child->SetListSizes();
  }
};

namespace {

[[noreturn]] void Malformed(const std::string& column, const std::string& what) {
  throw Error(ErrorKind::kDataError, "column '" + column + "': " + what);
}

void CheckLength(int32_t length, int32_t expected, const std::string& column, const char* type) {
  if (length != expected)
    Malformed(column, "binary " + std::string(type) + " value has " + std::to_string(length) +
                          " bytes, expected " + std::to_string(expected));
}

// numeric binary: ndigits, weight, sign, dscale (int16 each), then ndigits base-10000 digits.
struct NumericView {
  int ndigits;
  int weight;
  uint16_t sign;
  int dscale;
  const uint8_t* digits;
  int Digit(int i) const { return ReadU16(digits + 2 * i); }
};

NumericView ReadNumeric(const uint8_t* p, int32_t length, const std::string& column) {
  if (length < 8) Malformed(column, "truncated numeric value");
  NumericView view{ReadU16(p), ReadI16(p + 2), ReadU16(p + 4), ReadU16(p + 6), p + 8};
  if (length != 8 + 2 * view.ndigits) Malformed(column, "malformed numeric value");
  return view;
}

constexpr uint16_t kNumericNegative = 0x4000, kNumericNaN = 0xC000, kNumericPosInf = 0xD000,
                   kNumericNegInf = 0xF000;

__int128 NumericToScaled(const NumericView& n, int scale, int precision, const std::string& column) {
  if (n.sign == kNumericNaN || n.sign == kNumericPosInf || n.sign == kNumericNegInf) {
    throw Error(ErrorKind::kDataError,
                "column '" + column + "': numeric value " +
                    (n.sign == kNumericNaN      ? std::string("NaN")
                     : n.sign == kNumericPosInf ? "Infinity"
                                                : "-Infinity") +
                    " does not fit DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) + ")",
                "", "declare the column as DOUBLE: \"column_types\": {\"" + column + "\": \"DOUBLE\"}");
  }
  __int128 acc = 0;
  for (int i = 0; i < n.ndigits; ++i) {
    const int shift = 4 * (n.weight - i) + scale;
    const int digit = n.Digit(i);
    if (shift >= 0) {
      if (shift > 38) Malformed(column, "numeric value out of range for DECIMAL");
      acc += static_cast<__int128>(digit) * Pow10(shift);
    } else if (shift > -4) {
      const int64_t divisor = static_cast<int64_t>(Pow10(-shift));
      acc += digit / divisor;
      if ((digit % divisor) * 2 >= divisor) acc += 1;  // half away from zero, as PostgreSQL rounds
      break;
    } else {
      break;
    }
  }
  if (acc >= Pow10(precision))
    Malformed(column, "numeric value out of range for DECIMAL(" + std::to_string(precision) + "," +
                          std::to_string(scale) + ")");
  return n.sign == kNumericNegative ? -acc : acc;
}

double NumericToDouble(const NumericView& n) {
  if (n.sign == kNumericNaN) return std::numeric_limits<double>::quiet_NaN();
  if (n.sign == kNumericPosInf) return std::numeric_limits<double>::infinity();
  if (n.sign == kNumericNegInf) return -std::numeric_limits<double>::infinity();
  if (n.ndigits == 0) return 0.0;
  // Exact decimal text, then strtod for a correctly rounded double.
  char buffer[1200];
  std::string text;
  char* out = buffer;
  const size_t capacity_needed = static_cast<size_t>(n.ndigits) * 4 + std::abs(n.weight) * 4 + 16;
  if (capacity_needed > sizeof(buffer)) {
    text.resize(capacity_needed);
    out = text.data();
  }
  char* start = out;
  if (n.sign == kNumericNegative) *out++ = '-';
  auto put4 = [&](int digit) {
    out[0] = static_cast<char>('0' + digit / 1000);
    out[1] = static_cast<char>('0' + digit / 100 % 10);
    out[2] = static_cast<char>('0' + digit / 10 % 10);
    out[3] = static_cast<char>('0' + digit % 10);
    out += 4;
  };
  if (n.weight < 0) {
    *out++ = '0';
    *out++ = '.';
    for (int i = 0; i < -n.weight - 1; ++i) put4(0);
    for (int i = 0; i < n.ndigits; ++i) put4(n.Digit(i));
  } else {
    for (int i = 0; i <= n.weight; ++i) put4(i < n.ndigits ? n.Digit(i) : 0);
    if (n.ndigits > n.weight + 1) {
      *out++ = '.';
      for (int i = n.weight + 1; i < n.ndigits; ++i) put4(n.Digit(i));
    }
  }
  *out = '\0';
  return std::strtod(start, nullptr);
}

int DecimalBytes(int precision) {
  if (precision <= 4) return 2;
  if (precision <= 9) return 4;
  if (precision <= 18) return 8;
  return 16;
}

void DecodeValue(const WireType& type, Sink& sink, uint64_t row, const uint8_t* p, int32_t length,
                 const std::string& column, bool validate_utf8);

// One level of a (possibly multi-dimensional) array: `count` entries at `row` of `sink`.
void DecodeArrayLevel(const WireType& type, Sink& sink, uint64_t row, const int32_t* dims, int ndim,
                      int level, const uint8_t*& cursor, const uint8_t* end, const std::string& column,
                      bool validate_utf8) {
  const uint64_t count = static_cast<uint64_t>(dims[level]);
  const uint64_t offset = sink.child_size;
  sink.Reserve(offset + count);
  sink.child_size += count;
  static_cast<duckdb_list_entry*>(sink.data)[row] = {offset, count};
  Sink& child = *sink.child;
  if (level + 1 < ndim) {
    for (uint64_t i = 0; i < count; ++i)
      DecodeArrayLevel(type, child, offset + i, dims, ndim, level + 1, cursor, end, column, validate_utf8);
    return;
  }
  for (uint64_t i = 0; i < count; ++i) {
    if (end - cursor < 4) Malformed(column, "truncated array value");
    const int32_t length = ReadI32(cursor);
    cursor += 4;
    if (length < 0) {
      child.SetNull(offset + i);
      continue;
    }
    if (end - cursor < length) Malformed(column, "truncated array element");
    DecodeValue(*type.element, child, offset + i, cursor, length, column, validate_utf8);
    cursor += length;
  }
}

void DecodeArray(const WireType& type, Sink& sink, uint64_t row, const uint8_t* p, int32_t length,
                 const std::string& column, bool validate_utf8) {
  if (length < 12) Malformed(column, "truncated array header");
  const int32_t ndim = ReadI32(p);
  const uint8_t* end = p + length;
  if (ndim == 0) {
    static_cast<duckdb_list_entry*>(sink.data)[row] = {sink.child_size, 0};
    return;
  }
  if (ndim != type.dims)
    throw Error(ErrorKind::kDataError,
                "column '" + column + "': array value has " + std::to_string(ndim) +
                    " dimensions, the column is read as " + type.DuckDBType(),
                "", "declare the column with matching dimensions, or cast it in a query");
  if (ndim > 6 || length < 12 + 8 * ndim) Malformed(column, "malformed array header");
  int32_t dims[6];
  for (int i = 0; i < ndim; ++i) dims[i] = ReadI32(p + 12 + 8 * i);
  const uint8_t* cursor = p + 12 + 8 * ndim;
  DecodeArrayLevel(type, sink, row, dims, ndim, 0, cursor, end, column, validate_utf8);
}

// The pieces of DecodeValue with more than a fixed-width copy; each writes row `row` of `sink`.
void DecodeFloat4(Sink& sink, uint64_t row, const uint8_t* p, int32_t length, const std::string& column) {
  CheckLength(length, 4, column, "real");
  const uint32_t bits = ReadU32(p);
  float value;
  std::memcpy(&value, &bits, 4);
  static_cast<float*>(sink.data)[row] = value;
}

void DecodeFloat8(Sink& sink, uint64_t row, const uint8_t* p, int32_t length, const std::string& column) {
  CheckLength(length, 8, column, "double precision");
  const uint64_t bits = static_cast<uint64_t>(ReadI64(p));
  double value;
  std::memcpy(&value, &bits, 8);
  static_cast<double*>(sink.data)[row] = value;
}

// NUMERIC without a declared precision becomes DOUBLE; with one, DECIMAL of the width DuckDB uses for it.
void DecodeNumeric(const WireType& type, Sink& sink, uint64_t row, const uint8_t* p, int32_t length,
                   const std::string& column) {
  const NumericView n = ReadNumeric(p, length, column);
  if (type.precision == 0) {
    static_cast<double*>(sink.data)[row] = NumericToDouble(n);
    return;
  }
  const __int128 value = NumericToScaled(n, type.scale, type.precision, column);
  switch (DecimalBytes(type.precision)) {
    case 2:
      static_cast<int16_t*>(sink.data)[row] = static_cast<int16_t>(value);
      return;
    case 4:
      static_cast<int32_t*>(sink.data)[row] = static_cast<int32_t>(value);
      return;
    case 8:
      static_cast<int64_t*>(sink.data)[row] = static_cast<int64_t>(value);
      return;
    default: {
      duckdb_hugeint h;
      h.lower = static_cast<uint64_t>(value);
      h.upper = static_cast<int64_t>(value >> 64);
      static_cast<duckdb_hugeint*>(sink.data)[row] = h;
      return;
    }
  }
}

void DecodeText(Sink& sink, uint64_t row, const uint8_t* p, int32_t length, const std::string& column,
                bool validate_utf8) {
  if (validate_utf8 && FindInvalidUtf8(std::string_view(reinterpret_cast<const char*>(p), length)))
    throw Error(ErrorKind::kDataError, "column '" + column + "': text value is not valid UTF-8");
  duckdb_vector_assign_string_element_len(sink.vector, row, reinterpret_cast<const char*>(p), length);
}

// Days since 2000-01-01 -> days since 1970-01-01; +-infinity map to DuckDB's.
void DecodeDate(Sink& sink, uint64_t row, const uint8_t* p, int32_t length, const std::string& column) {
  CheckLength(length, 4, column, "date");
  const int32_t days = ReadI32(p);
  int32_t out;
  if (days == std::numeric_limits<int32_t>::max())
    out = days;  // infinity
  else if (days == std::numeric_limits<int32_t>::min())
    out = -std::numeric_limits<int32_t>::max();  // -infinity
  else if (__builtin_add_overflow(days, kPgEpochDays, &out) || out >= std::numeric_limits<int32_t>::max())
    Malformed(column, "date out of range");
  static_cast<int32_t*>(sink.data)[row] = out;
}

void DecodeTimeTz(Sink& sink, uint64_t row, const uint8_t* p, int32_t length, const std::string& column) {
  CheckLength(length, 12, column, "time with time zone");
  const int64_t micros = ReadI64(p);
  const int32_t zone_west = ReadI32(p + 8);
  static_cast<duckdb_time_tz*>(sink.data)[row] = duckdb_create_time_tz(micros, -zone_west);
}

// Microseconds since 2000-01-01 -> since 1970-01-01; +-infinity map to DuckDB's.
void DecodeTimestamp(Sink& sink, uint64_t row, const uint8_t* p, int32_t length, const std::string& column) {
  CheckLength(length, 8, column, "timestamp");
  const int64_t micros = ReadI64(p);
  int64_t out;
  if (micros == std::numeric_limits<int64_t>::max())
    out = micros;  // infinity
  else if (micros == std::numeric_limits<int64_t>::min())
    out = -std::numeric_limits<int64_t>::max();
  else if (__builtin_add_overflow(micros, kPgEpochMicros, &out) ||
           out >= std::numeric_limits<int64_t>::max() - 1)
    Malformed(column, "timestamp out of DuckDB's range");
  static_cast<int64_t*>(sink.data)[row] = out;
}

void DecodeInterval(Sink& sink, uint64_t row, const uint8_t* p, int32_t length, const std::string& column) {
  CheckLength(length, 16, column, "interval");
  duckdb_interval value;
  value.micros = ReadI64(p);
  value.days = ReadI32(p + 8);
  value.months = ReadI32(p + 12);
  static_cast<duckdb_interval*>(sink.data)[row] = value;
}

// DuckDB's UUID is a hugeint with the top bit flipped (so that it sorts like the text form).
void DecodeUuid(Sink& sink, uint64_t row, const uint8_t* p, int32_t length, const std::string& column) {
  CheckLength(length, 16, column, "uuid");
  duckdb_hugeint value;
  value.upper = static_cast<int64_t>(static_cast<uint64_t>(ReadI64(p)) ^ (uint64_t{1} << 63));
  value.lower = static_cast<uint64_t>(ReadI64(p + 8));
  static_cast<duckdb_hugeint*>(sink.data)[row] = value;
}

void DecodeValue(const WireType& type, Sink& sink, uint64_t row, const uint8_t* p, int32_t length,
                 const std::string& column, bool validate_utf8) {
  switch (type.kind) {
    case WireKind::kBool:
      CheckLength(length, 1, column, "boolean");
      static_cast<bool*>(sink.data)[row] = p[0] != 0;
      return;
    case WireKind::kInt2:
      CheckLength(length, 2, column, "smallint");
      static_cast<int16_t*>(sink.data)[row] = ReadI16(p);
      return;
    case WireKind::kInt4:
      CheckLength(length, 4, column, "integer");
      static_cast<int32_t*>(sink.data)[row] = ReadI32(p);
      return;
    case WireKind::kInt8:
      CheckLength(length, 8, column, "bigint");
      static_cast<int64_t*>(sink.data)[row] = ReadI64(p);
      return;
    case WireKind::kOid:
      CheckLength(length, 4, column, "oid");
      static_cast<int64_t*>(sink.data)[row] = ReadU32(p);
      return;
    case WireKind::kFloat4:
      return DecodeFloat4(sink, row, p, length, column);
    case WireKind::kFloat8:
      return DecodeFloat8(sink, row, p, length, column);
    case WireKind::kNumeric:
      return DecodeNumeric(type, sink, row, p, length, column);
    case WireKind::kText:
    case WireKind::kJson:
      return DecodeText(sink, row, p, length, column, validate_utf8);
    case WireKind::kJsonb:
      if (length < 1 || p[0] != 1) Malformed(column, "unsupported jsonb version");
      duckdb_vector_assign_string_element_len(sink.vector, row, reinterpret_cast<const char*>(p + 1),
                                              length - 1);
      return;
    case WireKind::kBytea:
      duckdb_vector_assign_string_element_len(sink.vector, row, reinterpret_cast<const char*>(p), length);
      return;
    case WireKind::kDate:
      return DecodeDate(sink, row, p, length, column);
    case WireKind::kTime:
      CheckLength(length, 8, column, "time");
      static_cast<int64_t*>(sink.data)[row] = ReadI64(p);
      return;
    case WireKind::kTimeTz:
      return DecodeTimeTz(sink, row, p, length, column);
    case WireKind::kTimestamp:
    case WireKind::kTimestampTz:
      return DecodeTimestamp(sink, row, p, length, column);
    case WireKind::kInterval:
      return DecodeInterval(sink, row, p, length, column);
    case WireKind::kUuid:
      return DecodeUuid(sink, row, p, length, column);
    case WireKind::kArray:
      DecodeArray(type, sink, row, p, length, column, validate_utf8);
      return;
  }
}

constexpr char kSignature[] = "PGCOPY\n\377\r\n";  // 11 bytes with the trailing NUL

}  // namespace

engine::LogicalType LogicalTypeFor(const WireType& type) {
  duckdb_type id = DUCKDB_TYPE_VARCHAR;
  switch (type.kind) {
    case WireKind::kBool:
      id = DUCKDB_TYPE_BOOLEAN;
      break;
    case WireKind::kInt2:
      id = DUCKDB_TYPE_SMALLINT;
      break;
    case WireKind::kInt4:
      id = DUCKDB_TYPE_INTEGER;
      break;
    case WireKind::kInt8:
    case WireKind::kOid:
      id = DUCKDB_TYPE_BIGINT;
      break;
    case WireKind::kFloat4:
      id = DUCKDB_TYPE_FLOAT;
      break;
    case WireKind::kFloat8:
      id = DUCKDB_TYPE_DOUBLE;
      break;
    case WireKind::kNumeric:
      if (type.precision > 0)
        return engine::LogicalType(duckdb_create_decimal_type(static_cast<uint8_t>(type.precision),
                                                              static_cast<uint8_t>(type.scale)));
      id = DUCKDB_TYPE_DOUBLE;
      break;
    case WireKind::kText:
      id = DUCKDB_TYPE_VARCHAR;
      break;
    case WireKind::kBytea:
      id = DUCKDB_TYPE_BLOB;
      break;
    case WireKind::kDate:
      id = DUCKDB_TYPE_DATE;
      break;
    case WireKind::kTime:
      id = DUCKDB_TYPE_TIME;
      break;
    case WireKind::kTimeTz:
      id = DUCKDB_TYPE_TIME_TZ;
      break;
    case WireKind::kTimestamp:
      id = DUCKDB_TYPE_TIMESTAMP;
      break;
    case WireKind::kTimestampTz:
      id = DUCKDB_TYPE_TIMESTAMP_TZ;
      break;
    case WireKind::kInterval:
      id = DUCKDB_TYPE_INTERVAL;
      break;
    case WireKind::kUuid:
      id = DUCKDB_TYPE_UUID;
      break;
    case WireKind::kJson:
    case WireKind::kJsonb: {
      duckdb_logical_type json = duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
      duckdb_logical_type_set_alias(json, "JSON");
      return engine::LogicalType(json);
    }
    case WireKind::kArray: {
      WireType inner =
          type.dims > 1 ? WireType{WireKind::kArray, 0, 0, type.dims - 1, type.element} : *type.element;
      engine::LogicalType child = LogicalTypeFor(inner);
      return engine::LogicalType(duckdb_create_list_type(child.get()));
    }
  }
  return engine::LogicalType(duckdb_create_logical_type(id));
}

CopyDecoder::CopyDecoder(std::vector<DecodeColumn> columns, const std::vector<engine::LogicalType>& types,
                         int64_t batch_size, bool validate_utf8)
    : columns_(std::move(columns)),
      types_(types),
      batch_size_(batch_size > 0 ? batch_size : 10000),
      validate_utf8_(validate_utf8) {
  chunk_capacity_ = duckdb_vector_size();
  for (size_t i = 0; i < columns_.size(); ++i) sinks_.push_back(std::make_unique<Sink>());
}

CopyDecoder::~CopyDecoder() = default;

void CopyDecoder::StartChunk() {
  chunk_ = std::make_unique<engine::DataChunk>(engine::DataChunk::Create(types_));
  for (size_t i = 0; i < columns_.size(); ++i)
    sinks_[i]->Bind(duckdb_data_chunk_get_vector(chunk_->get(), i), columns_[i].type);
  chunk_rows_ = 0;
}

void CopyDecoder::FinishChunk() {
  if (!chunk_) return;
  for (auto& sink : sinks_) sink->SetListSizes();
  chunk_->set_size(chunk_rows_);
  if (chunk_rows_ > 0) batch_.push_back(std::move(*chunk_));
  chunk_.reset();
  chunk_rows_ = 0;
}

void CopyDecoder::Finish() {
  FinishChunk();
  if (!batch_.empty()) batches_.push_back(std::move(batch_));
  batch_.clear();
  batch_rows_ = 0;
}

std::vector<engine::DataChunk> CopyDecoder::TakeBatch() {
  std::vector<engine::DataChunk> batch = std::move(batches_.front());
  batches_.pop_front();
  return batch;
}

void CopyDecoder::DecodeTuple(const uint8_t* data) {
  if (!chunk_) StartChunk();
  const uint8_t* p = data + 2;
  for (size_t column = 0; column < columns_.size(); ++column) {
    const int32_t length = ReadI32(p);
    p += 4;
    if (length < 0) {
      sinks_[column]->SetNull(chunk_rows_);
      continue;
    }
    DecodeValue(columns_[column].type, *sinks_[column], chunk_rows_, p, length, columns_[column].name,
                validate_utf8_);
    p += length;
  }
  ++chunk_rows_;
  ++batch_rows_;
  ++rows_;
  if (batch_rows_ >= batch_size_) {
    Finish();
  } else if (chunk_rows_ >= chunk_capacity_) {
    FinishChunk();
  }
}

size_t CopyDecoder::DecodeTuples(const uint8_t* data, size_t size) {
  size_t pos = 0;
  if (!header_done_) {
    if (size < 19) return 0;
    if (std::memcmp(data, kSignature, 11) != 0)
      throw Error(ErrorKind::kProtocolError, "COPY data does not start with the binary COPY signature");
    const uint32_t extension = ReadU32(data + 15);
    if (size < 19 + extension) return 0;
    pos = 19 + extension;
    header_done_ = true;
  }
  while (pos + 2 <= size && !finished_) {
    const int16_t fields = ReadI16(data + pos);
    if (fields == -1) {
      finished_ = true;
      pos += 2;
      break;
    }
    if (static_cast<size_t>(fields) != columns_.size())
      throw Error(ErrorKind::kProtocolError, "COPY tuple has " + std::to_string(fields) +
                                                 " fields, expected " + std::to_string(columns_.size()));
    // Check that the whole tuple is here before writing any of it.
    size_t end = pos + 2;
    bool complete = true;
    for (int16_t f = 0; f < fields; ++f) {
      if (end + 4 > size) {
        complete = false;
        break;
      }
      const int32_t length = ReadI32(data + end);
      end += 4;
      if (length > 0) end += static_cast<size_t>(length);
      if (end > size) {
        complete = false;
        break;
      }
    }
    if (!complete) break;
    DecodeTuple(data + pos);
    pos = end;
  }
  return pos;
}

void CopyDecoder::Feed(const char* data, size_t size) {
  if (carry_.empty()) {
    const size_t used = DecodeTuples(reinterpret_cast<const uint8_t*>(data), size);
    if (used < size && !finished_) carry_.assign(data + used, size - used);
    return;
  }
  carry_.append(data, size);
  const size_t used = DecodeTuples(reinterpret_cast<const uint8_t*>(carry_.data()), carry_.size());
  carry_.erase(0, used);
  if (finished_) carry_.clear();
}

}  // namespace sqlflow::connectors::pg

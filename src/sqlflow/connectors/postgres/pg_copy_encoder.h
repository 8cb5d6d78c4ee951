// Encodes DuckDB data chunks into the PostgreSQL binary COPY format (`COPY t (cols) FROM STDIN (FORMAT
// binary)`), and decides how each export column is selected and which PostgreSQL type receives it
// (CONNECTORS.md §3.5, "Type mapping, DuckDB -> PostgreSQL").
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sqlflow/connectors/postgres/pg_types.h"
#include "sqlflow/connectors/postgres/pg_wire.h"

struct _duckdb_logical_type;
struct _duckdb_data_chunk;

namespace sqlflow::connectors::pg {

// How one export column is streamed out of DuckDB and which PostgreSQL column receives it.
struct ExportColumnPlan {
  std::string name;
  std::string select_expr;  // over the export query's column: "x", CAST("x" AS SMALLINT), to_json("x")
  std::string create_type;  // PostgreSQL type for CREATE TABLE, e.g. numeric(20,0), jsonb, integer[]
  WireType wire;            // the binary format sent
  std::string warning;      // e.g. nanoseconds truncated; empty = none
};
ExportColumnPlan PlanExportColumn(const std::string& name, _duckdb_logical_type* type);
// The wire type that carries DuckDB `type` without a cast (scalars and lists of scalars), or nullopt. Used
// for declared `column_types` on the read side: the column is selected as <col>::<wire.PgTypeName()>.
std::optional<WireType> ExactWireFor(_duckdb_logical_type* type);

// How a streamed DuckDB vector is read (after the select expression).
enum class ReadKind : uint8_t {
  kBool,
  kInt16,
  kInt32,
  kInt64,
  kFloat,
  kDouble,
  kDecimal16,
  kDecimal32,
  kDecimal64,
  kDecimal128,
  kString,       // VARCHAR / BLOB bytes
  kNumericText,  // VARCHAR holding a decimal number (UBIGINT, HUGEINT)
  kDate,
  kTime,
  kTimeTz,
  kTimestamp,  // TIMESTAMP and TIMESTAMPTZ
  kInterval,
  kUuid,
  kList,
};

struct EncodeType {
  ReadKind read = ReadKind::kString;
  WireType wire;
  int scale = 0;                      // decimals
  std::shared_ptr<EncodeType> child;  // kList
};
// Throws Error(kInternal) when the streamed type cannot produce `wire`.
EncodeType EncodeTypeFor(_duckdb_logical_type* streamed, const WireType& wire);

// Not thread-safe. One encoder per COPY.
class CopyEncoder {
 public:
  explicit CopyEncoder(std::vector<EncodeType> columns) : columns_(std::move(columns)) {}
  static void WriteHeader(ByteBuffer& out);
  static void WriteTrailer(ByteBuffer& out);
  // Appends one tuple per row of `chunk` (columns in plan order).
  void EncodeChunk(_duckdb_data_chunk* chunk, ByteBuffer& out);

 private:
  std::vector<EncodeType> columns_;
};

// Numeric binary value of `value` / 10^scale (exposed for tests).
void WriteNumeric(ByteBuffer& out, __int128 value, int scale);
// Numeric binary value of a decimal text such as "-123.4500"; false when the text is not a number.
bool WriteNumericText(ByteBuffer& out, const char* text, size_t length);

}  // namespace sqlflow::connectors::pg

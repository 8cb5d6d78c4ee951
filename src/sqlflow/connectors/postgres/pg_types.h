// Type mapping between PostgreSQL and DuckDB (CONNECTORS.md §3.5 tables), shared by the binary COPY decoder
// (read) and encoder (write).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sqlflow::connectors::pg {

// Built-in type OIDs (stable across PostgreSQL versions).
namespace oid {
inline constexpr uint32_t kBool = 16, kBytea = 17, kChar = 18, kName = 19, kInt8 = 20, kInt2 = 21, kInt4 = 23,
                          kText = 25, kOid = 26, kJson = 114, kFloat4 = 700, kFloat8 = 701, kBpchar = 1042,
                          kVarchar = 1043, kDate = 1082, kTime = 1083, kTimestamp = 1114, kTimestampTz = 1184,
                          kInterval = 1186, kTimeTz = 1266, kNumeric = 1700, kUuid = 2950, kJsonb = 3802;
}  // namespace oid

// How one value travels in binary COPY, in either direction.
enum class WireKind : uint8_t {
  kBool,
  kInt2,
  kInt4,
  kInt8,
  kOid,  // uint32, read as BIGINT
  kFloat4,
  kFloat8,
  kNumeric,  // DECIMAL(p,s) when `precision` > 0, else DOUBLE (read); any integer / decimal (write)
  kText,     // text, varchar, bpchar, name, "char", enum / citext / fallbacks read as ::text
  kBytea,
  kDate,
  kTime,
  kTimeTz,
  kTimestamp,
  kTimestampTz,
  kInterval,
  kUuid,
  kJson,
  kJsonb,
  kArray,
};

struct WireType {
  WireKind kind = WireKind::kText;
  int precision = 0;  // kNumeric read as DECIMAL: 1..38; 0 = read as DOUBLE
  int scale = 0;
  int dims = 0;                       // kArray: dimensions (nested LISTs)
  std::shared_ptr<WireType> element;  // kArray: the scalar element type

  // The DuckDB type string this reads into, e.g. "DECIMAL(12,2)", "INTEGER[]".
  std::string DuckDBType() const;
  // The PostgreSQL type written for it, e.g. "numeric(12,2)", "integer[]" (CREATE TABLE and staging).
  std::string PgTypeName() const;
  // The OID of the binary format produced by the encoder (arrays: the array type OID).
  uint32_t Oid() const;
  uint32_t ElementOid() const;  // kArray: element OID; else Oid()
};

// One row of pg_type, as far as the mapping needs it.
struct PgTypeRow {
  uint32_t oid = 0;
  std::string name;    // typname
  char typtype = 'b';  // b base, d domain, e enum, c composite, r range, p pseudo, m multirange
  uint32_t basetype = 0;
  int typtypmod = -1;
  uint32_t elem = 0;
  char category = 'U';
  int length = 0;
};
using PgTypeCatalog = std::map<uint32_t, PgTypeRow>;

// The read mapping of a column of type `type_oid` with modifier `typmod` and `dims` declared dimensions
// (arrays; 0 or 1 = one). nullopt: no binary decoder, select the column as ::text. `quiet_fallback` is set
// for text-like types (enum, citext) whose fallback needs no warning.
std::optional<WireType> ReadMapping(uint32_t type_oid, int typmod, int dims, const PgTypeCatalog& catalog,
                                    bool* quiet_fallback);

// The numeric typmod -> (precision, scale); false when unconstrained.
bool NumericTypmod(int typmod, int* precision, int* scale);

}  // namespace sqlflow::connectors::pg

#include "sqlflow/connectors/postgres/pg_types.h"

namespace sqlflow::connectors::pg {
namespace {

std::optional<WireType> BuiltinScalar(uint32_t type_oid, int typmod) {
  WireType t;
  switch (type_oid) {
    case oid::kBool:
      t.kind = WireKind::kBool;
      break;
    case oid::kInt2:
      t.kind = WireKind::kInt2;
      break;
    case oid::kInt4:
      t.kind = WireKind::kInt4;
      break;
    case oid::kInt8:
      t.kind = WireKind::kInt8;
      break;
    case oid::kOid:
      t.kind = WireKind::kOid;
      break;
    case oid::kFloat4:
      t.kind = WireKind::kFloat4;
      break;
    case oid::kFloat8:
      t.kind = WireKind::kFloat8;
      break;
    case oid::kNumeric: {
      t.kind = WireKind::kNumeric;
      int precision = 0, scale = 0;
      if (NumericTypmod(typmod, &precision, &scale) && precision <= 38 && scale >= 0 && scale <= precision) {
        t.precision = precision;
        t.scale = scale;
      }
      break;
    }
    case oid::kText:
    case oid::kVarchar:
    case oid::kBpchar:
    case oid::kName:
    case oid::kChar:
      t.kind = WireKind::kText;
      break;
    case oid::kBytea:
      t.kind = WireKind::kBytea;
      break;
    case oid::kDate:
      t.kind = WireKind::kDate;
      break;
    case oid::kTime:
      t.kind = WireKind::kTime;
      break;
    case oid::kTimeTz:
      t.kind = WireKind::kTimeTz;
      break;
    case oid::kTimestamp:
      t.kind = WireKind::kTimestamp;
      break;
    case oid::kTimestampTz:
      t.kind = WireKind::kTimestampTz;
      break;
    case oid::kInterval:
      t.kind = WireKind::kInterval;
      break;
    case oid::kUuid:
      t.kind = WireKind::kUuid;
      break;
    case oid::kJson:
      t.kind = WireKind::kJson;
      break;
    case oid::kJsonb:
      t.kind = WireKind::kJsonb;
      break;
    default:
      return std::nullopt;
  }
  return t;
}

// A scalar type after following domains; nullopt when there is no binary decoder.
std::optional<WireType> ResolveScalar(uint32_t type_oid, int typmod, const PgTypeCatalog& catalog,
                                      bool* quiet, int depth = 0) {
  if (auto builtin = BuiltinScalar(type_oid, typmod)) return builtin;
  auto row = catalog.find(type_oid);
  if (row == catalog.end() || depth > 8) return std::nullopt;
  const PgTypeRow& type = row->second;
  if (type.typtype == 'd')
    return ResolveScalar(type.basetype, typmod >= 0 ? typmod : type.typtypmod, catalog, quiet, depth + 1);
  if (type.typtype == 'e' || type.name == "citext") *quiet = true;
  return std::nullopt;
}

}  // namespace

bool NumericTypmod(int typmod, int* precision, int* scale) {
  if (typmod < 4) return false;
  const int value = typmod - 4;
  *precision = (value >> 16) & 0xffff;
  // PostgreSQL 15 allows negative scales: the low 11 bits are a signed number.
  *scale = (((value & 0x7ff) ^ 1024) - 1024);
  return true;
}

std::optional<WireType> ReadMapping(uint32_t type_oid, int typmod, int dims, const PgTypeCatalog& catalog,
                                    bool* quiet_fallback) {
  *quiet_fallback = false;
  uint32_t resolved = type_oid;
  int resolved_typmod = typmod;
  // Domains over arrays: follow to the base type first.
  for (int depth = 0; depth < 8; ++depth) {
    auto row = catalog.find(resolved);
    if (row == catalog.end() || row->second.typtype != 'd') break;
    if (resolved_typmod < 0) resolved_typmod = row->second.typtypmod;
    resolved = row->second.basetype;
  }
  auto row = catalog.find(resolved);
  const bool is_array = row != catalog.end() && row->second.category == 'A' && row->second.length == -1 &&
                        row->second.elem != 0 && !BuiltinScalar(resolved, resolved_typmod);
  if (!is_array) return ResolveScalar(resolved, resolved_typmod, catalog, quiet_fallback);
  auto element = ResolveScalar(row->second.elem, resolved_typmod, catalog, quiet_fallback);
  if (!element) return std::nullopt;
  WireType array;
  array.kind = WireKind::kArray;
  array.dims = dims > 1 ? dims : 1;
  array.element = std::make_shared<WireType>(*element);
  return array;
}

std::string WireType::DuckDBType() const {
  switch (kind) {
    case WireKind::kBool:
      return "BOOLEAN";
    case WireKind::kInt2:
      return "SMALLINT";
    case WireKind::kInt4:
      return "INTEGER";
    case WireKind::kInt8:
    case WireKind::kOid:
      return "BIGINT";
    case WireKind::kFloat4:
      return "FLOAT";
    case WireKind::kFloat8:
      return "DOUBLE";
    case WireKind::kNumeric:
      return precision > 0 ? "DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) + ")"
                           : "DOUBLE";
    case WireKind::kText:
      return "VARCHAR";
    case WireKind::kBytea:
      return "BLOB";
    case WireKind::kDate:
      return "DATE";
    case WireKind::kTime:
      return "TIME";
    case WireKind::kTimeTz:
      return "TIME WITH TIME ZONE";
    case WireKind::kTimestamp:
      return "TIMESTAMP";
    case WireKind::kTimestampTz:
      return "TIMESTAMP WITH TIME ZONE";
    case WireKind::kInterval:
      return "INTERVAL";
    case WireKind::kUuid:
      return "UUID";
    case WireKind::kJson:
    case WireKind::kJsonb:
      return "JSON";
    case WireKind::kArray: {
      std::string out = element->DuckDBType();
      for (int i = 0; i < dims; ++i) out += "[]";
      return out;
    }
  }
  return "VARCHAR";
}

std::string WireType::PgTypeName() const {
  switch (kind) {
    case WireKind::kBool:
      return "boolean";
    case WireKind::kInt2:
      return "smallint";
    case WireKind::kInt4:
      return "integer";
    case WireKind::kInt8:
    case WireKind::kOid:
      return "bigint";
    case WireKind::kFloat4:
      return "real";
    case WireKind::kFloat8:
      return "double precision";
    case WireKind::kNumeric:
      return precision > 0 ? "numeric(" + std::to_string(precision) + "," + std::to_string(scale) + ")"
                           : "numeric";
    case WireKind::kText:
      return "text";
    case WireKind::kBytea:
      return "bytea";
    case WireKind::kDate:
      return "date";
    case WireKind::kTime:
      return "time";
    case WireKind::kTimeTz:
      return "time with time zone";
    case WireKind::kTimestamp:
      return "timestamp";
    case WireKind::kTimestampTz:
      return "timestamp with time zone";
    case WireKind::kInterval:
      return "interval";
    case WireKind::kUuid:
      return "uuid";
    case WireKind::kJson:
      return "json";
    case WireKind::kJsonb:
      return "jsonb";
    case WireKind::kArray: {
      std::string out = element->PgTypeName();
      for (int i = 0; i < dims; ++i) out += "[]";
      return out;
    }
  }
  return "text";
}

namespace {

// Array type OIDs of the element types the encoder produces (0 for arrays of arrays).
uint32_t ArrayOid(WireKind element) {
  switch (element) {
    case WireKind::kBool:
      return 1000;
    case WireKind::kInt2:
      return 1005;
    case WireKind::kInt4:
      return 1007;
    case WireKind::kInt8:
      return 1016;
    case WireKind::kOid:
      return 1028;
    case WireKind::kFloat4:
      return 1021;
    case WireKind::kFloat8:
      return 1022;
    case WireKind::kNumeric:
      return 1231;
    case WireKind::kText:
      return 1009;
    case WireKind::kBytea:
      return 1001;
    case WireKind::kDate:
      return 1182;
    case WireKind::kTime:
      return 1183;
    case WireKind::kTimeTz:
      return 1270;
    case WireKind::kTimestamp:
      return 1115;
    case WireKind::kTimestampTz:
      return 1185;
    case WireKind::kInterval:
      return 1187;
    case WireKind::kUuid:
      return 2951;
    case WireKind::kJson:
      return 199;
    case WireKind::kJsonb:
      return 3807;
    case WireKind::kArray:
      return 0;
  }
  return 0;
}

}  // namespace

uint32_t WireType::Oid() const {
  switch (kind) {
    case WireKind::kBool:
      return oid::kBool;
    case WireKind::kInt2:
      return oid::kInt2;
    case WireKind::kInt4:
      return oid::kInt4;
    case WireKind::kInt8:
      return oid::kInt8;
    case WireKind::kOid:
      return oid::kOid;
    case WireKind::kFloat4:
      return oid::kFloat4;
    case WireKind::kFloat8:
      return oid::kFloat8;
    case WireKind::kNumeric:
      return oid::kNumeric;
    case WireKind::kText:
      return oid::kText;
    case WireKind::kBytea:
      return oid::kBytea;
    case WireKind::kDate:
      return oid::kDate;
    case WireKind::kTime:
      return oid::kTime;
    case WireKind::kTimeTz:
      return oid::kTimeTz;
    case WireKind::kTimestamp:
      return oid::kTimestamp;
    case WireKind::kTimestampTz:
      return oid::kTimestampTz;
    case WireKind::kInterval:
      return oid::kInterval;
    case WireKind::kUuid:
      return oid::kUuid;
    case WireKind::kJson:
      return oid::kJson;
    case WireKind::kJsonb:
      return oid::kJsonb;
    case WireKind::kArray:
      return ArrayOid(element->kind);
  }
  return 0;
}

uint32_t WireType::ElementOid() const {
  return kind == WireKind::kArray ? element->Oid() : Oid();
}

}  // namespace sqlflow::connectors::pg

// Catalog lookups shared by the postgres source and destination: readable objects, the columns of a table or
// a query, and the pg_type rows the type mapping needs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sqlflow/connectors/base/types.h"
#include "sqlflow/connectors/postgres/pg_connection.h"
#include "sqlflow/connectors/postgres/pg_types.h"

namespace sqlflow::connectors::pg {

struct CatalogColumn {
  std::string name;
  uint32_t type_oid = 0;
  int typmod = -1;
  int dims = 0;
  std::string format_type;       // with the modifier: numeric(12,2)
  std::string base_format_type;  // without it: numeric (casts of literals)
  bool not_null = false;
};

// A readable relation: a table (or view) or a query.
struct Relation {
  std::string from_sql;  // "public"."orders"  or  (<query>) AS q
  std::string label;     // public.orders  or  query
  std::vector<CatalogColumn> columns;
  PgTypeCatalog types;  // pg_type rows of every column type and what they refer to
};

// Tables, partitioned tables, views, materialized views and foreign tables in non-system schemas the user can
// use (CONNECTORS.md §3.5 Discover).
std::vector<ObjectRef> ListObjects(PgConnection& connection);

// The relation's OID, or 0 when it does not exist.
uint32_t FindRelation(PgConnection& connection, const QualifiedName& name);

// Columns of a table in attnum order (dropped columns excluded). Throws PgError; NotFound (with "did you
// mean" and the available objects) is thrown as sqlflow::Error with `prefix`.
Relation DescribeTable(PgConnection& connection, const QualifiedName& name, const std::string& prefix);
// Columns of a query via PQprepare + PQdescribePrepared (no execution).
Relation DescribeQuery(PgConnection& connection, const std::string& query);

// pg_type rows of `oids` and of the types they refer to (domain bases, array elements).
PgTypeCatalog LoadTypeCatalog(PgConnection& connection, const std::vector<uint32_t>& oids);

}  // namespace sqlflow::connectors::pg

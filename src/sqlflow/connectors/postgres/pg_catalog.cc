#include "sqlflow/connectors/postgres/pg_catalog.h"

#include <libpq-fe.h>

#include <set>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"

namespace sqlflow::connectors::pg {
namespace {

std::string OidArrayLiteral(const std::vector<uint32_t>& oids) {
  std::string out = "{";
  for (size_t i = 0; i < oids.size(); ++i) out += (i ? "," : "") + std::to_string(oids[i]);
  return out + "}";
}

}  // namespace

std::vector<ObjectRef> ListObjects(PgConnection& connection) {
  PgResult result = connection.Exec(
      "SELECT n.nspname, c.relname, c.relkind, c.reltuples::bigint "
      "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') "
      "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
      "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' "
      "AND pg_catalog.has_schema_privilege(n.oid, 'USAGE') "
      "ORDER BY 1, 2");
  std::vector<ObjectRef> objects;
  for (int row = 0; row < result.rows(); ++row) {
    ObjectRef ref;
    ref.name = QualifiedName{result.Get(row, 0), result.Get(row, 1)}.Display();
    const std::string kind = result.Get(row, 2);
    ref.kind = kind == "v" || kind == "m" ? "view" : "table";
    const int64_t estimate = result.GetInt(row, 3);
    if (estimate >= 0) ref.row_estimate = estimate;
    objects.push_back(std::move(ref));
  }
  return objects;
}

uint32_t FindRelation(PgConnection& connection, const QualifiedName& name) {
  PgResult result = connection.ExecParams(
      "SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
      {name.schema, name.name});
  return result.rows() == 0 ? 0 : static_cast<uint32_t>(result.GetInt(0, 0));
}

PgTypeCatalog LoadTypeCatalog(PgConnection& connection, const std::vector<uint32_t>& oids) {
  PgTypeCatalog catalog;
  if (oids.empty()) return catalog;
  PgResult result = connection.ExecParams(
      "WITH RECURSIVE t(oid) AS ("
      "  SELECT unnest($1::oid[]) "
      "  UNION SELECT CASE WHEN y.typtype = 'd' THEN y.typbasetype ELSE y.typelem END "
      "  FROM pg_catalog.pg_type y JOIN t ON y.oid = t.oid "
      "  WHERE y.typtype = 'd' OR (y.typcategory = 'A' AND y.typelem <> 0)) "
      "SELECT y.oid, y.typname, y.typtype, y.typbasetype, y.typtypmod, y.typelem, y.typcategory, y.typlen "
      "FROM pg_catalog.pg_type y JOIN t ON y.oid = t.oid",
      {OidArrayLiteral(oids)});
  for (int row = 0; row < result.rows(); ++row) {
    PgTypeRow type;
    type.oid = static_cast<uint32_t>(result.GetInt(row, 0));
    type.name = result.Get(row, 1);
    type.typtype = result.Get(row, 2).empty() ? 'b' : result.Get(row, 2)[0];
    type.basetype = static_cast<uint32_t>(result.GetInt(row, 3));
    type.typtypmod = static_cast<int>(result.GetInt(row, 4));
    type.elem = static_cast<uint32_t>(result.GetInt(row, 5));
    type.category = result.Get(row, 6).empty() ? 'U' : result.Get(row, 6)[0];
    type.length = static_cast<int>(result.GetInt(row, 7));
    catalog[type.oid] = type;
  }
  return catalog;
}

Relation DescribeTable(PgConnection& connection, const QualifiedName& name, const std::string& prefix) {
  const uint32_t relation_oid = FindRelation(connection, name);
  if (relation_oid == 0) {
    std::vector<std::string> available;
    for (const auto& object : ListObjects(connection)) available.push_back(object.name);
    std::string message = prefix + ": relation \"" + name.Display() + "\" does not exist";
    if (auto close = DidYouMean(name.Display(), available)) message += " (did you mean " + *close + "?)";
    if (available.size() > 20) available.resize(20), available.push_back("...");
    message +=
        available.empty() ? "; the database has no readable tables" : "; available: " + Join(available, ", ");
    throw Error(ErrorKind::kNotFound, message);
  }
  PgResult result = connection.ExecParams(
      "SELECT a.attname, a.atttypid, a.atttypmod, pg_catalog.format_type(a.atttypid, a.atttypmod), "
      "pg_catalog.format_type(a.atttypid, NULL), a.attnotnull, a.attndims "
      "FROM pg_catalog.pg_attribute a WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped "
      "ORDER BY a.attnum",
      {std::to_string(relation_oid)});
  Relation relation;
  relation.from_sql = connection.QuoteIdent(name.schema) + "." + connection.QuoteIdent(name.name);
  relation.label = name.Display();
  std::vector<uint32_t> oids;
  for (int row = 0; row < result.rows(); ++row) {
    CatalogColumn column;
    column.name = result.Get(row, 0);
    column.type_oid = static_cast<uint32_t>(result.GetInt(row, 1));
    column.typmod = static_cast<int>(result.GetInt(row, 2));
    column.format_type = result.Get(row, 3);
    column.base_format_type = result.Get(row, 4);
    column.not_null = result.GetBool(row, 5);
    column.dims = static_cast<int>(result.GetInt(row, 6));
    oids.push_back(column.type_oid);
    relation.columns.push_back(std::move(column));
  }
  relation.types = LoadTypeCatalog(connection, oids);
  return relation;
}

Relation DescribeQuery(PgConnection& connection, const std::string& query) {
  PgResult prepared(PQprepare(connection.get(), "", query.c_str(), 0, nullptr));
  connection.Expect(prepared, {PGRES_COMMAND_OK});
  PgResult described(PQdescribePrepared(connection.get(), ""));
  connection.Expect(described, {PGRES_COMMAND_OK});
  Relation relation;
  relation.from_sql = "(" + query + ") AS q";
  relation.label = "query";
  std::vector<uint32_t> oids;
  std::vector<std::string> typmods;
  std::set<std::string> seen;
  for (int i = 0; i < PQnfields(described.get()); ++i) {
    CatalogColumn column;
    column.name = PQfname(described.get(), i);
    column.type_oid = PQftype(described.get(), i);
    column.typmod = PQfmod(described.get(), i);
    if (!seen.insert(column.name).second)
      throw PgError(
          ErrorKind::kInvalidConfig, false, "",
          "the query returns the column name '" + column.name + "' twice; give the columns distinct aliases");
    oids.push_back(column.type_oid);
    typmods.push_back(std::to_string(column.typmod));
    relation.columns.push_back(std::move(column));
  }
  if (!oids.empty()) {
    std::string typmod_array = "{" + Join(typmods, ",") + "}";
    PgResult names = connection.ExecParams(
        "SELECT pg_catalog.format_type(t, CASE WHEN m >= 0 THEN m END), pg_catalog.format_type(t, NULL) "
        "FROM unnest($1::oid[], $2::int[]) WITH ORDINALITY AS u(t, m, i) ORDER BY i",
        {OidArrayLiteral(oids), typmod_array});
    for (int row = 0; row < names.rows() && row < static_cast<int>(relation.columns.size()); ++row) {
      relation.columns[row].format_type = names.Get(row, 0);
      relation.columns[row].base_format_type = names.Get(row, 1);
    }
  }
  relation.types = LoadTypeCatalog(connection, oids);
  return relation;
}

}  // namespace sqlflow::connectors::pg

// A table name as the plan carries it: up to three parts, each an identifier exactly as the user wrote it
// (unquoted text, case kept). `"a.b"` is one identifier (name "a.b"); `analytics.orders` is schema-qualified.
// Nothing downstream splits a display string again: SQL text comes from Sql(), messages from Display().
#pragma once

#include <string>

namespace sqlflow {

struct TableName {
  std::string catalog;  // "" = the current database
  std::string schema;   // "" = the default schema (main)
  std::string name;

  // Quoted, qualified as written ("main" is dropped when it is the only qualifier).
  std::string Sql() const;
  // For messages and plan targets: parts joined with '.', a part quoted only when it holds '.' or '"' (so
  // "a.b" and a.b stay distinguishable).
  std::string Display() const;
  // The same table in another schema-less form, e.g. a staging table beside it.
  TableName Sibling(std::string other_name) const { return {catalog, schema, std::move(other_name)}; }
};

}  // namespace sqlflow

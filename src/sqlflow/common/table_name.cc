#include "sqlflow/common/table_name.h"

#include "sqlflow/common/text.h"

namespace sqlflow {

namespace {

std::string DisplayPart(const std::string& part) {
  if (part.find('.') == std::string::npos && part.find('"') == std::string::npos) return part;
  return QuoteIdent(part);
}

}  // namespace

std::string TableName::Sql() const {
  std::string out;
  if (!catalog.empty()) out = QuoteIdent(catalog) + "." + QuoteIdent(schema.empty() ? "main" : schema) + ".";
  else if (!schema.empty() && !EqualsIgnoreCase(schema, "main")) out = QuoteIdent(schema) + ".";
  return out + QuoteIdent(name);
}

std::string TableName::Display() const {
  std::string out;
  if (!catalog.empty()) out += DisplayPart(catalog) + ".";
  if (!schema.empty()) out += DisplayPart(schema) + ".";
  return out + DisplayPart(name);
}

}  // namespace sqlflow

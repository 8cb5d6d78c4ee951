// Parser internals shared between the statement parser and the block parser.
#pragma once

#include <optional>
#include <string>

#include "sqlflow/common/diagnostic.h"
#include "sqlflow/common/source_file.h"

namespace sqlflow::parser {

// `INCLUDE "path" [AS alias]` (LANGUAGE.md §3.8).
struct IncludeStmt {
  std::string path;        // as written, unquoted
  size_t path_offset = 0;  // the quoted path in the file
  size_t path_length = 0;
};

// Parses the INCLUDE statement file->text()[begin, end) (without its ';'). Errors: SF123 for a path with
// variables, SF105 / SF106 for anything else that is not the INCLUDE grammar. Returns nullopt on error.
std::optional<IncludeStmt> ParseInclude(const SourceFilePtr& file, size_t begin, size_t end,
                                        Diagnostics& diagnostics);

}  // namespace sqlflow::parser

// Pipeline parsing (LANGUAGE.md §2-3, §7.1 diagnostics with codes SF100-SF125).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "sqlflow/common/diagnostic.h"
#include "sqlflow/parser/ast.h"

namespace sqlflow::variables {
struct SubstitutedText;
}

namespace sqlflow::parser {

struct ParseOptions {
  // INCLUDE may name a file outside the project root (profile key allow_include_outside_project).
  bool allow_include_outside_project = false;
};

// Reads `relative_path` (relative to `project_root`), checks UTF-8 (SF100), regions (SF101-SF104, SF204,
// and the variable-reference syntax SF202/SF203 in every region except comments), block structure
// (SF105, SF106, SF120) and expands INCLUDEs (SF123: cycles, missing files, paths with variables, paths that
// are not .sf files or leave the project root). Limits (docs/limits.md): IF nesting and INCLUDE depth
// (SF126), file size and line length (SF127).
// Every error found is added to `diagnostics` (the parser recovers and keeps going); every file read is
// registered in `sources`. Returns nullopt only when the main file cannot be read at all.
std::optional<PipelineTree> ParsePipelineFile(const std::filesystem::path& project_root,
                                              const std::string& relative_path, Diagnostics& diagnostics,
                                              SourceCache& sources, const ParseOptions& options = {});

// Same, from text already in memory (tests, fuzzing). INCLUDEs are resolved relative to `project_root`
// joined with the directory of `relative_path`.
std::optional<PipelineTree> ParsePipelineText(const std::filesystem::path& project_root,
                                              const std::string& relative_path, std::string text,
                                              Diagnostics& diagnostics, SourceCache& sources,
                                              const ParseOptions& options = {});

// Parses one active statement after variable substitution (§3). Errors (SF101-SF119, SF122, SF124,
// SF125, and SF309 for a KEY column listed twice) are added to `diagnostics`, positioned through `text`
// (which maps back to the file); a statement stops at its first error and returns nullopt. SQL
// pass-through statements are returned as SqlStmt (trimmed of surrounding whitespace) without checking
// their syntax (the planner asks DuckDB).
// Caveat: CREATE and EXPORT queries are trimmed of whitespace only, so they may end inside a line comment
// ("SELECT 1 -- note"): add a line break before wrapping one in parentheses.
std::optional<Statement> ParseStatement(const variables::SubstitutedText& text, Diagnostics& diagnostics);

// The first word of a statement, upper-cased ("SOURCE", "CREATE", ...), skipping whitespace and comments.
std::string FirstWord(std::string_view statement_text);

}  // namespace sqlflow::parser

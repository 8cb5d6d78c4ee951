// Input limits (LANGUAGE.md §6.5). Every input is processed in time and memory linear in its size; these
// bound what would otherwise recurse or expand without end. Each one is a located error, never a crash or
// a hang. docs/limits.md lists them with their errors; keep the two in step.
#pragma once

#include <cstddef>

namespace sqlflow::limits {

// IF blocks nested inside each other (SF126).
inline constexpr int kMaxIfDepth = 256;
// INCLUDE chain length: a file that includes a file that includes ... (SF126).
inline constexpr int kMaxIncludeDepth = 64;
// Parentheses and NOT nested in one IF condition (SF212). AND / OR chains are flat and not limited.
inline constexpr int kMaxConditionDepth = 256;
// A pipeline file (SF127).
inline constexpr size_t kMaxPipelineFileBytes = 16u << 20;
// One line of a pipeline file (SF127): diagnostics quote whole lines.
inline constexpr size_t kMaxLineBytes = 1u << 20;
// A profile file (SF504).
inline constexpr size_t kMaxProfileFileBytes = 1u << 20;
// YAML nodes of a profile with every alias expanded, and YAML nesting depth (SF504): an alias bomb is
// rejected after this many nodes instead of expanding exponentially.
inline constexpr size_t kMaxProfileYamlNodes = 100000;
inline constexpr int kMaxProfileYamlDepth = 64;
// Nesting of arrays and objects in a JSON / NDJSON data file read by a LOAD (DataError naming the file).
// Checked by a streaming pre-scan before DuckDB's reader sees the file.
inline constexpr int kMaxJsonDataDepth = 128;

}  // namespace sqlflow::limits

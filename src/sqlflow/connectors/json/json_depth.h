// A streaming depth pre-scan for JSON data files (docs/limits.md). DuckDB's JSON reader recurses once per
// nesting level: a file nested 100,000 levels crashes it, and 1,000 levels take minutes and gigabytes, even
// with maximum_depth set. Every JSON / NDJSON file is scanned here before DuckDB reads it, in one pass with
// constant memory (plain, gzip and zstd files).
#pragma once

#include <cstddef>
#include <string>

namespace sqlflow::connectors {

// Throws Error(kDataError) naming the file when arrays / objects in `path` nest deeper than `max_depth`,
// and Error(kNotFound) when it cannot be opened. Strings (with backslash escapes) are skipped.
void CheckJsonDepth(const std::string& path, int max_depth);

}  // namespace sqlflow::connectors

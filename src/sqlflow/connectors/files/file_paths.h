// Local file discovery for the file sources: plain files, globs (`*`, `?`, `[...]`, `**`), directories and
// lists of these, all relative to the working directory (CONNECTORS.md §3.1-3.3).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sqlflow::connectors {

struct PathRules {
  std::string kind;                             // "CSV", "Parquet", "JSON": used in messages
  std::vector<std::string> directory_patterns;  // relative to a directory, e.g. "*.csv" or "**/*.parquet"
  bool allow_no_files = false;
};

bool HasGlobChars(std::string_view path);

// Files matching one glob pattern, sorted. Hidden entries (names starting with '.') are skipped unless the
// pattern segment itself starts with '.'.
std::vector<std::string> GlobFiles(const std::string& pattern);

// Every file the paths select, in path order (each pattern's matches sorted), without duplicates.
// Throws Error(kNotFound) "no files match '<p>' (relative to <cwd>)" for a path that selects nothing, or
// "<kind> path '<p>' is a directory with no <kind> files", unless rules.allow_no_files.
std::vector<std::string> ResolveFiles(const std::vector<std::string>& paths, const PathRules& rules);

// The extension that names the format, without a compression suffix: "data.csv.gz" -> ".csv".
std::string FormatExtension(const std::string& path);
// "gzip", "zstd" or "" from the last extension.
std::string CompressionFromExtension(const std::string& path);

int64_t FileSizeOrZero(const std::string& path);

}  // namespace sqlflow::connectors

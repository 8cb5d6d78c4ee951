// Type strings in parameters (CONNECTORS.md §1.2): DuckDB type names with DuckDB's meaning, plus the one
// SQLFlow alias `number` -> DOUBLE. Validity is decided by DuckDB itself on a private scratch database.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sqlflow::connectors {

// `number` (any case) -> "DOUBLE"; everything else unchanged (trimmed).
std::string NormalizeTypeString(std::string_view type);
// True when `SELECT CAST(NULL AS <type>)` prepares on a scratch in-memory DuckDB. Thread-safe.
bool IsValidTypeString(std::string_view type);
// True when the text casts to INTERVAL ('1 day', '2 hours'). Thread-safe.
bool IsValidIntervalString(std::string_view text);

}  // namespace sqlflow::connectors

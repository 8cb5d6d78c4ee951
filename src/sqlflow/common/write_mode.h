// The one write-mode vocabulary of LOAD, CREATE TABLE and EXPORT (LANGUAGE.md §3.3-3.5, §9.4-9.5) and of the
// destination interface. kIncremental exists only for CREATE TABLE ... MODE INCREMENTAL BY; the parser never
// produces it for LOAD or EXPORT.
#pragma once

#include <optional>
#include <string_view>

namespace sqlflow {

enum class WriteMode { kReplace, kAppend, kUpsert, kIncremental };

// "replace" | "append" | "upsert" | "incremental" (the plan JSON and messages).
std::string_view WriteModeName(WriteMode mode);
// Case-insensitive inverse of WriteModeName; nullopt for anything else.
std::optional<WriteMode> ParseWriteMode(std::string_view text);

}  // namespace sqlflow

#include "sqlflow/common/write_mode.h"

#include "sqlflow/common/text.h"

namespace sqlflow {

std::string_view WriteModeName(WriteMode mode) {
  switch (mode) {
    case WriteMode::kAppend: return "append";
    case WriteMode::kUpsert: return "upsert";
    case WriteMode::kIncremental: return "incremental";
    case WriteMode::kReplace: break;
  }
  return "replace";
}

std::optional<WriteMode> ParseWriteMode(std::string_view text) {
  for (WriteMode mode : {WriteMode::kReplace, WriteMode::kAppend, WriteMode::kUpsert, WriteMode::kIncremental})
    if (EqualsIgnoreCase(text, WriteModeName(mode))) return mode;
  return std::nullopt;
}

}  // namespace sqlflow

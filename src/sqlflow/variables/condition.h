// IF conditions (LANGUAGE.md §5): grammar, operand typing, evaluation.
#pragma once

#include <optional>

#include "sqlflow/common/diagnostic.h"
#include "sqlflow/common/source_file.h"
#include "sqlflow/variables/substitute.h"

namespace sqlflow::variables {

// Evaluates the condition text file->text()[begin, end). Operands are tokenized on the raw text first
// (a word may contain ${...}; a quoted operand may contain ${...}), then each reference is resolved through
// `resolver` (which reports SF201 itself and returns nullopt). Errors SF211-SF215 are added to
// `diagnostics`, positioned in the file. Returns nullopt when the condition could not be evaluated.
// AND / OR short-circuit: type errors in operands that are not evaluated are not reported, but every
// reference is still resolved (undefined variables are always reported).
std::optional<bool> EvaluateCondition(const SourceFilePtr& file, size_t begin, size_t end,
                                      const Resolver& resolver, Diagnostics& diagnostics);

}  // namespace sqlflow::variables

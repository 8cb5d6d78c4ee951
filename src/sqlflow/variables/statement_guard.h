// LANGUAGE.md §2.3, §6.5: statement boundaries are fixed before substitution, so a variable value can never
// add a statement, end one, or change what kind of statement it is.
#pragma once

#include <cstddef>

#include "sqlflow/common/diagnostic.h"
#include "sqlflow/variables/substitute.h"

namespace sqlflow::variables {

// Checks `text`, the substitution of text.file->text()[raw_begin, raw_end) (one statement as the block
// parser delimited it). A value that puts a `;` outside every region (under the rules of pipeline text and of
// plain SQL alike) or changes the statement's first word is SF207, positioned at the reference whose value
// did it; the compiler adds the `${name} = '<value>'` note (masked for secret names). Returns false after
// reporting.
bool CheckStatementKept(const SubstitutedText& text, size_t raw_begin, size_t raw_end,
                        Diagnostics& diagnostics);

}  // namespace sqlflow::variables

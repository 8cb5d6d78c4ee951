#pragma once
// The one catalogue of user-facing diagnostic codes (SFnnn errors, Wnnn warnings): what each means, why it
// happens and how to fix it. docs/reference/errors.md is rendered from it (ErrorCatalogueMarkdown), and
// tests/unit/error_catalogue_test.cc checks that every code string in src/ is listed here and that the
// document is the current rendering, so the reference cannot drift from the code.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sqlflow {

struct ErrorCatalogueEntry {
  std::string_view code;     // "SF110", "W301"
  std::string_view message;  // the message as printed, placeholders in <...>
  std::string_view cause;    // why it happens (Markdown)
  std::string_view fix;      // what to change (Markdown)
};

// Every code, ordered by number within SF then W of each hundred.
std::span<const ErrorCatalogueEntry> ErrorCatalogue();

// nullptr when `code` is not in the catalogue.
const ErrorCatalogueEntry* FindErrorCode(std::string_view code);

// The codes that have an example pipeline in the reference (each checked by the docs test).
std::vector<std::string_view> ErrorExampleCodes();

// The text of docs/reference/errors.md.
std::string ErrorCatalogueMarkdown();

}  // namespace sqlflow

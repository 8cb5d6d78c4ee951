// `sqlflow init` (LANGUAGE.md §12): writes a sample project that compiles and runs with the dev profile.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "sqlflow/common/diagnostic.h"

namespace sqlflow::project {

struct InitResult {
  // Relative to the project directory, in the order of the §12 table; directories end in '/'.
  std::vector<std::string> created;
};

// Creates `dir` (if missing) and the project files. When any file that would be written already exists and
// `force` is false, reports SF512 for each such file and writes nothing. I/O failures are SF601. The sample
// data is generated deterministically: every call writes identical bytes. `result` may be null.
bool InitProject(const std::filesystem::path& dir, bool minimal, bool force, Diagnostics& diagnostics,
                 InitResult* result);

// The success message: the created files (one per line, prefixed with `dir`) and the next steps
// (`cd DIR`, `sqlflow pipeline run customer_analytics`, or `example` for a minimal project).
std::string FormatInitSummary(const std::filesystem::path& dir, bool minimal, const InitResult& result);

// The sample data files, exposed for tests: CSV text with a header line and '\n' line endings.
std::string SampleCustomersCsv();
std::string SampleProductsCsv();
std::string SampleOrdersCsv();

}  // namespace sqlflow::project

#include "sqlflow/net/source_error.h"

#include "sqlflow/common/text.h"

namespace sqlflow::net {

Error SourceError(const Error& error, const std::string& prefix, const Scrubber& scrub) {
  std::string message = scrub(error.what());
  if (!StartsWith(message, prefix)) message = prefix + ": " + message;
  return Error(error.kind(), message, error.code(), scrub(error.hint()));
}

}  // namespace sqlflow::net

#include "sqlflow/net/source_error.h"

#include <exception>

#include "sqlflow/common/text.h"

namespace sqlflow::net {

Error SourceError(const Error& error, const std::string& prefix, const Scrubber& scrub) {
  std::string message = scrub(error.what());
  if (!StartsWith(message, prefix)) message = prefix + ": " + message;
  return Error(error.kind(), message, error.code(), scrub(error.hint()));
}

void RunAsSource(const std::string& prefix, const Scrubber& scrub, const std::function<void()>& read) {
  try {
    read();
  } catch (const Error& error) {
    throw SourceError(error, prefix, scrub);
  } catch (const std::exception& error) {
    throw Error(ErrorKind::kInternal, prefix + ": " + scrub(error.what()));
  }
}

}  // namespace sqlflow::net

// How an error leaves a network source (rest, google_sheets, shopify): the message and hint with secrets
// scrubbed by the connector's redactor, and the message starting with the source's prefix
// ("REST source 'users'") so the user sees which source failed, whichever layer raised it.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "sqlflow/common/error.h"

namespace sqlflow::net {

using Scrubber = std::function<std::string(std::string_view)>;

Error SourceError(const Error& error, const std::string& prefix, const Scrubber& scrub);

// Runs `read` (a source's whole read, e.g. a Producer's Produce): an Error leaving it leaves as SourceError;
// any other exception as Error(kInternal) with the prefix and its text scrubbed.
void RunAsSource(const std::string& prefix, const Scrubber& scrub, const std::function<void()>& read);

}  // namespace sqlflow::net

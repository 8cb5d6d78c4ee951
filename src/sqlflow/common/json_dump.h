// JSON text from nlohmann values that may hold user data. nlohmann's dump() throws on invalid UTF-8 in a
// string, which would end the process (an uncaught exception); every dump of user data goes through here,
// where invalid bytes become U+FFFD instead.
#pragma once

#include <string>

namespace sqlflow {

template <typename Json>
std::string DumpJson(const Json& value, int indent = -1) {
  return value.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace sqlflow

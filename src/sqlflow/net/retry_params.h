// RetryOptions from a connector's canonical parameters (CONNECTORS.md §2.7). Kept apart from retry_policy.h
// so that widely included headers do not pull in nlohmann/json.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "sqlflow/net/retry_policy.h"

namespace sqlflow::net {

// DefaultRetryOptions(connector_type) overridden by the §2.7 keys present in `canonical` (canonical names:
// `timeout_seconds`, not the alias `timeout`; null = absent). Throws Error(kInvalidConfig) naming the
// parameter for a value of the wrong type or out of range. A retry_max_delay below retry_delay is raised to
// retry_delay.
RetryOptions ParseRetryOptions(std::string_view connector_type, const nlohmann::ordered_json& canonical);

}  // namespace sqlflow::net

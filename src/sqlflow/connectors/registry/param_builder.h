// Helpers for writing parameter schemas compactly, and the parameter sets shared by several connector
// types: the common source parameters (CONNECTORS.md §1.9), the resilience overrides (§2.6-2.7) and the
// destination `mode` / `keys` options.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sqlflow/connectors/registry/registry.h"

namespace sqlflow::connectors {

// Builds one ParamSpec: P("delimiter", ParamType::kString, "Field separator.").Alias({"sep"}).
class P {
 public:
  P(std::string name, ParamType type, std::string description);
  P& Alias(std::initializer_list<std::string> aliases);
  P& Required();
  P& Default(nlohmann::ordered_json value);
  P& Secret();
  P& Enum(std::vector<std::string> values, std::vector<std::pair<std::string, std::string>> aliases = {});
  P& Min(double value, bool exclusive = false);
  P& Max(double value);
  P& Label(std::string type_label);
  operator ParamSpec() const { return spec_; }  // NOLINT: implicit on purpose, for brace lists

 private:
  ParamSpec spec_;
};

// Per-connector defaults of the resilience policy (CONNECTORS.md §2.6); absent = no default.
struct ResilienceDefaults {
  std::optional<int64_t> max_retries;
  std::optional<double> retry_delay;
  std::optional<double> retry_max_delay;
  std::optional<double> retry_backoff_multiplier;
  std::optional<double> retry_jitter;
  std::optional<int64_t> max_throttle_retries;
  std::optional<double> max_retry_after_seconds = 120;
  std::optional<double> requests_per_second;
  std::optional<int64_t> rate_limit_burst;
  std::optional<int64_t> circuit_breaker_threshold = 10;
  std::optional<double> circuit_breaker_recovery_seconds = 30;
  std::optional<double> timeout_seconds;
  std::optional<double> connect_timeout_seconds = 10;
  bool include_connect_timeout = true;  // postgres declares its own integer connect_timeout_seconds
};

// Every §2.6 default of `connector_type`, taken from net::DefaultRetryOptions (the one definition); a
// connector clears the ones it does not document (e.g. postgres has no throttle or bucket settings).
ResilienceDefaults ResilienceDefaultsOf(std::string_view connector_type);

// The parameters every source accepts. `network`: the resilience defaults of a network type (adds the other
// overrides of §2.7 and the per-connector defaults of timeout_seconds / max_retries); nullptr for local
// types.
std::vector<ParamSpec> CommonSourceParams(const ResilienceDefaults* network);
// The §2.7 overrides without the two common ones (for destinations of network types).
std::vector<ParamSpec> ResilienceParams(const ResilienceDefaults& defaults, bool include_common);
// `mode` and `keys` (every destination).
std::vector<ParamSpec> DestinationModeParams();

// Appends `more` to `params`, skipping names already present.
void AppendParams(std::vector<ParamSpec>& params, const std::vector<ParamSpec>& more);

}  // namespace sqlflow::connectors

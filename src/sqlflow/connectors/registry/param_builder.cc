#include "sqlflow/connectors/registry/param_builder.h"

#include <algorithm>

#include "sqlflow/net/retry_policy.h"

namespace sqlflow::connectors {

P::P(std::string name, ParamType type, std::string description) {
  spec_.name = std::move(name);
  spec_.type = type;
  spec_.description = std::move(description);
}

P& P::Alias(std::initializer_list<std::string> aliases) {
  spec_.aliases.insert(spec_.aliases.end(), aliases.begin(), aliases.end());
  return *this;
}

P& P::Required() {
  spec_.required = true;
  return *this;
}

P& P::Default(nlohmann::ordered_json value) {
  spec_.default_value = std::move(value);
  return *this;
}

P& P::Secret() {
  spec_.secret = true;
  return *this;
}

P& P::Enum(std::vector<std::string> values, std::vector<std::pair<std::string, std::string>> aliases) {
  spec_.enum_values = std::move(values);
  spec_.enum_aliases = std::move(aliases);
  return *this;
}

P& P::Min(double value, bool exclusive) {
  spec_.min = value;
  spec_.exclusive_min = exclusive;
  return *this;
}

P& P::Max(double value) {
  spec_.max = value;
  return *this;
}

P& P::Label(std::string type_label) {
  spec_.type_label = std::move(type_label);
  return *this;
}

namespace {

template <typename T>
P WithOptionalDefault(P param, const std::optional<T>& value) {
  if (value) param.Default(*value);
  return param;
}

}  // namespace

ResilienceDefaults ResilienceDefaultsOf(std::string_view connector_type) {
  const net::RetryOptions o = net::DefaultRetryOptions(connector_type);
  ResilienceDefaults d;
  d.max_retries = o.max_retries;
  d.retry_delay = o.retry_delay;
  d.retry_max_delay = o.retry_max_delay;
  d.retry_backoff_multiplier = o.retry_backoff_multiplier;
  d.retry_jitter = o.retry_jitter;
  d.max_throttle_retries = o.max_throttle_retries;
  d.max_retry_after_seconds = o.max_retry_after_seconds;
  d.requests_per_second = o.requests_per_second;
  d.rate_limit_burst = o.rate_limit_burst;
  d.circuit_breaker_threshold = o.circuit_breaker_threshold;
  d.circuit_breaker_recovery_seconds = o.circuit_breaker_recovery_seconds;
  d.timeout_seconds = o.timeout_seconds;
  d.connect_timeout_seconds = o.connect_timeout_seconds;
  return d;
}

std::vector<ParamSpec> ResilienceParams(const ResilienceDefaults& d, bool include_common) {
  std::vector<ParamSpec> out;
  if (include_common) {
    out.push_back(WithOptionalDefault(P("timeout_seconds", ParamType::kNumber,
                                        "Per-request time limit in seconds (stall limit for S3 bodies).")
                                          .Alias({"timeout"})
                                          .Min(0, true),
                                      d.timeout_seconds));
    out.push_back(WithOptionalDefault(P("max_retries", ParamType::kInteger,
                                        "Retries after the first attempt for transient errors and timeouts.")
                                          .Min(0),
                                      d.max_retries));
  }
  out.push_back(WithOptionalDefault(
      P("retry_delay", ParamType::kNumber, "First backoff delay in seconds.").Min(0, true), d.retry_delay));
  out.push_back(WithOptionalDefault(
      P("retry_max_delay", ParamType::kNumber, "Cap on one backoff delay in seconds (at least retry_delay).")
          .Min(0, true),
      d.retry_max_delay));
  out.push_back(WithOptionalDefault(
      P("retry_backoff_multiplier", ParamType::kNumber, "Growth factor of the backoff delay.").Min(1),
      d.retry_backoff_multiplier));
  out.push_back(WithOptionalDefault(
      P("retry_jitter", ParamType::kNumber, "Relative jitter applied to each delay.").Min(0).Max(1),
      d.retry_jitter));
  out.push_back(WithOptionalDefault(
      P("max_throttle_retries", ParamType::kInteger, "Retries after throttling responses (429, SlowDown).")
          .Min(0),
      d.max_throttle_retries));
  out.push_back(WithOptionalDefault(P("max_retry_after_seconds", ParamType::kNumber,
                                      "Longest Retry-After delay that is honoured, in seconds.")
                                        .Min(0, true),
                                    d.max_retry_after_seconds));
  out.push_back(WithOptionalDefault(
      P("requests_per_second", ParamType::kNumber, "Token-bucket refill rate per host; 0 = unlimited.")
          .Min(0),
      d.requests_per_second));
  out.push_back(WithOptionalDefault(
      P("rate_limit_burst", ParamType::kInteger, "Token-bucket capacity per host.").Min(1),
      d.rate_limit_burst));
  out.push_back(
      WithOptionalDefault(P("circuit_breaker_threshold", ParamType::kInteger,
                            "Consecutive failed attempts that open the circuit breaker of a host; 0 = off.")
                              .Min(0),
                          d.circuit_breaker_threshold));
  out.push_back(
      WithOptionalDefault(P("circuit_breaker_recovery_seconds", ParamType::kNumber,
                            "Seconds an open circuit breaker waits before letting one probe request through.")
                              .Min(0, true),
                          d.circuit_breaker_recovery_seconds));
  if (d.include_connect_timeout) {
    out.push_back(WithOptionalDefault(
        P("connect_timeout_seconds", ParamType::kNumber, "TCP and TLS connect time limit in seconds.")
            .Alias({"connect_timeout"})
            .Min(0, true),
        d.connect_timeout_seconds));
  }
  return out;
}

std::vector<ParamSpec> CommonSourceParams(const ResilienceDefaults* network) {
  std::vector<ParamSpec> out = {
      P("sync_mode", ParamType::kString, "Read everything, or only rows past the stored watermark.")
          .Enum({"full_refresh", "incremental"})
          .Default("full_refresh"),
      P("cursor_field", ParamType::kString,
        "Cursor column for incremental reads; required with incremental."),
      P("primary_key", ParamType::kStringOrArray, "Declared key column(s) of the source rows."),
      P("cursor_start", ParamType::kJson, "Inclusive lower bound for the first incremental run.")
          .Alias({"start_date"})
          .Label("string or number"),
      P("lookback_window", ParamType::kJson,
        "Re-read window below the watermark: seconds (or cursor units) or an interval such as '1 day'; "
        "UPSERT loads only.")
          .Label("integer or interval string"),
      P("columns", ParamType::kArrayOfStrings, "Keep only these columns, in this order."),
      P("column_types", ParamType::kObjectMap,
        "Declared DuckDB types by column name; they win over inference.")
          .Alias({"types"}),
      P("batch_size", ParamType::kInteger, "Rows per batch for batch sources; no effect on file scans.")
          .Min(1)
          .Max(1000000)
          .Default(10000),
  };
  if (network) {
    AppendParams(out, ResilienceParams(*network, true));
  } else {
    out.push_back(
        P("timeout_seconds", ParamType::kNumber, "Per-request time limit; no effect on local sources.")
            .Alias({"timeout"})
            .Min(0, true));
    out.push_back(
        P("max_retries", ParamType::kInteger, "Retries after the first attempt; no effect on local sources.")
            .Min(0));
  }
  return out;
}

std::vector<ParamSpec> DestinationModeParams() {
  return {
      P("mode", ParamType::kString, "Write mode.").Enum({"replace", "append", "upsert"}).Default("replace"),
      P("keys", ParamType::kStringOrArray,
        "Key columns for upsert: an array, or a comma-separated string; required with mode upsert.")
          .Alias({"key", "upsert_keys"}),
  };
}

void AppendParams(std::vector<ParamSpec>& params, const std::vector<ParamSpec>& more) {
  for (const auto& spec : more) {
    bool present =
        std::any_of(params.begin(), params.end(), [&](const ParamSpec& p) { return p.name == spec.name; });
    if (!present) params.push_back(spec);
  }
}

}  // namespace sqlflow::connectors

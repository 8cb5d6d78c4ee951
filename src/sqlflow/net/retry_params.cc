#include "sqlflow/net/retry_params.h"
#include "sqlflow/common/json_dump.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"

namespace sqlflow::net {
namespace {

using Json = nlohmann::ordered_json;

struct Reader {
  std::string_view type;
  const Json& canonical;

  const Json* Find(const char* key) const {
    auto it = canonical.find(key);
    return it == canonical.end() || it->is_null() ? nullptr : &*it;
  }

  [[noreturn]] void Fail(const char* key, const Json& value, const char* rule) const {
    throw Error(ErrorKind::kInvalidConfig,
                ToUpper(type) + " connector: '" + key + "' must be " + rule + ", got " + DumpJson(value), "",
                "fix the value of '" + std::string(key) + "' in PARAMS / OPTIONS");
  }

  // A number within [min, max] (min exclusive when `exclusive`).
  void Number(const char* key, double& out, double min, bool exclusive, double max, const char* rule) const {
    const Json* value = Find(key);
    if (!value) return;
    if (!value->is_number()) Fail(key, *value, rule);
    const double number = value->get<double>();
    if (!std::isfinite(number) || (exclusive ? number <= min : number < min) || number > max)
      Fail(key, *value, rule);
    out = number;
  }

  void Integer(const char* key, int64_t& out, int64_t min, const char* rule) const {
    const Json* value = Find(key);
    if (!value) return;
    const bool integral =
        value->is_number_integer() ||
        (value->is_number_float() && std::floor(value->get<double>()) == value->get<double>());
    if (!integral) Fail(key, *value, rule);
    const int64_t number =
        value->is_number_integer() ? value->get<int64_t>() : static_cast<int64_t>(value->get<double>());
    if (number < min) Fail(key, *value, rule);
    out = number;
  }
};

constexpr double kHuge = 1e12;

}  // namespace

RetryOptions ParseRetryOptions(std::string_view connector_type, const nlohmann::ordered_json& canonical) {
  RetryOptions o = DefaultRetryOptions(connector_type);
  if (!canonical.is_object()) return o;
  const Reader r{connector_type, canonical};
  r.Integer("max_retries", o.max_retries, 0, "an integer >= 0");
  r.Number("retry_delay", o.retry_delay, 0, true, kHuge, "a number > 0");
  r.Number("retry_max_delay", o.retry_max_delay, 0, true, kHuge, "a number > 0");
  r.Number("retry_backoff_multiplier", o.retry_backoff_multiplier, 1, false, kHuge, "a number >= 1");
  r.Number("retry_jitter", o.retry_jitter, 0, false, 1, "a number between 0 and 1");
  r.Integer("max_throttle_retries", o.max_throttle_retries, 0, "an integer >= 0");
  r.Number("max_retry_after_seconds", o.max_retry_after_seconds, 0, true, kHuge, "a number > 0");
  r.Number("requests_per_second", o.requests_per_second, 0, false, kHuge, "a number >= 0");
  r.Integer("rate_limit_burst", o.rate_limit_burst, 1, "an integer >= 1");
  r.Integer("circuit_breaker_threshold", o.circuit_breaker_threshold, 0, "an integer >= 0");
  r.Number("circuit_breaker_recovery_seconds", o.circuit_breaker_recovery_seconds, 0, true, kHuge,
           "a number > 0");
  r.Number("timeout_seconds", o.timeout_seconds, 0, true, kHuge, "a number > 0");
  r.Number("connect_timeout_seconds", o.connect_timeout_seconds, 0, true, kHuge, "a number > 0");
  o.retry_max_delay = std::max(o.retry_max_delay, o.retry_delay);
  return o;
}

}  // namespace sqlflow::net

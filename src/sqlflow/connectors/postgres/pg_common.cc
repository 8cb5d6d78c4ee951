#include "sqlflow/connectors/postgres/pg_common.h"

#include <cstdio>

#include "sqlflow/common/console.h"
#include "sqlflow/common/text.h"
#include "sqlflow/net/circuit_breaker.h"

namespace sqlflow::connectors::pg {

void OpContext::CheckBreaker() const {
  if (!policy.breaker) return;
  try {
    policy.breaker->Check(*policy.clock);
  } catch (const Error& error) {
    throw Error(error.kind(), prefix + ": " + error.what());
  }
}

void OpContext::RecordSuccess() const {
  if (policy.breaker) policy.breaker->RecordSuccess();
}

Error OpContext::ToError(const std::string& operation, const PgError& error, int attempts,
                         std::string hint) const {
  std::string message = prefix + ": " + operation + " failed: " + error.Describe();
  if (attempts > 1) message += " (after " + std::to_string(attempts) + " attempts)";
  if (hint.empty()) {
    switch (error.kind()) {
      case ErrorKind::kAuthFailed:
        hint = "check the user and password (or ~/.pgpass) and pg_hba.conf";
        break;
      case ErrorKind::kPermissionDenied:
        hint = "grant the privilege to the connecting role";
        break;
      case ErrorKind::kTransient:
        hint = "check that the server at " + endpoint + " is running and reachable";
        break;
      default:
        break;
    }
  }
  return Error(error.kind(), settings.Mask(message), "", settings.Mask(hint));
}

bool OpContext::BackoffBeforeRetry(const std::string& operation, const PgError& error, int attempt,
                                   CancelToken* cancel) const {
  if (policy.breaker) {
    if (error.retryable())
      policy.breaker->RecordFailure(*policy.clock, error.what());
    else
      policy.breaker->RecordNeutral();
  }
  if (!error.retryable() || attempt > policy.options.max_retries) return false;
  const double random01 = policy.random ? policy.random() : net::RetryRandom::Process().Next();
  const double delay = net::JitteredDelay(policy.options, attempt, random01);
  Console::Get().Warn(settings.Mask(prefix + ": retrying " + operation + " in " + net::FormatSeconds(delay) +
                                    " s (attempt " + std::to_string(attempt + 1) + " of " +
                                    std::to_string(policy.options.max_retries + 1) +
                                    "): " + error.Describe()) +
                      "\n");
  policy.sleeper->Sleep(delay, cancel);
  return true;
}

void OpContext::Run(const std::string& operation, const std::function<void()>& body) const {
  for (int attempt = 1;; ++attempt) {
    CheckBreaker();
    try {
      body();
      RecordSuccess();
      return;
    } catch (const PgError& error) {
      if (!BackoffBeforeRetry(operation, error, attempt)) throw ToError(operation, error, attempt);
    }
  }
}

OpContext MakeOpContext(const std::string& side, const std::string& name,
                        const PgConnectionOptions& connection, const net::RetryOptions& retry,
                        const Runtime& runtime) {
  OpContext context;
  context.prefix = "POSTGRES " + side + " '" + name + "'";
  context.settings = ConnectSettings::FromOptions(connection);
  context.endpoint = context.settings.Endpoint();
  context.policy = net::MakeRetryPolicy(retry, "postgres", context.endpoint, context.prefix, nullptr);
  context.policy.clock = runtime.clock;
  context.policy.sleeper = runtime.sleeper;
  context.policy.random = runtime.random;
  return context;
}

std::string VersionText(int server_version) {
  if (server_version >= 100000)
    return std::to_string(server_version / 10000) + "." + std::to_string(server_version % 10000);
  return std::to_string(server_version / 10000) + "." + std::to_string(server_version / 100 % 100) + "." +
         std::to_string(server_version % 100);
}

std::string DescribeServer(PgConnection& connection) {
  PgResult result = connection.Exec("SELECT current_database(), current_user");
  return "connected to PostgreSQL " + VersionText(connection.server_version()) + " at " +
         connection.endpoint() + ", database " + result.Get(0, 0) + " as " + result.Get(0, 1);
}

TypeResolver::TypeResolver(engine::Connection* connection) : connection_(connection) {}
TypeResolver::~TypeResolver() = default;

std::vector<engine::LogicalType> TypeResolver::Resolve(const std::vector<std::string>& type_strings,
                                                       std::vector<std::string>* canonical_names) {
  if (!connection_) {
    own_connection_ = std::make_unique<engine::Connection>(engine::ScratchDatabase());
    connection_ = own_connection_.get();
  }
  std::vector<engine::LogicalType> types;
  if (canonical_names) canonical_names->clear();
  if (type_strings.empty()) return types;
  std::string sql = "SELECT ";
  for (size_t i = 0; i < type_strings.size(); ++i)
    sql += (i ? ", " : "") + std::string("CAST(NULL AS ") + type_strings[i] + ")";
  auto prepared = connection_->Prepare(sql);
  for (uint64_t i = 0; i < prepared.column_count(); ++i) {
    types.push_back(prepared.column_type(i));
    if (canonical_names) canonical_names->push_back(types.back().ToString());
  }
  return types;
}

}  // namespace sqlflow::connectors::pg

#include "sqlflow/connectors/registry/type_strings.h"

#include <memory>
#include <mutex>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/engine/database.h"

namespace sqlflow::connectors {
namespace {

// One scratch database per process for compile-time checks; guarded because a Connection is not
// thread-safe.
class Scratch {
 public:
  static Scratch& Get() {
    static Scratch scratch;
    return scratch;
  }
  template <typename F>
  bool Try(F&& check) {
    std::lock_guard<std::mutex> lock(mutex_);
    try {
      check(*connection_);
      return true;
    } catch (const Error&) {
      return false;
    }
  }

 private:
  Scratch() : connection_(std::make_unique<engine::Connection>(engine::ScratchDatabase())) {}
  std::mutex mutex_;
  std::unique_ptr<engine::Connection> connection_;
};

}  // namespace

std::string NormalizeTypeString(std::string_view type) {
  std::string trimmed = Trim(type);
  if (EqualsIgnoreCase(trimmed, "number")) return "DOUBLE";
  return trimmed;
}

bool IsValidTypeString(std::string_view type) {
  std::string text = NormalizeTypeString(type);
  // A type name never contains these; refusing them keeps the probe a single, side-effect-free statement.
  if (text.empty() || text.find(';') != std::string::npos || text.find("--") != std::string::npos ||
      text.find("/*") != std::string::npos) {
    return false;
  }
  return Scratch::Get().Try([&](engine::Connection& connection) {
    auto statement = connection.Prepare("SELECT CAST(NULL AS " + text + ")");
    (void)statement;
  });
}

bool IsValidIntervalString(std::string_view text) {
  return Scratch::Get().Try([&](engine::Connection& connection) {
    auto statement = connection.Prepare("SELECT CAST($1 AS INTERVAL)");
    statement.BindString(1, std::string(text));
    auto result = statement.Execute();
    if (result.row_count() != 1 || result.IsNull(0, 0)) throw Error(ErrorKind::kDataError, "not an interval");
  });
}

}  // namespace sqlflow::connectors

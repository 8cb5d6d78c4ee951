// Stand-in for builds without Python (SQLFLOW_WITH_PYTHON=OFF): every UDF use is SF702.
#include "sqlflow/common/error.h"
#include "sqlflow/udf/runtime_internal.h"

namespace sqlflow::udf {

const Discovery* StartRuntime(const std::filesystem::path&, std::string* reason) {
  if (reason) *reason = "this build of sqlflow has no embedded Python (SQLFLOW_WITH_PYTHON=OFF)";
  return nullptr;
}
const Discovery* StartedRuntime() {
  return nullptr;
}
bool InterpreterStarted() {
  return false;
}
void RegisterScalarUdfs(engine::Connection&) {}
std::optional<Error> TakeScalarUdfFailure() {
  return std::nullopt;
}
void RunTableUdf(engine::Connection&, const UdfInfo& udf, const std::string&,
                 const std::vector<std::pair<std::string, std::string>>&, const std::string&) {
  throw Error(ErrorKind::kUnsupported, "Python UDFs are not available: cannot run '" + udf.full_name + "'",
              "SF702");
}

}  // namespace sqlflow::udf

// Scalar UDFs as DuckDB scalar functions (internal to the Python runtime).
#pragma once

#include <string>
#include <vector>

#include "sqlflow/udf/py_internal.h"
#include "sqlflow/udf/udf.h"

namespace sqlflow::udf::py {

struct ScalarBinding {
  std::string name;          // full name, for messages
  PyObject* func = nullptr;  // strong reference held by the runtime
  bool special_nulls = false;
  bool vectorized = false;
  std::vector<bool> ndarray_params;  // vectorized: the parameter is annotated numpy.ndarray
};

// Registers one SQL name with one overload per accepted arity. Throws sqlflow::Error.
void RegisterScalar(engine::Connection& conn, const UdfInfo& udf, const std::string& name,
                    ScalarBinding* binding);

// The discovered function of a UDF (borrowed), or nullptr.
PyObject* FunctionOf(const UdfInfo& udf);

// Records a scalar UDF failure (the first one wins until TakeScalarUdfFailure) and returns the text for
// DuckDB.
std::string RecordFailure(const std::string& code, const std::string& message, const std::string& hint = "");

}  // namespace sqlflow::udf::py

#include "sqlflow/udf/scalar_py.h"

#include <cmath>
#include <cstring>
#include <mutex>

#include "sqlflow/common/error.h"
#include "sqlflow/engine/database.h"

namespace sqlflow::udf::py {

namespace {

constexpr size_t kMaxArgs = 64;

std::string RaisedMessage(const ScalarBinding& b) {
  std::string traceback;
  std::string raised = TakeException(&traceback);
  return RecordFailure("SF705", "Python UDF '" + b.name + "' raised " + raised, traceback);
}

std::string BadValueMessage(const ScalarBinding& b, PyObject* value, const VectorWriter& out) {
  return RecordFailure("SF706", "Python UDF '" + b.name + "' returned " + ShortRepr(value) +
                                    " which cannot be converted to " + out.TypeName());
}

// One call per row; the GIL is held by the caller for the whole chunk.
std::string RunRows(const ScalarBinding& b, duckdb_data_chunk input, idx_t rows, duckdb_vector output) {
  idx_t ncols = duckdb_data_chunk_get_column_count(input);
  VectorReader readers[kMaxArgs];
  for (idx_t c = 0; c < ncols; ++c) readers[c].Init(duckdb_data_chunk_get_vector(input, c));
  VectorWriter out;
  out.Init(output);
  PyObject* args[kMaxArgs];
  for (idx_t row = 0; row < rows; ++row) {
    idx_t built = 0;
    bool null_result = false;
    for (; built < ncols; ++built) {
      if (readers[built].IsNull(row)) {
        if (!b.special_nulls) {
          null_result = true;
          break;
        }
        Py_INCREF(Py_None);
        args[built] = Py_None;
        continue;
      }
      args[built] = readers[built].Get(row);
      if (!args[built]) break;
    }
    if (built < ncols || null_result) {
      for (idx_t c = 0; c < built; ++c) Py_DECREF(args[c]);
      if (null_result) {
        out.SetNull(row);
        continue;
      }
      return RaisedMessage(b);  // an argument could not be converted
    }
    PyObject* result = PyObject_Vectorcall(b.func, args, ncols, nullptr);
    for (idx_t c = 0; c < ncols; ++c) Py_DECREF(args[c]);
    if (!result) return RaisedMessage(b);
    bool ok = true;
    if (IsMissing(result))
      out.SetNull(row);
    else
      ok = out.Set(row, result);
    if (!ok) {
      std::string message = BadValueMessage(b, result, out);
      Py_DECREF(result);
      return message;
    }
    Py_DECREF(result);
  }
  return "";
}

// One vectorized argument: a pandas Series (or numpy array when annotated so) of the chunk's values.
PyObject* VectorArg(const ScalarBinding& b, idx_t c, VectorReader& reader, idx_t rows) {
  const char* kind = "o";
  size_t width = 0;
  switch (reader.type()) {
    case DUCKDB_TYPE_BIGINT:
      kind = "i", width = 8;
      break;
    case DUCKDB_TYPE_DOUBLE:
      kind = "f", width = 8;
      break;
    case DUCKDB_TYPE_BOOLEAN:
      kind = "b", width = 1;
      break;
    default:
      break;
  }
  bool ndarray = c < b.ndarray_params.size() && b.ndarray_params[c];
  Ref mask;
  if (reader.HasNulls(rows)) {
    std::string bytes(rows, '\0');
    for (idx_t r = 0; r < rows; ++r) bytes[r] = reader.IsNull(r) ? 1 : 0;
    mask = Ref(PyBytes_FromStringAndSize(bytes.data(), static_cast<Py_ssize_t>(rows)));
  }
  Ref values;
  if (width) {
    values = Ref(PyMemoryView_FromMemory(static_cast<char*>(const_cast<void*>(reader.data())),
                                         static_cast<Py_ssize_t>(rows * width), PyBUF_READ));
  } else {
    values = Ref(PyList_New(static_cast<Py_ssize_t>(rows)));
    if (!values) return nullptr;
    for (idx_t r = 0; r < rows; ++r) {
      PyObject* item = reader.IsNull(r) ? (Py_INCREF(Py_None), Py_None) : reader.Get(r);
      if (!item) return nullptr;
      PyList_SET_ITEM(values.get(), static_cast<Py_ssize_t>(r), item);
    }
  }
  if (!values) return nullptr;
  return PyObject_CallFunction(Helper("vector_arg"), "OsOO", values.get(), kind, mask ? mask.get() : Py_None,
                               ndarray ? Py_True : Py_False);
}

// Copies a contiguous int64 / float64 numpy result into the output vector.
bool CopyArray(PyObject* array, VectorWriter& out, idx_t rows) {
  Py_buffer view;
  if (PyObject_GetBuffer(array, &view, PyBUF_C_CONTIGUOUS) != 0) return false;
  bool ok = static_cast<idx_t>(view.len) == rows * 8;
  if (ok) std::memcpy(out.data(), view.buf, rows * 8);
  PyBuffer_Release(&view);
  if (ok && out.type() == DUCKDB_TYPE_DOUBLE) {
    const double* d = static_cast<const double*>(out.data());
    for (idx_t r = 0; r < rows; ++r)
      if (std::isnan(d[r])) out.SetNull(r);
  }
  return ok;
}

std::string RunVectorized(const ScalarBinding& b, duckdb_data_chunk input, idx_t rows, duckdb_vector output) {
  idx_t ncols = duckdb_data_chunk_get_column_count(input);
  VectorReader readers[kMaxArgs];
  PyObject* args[kMaxArgs];
  idx_t built = 0;
  for (; built < ncols; ++built) {
    readers[built].Init(duckdb_data_chunk_get_vector(input, built));
    args[built] = VectorArg(b, built, readers[built], rows);
    if (!args[built]) break;
  }
  if (built < ncols) {
    for (idx_t c = 0; c < built; ++c) Py_DECREF(args[c]);
    return RaisedMessage(b);
  }
  Ref result(PyObject_Vectorcall(b.func, args, ncols, nullptr));
  for (idx_t c = 0; c < ncols; ++c) Py_DECREF(args[c]);
  if (!result) return RaisedMessage(b);
  VectorWriter out;
  out.Init(output);
  const char* kind = out.type() == DUCKDB_TYPE_BIGINT ? "i" : out.type() == DUCKDB_TYPE_DOUBLE ? "f" : "o";
  Ref values(PyObject_CallFunction(Helper("vector_result"), "Ons", result.get(),
                                   static_cast<Py_ssize_t>(rows), kind));
  if (!values)
    return RecordFailure("SF706", "Python UDF '" + b.name + "' returned " + ShortRepr(result.get()) +
                                      " which cannot be converted to " + out.TypeName() + "[] (" +
                                      TakeException() + ")");
  if (PyList_Check(values.get())) {
    for (idx_t r = 0; r < rows; ++r) {
      PyObject* item = PyList_GET_ITEM(values.get(), static_cast<Py_ssize_t>(r));
      if (item == Py_None)
        out.SetNull(r);
      else if (!out.Set(r, item))
        return BadValueMessage(b, item, out);
    }
  } else if (!CopyArray(values.get(), out, rows)) {
    PyErr_Clear();
    return BadValueMessage(b, result.get(), out);
  }
  if (!b.special_nulls)
    for (idx_t c = 0; c < ncols; ++c)
      for (idx_t r = 0; r < rows; ++r)
        if (readers[c].IsNull(r)) out.SetNull(r);
  return "";
}

void ScalarCallback(duckdb_function_info info, duckdb_data_chunk input, duckdb_vector output) {
  const auto* b = static_cast<const ScalarBinding*>(duckdb_scalar_function_get_extra_info(info));
  idx_t rows = duckdb_data_chunk_get_size(input);
  if (duckdb_data_chunk_get_column_count(input) > kMaxArgs) {
    duckdb_scalar_function_set_error(info, "a Python UDF takes at most 64 arguments");
    return;
  }
  std::string error;
  {
    // Chunks of Python UDFs run one at a time anyway (the GIL). Queueing DuckDB's worker threads on a plain
    // mutex first hands the GIL over at chunk boundaries only, instead of CPython's forced switches in the
    // middle of a chunk (measured: two threads contending for the GIL took twice as long as one).
    static std::mutex chunk_mutex;
    std::lock_guard<std::mutex> lock(chunk_mutex);
    Gil gil;  // once per chunk
    error = b->vectorized ? RunVectorized(*b, input, rows, output) : RunRows(*b, input, rows, output);
  }
  if (!error.empty()) duckdb_scalar_function_set_error(info, error.c_str());
}

// A DuckDB logical type for a type string (ANY, or anything DuckDB parses). Throws SF702-style errors for
// a type DuckDB does not know, naming the UDF.
engine::LogicalType ParseType(engine::Connection& conn, const UdfInfo& udf, const std::string& type) {
  std::string upper;
  for (char c : type) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "ANY") return engine::LogicalType(duckdb_create_logical_type(DUCKDB_TYPE_ANY));
  try {
    return conn.Query("SELECT CAST(NULL AS " + type + ")").column_type(0);
  } catch (const Error&) {
    throw Error(ErrorKind::kInvalidConfig,
                "Python UDF '" + udf.full_name + "' (" + udf.file + ":" + std::to_string(udf.line) +
                    ") declares the unknown type '" + type + "'",
                "SF706");
  }
}

}  // namespace

namespace {
std::mutex g_failure_mutex;
std::optional<Error> g_failure;
}  // namespace

std::string RecordFailure(const std::string& code, const std::string& message, const std::string& hint) {
  std::lock_guard<std::mutex> lock(g_failure_mutex);
  if (!g_failure) g_failure = Error(ErrorKind::kDataError, message, code, hint);
  return message;
}

}  // namespace sqlflow::udf::py

namespace sqlflow::udf {

std::optional<Error> TakeScalarUdfFailure() {
  std::lock_guard<std::mutex> lock(py::g_failure_mutex);
  std::optional<Error> failure = std::move(py::g_failure);
  py::g_failure.reset();
  return failure;
}

}  // namespace sqlflow::udf

namespace sqlflow::udf::py {

void RegisterScalar(engine::Connection& conn, const UdfInfo& udf, const std::string& name,
                    ScalarBinding* binding) {
  engine::LogicalType return_type = ParseType(conn, udf, udf.return_type);
  std::vector<engine::LogicalType> params;
  for (const auto& p : udf.params) params.push_back(ParseType(conn, udf, p.type));
  duckdb_scalar_function_set set = duckdb_create_scalar_function_set(name.c_str());
  for (size_t arity = udf.MinArity(); arity <= udf.params.size(); ++arity) {
    duckdb_scalar_function f = duckdb_create_scalar_function();
    duckdb_scalar_function_set_name(f, name.c_str());
    for (size_t i = 0; i < arity; ++i) duckdb_scalar_function_add_parameter(f, params[i].get());
    duckdb_scalar_function_set_return_type(f, return_type.get());
    duckdb_scalar_function_set_function(f, ScalarCallback);
    duckdb_scalar_function_set_extra_info(f, binding, nullptr);  // the runtime owns bindings for the process
    if (udf.null_handling == "special") duckdb_scalar_function_set_special_handling(f);
    if (!udf.deterministic) duckdb_scalar_function_set_volatile(f);
    duckdb_add_scalar_function_to_set(set, f);
    duckdb_destroy_scalar_function(&f);
  }
  duckdb_state state = duckdb_register_scalar_function_set(conn.handle(), set);
  duckdb_destroy_scalar_function_set(&set);
  if (state != DuckDBSuccess)
    throw Error(ErrorKind::kInternal,
                "could not register Python UDF '" + udf.full_name + "' as '" + name + "'", "SF702");
}

}  // namespace sqlflow::udf::py

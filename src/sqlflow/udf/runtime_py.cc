// The embedded CPython runtime (LANGUAGE.md §13.1-13.3): interpreter start, the sqlflow.udfs module,
// discovery, and scalar UDFs as DuckDB scalar functions.
//
// Threading: after start the main thread releases the GIL; every entry point (discovery, DuckDB worker
// threads running a chunk, table UDFs) takes it with py::Gil for the whole piece of work. A scalar UDF
// takes it once per chunk, never per row (a per-row acquire costs ~7.8 us, DEPENDENCIES.md).
#include <pybind11/embed.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/engine/database.h"
#include "sqlflow/udf/py_internal.h"
#include "sqlflow/udf/runtime_internal.h"
#include "sqlflow/udf/scalar_py.h"
#include "sqlflow/udf/sqlflow_udfs_py.h"

namespace fs = std::filesystem;
namespace pyb = pybind11;

namespace sqlflow::udf {

namespace {

struct RuntimeState {
  bool attempted = false;
  bool ok = false;
  std::string reason;
  Discovery discovery;
  std::map<std::string, PyObject*> functions;  // full name -> function (strong references, never released)
  std::vector<std::unique_ptr<py::ScalarBinding>> bindings;
};

RuntimeState& State() {
  static RuntimeState state;
  return state;
}

std::mutex g_start_mutex;

bool InitInterpreter(std::string* reason) {
  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  config.install_signal_handlers = 0;  // SIGINT stays with sqlflow (it interrupts the engine)
  config.parse_argv = 0;
  // The prefix (and so the standard library) is found from the interpreter this library belongs to,
  // not from whatever python3 is first on PATH.
  PyStatus status = PyConfig_SetBytesString(&config, &config.program_name, SQLFLOW_PYTHON_EXECUTABLE);
  if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) {
    *reason = std::string("the Python interpreter could not be started: ") +
              (status.err_msg ? status.err_msg : "?");
    return false;
  }
  return true;
}

// Installs sqlflow, sqlflow.udfs and sqlflow.udfs.decorators, and sets sys.path (§13.1).
void InstallModule(const fs::path& root) {
  pyb::dict scope;
  scope["source"] = pyb::str(kSqlflowUdfsSource);
  scope["root"] = pyb::str(root.string());
  pyb::exec(R"(
import os, sys, types
pkg = types.ModuleType("sqlflow")
pkg.__path__ = []
mod = types.ModuleType("sqlflow.udfs")
mod.__path__ = []
mod.__file__ = "<sqlflow.udfs>"
sys.modules["sqlflow"] = pkg
sys.modules["sqlflow.udfs"] = mod
exec(compile(source, "<sqlflow.udfs>", "exec"), mod.__dict__)
pkg.udfs = mod
mod.decorators = mod
sys.modules["sqlflow.udfs.decorators"] = mod
sys.path.insert(0, root)
venv = os.environ.get("VIRTUAL_ENV")
if venv:
    sys.path.append(os.path.join(venv, "lib", "python%d.%d" % sys.version_info[:2], "site-packages"))
)",
            scope);
}

std::vector<UdfParam> ParamsOf(const pyb::handle& list) {
  std::vector<UdfParam> params;
  for (auto p : list) {
    auto d = p.cast<pyb::dict>();
    params.push_back(
        {d["name"].cast<std::string>(), d["type"].cast<std::string>(), d["has_default"].cast<bool>()});
  }
  return params;
}

UdfInfo InfoOf(const pyb::dict& d) {
  UdfInfo u;
  u.kind = d["kind"].cast<std::string>();
  u.name = d["name"].cast<std::string>();
  u.module = d["module"].cast<std::string>();
  u.file = d["file"].cast<std::string>();
  u.line = d["line"].cast<int>();
  u.doc = d["doc"].cast<std::string>();
  u.params = ParamsOf(d["params"]);
  if (u.kind == "scalar") {
    u.return_type = d["return_type"].cast<std::string>();
    u.null_handling = d["null_handling"].cast<std::string>();
    u.vectorized = d["vectorized"].cast<bool>();
    u.deterministic = d["deterministic"].cast<bool>();
  } else {
    for (auto pair : d["output_schema"]) {
      auto l = pair.cast<pyb::list>();
      u.output_schema.push_back({l[0].cast<std::string>(), l[1].cast<std::string>()});
    }
    u.infer = d["infer"].cast<bool>();
    for (auto c : d["required_columns"]) u.required_columns.push_back(c.cast<std::string>());
  }
  return u;
}

void Discover(const fs::path& root, RuntimeState& state) {
  auto result = pyb::module_::import("sqlflow.udfs").attr("discover")(root.string()).cast<pyb::tuple>();
  for (auto item : result[0]) {
    auto d = item.cast<pyb::dict>();
    UdfInfo info = InfoOf(d);
    PyObject* func = d["func"].ptr();
    Py_INCREF(func);
    state.functions[info.module + "." + info.name] = func;
    state.discovery.udfs.push_back(std::move(info));
  }
  for (auto item : result[1]) {
    auto f = item.cast<pyb::dict>();
    state.discovery.module_failed = true;
    state.discovery.warnings.push_back(Diagnostic{Severity::kWarning,
                                                  "W701",
                                                  f["where"].cast<std::string>() + ": " +
                                                      f["type"].cast<std::string>() + ": " +
                                                      f["message"].cast<std::string>() + " (module skipped)",
                                                  {},
                                                  {},
                                                  {}});
  }
  internal::FinishDiscovery(state.discovery);
  // Scalar bindings keep what the per-chunk callback needs (set up once, read without locks).
  for (const auto& u : state.discovery.udfs) {
    if (u.kind != "scalar") continue;
    auto binding = std::make_unique<py::ScalarBinding>();
    binding->name = u.full_name;
    binding->func = state.functions[u.full_name];
    binding->special_nulls = u.null_handling == "special";
    binding->vectorized = u.vectorized;
    auto meta = pyb::reinterpret_borrow<pyb::object>(binding->func).attr("_sqlflow_udf").cast<pyb::dict>();
    for (auto flag : meta["ndarray_params"]) binding->ndarray_params.push_back(flag.cast<bool>());
    state.bindings.push_back(std::move(binding));
  }
}

}  // namespace

const Discovery* StartRuntime(const fs::path& root, std::string* reason) {
  std::lock_guard<std::mutex> lock(g_start_mutex);
  RuntimeState& state = State();
  if (!state.attempted) {
    state.attempted = true;
    const char* disabled = std::getenv("SQLFLOW_DISABLE_PYTHON");
    if (disabled && *disabled && std::string(disabled) != "0") {
      state.reason = "Python is disabled by SQLFLOW_DISABLE_PYTHON";
    } else if (InitInterpreter(&state.reason)) {
      try {
        InstallModule(fs::absolute(root));
        Discover(fs::absolute(root), state);
        state.ok = true;
      } catch (const std::exception& e) {
        state.reason = std::string("the sqlflow.udfs module could not be set up: ") + e.what();
      }
      PyEval_SaveThread();  // other threads (DuckDB workers) take the GIL per chunk
    }
  }
  if (!state.ok && reason) *reason = state.reason;
  return state.ok ? &state.discovery : nullptr;
}

const Discovery* StartedRuntime() {
  RuntimeState& state = State();
  return state.ok ? &state.discovery : nullptr;
}

bool InterpreterStarted() {
  return Py_IsInitialized() != 0;
}

void RegisterScalarUdfs(engine::Connection& conn) {
  RuntimeState& state = State();
  if (!state.ok) return;
  size_t b = 0;
  for (const auto& u : state.discovery.udfs) {
    if (u.kind != "scalar") continue;
    py::ScalarBinding* binding = state.bindings[b++].get();
    for (const auto& name : u.SqlNames()) py::RegisterScalar(conn, u, name, binding);
  }
}

namespace py {

PyObject* FunctionOf(const UdfInfo& udf) {
  auto& functions = State().functions;
  auto it = functions.find(udf.full_name);
  return it == functions.end() ? nullptr : it->second;
}

}  // namespace py

}  // namespace sqlflow::udf

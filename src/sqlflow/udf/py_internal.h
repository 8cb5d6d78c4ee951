// Internal to the Python runtime (*_py.cc only): Python.h, pybind11 and the DuckDB vector conversions.
#pragma once

#include <Python.h>
#include <duckdb.h>

#include <string>
#include <vector>

namespace sqlflow::udf::py {

// The sqlflow.udfs module (borrowed reference, valid for the process lifetime) and its helpers.
PyObject* UdfsModule();
PyObject* Helper(const char* name);  // borrowed attribute of the module

// Reads the values of one DuckDB vector as Python objects.
class VectorReader {
 public:
  void Init(duckdb_vector vector);
  duckdb_type type() const { return type_; }
  bool IsNull(idx_t row) const { return validity_ && !duckdb_validity_row_is_valid(validity_, row); }
  bool HasNulls(idx_t count) const;
  const void* data() const { return data_; }
  // New reference, or nullptr with a Python error set (unsupported type).
  PyObject* Get(idx_t row) const;

 private:
  PyObject* GetOther(idx_t row) const;
  duckdb_vector vector_ = nullptr;
  duckdb_type type_ = DUCKDB_TYPE_INVALID;
  duckdb_type decimal_internal_ = DUCKDB_TYPE_INVALID;
  uint8_t decimal_scale_ = 0;
  void* data_ = nullptr;
  uint64_t* validity_ = nullptr;
  std::vector<VectorReader> children_;
  std::vector<std::string> child_names_;
};

// Writes Python objects into a DuckDB vector, converting them to its type as the engine would cast them.
class VectorWriter {
 public:
  void Init(duckdb_vector vector);
  duckdb_type type() const { return type_; }
  void* data() const { return data_; }
  void SetNull(idx_t row);
  // False (no Python error pending) when the value cannot be converted.
  bool Set(idx_t row, PyObject* value);
  std::string TypeName() const;

 private:
  bool SetInteger(idx_t row, PyObject* value);
  bool SetFloat(idx_t row, PyObject* value);
  bool SetBoolean(idx_t row, PyObject* value);
  bool SetString(idx_t row, PyObject* value);
  bool SetList(idx_t row, PyObject* value);
  bool SetViaHelper(idx_t row, PyObject* value);  // date, time, interval, decimal, timestamps
  duckdb_vector vector_ = nullptr;
  duckdb_type type_ = DUCKDB_TYPE_INVALID;
  duckdb_type decimal_internal_ = DUCKDB_TYPE_INVALID;
  uint8_t decimal_scale_ = 0;
  void* data_ = nullptr;
  bool validity_ready_ = false;
};

// True for None, float NaN, pandas NA / NaT.
bool IsMissing(PyObject* value);
// repr() of a value, shortened for messages.
std::string ShortRepr(PyObject* value);
// Consumes the pending Python exception: "<Type>: <message> (at file:line)". With --verbose, `hint` gets the
// formatted traceback (LANGUAGE.md §7.2 SF705), else it is left empty.
std::string TakeException(std::string* hint = nullptr);

// Holds the GIL for a scope (from any thread).
class Gil {
 public:
  Gil() : state_(PyGILState_Ensure()) {}
  ~Gil() { PyGILState_Release(state_); }
  Gil(const Gil&) = delete;
  Gil& operator=(const Gil&) = delete;

 private:
  PyGILState_STATE state_;
};

// Owns one reference.
class Ref {
 public:
  Ref() = default;
  explicit Ref(PyObject* o) : o_(o) {}
  ~Ref() { Py_XDECREF(o_); }
  Ref(Ref&& other) noexcept : o_(other.o_) { other.o_ = nullptr; }
  Ref& operator=(Ref&& other) noexcept {
    if (this != &other) {
      Py_XDECREF(o_);
      o_ = other.o_;
      other.o_ = nullptr;
    }
    return *this;
  }
  Ref(const Ref&) = delete;
  Ref& operator=(const Ref&) = delete;
  PyObject* get() const { return o_; }
  PyObject* release() {
    PyObject* o = o_;
    o_ = nullptr;
    return o;
  }
  explicit operator bool() const { return o_ != nullptr; }

 private:
  PyObject* o_ = nullptr;
};

}  // namespace sqlflow::udf::py

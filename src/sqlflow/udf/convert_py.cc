// DuckDB vector <-> Python value conversions (LANGUAGE.md §13.4).
#include "sqlflow/udf/py_internal.h"  // Python.h first: datetime.h needs it

#include "sqlflow/common/console.h"

#include <datetime.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace sqlflow::udf::py {

namespace {

void EnsureDateTimeApi() {
  if (!PyDateTimeAPI) PyDateTime_IMPORT;
}

std::string Int128ToString(__int128 v) {
  if (v == 0) return "0";
  bool negative = v < 0;
  unsigned __int128 u =
      negative ? static_cast<unsigned __int128>(-(v + 1)) + 1 : static_cast<unsigned __int128>(v);
  std::string out;
  while (u) {
    out.insert(out.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  return negative ? "-" + out : out;
}

__int128 HugeintValue(const duckdb_hugeint& h) {
  return (static_cast<__int128>(h.upper) << 64) | static_cast<__int128>(h.lower);
}

PyObject* DecimalFromScaled(__int128 value, uint8_t scale) {
  std::string digits = Int128ToString(value);
  bool negative = !digits.empty() && digits[0] == '-';
  if (negative) digits.erase(0, 1);
  if (scale > 0) {
    if (digits.size() <= scale) digits.insert(0, scale - digits.size() + 1, '0');
    digits.insert(digits.size() - scale, ".");
  }
  if (negative) digits.insert(0, "-");
  return PyObject_CallFunction(Helper("decimal_from_text"), "s", digits.c_str());
}

PyObject* FromTimestampMicros(int64_t micros, bool utc) {
  EnsureDateTimeApi();
  duckdb_timestamp_struct ts = duckdb_from_timestamp(duckdb_timestamp{micros});
  PyObject* tz = utc ? PyDateTime_TimeZone_UTC : Py_None;
  return PyDateTimeAPI->DateTime_FromDateAndTime(ts.date.year, ts.date.month, ts.date.day, ts.time.hour,
                                                 ts.time.min, ts.time.sec, ts.time.micros, tz,
                                                 PyDateTimeAPI->DateTimeType);
}

// Reads a string_t (VARCHAR and BLOB share the layout).
std::string_view StringAt(const void* data, idx_t row) {
  auto* s = static_cast<duckdb_string_t*>(const_cast<void*>(data)) + row;
  uint32_t len = duckdb_string_t_length(*s);
  return {duckdb_string_t_data(s), len};
}

}  // namespace

PyObject* UdfsModule() {
  static PyObject* module = PyImport_ImportModule("sqlflow.udfs");
  return module;
}

PyObject* Helper(const char* name) {
  // Attributes of a module that lives for the whole process: the borrowed reference stays valid.
  PyObject* attr = PyObject_GetAttrString(UdfsModule(), name);
  Py_XDECREF(attr);
  return attr;
}

void VectorReader::Init(duckdb_vector vector) {
  vector_ = vector;
  duckdb_logical_type type = duckdb_vector_get_column_type(vector);
  type_ = duckdb_get_type_id(type);
  data_ = duckdb_vector_get_data(vector);
  validity_ = duckdb_vector_get_validity(vector);
  children_.clear();
  child_names_.clear();
  if (type_ == DUCKDB_TYPE_DECIMAL) {
    decimal_internal_ = duckdb_decimal_internal_type(type);
    decimal_scale_ = duckdb_decimal_scale(type);
  } else if (type_ == DUCKDB_TYPE_LIST) {
    children_.resize(1);
    children_[0].Init(duckdb_list_vector_get_child(vector));
  } else if (type_ == DUCKDB_TYPE_STRUCT) {
    idx_t n = duckdb_struct_type_child_count(type);
    children_.resize(n);
    for (idx_t i = 0; i < n; ++i) {
      children_[i].Init(duckdb_struct_vector_get_child(vector, i));
      char* name = duckdb_struct_type_child_name(type, i);
      child_names_.push_back(name);
      duckdb_free(name);
    }
  }
  duckdb_destroy_logical_type(&type);
}

bool VectorReader::HasNulls(idx_t count) const {
  if (!validity_) return false;
  for (idx_t i = 0; i < count; ++i)
    if (!duckdb_validity_row_is_valid(validity_, i)) return true;
  return false;
}

PyObject* VectorReader::Get(idx_t row) const {
  switch (type_) {
    case DUCKDB_TYPE_BIGINT:
      return PyLong_FromLongLong(static_cast<const int64_t*>(data_)[row]);
    case DUCKDB_TYPE_INTEGER:
      return PyLong_FromLong(static_cast<const int32_t*>(data_)[row]);
    case DUCKDB_TYPE_SMALLINT:
      return PyLong_FromLong(static_cast<const int16_t*>(data_)[row]);
    case DUCKDB_TYPE_TINYINT:
      return PyLong_FromLong(static_cast<const int8_t*>(data_)[row]);
    case DUCKDB_TYPE_UBIGINT:
      return PyLong_FromUnsignedLongLong(static_cast<const uint64_t*>(data_)[row]);
    case DUCKDB_TYPE_UINTEGER:
      return PyLong_FromUnsignedLong(static_cast<const uint32_t*>(data_)[row]);
    case DUCKDB_TYPE_USMALLINT:
      return PyLong_FromUnsignedLong(static_cast<const uint16_t*>(data_)[row]);
    case DUCKDB_TYPE_UTINYINT:
      return PyLong_FromUnsignedLong(static_cast<const uint8_t*>(data_)[row]);
    case DUCKDB_TYPE_HUGEINT: {
      std::string text = Int128ToString(HugeintValue(static_cast<const duckdb_hugeint*>(data_)[row]));
      return PyLong_FromString(text.c_str(), nullptr, 10);
    }
    case DUCKDB_TYPE_DOUBLE:
      return PyFloat_FromDouble(static_cast<const double*>(data_)[row]);
    case DUCKDB_TYPE_FLOAT:
      return PyFloat_FromDouble(static_cast<const float*>(data_)[row]);
    case DUCKDB_TYPE_BOOLEAN:
      return PyBool_FromLong(static_cast<const bool*>(data_)[row]);
    case DUCKDB_TYPE_VARCHAR: {
      auto s = StringAt(data_, row);
      return PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
    }
    case DUCKDB_TYPE_BLOB: {
      auto s = StringAt(data_, row);
      return PyBytes_FromStringAndSize(s.data(), static_cast<Py_ssize_t>(s.size()));
    }
    default:
      return GetOther(row);
  }
}

// Decimals, temporal and nested types (the less common, costlier conversions).
PyObject* VectorReader::GetOther(idx_t row) const {
  switch (type_) {
    case DUCKDB_TYPE_DECIMAL: {
      __int128 v = 0;
      switch (decimal_internal_) {
        case DUCKDB_TYPE_SMALLINT:
          v = static_cast<const int16_t*>(data_)[row];
          break;
        case DUCKDB_TYPE_INTEGER:
          v = static_cast<const int32_t*>(data_)[row];
          break;
        case DUCKDB_TYPE_BIGINT:
          v = static_cast<const int64_t*>(data_)[row];
          break;
        default:
          v = HugeintValue(static_cast<const duckdb_hugeint*>(data_)[row]);
          break;
      }
      return DecimalFromScaled(v, decimal_scale_);
    }
    case DUCKDB_TYPE_DATE: {
      EnsureDateTimeApi();
      duckdb_date_struct d = duckdb_from_date(static_cast<const duckdb_date*>(data_)[row]);
      return PyDate_FromDate(d.year, d.month, d.day);
    }
    case DUCKDB_TYPE_TIMESTAMP:
      return FromTimestampMicros(static_cast<const int64_t*>(data_)[row], false);
    case DUCKDB_TYPE_TIMESTAMP_TZ:
      return FromTimestampMicros(static_cast<const int64_t*>(data_)[row], true);
    case DUCKDB_TYPE_TIMESTAMP_S:
      return FromTimestampMicros(static_cast<const int64_t*>(data_)[row] * 1000000, false);
    case DUCKDB_TYPE_TIMESTAMP_MS:
      return FromTimestampMicros(static_cast<const int64_t*>(data_)[row] * 1000, false);
    case DUCKDB_TYPE_TIMESTAMP_NS:
      return FromTimestampMicros(static_cast<const int64_t*>(data_)[row] / 1000, false);
    case DUCKDB_TYPE_TIME: {
      EnsureDateTimeApi();
      duckdb_time_struct t = duckdb_from_time(static_cast<const duckdb_time*>(data_)[row]);
      return PyTime_FromTime(t.hour, t.min, t.sec, t.micros);
    }
    case DUCKDB_TYPE_INTERVAL: {
      EnsureDateTimeApi();
      const auto& iv = static_cast<const duckdb_interval*>(data_)[row];
      int64_t days = static_cast<int64_t>(iv.months) * 30 + iv.days + iv.micros / 86400000000LL;
      int64_t rest = iv.micros % 86400000000LL;
      return PyDelta_FromDSU(static_cast<int>(days), static_cast<int>(rest / 1000000),
                             static_cast<int>(rest % 1000000));
    }
    case DUCKDB_TYPE_LIST: {
      const auto& entry = static_cast<const duckdb_list_entry*>(data_)[row];
      PyObject* list = PyList_New(static_cast<Py_ssize_t>(entry.length));
      if (!list) return nullptr;
      for (idx_t i = 0; i < entry.length; ++i) {
        idx_t at = entry.offset + i;
        PyObject* item = children_[0].IsNull(at) ? (Py_INCREF(Py_None), Py_None) : children_[0].Get(at);
        if (!item) {
          Py_DECREF(list);
          return nullptr;
        }
        PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), item);
      }
      return list;
    }
    case DUCKDB_TYPE_STRUCT: {
      PyObject* dict = PyDict_New();
      if (!dict) return nullptr;
      for (size_t i = 0; i < children_.size(); ++i) {
        PyObject* item = children_[i].IsNull(row) ? (Py_INCREF(Py_None), Py_None) : children_[i].Get(row);
        if (!item || PyDict_SetItemString(dict, child_names_[i].c_str(), item) != 0) {
          Py_XDECREF(item);
          Py_DECREF(dict);
          return nullptr;
        }
        Py_DECREF(item);
      }
      return dict;
    }
    default:
      PyErr_Format(PyExc_TypeError, "values of DuckDB type id %d cannot be passed to Python",
                   static_cast<int>(type_));
      return nullptr;
  }
}

// ------------------------------------------------------------------ writer

void VectorWriter::Init(duckdb_vector vector) {
  vector_ = vector;
  duckdb_logical_type type = duckdb_vector_get_column_type(vector);
  type_ = duckdb_get_type_id(type);
  if (type_ == DUCKDB_TYPE_DECIMAL) {
    decimal_internal_ = duckdb_decimal_internal_type(type);
    decimal_scale_ = duckdb_decimal_scale(type);
  }
  duckdb_destroy_logical_type(&type);
  data_ = duckdb_vector_get_data(vector);
  validity_ready_ = false;
}

std::string VectorWriter::TypeName() const {
  duckdb_logical_type type = duckdb_vector_get_column_type(vector_);
  char* text = duckdb_logical_type_get_alias(type);
  std::string out;
  if (text) {
    out = text;
    duckdb_free(text);
  }
  duckdb_destroy_logical_type(&type);
  if (!out.empty()) return out;
  switch (type_) {
    case DUCKDB_TYPE_BIGINT:
      return "BIGINT";
    case DUCKDB_TYPE_INTEGER:
      return "INTEGER";
    case DUCKDB_TYPE_SMALLINT:
      return "SMALLINT";
    case DUCKDB_TYPE_TINYINT:
      return "TINYINT";
    case DUCKDB_TYPE_HUGEINT:
      return "HUGEINT";
    case DUCKDB_TYPE_DOUBLE:
      return "DOUBLE";
    case DUCKDB_TYPE_FLOAT:
      return "FLOAT";
    case DUCKDB_TYPE_BOOLEAN:
      return "BOOLEAN";
    case DUCKDB_TYPE_VARCHAR:
      return "VARCHAR";
    case DUCKDB_TYPE_BLOB:
      return "BLOB";
    case DUCKDB_TYPE_DECIMAL:
      return "DECIMAL";
    case DUCKDB_TYPE_DATE:
      return "DATE";
    case DUCKDB_TYPE_TIMESTAMP:
      return "TIMESTAMP";
    case DUCKDB_TYPE_TIMESTAMP_TZ:
      return "TIMESTAMP WITH TIME ZONE";
    case DUCKDB_TYPE_TIME:
      return "TIME";
    case DUCKDB_TYPE_INTERVAL:
      return "INTERVAL";
    case DUCKDB_TYPE_LIST:
      return "LIST";
    default:
      return "type " + std::to_string(static_cast<int>(type_));
  }
}

void VectorWriter::SetNull(idx_t row) {
  if (!validity_ready_) {
    duckdb_vector_ensure_validity_writable(vector_);
    validity_ready_ = true;
  }
  duckdb_validity_set_row_invalid(duckdb_vector_get_validity(vector_), row);
}

namespace {

// Integer value of `v` with the engine's casting rules (bool, integral float rounding, numeric strings).
bool ToInt128(PyObject* v, __int128* out) {
  if (PyLong_Check(v)) {
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (!overflow) {
      *out = x;
      return true;
    }
  }
  if (PyFloat_Check(v)) {
    double d = PyFloat_AS_DOUBLE(v);
    if (!std::isfinite(d) || std::fabs(d) > 1.7e38) return false;
    *out = static_cast<__int128>(std::nearbyint(d));
    return true;
  }
  PyObject* coerced = PyObject_CallFunction(Helper("coerce"), "Os", v, "hugeint");
  if (!coerced) {
    PyErr_Clear();
    return false;
  }
  PyObject* text = PyObject_Str(coerced);
  Py_DECREF(coerced);
  if (!text) {
    PyErr_Clear();
    return false;
  }
  const char* s = PyUnicode_AsUTF8(text);
  __int128 value = 0;
  bool negative = *s == '-';
  if (negative) ++s;
  bool ok = *s != 0;
  for (; *s; ++s) {
    if (*s < '0' || *s > '9' || value > (static_cast<__int128>(1) << 125)) {
      ok = false;
      break;
    }
    value = value * 10 + (*s - '0');
  }
  Py_DECREF(text);
  *out = negative ? -value : value;
  return ok;
}

template <typename T>
bool StoreInt(void* data, idx_t row, __int128 v) {
  if (v < static_cast<__int128>(std::numeric_limits<T>::min()) ||
      v > static_cast<__int128>(std::numeric_limits<T>::max()))
    return false;
  static_cast<T*>(data)[row] = static_cast<T>(v);
  return true;
}

bool ToDouble(PyObject* v, double* out) {
  if (PyFloat_Check(v)) {
    *out = PyFloat_AS_DOUBLE(v);
    return true;
  }
  if (PyUnicode_Check(v)) {
    const char* s = PyUnicode_AsUTF8(v);
    if (!s) {
      PyErr_Clear();
      return false;
    }
    char* end = nullptr;
    *out = std::strtod(s, &end);
    while (end && *end == ' ') ++end;
    return end != s && end && *end == 0;
  }
  if (PyBytes_Check(v)) return false;
  double d = PyFloat_AsDouble(v);
  if (d == -1.0 && PyErr_Occurred()) {
    PyErr_Clear();
    return false;
  }
  *out = d;
  return true;
}

// Integers from a tuple returned by the coerce() helper.
bool TupleInts(PyObject* tuple, long long* out, int n) {
  if (!tuple || !PyTuple_Check(tuple) || PyTuple_GET_SIZE(tuple) != n) return false;
  for (int i = 0; i < n; ++i) out[i] = PyLong_AsLongLong(PyTuple_GET_ITEM(tuple, i));
  return !PyErr_Occurred();
}

}  // namespace

bool VectorWriter::SetViaHelper(idx_t row, PyObject* value) {
  const char* kind = type_ == DUCKDB_TYPE_DATE       ? "date"
                     : type_ == DUCKDB_TYPE_TIME     ? "time"
                     : type_ == DUCKDB_TYPE_INTERVAL ? "interval"
                     : type_ == DUCKDB_TYPE_DECIMAL  ? "decimal"
                                                     : "timestamp";
  Ref coerced(PyObject_CallFunction(Helper("coerce"), "Osi", value, kind, static_cast<int>(decimal_scale_)));
  long long v[7] = {};
  bool ok = false;
  if (coerced) {
    switch (type_) {
      case DUCKDB_TYPE_DATE:
        if ((ok = TupleInts(coerced.get(), v, 3)))
          static_cast<duckdb_date*>(data_)[row] = duckdb_to_date(duckdb_date_struct{
              static_cast<int32_t>(v[0]), static_cast<int8_t>(v[1]), static_cast<int8_t>(v[2])});
        break;
      case DUCKDB_TYPE_TIME:
        if ((ok = TupleInts(coerced.get(), v, 4)))
          static_cast<duckdb_time*>(data_)[row] =
              duckdb_to_time(duckdb_time_struct{static_cast<int8_t>(v[0]), static_cast<int8_t>(v[1]),
                                                static_cast<int8_t>(v[2]), static_cast<int32_t>(v[3])});
        break;
      case DUCKDB_TYPE_INTERVAL:
        if ((ok = TupleInts(coerced.get(), v, 3)))
          static_cast<duckdb_interval*>(data_)[row] =
              duckdb_interval{static_cast<int32_t>(v[0]), static_cast<int32_t>(v[1]), v[2]};
        break;
      case DUCKDB_TYPE_DECIMAL: {
        __int128 scaled = 0;
        ok = ToInt128(coerced.get(), &scaled);
        if (ok) {
          switch (decimal_internal_) {
            case DUCKDB_TYPE_SMALLINT:
              ok = StoreInt<int16_t>(data_, row, scaled);
              break;
            case DUCKDB_TYPE_INTEGER:
              ok = StoreInt<int32_t>(data_, row, scaled);
              break;
            case DUCKDB_TYPE_BIGINT:
              ok = StoreInt<int64_t>(data_, row, scaled);
              break;
            default: {
              __int128 limit = 1;
              for (int i = 0; i < 38; ++i) limit *= 10;
              ok = scaled < limit && scaled > -limit;
              if (ok)
                static_cast<duckdb_hugeint*>(data_)[row] =
                    duckdb_hugeint{static_cast<uint64_t>(scaled), static_cast<int64_t>(scaled >> 64)};
            }
          }
        }
        break;
      }
      default:
        if ((ok = TupleInts(coerced.get(), v, 7))) {
          duckdb_timestamp_struct ts{
              {static_cast<int32_t>(v[0]), static_cast<int8_t>(v[1]), static_cast<int8_t>(v[2])},
              {static_cast<int8_t>(v[3]), static_cast<int8_t>(v[4]), static_cast<int8_t>(v[5]),
               static_cast<int32_t>(v[6])}};
          int64_t micros = duckdb_to_timestamp(ts).micros;
          int64_t stored = type_ == DUCKDB_TYPE_TIMESTAMP_S    ? micros / 1000000
                           : type_ == DUCKDB_TYPE_TIMESTAMP_MS ? micros / 1000
                           : type_ == DUCKDB_TYPE_TIMESTAMP_NS ? micros * 1000
                                                               : micros;
          static_cast<int64_t*>(data_)[row] = stored;
        }
    }
  }
  if (PyErr_Occurred()) PyErr_Clear();
  return ok;
}

bool VectorWriter::SetInteger(idx_t row, PyObject* v) {
  __int128 x = 0;
  if (!ToInt128(v, &x)) return false;
  switch (type_) {
    case DUCKDB_TYPE_BIGINT:
      return StoreInt<int64_t>(data_, row, x);
    case DUCKDB_TYPE_INTEGER:
      return StoreInt<int32_t>(data_, row, x);
    case DUCKDB_TYPE_SMALLINT:
      return StoreInt<int16_t>(data_, row, x);
    case DUCKDB_TYPE_TINYINT:
      return StoreInt<int8_t>(data_, row, x);
    case DUCKDB_TYPE_UBIGINT:
      return StoreInt<uint64_t>(data_, row, x);
    case DUCKDB_TYPE_UINTEGER:
      return StoreInt<uint32_t>(data_, row, x);
    case DUCKDB_TYPE_USMALLINT:
      return StoreInt<uint16_t>(data_, row, x);
    case DUCKDB_TYPE_UTINYINT:
      return StoreInt<uint8_t>(data_, row, x);
    default:
      static_cast<duckdb_hugeint*>(data_)[row] =
          duckdb_hugeint{static_cast<uint64_t>(x), static_cast<int64_t>(x >> 64)};
      return true;
  }
}

bool VectorWriter::SetFloat(idx_t row, PyObject* v) {
  double d = 0;
  if (!ToDouble(v, &d)) return false;
  if (std::isnan(d)) {
    SetNull(row);
    return true;
  }
  if (type_ == DUCKDB_TYPE_DOUBLE)
    static_cast<double*>(data_)[row] = d;
  else
    static_cast<float*>(data_)[row] = static_cast<float>(d);
  return true;
}

// bool, numbers and objects with __bool__ by truth value; strings by the engine's spellings.
bool VectorWriter::SetBoolean(idx_t row, PyObject* v) {
  bool* out = static_cast<bool*>(data_) + row;
  if (PyBool_Check(v)) {
    *out = v == Py_True;
    return true;
  }
  if (PyUnicode_Check(v)) {
    const char* utf8 = PyUnicode_AsUTF8(v);
    if (!utf8) {
      PyErr_Clear();
      return false;
    }
    std::string text = utf8;
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (text == "true" || text == "t" || text == "1" || text == "yes")
      *out = true;
    else if (text == "false" || text == "f" || text == "0" || text == "no")
      *out = false;
    else
      return false;
    return true;
  }
  if (!PyLong_Check(v) && !PyFloat_Check(v) && !PyObject_HasAttrString(v, "__bool__")) return false;
  int truth = PyObject_IsTrue(v);
  if (truth < 0) {
    PyErr_Clear();
    return false;
  }
  *out = truth != 0;
  return true;
}

// VARCHAR takes str() of anything but bytes; BLOB takes bytes-like objects and str (UTF-8).
bool VectorWriter::SetString(idx_t row, PyObject* v) {
  Ref owned;
  const char* data = nullptr;
  Py_ssize_t len = 0;
  if (type_ == DUCKDB_TYPE_VARCHAR) {
    if (PyBytes_Check(v) || PyByteArray_Check(v)) return false;
    if (!PyUnicode_Check(v)) {
      owned = Ref(PyObject_Str(v));
      v = owned.get();
    }
    data = v ? PyUnicode_AsUTF8AndSize(v, &len) : nullptr;
  } else {
    if (PyUnicode_Check(v))
      owned = Ref(PyUnicode_AsUTF8String(v));
    else if (PyByteArray_Check(v) || PyMemoryView_Check(v))
      owned = Ref(PyBytes_FromObject(v));
    else if (PyBytes_Check(v))
      owned = Ref((Py_INCREF(v), v));
    char* buffer = nullptr;
    if (owned && PyBytes_AsStringAndSize(owned.get(), &buffer, &len) == 0) data = buffer;
  }
  if (!data) {
    PyErr_Clear();
    return false;
  }
  duckdb_vector_assign_string_element_len(vector_, row, data, static_cast<idx_t>(len));
  return true;
}

bool VectorWriter::SetList(idx_t row, PyObject* v) {
  if (PyUnicode_Check(v) || PyBytes_Check(v) || PyDict_Check(v)) return false;
  Ref seq(PySequence_Fast(v, "not a sequence"));
  if (!seq) {
    PyErr_Clear();
    return false;
  }
  Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.get());
  idx_t offset = duckdb_list_vector_get_size(vector_);
  if (duckdb_list_vector_reserve(vector_, offset + static_cast<idx_t>(n)) != DuckDBSuccess) return false;
  VectorWriter child;
  child.Init(duckdb_list_vector_get_child(vector_));
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* item = PySequence_Fast_GET_ITEM(seq.get(), i);
    idx_t at = offset + static_cast<idx_t>(i);
    if (IsMissing(item))
      child.SetNull(at);
    else if (!child.Set(at, item))
      return false;
  }
  duckdb_list_vector_set_size(vector_, offset + static_cast<idx_t>(n));
  static_cast<duckdb_list_entry*>(data_)[row] = duckdb_list_entry{offset, static_cast<uint64_t>(n)};
  return true;
}

bool VectorWriter::Set(idx_t row, PyObject* v) {
  switch (type_) {
    case DUCKDB_TYPE_BIGINT:
      if (PyLong_CheckExact(v)) {  // the hot path of row-at-a-time UDFs
        int overflow = 0;
        long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
        if (overflow) return false;
        static_cast<int64_t*>(data_)[row] = x;
        return true;
      }
      return SetInteger(row, v);
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_UBIGINT:
    case DUCKDB_TYPE_UINTEGER:
    case DUCKDB_TYPE_USMALLINT:
    case DUCKDB_TYPE_UTINYINT:
    case DUCKDB_TYPE_HUGEINT:
      return SetInteger(row, v);
    case DUCKDB_TYPE_DOUBLE:
    case DUCKDB_TYPE_FLOAT:
      return SetFloat(row, v);
    case DUCKDB_TYPE_BOOLEAN:
      return SetBoolean(row, v);
    case DUCKDB_TYPE_VARCHAR:
    case DUCKDB_TYPE_BLOB:
      return SetString(row, v);
    case DUCKDB_TYPE_LIST:
      return SetList(row, v);
    case DUCKDB_TYPE_DATE:
    case DUCKDB_TYPE_TIME:
    case DUCKDB_TYPE_INTERVAL:
    case DUCKDB_TYPE_DECIMAL:
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_TZ:
    case DUCKDB_TYPE_TIMESTAMP_S:
    case DUCKDB_TYPE_TIMESTAMP_MS:
    case DUCKDB_TYPE_TIMESTAMP_NS:
      return SetViaHelper(row, v);
    default:
      return false;
  }
}

bool IsMissing(PyObject* v) {
  if (v == Py_None) return true;
  if (PyFloat_CheckExact(v)) return std::isnan(PyFloat_AS_DOUBLE(v));
  if (PyLong_CheckExact(v) || PyUnicode_CheckExact(v) || PyBool_Check(v)) return false;
  if (PyFloat_Check(v)) return std::isnan(PyFloat_AsDouble(v));  // numpy.float64
  // pandas.NA and NaT: compare by type name to avoid importing pandas here.
  const char* name = Py_TYPE(v)->tp_name;
  return std::strcmp(name, "NAType") == 0 || std::strcmp(name, "NaTType") == 0;
}

std::string ShortRepr(PyObject* v) {
  Ref repr(PyObject_Repr(v));
  if (!repr) {
    PyErr_Clear();
    return "<unprintable>";
  }
  const char* s = PyUnicode_AsUTF8(repr.get());
  std::string out = s ? s : "<unprintable>";
  if (out.size() > 80) out = out.substr(0, 77) + "...";
  return out;
}

std::string TakeException(std::string* hint) {
  PyObject *type = nullptr, *value = nullptr, *tb = nullptr;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  if (value && tb) PyException_SetTraceback(value, tb);
  std::string name = "Exception", message, at = "?", traceback;
  Ref info(value ? PyObject_CallFunctionObjArgs(Helper("exception_info"), value, nullptr) : nullptr);
  if (info && PyTuple_Check(info.get()) && PyTuple_GET_SIZE(info.get()) == 4) {
    name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(info.get(), 0));
    message = PyUnicode_AsUTF8(PyTuple_GET_ITEM(info.get(), 1));
    at = PyUnicode_AsUTF8(PyTuple_GET_ITEM(info.get(), 2));
    traceback = PyUnicode_AsUTF8(PyTuple_GET_ITEM(info.get(), 3));
  }
  PyErr_Clear();
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(tb);
  if (hint) *hint = Console::Get().verbosity() >= Verbosity::kVerbose ? traceback : "";
  return name + ": " + message + " (at " + at + ")";
}

}  // namespace sqlflow::udf::py

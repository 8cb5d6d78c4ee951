// Table UDFs (LANGUAGE.md §13.4-13.5): table -> DataFrame -> function -> DataFrame -> temporary table.
#include <pybind11/embed.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstring>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"
#include "sqlflow/engine/database.h"
#include "sqlflow/udf/py_internal.h"
#include "sqlflow/udf/scalar_py.h"

namespace pyb = pybind11;

namespace sqlflow::udf {

namespace {

std::string Quote(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// The DataFrame kind of a column type and the SELECT expression that reads it (§13.4).
std::pair<std::string, std::string> ColumnRead(const std::string& name, const std::string& type) {
  std::string upper = ToUpper(type);
  std::string q = Quote(name);
  if (upper == "BIGINT" || upper == "INTEGER" || upper == "SMALLINT" || upper == "TINYINT" ||
      upper == "UINTEGER" || upper == "USMALLINT" || upper == "UTINYINT")
    return {"i", "CAST(" + q + " AS BIGINT)"};
  if (upper == "DOUBLE" || upper == "FLOAT" || StartsWith(upper, "DECIMAL"))
    return {"f", "CAST(" + q + " AS DOUBLE)"};
  if (upper == "BOOLEAN") return {"b", q};
  if (upper == "DATE" || upper == "TIMESTAMP" || StartsWith(upper, "TIMESTAMP_"))
    return {"ts", "CAST(" + q + " AS TIMESTAMP)"};
  if (upper == "TIMESTAMP WITH TIME ZONE") return {"tstz", q};
  return {"o", q};
}

struct ColumnData {
  std::string name;
  std::string kind;
  std::string raw;   // i/f/b: fixed-width values
  std::string mask;  // 1 = NULL
  bool has_null = false;
};

// The input table, read without the GIL: a UDF inside a view the table is built from would otherwise wait
// for the GIL on a DuckDB worker thread while this thread holds it.
struct TableData {
  std::vector<ColumnData> columns;
  std::vector<engine::DataChunk> chunks;
};

TableData FetchTable(engine::Connection& conn, const std::string& table) {
  TableData data;
  auto described = conn.Query("DESCRIBE SELECT * FROM " + table);
  std::vector<std::string> select;
  for (uint64_t r = 0; r < described.row_count(); ++r) {
    auto [kind, expr] = ColumnRead(described.GetString(0, r), described.GetString(1, r));
    data.columns.push_back({described.GetString(0, r), kind, {}, {}, false});
    select.push_back(expr);
  }
  auto result =
      conn.Stream("SELECT " + (select.empty() ? std::string("*") : Join(select, ", ")) + " FROM " + table);
  while (auto chunk = result.FetchChunk()) data.chunks.push_back(std::move(*chunk));
  return data;
}

// Builds the DataFrame (§13.4 dtypes); the GIL is held.
pyb::object BuildFrame(TableData& data) {
  std::vector<pyb::list> objects(data.columns.size());
  for (const auto& chunk : data.chunks) {
    idx_t rows = chunk.size();
    for (size_t c = 0; c < data.columns.size(); ++c) {
      auto& col = data.columns[c];
      py::VectorReader reader;
      reader.Init(duckdb_data_chunk_get_vector(chunk.get(), c));
      if (col.kind == "i" || col.kind == "f" || col.kind == "b") {
        size_t width = col.kind == "b" ? 1 : 8;
        col.raw.append(static_cast<const char*>(reader.data()), rows * width);
        for (idx_t r = 0; r < rows; ++r) {
          bool null = reader.IsNull(r);
          col.mask.push_back(null ? 1 : 0);
          col.has_null |= null;
        }
        continue;
      }
      for (idx_t r = 0; r < rows; ++r) {
        if (reader.IsNull(r)) {
          objects[c].append(pyb::none());
          continue;
        }
        PyObject* value = reader.Get(r);
        if (!value) throw pyb::error_already_set();
        objects[c].append(pyb::reinterpret_steal<pyb::object>(value));
      }
    }
  }
  data.chunks.clear();
  pyb::module_ np = pyb::module_::import("numpy");
  pyb::list spec;
  for (size_t c = 0; c < data.columns.size(); ++c) {
    auto& col = data.columns[c];
    if (col.kind == "i" || col.kind == "f" || col.kind == "b") {
      const char* dtype = col.kind == "i" ? "int64" : col.kind == "f" ? "float64" : "bool";
      pyb::object values = np.attr("frombuffer")(pyb::bytes(col.raw), dtype).attr("copy")();
      pyb::object mask = col.has_null ? np.attr("frombuffer")(pyb::bytes(col.mask), "bool").attr("copy")()
                                      : pyb::object(pyb::none());
      spec.append(pyb::make_tuple(col.name, col.kind, values, mask));
    } else {
      spec.append(pyb::make_tuple(col.name, col.kind, objects[c], pyb::none()));
    }
  }
  return pyb::module_::import("sqlflow.udfs").attr("make_frame")(spec);
}

// A keyword argument's SQL literal as a Python value.
pyb::object LiteralValue(const std::string& literal) {
  std::string upper = ToUpper(literal);
  if (upper == "TRUE") return pyb::bool_(true);
  if (upper == "FALSE") return pyb::bool_(false);
  if (upper == "NULL") return pyb::none();
  if (!literal.empty() && literal.front() == '\'') {
    std::string out;
    for (size_t i = 1; i + 1 < literal.size(); ++i) {
      out += literal[i];
      if (literal[i] == '\'') ++i;
    }
    return pyb::str(out);
  }
  if (literal.find_first_of(".eE") == std::string::npos) return pyb::int_(pyb::str(literal));
  return pyb::float_(std::stod(literal));
}

// Output kind of a declared column type: 'i', 'f', 'b' can be copied from a numpy array.
const char* OutputKind(const std::string& type) {
  std::string upper = ToUpper(type);
  if (upper == "BIGINT" || upper == "INT8" || upper == "LONG") return "i";
  if (upper == "DOUBLE" || upper == "FLOAT8") return "f";
  if (upper == "BOOLEAN" || upper == "BOOL") return "b";
  return "o";
}

// Copies rows [start, start + rows) of a contiguous numpy array into a vector; NaN becomes NULL.
bool CopySlice(PyObject* array, const char* kind, py::VectorWriter& writer, size_t start, idx_t rows) {
  Py_buffer view;
  if (PyObject_GetBuffer(array, &view, PyBUF_C_CONTIGUOUS) != 0) {
    PyErr_Clear();
    return false;
  }
  size_t width = *kind == 'b' ? 1 : 8;
  bool ok = static_cast<size_t>(view.len) >= (start + rows) * width;
  if (ok) std::memcpy(writer.data(), static_cast<const char*>(view.buf) + start * width, rows * width);
  PyBuffer_Release(&view);
  if (ok && *kind == 'f') {
    const double* d = static_cast<const double*>(writer.data());
    for (idx_t r = 0; r < rows; ++r)
      if (std::isnan(d[r])) writer.SetNull(r);
  }
  return ok;
}

// Creates the temporary table and appends the frame's columns (NaN, NaT and None become NULL).
void LoadFrame(engine::Connection& conn, const UdfInfo& udf, pyb::object frame,
               const std::vector<std::pair<std::string, std::string>>& schema, const std::string& temp_name) {
  std::vector<std::string> defs, names, kinds;
  for (const auto& [col, type] : schema) {
    defs.push_back(Quote(col) + " " + type);
    names.push_back(col);
    kinds.push_back(OutputKind(type));
  }
  conn.Execute("CREATE TEMP TABLE " + Quote(temp_name) + " (" + Join(defs, ", ") + ")");
  pyb::list columns = pyb::module_::import("sqlflow.udfs").attr("frame_columns")(frame, names, kinds);
  auto probe = conn.Query("SELECT * FROM " + Quote(temp_name) + " LIMIT 0");
  std::vector<engine::LogicalType> types;
  for (size_t c = 0; c < schema.size(); ++c) types.push_back(probe.column_type(c));
  size_t total = pyb::len(frame);
  engine::Appender appender(conn, "", temp_name);
  for (size_t start = 0; start < total; start += 2048) {
    idx_t rows = static_cast<idx_t>(std::min<size_t>(2048, total - start));
    auto chunk = engine::DataChunk::Create(types);
    for (size_t c = 0; c < schema.size(); ++c) {
      py::VectorWriter writer;
      writer.Init(duckdb_data_chunk_get_vector(chunk.get(), c));
      PyObject* column = columns[c].ptr();
      if (!PyList_Check(column)) {
        if (!CopySlice(column, kinds[c].c_str(), writer, start, rows))
          throw Error(
              ErrorKind::kInternal,
              "table UDF '" + udf.full_name + "': column '" + schema[c].first + "' could not be copied",
              "SF706");
        continue;
      }
      for (idx_t r = 0; r < rows; ++r) {
        PyObject* item = PyList_GET_ITEM(column, static_cast<Py_ssize_t>(start + r));
        if (item == Py_None)
          writer.SetNull(r);
        else if (!writer.Set(r, item))
          throw Error(ErrorKind::kDataError,
                      "Python UDF '" + udf.full_name + "' returned " + py::ShortRepr(item) + " in column '" +
                          schema[c].first + "' which cannot be converted to " + schema[c].second,
                      "SF706");
      }
    }
    chunk.set_size(rows);
    appender.AppendChunk(chunk);
  }
  appender.Close();
}

}  // namespace

void RunTableUdf(engine::Connection& conn, const UdfInfo& udf, const std::string& table,
                 const std::vector<std::pair<std::string, std::string>>& kwargs,
                 const std::string& temp_name) {
  PyObject* func = py::FunctionOf(udf);
  if (!func) throw Error(ErrorKind::kInternal, "Python UDF '" + udf.full_name + "' is not loaded", "SF702");
  TableData input = FetchTable(conn, table);
  py::Gil gil;
  try {
    pyb::module_ udfs = pyb::module_::import("sqlflow.udfs");
    pyb::object frame = BuildFrame(input);
    std::vector<std::string> missing;
    pyb::list present = frame.attr("columns").attr("tolist")();
    for (const auto& c : udf.required_columns)
      if (!present.contains(pyb::str(c))) missing.push_back(c);
    if (!missing.empty())
      throw Error(ErrorKind::kDataError,
                  "table UDF '" + udf.full_name + "' requires columns missing from '" + table +
                      "': " + Join(missing, ", "),
                  "SF707");
    pyb::dict args;
    for (const auto& [name, literal] : kwargs) args[pyb::str(name)] = LiteralValue(literal);
    pyb::object result;
    {
      PyObject* raw =
          PyObject_CallFunctionObjArgs(udfs.attr("call_table").ptr(), func, frame.ptr(), args.ptr(), nullptr);
      if (!raw) {
        std::string traceback;
        std::string raised = py::TakeException(&traceback);
        throw Error(ErrorKind::kDataError, "Python UDF '" + udf.full_name + "' raised " + raised, "SF705",
                    traceback);
      }
      result = pyb::reinterpret_steal<pyb::object>(raw);
    }
    if (!udfs.attr("is_frame")(result).cast<bool>())
      throw Error(ErrorKind::kDataError,
                  "table UDF '" + udf.full_name + "' returned " +
                      pyb::str(result.get_type().attr("__name__")).cast<std::string>() +
                      ", expected a pandas DataFrame",
                  "SF708");
    std::vector<std::pair<std::string, std::string>> schema = udf.output_schema;
    if (udf.infer) {
      for (auto pair : udfs.attr("infer_schema")(result))
        schema.push_back(
            {pair.cast<pyb::list>()[0].cast<std::string>(), pair.cast<pyb::list>()[1].cast<std::string>()});
    }
    pyb::list out_columns = result.attr("columns").attr("tolist")();
    for (const auto& [col, type] : schema)
      if (!out_columns.contains(pyb::str(col))) missing.push_back(col);
    if (!missing.empty())
      throw Error(ErrorKind::kDataError,
                  "table UDF '" + udf.full_name +
                      "' output is missing columns declared in output_schema: " + Join(missing, ", "),
                  "SF708");
    LoadFrame(conn, udf, result, schema, temp_name);
  } catch (pyb::error_already_set& e) {
    e.restore();
    std::string traceback;
    std::string raised = py::TakeException(&traceback);
    throw Error(ErrorKind::kDataError, "Python UDF '" + udf.full_name + "' raised " + raised, "SF705",
                traceback);
  }
}

}  // namespace sqlflow::udf

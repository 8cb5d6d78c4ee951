"""The `sqlflow.udfs` module (LANGUAGE.md §13.2) and the helpers the embedded runtime calls.

This file is compiled into the sqlflow binary (CMake turns it into a C++ string); it is not installed.
The decorators only attach metadata: the function stays an ordinary Python function.
"""
import datetime
import decimal
import importlib
import inspect
import math
import os
import sys
import types
import typing

_SCALAR_OPTIONS = ("name", "return_type", "param_types", "null_handling", "vectorized", "deterministic")
_TABLE_OPTIONS = ("name", "output_schema", "infer", "required_columns")

_SIMPLE_TYPES = {
    int: "BIGINT",
    float: "DOUBLE",
    str: "VARCHAR",
    bool: "BOOLEAN",
    bytes: "BLOB",
    decimal.Decimal: "DECIMAL(38,10)",
    datetime.date: "DATE",
    datetime.datetime: "TIMESTAMP",
    datetime.time: "TIME",
    datetime.timedelta: "INTERVAL",
}


def _duckdb_type(annotation):
    """DuckDB type string for a Python annotation (§13.4), or None when it has no SQL equivalent."""
    if annotation is None or annotation is inspect.Parameter.empty:
        return None
    if isinstance(annotation, str):
        return None
    if annotation in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[annotation]
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (typing.Union, getattr(types, "UnionType", ())) and len(args) == 1:
        return _duckdb_type(args[0])  # Optional[T], T | None
    if origin is list and len(args) == 1:
        inner = _duckdb_type(args[0])
        return inner + "[]" if inner else None
    return None


def _hints(func):
    try:
        return typing.get_type_hints(func)
    except Exception:
        return dict(getattr(func, "__annotations__", {}))


def _check_options(kind, allowed, options):
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise TypeError("%s: unknown option %s (allowed: %s)" % (kind, ", ".join(unknown), ", ".join(allowed)))


def _scalar_meta(func, options):
    sig = inspect.signature(func)
    hints = _hints(func)
    return_type = options.get("return_type") or _duckdb_type(hints.get("return"))
    if not return_type:
        raise TypeError("scalar UDF '%s' needs a return annotation (-> int, -> str, ...) or return_type="
                        % func.__name__)
    null_handling = options.get("null_handling", "default")
    if null_handling not in ("default", "special"):
        raise ValueError("null_handling must be 'default' or 'special', not %r" % (null_handling,))
    declared = list(options.get("param_types") or [])
    params = []
    for index, (pname, p) in enumerate(sig.parameters.items()):
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            raise TypeError("scalar UDF '%s': parameter '%s' must be positional (no *args, **kwargs or "
                            "keyword-only parameters)" % (func.__name__, pname))
        ptype = declared[index] if index < len(declared) else (_duckdb_type(hints.get(pname)) or "ANY")
        params.append({"name": pname, "type": ptype, "has_default": p.default is not p.empty})
    return {
        "kind": "scalar",
        "name": options.get("name") or func.__name__,
        "return_type": return_type,
        "params": params,
        "null_handling": null_handling,
        "vectorized": bool(options.get("vectorized", False)),
        "deterministic": bool(options.get("deterministic", True)),
        "ndarray_params": [_is_ndarray(hints.get(p["name"])) for p in params],
    }


def _is_ndarray(annotation):
    return getattr(annotation, "__module__", "") == "numpy" and getattr(annotation, "__name__", "") == "ndarray"


def _table_meta(func, options):
    schema = options.get("output_schema")
    infer = bool(options.get("infer", False))
    if schema is None and not infer:
        raise TypeError("table UDF '%s' needs output_schema={...} or infer=True" % func.__name__)
    params = list(inspect.signature(func).parameters.values())
    if not params or params[0].kind not in (params[0].POSITIONAL_ONLY, params[0].POSITIONAL_OR_KEYWORD):
        raise TypeError("table UDF '%s': the first parameter must be a positional DataFrame parameter"
                        % func.__name__)
    for p in params[1:]:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.default is p.empty:
            raise TypeError("table UDF '%s': parameter '%s' needs a default value (it is passed as name => value)"
                            % (func.__name__, p.name))
    return {
        "kind": "table",
        "name": options.get("name") or func.__name__,
        "output_schema": [[str(k), str(v)] for k, v in (schema or {}).items()],
        "infer": infer and schema is None,
        "required_columns": [str(c) for c in (options.get("required_columns") or [])],
        "params": [{"name": p.name, "type": "ANY", "has_default": p.default is not p.empty} for p in params],
    }


def _decorator(kind, allowed, build):
    def decorator(func=None, **options):
        _check_options(kind, allowed, options)

        def attach(f):
            f._sqlflow_udf = build(f, options)
            return f

        if func is not None:
            if not callable(func):
                raise TypeError("%s takes keyword options only" % kind)
            return attach(func)
        return attach

    decorator.__name__ = kind
    return decorator


python_scalar_udf = _decorator("python_scalar_udf", _SCALAR_OPTIONS, _scalar_meta)
python_table_udf = _decorator("python_table_udf", _TABLE_OPTIONS, _table_meta)


# ------------------------------------------------------------------ discovery (§13.3)

def _udf_files(root):
    base = os.path.join(root, "python_udfs")
    found = []
    for directory, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not d.startswith(("_", ".")))
        for f in files:
            if f.endswith(".py") and not f.startswith(("_", ".")):
                found.append(os.path.relpath(os.path.join(directory, f), root).replace(os.sep, "/"))
    return sorted(found)


def _last_frame(tb, fallback):
    frames = [f for f in __import__("traceback").extract_tb(tb)]
    for frame in reversed(frames):
        if frame.filename.startswith("<"):
            continue
        return "%s:%d" % (_relative(frame.filename), frame.lineno)
    return fallback


def _relative(path):
    try:
        rel = os.path.relpath(path, _ROOT[0])
        return path if rel.startswith("..") else rel.replace(os.sep, "/")
    except ValueError:
        return path


_ROOT = [os.getcwd()]


def discover(root):
    """Imports python_udfs/**/*.py; returns (udfs, failures). Each udf is a dict with its metadata and `func`."""
    _ROOT[0] = root
    udfs, failures = [], []
    for rel in _udf_files(root):
        module_name = rel[:-3].replace("/", ".")
        try:
            module = importlib.import_module(module_name)
        except BaseException as e:  # noqa: B902 - a module that fails is skipped (W701), whatever it raised
            where = _last_frame(e.__traceback__, rel)
            if isinstance(e, SyntaxError) and e.lineno:
                where = "%s:%d" % (rel, e.lineno)
            failures.append({"file": rel, "where": where, "type": type(e).__name__, "message": str(e)})
            continue
        for attr, obj in list(vars(module).items()):
            meta = getattr(obj, "_sqlflow_udf", None)
            if not isinstance(meta, dict) or getattr(obj, "__module__", None) != module_name:
                continue
            code = getattr(obj, "__code__", None)
            record = dict(meta)
            record.update({
                "func": obj,
                "module": module_name,
                "full_name": module_name + "." + meta["name"],
                "file": rel,
                "line": code.co_firstlineno if code else 0,
                "doc": inspect.getdoc(obj) or "",
            })
            udfs.append(record)
    return udfs, failures


# ------------------------------------------------------------------ calls

def exception_info(e):
    """(type name, message, 'file:line' of the last frame, formatted traceback) of an exception raised by a UDF."""
    import traceback
    text = "".join(traceback.format_exception(type(e), e, e.__traceback__)).rstrip()
    return type(e).__name__, str(e), _last_frame(e.__traceback__, "?"), text


def make_series(values, kind, mask):
    """One vectorized argument as a pandas Series: kind 'i' int64, 'f' float64, 'b' bool, 'o' objects."""
    import numpy as np
    import pandas as pd
    if kind == "o":
        return pd.Series(values, dtype=object)
    if mask is None:
        return pd.Series(values, copy=False)
    if kind == "i":
        return pd.Series(pd.arrays.IntegerArray(values, mask))
    if kind == "b":
        return pd.Series(pd.arrays.BooleanArray(values, mask))
    values = values.copy()
    values[mask] = np.nan
    return pd.Series(values, copy=False)


def _is_missing(v):
    if v is None:
        return True
    if isinstance(v, float):
        return math.isnan(v)
    try:
        import pandas as pd
        return v is pd.NA or v is pd.NaT
    except ImportError:
        return False


def vector_result(result, n, kind):
    """A vectorized result as a contiguous numpy array of the output kind, or a list (None for missing)."""
    import numpy as np
    if isinstance(result, (str, bytes)) or not hasattr(result, "__len__"):
        raise TypeError("a vectorized UDF must return a sequence of %d values, not %s" % (n, type(result).__name__))
    if len(result) != n:
        raise TypeError("a vectorized UDF returned %d values for %d rows" % (len(result), n))
    if hasattr(result, "to_numpy") and not isinstance(result, np.ndarray):
        result = result.to_numpy()  # nullable pandas dtypes with NA become object arrays (the list path)
    if isinstance(result, np.ndarray):
        if kind == "i" and result.dtype.kind in "iu":
            return np.ascontiguousarray(result, dtype=np.int64)
        if kind == "f" and result.dtype.kind in "iuf":
            return np.ascontiguousarray(result, dtype=np.float64)  # NaN -> NULL in the runtime
    values = result.tolist() if hasattr(result, "tolist") else list(result)
    return [None if _is_missing(v) else v for v in values]


# ------------------------------------------------------------------ table UDFs (§13.4)

def make_frame(columns):
    """A DataFrame from [(name, kind, values, mask)] built by the runtime."""
    import numpy as np
    import pandas as pd
    data = {}
    for name, kind, values, mask in columns:
        if kind == "i":
            data[name] = pd.arrays.IntegerArray(values, mask) if mask is not None else values
        elif kind == "f":
            if mask is not None:
                values = values.copy()
                values[mask] = np.nan
            data[name] = values
        elif kind == "b":
            data[name] = pd.arrays.BooleanArray(values, mask) if mask is not None else values
        elif kind in ("ts", "tstz"):
            s = pd.to_datetime(pd.Series(values, dtype=object))
            if kind == "tstz":
                s = s.dt.tz_localize("UTC") if s.dt.tz is None else s.dt.tz_convert("UTC")
            data[name] = s
        else:
            data[name] = pd.Series(values, dtype=object)
    return pd.DataFrame(data)


def call_table(func, frame, kwargs):
    return func(frame, **kwargs)


def is_frame(obj):
    import pandas as pd
    return isinstance(obj, pd.DataFrame)


def infer_schema(frame):
    out = []
    for name, dtype in frame.dtypes.items():
        kind = getattr(dtype, "kind", "O")
        text = str(dtype)
        if kind in "iu" or text in ("Int64", "Int32", "Int16", "Int8", "UInt64", "UInt32", "UInt16", "UInt8"):
            t = "BIGINT"
        elif kind == "f" or text.startswith("Float"):
            t = "DOUBLE"
        elif kind == "b" or text == "boolean":
            t = "BOOLEAN"
        elif kind == "M" or text.startswith("datetime64"):
            t = "TIMESTAMP"
        else:
            t = "VARCHAR"
        out.append([str(name), t])
    return out


def frame_columns(frame, names, kinds):
    """Output columns: a contiguous numpy array when the column's dtype matches its SQL type exactly
    (kind 'i' BIGINT, 'f' DOUBLE, 'b' BOOLEAN; copied by the runtime without per-value work), else a list
    with None for NaN, NaT and pd.NA and naive UTC datetimes."""
    import numpy as np
    import pandas as pd
    out = []
    for name, kind in zip(names, kinds):
        s = frame[name]
        dtype = s.dtype
        if kind == "i" and dtype.kind in "iu" and isinstance(dtype, np.dtype):
            out.append(np.ascontiguousarray(s.to_numpy(), dtype=np.int64))
            continue
        if kind == "f" and dtype.kind in "iuf" and isinstance(dtype, np.dtype):
            out.append(np.ascontiguousarray(s.to_numpy(), dtype=np.float64))  # NaN -> NULL in the runtime
            continue
        if kind == "b" and dtype == np.bool_:
            out.append(np.ascontiguousarray(s.to_numpy()))
            continue
        if hasattr(s, "dt") and getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_convert("UTC").dt.tz_localize(None)
        values = s.astype(object).tolist()
        out.append([None if _is_missing(v) else (v.to_pydatetime() if isinstance(v, pd.Timestamp) else v)
                    for v in values])
    return out


# ------------------------------------------------------------------ value coercion for the runtime

def coerce(v, kind, scale=0):
    """Normalises a returned value for a DuckDB type the runtime fills from integers; raises when impossible."""
    if kind == "date":
        if isinstance(v, str):
            v = datetime.date.fromisoformat(v.strip()[:10])
        if isinstance(v, datetime.datetime):
            v = v.date()
        if not isinstance(v, datetime.date):
            raise TypeError
        return (v.year, v.month, v.day)
    if kind == "timestamp":
        if isinstance(v, str):
            v = datetime.datetime.fromisoformat(v.strip())
        if hasattr(v, "to_pydatetime"):
            v = v.to_pydatetime()
        if isinstance(v, datetime.datetime):
            if v.tzinfo is not None:
                v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        elif isinstance(v, datetime.date):
            v = datetime.datetime(v.year, v.month, v.day)
        else:
            raise TypeError
        return (v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond)
    if kind == "time":
        if isinstance(v, str):
            v = datetime.time.fromisoformat(v.strip())
        if isinstance(v, datetime.datetime):
            v = v.time()
        if not isinstance(v, datetime.time):
            raise TypeError
        return (v.hour, v.minute, v.second, v.microsecond)
    if kind == "interval":
        if hasattr(v, "to_pytimedelta"):
            v = v.to_pytimedelta()
        if not isinstance(v, datetime.timedelta):
            raise TypeError
        return (0, v.days, v.seconds * 1000000 + v.microseconds)
    if kind == "decimal":
        if isinstance(v, bool) or not isinstance(v, (int, float, str, decimal.Decimal)):
            raise TypeError
        d = decimal.Decimal(str(v).strip() if isinstance(v, str) else v)
        if not d.is_finite():
            raise ValueError
        return str(int((d * (decimal.Decimal(10) ** scale)).to_integral_value(rounding=decimal.ROUND_HALF_UP)))
    if kind == "hugeint":
        if isinstance(v, bool):
            return int(v)
        if isinstance(v, float):
            if not v.is_integer():
                v = round(v)
            return int(v)
        return int(v)
    raise TypeError


def decimal_from_text(text):
    return decimal.Decimal(text)


def vector_arg(values, kind, mask, as_ndarray):
    """One vectorized argument from the runtime: a memoryview of the chunk (i/f/b) or a list (o)."""
    import numpy as np
    if kind == "o":
        if as_ndarray:
            arr = np.empty(len(values), dtype=object)
            arr[:] = values
            return arr
        return make_series(values, kind, None)
    dtype = {"i": np.int64, "f": np.float64, "b": np.bool_}[kind]
    arr = np.frombuffer(values, dtype=dtype).copy()
    m = None if mask is None else np.frombuffer(mask, dtype=np.bool_).copy()
    if as_ndarray:
        if m is None:
            return arr
        out = arr.astype(np.float64) if kind != "f" else arr
        out[m] = np.nan
        return out
    return make_series(arr, kind, m)

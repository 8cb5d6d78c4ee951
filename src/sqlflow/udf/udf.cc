// The Python-free part of the UDF runtime: names, resolution and the engine's function catalog.
#include <algorithm>
#include <map>
#include <set>

#include "sqlflow/common/text.h"
#include "sqlflow/engine/database.h"
#include "sqlflow/udf/runtime_internal.h"
#include "sqlflow/udf/udf.h"

namespace fs = std::filesystem;

namespace sqlflow::udf {

size_t UdfInfo::MinArity() const {
  size_t n = 0;
  for (const auto& p : params)
    if (!p.has_default) ++n;
  return n;
}

std::vector<std::string> UdfInfo::SqlNames() const {
  std::vector<std::string> names{internal_name};
  if (sql_name_registered) names.push_back(name);
  return names;
}

std::string UdfInfo::Signature() const {
  std::vector<std::string> parts;
  for (size_t i = 0; i < params.size(); ++i) {
    const auto& p = params[i];
    if (kind == "table" && i == 0) {
      parts.push_back(p.name + " TABLE");
      continue;
    }
    parts.push_back(p.name + (kind == "table" ? "" : " " + p.type) + (p.has_default ? " = default" : ""));
  }
  std::string out = name + "(" + Join(parts, ", ") + ")";
  if (kind == "scalar") return out + " -> " + return_type;
  if (infer) return out + " -> TABLE (inferred)";
  std::vector<std::string> cols;
  for (const auto& [col, type] : output_schema) cols.push_back(col + " " + type);
  return out + " -> TABLE(" + Join(cols, ", ") + ")";
}

bool ProjectHasUdfFiles(const fs::path& root) {
  std::error_code ec;
  fs::path dir = root / "python_udfs";
  if (!fs::is_directory(dir, ec)) return false;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::string base = it->path().filename().string();
    if (StartsWith(base, "_") || StartsWith(base, ".")) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && it->path().extension() == ".py") return true;
  }
  return false;
}

const UdfInfo* ResolveUdf(const Discovery& discovery, const std::string& name) {
  for (const auto& u : discovery.udfs)
    if (u.full_name == name) return &u;
  for (const auto& u : discovery.udfs)
    if (u.relative_name == name) return &u;
  for (const auto& u : discovery.udfs)
    if (u.internal_name == name || (u.sql_name_registered && EqualsIgnoreCase(u.name, name))) return &u;
  return nullptr;
}

const std::vector<std::string>& EngineFunctionNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    auto db = engine::Database::Open({});
    engine::Connection conn(*db);
    auto result = conn.Query("SELECT DISTINCT lower(function_name) FROM duckdb_functions() ORDER BY 1");
    for (uint64_t r = 0; r < result.row_count(); ++r) out.push_back(result.GetString(0, r));
    return out;
  }();
  return names;
}

namespace internal {

namespace {

// The first declared type DuckDB does not know, if any (checked once at discovery, so that a typo in
// return_type / param_types / output_schema is reported before any data moves).
std::optional<std::string> UnknownType(const UdfInfo& u) {
  static auto db = engine::Database::Open({});
  static engine::Connection conn(*db);
  std::vector<std::string> types;
  if (!u.return_type.empty()) types.push_back(u.return_type);
  for (const auto& p : u.params) types.push_back(p.type);
  for (const auto& [col, type] : u.output_schema) types.push_back(type);
  for (const auto& t : types) {
    if (EqualsIgnoreCase(t, "ANY")) continue;
    if (conn.ParseError("SELECT CAST(NULL AS " + t + ")")) return t;
    try {
      conn.Query("SELECT CAST(NULL AS " + t + ")");
    } catch (const std::exception&) {
      return t;
    }
  }
  return std::nullopt;
}

}  // namespace

void FinishDiscovery(Discovery& discovery) {
  auto& udfs = discovery.udfs;
  for (auto it = udfs.begin(); it != udfs.end();) {
    if (auto bad = UnknownType(*it)) {
      discovery.module_failed = true;
      discovery.warnings.push_back(Diagnostic{Severity::kWarning,
                                              "W701",
                                              it->file + ":" + std::to_string(it->line) + ": UDF '" +
                                                  it->name + "' declares the unknown type '" + *bad +
                                                  "' (UDF skipped)",
                                              {},
                                              {},
                                              {}});
      it = udfs.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& u : udfs) {
    u.full_name = u.module + "." + u.name;
    u.relative_name = StartsWith(u.full_name, "python_udfs.") ? u.full_name.substr(12) : u.full_name;
    u.internal_name = u.full_name;
    for (size_t p = 0; (p = u.internal_name.find('.', p)) != std::string::npos;)
      u.internal_name.replace(p, 1, "__");
  }
  std::sort(udfs.begin(), udfs.end(),
            [](const UdfInfo& a, const UdfInfo& b) { return a.full_name < b.full_name; });
  std::map<std::string, std::vector<UdfInfo*>> by_name;
  for (auto& u : udfs) by_name[ToLower(u.name)].push_back(&u);
  const auto& engine = EngineFunctionNames();
  for (auto& [lower, list] : by_name) {
    bool builtin = std::binary_search(engine.begin(), engine.end(), lower);
    if (list.size() == 1 && !builtin) {
      list.front()->sql_name_registered = true;
      continue;
    }
    std::vector<std::string> modules;
    for (const auto* u : list) modules.push_back(u->module);
    std::string example = list.front()->relative_name;
    std::string message = builtin && list.size() == 1
                              ? "UDF name '" + list.front()->name + "' is also a built-in engine function (" +
                                    modules.front() + "); call it with PYTHON_FUNC('" + example + "', ...)"
                              : "UDF name '" + list.front()->name + "' is defined in several modules (" +
                                    Join(modules, ", ") + "); call it with PYTHON_FUNC('" + example +
                                    "', ...)";
    discovery.warnings.push_back(Diagnostic{Severity::kWarning, "W702", message, {}, {}, {}});
  }
}

}  // namespace internal

}  // namespace sqlflow::udf

#include "sqlflow/connectors/files/file_paths.h"

#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"

namespace sqlflow::connectors {
namespace fs = std::filesystem;

namespace {

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir == ".") return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

bool IsDirectory(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path.empty() ? "." : path, ec);
}

bool IsRegularFile(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

std::vector<std::string> ListDirectory(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir.empty() ? "." : dir, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

void Match(const std::string& dir, const std::vector<std::string>& segments, size_t index,
           std::set<std::string>& out) {
  const std::string& segment = segments[index];
  const bool last = index + 1 == segments.size();
  if (segment == "**") {
    if (last) {
      // A trailing ** selects every file below.
      for (const auto& name : ListDirectory(dir)) {
        if (name.front() == '.') continue;
        const std::string path = JoinPath(dir, name);
        if (IsRegularFile(path)) out.insert(path);
        if (IsDirectory(path)) Match(path, segments, index, out);
      }
      return;
    }
    Match(dir, segments, index + 1, out);  // zero directories
    for (const auto& name : ListDirectory(dir)) {
      if (name.front() == '.') continue;
      const std::string path = JoinPath(dir, name);
      if (IsDirectory(path)) Match(path, segments, index, out);
    }
    return;
  }
  if (!HasGlobChars(segment)) {
    const std::string path = JoinPath(dir, segment);
    if (last) {
      if (IsRegularFile(path)) out.insert(path);
    } else if (IsDirectory(path)) {
      Match(path, segments, index + 1, out);
    }
    return;
  }
  for (const auto& name : ListDirectory(dir)) {
    if (fnmatch(segment.c_str(), name.c_str(), FNM_PERIOD) != 0) continue;
    const std::string path = JoinPath(dir, name);
    if (last) {
      if (IsRegularFile(path)) out.insert(path);
    } else if (IsDirectory(path)) {
      Match(path, segments, index + 1, out);
    }
  }
}

std::string CurrentDirectory() {
  std::error_code ec;
  auto cwd = fs::current_path(ec);
  return ec ? "." : cwd.string();
}

}  // namespace

bool HasGlobChars(std::string_view path) {
  return path.find_first_of("*?[") != std::string_view::npos;
}

std::vector<std::string> GlobFiles(const std::string& pattern) {
  std::vector<std::string> segments;
  std::string base;
  const bool absolute = !pattern.empty() && pattern.front() == '/';
  for (const auto& part : Split(pattern, '/')) {
    if (!part.empty()) segments.push_back(part);
  }
  // The literal prefix before the first segment with glob characters is the directory to start from.
  size_t first_glob = 0;
  while (first_glob < segments.size() && !HasGlobChars(segments[first_glob])) ++first_glob;
  if (first_glob == segments.size()) {
    return IsRegularFile(pattern) ? std::vector<std::string>{pattern} : std::vector<std::string>{};
  }
  base = absolute ? "/" : "";
  for (size_t i = 0; i < first_glob; ++i) base = JoinPath(base, segments[i]);
  std::vector<std::string> rest(segments.begin() + first_glob, segments.end());
  std::set<std::string> matches;
  if (base.empty() || IsDirectory(base)) Match(base, rest, 0, matches);
  return {matches.begin(), matches.end()};
}

std::vector<std::string> ResolveFiles(const std::vector<std::string>& paths, const PathRules& rules) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const std::vector<std::string>& files) {
    for (const auto& file : files) {
      if (seen.insert(file).second) out.push_back(file);
    }
  };
  for (std::string path : paths) {
    if (HasGlobChars(path)) {
      auto files = GlobFiles(path);
      if (files.empty() && !rules.allow_no_files) {
        throw Error(
            ErrorKind::kNotFound, "no files match '" + path + "' (relative to " + CurrentDirectory() + ")",
            "", "check the path parameter (relative to the project root), or set \"allow_no_files\": true");
      }
      add(files);
      continue;
    }
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    if (IsDirectory(path)) {
      std::set<std::string> matches;
      for (const auto& pattern : rules.directory_patterns) {
        auto files = GlobFiles(JoinPath(path, pattern));
        matches.insert(files.begin(), files.end());
      }
      if (matches.empty() && !rules.allow_no_files) {
        throw Error(ErrorKind::kNotFound,
                    rules.kind + " path '" + path + "' is a directory with no " + rules.kind + " files");
      }
      add({matches.begin(), matches.end()});
      continue;
    }
    if (IsRegularFile(path)) {
      add({path});
      continue;
    }
    if (!rules.allow_no_files) {
      std::error_code ec;
      if (fs::exists(path, ec)) {
        throw Error(ErrorKind::kNotFound, rules.kind + " path '" + path + "' is not a regular file");
      }
      throw Error(ErrorKind::kNotFound,
                  "no files match '" + path + "' (relative to " + CurrentDirectory() + ")", "",
                  "check the path parameter (relative to the project root), or set \"allow_no_files\": true");
    }
  }
  return out;
}

std::string FormatExtension(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  std::string lower = ToLower(name);
  for (const char* suffix : {".gz", ".zst", ".gzip", ".zstd"}) {
    if (EndsWith(lower, suffix)) {
      lower = lower.substr(0, lower.size() - std::string_view(suffix).size());
      break;
    }
  }
  auto dot = lower.rfind('.');
  return dot == std::string::npos ? "" : lower.substr(dot);
}

std::string CompressionFromExtension(const std::string& path) {
  std::string lower = ToLower(path);
  if (EndsWith(lower, ".gz") || EndsWith(lower, ".gzip")) return "gzip";
  if (EndsWith(lower, ".zst") || EndsWith(lower, ".zstd")) return "zstd";
  return "";
}

int64_t FileSizeOrZero(const std::string& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(size);
}

}  // namespace sqlflow::connectors

// Atomic replacement of local files and directories (LANGUAGE.md §9.2): data is written to
// `<dir>/.<basename>.sqlflow-tmp-<random>` beside the target, flushed to disk, then renamed over it.
#pragma once

#include <string>

namespace sqlflow::connectors {

// 12 random hex characters.
std::string RandomSuffix();
// `<dir>/.<basename>.sqlflow-tmp-<random>` for a file or directory target (a trailing '/' is ignored).
std::string TempSiblingPath(const std::string& target);
// Creates the parent directories of `target`. Throws Error(kPermissionDenied / kInvalidConfig).
void EnsureParentDirectory(const std::string& target);
// fsync of a file (or directory); throws Error on failure.
void SyncPath(const std::string& path);
// Syncs `temp`, renames it over `target` and syncs the parent directory.
void CommitFile(const std::string& temp, const std::string& target);
// Replaces directory `target` by directory `temp`: renames the old one aside, renames the new one in, then
// deletes the old one. A crash between the renames leaves the old tree under its aside name.
void CommitDirectory(const std::string& temp, const std::string& target);

// Removes a temporary file or directory when it goes out of scope, unless Release()d.
class TempPathGuard {
 public:
  explicit TempPathGuard(std::string path) : path_(std::move(path)) {}
  ~TempPathGuard();
  TempPathGuard(const TempPathGuard&) = delete;
  TempPathGuard& operator=(const TempPathGuard&) = delete;
  const std::string& path() const { return path_; }
  void Release() { released_ = true; }

 private:
  std::string path_;
  bool released_ = false;
};

}  // namespace sqlflow::connectors

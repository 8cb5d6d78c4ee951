#include "sqlflow/connectors/files/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "sqlflow/common/error.h"

namespace sqlflow::connectors {
namespace fs = std::filesystem;

namespace {

ErrorKind KindForErrno(int error) {
  switch (error) {
    case EACCES:
    case EPERM:
    case EROFS:
      return ErrorKind::kPermissionDenied;
    case ENOENT:
    case ENOTDIR:
      return ErrorKind::kNotFound;
    default:
      return ErrorKind::kInternal;
  }
}

[[noreturn]] void ThrowFs(const std::string& what, const std::error_code& ec) {
  throw Error(KindForErrno(ec.value()), what + ": " + ec.message());
}

std::string StripTrailingSlash(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

}  // namespace

std::string RandomSuffix() {
  static thread_local std::mt19937_64 generator{std::random_device{}()};
  static const char* digits = "0123456789abcdef";
  std::string out;
  uint64_t bits = generator();
  for (int i = 0; i < 12; ++i) {
    out += digits[bits & 0xF];
    bits >>= 4;
  }
  return out;
}

std::string TempSiblingPath(const std::string& target) {
  fs::path path(StripTrailingSlash(target));
  fs::path name = "." + path.filename().string() + ".sqlflow-tmp-" + RandomSuffix();
  return (path.parent_path() / name).string();
}

void EnsureParentDirectory(const std::string& target) {
  fs::path parent = fs::path(StripTrailingSlash(target)).parent_path();
  if (parent.empty()) return;
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) ThrowFs("cannot create directory '" + parent.string() + "'", ec);
}

void SyncPath(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw Error(KindForErrno(errno), "cannot open '" + path + "' to flush it: " + std::strerror(errno));
  }
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  // Some file systems refuse fsync on directories; that only weakens durability, not atomicity.
  if (rc != 0 && saved != EINVAL && saved != EBADF) {
    throw Error(KindForErrno(saved), "cannot flush '" + path + "': " + std::strerror(saved));
  }
}

void CommitFile(const std::string& temp, const std::string& target) {
  SyncPath(temp);
  std::error_code ec;
  fs::rename(temp, target, ec);
  if (ec) ThrowFs("cannot rename '" + temp + "' to '" + target + "'", ec);
  fs::path parent = fs::path(target).parent_path();
  SyncPath(parent.empty() ? "." : parent.string());
}

void CommitDirectory(const std::string& temp, const std::string& target_path) {
  const std::string target = StripTrailingSlash(target_path);
  std::error_code ec;
  std::string aside;
  if (fs::exists(target, ec)) {
    fs::path path(target);
    aside =
        (path.parent_path() / ("." + path.filename().string() + ".sqlflow-old-" + RandomSuffix())).string();
    fs::rename(target, aside, ec);
    if (ec) ThrowFs("cannot move '" + target + "' aside", ec);
  }
  fs::rename(temp, target, ec);
  if (ec) {
    std::error_code restore;
    if (!aside.empty()) fs::rename(aside, target, restore);
    ThrowFs("cannot rename '" + temp + "' to '" + target + "'", ec);
  }
  fs::path parent = fs::path(target).parent_path();
  SyncPath(parent.empty() ? "." : parent.string());
  if (!aside.empty()) fs::remove_all(aside, ec);
}

TempPathGuard::~TempPathGuard() {
  if (released_ || path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace sqlflow::connectors

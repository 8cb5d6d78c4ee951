#include "sqlflow/connectors/json/json_depth.h"

#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <memory>
#include <vector>

#include "sqlflow/common/error.h"
#include "sqlflow/common/text.h"

namespace sqlflow::connectors {
namespace {

// Reads a file's decompressed bytes in chunks: gzread reads gzip and plain files alike; .zst goes through
// the zstd streaming decoder.
class ChunkReader {
 public:
  explicit ChunkReader(const std::string& path) : path_(path), zstd_(EndsWith(ToLower(path), ".zst")) {
    if (zstd_) {
      file_ = std::fopen(path.c_str(), "rb");
      stream_ = ZSTD_createDStream();
      if (!file_ || !stream_) Fail();
      ZSTD_initDStream(stream_);
      input_.resize(ZSTD_DStreamInSize());
    } else {
      gz_ = gzopen(path.c_str(), "rb");
      if (!gz_) Fail();
    }
  }
  ~ChunkReader() {
    if (gz_) gzclose(gz_);
    if (file_) std::fclose(file_);
    if (stream_) ZSTD_freeDStream(stream_);
  }
  ChunkReader(const ChunkReader&) = delete;
  ChunkReader& operator=(const ChunkReader&) = delete;

  // Fills `out`; returns the number of bytes, 0 at the end.
  size_t Read(std::vector<char>& out) {
    if (!zstd_) {
      int n = gzread(gz_, out.data(), static_cast<unsigned>(out.size()));
      if (n < 0) Fail();
      return static_cast<size_t>(n);
    }
    ZSTD_outBuffer output{out.data(), out.size(), 0};
    while (output.pos == 0) {
      if (in_.pos == in_.size) {
        size_t n = std::fread(input_.data(), 1, input_.size(), file_);
        if (n == 0) return 0;
        in_ = ZSTD_inBuffer{input_.data(), n, 0};
      }
      size_t status = ZSTD_decompressStream(stream_, &output, &in_);
      if (ZSTD_isError(status))
        throw Error(ErrorKind::kDataError, "cannot decompress " + path_ + ": " + ZSTD_getErrorName(status));
    }
    return output.pos;
  }

 private:
  [[noreturn]] void Fail() { throw Error(ErrorKind::kNotFound, "cannot read JSON file " + path_); }

  std::string path_;
  bool zstd_;
  gzFile gz_ = nullptr;
  std::FILE* file_ = nullptr;
  ZSTD_DStream* stream_ = nullptr;
  std::vector<char> input_;
  ZSTD_inBuffer in_{nullptr, 0, 0};
};

}  // namespace

void CheckJsonDepth(const std::string& path, int max_depth) {
  ChunkReader reader(path);
  std::vector<char> chunk(1 << 16);
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  size_t offset = 0;
  while (size_t n = reader.Read(chunk)) {
    for (size_t i = 0; i < n; ++i) {
      char c = chunk[i];
      if (in_string) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          in_string = false;
        }
        continue;
      }
      if (c == '"') {
        in_string = true;
      } else if (c == '[' || c == '{') {
        if (++depth > max_depth)
          throw Error(
              ErrorKind::kDataError,
              "JSON file " + path + " nests arrays and objects deeper than " + std::to_string(max_depth) +
                  " levels (at byte " + std::to_string(offset + i + 1) + ")",
              "", "flatten the data, or split it into files with shallower records (limits: docs/limits.md)");
      } else if ((c == ']' || c == '}') && depth > 0) {
        --depth;
      }
    }
    offset += n;
  }
}

}  // namespace sqlflow::connectors

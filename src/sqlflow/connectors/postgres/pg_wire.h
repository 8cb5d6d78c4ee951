// Big-endian reads and writes for the binary COPY codec (internal to the postgres connector).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

namespace sqlflow::connectors::pg {

// PostgreSQL counts timestamps and dates from 2000-01-01, DuckDB from 1970-01-01.
constexpr int64_t kPgEpochMicros = 946684800LL * 1000000;
constexpr int32_t kPgEpochDays = 10957;

inline uint16_t ReadU16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return __builtin_bswap16(v);
}
inline int16_t ReadI16(const uint8_t* p) {
  return static_cast<int16_t>(ReadU16(p));
}
inline uint32_t ReadU32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return __builtin_bswap32(v);
}
inline int32_t ReadI32(const uint8_t* p) {
  return static_cast<int32_t>(ReadU32(p));
}
inline int64_t ReadI64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return static_cast<int64_t>(__builtin_bswap64(v));
}

// 10^n for n in [0, 38].
inline __int128 Pow10(int n) {
  static const auto table = [] {
    struct Table {
      __int128 values[39];
    } t{};
    t.values[0] = 1;
    for (int i = 1; i < 39; ++i) t.values[i] = t.values[i - 1] * 10;
    return t;
  }();
  return table.values[n];
}

// A growable output buffer with big-endian writers. Capacity is kept across Clear().
class ByteBuffer {
 public:
  void Clear() { size_ = 0; }
  size_t size() const { return size_; }
  const char* data() const { return data_.data(); }
  void Reserve(size_t extra) {
    if (size_ + extra > data_.size()) data_.resize(std::max(data_.size() * 2, size_ + extra + 4096));
  }
  void PutU16(uint16_t v) {
    Reserve(2);
    v = __builtin_bswap16(v);
    std::memcpy(&data_[size_], &v, 2);
    size_ += 2;
  }
  void PutI16(int16_t v) { PutU16(static_cast<uint16_t>(v)); }
  void PutU32(uint32_t v) {
    Reserve(4);
    v = __builtin_bswap32(v);
    std::memcpy(&data_[size_], &v, 4);
    size_ += 4;
  }
  void PutI32(int32_t v) { PutU32(static_cast<uint32_t>(v)); }
  void PutI64(int64_t v) {
    Reserve(8);
    uint64_t u = __builtin_bswap64(static_cast<uint64_t>(v));
    std::memcpy(&data_[size_], &u, 8);
    size_ += 8;
  }
  void PutBytes(const void* bytes, size_t n) {
    Reserve(n);
    if (n) std::memcpy(&data_[size_], bytes, n);
    size_ += n;
  }
  // A length word to fill in later with PatchLength(position).
  size_t PlaceholderI32() {
    Reserve(4);
    size_ += 4;
    return size_ - 4;
  }
  void PatchLength(size_t position) {
    uint32_t length = __builtin_bswap32(static_cast<uint32_t>(size_ - position - 4));
    std::memcpy(&data_[position], &length, 4);
  }

 private:
  std::string data_;
  size_t size_ = 0;
};

}  // namespace sqlflow::connectors::pg

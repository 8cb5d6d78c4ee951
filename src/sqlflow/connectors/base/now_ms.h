// Milliseconds of the steady clock: the start and elapsed time of a read (ReadStats::elapsed_ms).
#pragma once

#include <chrono>
#include <cstdint>

namespace sqlflow::connectors {

inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace sqlflow::connectors

#include "maskbench/streaming.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>

namespace maskbench {

std::size_t streaming_bytes_for(const std::vector<CacheLevel>& caches) {
  std::size_t largest = 0;
  for (const CacheLevel& c : caches)
    if (c.type != "instruction" && c.size_bytes > 0) largest = std::max(largest, static_cast<std::size_t>(c.size_bytes));
  return largest == 0 ? SIZE_MAX : largest;
}

namespace {
std::atomic<std::size_t>& threshold() {
  static std::atomic<std::size_t> bytes{streaming_bytes_for(host_cpu().caches)};
  return bytes;
}
}  // namespace

std::size_t streaming_store_bytes() { return threshold().load(std::memory_order_relaxed); }

std::size_t set_streaming_store_bytes(std::size_t bytes) { return threshold().exchange(bytes); }

}  // namespace maskbench

#include "maskbench/streaming.hpp"

#include <algorithm>
#include <atomic>
#include <cstdint>

namespace maskbench {

namespace {
// The largest data or unified cache of `caches` whose level `pick` accepts,
// 0 where there is none.
template <class Pick>
std::size_t largest_data_cache(const std::vector<CacheLevel>& caches, Pick&& pick) {
  std::size_t largest = 0;
  for (const CacheLevel& c : caches)
    if (c.type != "instruction" && c.size_bytes > 0 && pick(c.level))
      largest = std::max(largest, static_cast<std::size_t>(c.size_bytes));
  return largest;
}
}  // namespace

std::size_t streaming_bytes_for(const std::vector<CacheLevel>& caches) {
  const std::size_t largest = largest_data_cache(caches, [](int) { return true; });
  return largest == 0 ? SIZE_MAX : largest;
}

std::size_t stream_prefetch_bytes_for(const std::vector<CacheLevel>& caches) {
  return largest_data_cache(caches, [](int level) { return level == 2; });
}

namespace {
// One process-wide value per threshold, from the host's caches until set.
template <std::size_t (*For)(const std::vector<CacheLevel>&)>
std::atomic<std::size_t>& threshold() {
  static std::atomic<std::size_t> bytes{For(host_cpu().caches)};
  return bytes;
}
}  // namespace

std::size_t streaming_store_bytes() { return threshold<streaming_bytes_for>().load(std::memory_order_relaxed); }
std::size_t stream_prefetch_bytes() { return threshold<stream_prefetch_bytes_for>().load(std::memory_order_relaxed); }

std::size_t set_streaming_store_bytes(std::size_t bytes) { return threshold<streaming_bytes_for>().exchange(bytes); }
std::size_t set_stream_prefetch_bytes(std::size_t bytes) { return threshold<stream_prefetch_bytes_for>().exchange(bytes); }

void set_cache_thresholds(const std::vector<CacheLevel>& caches) {
  set_streaming_store_bytes(streaming_bytes_for(caches));
  set_stream_prefetch_bytes(stream_prefetch_bytes_for(caches));
}

}  // namespace maskbench

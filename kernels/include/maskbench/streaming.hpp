#pragma once
// Thresholds a kernel takes from the cache sizes, one per decision:
//
// - When a kernel writes its output with non-temporal stores. A kernel that
//   writes an array once and never reads it back (cond's select and
//   guarded_div) streams it when it is at least streaming_store_bytes(): an
//   output that size cannot stay in the cache anyway, and a streaming store
//   skips reading each line from memory before overwriting it, a third of
//   such a kernel's traffic. Smaller outputs stay in the cache for whatever
//   reads them next.
// - When a kernel that reads many arrays at once prefetches them in
//   software (the task-vector Gram's k + 1 streams, which the hardware
//   prefetcher loses track of): when they are more than
//   stream_prefetch_bytes() in all, i.e. when they cannot all be in L2.
//   From L2 the prefetches only take load slots (the Gram at K = 16 took
//   1.2x the time with them, at 1 MB on the Xeon VM); from beyond it they
//   keep the reads going (0.8-0.9x the time, f16 at K = 16).
#include <cstddef>
#include <vector>

#include "maskbench/cpu.hpp"
#include "maskbench/export.hpp"

namespace maskbench {

// The largest data or unified cache in `caches`; SIZE_MAX (never stream)
// when there is none, since streaming below the cache size would be slower.
MB_API std::size_t streaming_bytes_for(const std::vector<CacheLevel>& caches);

// The level-2 data or unified cache in `caches` (the largest where a level
// lists several); 0 (always prefetch) when there is none, since a prefetch
// missing in memory costs far more than one too many in the cache.
MB_API std::size_t stream_prefetch_bytes_for(const std::vector<CacheLevel>& caches);

// The process's thresholds: the functions above of host_cpu().caches until
// set.
MB_API std::size_t streaming_store_bytes();
MB_API std::size_t stream_prefetch_bytes();

// Set a threshold for the whole process (the tests: 0 to sweep the
// streaming path at small sizes) and return the previous one.
MB_API std::size_t set_streaming_store_bytes(std::size_t bytes);
MB_API std::size_t set_stream_prefetch_bytes(std::size_t bytes);

// Sets every threshold from `caches` (the benchmarks, with caches they
// measured).
MB_API void set_cache_thresholds(const std::vector<CacheLevel>& caches);

}  // namespace maskbench

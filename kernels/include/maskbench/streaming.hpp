#pragma once
// When a kernel writes its output with non-temporal stores. A kernel that
// writes an array once and never reads it back (cond's select and
// guarded_div) streams it when it is at least streaming_store_bytes(): an
// output that size cannot stay in the cache anyway, and a streaming store
// skips reading each line from memory before overwriting it, a third of
// such a kernel's traffic. Smaller outputs stay in the cache for whatever
// reads them next.
#include <cstddef>
#include <vector>

#include "maskbench/cpu.hpp"
#include "maskbench/export.hpp"

namespace maskbench {

// The largest data or unified cache in `caches`; SIZE_MAX (never stream)
// when there is none, since streaming below the cache size would be slower.
MB_API std::size_t streaming_bytes_for(const std::vector<CacheLevel>& caches);

// The process's threshold: streaming_bytes_for(host_cpu().caches) until set.
MB_API std::size_t streaming_store_bytes();

// Sets the threshold for the whole process (the benchmarks, with caches they
// measured; the tests, 0 to sweep the streaming path at small sizes) and
// returns the previous one.
MB_API std::size_t set_streaming_store_bytes(std::size_t bytes);

}  // namespace maskbench

#pragma once
// Cache sizes measured where the CPU will not say (a hypervisor that empties
// CPUID's cache leaves and sysfs): the latency of dependent loads over
// growing working sets, as lmbench's lat_mem_rd, and the sizes where it
// steps up from one plateau to the next.
#include <cstddef>
#include <span>
#include <vector>

#include "maskbench/cpu.hpp"
#include "maskbench/export.hpp"

namespace maskbench {

struct LatencyPoint {
  std::size_t bytes = 0;  // working set
  double ns = 0;          // per dependent load, the fastest of the probe's tries
};

// Chases a random single cycle through every 64-byte line of a working set
// (each load's address comes from the previous load, and no stride or page
// order is left for a prefetcher), on and on along the cycle, at working sets from
// 4 KiB to max_bytes in quarter-octave steps, on memory advised to use huge
// pages so that page walks do not pass for a cache level. 3-6 s at
// max_bytes = 1 GiB. Timing, not a result to assert: callers record it.
MB_API std::vector<LatencyPoint> measure_latency_curve(std::size_t max_bytes);
// The working set the benchmarks and `maskbench info --measure-caches` probe
// up to: memory's plateau must begin before it, or the last cache level is
// not placed. 4x the 260 MiB L3 a Xeon (Emerald Rapids) reports, for a
// machine that gets all of it.
inline constexpr std::size_t kCacheProbeBytes = std::size_t{1} << 30;

// The cache levels a latency curve shows (points in ascending bytes). A
// plateau is an octave of points (4) within 25% of each other; the first is
// L1's, and each next level is the first plateau at least 1.5x slower than
// the current one. The boundary is where the curve rises through the
// geometric mean of the two plateaus (two points in a row, so that one slow
// sample is none): at C for an LRU cache (a cyclic chase over more than C
// bytes misses every load), up to about 1.5C where pseudo-LRU and
// associativity soften the edge. The last plateau is memory; a curve that
// ends while still rising gives no level for that rise. Levels are numbered
// from 1, L1 "data" and the others "unified", 64-byte lines.
MB_API std::vector<CacheLevel> caches_from_curve(std::span<const LatencyPoint> curve);

}  // namespace maskbench

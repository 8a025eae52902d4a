#include "maskbench/cache_probe.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <numeric>
#include <random>

namespace maskbench {
namespace {

constexpr std::size_t kLine = 64;
constexpr std::size_t kMinBytes = 4096;
constexpr std::size_t kHugePage = 2 << 20;
// Dependent loads per timed try: 0.1 ms in L1, 15 ms in memory.
constexpr std::size_t kSteps = 1 << 17;
constexpr int kTries = 3;

// A plateau is a window of this many consecutive points (an octave)...
constexpr std::size_t kWindow = 4;
// ...whose slowest is within this factor of its fastest...
constexpr double kFlat = 1.25;
// ...and the next level's plateau is at least this much slower.
constexpr double kLevelStep = 1.5;

void* volatile g_sink;

// ns per load of `steps` dependent loads from p.
double chase(void* p, std::size_t steps) {
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t s = 0; s < steps; ++s) p = *static_cast<void**>(p);
  const auto stop = std::chrono::steady_clock::now();
  g_sink = p;
  return std::chrono::duration<double, std::nano>(stop - start).count() / static_cast<double>(steps);
}

double median_ns(std::span<const LatencyPoint> c, std::size_t first, std::size_t count) {
  std::vector<double> ns;
  for (std::size_t k = first; k < first + count; ++k) ns.push_back(c[k].ns);
  std::sort(ns.begin(), ns.end());
  return count % 2 == 1 ? ns[count / 2] : (ns[count / 2 - 1] + ns[count / 2]) / 2;
}

// The first flat window at or after `from` whose median is at least
// `at_least`, as {first point, median}; {c.size(), 0} if none.
std::pair<std::size_t, double> next_plateau(std::span<const LatencyPoint> c, std::size_t from, double at_least) {
  for (std::size_t i = from; i + kWindow <= c.size(); ++i) {
    double lo = c[i].ns, hi = c[i].ns;
    for (std::size_t k = i; k < i + kWindow; ++k) {
      lo = std::min(lo, c[k].ns);
      hi = std::max(hi, c[k].ns);
    }
    const double median = median_ns(c, i, kWindow);
    if (hi <= lo * kFlat && median >= at_least) return {i, median};
  }
  return {c.size(), 0.0};
}

// Where the curve rises through `ns` for good between points `from` and
// `to` (the first point at or above it whose successor is too, so that one
// slow sample is no boundary), interpolated on log-log axes.
double crossing(std::span<const LatencyPoint> c, std::size_t from, std::size_t to, double ns) {
  for (std::size_t m = from + 1; m <= to; ++m) {
    if (c[m].ns < ns || (m < to && c[m + 1].ns < ns)) continue;
    const double l0 = std::log(c[m - 1].ns), l1 = std::log(c[m].ns);
    const double t = l1 > l0 ? (std::log(ns) - l0) / (l1 - l0) : 1.0;
    const double b0 = std::log(static_cast<double>(c[m - 1].bytes)), b1 = std::log(static_cast<double>(c[m].bytes));
    return std::exp(b0 + std::clamp(t, 0.0, 1.0) * (b1 - b0));
  }
  return static_cast<double>(c[to].bytes);
}

}  // namespace

std::vector<LatencyPoint> measure_latency_curve(std::size_t max_bytes) {
  max_bytes = std::max(max_bytes, kMinBytes);
  const std::size_t bytes_allocated = (max_bytes + kHugePage - 1) / kHugePage * kHugePage;
  void* memory = std::aligned_alloc(kHugePage, bytes_allocated);
  if (memory == nullptr) return {};
  // A hint: its failure (no transparent huge pages) leaves 4 KiB pages, whose
  // TLB misses then add to the latency of the larger working sets.
  (void)madvise(memory, bytes_allocated, MADV_HUGEPAGE);
  std::memset(memory, 0, bytes_allocated);
  auto* base = static_cast<unsigned char*>(memory);
  std::vector<std::uint32_t> next;
  std::mt19937_64 rng(0x6d61736b62656e63ull);  // the same cycles every run
  std::vector<LatencyPoint> curve;
  for (int q = 0;; ++q) {
    const auto bytes = static_cast<std::size_t>(std::llround(static_cast<double>(kMinBytes) * std::exp2(q / 4.0))) /
                       kLine * kLine;
    if (bytes > max_bytes) break;
    const std::size_t lines = bytes / kLine;
    // Sattolo's shuffle: line i links to line next[i], one cycle through all.
    next.resize(lines);
    std::iota(next.begin(), next.end(), 0u);
    for (std::size_t i = lines - 1; i > 0; --i) std::swap(next[i], next[rng() % i]);
    for (std::size_t i = 0; i < lines; ++i)
      *reinterpret_cast<void**>(base + i * kLine) = base + static_cast<std::size_t>(next[i]) * kLine;
    (void)chase(base, std::min(lines, kSteps));  // the working set into the caches it fits
    double best = std::numeric_limits<double>::infinity();
    for (int t = 0; t < kTries; ++t) best = std::min(best, chase(base, kSteps));
    curve.push_back({bytes, best});
  }
  std::free(memory);
  return curve;
}

std::vector<CacheLevel> caches_from_curve(std::span<const LatencyPoint> curve) {
  std::vector<CacheLevel> levels;
  // The smallest working sets fit L1: its plateau is the curve's first.
  auto [first, level] = next_plateau(curve, 0, 0.0);
  while (first < curve.size()) {
    const auto [next, next_level] = next_plateau(curve, first + 1, level * kLevelStep);
    if (next == curve.size()) break;  // still rising at the end, or flat: no further level
    const double at = crossing(curve, first, next, std::sqrt(level * next_level));
    const int n = static_cast<int>(levels.size()) + 1;
    levels.push_back({n, n == 1 ? "data" : "unified", static_cast<std::int64_t>(std::llround(at)), static_cast<int>(kLine)});
    first = next;
    level = next_level;
  }
  return levels;
}

}  // namespace maskbench

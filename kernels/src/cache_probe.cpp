#include "maskbench/cache_probe.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
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
// ...and the next level's plateau is at least this much slower. Cache levels
// differ by 2.5x or more in every curve measured; a guest whose host maps it
// with small pages sees its L3's latency climb 1.5x over the L3's octaves
// (nested TLB misses: 31 to 47 ns on the Xeon development VM), which a step
// of 1.5 split into two levels.
constexpr double kLevelStep = 1.75;

void* volatile g_sink;

// ns per load of `steps` dependent loads from p; p is left where the chase
// stopped, so that the next chase goes on along the cycle. (Each try had
// started again from the cycle's first line: past 2^17 lines, 8 MiB, the
// tries then revisited the same 8 MiB, cached by the try before, and no
// level larger than that could show.)
double chase(void*& p, std::size_t steps) {
  void* q = p;
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t s = 0; s < steps; ++s) q = *static_cast<void**>(q);
  const auto stop = std::chrono::steady_clock::now();
  g_sink = p = q;
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
  // No memset: linking a working set writes each of its lines, so the pages
  // of the largest sizes are only touched if the probe gets that far.
  (void)madvise(memory, bytes_allocated, MADV_HUGEPAGE);
  auto* base = static_cast<unsigned char*>(memory);
  const auto link = [base](std::size_t line) -> void*& { return *reinterpret_cast<void**>(base + line * kLine); };
  std::mt19937_64 rng(0x6d61736b62656e63ull);  // the same cycles every run
  std::vector<LatencyPoint> curve;
  link(0) = base;  // a cycle of one line
  std::size_t linked = 1;
  for (int q = 0;; ++q) {
    const auto bytes = static_cast<std::size_t>(std::llround(static_cast<double>(kMinBytes) * std::exp2(q / 4.0))) /
                       kLine * kLine;
    if (bytes > max_bytes) break;
    const std::size_t lines = bytes / kLine;
    // The cycle grows by inserting each new line after a uniformly chosen
    // line already in it, which keeps it a uniformly random single cycle
    // through all lines. Each size costs only its new lines, where a shuffle
    // of the whole set per size (Sattolo's) had cost 6x as many random
    // accesses over the sweep: 3 of the probe's 6 s up to 1 GiB.
    for (; linked < lines; ++linked) {
      void*& after = link(rng() % linked);
      link(linked) = after;
      after = base + linked * kLine;
    }
    void* p = base;
    (void)chase(p, std::min(lines, kSteps));  // the working set into the caches it fits
    double best = std::numeric_limits<double>::infinity();
    for (int t = 0; t < kTries; ++t) best = std::min(best, chase(p, kSteps));
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

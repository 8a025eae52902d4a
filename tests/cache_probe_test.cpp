// caches_from_curve (maskbench/cache_probe.hpp) on synthetic latency curves
// with known caches: the timing probe itself is measured, never asserted.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "maskbench/cache_probe.hpp"

namespace maskbench {
namespace {

struct Level {
  double bytes, ns;
};

// A chase over S bytes hits a cache of C bytes in all of its loads up to C
// and, with `lru`, none past it (a cyclic chase thrashes LRU), else in a
// share falling linearly to 0 at 2C (pseudo-LRU and associativity soften the
// edge, as measured curves show); misses go to the next level. Noise: each
// point times exp(N(0, sigma)), seeded. Fully random replacement would leave
// a tail of C / S hits over several octaves, which the finder could split
// into two levels; no measured curve has looked like that.
std::vector<LatencyPoint> model_curve(const std::vector<Level>& caches, double memory_ns, double max_bytes, bool lru,
                                      double sigma, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0.0, sigma);
  std::vector<LatencyPoint> curve;
  for (int q = 0;; ++q) {
    const double s = 4096.0 * std::exp2(q / 4.0);
    if (s > max_bytes) break;
    double ns = memory_ns;
    for (auto it = caches.rbegin(); it != caches.rend(); ++it) {
      const double hit = lru ? (s <= it->bytes ? 1.0 : 0.0) : std::clamp(2.0 - s / it->bytes, 0.0, 1.0);
      ns = hit * it->ns + (1 - hit) * ns;
    }
    curve.push_back({static_cast<std::size_t>(s), ns * std::exp(noise(rng))});
  }
  return curve;
}

std::string describe(const std::vector<LatencyPoint>& curve) {
  std::string s;
  for (const LatencyPoint& p : curve) s += std::to_string(p.bytes) + ":" + std::to_string(p.ns) + " ";
  return s;
}

// Every level found, each within a factor of 2 of the true size (the
// issue's acceptance for a measured size).
void expect_levels(const std::vector<LatencyPoint>& curve, const std::vector<Level>& want, const std::string& what) {
  const std::vector<CacheLevel> got = caches_from_curve(curve);
  ASSERT_EQ(got.size(), want.size()) << what << "\ncurve " << describe(curve);
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].level, static_cast<int>(i) + 1) << what;
    const double ratio = static_cast<double>(got[i].size_bytes) / want[i].bytes;
    EXPECT_TRUE(ratio >= 0.5 && ratio <= 2.0) << what << ": L" << i + 1 << " measured " << got[i].size_bytes
                                              << " bytes for " << want[i].bytes << "\ncurve " << describe(curve);
  }
}

const std::vector<Level> kServer = {{48 << 10, 1.0}, {2 << 20, 4.0}, {32 << 20, 14.0}};
const std::vector<Level> kSmall = {{32 << 10, 1.2}, {1 << 20, 3.5}, {16 << 20, 11.0}};

TEST(CacheProbe, FindsEveryLevelWithinAFactorOf2UnderNoise) {
  for (bool lru : {false, true})
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
      const std::string what = "lru=" + std::to_string(lru) + " seed=" + std::to_string(seed);
      expect_levels(model_curve(kServer, 95.0, 256 << 20, lru, 0.05, seed), kServer, "server " + what);
      expect_levels(model_curve(kSmall, 80.0, 256 << 20, lru, 0.05, seed), kSmall, "small " + what);
    }
}

// A curve that ends before memory's plateau cannot place the last level:
// it is left out rather than guessed.
TEST(CacheProbe, ARiseWithoutAPlateauAfterItIsNoLevel) {
  expect_levels(model_curve(kServer, 95.0, 48 << 20, false, 0.0, 0), {kServer[0], kServer[1]}, "cut at 48 MiB");
}

// A small step (a TLB reach, 20%) is not a cache level, and a flat curve has
// none.
TEST(CacheProbe, SmallStepsAndFlatCurvesAreNoLevels) {
  auto curve = model_curve(kSmall, 80.0, 256 << 20, false, 0.0, 0);
  for (LatencyPoint& p : curve)
    if (p.bytes > (256 << 10)) p.ns *= 1.2;
  expect_levels(curve, kSmall, "TLB step at 256 KiB");
  expect_levels(model_curve({}, 1.0, 256 << 20, false, 0.05, 3), {}, "flat");
  EXPECT_TRUE(caches_from_curve({}).empty());
}

// A guest whose host maps it with 4 KiB pages misses the TLB from a few MiB
// on, and its L3's latency climbs about 1.5x over the L3's octaves (the Xeon
// development VM: 31 ns at 3 MiB, 47 ns at 38 MiB, memory 120 ns past
// 45 MiB). The climb is no level.
TEST(CacheProbe, ALatencyClimbWithinALevelIsNoLevel) {
  const std::vector<Level> xeon = {{48 << 10, 1.7}, {2 << 20, 5.3}, {48 << 20, 31.0}};
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    auto curve = model_curve(xeon, 120.0, 1 << 30, false, 0.03, seed);
    for (LatencyPoint& p : curve) {
      const double octaves = std::log2(static_cast<double>(p.bytes) / (4 << 20));
      p.ns *= std::exp2(0.6 * std::clamp(octaves / 3.0, 0.0, 1.0));  // 1.52x from 4 to 32 MiB
    }
    expect_levels(curve, xeon, "TLB climb, seed=" + std::to_string(seed));
  }
}

}  // namespace
}  // namespace maskbench

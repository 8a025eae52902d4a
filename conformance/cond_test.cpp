// Conformance of the conditional-compute family (maskbench/cond.hpp): every
// implementation against its contracts (contracts/cond.hpp) over every size,
// mask pattern, offset and special value.
#include <cmath>
#include <cstdint>
#include <vector>

#include "contracts/cond.hpp"
#include "maskbench/streaming.hpp"
#include "harness/family.hpp"
#include "harness/scoped_threshold.hpp"

namespace maskbench::conformance {
namespace {

using Cond = FamilyTest<CondKernels>;

struct Params {
  float t = 0.25f, a = 1.5f, b = -0.75f, c = 0.5f, lo = -4.0f, hi = 4.0f;
  std::vector<float> select() const { return {t, a, b, c}; }
};

// Inputs whose comparison with the threshold follows `pattern`, with a few
// special values mixed in where `specials` is set.
std::vector<float> make_input(std::size_t n, Pattern pattern, bool specials, Rng& rng, const Params& p) {
  const std::vector<bool> m = make_pattern(pattern, n, rng);
  const std::vector<float> sp = special_floats();
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    const float mag = std::fabs(random_float(rng, -4, 1));
    x[i] = m[i] ? p.t + mag : p.t - mag;
    if (specials && rng() % 5 == 0) x[i] = sp[rng() % sp.size()];
  }
  return x;
}

TEST_P(Cond, SelectEverySizePatternAndOffset) {
  Rng rng(seed());
  const Params p;
  for (std::size_t n : test_sizes())
    for (Pattern pat : kPatterns) holds<CondSelect>({{n % 16, 0}, p.select(), make_input(n, pat, false, rng, p)}, pattern_name(pat));
}

TEST_P(Cond, SelectOffsetsAndInPlace) {
  Rng rng(seed() + 1);
  const Params p;
  for (std::size_t n = 0; n <= 3 * max_lanes() + 1; ++n)
    for (std::size_t off = 0; off < 16; ++off)
      for (std::size_t in_place : {0, 1}) holds<CondSelect>({{off, in_place}, p.select(), make_input(n, Pattern::random_50, true, rng, p)});
}

// The non-temporal path (its aligned middle, the partial vectors either
// side) at every length, output offset and in place, under the same
// contracts as the cached path.
TEST_P(Cond, SelectAndGuardedDivStreamedAtEveryLengthAndOffset) {
  const ScopedThreshold streamed(set_streaming_store_bytes, 0);
  Rng rng(seed() + 5);
  const Params p;
  for (std::size_t n = 0; n <= 3 * max_lanes() + 1; ++n)
    for (std::size_t off = 0; off < 16; ++off) {
      holds<CondSelect>({{off, off % 3 == 0}, p.select(), make_input(n, Pattern::random_50, true, rng, p)}, "streamed");
      std::vector<float> x = make_input(n, Pattern::random_50, true, rng, p);
      for (std::size_t i = off % 3; i < n; i += 3) x[i] = 0.0f;
      holds<CondGuardedDiv>({{off, off % 2}, {p.a}, x}, "streamed");
    }
}

TEST(Streaming, ThresholdIsTheLargestDataCacheAndNeverWithoutOne) {
  EXPECT_EQ(streaming_bytes_for({}), SIZE_MAX);
  EXPECT_EQ(streaming_bytes_for({{1, "instruction", 64 << 10, 64}}), SIZE_MAX);
  EXPECT_EQ(streaming_bytes_for({{1, "data", 48 << 10, 64}, {1, "instruction", 64 << 10, 64}, {2, "unified", 2 << 20, 64},
                                 {3, "unified", 32 << 20, 64}}),
            std::size_t{32} << 20);
  const std::size_t before = set_streaming_store_bytes(123);
  EXPECT_EQ(streaming_store_bytes(), 123u);
  EXPECT_EQ(set_streaming_store_bytes(before), 123u);
}

TEST(Streaming, PrefetchThresholdIsTheL2AndAlwaysWithoutOne) {
  EXPECT_EQ(stream_prefetch_bytes_for({}), 0u);
  EXPECT_EQ(stream_prefetch_bytes_for({{1, "data", 48 << 10, 64}, {3, "unified", 32 << 20, 64}}), 0u);
  const std::vector<CacheLevel> caches{{1, "data", 48 << 10, 64}, {2, "instruction", 4 << 20, 64}, {2, "unified", 1 << 20, 64},
                                       {3, "unified", 32 << 20, 64}};
  EXPECT_EQ(stream_prefetch_bytes_for(caches), std::size_t{1} << 20);
  const std::size_t stream_before = streaming_store_bytes(), prefetch_before = stream_prefetch_bytes();
  set_cache_thresholds(caches);
  EXPECT_EQ(streaming_store_bytes(), std::size_t{32} << 20);
  EXPECT_EQ(stream_prefetch_bytes(), std::size_t{1} << 20);
  set_streaming_store_bytes(stream_before);
  set_stream_prefetch_bytes(prefetch_before);
}

TEST_P(Cond, SelectSpecialValuesAndThresholds) {
  const auto sp = special_floats();
  for (float t : sp) {
    Params p;
    p.t = t;
    std::vector<float> x = sp;
    for (int rep = 0; rep < 3; ++rep) x.insert(x.end(), sp.rbegin(), sp.rend());
    holds<CondSelect>({{3, 0}, p.select(), x});
  }
}

TEST_P(Cond, GuardedDivEverySizeAndSpecialValues) {
  Rng rng(seed() + 3);
  const Params p;
  for (float a : {1.5f, -0.0f, std::numeric_limits<float>::infinity(), 3.0e38f})
    for (std::size_t n : test_sizes()) {
      std::vector<float> x = make_input(n, Pattern::random_50, true, rng, p);
      for (std::size_t i = 0; i < n; i += 3) x[i] = (i % 2) ? 0.0f : -0.0f;
      holds<CondGuardedDiv>({{(n + 5) % 16, n % 2}, {a}, x});
    }
}

// Masked-off lanes must not raise: an implementation that divides every lane
// and blends afterwards sets FE_DIVBYZERO here (the contract compares the
// exceptions raised with the reference's).
TEST_P(Cond, GuardedDivRaisesNoExceptionForMaskedLanes) {
  Rng rng(seed() + 4);
  for (std::size_t n : test_sizes()) {
    std::vector<float> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = (i % 3 == 0) ? 0.0f : random_float(rng);
    if (n > 2) x[n / 2] = std::numeric_limits<float>::quiet_NaN();
    for (float a : {1.0f, 0.0f}) holds<CondGuardedDiv>({{n % 16, 0}, {a}, x});
  }
}

TEST_P(Cond, MaskedSumEverySizeAndPattern) {
  Rng rng(seed() + 5);
  const Params p;
  for (std::size_t n : test_sizes())
    for (Pattern pat : kPatterns) {
      // Pattern true means inside [lo, hi): shift the values into or out of it.
      const std::vector<bool> m = make_pattern(pat, n, rng);
      std::vector<float> x(n);
      for (std::size_t i = 0; i < n; ++i) {
        const float v = random_float(rng, -6, 1);
        x[i] = m[i] ? v : v + (v > 0 ? 8.0f : -8.0f);
      }
      holds<CondMaskedSum>({{}, {p.lo, p.hi}, x}, pattern_name(pat));
    }
}

TEST_P(Cond, MaskedSumSpecialValuesAndCancellation) {
  Rng rng(seed() + 6);
  const float inf = std::numeric_limits<float>::infinity();
  const auto sp = special_floats();
  for (std::size_t n : test_sizes()) {
    std::vector<float> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = (i % 2 ? 1.0e6f : -1.0e6f) + random_float(rng, -20, 0);
    holds<CondMaskedSum>({{}, {-inf, inf}, x}, "cancellation");
    for (std::size_t i = 0; i < n; ++i) x[i] = sp[(i * 7 + n) % sp.size()];
    for (const auto& [lo, hi] : {std::pair{-inf, inf}, std::pair{-1.0f, 1.0f}, std::pair{0.0f, 0.0f}})
      holds<CondMaskedSum>({{}, {lo, hi}, x}, "special values");
  }
}

// A count past 2^24: beyond that float can no longer count one by one, so
// a kernel that counts in float lanes (the fixed-width levels do) must move
// its counts out to integers before they get there.
TEST_P(Cond, MaskedSumCountsPast2To24) {
  const std::size_t n = (std::size_t{1} << 24) + (std::size_t{1} << 16) + 7;
  std::vector<float> x(n, 1.0f);
  for (std::size_t i = 0; i < n; i += 1001) x[i] = 5.0f;  // outside [lo, hi)
  const Params p;
  holds<CondMaskedSum>({{}, {p.lo, p.hi}, x}, "every element but each 1001st inside");
}

TEST_P(Cond, RandomFuzz) {
  Rng rng(seed() + 7);
  const auto sp = special_floats();
  for (int iter = 0; iter < fuzz_rounds(300) && !HasFatalFailure(); ++iter) {
    const std::size_t n = rng() % 300;
    Params p;
    p.t = rng() % 4 ? random_float(rng) : sp[rng() % sp.size()];
    p.a = random_float(rng);
    p.b = random_float(rng);
    p.c = random_float(rng);
    std::vector<float> x(n);
    for (float& v : x) v = rng() % 8 ? random_float(rng, -30, 30) : sp[rng() % sp.size()];
    const std::string where = fmt::format("fuzz iteration {}", iter);
    holds<CondSelect>({{rng() % 16, rng() % 2}, p.select(), x}, where);
    holds<CondGuardedDiv>({{rng() % 16, rng() % 2}, {p.a}, x}, where);
    holds<CondMaskedSum>({{}, {std::min(p.a, p.b), std::max(p.a, p.b)}, x}, where);
  }
}

MB_INSTANTIATE_FAMILY(Cond, CondKernels);

}  // namespace
}  // namespace maskbench::conformance

// The U test against reference p-values, and its cost on large samples.
// Reference values (computed once, embedded so that no test needs Python):
//  - exact, no ties, and normal approximation: scipy 1.10's
//    mannwhitneyu(x, y, alternative="greater", method="exact" / "asymptotic",
//    use_continuity=True);
//  - exact with ties: the permutation distribution of U by enumerating every
//    split of the pooled sample (itertools.combinations), ties counted half.
// No timing is asserted: ctest's TIMEOUT is the guard for the large case.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "stats.hpp"

namespace maskbench {
namespace {

struct Reference {
  std::vector<double> x, y;
  double p;
  stats::UMethod method;
};

std::vector<double> sequence(int count, int start, int step, int modulus) {
  std::vector<double> out;
  for (int i = 0; i < count; ++i) out.push_back(start + (i * step) % modulus);
  return out;
}

TEST(MannWhitney, MatchesReferenceValues) {
  const Reference cases[] = {
      // exact, no ties (scipy)
      {{19, 22, 16, 29, 24}, {20, 11, 17, 12}, 0.05555555555555555, stats::UMethod::exact},
      {{1.5, 2.5, 3.5}, {0.5, 4.5, 5.5, 6.5}, 0.8857142857142858, stats::UMethod::exact},
      {{6, 7, 8, 9}, {1, 2, 3, 4}, 0.014285714285714285, stats::UMethod::exact},
      // exact, with ties (enumeration)
      {{1, 2, 2, 3}, {1, 2, 2, 3}, 0.6857142857142857, stats::UMethod::exact},
      {{3, 3, 4, 5, 5, 5}, {1, 3, 3, 4, 4}, 0.09956709956709957, stats::UMethod::exact},
      {{5, 1, 4, 4, 2, 9, 8, 8, 7, 3, 6, 6}, {2, 2, 3, 1, 5, 4, 4, 7, 6, 1}, 0.055538888356225814, stats::UMethod::exact},
      // normal approximation, ties (scipy)
      {sequence(25, 0, 7, 13), sequence(30, 0, 5, 11), 0.17765870940234602, stats::UMethod::normal},
      {sequence(30, 0, 5, 11), sequence(25, 0, 7, 13), 0.8267204651365858, stats::UMethod::normal},
      {sequence(1200, 410, 53, 97), sequence(1000, 400, 37, 101), 3.8948947107246927e-10, stats::UMethod::normal},
  };
  for (const Reference& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.x) + " vs " + ::testing::PrintToString(c.y));
    EXPECT_EQ(stats::u_test_method(c.x.size(), c.y.size()), c.method);
    const double p = stats::mann_whitney_greater(c.x, c.y);
    EXPECT_NEAR(p, c.p, 1e-12 + 1e-9 * c.p);
  }
}

TEST(MannWhitney, ExactUpToTwentyASide) {
  EXPECT_EQ(stats::u_test_method(20, 20), stats::UMethod::exact);
  EXPECT_EQ(stats::u_test_method(21, 4), stats::UMethod::normal);
  EXPECT_EQ(stats::u_test_method(4, 21), stats::UMethod::normal);
  EXPECT_STREQ(stats::describe(stats::UMethod::normal), "normal approximation");
}

// A million values a side: counting U pair by pair (10^12 steps) would run
// for hours, past this test's ctest TIMEOUT; ranks take a sort. The seed is
// fixed and printed.
TEST(MannWhitney, AMillionValuesASideTakeASort) {
  constexpr std::uint64_t kSeed = 12;
  std::printf("seed %llu\n", static_cast<unsigned long long>(kSeed));
  std::mt19937_64 rng(kSeed);
  std::normal_distribution<double> noise(100.0, 5.0);
  std::vector<double> x(1'000'000), y(1'000'000);
  for (double& v : x) v = std::round(noise(rng) * 1.01);
  for (double& v : y) v = std::round(noise(rng));
  EXPECT_LT(stats::mann_whitney_greater(x, y), 1e-12);
  EXPECT_GT(stats::mann_whitney_greater(y, x), 1.0 - 1e-12);
  // Slower by 1% with a bootstrap of a million values a side.
  const stats::Interval i = stats::bootstrap_median_ratio(x, y, 0.95);
  EXPECT_LE(i.lo, 1.01);
  EXPECT_GE(i.hi, 1.0);
}

// The constant-time resampled median has the distribution of the median of
// an explicit resample: compare the two by their bootstrap intervals.
TEST(MannWhitney, BootstrapMatchesExplicitResampling) {
  const std::vector<double> x = {12, 12.5, 11.8, 12.2, 12.1, 12.4, 13.0}, y = {10, 10.2, 9.9, 10.1, 10.0, 10.3};
  std::mt19937_64 rng(5);
  std::vector<double> ratios;
  for (int r = 0; r < 20000; ++r) {
    std::vector<double> rx, ry;
    for (std::size_t k = 0; k < x.size(); ++k) rx.push_back(x[rng() % x.size()]);
    for (std::size_t k = 0; k < y.size(); ++k) ry.push_back(y[rng() % y.size()]);
    ratios.push_back(stats::median(rx) / stats::median(ry));
  }
  std::sort(ratios.begin(), ratios.end());
  const stats::Interval i = stats::bootstrap_median_ratio(x, y, 0.9, 20000);
  EXPECT_NEAR(i.lo, ratios[1000], 0.01);
  EXPECT_NEAR(i.hi, ratios[19000], 0.01);
}

}  // namespace
}  // namespace maskbench

#pragma once
// The statistics behind `maskbench gate` and the comparisons: small samples
// (one value per benchmark repetition), no distributional assumptions.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace maskbench::stats {

double median(std::span<const double> v);
// Geometric mean of positive values; 0 for an empty set.
double geomean(std::span<const double> v);

// How mann_whitney_greater computes a p-value for samples of these sizes:
// exact (the permutation distribution of U over mid-ranks, so ties are
// exact too) up to 20 values a side, else the normal approximation with tie
// and continuity corrections. Either way the cost is O(n log n) in the
// values, where counting U pair by pair was O(n^2).
enum class UMethod { exact, normal };
UMethod u_test_method(std::size_t x_size, std::size_t y_size);
const char* describe(UMethod method);  // "exact", "normal approximation"

// One-sided Mann-Whitney U test: the p-value of "values in `x` tend to be
// larger than values in `y`", ties counted half. 1 when a side is empty.
double mann_whitney_greater(std::span<const double> x, std::span<const double> y);

struct Interval {
  double lo = 0, hi = 0;
};
// Percentile bootstrap interval, at `confidence`, of median(x) / median(y):
// both sides resampled with replacement `resamples` times from a fixed seed,
// so the same input always gives the same interval. Each resample's median
// is drawn from its exact distribution in constant time, so the cost is
// O(n log n + resamples), not O(n * resamples).
Interval bootstrap_median_ratio(std::span<const double> x, std::span<const double> y, double confidence,
                                int resamples = 2000, std::uint64_t seed = 0x6d61736b);

// The same for the geometric mean, over pairs i, of median(x_i) / median(y_i):
// each resample redraws every pair's two medians, so the interval carries
// every benchmark's own noise into the mean. Pairs with an empty side are
// left out; an empty interval where none remains.
struct SamplePair {
  std::span<const double> x, y;
};
Interval bootstrap_geomean_ratio(std::span<const SamplePair> pairs, double confidence, int resamples = 1000,
                                 std::uint64_t seed = 0x6d61736b);

}  // namespace maskbench::stats

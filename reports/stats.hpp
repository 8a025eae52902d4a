#pragma once
// The statistics behind `maskbench gate` and the comparisons: small samples
// (one value per benchmark repetition), no distributional assumptions.
#include <cstdint>
#include <span>
#include <vector>

namespace maskbench::stats {

double median(std::span<const double> v);
// Geometric mean of positive values; 0 for an empty set.
double geomean(std::span<const double> v);

// One-sided Mann-Whitney U test: the p-value of "values in `x` tend to be
// larger than values in `y`". Exact (the permutation distribution of U,
// ties counted half) for up to 20 values a side, else the normal
// approximation with continuity and tie corrections. 1 when a side is empty.
double mann_whitney_greater(std::span<const double> x, std::span<const double> y);

struct Interval {
  double lo = 0, hi = 0;
};
// Percentile bootstrap interval, at `confidence`, of median(x) / median(y):
// both sides resampled with replacement `resamples` times from a fixed seed,
// so the same input always gives the same interval.
Interval bootstrap_median_ratio(std::span<const double> x, std::span<const double> y, double confidence,
                                int resamples = 2000, std::uint64_t seed = 0x6d61736b);

}  // namespace maskbench::stats

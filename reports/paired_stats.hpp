#pragma once
// The statistics of the paired gate (`maskbench paired`, paired_rule.hpp has
// the decision built on them): one number per round, the log of the ratio
// current/base of that round's two back-to-back measurements. Pure functions,
// no I/O; O(n log n) in the number of rounds n, so that hundreds of
// benchmarks times hundreds of rounds, and the thousand simulated gates of
// the ctest, cost milliseconds.
//
// Why a signed-rank test: the log ratio of a round is a paired difference,
// so the drift that moves both sides of a round cancels; what remains is
// heavy-tailed (a burst of load hits one side of one round and doubles its
// time). The signed-rank test is exact under the only assumption the
// randomized order of the two sides gives (each difference symmetric about
// the true shift), and uses both the signs (robust) and the sizes
// (informative) of the differences. Why capped ranks: Wilcoxon's scores give
// the largest |difference| the largest weight, so a few bursts against the
// effect sink a clear slowdown (in the simulation, a 10% slowdown at 60
// rounds with 8 base-side bursts scored p = 2e-4, where 52 of 60 rounds
// beyond the threshold are p = 1e-9 by signs alone). Scores are therefore
// min(rank, kRankCap * n): the bulk is ranked as Wilcoxon does, the largest
// half of the differences count as signs. Any score function keeps the test
// exact (the null distribution is that of randomly signed scores); in the
// simulation at T = 5%, 60 rounds, this cap caught 2T slowdowns in 88% of
// the benchmarks (all but the noisiest eighth) where plain Wilcoxon caught
// 79% and a cap at a quarter 87%.
#include <cstddef>
#include <span>
#include <vector>

namespace maskbench::paired_stats {

// Above this many nonzero differences the signed-rank p-value is the normal
// approximation; at or below, the exact null distribution. The
// approximation is conservative in the far tail (the statistic is bounded,
// its tails lighter than normal): for plain Wilcoxon at n = 100 it reports
// 1.5e-5 where the exact p is 1.0e-5, an error the gate can afford; below
// 100 it grows (nearly 5x at n = 30), so there the distribution is computed.
inline constexpr std::size_t kExactMax = 100;

// Ranks above kRankCap * n score kRankCap * n (see signed_rank).
inline constexpr double kRankCap = 0.5;

struct SignedRank {
  double greater = 1.0;  // p-value of "x tends to exceed theta" (one-sided)
  double less = 1.0;     // p-value of "x tends to fall below theta"
  std::size_t n = 0;     // differences used (those equal to theta dropped)
};

// One-sided signed-rank test of x against theta, in both directions, with
// the capped scores above. Differences equal to theta are dropped
// (Wilcoxon's rule); tied magnitudes get mid-ranks. Exact for n <= kExactMax:
// from a table cached per n when there are no ties, else by enumerating the
// doubled mid-ranks. Above: normal approximation with the variance of the
// actual (mid-)ranks, which is the tie correction, and a continuity
// correction of half a rank. Both p-values are 1 for an empty sample.
SignedRank signed_rank(std::span<const double> x, double theta);

// Benjamini-Hochberg step-up adjusted p-values, in the order of p:
// hypothesis i is rejected by the procedure at level q exactly when
// adjusted[i] <= q (adjusted = min over j at or above i's rank of m p_(j) / j).
std::vector<double> benjamini_hochberg(std::span<const double> p);

// The Hodges-Lehmann estimate of the shift: the median of the n(n+1)/2
// Walsh averages (x_i + x_j) / 2, i <= j, found by bisection on a count that
// takes O(n) on the sorted sample, never by listing them. 0 when empty.
double hodges_lehmann(std::span<const double> x);

// One-sided confidence bounds for the shift at confidence 1 - a,
// by inverting signed_rank: the lower bound is the largest theta that the
// "greater" test still rejects at a, so "lower > c" is exactly "greater
// p-value at c <= a" (up to the bisection's precision, 1e-12 relative).
// -infinity (+infinity) where no theta is rejected: too few rounds for a.
double lower_bound(std::span<const double> x, double a);
double upper_bound(std::span<const double> x, double a);

// 1.4826 * the median absolute deviation from the median: the standard
// deviation for normal data, and still the width of the bulk under heavy
// tails and bursts, which a standard deviation would report instead.
double robust_sd(std::span<const double> x);

// z such that P(Z > z) = p for a standard normal Z, p in (0, 1).
double normal_upper_quantile(double p);

// The smallest shift above the null value that a one-sided signed-rank test
// at level `a` detects with probability `power`, for n differences of
// robust standard deviation `sd`: (z_a + z_power) * sd / sqrt(3n / pi), the
// normal-theory sample size of Wilcoxon's test (efficiency 3/pi against the t
// test). +infinity when n rounds cannot reach level a at all (2^-n > a: the
// smallest p-value the exact test can give).
double detectable_shift(double sd, std::size_t n, double a, double power);

}  // namespace maskbench::paired_stats

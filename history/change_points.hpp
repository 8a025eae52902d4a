#pragma once
// Steps in a result history: where a benchmark's rate changed between
// commits, found by binary segmentation with a permutation test.
//
// A segment is tested twice, each test at alpha / 2 (Bonferroni):
//  - on its ranks, the largest two-sample t of an interval against the rest
//    of the segment (so, a Mann-Whitney z; circular binary segmentation,
//    Olshen et al. 2004: a slowdown later fixed is one interval, which a
//    single split compares with a mixture and misses). Its null, the
//    statistic over random orders of 1..n, depends on n alone, so it is
//    drawn once per length;
//  - on its values winsorized at their median +- 2.5 robust deviations, the
//    largest t over the single splits, with the segment's own values
//    permuted, stopped as soon as it cannot reach alpha (Besag and Clifford).
// Why both: benchmark noise is heavy-tailed (one run in twenty on a shared
// machine is 1.1-1.5x slow), and in a t of the raw values such a run
// inflates the variance enough to hide a 5% step (on simulated series a
// plain t found a 5% step in 20% of them, ranks in 80-98%); but ranks ignore
// size, and cannot see a step in the last few commits at all (a 40/3 split
// reaches z = 2.9 at best, below what random middle splits reach), which the
// winsorized values, keeping the size of ordinary differences, do.
// Permutation tests, because they hold their false-alarm rate whatever the
// distribution, and the maximum over intervals or splits then needs no
// separate correction. Once a segment's step is significant, it is placed
// where the squared deviations from each side's median, capped at 3 robust
// deviations, are smallest (so that an outlier beside the step cannot move
// it), and both sides are searched again: binary segmentation, as
// E-divisive means does in Apache Otava and MongoDB's tools (which chose a t
// test over random permutations to be deterministic; here the permutations
// are seeded, so the same series always gives the same answer).
//
// What it cannot see: with n points a split of k against n - k can reach at
// best p = 2 / C(n, k), so a step needs enough commits on both sides. At
// alpha 0.001, a 10% slowdown in the last 5 of 45 commits is found; in the
// last 3, only while no slow outlier run sits among the 40 before (a
// permutation test cannot tell three slow commits at the end from three
// outliers that happened to land there). A step at the newest commit alone
// is the paired gate's to catch, not the history's.
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

namespace maskbench::history {

struct ChangePoint {
  std::size_t at = 0;  // index of the first point after the step
  // exp(median after - median before) of the values, each side bounded by the
  // neighbouring change points: 1.05 is a 5% rise.
  double ratio = 1;
  double p_value = 1;  // of the permutation test that found it
};

struct ChangePointOptions {
  double alpha = 0.001;         // per test; a page of 300 series expects 0.3 false steps at most
  std::size_t min_segment = 3;  // a step needs this many points on each side
  std::size_t permutations = 9999;
  std::uint64_t seed = 1;
};

// Finds the change points of many series, keeping the ranks' null
// distribution per segment length between them (drawing it costs
// permutations x n^2 / 2; a history's series mostly share their lengths).
class ChangePointDetector {
 public:
  explicit ChangePointDetector(ChangePointOptions options = {});  // throws std::invalid_argument
  // The change points of `log_values` (a series in commit order, the
  // logarithm of a rate per commit), in order of position. Non-finite
  // values are not allowed (the caller leaves out what it could not measure).
  std::vector<ChangePoint> find(std::span<const double> log_values);
  const ChangePointOptions& options() const { return o_; }

 private:
  const std::vector<double>& rank_null(std::size_t n);
  // Intervals (O(n^2) a statistic) up to kCircularUpTo values, single splits
  // (O(n)) beyond: a history of 1000 commits would otherwise cost 5e9
  // operations per segment length for the ranks' null. A reverted step in a
  // longer segment is still found once a split has cut it short enough.
  static constexpr std::size_t kCircularUpTo = 200;
  static bool circular(std::size_t n) { return n <= kCircularUpTo; }
  ChangePointOptions o_;
  std::map<std::size_t, std::vector<double>> rank_null_;  // length -> sorted statistics of random orders
};

// One series with a detector of its own.
std::vector<ChangePoint> change_points(std::span<const double> log_values, const ChangePointOptions& options = {});

}  // namespace maskbench::history

#pragma once
// The regression test behind `maskbench gate`, per benchmark present on both
// sides, on the CPU time per iteration of every repetition (wall time would
// count the time a benchmark spent descheduled, which on a shared machine is
// often several times the work itself):
//
//   ratio    = median(current) / median(baseline)  (> 1: slower)
//   interval = percentile bootstrap interval of that ratio at 1 - alpha
//   p        = one-sided Mann-Whitney U p-value that current is slower than
//              the baseline scaled by (1 + threshold)
//
// A benchmark regressed when ratio > 1 + threshold, p < alpha, and its best
// repetition is also slower than the baseline's best by more than the
// threshold. The test is against the threshold, not against "no change", so
// a benchmark that is consistently but only slightly slower does not fail the
// gate; and the best-repetition condition separates a slower program, which
// slows every repetition, from interference on a shared machine, which slows
// some and leaves the best one near the baseline. Improvements are the mirror
// image. Mann-Whitney needs no normality and is exact up to 20 repetitions a
// side (stats.hpp; the normal approximation above, and the output says which); with
// r repetitions a side its smallest p-value is 1 / C(2r, r), so at least 4
// repetitions (p >= 0.014) are needed for alpha = 0.05; benchmarks with fewer
// are reported as untested.
#include <string>
#include <vector>

#include "results.hpp"
#include "stats.hpp"

namespace maskbench::regression {

inline constexpr std::size_t kMinRepetitions = 4;

enum class Verdict { unchanged, regression, improvement, untested };

struct Comparison {
  std::string name;
  std::size_t baseline_reps = 0, current_reps = 0;
  double ratio = 1.0;
  stats::Interval interval;
  double p_value = 1.0;  // for the direction the ratio points to
  stats::UMethod p_method = stats::UMethod::exact;
  Verdict verdict = Verdict::unchanged;
};

struct Options {
  double threshold = 0.05;
  double alpha = 0.05;
};

struct GateResult {
  std::vector<Comparison> compared;            // every benchmark run on both sides
  std::vector<std::string> only_in_baseline;   // names, incl. those skipped in current
  std::vector<std::string> only_in_current;
  // Benchmarks that lost repetitions as under-iterated (schema.hpp): each
  // "<name> (<k> baseline and <l> current repetitions)".
  std::vector<std::string> under_iterated;
  std::vector<std::string> failing_implementations;  // in CURRENT, with the first failing case
  bool failed() const;
};

// Throws results::ResultsError when the two directories share no benchmark.
GateResult gate(const results::ResultsDir& baseline, const results::ResultsDir& current, const Options& options);

Comparison compare_samples(const std::string& name, const std::vector<double>& baseline,
                           const std::vector<double>& current, const Options& options);

}  // namespace maskbench::regression

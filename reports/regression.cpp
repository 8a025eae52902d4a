#include "regression.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

namespace maskbench::regression {
namespace {

std::vector<double> scaled(const std::vector<double>& v, double factor) {
  std::vector<double> out(v);
  for (double& x : out) x *= factor;
  return out;
}

std::map<std::string, const results::Benchmark*> measured(const results::ResultsDir& r) {
  std::map<std::string, const results::Benchmark*> out;
  for (const results::Benchmark& b : r.benchmarks)
    if (!b.skipped && (!b.cpu_time_ns.empty() || b.under_iterated > 0)) out[b.name] = &b;
  return out;
}

}  // namespace

bool GateResult::failed() const {
  return !failing_implementations.empty() ||
         std::any_of(compared.begin(), compared.end(), [](const Comparison& c) { return c.verdict == Verdict::regression; });
}

Comparison compare_samples(const std::string& name, const std::vector<double>& baseline,
                           const std::vector<double>& current, const Options& options) {
  Comparison c;
  c.name = name;
  c.baseline_reps = baseline.size();
  c.current_reps = current.size();
  if (baseline.empty() || current.empty()) {  // every repetition under-iterated
    c.verdict = Verdict::untested;
    return c;
  }
  const double base_median = stats::median(baseline);
  c.ratio = base_median > 0 ? stats::median(current) / base_median : 1.0;
  c.interval = stats::bootstrap_median_ratio(current, baseline, 1.0 - options.alpha);
  if (baseline.size() < kMinRepetitions || current.size() < kMinRepetitions) {
    c.verdict = Verdict::untested;
    return c;
  }
  const double limit = 1.0 + options.threshold;
  const double best_ratio = *std::min_element(current.begin(), current.end()) / *std::min_element(baseline.begin(), baseline.end());
  c.p_method = stats::u_test_method(current.size(), baseline.size());
  if (c.ratio >= 1.0) {
    c.p_value = stats::mann_whitney_greater(current, scaled(baseline, limit));
    if (c.ratio > limit && best_ratio > limit && c.p_value < options.alpha) c.verdict = Verdict::regression;
  } else {
    c.p_value = stats::mann_whitney_greater(baseline, scaled(current, limit));
    if (c.ratio < 1.0 / limit && best_ratio < 1.0 / limit && c.p_value < options.alpha) c.verdict = Verdict::improvement;
  }
  return c;
}

GateResult gate(const results::ResultsDir& baseline, const results::ResultsDir& current, const Options& options) {
  GateResult g;
  const auto base = measured(baseline), cur = measured(current);
  for (const auto& [name, b] : base) {
    const auto it = cur.find(name);
    if (it == cur.end())
      g.only_in_baseline.push_back(name);
    else
      g.compared.push_back(compare_samples(name, b->cpu_time_ns, it->second->cpu_time_ns, options));
    if (it != cur.end() && (b->under_iterated > 0 || it->second->under_iterated > 0))
      g.under_iterated.push_back(fmt::format("{} ({} baseline and {} current repetitions)", name, b->under_iterated,
                                             it->second->under_iterated));
  }
  for (const auto& [name, b] : cur)
    if (!base.contains(name)) g.only_in_current.push_back(name);
  if (g.compared.empty())
    throw results::ResultsError(fmt::format(
        "{}/bench.json and {}/bench.json have no measured benchmark in common ({} and {} benchmarks): nothing to gate",
        baseline.path.string(), current.path.string(), base.size(), cur.size()));
  if (std::all_of(g.compared.begin(), g.compared.end(), [](const Comparison& c) { return c.verdict == Verdict::untested; }))
    throw results::ResultsError(fmt::format(
        "{}/bench.json and {}/bench.json: no benchmark has {} or more repetitions on both sides, so none can be tested "
        "(run without --quick, or with --benchmark_repetitions={} or more)",
        baseline.path.string(), current.path.string(), kMinRepetitions, kMinRepetitions));
  std::set<std::string> seen;
  for (const results::TestOutcome& t : current.tests)
    if (t.status == "fail" && seen.insert(t.implementation).second) {
      g.failing_implementations.push_back(fmt::format("{} fails {}: {}", t.implementation, t.kernel_test, t.message));
    }
  return g;
}

}  // namespace maskbench::regression

#include "paired_rule.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "paired_stats.hpp"

namespace maskbench::paired {
namespace {

Test test_against(std::span<const double> log_ratios, double tolerance) {
  Test t;
  t.null_log = std::log1p(tolerance);
  const paired_stats::SignedRank r = paired_stats::signed_rank(log_ratios, t.null_log);
  t.n = log_ratios.size();
  t.p_greater = r.greater;
  t.p_less = r.less;
  return t;
}

// The interquartile mean: the mean of the middle half (both quartiles cut
// off, the values at a cut counted in part), robust to the member that a
// burst or a heavy tail threw out in this round.
double interquartile_mean(std::vector<double>& v) {
  std::sort(v.begin(), v.end());
  const double n = static_cast<double>(v.size()), lo = 0.25 * n, hi = 0.75 * n;
  double sum = 0.0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const double from = std::max(lo, static_cast<double>(i)), to = std::min(hi, static_cast<double>(i + 1));
    if (to > from) sum += (to - from) * v[i];
  }
  return sum / (hi - lo);
}

// Per family, per round holding at least kFamilyRoundCoverage of its
// members: the interquartile mean of their log ratios.
std::vector<FamilyTest> family_means(std::span<const Pairs> benchmarks) {
  std::map<std::string, std::vector<std::size_t>> members;
  for (std::size_t i = 0; i < benchmarks.size(); ++i)
    if (!benchmarks[i].log_ratios.empty()) members[benchmarks[i].family].push_back(i);
  std::vector<FamilyTest> out;
  for (const auto& [family, indices] : members) {
    FamilyTest f;
    f.family = family;
    f.members = indices.size();
    f.tested = f.members >= kMinFamilySize;
    std::vector<std::pair<long long, double>> by_round;
    for (std::size_t i : indices)
      for (std::size_t r = 0; r < benchmarks[i].rounds.size(); ++r)
        by_round.emplace_back(benchmarks[i].rounds[r], benchmarks[i].log_ratios[r]);
    std::sort(by_round.begin(), by_round.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<double> round_values;
    for (std::size_t a = 0; a < by_round.size();) {
      round_values.clear();
      std::size_t b = a;
      for (; b < by_round.size() && by_round[b].first == by_round[a].first; ++b) round_values.push_back(by_round[b].second);
      if (static_cast<double>(round_values.size()) >= kFamilyRoundCoverage * static_cast<double>(f.members))
        f.means.push_back(interquartile_mean(round_values));
      a = b;
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::regression: return "regression";
    case Verdict::no_regression: return "no-regression";
    case Verdict::undecided: break;
  }
  return "undecided";
}

bool Decision::regression() const {
  const auto regressed = [](const Test& t) { return t.verdict == Verdict::regression; };
  return std::any_of(benchmarks.begin(), benchmarks.end(), regressed) ||
         std::any_of(families.begin(), families.end(), [&](const FamilyTest& f) { return regressed(f.test); });
}

Decision decide(std::span<const Pairs> benchmarks, const Rule& rule) {
  Decision d;
  d.level = rule.look_alpha();
  d.benchmarks.reserve(benchmarks.size());
  for (const Pairs& b : benchmarks) d.benchmarks.push_back(test_against(b.log_ratios, rule.threshold));
  d.families = family_means(benchmarks);
  for (FamilyTest& f : d.families)
    if (f.tested) f.test = test_against(f.means, rule.family_tolerance());

  // Benjamini-Hochberg over every hypothesis with data: the benchmarks, then
  // the families.
  std::vector<Test*> tested;
  for (Test& t : d.benchmarks)
    if (t.n > 0) tested.push_back(&t);
  for (FamilyTest& f : d.families)
    if (f.tested) tested.push_back(&f.test);
  std::vector<double> p(tested.size());
  std::transform(tested.begin(), tested.end(), p.begin(), [](const Test* t) { return t->p_greater; });
  const std::vector<double> adjusted = paired_stats::benjamini_hochberg(p);
  d.hypotheses = tested.size();
  for (std::size_t i = 0; i < tested.size(); ++i) {
    Test& t = *tested[i];
    t.p_adjusted = adjusted[i];
    t.verdict = t.p_adjusted <= d.level ? Verdict::regression
                : t.p_less <= d.level ? Verdict::no_regression
                                      : Verdict::undecided;
  }
  return d;
}

}  // namespace maskbench::paired

#include "change_points.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace maskbench::history {
namespace {

// The part of a segment that differs most from the rest: values [begin, end)
// against the values outside, both ends of the segment included.
struct Interval {
  std::size_t begin = 0, end = 0;
  double t = 0;  // |t| of inside against outside
};

double median(std::span<const double> x) {
  std::vector<double> v(x.begin(), x.end());
  const std::size_t h = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h), v.end());
  if (v.size() % 2 == 1) return v[h];
  return (v[h] + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h))) / 2;
}

// Mid-ranks, 1-based (tied values share their mean rank).
std::vector<double> ranks(std::span<const double> x) {
  std::vector<std::size_t> order(x.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> r(x.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && x[order[j + 1]] == x[order[i]]) ++j;
    for (std::size_t k = i; k <= j; ++k) r[order[k]] = static_cast<double>(i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

// The segment's values clipped to its median +- 2.5 robust standard
// deviations (1.4826 MAD). The clipping depends on the values, not on their
// order, so a permutation test of it stays exact.
std::vector<double> winsorized(std::span<const double> x) {
  const double m = median(x);
  std::vector<double> dev(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) dev[i] = std::abs(x[i] - m);
  const double reach = 2.5 * 1.4826 * median(dev);
  std::vector<double> out(x.begin(), x.end());
  if (reach > 0)
    for (double& v : out) v = std::clamp(v, m - reach, m + reach);
  return out;
}

// Where a step found significant lies: the split with the smallest sum of
// squared deviations from each side's median, each capped at (3 sigma)^2,
// sigma the robust spread of successive differences (which the step itself
// barely moves). The cap makes an outlier cost the same on either side, so
// the bulk of the values places the step; the statistic's own argmax, or
// absolute deviations, move it by a commit or two when an outlier sits
// beside the step.
std::size_t locate(std::span<const double> x, std::size_t min_segment) {
  std::vector<double> diffs;
  for (std::size_t i = 1; i < x.size(); ++i) diffs.push_back(std::abs(x[i] - x[i - 1]));
  const double sigma = 1.4826 * median(diffs) / std::sqrt(2.0);
  const double cap = sigma > 0 ? 9 * sigma * sigma : INFINITY;
  const auto cost = [cap](std::span<const double> s) {
    const double m = median(s);
    double c = 0;
    for (const double v : s) c += std::min((v - m) * (v - m), cap);
    return c;
  };
  std::size_t best = min_segment;
  double best_cost = INFINITY;
  for (std::size_t k = min_segment; k + min_segment <= x.size(); ++k)
    if (const double c = cost(x.first(k)) + cost(x.subspan(k)); c < best_cost) {
      best_cost = c;
      best = k;
    }
  return best;
}

// The largest |t| of an interval against the rest of the segment, over the
// intervals leaving min_segment values inside and outside (pooled variance):
// circular binary segmentation's statistic, which sees a step that was
// reverted later (a slowdown, then its fix), where one split compares the
// slow middle with a mixture and loses it. An interval touching an end is a
// single step. Values are centred first so that the sums of squares do not
// cancel.
// Without `circular`, only the intervals starting at the segment's start: the
// single splits, O(n).
Interval best_interval(std::span<const double> x, std::size_t min_segment, bool circular) {
  const std::size_t n = x.size();
  double mean = 0;
  for (const double v : x) mean += v;
  mean /= static_cast<double>(n);
  std::vector<double> sum(n + 1, 0.0), sq(n + 1, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    sum[i + 1] = sum[i] + (x[i] - mean);
    sq[i + 1] = sq[i] + (x[i] - mean) * (x[i] - mean);
  }
  // A segment with no spread at all would give t = inf everywhere: the floor
  // keeps the statistic finite and comparable across permutations.
  const double floor = 1e-24 * (1 + sq[n]);
  Interval best;
  for (std::size_t i = 0; i + min_segment <= n && (circular || i == 0); ++i)
    for (std::size_t j = i + min_segment; j <= n; ++j) {
      const std::size_t k = j - i;
      if (n - k < min_segment) break;
      const double ni = static_cast<double>(k), no = static_cast<double>(n - k);
      const double si = sum[j] - sum[i], qi = sq[j] - sq[i];
      const double mi = si / ni, mo = (sum[n] - si) / no;
      const double ss = std::max(0.0, qi - ni * mi * mi) + std::max(0.0, (sq[n] - qi) - no * mo * mo);
      const double var = std::max(ss / static_cast<double>(n - 2), floor);
      const double t = std::abs(mi - mo) / std::sqrt(var * (1 / ni + 1 / no));
      if (t > best.t) best = {i, j, t};
    }
  return best;
}

// splitmix64: a small, well-mixed generator, so the permutations depend on the
// seed alone.
std::uint64_t next(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// The permutation p-value of the observed statistic, stopped as soon as it
// cannot reach alpha (Besag and Clifford's sequential test): a segment with no
// step is dismissed after a few dozen permutations.
double permutation_p(std::span<const double> r, double observed, double alpha, const ChangePointOptions& o,
                     std::uint64_t seed, bool circular) {
  std::vector<double> y(r.begin(), r.end());
  const double limit = alpha * static_cast<double>(o.permutations + 1) - 1;
  std::size_t exceed = 0;
  std::uint64_t state = seed;
  for (std::size_t p = 0; p < o.permutations; ++p) {
    for (std::size_t i = y.size() - 1; i > 0; --i) std::swap(y[i], y[next(state) % (i + 1)]);
    // A relative tolerance, so that a permutation reproducing the observed
    // arrangement counts as at least as extreme despite rounding.
    if (best_interval(y, o.min_segment, circular).t >= observed * (1 - 1e-12)) ++exceed;
    if (static_cast<double>(exceed) > limit) return static_cast<double>(exceed + 1) / static_cast<double>(p + 2);
  }
  return static_cast<double>(exceed + 1) / static_cast<double>(o.permutations + 1);
}

}  // namespace

ChangePointDetector::ChangePointDetector(ChangePointOptions options) : o_(options) {
  if (o_.min_segment < 2 || !(o_.alpha > 0 && o_.alpha < 1) || o_.permutations < 1)
    throw std::invalid_argument("change_points: min_segment >= 2, 0 < alpha < 1 and permutations >= 1");
}

const std::vector<double>& ChangePointDetector::rank_null(std::size_t n) {
  auto [it, fresh] = rank_null_.try_emplace(n);
  if (!fresh) return it->second;
  std::vector<double> r(n);
  for (std::size_t i = 0; i < n; ++i) r[i] = static_cast<double>(i + 1);
  std::uint64_t state = o_.seed ^ (n * 0x9e3779b97f4a7c15ULL);
  it->second.reserve(o_.permutations);
  for (std::size_t p = 0; p < o_.permutations; ++p) {
    for (std::size_t i = n - 1; i > 0; --i) std::swap(r[i], r[next(state) % (i + 1)]);
    it->second.push_back(best_interval(r, o_.min_segment, circular(n)).t);
  }
  std::sort(it->second.begin(), it->second.end());
  return it->second;
}

std::vector<ChangePoint> ChangePointDetector::find(std::span<const double> x) {
  for (const double v : x)
    if (!std::isfinite(v)) throw std::invalid_argument("change_points: the series holds a non-finite value");
  std::vector<ChangePoint> found;
  std::vector<std::pair<std::size_t, std::size_t>> todo{{0, x.size()}};
  while (!todo.empty()) {
    const auto [a, b] = todo.back();
    todo.pop_back();
    if (b - a < 2 * o_.min_segment) continue;
    const std::span<const double> seg = x.subspan(a, b - a);
    // Two tests, each at alpha / 2 (Bonferroni). The ranks' null depends on
    // the length alone (ties aside), so it is drawn once per length; the
    // winsorized values are permuted with a seed of the segment, not of the
    // order segments are visited.
    double p = 1;
    if (const Interval iv = best_interval(ranks(seg), o_.min_segment, circular(seg.size())); iv.t > 0) {
      const std::vector<double>& null = rank_null(seg.size());
      const auto beyond = null.end() - std::lower_bound(null.begin(), null.end(), iv.t * (1 - 1e-12));
      p = 2 * static_cast<double>(beyond + 1) / static_cast<double>(o_.permutations + 1);
    }
    const std::vector<double> w = winsorized(seg);
    if (const Interval iv = best_interval(w, o_.min_segment, false); iv.t > 0 && p > o_.alpha)
      p = std::min(p, 2 * permutation_p(w, iv.t, o_.alpha / 2, o_, o_.seed ^ (a * 0x100000001b3ULL + b), false));
    if (p > o_.alpha) continue;
    // One cut, placed by the robust cost; a reverted step's second edge is
    // then a plain step in one of the two sides, tested like any other.
    const std::size_t at = a + locate(seg, o_.min_segment);
    found.push_back({at, 1, p});
    todo.emplace_back(a, at);
    todo.emplace_back(at, b);
  }
  std::sort(found.begin(), found.end(), [](const ChangePoint& l, const ChangePoint& r) { return l.at < r.at; });
  for (std::size_t i = 0; i < found.size(); ++i) {
    const std::size_t lo = i == 0 ? 0 : found[i - 1].at, hi = i + 1 == found.size() ? x.size() : found[i + 1].at;
    found[i].ratio = std::exp(median(x.subspan(found[i].at, hi - found[i].at)) - median(x.subspan(lo, found[i].at - lo)));
  }
  return found;
}

std::vector<ChangePoint> change_points(std::span<const double> x, const ChangePointOptions& options) {
  return ChangePointDetector(options).find(x);
}

}  // namespace maskbench::history

#include "stats.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <utility>

namespace maskbench::stats {
namespace {

// Beyond this many values on a side the exact distribution is replaced by the
// normal approximation. scipy's mannwhitneyu (method "auto") is exact only
// when a side has at most 8 values and nothing is tied, because its exact
// distribution ignores ties; this one enumerates mid-ranks, so ties stay exact,
// and its cost, O(N^3 m) for N values in all, is bounded by the limit (about
// a million steps at 20 a side). 20 keeps Google Benchmark's usual 5 to 15
// repetitions exact.
constexpr std::size_t kExactLimit = 20;

// The pooled sample's mid-ranks, doubled so that they are integers, from one
// sort: the statistic, the tie correction and the exact distribution all
// come from them.
struct Ranks {
  std::vector<std::int64_t> rank2;  // per pooled value, in ascending order of value
  std::int64_t x_rank2_sum = 0;
  double ties = 0;  // sum over groups of tied values of t^3 - t
};

Ranks rank(std::span<const double> x, std::span<const double> y) {
  std::vector<std::pair<double, bool>> all;  // value, from x
  all.reserve(x.size() + y.size());
  for (double v : x) all.emplace_back(v, true);
  for (double v : y) all.emplace_back(v, false);
  std::sort(all.begin(), all.end());
  Ranks r;
  r.rank2.resize(all.size());
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    const auto mid2 = static_cast<std::int64_t>(i + j + 1);
    for (std::size_t k = i; k < j; ++k) {
      r.rank2[k] = mid2;
      if (all[k].second) r.x_rank2_sum += mid2;
    }
    const double t = static_cast<double>(j - i);
    r.ties += t * t * t - t;
    i = j;
  }
  return r;
}

// Exact P(2U >= u2) under H0: the distribution of the doubled rank sum of m
// values drawn from the pooled mid-ranks, by dynamic programming.
double exact_upper_tail(const Ranks& r, std::size_t m, std::int64_t u2) {
  const std::size_t n = r.rank2.size();
  const auto max_sum = static_cast<std::size_t>(n * (n + 1));
  // ways[k][s]: number of k-subsets of the ranks seen so far with doubled rank sum s.
  std::vector<std::vector<double>> ways(m + 1, std::vector<double>(max_sum + 1, 0.0));
  ways[0][0] = 1.0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto step = static_cast<std::size_t>(r.rank2[i]);
    for (std::size_t k = std::min(m, i + 1); k >= 1; --k)
      for (std::size_t s = max_sum; s >= step; --s) ways[k][s] += ways[k - 1][s - step];
  }
  // 2U = R2 - m(m+1), with R2 the doubled rank sum of x.
  const auto threshold = u2 + static_cast<std::int64_t>(m * (m + 1));
  double tail = 0.0, total = 0.0;
  for (std::size_t s = 0; s <= max_sum; ++s) {
    total += ways[m][s];
    if (static_cast<std::int64_t>(s) >= threshold) tail += ways[m][s];
  }
  return total > 0 ? tail / total : 1.0;
}

// Normal approximation with the tie correction of the variance and the
// continuity correction, as scipy's mannwhitneyu computes it.
double normal_upper_tail(const Ranks& r, std::size_t x_size, std::size_t y_size, double u) {
  const double m = static_cast<double>(x_size), n = static_cast<double>(y_size), N = m + n;
  const double mean = m * n / 2.0;
  const double var = m * n / 12.0 * ((N + 1) - r.ties / (N * (N - 1)));
  if (var <= 0) return u > mean ? 0.0 : 1.0;
  const double z = (u - mean - 0.5) / std::sqrt(var);
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

// The median of v, reordering v: linear time.
double median_in_place(std::vector<double>& v) {
  if (v.empty()) return 0.0;
  const std::size_t m = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(m), v.end());
  if (v.size() % 2) return v[m];
  return 0.5 * (*std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(m)) + v[m]);
}

double beta(std::mt19937_64& rng, double a, double b) {
  const double g = std::gamma_distribution<double>(a)(rng), h = std::gamma_distribution<double>(b)(rng);
  return g / (g + h);
}

// The median of a resample with replacement of n sorted values, in constant
// time instead of drawing n indices: the median depends only on the middle
// order statistics of the drawn indices, and the j-th smallest of n uniform
// indices is floor(n U(j)) with U(j) ~ Beta(j, n - j + 1); the next one is
// U(j) plus (1 - U(j)) times the least of the n - j uniforms above it.
double resampled_median(std::span<const double> sorted, std::mt19937_64& rng) {
  const std::size_t n = sorted.size(), j = (n + 1) / 2;  // 1-based
  const double nd = static_cast<double>(n);
  const auto at = [&](double u) { return sorted[std::min(n - 1, static_cast<std::size_t>(nd * u))]; };
  const double u = beta(rng, static_cast<double>(j), static_cast<double>(n - j + 1));
  if (n % 2) return at(u);
  return 0.5 * (at(u) + at(u + (1 - u) * beta(rng, 1.0, static_cast<double>(n - j))));
}

}  // namespace

const char* describe(UMethod method) { return method == UMethod::exact ? "exact" : "normal approximation"; }

UMethod u_test_method(std::size_t x_size, std::size_t y_size) {
  return x_size <= kExactLimit && y_size <= kExactLimit ? UMethod::exact : UMethod::normal;
}

double median(std::span<const double> v) {
  std::vector<double> s(v.begin(), v.end());
  return median_in_place(s);
}

double geomean(std::span<const double> v) {
  if (v.empty()) return 0.0;
  double log_sum = 0.0;
  for (double x : v) log_sum += std::log(x);
  return std::exp(log_sum / static_cast<double>(v.size()));
}

double mann_whitney_greater(std::span<const double> x, std::span<const double> y) {
  if (x.empty() || y.empty()) return 1.0;
  const Ranks r = rank(x, y);
  const std::int64_t u2 = r.x_rank2_sum - static_cast<std::int64_t>(x.size() * (x.size() + 1));
  return u_test_method(x.size(), y.size()) == UMethod::exact
             ? exact_upper_tail(r, x.size(), u2)
             : normal_upper_tail(r, x.size(), y.size(), static_cast<double>(u2) / 2.0);
}

namespace {

// The percentile interval of `draws` at `confidence`.
Interval percentile_interval(std::vector<double>& draws, double confidence) {
  if (draws.empty()) return {};
  std::sort(draws.begin(), draws.end());
  const double tail = (1.0 - confidence) / 2.0;
  const auto at = [&](double q) {
    const auto i = static_cast<std::size_t>(
        std::clamp(q * static_cast<double>(draws.size() - 1), 0.0, static_cast<double>(draws.size() - 1)));
    return draws[i];
  };
  return {at(tail), at(1.0 - tail)};
}

std::vector<double> sorted(std::span<const double> v) {
  std::vector<double> s(v.begin(), v.end());
  std::sort(s.begin(), s.end());
  return s;
}

}  // namespace

Interval bootstrap_median_ratio(std::span<const double> x, std::span<const double> y, double confidence, int resamples,
                                std::uint64_t seed) {
  if (x.empty() || y.empty()) return {};
  const std::vector<double> sx = sorted(x), sy = sorted(y);
  std::vector<double> ratios;
  std::mt19937_64 rng(seed);
  ratios.reserve(static_cast<std::size_t>(resamples));
  for (int r = 0; r < resamples; ++r) {
    const double mx = resampled_median(sx, rng), my = resampled_median(sy, rng);
    if (my > 0) ratios.push_back(mx / my);
  }
  return percentile_interval(ratios, confidence);
}

Interval bootstrap_geomean_ratio(std::span<const SamplePair> pairs, double confidence, int resamples,
                                 std::uint64_t seed) {
  std::vector<std::pair<std::vector<double>, std::vector<double>>> kept;
  for (const SamplePair& p : pairs)
    if (!p.x.empty() && !p.y.empty()) kept.emplace_back(sorted(p.x), sorted(p.y));
  if (kept.empty()) return {};
  std::mt19937_64 rng(seed);
  std::vector<double> means;
  means.reserve(static_cast<std::size_t>(resamples));
  for (int r = 0; r < resamples; ++r) {
    double log_sum = 0.0;
    bool finite = true;
    for (const auto& [x, y] : kept) {
      const double mx = resampled_median(x, rng), my = resampled_median(y, rng);
      finite = finite && mx > 0 && my > 0;
      if (finite) log_sum += std::log(mx / my);
    }
    if (finite) means.push_back(std::exp(log_sum / static_cast<double>(kept.size())));
  }
  return percentile_interval(means, confidence);
}

}  // namespace maskbench::stats

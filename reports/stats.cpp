#include "stats.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace maskbench::stats {
namespace {

// Exact upper tail P(U >= u) under H0, with U counting pairs (x > y) plus half
// of the ties: enumerate the rank-sum distribution over mid-ranks by dynamic
// programming on doubled ranks, so ties need no approximation.
double exact_upper_tail(std::span<const double> x, std::span<const double> y, double u) {
  std::vector<double> all(x.begin(), x.end());
  all.insert(all.end(), y.begin(), y.end());
  std::sort(all.begin(), all.end());
  const std::size_t n = all.size(), m = x.size();
  std::vector<int> rank2(n);  // twice the mid-rank, an integer
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && all[j] == all[i]) ++j;
    for (std::size_t k = i; k < j; ++k) rank2[k] = static_cast<int>(i + j + 1);
    i = j;
  }
  const int max_sum = 2 * static_cast<int>(n * (n + 1) / 2);
  // ways[k][s]: number of k-subsets of the ranks seen so far with doubled rank sum s.
  std::vector<std::vector<double>> ways(m + 1, std::vector<double>(static_cast<std::size_t>(max_sum) + 1, 0.0));
  ways[0][0] = 1.0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = std::min(m, i + 1); k >= 1; --k)
      for (int s = max_sum; s >= rank2[i]; --s) ways[k][static_cast<std::size_t>(s)] += ways[k - 1][static_cast<std::size_t>(s - rank2[i])];
  // U = R - m(m+1)/2 with R the rank sum of x; doubled: 2U = R2 - m(m+1).
  const double threshold2 = 2.0 * u + static_cast<double>(m * (m + 1));
  double tail = 0.0, total = 0.0;
  for (int s = 0; s <= max_sum; ++s) {
    const double w = ways[m][static_cast<std::size_t>(s)];
    total += w;
    if (s >= threshold2 - 1e-9) tail += w;
  }
  return total > 0 ? tail / total : 1.0;
}

double normal_upper_tail(std::span<const double> x, std::span<const double> y, double u) {
  const double m = static_cast<double>(x.size()), n = static_cast<double>(y.size()), N = m + n;
  std::vector<double> all(x.begin(), x.end());
  all.insert(all.end(), y.begin(), y.end());
  std::sort(all.begin(), all.end());
  double ties = 0.0;
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i;
    while (j < all.size() && all[j] == all[i]) ++j;
    const double t = static_cast<double>(j - i);
    ties += t * t * t - t;
    i = j;
  }
  const double mean = m * n / 2.0;
  const double var = m * n / 12.0 * ((N + 1) - ties / (N * (N - 1)));
  if (var <= 0) return u > mean ? 0.0 : 1.0;
  const double z = (u - mean - 0.5) / std::sqrt(var);
  return 0.5 * std::erfc(z / std::sqrt(2.0));
}

}  // namespace

double median(std::span<const double> v) {
  if (v.empty()) return 0.0;
  std::vector<double> s(v.begin(), v.end());
  std::sort(s.begin(), s.end());
  const std::size_t m = s.size() / 2;
  return s.size() % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

double geomean(std::span<const double> v) {
  if (v.empty()) return 0.0;
  double log_sum = 0.0;
  for (double x : v) log_sum += std::log(x);
  return std::exp(log_sum / static_cast<double>(v.size()));
}

double mann_whitney_greater(std::span<const double> x, std::span<const double> y) {
  if (x.empty() || y.empty()) return 1.0;
  double u = 0.0;
  for (double a : x)
    for (double b : y) u += a > b ? 1.0 : a == b ? 0.5 : 0.0;
  constexpr std::size_t kExactLimit = 20;
  return x.size() <= kExactLimit && y.size() <= kExactLimit ? exact_upper_tail(x, y, u) : normal_upper_tail(x, y, u);
}

Interval bootstrap_median_ratio(std::span<const double> x, std::span<const double> y, double confidence, int resamples,
                                std::uint64_t seed) {
  if (x.empty() || y.empty()) return {};
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick_x(0, x.size() - 1), pick_y(0, y.size() - 1);
  std::vector<double> rx(x.size()), ry(y.size()), ratios;
  ratios.reserve(static_cast<std::size_t>(resamples));
  for (int r = 0; r < resamples; ++r) {
    for (double& v : rx) v = x[pick_x(rng)];
    for (double& v : ry) v = y[pick_y(rng)];
    const double my = median(ry);
    if (my > 0) ratios.push_back(median(rx) / my);
  }
  if (ratios.empty()) return {};
  std::sort(ratios.begin(), ratios.end());
  const double tail = (1.0 - confidence) / 2.0;
  const auto at = [&](double q) {
    const auto i = static_cast<std::size_t>(std::clamp(q * static_cast<double>(ratios.size() - 1), 0.0,
                                                       static_cast<double>(ratios.size() - 1)));
    return ratios[i];
  };
  return {at(tail), at(1.0 - tail)};
}

}  // namespace maskbench::stats

#include "paired_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <numbers>
#include <numeric>

#include "stable_sort.hpp"
#include "stats.hpp"

namespace maskbench::paired_stats {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// P(S >= s) for every s, where S is the sum of a random subset of `scores`
// (each in or out with probability 1/2, independently): the null
// distribution of the signed-rank statistic in units of the scores. Built
// one score at a time; values stay probabilities, so nothing overflows.
std::vector<double> upper_tails(std::span<const int> scores) {
  const int total = std::accumulate(scores.begin(), scores.end(), 0);
  std::vector<double> p(static_cast<std::size_t>(total) + 1, 0.0);
  p[0] = 1.0;
  int reach = 0;
  for (int s : scores) {
    reach += s;
    for (int t = reach; t >= 0; --t) {
      const double with = t >= s ? p[static_cast<std::size_t>(t - s)] : 0.0;
      p[static_cast<std::size_t>(t)] = 0.5 * (p[static_cast<std::size_t>(t)] + with);
    }
  }
  for (int t = total - 1; t >= 0; --t) p[static_cast<std::size_t>(t)] += p[static_cast<std::size_t>(t) + 1];
  return p;
}

// The score of (doubled) rank r2 among n: the rank itself, capped at
// kRankCap * n (see paired_stats.hpp), in doubled units.
int capped_score2(int rank2, std::size_t n) {
  const int cap2 = 2 * static_cast<int>(std::ceil(kRankCap * static_cast<double>(n)));
  return std::min(rank2, cap2);
}

// The untied table for n, computed once per n: the gate asks for the same
// few n over and over (every benchmark with the same rounds).
const std::vector<double>& untied_tails(std::size_t n) {
  static std::mutex lock;
  static std::map<std::size_t, std::vector<double>> cache;
  const std::lock_guard<std::mutex> hold(lock);
  auto it = cache.find(n);
  if (it == cache.end()) {
    std::vector<int> scores(n);
    for (std::size_t k = 0; k < n; ++k) scores[k] = capped_score2(2 * static_cast<int>(k + 1), n) / 2;
    it = cache.emplace(n, upper_tails(scores)).first;
  }
  return it->second;
}

double normal_upper(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

}  // namespace

SignedRank signed_rank(std::span<const double> x, double theta) {
  std::vector<double> d;
  d.reserve(x.size());
  for (double v : x)
    if (v != theta) d.push_back(v - theta);
  SignedRank out;
  out.n = d.size();
  if (d.empty()) return out;
  std::sort(d.begin(), d.end(), [](double a, double b) { return std::fabs(a) < std::fabs(b); });
  // Doubled mid-ranks are integers: a run of ties at ranks i+1..j gets i+j+1.
  const std::size_t n = d.size();
  std::vector<int> rank2(n);  // the doubled scores
  bool tied = false;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && std::fabs(d[j]) == std::fabs(d[i])) ++j;
    tied = tied || j - i > 1;
    for (std::size_t k = i; k < j; ++k) rank2[k] = capped_score2(static_cast<int>(i + j + 1), n);
    i = j;
  }
  long long positive2 = 0, total2 = 0;
  double sum_sq2 = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    total2 += rank2[k];
    sum_sq2 += static_cast<double>(rank2[k]) * rank2[k];
    if (d[k] > 0) positive2 += rank2[k];
  }
  if (n <= kExactMax) {
    // In units of the scores: ranks (untied table) or doubled mid-ranks.
    std::vector<double> tied_tails;
    const int unit = tied ? 1 : 2;
    if (tied) tied_tails = upper_tails(rank2);
    const std::vector<double>& tails = tied ? tied_tails : untied_tails(n);
    const long long positive = positive2 / unit, total = total2 / unit;
    // The null distribution is symmetric: P(S <= s) = P(S >= total - s).
    out.greater = tails[static_cast<std::size_t>(positive)];
    out.less = tails[static_cast<std::size_t>(total - positive)];
    return out;
  }
  // Normal approximation in doubled-rank units: each score is in with
  // probability 1/2, so the mean is total/2 and the variance sum(score^2)/4;
  // half a rank of continuity correction is one doubled unit.
  const double mean = 0.5 * static_cast<double>(total2), sd = 0.5 * std::sqrt(sum_sq2);
  out.greater = normal_upper((static_cast<double>(positive2) - mean - 1.0) / sd);
  out.less = normal_upper((mean - static_cast<double>(positive2) - 1.0) / sd);
  return out;
}

std::vector<double> benjamini_hochberg(std::span<const double> p) {
  const std::size_t m = p.size();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  // Ties in input order. A NaN sorts last, so the order stays a strict weak one.
  stable_sort_by(order, [&](std::size_t a, std::size_t b) {
    const bool na = std::isnan(p[a]), nb = std::isnan(p[b]);
    return na != nb ? nb : !na && p[a] < p[b];
  });
  std::vector<double> adjusted(m);
  double running = 1.0;
  for (std::size_t i = m; i-- > 0;) {
    running = std::min(running, static_cast<double>(m) / static_cast<double>(i + 1) * p[order[i]]);
    adjusted[order[i]] = running;
  }
  return adjusted;
}

double hodges_lehmann(std::span<const double> x) {
  if (x.empty()) return 0.0;
  std::vector<double> s(x.begin(), x.end());
  std::sort(s.begin(), s.end());
  const std::size_t n = s.size();
  // Walsh averages <= v: for each i, the j >= i with s[j] <= 2v - s[i]; that
  // bound only falls as i rises, so one pointer walks down once.
  const auto count_at_most = [&](double v) {
    std::size_t count = 0, j = n;
    for (std::size_t i = 0; i < n; ++i) {
      while (j > i && s[j - 1] + s[i] > 2 * v) --j;
      if (j <= i) break;
      count += j - i;
    }
    return count;
  };
  // The k-th smallest Walsh average: the least v with count(v) >= k.
  const auto kth = [&](std::size_t k) {
    double lo = s.front(), hi = s.back();
    for (int it = 0; it < 200; ++it) {
      const double mid = lo + 0.5 * (hi - lo);
      if (mid <= lo || mid >= hi || hi - lo <= 1e-13 * std::max(1.0, std::fabs(mid))) break;
      (count_at_most(mid) >= k ? hi : lo) = mid;
    }
    return hi;
  };
  const std::size_t total = n * (n + 1) / 2;
  return total % 2 ? kth(total / 2 + 1) : 0.5 * (kth(total / 2) + kth(total / 2 + 1));
}

double lower_bound(std::span<const double> x, double a) {
  if (x.empty()) return -kInf;
  const auto [lo_it, hi_it] = std::minmax_element(x.begin(), x.end());
  // Below every value all differences are positive: the smallest p there is.
  double lo = *lo_it - 1.0 - std::fabs(*lo_it), hi = *hi_it;
  if (signed_rank(x, lo).greater > a) return -kInf;
  for (int it = 0; it < 200; ++it) {
    const double mid = lo + 0.5 * (hi - lo);
    if (mid <= lo || mid >= hi || hi - lo <= 1e-12 * std::max(1.0, std::fabs(mid))) break;
    (signed_rank(x, mid).greater <= a ? lo : hi) = mid;
  }
  return lo;
}

double upper_bound(std::span<const double> x, double a) {
  std::vector<double> negated(x.size());
  std::transform(x.begin(), x.end(), negated.begin(), [](double v) { return -v; });
  return -lower_bound(negated, a);
}

double robust_sd(std::span<const double> x) {
  if (x.empty()) return 0.0;
  const double m = stats::median(x);
  std::vector<double> dev(x.size());
  std::transform(x.begin(), x.end(), dev.begin(), [m](double v) { return std::fabs(v - m); });
  return 1.4826 * stats::median(dev);
}

double normal_upper_quantile(double p) {
  double lo = -40.0, hi = 40.0;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    (normal_upper(mid) > p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double detectable_shift(double sd, std::size_t n, double a, double power) {
  if (n == 0 || std::ldexp(1.0, -static_cast<int>(std::min<std::size_t>(n, 2000))) > a) return kInf;
  return (normal_upper_quantile(a) + normal_upper_quantile(1.0 - power)) * sd /
         std::sqrt(3.0 * static_cast<double>(n) / std::numbers::pi);
}

}  // namespace maskbench::paired_stats

#pragma once
// A simulated paired gate, run the way `./run_all.sh gate` runs the real
// one: every benchmark for the first rounds, then looks, and more rounds of
// the undecided benchmarks only, up to the last look. The machine is a bad
// one on purpose:
//  - shared drift: the speed of everything swings 2x, sinusoidally, over
//    about 17 rounds; the two sides of a chunk run back to back, so a pair
//    sees the drift of one slot apart, in a random order per (round, chunk);
//  - an order effect: whichever side runs second in its chunk is 2% faster
//    (warm caches), which the random order turns into noise;
//  - heavy tails: each measurement's noise is t-distributed with 2 degrees
//    of freedom (infinite variance), scaled per benchmark so that the
//    noise part of the paired log ratio has a robust standard deviation
//    drawn around a median of 4.0%, lognormally spread, 3% of the
//    benchmarks 3x noisier; with the order effect and bursts the measured
//    median is 5.05% (the Xeon: 4.8%), the 90th percentile about 9%;
//  - bursts: 3% of (round, chunk, side) run up to 2x slower for the whole
//    chunk, and 1% of single measurements up to 2x slower.
// Every random number comes from std::mt19937_64 (its sequence is fixed by
// the standard) through conversions written here, so a seed gives the same
// gate with every compiler and library.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "paired_rule.hpp"
#include "paired_stats.hpp"

namespace maskbench::paired_sim {

struct Machine {
  std::size_t benchmarks = 300;
  std::vector<std::size_t> family_sizes = {80, 70, 60, 40, 30, 20};
  std::size_t chunk_size = 25;
  double median_sd = 0.040, sd_spread = 0.45;   // lognormal: median and log-sd
  double noisy_fraction = 0.03, noisy_factor = 3.0;
  double drift_factor = 2.0, drift_period = 17.0;
  double order_effect = 0.02;
  double chunk_burst = 0.03, single_burst = 0.01, burst_max = 2.0;
};

struct Schedule {
  std::size_t first_rounds = 20, more_rounds = 20;
  int looks = 3;
};

struct Bench {
  std::string name, family;
  double sd = 0;  // robust sd of the noise part of the paired log ratio
};

class Random {
 public:
  explicit Random(std::uint64_t seed) : rng_(seed) {}
  double uniform() { return static_cast<double>((rng_() >> 11) + 1) * 0x1.0p-53; }  // (0, 1]
  double normal() { return std::sqrt(-2.0 * std::log(uniform())) * std::cos(2.0 * std::numbers::pi * uniform()); }
  // t with 2 degrees of freedom: Z / sqrt(chi2_2 / 2), and chi2_2 / 2 is Exp(1).
  double t2() { return normal() / std::sqrt(-std::log(uniform())); }
  bool chance(double p) { return uniform() <= p; }

 private:
  std::mt19937_64 rng_;
};

// The robust sd of the difference of two t(2) values, so that the noise of
// one measurement can be scaled to a paired sd. Estimated from a fixed seed.
inline double t2_pair_robust_sd() {
  static const double value = [] {
    Random r(0x7432);
    std::vector<double> d(200000);
    for (double& v : d) v = r.t2() - r.t2();
    std::sort(d.begin(), d.end(), [](double a, double b) { return std::fabs(a) < std::fabs(b); });
    return 1.4826 * std::fabs(d[d.size() / 2]);  // the median of a symmetric sample is 0
  }();
  return value;
}

inline std::vector<Bench> make_benchmarks(const Machine& m, std::uint64_t seed) {
  Random r(seed);
  std::vector<Bench> out;
  for (std::size_t f = 0, i = 0; f < m.family_sizes.size(); ++f)
    for (std::size_t k = 0; k < m.family_sizes[f] && i < m.benchmarks; ++k, ++i) {
      Bench b;
      b.family = std::string("f").append(std::to_string(f));
      b.name = b.family + "/b" + std::to_string(i);
      b.sd = m.median_sd * std::exp(m.sd_spread * r.normal()) * (r.chance(m.noisy_fraction) ? m.noisy_factor : 1.0);
      out.push_back(b);
    }
  return out;
}

struct Outcome {
  std::vector<paired::Verdict> verdicts;  // per benchmark: regression if at any look, else the last verdict
  std::vector<bool> family_regressed;     // per family (in name order)
  std::vector<std::string> families;
  std::vector<double> robust_sds;         // per benchmark, of its simulated log ratios, all rounds
  std::size_t rounds = 0;                 // the rounds of the gate
  paired::Decision last;                  // the last look's decision
};

// One gate: `slowdown` per benchmark (a fraction, 0 for none) on current.
inline Outcome run_gate(const std::vector<Bench>& benches, const Machine& m, const Schedule& s, double threshold,
                        double alpha, const std::vector<double>& slowdown, std::uint64_t seed) {
  Random r(seed);
  const std::size_t chunks = (benches.size() + m.chunk_size - 1) / m.chunk_size;
  const double phase = 2.0 * std::numbers::pi * r.uniform(), noise_scale = 1.0 / t2_pair_robust_sd();
  const auto drift = [&](double t) {
    return 0.5 * std::log(m.drift_factor) * std::sin(2.0 * std::numbers::pi * t / m.drift_period + phase);
  };
  std::vector<paired::Pairs> pairs(benches.size());
  for (std::size_t i = 0; i < benches.size(); ++i) {
    pairs[i].name = benches[i].name;
    pairs[i].family = benches[i].family;
  }
  std::vector<std::size_t> active(benches.size());
  for (std::size_t i = 0; i < active.size(); ++i) active[i] = i;
  Outcome out;
  out.verdicts.assign(benches.size(), paired::Verdict::undecided);
  std::size_t done = 0;
  for (int look = 1; look <= s.looks && !active.empty(); ++look) {
    const std::size_t target = s.first_rounds + static_cast<std::size_t>(look - 1) * s.more_rounds;
    for (; done < target; ++done) {
      // Per chunk: which side runs first, and the bursts of each side.
      std::vector<int> base_slot(chunks);
      std::vector<double> burst_base(chunks, 0.0), burst_current(chunks, 0.0);
      for (std::size_t c = 0; c < chunks; ++c) {
        base_slot[c] = r.chance(0.5) ? 0 : 1;
        if (r.chance(m.chunk_burst)) burst_base[c] = std::log(1.0 + (m.burst_max - 1.0) * r.uniform());
        if (r.chance(m.chunk_burst)) burst_current[c] = std::log(1.0 + (m.burst_max - 1.0) * r.uniform());
      }
      for (std::size_t i : active) {
        const std::size_t c = i / m.chunk_size;
        const auto slot_time = [&](int slot) {
          return static_cast<double>(done) + static_cast<double>(2 * c + static_cast<std::size_t>(slot)) / (2.0 * static_cast<double>(chunks));
        };
        const auto measure = [&](int slot, double burst) {
          double v = drift(slot_time(slot)) + (slot == 1 ? -m.order_effect : 0.0) + burst +
                     benches[i].sd * noise_scale * r.t2();
          if (r.chance(m.single_burst)) v += std::log(1.0 + (m.burst_max - 1.0) * r.uniform());
          return v;
        };
        const double base = measure(base_slot[c], burst_base[c]);
        const double current = measure(1 - base_slot[c], burst_current[c]) + std::log1p(slowdown[i]);
        pairs[i].rounds.push_back(static_cast<long long>(done));
        pairs[i].log_ratios.push_back(current - base);
      }
    }
    paired::Rule rule;
    rule.threshold = threshold;
    rule.alpha = alpha;
    rule.look = look;
    rule.max_looks = s.looks;
    out.last = paired::decide(pairs, rule);
    const paired::Decision& d = out.last;
    active.clear();
    for (std::size_t i = 0; i < benches.size(); ++i) {
      if (out.verdicts[i] != paired::Verdict::regression) out.verdicts[i] = d.benchmarks[i].verdict;
      if (d.benchmarks[i].verdict == paired::Verdict::undecided) active.push_back(i);
    }
    if (out.families.empty())
      for (const paired::FamilyTest& f : d.families) out.families.push_back(f.family);
    out.family_regressed.resize(d.families.size(), false);
    for (std::size_t f = 0; f < d.families.size(); ++f)
      out.family_regressed[f] = out.family_regressed[f] || d.families[f].test.verdict == paired::Verdict::regression;
  }
  out.rounds = done;
  for (const paired::Pairs& p : pairs) out.robust_sds.push_back(paired_stats::robust_sd(p.log_ratios));
  return out;
}

}  // namespace maskbench::paired_sim

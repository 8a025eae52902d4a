// Conformance of the task-vector family (maskbench/taskvec.hpp): Gram entries
// against exact values within the documented bound, bf16 widening, TIES
// thresholds against a sort, TIES sign counts and merges bit for bit against
// the scalar reference.
#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <vector>

#include "harness/checks.hpp"
#include "harness/family.hpp"
#include "harness/guarded.hpp"
#include "harness/values.hpp"
#include "maskbench/taskvec.hpp"

namespace maskbench::conformance {
namespace {

using Taskvec = FamilyTest<TaskvecKernels>;

template <class T>
const TaskvecTyped<T>& typed(const TaskvecKernels& k) {
  if constexpr (std::is_same_v<T, float>)
    return k.f32;
  else
    return k.bf16;
}
template <class T>
const char* dtype_name() {
  return std::is_same_v<T, float> ? "f32" : "bf16";
}
template <class T>
T from_float(float x) {
  if constexpr (std::is_same_v<T, float>)
    return x;
  else
    return to_bf16(x);
}

inline double gamma64(std::size_t h) {
  const double hu = static_cast<double>(h) * std::ldexp(1.0, -53);
  return hu / (1.0 - hu);
}

// theta_pre and k checkpoints in guarded buffers: each array either ends at a
// guard page or starts `offset` elements past one (misaligned for odd offsets).
template <class T>
struct Checkpoints {
  Checkpoints(const std::vector<std::vector<float>>& values, std::size_t offset) {
    for (std::size_t a = 0; a < values.size(); ++a) {
      const std::size_t n = values[a].size();
      arrays.push_back(a % 2 == 0 ? Guarded<T>::at_end(n) : Guarded<T>::at_offset(n, offset));
      for (std::size_t d = 0; d < n; ++d) arrays.back()[d] = from_float<T>(values[a][d]);
    }
    for (std::size_t a = 1; a < arrays.size(); ++a) ft.push_back(arrays[a].data());
  }
  const T* pre() const { return arrays[0].data(); }
  std::size_t k() const { return ft.size(); }
  float value(std::size_t a, std::size_t d) const { return widen(arrays[a][d]); }
  float tau(std::size_t t, std::size_t d) const { return value(t + 1, d) - value(0, d); }
  std::vector<Guarded<T>> arrays;
  std::vector<const T*> ft;
};

// Checkpoints near a shared base, so that task vectors are small against the
// weights as in real fine-tuning, with a few exact repeats (tau == 0).
std::vector<std::vector<float>> random_model(std::size_t k, std::size_t n, Rng& rng) {
  std::vector<std::vector<float>> v(k + 1, std::vector<float>(n));
  for (std::size_t d = 0; d < n; ++d) {
    v[0][d] = random_float(rng, -4, 2);
    for (std::size_t t = 1; t <= k; ++t) v[t][d] = rng() % 10 == 0 ? v[0][d] : v[0][d] + random_float(rng, -12, -2);
  }
  return v;
}

// Checkpoints whose products tau_i*tau_j fall below FLT_MIN: pre is 0 or
// subnormal, and each task's tau takes magnitudes from one underflow_range,
// drawn per task, with exact repeats (tau == 0).
std::vector<std::vector<float>> underflow_model(std::size_t k, std::size_t n, Rng& rng) {
  std::vector<std::pair<int, int>> range(k + 1);
  for (auto& r : range) r = underflow_range(rng);
  std::vector<std::vector<float>> v(k + 1, std::vector<float>(n));
  for (std::size_t d = 0; d < n; ++d) {
    v[0][d] = rng() % 2 ? 0.0f : random_float(rng, -149, -126);
    for (std::size_t t = 1; t <= k; ++t)
      v[t][d] = rng() % 10 == 0 ? v[0][d] : v[0][d] + random_float(rng, range[t].first, range[t].second);
  }
  return v;
}

template <class T>
void check_gram(const Implementation& impl, const TaskvecKernels& kt, const Checkpoints<T>& m, std::size_t n,
                std::uint64_t seed_used) {
  const std::size_t k = m.k();
  Guarded<double> out = Guarded<double>::at_offset(k * k, 3);
  typed<T>(kt).gram(m.pre(), m.ft.data(), k, n, out.data());
  ASSERT_TRUE(out.intact()) << impl.name << " gram wrote outside out[0, k*k) k=" << k << " n=" << n;
  const double g32 = gamma_f32(kt.sum_depth(n));
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) {
      double exact = 0.0, abs_sum = 0.0;
      bool finite = true;
      for (std::size_t d = 0; d < n; ++d) {
        const double ti = static_cast<double>(m.value(i + 1, d)) - m.value(0, d);
        const double tj = static_cast<double>(m.value(j + 1, d)) - m.value(0, d);
        finite = finite && std::isfinite(ti * tj);
        exact += ti * tj;
        abs_sum += std::fabs(ti * tj);
      }
      const double got = out[i * k + j];
      const auto where = [&] {
        return fmt::format("{} gram {} k={} n={} entry ({}, {}) seed={}: got {} exact {}", impl.name, dtype_name<T>(),
                           k, n, i, j, seed_used, got, exact);
      };
      if (!finite) {
        ASSERT_FALSE(std::isfinite(got)) << where() << ": a non-finite input must give a non-finite entry";
        continue;
      }
      ASSERT_EQ(got, out[j * k + i]) << where() << ": not symmetric";
      // The reference sum in double has its own error, at most gamma64(n+3)*S.
      const double bound = (g32 + 2 * gamma64(n + 64) + gamma64(n + 3)) * abs_sum + taskvec_underflow(n);
      ASSERT_LE(std::fabs(got - exact), bound) << where() << " bound " << bound;
    }
}

template <class T, class Model>
void gram_every_size(const Implementation& impl, const TaskvecKernels& kt, std::uint64_t s, Model&& model) {
  Rng rng(s);
  for (std::size_t k : {1u, 2u, 3u, 5u, 8u, 16u})
    for (std::size_t n : test_sizes()) {
      if (k == 16 && n > 5000) continue;
      const Checkpoints<T> m(model(k, n, rng), n % 16 + 1);
      check_gram(impl, kt, m, n, s);
      if (testing::Test::HasFatalFailure()) return;
    }
}

TEST_P(Taskvec, GramF32WithinBoundEverySizeAndK) { gram_every_size<float>(impl(), k(), seed() + 10, random_model); }
TEST_P(Taskvec, GramBf16WithinBoundEverySizeAndK) { gram_every_size<Bf16>(impl(), k(), seed() + 11, random_model); }
TEST_P(Taskvec, GramF32OfUnderflowingProducts) { gram_every_size<float>(impl(), k(), seed() + 15, underflow_model); }
TEST_P(Taskvec, GramBf16OfUnderflowingProducts) { gram_every_size<Bf16>(impl(), k(), seed() + 16, underflow_model); }

// Long enough for several f32 flushes, with cancellation between tasks.
TEST_P(Taskvec, GramLongAndCancelling) {
  const std::uint64_t s = seed() + 12;
  Rng rng(s);
  const std::size_t n = (1u << 18) + 5;
  auto v = random_model(4, n, rng);
  for (std::size_t d = 0; d < n; ++d) v[2][d] = v[0][d] - (v[1][d] - v[0][d]);  // tau_1 = -tau_0 where exact
  check_gram(impl(), k(), Checkpoints<float>(v, 5), n, s);
}

TEST_P(Taskvec, GramNonFiniteInputs) {
  const std::uint64_t s = seed() + 13;
  Rng rng(s);
  const auto sp = special_floats();
  for (std::size_t n : test_sizes()) {
    if (n == 0) continue;
    for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                      -std::numeric_limits<float>::infinity()}) {
      auto v = random_model(5, n, rng);
      v[1 + rng() % 5][rng() % n] = bad;
      if (rng() % 3 == 0) v[0][rng() % n] = bad;
      check_gram(impl(), k(), Checkpoints<float>(v, 1), n, s);
      check_gram(impl(), k(), Checkpoints<Bf16>(v, 2), n, s);
      if (HasFatalFailure()) return;
    }
  }
}

TEST_P(Taskvec, DotAndNorm2MatchGramBound) {
  const std::uint64_t s = seed() + 14;
  Rng rng(s);
  for (std::size_t n : test_sizes())
    for (auto* model : {random_model, underflow_model}) {
      const Checkpoints<float> m(model(2, n, rng), n % 7);
      double exact = 0.0, abs_sum = 0.0, exact2 = 0.0;
      for (std::size_t d = 0; d < n; ++d) {
        const double a = static_cast<double>(m.value(1, d)) - m.value(0, d);
        const double b = static_cast<double>(m.value(2, d)) - m.value(0, d);
        exact += a * b;
        abs_sum += std::fabs(a * b);
        exact2 += a * a;
      }
      const double rel = gamma_f32(k().sum_depth(n)) + 3 * gamma64(n + 64);
      const double dot = k().tv_dot(m.pre(), m.ft[0], m.ft[1], n);
      const double norm2 = k().tv_norm2(m.pre(), m.ft[0], n);
      const char* values = model == underflow_model ? "underflowing" : "ordinary";
      ASSERT_LE(std::fabs(dot - exact), rel * abs_sum + taskvec_underflow(n))
          << impl().name << " tv_dot n=" << n << " " << values << " seed=" << s << ": got " << dot << " exact "
          << exact;
      ASSERT_LE(std::fabs(norm2 - exact2), rel * exact2 + taskvec_underflow(n))
          << impl().name << " tv_norm2 n=" << n << " " << values << " seed=" << s << ": got " << norm2 << " exact "
          << exact2;
    }
}

// Every bf16 bit pattern widens to the f32 with those upper bits: ties_merge
// with nothing kept and lambda = -1 returns widen(pre) + (-0.0), which is
// widen(pre) itself for every value.
TEST_P(Taskvec, Bf16WideningIsExact) {
  const std::size_t n = 65536;
  Guarded<Bf16> pre = Guarded<Bf16>::at_end(n);
  for (std::size_t i = 0; i < n; ++i) pre[i] = Bf16{static_cast<std::uint16_t>(i)};
  const Bf16* ft[1] = {pre.data()};
  const float nothing = std::numeric_limits<float>::quiet_NaN();
  Guarded<float> out = Guarded<float>::at_offset(n, 1);
  k().bf16.ties_merge(pre.data(), ft, 1, n, &nothing, 1.0f, -1.0f, out.data());
  ASSERT_TRUE(out.intact());
  for (std::size_t i = 0; i < n; ++i) {
    const float want = std::bit_cast<float>(static_cast<std::uint32_t>(i) << 16);
    ASSERT_TRUE(same_float(out[i], want)) << impl().name << " bf16 0x" << std::hex << i << " widened to "
                                          << describe(out[i]) << ", expected " << describe(want);
  }
}

// Magnitudes drawn from a small set so that ties at the threshold are common,
// plus zeros, signed zeros and, where `specials`, NaN and infinities.
std::vector<std::vector<float>> tied_model(std::size_t k, std::size_t n, bool specials, Rng& rng) {
  static const float mags[] = {0.0f, 0.25f, 0.5f, 0.75f, 1.0f, 1.5f, 3.0f, 1e-20f};
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<std::vector<float>> v(k + 1, std::vector<float>(n));
  for (std::size_t d = 0; d < n; ++d) {
    v[0][d] = static_cast<float>(static_cast<int>(rng() % 9) - 4);
    for (std::size_t t = 1; t <= k; ++t) {
      const float tau = mags[rng() % 8] * (rng() % 2 ? 1.0f : -1.0f);
      v[t][d] = rng() % 4 == 0 ? v[0][d] + random_float(rng, -6, 1) : v[0][d] + tau;
      if (specials && rng() % 40 == 0) v[t][d] = rng() % 2 ? std::numeric_limits<float>::quiet_NaN() : (rng() % 2 ? inf : -inf);
    }
    if (specials && rng() % 97 == 0) v[0][d] = std::numeric_limits<float>::quiet_NaN();
  }
  return v;
}

// The threshold by sorting, as ties_threshold defines it.
template <class T>
float sorted_threshold(const std::vector<const Checkpoints<T>*>& model, std::size_t t, double percent) {
  std::vector<float> mags;
  std::uint64_t total = 0;
  for (const auto* part : model) {
    const std::size_t n = part->arrays[0].size();
    total += n;
    for (std::size_t d = 0; d < n; ++d) {
      const float a = std::fabs(part->tau(t, d));
      if (!std::isnan(a)) mags.push_back(a);
    }
  }
  std::sort(mags.begin(), mags.end(), std::greater<float>());
  // Whole percentages in integer arithmetic: the contract makes them exact.
  const std::uint64_t want = percent == std::floor(percent)
                                 ? total * static_cast<std::uint64_t>(percent) / 100
                                 : static_cast<std::uint64_t>(std::floor(percent * static_cast<double>(total) / 100.0));
  const std::uint64_t m = std::min<std::uint64_t>(want, mags.size());
  return m == 0 ? std::numeric_limits<float>::quiet_NaN() : mags[m - 1];
}

template <class T>
float kernel_threshold(const TaskvecKernels& kt, const std::vector<const Checkpoints<T>*>& model, std::size_t t,
                       double percent) {
  std::uint64_t total = 0;
  for (const auto* part : model) total += part->arrays[0].size();
  return ties_threshold(percent, total, [&](std::int32_t prefix, std::uint64_t* hist) {
    for (const auto* part : model)
      typed<T>(kt).ties_histogram(part->pre(), part->ft[t], part->arrays[0].size(), prefix, hist);
  });
}

template <class T>
void ties_round(const Implementation& impl, const TaskvecKernels& kt, const TaskvecKernels& ref, std::size_t k,
                std::vector<std::size_t> sizes, bool specials, double percent, float lambda, Rng& rng,
                std::uint64_t s) {
  std::vector<Checkpoints<T>> parts;
  for (std::size_t n : sizes) parts.emplace_back(tied_model(k, n, specials, rng), n % 5 + 1);
  std::vector<const Checkpoints<T>*> model;
  for (const auto& p : parts) model.push_back(&p);
  const auto where = [&] {
    return fmt::format("{} {} k={} parts={} percent={} specials={} seed={}", impl.name, dtype_name<T>(), k,
                       sizes.size(), percent, specials, s);
  };
  std::vector<float> thr(k);
  for (std::size_t t = 0; t < k; ++t) {
    thr[t] = kernel_threshold(kt, model, t, percent);
    const float want = sorted_threshold(model, t, percent);
    ASSERT_TRUE(same_float(thr[t], want)) << where() << " task " << t << ": threshold " << describe(thr[t])
                                          << ", sort says " << describe(want);
  }
  std::int64_t votes = 0;
  for (const auto* p : model) {
    const std::size_t n = p->arrays[0].size();
    const std::int64_t got = typed<T>(kt).ties_sign_sum(p->pre(), p->ft.data(), k, n, thr.data());
    const std::int64_t want = typed<T>(ref).ties_sign_sum(p->pre(), p->ft.data(), k, n, thr.data());
    ASSERT_EQ(got, want) << where() << " ties_sign_sum n=" << n;
    votes += got;
  }
  const float majority = votes < 0 ? -1.0f : 1.0f;
  for (const auto* p : model) {
    const std::size_t n = p->arrays[0].size();
    std::vector<float> want(n);
    typed<T>(ref).ties_merge(p->pre(), p->ft.data(), k, n, thr.data(), majority, lambda, want.data());
    Guarded<float> out = Guarded<float>::at_offset(n, n % 16);
    typed<T>(kt).ties_merge(p->pre(), p->ft.data(), k, n, thr.data(), majority, lambda, out.data());
    ASSERT_TRUE(out.intact()) << where() << " ties_merge wrote outside out[0, " << n << ")";
    for (std::size_t d = 0; d < n; ++d)
      ASSERT_TRUE(same_float(out[d], want[d])) << where() << " ties_merge n=" << n << " element " << d << ": got "
                                               << describe(out[d]) << " expected " << describe(want[d]);
  }
}

template <class T>
void ties_every_case(const Implementation& impl, const TaskvecKernels& kt, const TaskvecKernels& ref,
                     std::uint64_t s) {
  Rng rng(s);
  constexpr std::size_t kTasks[] = {1, 2, 3, 7, 16};
  constexpr double kPercents[] = {0.0, 20.0, 50.0, 100.0};
  constexpr std::size_t kPairs = std::size(kTasks) * std::size(kPercents);
  for (std::size_t n : test_sizes()) {
    // Every (tasks, percent) pair at the edge sizes; at the large sizes each
    // percent once (with up to 7 tasks); elsewhere one pair per size, in
    // turn, so that each pair still meets many sizes and tails. The full
    // cross product cost 20 rounds of a 65536-bin histogram per size, 40 s
    // per implementation under ASan.
    const bool every_pair = n <= 1 || n == kMaxLanes + 1 || n == 1000;
    for (std::size_t pair = 0; pair < kPairs; ++pair) {
      const std::size_t ki = pair / std::size(kPercents), pi = pair % std::size(kPercents);
      const bool run = every_pair || (n > 4000 ? ki == (pi + n) % (std::size(kTasks) - 1) : pair == n % kPairs);
      if (!run) continue;
      ties_round<T>(impl, kt, ref, kTasks[ki], {n}, n % 2 == 1, kPercents[pi], 1.0f, rng, s);
      if (testing::Test::HasFatalFailure()) return;
    }
  }
  // A model of several tensors: the threshold is global over all of them.
  for (double percent : {0.1, 10.0, 20.0, 29.0, 37.0, 99.99}) {
    ties_round<T>(impl, kt, ref, 4, {0, 7, 1000, 33, 4097}, true, percent, 0.7f, rng, s);
    ties_round<T>(impl, kt, ref, 3, {65539, 17}, false, percent, -1.25f, rng, s);
    if (testing::Test::HasFatalFailure()) return;
  }
}

TEST_P(Taskvec, TiesF32ThresholdsSignsAndMergeExact) { ties_every_case<float>(impl(), k(), ref(), seed() + 20); }
TEST_P(Taskvec, TiesBf16ThresholdsSignsAndMergeExact) { ties_every_case<Bf16>(impl(), k(), ref(), seed() + 21); }

// Whole percentages are exact: 29% of 100 distinct magnitudes keeps 29 of
// them (0.29 * 100 in double is just under 29).
TEST_P(Taskvec, ThresholdOfWholePercentIsExact) {
  std::vector<std::vector<float>> v(2, std::vector<float>(100));
  for (std::size_t d = 0; d < 100; ++d) v[1][d] = static_cast<float>(d + 1) * (d % 2 ? 1.0f : -1.0f);
  const Checkpoints<float> m(v, 3);
  EXPECT_EQ(kernel_threshold<float>(k(), {&m}, 0, 29.0), 72.0f) << impl().name;
  EXPECT_EQ(kernel_threshold<float>(k(), {&m}, 0, 100.0), 1.0f) << impl().name;
  EXPECT_TRUE(std::isnan(kernel_threshold<float>(k(), {&m}, 0, 0.5))) << impl().name << ": 0.5% of 100 keeps nothing";
}

// A hand-made case of the contract: elect, disjoint mean and the majority rule.
TEST_P(Taskvec, TiesMergeWorkedExample) {
  // Element 0: trimmed 2, -1, 0 -> sum 1 > 0, mean of {2} = 2.
  // Element 1: 1, -1, 0 -> sum 0, majority decides.
  // Element 2: -3, -1, 4 -> sum 0, majority decides.
  // Element 3: tau 0.1 under every threshold -> nothing kept, mean 0.
  const std::vector<std::vector<float>> v = {{0, 0, 0, 10}, {2, 1, -3, 10.1f}, {-1, -1, -1, 10.1f}, {0, 0, 4, 10.1f}};
  const Checkpoints<float> m(v, 1);
  const float thr[3] = {0.5f, 0.5f, 0.5f};
  EXPECT_EQ(k().f32.ties_sign_sum(m.pre(), m.ft.data(), 3, 4, thr), 1);
  for (float majority : {1.0f, -1.0f}) {
    float out[4];
    k().f32.ties_merge(m.pre(), m.ft.data(), 3, 4, thr, majority, 0.5f, out);
    const std::vector<float> want = majority > 0 ? std::vector<float>{1.0f, 0.5f, 2.0f, 10.0f}
                                                 : std::vector<float>{1.0f, -0.5f, -1.0f, 10.0f};
    for (std::size_t d = 0; d < 4; ++d)
      EXPECT_EQ(out[d], want[d]) << impl().name << " element " << d << " majority " << majority;
  }
}

MB_INSTANTIATE_FAMILY(Taskvec, TaskvecKernels);

}  // namespace
}  // namespace maskbench::conformance

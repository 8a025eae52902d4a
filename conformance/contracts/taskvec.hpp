#pragma once
// The taskvec family's contracts (maskbench/taskvec.hpp): gram, tv_dot and
// tv_norm2 within the contract's bound of the exact value (a non-finite input
// gives a non-finite entry; where an f32 intermediate could overflow, any
// result); ties_histogram, ties_sign_sum and ties_merge exactly as the
// reference and the TIES thresholds, found through the kernel's histogram,
// exactly as a sort finds them, for f32 and bf16 inputs. Products
// tau_i*tau_j below FLT_MIN are checked like any other, within the bound's
// absolute term (taskvec_underflow). A gram whose operands are bf16
// (GramOperands::bf16) is held to the bound with that enum's terms added.
// Arrays alternate between ending at a
// guard page and starting `offset` elements past one; outputs sit between
// canaries.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "contracts/contract.hpp"
#include "maskbench/taskvec.hpp"

namespace maskbench::conformance {

template <>
inline constexpr std::string_view table_name<TaskvecKernels> = "TaskvecKernels";

inline constexpr double kTaskvecOverflowRisk = 0x1p126;

// Higham's gamma with the double unit roundoff, 2^-53.
inline double gamma64(std::size_t h) {
  const double hu = static_cast<double>(h) * std::ldexp(1.0, -53);
  return hu / (1.0 - hu);
}

// The input types, as the `dtype` knob numbers them: f32, bf16, f16.
inline constexpr std::size_t kF32 = 0, kBf16 = 1, kF16 = 2;
// fn(static_cast<E*>(nullptr)) with E the input type numbered `dtype`.
template <class Fn>
auto with_dtype(std::size_t dtype, Fn&& fn) {
  if (dtype == kBf16) return fn(static_cast<Bf16*>(nullptr));
  if (dtype == kF16) return fn(static_cast<F16*>(nullptr));
  return fn(static_cast<float*>(nullptr));
}

// theta_pre and k checkpoints of n elements: array a's element d is the pool's
// element first + a*n + d (bf16 and f16 round it to nearest even).
template <class E>
struct Checkpoints {
  std::size_t k, n;
  std::vector<Guarded<E>> arrays;
  std::vector<const E*> ft;
  Checkpoints(const std::vector<float>& data, std::size_t tasks, std::size_t len, std::size_t offset,
              std::size_t first = 0)
      : k(tasks), n(len) {
    for (std::size_t a = 0; a <= k; ++a) {
      arrays.push_back(a % 2 == 0 ? Guarded<E>::at_end(n) : Guarded<E>::at_offset(n, offset));
      for (std::size_t d = 0; d < n; ++d) {
        const float v = pool(data, first + a * n + d);
        if constexpr (std::is_same_v<E, float>)
          arrays.back()[d] = v;
        else if constexpr (std::is_same_v<E, Bf16>)
          arrays.back()[d] = to_bf16(v);
        else
          arrays.back()[d] = to_f16(v);
      }
    }
    for (std::size_t a = 1; a <= k; ++a) ft.push_back(arrays[a].data());
  }
  const E* pre() const { return arrays[0].data(); }
  float value(std::size_t a, std::size_t d) const { return widen(arrays[a][d]); }
  float tau(std::size_t t, std::size_t d) const { return value(t + 1, d) - value(0, d); }
};

// A Gram entry: its exact value, the sum of magnitudes of its terms (and of
// those a GramOperands::bf16 kernel drops: an f32 difference below FLT_MIN),
// whether an input is not finite and whether an intermediate may overflow
// (for bf16 operands also a difference that rounds to a bf16 infinity).
struct GramEntry {
  double exact = 0, abs_sum = 0, flushed_sum = 0;
  bool non_finite_input = false, risk = false;
};
inline bool below_flt_min(float tau) { return std::fabs(tau) < std::numeric_limits<float>::min(); }
template <class E>
GramEntry gram_entry(const Checkpoints<E>& m, std::size_t i, std::size_t j, GramOperands operands = GramOperands::f32) {
  GramEntry g;
  for (std::size_t d = 0; d < m.n; ++d) {
    const float p = m.value(0, d), a = m.value(i + 1, d), b = m.value(j + 1, d);
    if (!std::isfinite(p) || !std::isfinite(a) || !std::isfinite(b)) {
      g.non_finite_input = true;
      continue;
    }
    const double prod = (static_cast<double>(a) - p) * (static_cast<double>(b) - p);
    const float tau_a = a - p, tau_b = b - p;
    g.risk = g.risk || !std::isfinite(tau_a) || !std::isfinite(tau_b);
    if (operands == GramOperands::bf16) {
      g.risk = g.risk || std::isinf(widen(to_bf16(tau_a))) || std::isinf(widen(to_bf16(tau_b)));
      if (below_flt_min(tau_a) || below_flt_min(tau_b)) g.flushed_sum += std::fabs(prod);
    }
    g.exact += prod;
    g.abs_sum += std::fabs(prod);
  }
  g.risk = g.risk || g.abs_sum >= kTaskvecOverflowRisk;
  return g;
}

// The exact value, summed in double here, has its own error of at most
// gamma64(n + 3) * abs_sum, which the callers include in rel. `abs` is the
// bound's absolute term.
inline std::optional<Mismatch> gram_value(std::string what, double got, const GramEntry& g, double rel, double abs) {
  if (g.non_finite_input) {
    if (!std::isfinite(got)) return std::nullopt;
    return Mismatch{0, what + " (an input is not finite)", "NaN or an infinity", fmt::format("{}", got)};
  }
  if (g.risk) return std::nullopt;
  const double bound = rel * g.abs_sum + abs;
  if (std::fabs(got - g.exact) <= bound) return std::nullopt;
  return Mismatch{0, what, fmt::format("{} +- {}", g.exact, bound), fmt::format("{}", got)};
}

struct TaskvecGram : Contract<float, TaskvecKernels> {
  static constexpr std::string_view name = "gram", cpp_name = "TaskvecGram";
  static constexpr std::array<KnobDef, 4> knobs{{{"k_minus_1", kMaxTasks}, {"n", 256}, {"dtype", 3}, {"offset", 16}}};
  static constexpr std::array<std::string_view, 0> params{};

  template <class E>
  static std::optional<Mismatch> run(const Table& kt, const Case<T>& c) {
    const std::size_t k = c.knobs[0] % kMaxTasks + 1, n = c.knobs[1];
    const Checkpoints<E> m(c.data, k, n, c.knobs[3]);
    Guarded<double> out = Guarded<double>::at_offset(k * k, 3);
    const TaskvecTyped<E>& typed = kt.typed<E>();
    typed.gram(m.pre(), m.ft.data(), k, n, out.data());
    if (!out.intact()) return canaries_overwritten(k * k, "out[0, k*k)");
    const GramOperands operands = typed.gram_operands_at(k);
    const bool bf16 = operands == GramOperands::bf16;
    const double rel = gamma_f32(kt.sum_depth(n)) + 2 * gamma64(n + 64) + gamma64(n + 3) + (bf16 ? taskvec_bf16_rel() : 0.0);
    // An entry is symmetric in (i, j): (j, i) takes the one computed for (i, j)
    // a row before.
    std::vector<GramEntry> entries(k * k);
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = 0; j < k; ++j) {
        const double got = out[i * k + j];
        const GramEntry& g = entries[i * k + j] = j < i ? entries[j * k + i] : gram_entry(m, i, j, operands);
        if (!g.non_finite_input && !g.risk && got != out[j * k + i])
          return Mismatch{i * k + j, fmt::format("out[{}] (entry ({}, {}), symmetry)", i * k + j, i, j),
                          fmt::format("{}", out[j * k + i]), fmt::format("{}", got)};
        const double abs = taskvec_underflow(n) + (bf16 ? g.flushed_sum + taskvec_flush(n) : 0.0);
        if (auto mm = gram_value(fmt::format("out[{}] (entry ({}, {}){})", i * k + j, i, j, bf16 ? ", bf16 operands" : ""),
                                 got, g, rel, abs)) {
          mm->lane = i * k + j;
          return mm;
        }
      }
    return std::nullopt;
  }
  static std::optional<Mismatch> check(const Table& k, const Table&, const Case<T>& c) {
    return with_dtype(c.knobs[2], [&]<class E>(E*) { return run<E>(k, c); });
  }
};

// tv_dot(pre, ft[0], ft[1]) and tv_norm2(pre, ft[0]).
struct TaskvecDot : Contract<float, TaskvecKernels> {
  static constexpr std::string_view name = "tv_dot", cpp_name = "TaskvecDot";
  static constexpr std::array<KnobDef, 2> knobs{{{"n", 256}, {"offset", 16}}};
  static constexpr std::array<std::string_view, 0> params{};
  static std::optional<Mismatch> check(const Table& k, const Table&, const Case<T>& c) {
    const std::size_t n = c.knobs[0];
    const Checkpoints<float> m(c.data, 2, n, c.knobs[1]);
    const double rel = gamma_f32(k.sum_depth(n)) + 3 * gamma64(n + 64);
    const double abs = taskvec_underflow(n);
    if (auto mm = gram_value("tv_dot", k.tv_dot(m.pre(), m.ft[0], m.ft[1], n), gram_entry(m, 0, 1), rel, abs)) return mm;
    return gram_value("tv_norm2", k.tv_norm2(m.pre(), m.ft[0], n), gram_entry(m, 0, 0), rel, abs);
  }
};

// The threshold by sorting, as ties_threshold defines it, over every part.
template <class E>
float sorted_threshold(const std::vector<Checkpoints<E>>& model, std::size_t t, double percent) {
  std::vector<float> mags;
  std::uint64_t total = 0;
  for (const auto& part : model) {
    total += part.n;
    for (std::size_t d = 0; d < part.n; ++d)
      if (const float a = std::fabs(part.tau(t, d)); !std::isnan(a)) mags.push_back(a);
  }
  std::sort(mags.begin(), mags.end(), std::greater<float>());
  const double p = percent > 0.0 ? std::min(percent, 100.0) : 0.0;
  // Whole percentages in integer arithmetic: the contract makes them exact.
  const std::uint64_t want = p == std::floor(p) ? total * static_cast<std::uint64_t>(p) / 100
                                                 : static_cast<std::uint64_t>(std::floor(p * static_cast<double>(total) / 100.0));
  const std::uint64_t m = std::min<std::uint64_t>(want, mags.size());
  return m == 0 ? std::numeric_limits<float>::quiet_NaN() : mags[m - 1];
}

// Task t's threshold through the kernel's histogram over every part.
template <class E>
float kernel_threshold(const TaskvecKernels& kt, const std::vector<Checkpoints<E>>& model, std::size_t t,
                       double percent) {
  std::uint64_t total = 0;
  for (const auto& part : model) total += part.n;
  return ties_threshold(percent, total, [&](std::int32_t prefix, std::uint64_t* hist) {
    for (const auto& part : model) kt.typed<E>().ties_histogram(part.pre(), part.ft[t], part.n, prefix, hist);
  });
}

// TIES over a model of up to five tensors (the knobs n..n5 are their sizes;
// the threshold is global over all of them) of k task vectors: the kernel's
// histogram at `prefix` of the last task of the first tensor (added to what
// the bins held) as the reference's, the last task's threshold at `percent`
// through the kernel's histogram as a sort finds it (once: ties_threshold
// walks 65536 bins twice, whatever n, and the kernel does not know which
// task it is given), the sign sums as the reference's, and the merge with the
// majority of their total (or, with the knob set, the other sign) bit for bit
// as the reference's.
struct TaskvecTies : Contract<float, TaskvecKernels> {
  static constexpr std::string_view name = "ties", cpp_name = "TaskvecTies";
  static constexpr std::array<KnobDef, 10> knobs{{{"k_minus_1", kMaxTasks}, {"n", 256}, {"n2", 64}, {"n3", 64},
                                                  {"n4", 64}, {"n5", 64}, {"dtype", 3}, {"prefix_plus_1", 65537},
                                                  {"other_majority", 2}, {"offset", 16}}};
  static constexpr std::array<std::string_view, 2> params{"percent", "lambda"};

  template <class E>
  static std::optional<Mismatch> run(const Table& kt, const Table& ref, const Case<T>& c) {
    const std::size_t k = c.knobs[0] % kMaxTasks + 1;
    std::vector<Checkpoints<E>> model;
    for (std::size_t part = 0, first = 0; part < 5; first += (k + 1) * c.knobs[1 + part], ++part)
      model.emplace_back(c.data, k, c.knobs[1 + part], c.knobs[9], first);
    const Checkpoints<E>& m0 = model[0];
    const auto prefix = static_cast<std::int32_t>(c.knobs[7]) - 1;
    std::vector<std::uint64_t> want(65536), got(65536);
    for (std::size_t b = 0; b < want.size(); ++b) want[b] = got[b] = b;
    ref.typed<E>().ties_histogram(m0.pre(), m0.ft[k - 1], m0.n, prefix, want.data());
    kt.typed<E>().ties_histogram(m0.pre(), m0.ft[k - 1], m0.n, prefix, got.data());
    // One comparison of the whole histogram first: libFuzzer traces every
    // comparison in this file, and 65536 of them per run would dominate.
    if (std::memcmp(want.data(), got.data(), want.size() * sizeof(want[0])) != 0) {
      const auto b = static_cast<std::size_t>(std::mismatch(want.begin(), want.end(), got.begin()).first - want.begin());
      return Mismatch{b, fmt::format("ties_histogram bin {} (prefix {}, the bin held {} before)", b, prefix, b),
                      std::to_string(want[b]), std::to_string(got[b])};
    }
    std::vector<float> thr(k);
    for (std::size_t t = 0; t < k; ++t) thr[t] = sorted_threshold(model, t, c.params[0]);
    if (const float got = kernel_threshold(kt, model, k - 1, c.params[0]); !same_float(got, thr[k - 1]))
      return Mismatch{k - 1, fmt::format("the threshold of task {} (through ties_histogram)", k - 1),
                      describe(thr[k - 1]), describe(got)};
    std::int64_t votes = 0;
    for (const auto& p : model) {
      const std::int64_t v = kt.typed<E>().ties_sign_sum(p.pre(), p.ft.data(), k, p.n, thr.data());
      const std::int64_t v_ref = ref.typed<E>().ties_sign_sum(p.pre(), p.ft.data(), k, p.n, thr.data());
      if (v != v_ref) return Mismatch{0, fmt::format("ties_sign_sum n={}", p.n), std::to_string(v_ref), std::to_string(v)};
      votes += v;
    }
    const float majority = (votes < 0) != (c.knobs[8] != 0) ? -1.0f : 1.0f;
    for (const auto& p : model) {
      std::vector<float> merged(p.n);
      ref.typed<E>().ties_merge(p.pre(), p.ft.data(), k, p.n, thr.data(), majority, c.params[1], merged.data());
      Guarded<float> out = Guarded<float>::at_offset(p.n, p.n % 16);
      kt.typed<E>().ties_merge(p.pre(), p.ft.data(), k, p.n, thr.data(), majority, c.params[1], out.data());
      if (!out.intact()) return canaries_overwritten(p.n, "ties_merge's out[0, n)");
      for (std::size_t d = 0; d < p.n; ++d)
        if (!same_float(out[d], merged[d]))
          return Mismatch{d, fmt::format("ties_merge n={} out[{}] (majority {})", p.n, d, majority),
                          describe(merged[d]), describe(out[d])};
    }
    return std::nullopt;
  }
  static std::optional<Mismatch> check(const Table& k, const Table& ref, const Case<T>& c) {
    return with_dtype(c.knobs[6], [&]<class E>(E*) { return run<E>(k, ref, c); });
  }
};

}  // namespace maskbench::conformance

#pragma once
// The taskvec family (maskbench/taskvec.hpp): gram, tv_dot and tv_norm2
// within the contract's bound of the exact value (a non-finite input gives a
// non-finite entry; where an f32 intermediate could overflow, any result);
// ties_histogram, ties_sign_sum and ties_merge exactly as the reference, for
// f32 and bf16 inputs. Products tau_i*tau_j below FLT_MIN are checked like
// any other, within the bound's absolute term (taskvec_underflow). Arrays
// alternate between ending at a guard page and starting `offset` elements
// past one; outputs sit between canaries.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "driver.hpp"
#include "harness/checks.hpp"
#include "maskbench/taskvec.hpp"

namespace maskbench::fuzz {

template <>
constexpr std::string_view table_name<TaskvecKernels> = "TaskvecKernels";

inline constexpr double kF32Risk = 0x1p126;

inline double gamma64(std::size_t h) {
  const double hu = static_cast<double>(h) * std::ldexp(1.0, -53);
  return hu / (1.0 - hu);
}

// theta_pre and k checkpoints of n elements from the data pool.
template <class E>
struct Checkpoints {
  std::size_t k, n;
  std::vector<conformance::Guarded<E>> arrays;
  std::vector<const E*> ft;
  Checkpoints(const Case<float>& c, std::size_t tasks, std::size_t len, std::size_t offset) : k(tasks), n(len) {
    for (std::size_t a = 0; a <= k; ++a) {
      arrays.push_back(a % 2 == 0 ? conformance::Guarded<E>::at_end(n) : conformance::Guarded<E>::at_offset(n, offset));
      for (std::size_t d = 0; d < n; ++d) {
        const float v = pool(c.data, a * n + d);
        if constexpr (std::is_same_v<E, float>)
          arrays.back()[d] = v;
        else
          arrays.back()[d] = to_bf16(v);
      }
    }
    for (std::size_t a = 1; a <= k; ++a) ft.push_back(arrays[a].data());
  }
  const E* pre() const { return arrays[0].data(); }
  float value(std::size_t a, std::size_t d) const { return widen(arrays[a][d]); }
};

template <class E>
const TaskvecTyped<E>& typed(const TaskvecKernels& k) {
  if constexpr (std::is_same_v<E, float>)
    return k.f32;
  else
    return k.bf16;
}

// A Gram entry: its exact value, the sum of magnitudes of its terms, whether
// an input is not finite and whether an f32 intermediate may overflow.
struct GramEntry {
  double exact = 0, abs_sum = 0;
  bool non_finite_input = false, risk = false;
};
template <class E>
GramEntry gram_entry(const Checkpoints<E>& m, std::size_t i, std::size_t j) {
  GramEntry g;
  for (std::size_t d = 0; d < m.n; ++d) {
    const float p = m.value(0, d), a = m.value(i + 1, d), b = m.value(j + 1, d);
    if (!std::isfinite(p) || !std::isfinite(a) || !std::isfinite(b)) {
      g.non_finite_input = true;
      continue;
    }
    const double ti = static_cast<double>(a) - p, tj = static_cast<double>(b) - p;
    const double prod = ti * tj;
    g.risk = g.risk || !std::isfinite(a - p) || !std::isfinite(b - p);
    g.exact += prod;
    g.abs_sum += std::fabs(prod);
  }
  g.risk = g.risk || g.abs_sum >= kF32Risk;
  return g;
}

inline std::optional<Mismatch> gram_value(std::string what, double got, const GramEntry& g, double rel,
                                          std::size_t n) {
  if (g.non_finite_input) {
    if (!std::isfinite(got)) return std::nullopt;
    return Mismatch{0, what + " (an input is not finite)", "NaN or an infinity", fmt::format("{}", got)};
  }
  if (g.risk) return std::nullopt;
  // The exact value, summed in double here, has its own error of at most
  // gamma64(n + 3) * abs_sum, included in rel by the callers.
  const double bound = rel * g.abs_sum + taskvec_underflow(n);
  if (std::fabs(got - g.exact) <= bound) return std::nullopt;
  return Mismatch{0, what, fmt::format("{} +- {}", g.exact, bound), fmt::format("{}", got)};
}

struct TaskvecGram {
  using T = float;
  using Table = TaskvecKernels;
  static constexpr std::string_view name = "gram", cpp_name = "TaskvecGram";
  static constexpr std::array<KnobDef, 4> knobs{{{"k_minus_1", kMaxTasks}, {"n", 256}, {"bf16", 2}, {"offset", 16}}};
  static constexpr std::array<std::string_view, 0> params{};

  template <class E>
  static std::optional<Mismatch> run(const Table& kt, const Case<T>& c) {
    const std::size_t k = c.knobs[0] + 1, n = c.knobs[1];
    const Checkpoints<E> m(c, k, n, c.knobs[3]);
    conformance::Guarded<double> out = conformance::Guarded<double>::at_offset(k * k, 3);
    typed<E>(kt).gram(m.pre(), m.ft.data(), k, n, out.data());
    if (!out.intact()) return Mismatch{k * k, "the canaries around out[0, k*k)", "intact", "overwritten"};
    const double rel = conformance::gamma_f32(kt.sum_depth(n)) + 2 * gamma64(n + 64) + gamma64(n + 3);
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = 0; j < k; ++j) {
        const double got = out[i * k + j];
        const GramEntry g = gram_entry(m, i, j);
        if (!g.non_finite_input && !g.risk && got != out[j * k + i])
          return Mismatch{i * k + j, fmt::format("out[{}] (entry ({}, {}), symmetry)", i * k + j, i, j),
                          fmt::format("{}", out[j * k + i]), fmt::format("{}", got)};
        if (auto mm = gram_value(fmt::format("out[{}] (entry ({}, {}))", i * k + j, i, j), got, g, rel, n)) {
          mm->lane = i * k + j;
          return mm;
        }
      }
    return std::nullopt;
  }
  static std::optional<Mismatch> check(const Table& k, const Table&, const Case<T>& c) {
    return c.knobs[2] ? run<Bf16>(k, c) : run<float>(k, c);
  }
};

struct TaskvecDot {
  using T = float;
  using Table = TaskvecKernels;
  static constexpr std::string_view name = "tv_dot", cpp_name = "TaskvecDot";
  static constexpr std::array<KnobDef, 2> knobs{{{"n", 256}, {"offset", 16}}};
  static constexpr std::array<std::string_view, 0> params{};
  static std::optional<Mismatch> check(const Table& k, const Table&, const Case<T>& c) {
    const std::size_t n = c.knobs[0];
    const Checkpoints<float> m(c, 2, n, c.knobs[1]);
    const double rel = conformance::gamma_f32(k.sum_depth(n)) + 3 * gamma64(n + 64);
    if (auto mm = gram_value("tv_dot", k.tv_dot(m.pre(), m.ft[0], m.ft[1], n), gram_entry(m, 0, 1), rel, n))
      return mm;
    return gram_value("tv_norm2", k.tv_norm2(m.pre(), m.ft[0], n), gram_entry(m, 0, 0), rel, n);
  }
};

struct TaskvecTies {
  using T = float;
  using Table = TaskvecKernels;
  static constexpr std::string_view name = "ties", cpp_name = "TaskvecTies";
  static constexpr std::array<KnobDef, 6> knobs{
      {{"k_minus_1", kMaxTasks}, {"n", 256}, {"bf16", 2}, {"prefix_plus_1", 65537}, {"majority", 2}, {"offset", 16}}};
  static constexpr std::array<std::string_view, 2> params{"threshold", "lambda"};

  template <class E>
  static std::optional<Mismatch> run(const Table& kt, const Table& ref, const Case<T>& c) {
    const std::size_t k = c.knobs[0] + 1, n = c.knobs[1];
    const Checkpoints<E> m(c, k, n, c.knobs[5]);
    const auto prefix = static_cast<std::int32_t>(c.knobs[3]) - 1;
    std::vector<std::uint64_t> want(65536), got(65536);
    typed<E>(ref).ties_histogram(m.pre(), m.ft[k - 1], n, prefix, want.data());
    typed<E>(kt).ties_histogram(m.pre(), m.ft[k - 1], n, prefix, got.data());
    // One comparison of the whole histogram first: libFuzzer traces every
    // comparison in this file, and 65536 of them per run would dominate.
    if (std::memcmp(want.data(), got.data(), want.size() * sizeof(want[0])) != 0) {
      const auto b = static_cast<std::size_t>(std::mismatch(want.begin(), want.end(), got.begin()).first - want.begin());
      return Mismatch{b, fmt::format("ties_histogram bin {} (prefix {})", b, prefix), std::to_string(want[b]),
                      std::to_string(got[b])};
    }
    const std::vector<float> thr(k, c.params[0]);
    const std::int64_t votes = typed<E>(ref).ties_sign_sum(m.pre(), m.ft.data(), k, n, thr.data());
    const std::int64_t votes_got = typed<E>(kt).ties_sign_sum(m.pre(), m.ft.data(), k, n, thr.data());
    if (votes != votes_got) return Mismatch{0, "ties_sign_sum", std::to_string(votes), std::to_string(votes_got)};
    const float majority = c.knobs[4] ? -1.0f : 1.0f;
    std::vector<float> merged(n);
    typed<E>(ref).ties_merge(m.pre(), m.ft.data(), k, n, thr.data(), majority, c.params[1], merged.data());
    conformance::Guarded<float> out = conformance::Guarded<float>::at_offset(n, n % 16);
    typed<E>(kt).ties_merge(m.pre(), m.ft.data(), k, n, thr.data(), majority, c.params[1], out.data());
    if (!out.intact()) return Mismatch{n, "the canaries around ties_merge's out[0, n)", "intact", "overwritten"};
    for (std::size_t d = 0; d < n; ++d)
      if (!conformance::same_float(out[d], merged[d]))
        return Mismatch{d, fmt::format("ties_merge out[{}]", d), conformance::describe(merged[d]),
                        conformance::describe(out[d])};
    return std::nullopt;
  }
  static std::optional<Mismatch> check(const Table& k, const Table& ref, const Case<T>& c) {
    return c.knobs[2] ? run<Bf16>(k, ref, c) : run<float>(k, ref, c);
  }
};

}  // namespace maskbench::fuzz

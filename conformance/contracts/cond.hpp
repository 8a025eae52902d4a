#pragma once
// The cond family's contracts (maskbench/cond.hpp): select and guarded_div bit
// for bit as the reference, in place or not, guarded_div raising no
// floating-point exception that the reference does not (masked-off lanes must
// not divide); masked_sum's count exactly and its sum within
// gamma(masked_sum_depth(n)) * sum|x_i| of the exact sum, infinities exactly,
// anything non-finite where a partial sum may overflow.
#include <cfenv>
#include <cmath>
#include <limits>

#include "contracts/contract.hpp"
#include "maskbench/cond.hpp"

namespace maskbench::conformance {

template <>
inline constexpr std::string_view table_name<CondKernels> = "CondKernels";

struct CondSelect : Contract<float, CondKernels> {
  static constexpr std::string_view name = "select", cpp_name = "CondSelect";
  static constexpr std::array<KnobDef, 2> knobs{{{"offset", 16}, {"in_place", 2}}};
  static constexpr std::array<std::string_view, 4> params{"t", "a", "b", "c"};
  static std::optional<Mismatch> check(const Table& k, const Table& ref, const Case<T>& c) {
    const auto& p = c.params;
    return elementwise_mismatch(c.data, c.knobs[0], c.knobs[1] != 0,
                                [&](bool reference, const float* x, float* y, std::size_t n) {
                                  (reference ? ref : k).select(x, y, n, p[0], p[1], p[2], p[3]);
                                });
  }
};

inline std::string fe_names(int flags) {
  if (flags == 0) return "none";
  return fmt::format("{}{}", flags & FE_DIVBYZERO ? "FE_DIVBYZERO " : "", flags & FE_INVALID ? "FE_INVALID" : "");
}

struct CondGuardedDiv : Contract<float, CondKernels> {
  static constexpr std::string_view name = "guarded_div", cpp_name = "CondGuardedDiv";
  static constexpr std::array<KnobDef, 2> knobs{{{"offset", 16}, {"in_place", 2}}};
  static constexpr std::array<std::string_view, 1> params{"a"};
  static std::optional<Mismatch> check(const Table& k, const Table& ref, const Case<T>& c) {
    const float a = c.params[0];
    int raised[2] = {0, 0};
    auto m = elementwise_mismatch(c.data, c.knobs[0], c.knobs[1] != 0,
                                  [&](bool reference, const float* x, float* y, std::size_t n) {
                                    std::feclearexcept(FE_ALL_EXCEPT);
                                    (reference ? ref : k).guarded_div(x, y, n, a);
                                    raised[reference] = std::fetestexcept(FE_DIVBYZERO | FE_INVALID);
                                  });
    if (m || (raised[0] & ~raised[1]) == 0) return m;
    return Mismatch{0, "the floating-point exceptions raised (masked-off lanes must raise none)", fe_names(raised[1]),
                    fe_names(raised[0])};
  }
};

// The sum is checked against the exact one, not the reference's: the scalar
// reference is held to the bound like every other implementation. The input
// ends at a guard page.
struct CondMaskedSum : Contract<float, CondKernels> {
  static constexpr std::string_view name = "masked_sum", cpp_name = "CondMaskedSum";
  static constexpr std::array<KnobDef, 0> knobs{};
  static constexpr std::array<std::string_view, 2> params{"lo", "hi"};
  static std::optional<Mismatch> check(const Table& k, const Table&, const Case<T>& c) {
    const float lo = c.params[0], hi = c.params[1];
    const std::size_t n = c.data.size();
    Guarded<float> in = Guarded<float>::at_end(n);
    std::copy(c.data.begin(), c.data.end(), in.data());
    const MaskedSum got = k.masked_sum(in.data(), n, lo, hi);
    double exact = 0.0, abs_sum = 0.0;
    std::uint64_t count = 0;
    bool pos_inf = false, neg_inf = false;
    for (float v : c.data)
      if (lo <= v && v < hi) {
        ++count;
        if (std::isinf(v))
          (v > 0 ? pos_inf : neg_inf) = true;
        else {
          exact += v;
          abs_sum += std::fabs(v);
        }
      }
    if (got.count != count) return Mismatch{0, "the count", std::to_string(count), std::to_string(got.count)};
    const double bound = gamma_f32(k.masked_sum_depth(n)) * abs_sum;
    // Partial sums are at most abs_sum + bound in magnitude: below FLT_MAX, no
    // summation order can overflow, and the contract is exact about infinities.
    if (abs_sum + bound >= std::numeric_limits<float>::max() && !std::isfinite(got.sum)) return std::nullopt;
    if (pos_inf && neg_inf) {
      if (std::isnan(got.sum)) return std::nullopt;
      return Mismatch{0, "the sum (+inf and -inf qualify)", "NaN", describe(got.sum)};
    }
    if (pos_inf || neg_inf) {
      const float inf = pos_inf ? std::numeric_limits<float>::infinity() : -std::numeric_limits<float>::infinity();
      if (got.sum == inf) return std::nullopt;
      return Mismatch{0, "the sum (an infinity qualifies)", describe(inf), describe(got.sum)};
    }
    if (std::fabs(static_cast<double>(got.sum) - exact) <= bound) return std::nullopt;
    return Mismatch{0, fmt::format("the sum (depth {}, bound {})", k.masked_sum_depth(n), bound),
                    fmt::format("{} +- {}", exact, bound), describe(got.sum)};
  }
};

}  // namespace maskbench::conformance

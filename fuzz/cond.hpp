#pragma once
// The cond family (maskbench/cond.hpp): select and guarded_div bit-exact
// against the reference, in place or not, with no floating-point exception
// that the reference does not raise; masked_sum's count exactly and its sum
// within the contract's bound.
#include <cfenv>

#include "driver.hpp"
#include "harness/checks.hpp"
#include "maskbench/cond.hpp"

namespace maskbench::fuzz {

template <>
constexpr std::string_view table_name<CondKernels> = "CondKernels";

struct CondSelect {
  using T = float;
  using Table = CondKernels;
  static constexpr std::string_view name = "select", cpp_name = "CondSelect";
  static constexpr std::array<KnobDef, 2> knobs{{{"offset", 16}, {"in_place", 2}}};
  static constexpr std::array<std::string_view, 4> params{"t", "a", "b", "c"};
  static std::optional<Mismatch> check(const Table& k, const Table& ref, const Case<T>& c) {
    const auto& p = c.params;
    return conformance::elementwise_mismatch(c.data, c.knobs[0], c.knobs[1] != 0,
                                             [&](bool reference, const float* x, float* y, std::size_t n) {
                                               (reference ? ref : k).select(x, y, n, p[0], p[1], p[2], p[3]);
                                             });
  }
};

inline std::string fe_names(int flags) {
  if (flags == 0) return "none";
  return fmt::format("{}{}", flags & FE_DIVBYZERO ? "FE_DIVBYZERO " : "", flags & FE_INVALID ? "FE_INVALID" : "");
}

struct CondGuardedDiv {
  using T = float;
  using Table = CondKernels;
  static constexpr std::string_view name = "guarded_div", cpp_name = "CondGuardedDiv";
  static constexpr std::array<KnobDef, 2> knobs{{{"offset", 16}, {"in_place", 2}}};
  static constexpr std::array<std::string_view, 1> params{"a"};
  static std::optional<Mismatch> check(const Table& k, const Table& ref, const Case<T>& c) {
    const float a = c.params[0];
    int raised[2] = {0, 0};
    auto m = conformance::elementwise_mismatch(c.data, c.knobs[0], c.knobs[1] != 0,
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

struct CondMaskedSum {
  using T = float;
  using Table = CondKernels;
  static constexpr std::string_view name = "masked_sum", cpp_name = "CondMaskedSum";
  static constexpr std::array<KnobDef, 0> knobs{};
  static constexpr std::array<std::string_view, 2> params{"lo", "hi"};
  static std::optional<Mismatch> check(const Table& k, const Table&, const Case<T>& c) {
    return conformance::masked_sum_mismatch(k, c.data, c.params[0], c.params[1]);
  }
};

}  // namespace maskbench::fuzz

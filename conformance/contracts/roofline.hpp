#pragma once
// The roofline family's contracts (maskbench/roofline.hpp): a probe whose
// work is not the work it claims would make every fraction in the report
// wrong, so each result is checked exactly. read_sum must be exact where every
// partial sum is an integer below 2^24: the data are bytes read as integers
// x - 128 (so any n below 2^17 stays exact; larger sums take bytes near 128);
// the input ends at a guard page. madd_chains must give, bit for bit, the sum
// in double of madd_lanes() chains v = v*a + b started at x + j, where a is a
// power of two and x and b are integers, so that fused and unfused steps agree.
#include <cmath>

#include "contracts/contract.hpp"
#include "maskbench/roofline.hpp"

namespace maskbench::conformance {

template <>
inline constexpr std::string_view table_name<RooflineKernels> = "RooflineKernels";

struct RooflineReadSum : Contract<std::uint8_t, RooflineKernels> {
  static constexpr std::string_view name = "read_sum", cpp_name = "RooflineReadSum";
  static constexpr std::array<KnobDef, 0> knobs{};
  static constexpr std::array<std::string_view, 0> params{};
  static std::optional<Mismatch> check(const Table& k, const Table&, const Case<T>& c) {
    const std::size_t n = c.data.size();
    Guarded<float> x = Guarded<float>::at_end(n);
    double exact = 0;
    for (std::size_t i = 0; i < n; ++i) {
      x[i] = static_cast<float>(static_cast<int>(c.data[i]) - 128);
      exact += x[i];
    }
    const float got = k.read_sum(x.data(), n);
    if (!x.intact()) return canaries_overwritten(n, "the input");
    if (static_cast<double>(got) == exact) return std::nullopt;
    return Mismatch{0, "the sum", fmt::format("{}", exact), describe(got)};
  }
};

struct RooflineMadd : Contract<float, RooflineKernels> {
  static constexpr std::string_view name = "madd_chains", cpp_name = "RooflineMadd";
  static constexpr std::array<KnobDef, 4> knobs{
      {{"x_plus_128", 256}, {"b_plus_128", 256}, {"a_log2_plus_2", 5}, {"steps", 65}}};
  static constexpr std::array<std::string_view, 0> params{};
  static std::optional<Mismatch> check(const Table& k, const Table&, const Case<T>& c) {
    const float x = static_cast<float>(static_cast<int>(c.knobs[0]) - 128);
    const float b = static_cast<float>(static_cast<int>(c.knobs[1]) - 128);
    const float a = std::ldexp(1.0f, static_cast<int>(c.knobs[2]) - 2);
    const std::size_t steps = c.knobs[3];
    double want = 0;
    for (std::size_t j = 0; j < k.madd_lanes(); ++j) {
      float v = x + static_cast<float>(j);
      for (std::size_t s = 0; s < steps; ++s) v = v * a + b;
      want += v;
    }
    const double got = k.madd_chains(x, a, b, steps);
    if (got == want || (std::isnan(got) && std::isnan(want))) return std::nullopt;
    return Mismatch{0, fmt::format("the sum of {} chains", k.madd_lanes()), fmt::format("{}", want),
                    fmt::format("{}", got)};
  }
};

}  // namespace maskbench::conformance

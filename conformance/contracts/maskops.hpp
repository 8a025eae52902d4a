#pragma once
// The maskops family's contracts (maskbench/maskops.hpp), one vector at a
// time against the scalar meaning of each primitive: compare (IEEE: NaN
// compares false, != true), the tail mask, mask logic and queries, blend, and
// the tail copy, whose source ends at a guard page and whose destination sits
// between canaries. Vectors of W lanes are filled from the data pool.
#include <bit>
#include <tuple>

#include "contracts/contract.hpp"
#include "maskbench/maskops.hpp"

namespace maskbench::conformance {

template <>
inline constexpr std::string_view table_name<MaskOpsKernels> = "MaskOpsKernels";

inline std::uint64_t all_lanes(std::size_t w) { return w >= 64 ? ~0ull : (1ull << w) - 1; }

// The first lane where two masks differ, as a Mismatch.
inline std::optional<Mismatch> mask_mismatch(std::string_view what, std::uint64_t want, std::uint64_t got) {
  if (want == got) return std::nullopt;
  const auto lane = static_cast<std::size_t>(std::countr_zero(want ^ got));
  return Mismatch{lane, fmt::format("{} lane {}", what, lane), fmt::format("{:#x}", want), fmt::format("{:#x}", got)};
}
inline std::optional<Mismatch> value_mismatch(std::string_view what, std::int64_t want, std::int64_t got) {
  if (want == got) return std::nullopt;
  return Mismatch{0, std::string(what), std::to_string(want), std::to_string(got)};
}

// Two vectors from the pool: a = pool[0, W), b = pool[W, 2W).
inline std::pair<std::vector<float>, std::vector<float>> two_vectors(const std::vector<float>& data, std::size_t w) {
  std::pair<std::vector<float>, std::vector<float>> v{std::vector<float>(w), std::vector<float>(w)};
  for (std::size_t i = 0; i < w; ++i) {
    v.first[i] = pool(data, i);
    v.second[i] = pool(data, w + i);
  }
  return v;
}

struct MaskCompare : Contract<float, MaskOpsKernels> {
  static constexpr std::string_view name = "compare", cpp_name = "MaskCompare";
  static constexpr std::array<KnobDef, 1> knobs{{{"op", 6}}};
  static constexpr std::array<std::string_view, 0> params{};
  static std::optional<Mismatch> check(const Table& k, const Table&, const Case<T>& c) {
    const auto [a, b] = two_vectors(c.data, k.width());
    const auto op = static_cast<CmpOp>(c.knobs[0]);
    std::uint64_t want = 0;
    for (std::size_t i = 0; i < k.width(); ++i) {
      const bool r = op == CmpOp::gt   ? a[i] > b[i]
                     : op == CmpOp::ge ? a[i] >= b[i]
                     : op == CmpOp::lt ? a[i] < b[i]
                     : op == CmpOp::le ? a[i] <= b[i]
                     : op == CmpOp::eq ? a[i] == b[i]
                                       : a[i] != b[i];
      want |= std::uint64_t{r} << i;
    }
    return mask_mismatch(fmt::format("compare op {}", c.knobs[0]), want, k.compare(a.data(), b.data(), op));
  }
};

struct MaskLogicAndQueries : Contract<float, MaskOpsKernels> {
  static constexpr std::string_view name = "logic", cpp_name = "MaskLogicAndQueries";
  static constexpr std::array<KnobDef, 3> knobs{{{"a", 65536}, {"b", 65536}, {"tail", 20}}};
  static constexpr std::array<std::string_view, 0> params{};
  static std::optional<Mismatch> check(const Table& k, const Table&, const Case<T>& c) {
    const std::size_t w = k.width();
    const std::uint64_t all = all_lanes(w), a = c.knobs[0] & all, b = c.knobs[1] & all;
    const auto signed_count = [](std::uint64_t v) { return static_cast<std::int64_t>(v); };
    std::optional<Mismatch> m;
    for (const auto& [what, want, got] : {
             std::tuple{"tail", all_lanes(std::min(c.knobs[2], w)), k.tail(c.knobs[2])},
             std::tuple{"and", a & b, k.logic(a, b, MaskLogic::and_)},
             std::tuple{"or", a | b, k.logic(a, b, MaskLogic::or_)},
             std::tuple{"xor", a ^ b, k.logic(a, b, MaskLogic::xor_)},
             std::tuple{"andnot", a & ~b & all, k.logic(a, b, MaskLogic::andnot)},
             std::tuple{"not", ~a & all, k.logic(a, b, MaskLogic::not_)},
         })
      if (!m) m = mask_mismatch(what, want, got);
    for (const auto& [what, want, got] : {
             std::tuple{"trueCount", signed_count(std::popcount(a)), signed_count(k.true_count(a))},
             std::tuple{"firstTrue", signed_count(a ? std::countr_zero(a) : w), signed_count(k.first_true(a))},
             std::tuple{"lastTrue", a ? std::int64_t{63 - std::countl_zero(a)} : -1, std::int64_t{k.last_true(a)}},
             std::tuple{"anyTrue", std::int64_t{a != 0}, std::int64_t{k.any_true(a)}},
             std::tuple{"allTrue", std::int64_t{a == all}, std::int64_t{k.all_true(a)}},
         })
      if (!m) m = value_mismatch(what, want, got);
    return m;
  }
};

// out[i] = mask bit i ? t[i] : f[i], t = pool[0, W), f = pool[W, 2W).
struct MaskBlend : Contract<float, MaskOpsKernels> {
  static constexpr std::string_view name = "blend", cpp_name = "MaskBlend";
  static constexpr std::array<KnobDef, 1> knobs{{{"mask", 65536}}};
  static constexpr std::array<std::string_view, 0> params{};
  static std::optional<Mismatch> check(const Table& k, const Table&, const Case<T>& c) {
    const auto [t, f] = two_vectors(c.data, k.width());
    std::vector<float> out(k.width());
    const std::uint64_t m = c.knobs[0] & all_lanes(k.width());
    k.blend(m, t.data(), f.data(), out.data());
    for (std::size_t i = 0; i < k.width(); ++i) {
      const float want = (m >> i) & 1 ? t[i] : f[i];
      if (!same_bits(out[i], want)) return Mismatch{i, fmt::format("out[{}]", i), show(want), show(out[i])};
    }
    return std::nullopt;
  }
};

// copy_tail of min(k, W) elements from the pool.
struct MaskCopyTail : Contract<float, MaskOpsKernels> {
  static constexpr std::string_view name = "copy_tail", cpp_name = "MaskCopyTail";
  static constexpr std::array<KnobDef, 2> knobs{{{"k", 65}, {"offset", 16}}};
  static constexpr std::array<std::string_view, 0> params{};
  static std::optional<Mismatch> check(const Table& k, const Table&, const Case<T>& c) {
    const std::size_t n = std::min(c.knobs[0], k.width());
    std::vector<float> src(n);
    for (std::size_t i = 0; i < n; ++i) src[i] = pool(c.data, i);
    return elementwise_mismatch(src, c.knobs[1], false, [&](bool reference, const float* x, float* y, std::size_t len) {
      if (reference)
        std::copy(x, x + len, y);
      else
        k.copy_tail(x, y, len);
    });
  }
};

}  // namespace maskbench::conformance

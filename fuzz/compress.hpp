#pragma once
// The compress family (maskbench/compress.hpp): every kernel, and every
// variant of the 32-bit ones, bit-exact against the scalar reference, with
// the memory contract: the input ends at a guard page, nothing is written
// past the count, nothing around the output changes, and expand reads
// exactly src[0, count) and leaves clear lanes untouched.
#include <limits>

#include "driver.hpp"
#include "harness/checks.hpp"
#include "maskbench/compress.hpp"

namespace maskbench::fuzz {

template <>
constexpr std::string_view table_name<CompressKernels> = "CompressKernels";

inline std::int32_t to_i32(float v) {
  if (std::isnan(v)) return 0;
  return static_cast<std::int32_t>(std::clamp(static_cast<double>(v), -2147483648.0, 2147483647.0));
}

// A 32-bit compress kernel of one variant (the knob picks the table's own
// kernels or one of its variants), compared with the reference's output.
template <class In, class Out, class Param, auto Member>
std::optional<Mismatch> compress_variant(const CompressKernels& k, const CompressKernels& ref,
                                         std::span<const In> x, Param t, std::size_t variant, std::size_t offset,
                                         bool out_at_end) {
  const std::vector<CompressVariant> sets = conformance::compress_kernel_sets(k);
  const CompressVariant& set = sets[variant % sets.size()];
  std::vector<Out> want(x.size());
  want.resize((conformance::compress_kernel_sets(ref)[0].*Member)(x.data(), want.data(), x.size(), t));
  return conformance::compress_mismatch<In, Out>(x, want, offset, out_at_end, [&](const In* in, Out* out, std::size_t n) {
    return (set.*Member)(in, out, n, t);
  });
}

#define MB_FUZZ_COMPRESS32(NAME, CPP_NAME, IN, OUT, PARAM)                                                         \
  struct CPP_NAME {                                                                                                \
    using T = IN;                                                                                                  \
    using Table = CompressKernels;                                                                                 \
    static constexpr std::string_view name = #NAME, cpp_name = #CPP_NAME;                                         \
    static constexpr std::array<KnobDef, 3> knobs{{{"variant", 8}, {"offset", 16}, {"out_at_end", 2}}};           \
    static constexpr std::array<std::string_view, 1> params{"t"};                                                  \
    static std::optional<Mismatch> check(const Table& k, const Table& ref, const Case<T>& c) {                     \
      return compress_variant<IN, OUT, decltype(PARAM(0.0f)), &CompressVariant::NAME>(                             \
          k, ref, c.data, PARAM(c.params[0]), c.knobs[0], c.knobs[1], c.knobs[2] != 0);                            \
    }                                                                                                              \
  }

inline float as_f32(float v) { return v; }
MB_FUZZ_COMPRESS32(compress_f32, CompressF32, float, float, as_f32);
MB_FUZZ_COMPRESS32(compress_i32, CompressI32, std::int32_t, std::int32_t, to_i32);
MB_FUZZ_COMPRESS32(compress_index, CompressIndex, float, std::uint32_t, as_f32);
#undef MB_FUZZ_COMPRESS32

struct CompressU8 {
  using T = std::uint8_t;
  using Table = CompressKernels;
  static constexpr std::string_view name = "compress_u8", cpp_name = "CompressU8";
  static constexpr std::array<KnobDef, 3> knobs{{{"c", 256}, {"offset", 64}, {"out_at_end", 2}}};
  static constexpr std::array<std::string_view, 0> params{};
  static std::optional<Mismatch> check(const Table& k, const Table& ref, const Case<T>& c) {
    const auto ch = static_cast<std::uint8_t>(c.knobs[0]);
    std::vector<std::uint8_t> want(c.data.size());
    want.resize(ref.compress_u8(c.data.data(), want.data(), c.data.size(), ch));
    return conformance::compress_mismatch<std::uint8_t, std::uint8_t>(
        c.data, want, c.knobs[1], c.knobs[2] != 0,
        [&](const std::uint8_t* in, std::uint8_t* out, std::size_t n) { return k.compress_u8(in, out, n, ch); });
  }
};

// The data are the mask bytes; the source values are 1, 2, 3, ... (moved,
// never computed, so distinct values are all a check needs).
struct CompressExpand {
  using T = std::uint8_t;
  using Table = CompressKernels;
  static constexpr std::string_view name = "expand_f32", cpp_name = "CompressExpand";
  static constexpr std::array<KnobDef, 2> knobs{{{"offset", 16}, {"out_at_end", 2}}};
  static constexpr std::array<std::string_view, 0> params{};
  static std::optional<Mismatch> check(const Table& k, const Table& ref, const Case<T>& c) {
    using conformance::Guarded;
    const std::size_t n = c.data.size();
    std::size_t count = 0;
    for (std::uint8_t b : c.data) count += b != 0;
    Guarded<float> src = Guarded<float>::at_end(count);
    for (std::size_t j = 0; j < count; ++j) src[j] = static_cast<float>(j + 1);
    Guarded<std::uint8_t> mask = Guarded<std::uint8_t>::at_end(n);
    std::copy(c.data.begin(), c.data.end(), mask.data());
    Guarded<float> want = Guarded<float>::at_end(n);
    want.poison();
    const std::size_t want_count = ref.expand_f32(src.data(), mask.data(), want.data(), n);
    Guarded<float> out = c.knobs[1] ? Guarded<float>::at_end(n) : Guarded<float>::at_offset(n, c.knobs[0]);
    out.poison();
    const std::size_t got = k.expand_f32(src.data(), mask.data(), out.data(), n);
    if (got != want_count) return Mismatch{0, "the count", std::to_string(want_count), std::to_string(got)};
    for (std::size_t i = 0; i < n; ++i)
      if (!conformance::same_bits(out[i], want[i]))
        return Mismatch{i, fmt::format("out[{}] (mask {:#04x})", i, c.data[i]),
                        c.data[i] ? conformance::show(want[i]) : "untouched", conformance::show(out[i])};
    if (!out.intact()) return Mismatch{n, fmt::format("the canaries around out[0, {})", n), "intact", "overwritten"};
    return std::nullopt;
  }
};

}  // namespace maskbench::fuzz

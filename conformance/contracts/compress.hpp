#pragma once
// The compress family's contracts (maskbench/compress.hpp): every kernel, and
// every variant of the 32-bit ones, against the definition computed here, bit
// for bit. Beyond values and counts, the memory contract: the input ends at a
// guard page (no over-read), the output is poisoned so that out[count, n)
// must still hold the canary directly after out[count - 1], and the output
// either ends at a guard page or sits between canaries that must survive;
// expand reads exactly src[0, count) and leaves clear lanes untouched.
#include <span>
#include <type_traits>

#include "contracts/contract.hpp"
#include "maskbench/compress.hpp"

namespace maskbench::conformance {

template <>
inline constexpr std::string_view table_name<CompressKernels> = "CompressKernels";

// count and out[0, count) equal `want`, out[count, n) still holds the poison
// and nothing around out changed. run(x, out, n) returns the count.
template <class In, class Out, class Run>
std::optional<Mismatch> compress_mismatch(std::span<const In> x, std::span<const Out> want, std::size_t offset,
                                          bool out_at_end, Run&& run) {
  const std::size_t n = x.size();
  Guarded<In> in = Guarded<In>::at_end(n);
  std::copy(x.begin(), x.end(), in.data());
  Guarded<Out> out = out_at_end ? Guarded<Out>::at_end(n) : Guarded<Out>::at_offset(n, offset);
  out.poison();
  const std::size_t got = run(in.data(), out.data(), n);
  if (got != want.size()) return Mismatch{0, "the count", std::to_string(want.size()), std::to_string(got)};
  for (std::size_t j = 0; j < got; ++j)
    if (!same_bits(out[j], want[j])) return Mismatch{j, fmt::format("out[{}]", j), show(want[j]), show(out[j])};
  for (std::size_t j = got; j < n; ++j)
    if (!out.untouched(j, j + 1))
      return Mismatch{j, fmt::format("out[{}], past the count {}", j, got), "untouched", "written"};
  if (!out.intact()) return canaries_overwritten(n, fmt::format("out[0, {})", n));
  return std::nullopt;
}

// [x[i] (or i, for an index output) for i in [0, n) if keep(x[i])].
template <class In, class Out, class Keep>
std::vector<Out> compress_definition(std::span<const In> x, Keep keep) {
  std::vector<Out> want;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (keep(x[i])) {
      if constexpr (std::is_same_v<In, Out>)
        want.push_back(x[i]);
      else
        want.push_back(static_cast<Out>(i));
    }
  return want;
}

// The 32-bit kernel sets of a table: its own kernels (named after the variant
// it chose), then each variant.
inline std::vector<CompressVariant> compress_kernel_sets(const CompressKernels& k) {
  std::vector<CompressVariant> sets = {{k.chosen_variant(), k.compress_f32, k.compress_i32, k.compress_index}};
  sets.insert(sets.end(), k.variants.begin(), k.variants.end());
  return sets;
}

// A 32-bit kernel keeps x > t; the knob `variant` picks the table's own
// kernels (0) or one of its variants.
template <class In, class Out, auto Member>
struct Compress32 : Contract<In, CompressKernels, In> {
  static constexpr std::array<KnobDef, 3> knobs{{{"variant", 8}, {"offset", 16}, {"out_at_end", 2}}};
  static constexpr std::array<std::string_view, 1> params{"t"};
  static std::optional<Mismatch> check(const CompressKernels& k, const CompressKernels&, const Case<In, In>& c) {
    const std::vector<CompressVariant> sets = compress_kernel_sets(k);
    const std::size_t si = c.knobs[0] % sets.size();
    const auto fn = sets[si].*Member;
    const In t = c.params[0];
    auto m = compress_mismatch<In, Out>(c.data, compress_definition<In, Out>(c.data, [t](In v) { return v > t; }),
                                        c.knobs[1], c.knobs[2] != 0,
                                        [&](const In* in, Out* out, std::size_t n) { return fn(in, out, n, t); });
    if (m) m->what += si == 0 ? fmt::format(" [table, chose {}]", sets[si].name) : fmt::format(" [variant {}]", sets[si].name);
    return m;
  }
};
struct CompressF32 : Compress32<float, float, &CompressVariant::compress_f32> {
  static constexpr std::string_view name = "compress_f32", cpp_name = "CompressF32";
};
struct CompressI32 : Compress32<std::int32_t, std::int32_t, &CompressVariant::compress_i32> {
  static constexpr std::string_view name = "compress_i32", cpp_name = "CompressI32";
};
struct CompressIndex : Compress32<float, std::uint32_t, &CompressVariant::compress_index> {
  static constexpr std::string_view name = "compress_index", cpp_name = "CompressIndex";
};

// compress_u8 keeps the bytes x != c.
struct CompressU8 : Contract<std::uint8_t, CompressKernels> {
  static constexpr std::string_view name = "compress_u8", cpp_name = "CompressU8";
  static constexpr std::array<KnobDef, 3> knobs{{{"c", 256}, {"offset", 64}, {"out_at_end", 2}}};
  static constexpr std::array<std::string_view, 0> params{};
  static std::optional<Mismatch> check(const Table& k, const Table&, const Case<T>& c) {
    const auto ch = static_cast<std::uint8_t>(c.knobs[0]);
    return compress_mismatch<std::uint8_t, std::uint8_t>(
        c.data, compress_definition<std::uint8_t, std::uint8_t>(c.data, [ch](std::uint8_t v) { return v != ch; }),
        c.knobs[1], c.knobs[2] != 0,
        [&](const std::uint8_t* in, std::uint8_t* out, std::size_t n) { return k.compress_u8(in, out, n, ch); });
  }
};

// expand_f32: the data are the mask bytes; the source holds exactly count
// values 1, 2, 3, ... (moved, never computed, so distinct values are all a
// check needs) and ends at a guard page; set lanes take them in order.
struct CompressExpand : Contract<std::uint8_t, CompressKernels> {
  static constexpr std::string_view name = "expand_f32", cpp_name = "CompressExpand";
  static constexpr std::array<KnobDef, 2> knobs{{{"offset", 16}, {"out_at_end", 2}}};
  static constexpr std::array<std::string_view, 0> params{};
  static std::optional<Mismatch> check(const Table& k, const Table&, const Case<T>& c) {
    const std::size_t n = c.data.size();
    std::size_t count = 0;
    for (std::uint8_t b : c.data) count += b != 0;
    Guarded<float> src = Guarded<float>::at_end(count);
    for (std::size_t j = 0; j < count; ++j) src[j] = static_cast<float>(j + 1);
    Guarded<std::uint8_t> mask = Guarded<std::uint8_t>::at_end(n);
    std::copy(c.data.begin(), c.data.end(), mask.data());
    Guarded<float> out = c.knobs[1] ? Guarded<float>::at_end(n) : Guarded<float>::at_offset(n, c.knobs[0]);
    out.poison();
    const std::size_t got = k.expand_f32(src.data(), mask.data(), out.data(), n);
    if (got != count) return Mismatch{0, "the count", std::to_string(count), std::to_string(got)};
    for (std::size_t i = 0, j = 0; i < n; ++i) {
      const std::string what = fmt::format("out[{}] (mask {:#04x})", i, c.data[i]);
      if (c.data[i] == 0) {
        if (!out.untouched(i, i + 1)) return Mismatch{i, what, "untouched", show(out[i])};
      } else if (!same_bits(out[i], src[j++])) {
        return Mismatch{i, what, show(src[j - 1]), show(out[i])};
      }
    }
    if (!out.intact()) return canaries_overwritten(n, fmt::format("out[0, {})", n));
    return std::nullopt;
  }
};

}  // namespace maskbench::conformance

// Conformance of the compress family (maskbench/compress.hpp): every
// implementation, and every variant of its 32-bit kernels, against the
// definition of each kernel computed here. Beyond values and counts, each run
// proves the memory contract: the input ends at a guard page (no over-read),
// the output is poisoned so that out[count, n) must still hold the canary
// directly after out[count - 1], and the output either ends at a guard page
// or sits between canaries that must survive.
#include <bit>
#include <climits>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "harness/checks.hpp"
#include "harness/family.hpp"
#include "harness/guarded.hpp"
#include "harness/shrink.hpp"
#include "harness/values.hpp"
#include "maskbench/compress.hpp"

namespace maskbench::conformance {
namespace {

using Compress = FamilyTest<CompressKernels>;

// The widest vector of any compress kernel: 64 bytes of u8 lanes (AVX-512).
constexpr std::size_t kMaxByteLanes = 64;

// Sizes for the contract sweep: every n to 3W+1 for the widest vector, then
// the harness's larger sizes.
std::vector<std::size_t> compress_sizes() {
  std::vector<std::size_t> s;
  for (std::size_t n = 0; n <= 3 * kMaxByteLanes + 1; ++n) s.push_back(n);
  for (std::size_t n : test_sizes())
    if (n > 3 * kMaxByteLanes + 1) s.push_back(n);
  for (std::size_t n : {255u, 256u, 257u, 2048u + 61u}) s.push_back(n);
  return s;
}

// Where a run is: enough to replay it.
struct Where {
  std::string_view impl;
  std::string kernel;
  std::string variant;
  std::string param;
  std::uint64_t seed;
  std::string operator()(std::size_t n, std::size_t offset, bool out_at_end) const {
    return fmt::format("{} {} [{}] n={} {} {} (MASKBENCH_SEED={:#x})", impl, kernel, variant, n, param,
                       out_at_end ? "out ending at a guard page" : fmt::format("out at offset {}", offset), seed);
  }
};

std::string set_name(const CompressVariant& v, bool table) {
  return table ? fmt::format("table, chose {}", v.name) : fmt::format("variant {}", v.name);
}

// Inputs whose selection follows `pattern`.
std::vector<float> make_f32(std::size_t n, Pattern pattern, float t, bool specials, Rng& rng) {
  const std::vector<bool> m = make_pattern(pattern, n, rng);
  const std::vector<float> sp = special_floats();
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    const float mag = std::fabs(random_float(rng, -4, 1));
    x[i] = m[i] ? t + mag : t - mag;
    if (specials && rng() % 5 == 0) x[i] = sp[rng() % sp.size()];
  }
  return x;
}
std::vector<std::int32_t> make_i32(std::size_t n, Pattern pattern, std::int32_t t, Rng& rng) {
  const std::vector<bool> m = make_pattern(pattern, n, rng);
  std::vector<std::int32_t> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto d = static_cast<std::int32_t>(rng() % 1000);
    x[i] = m[i] ? t + 1 + d : t - d;
  }
  return x;
}
std::vector<std::uint8_t> make_u8(std::size_t n, Pattern pattern, std::uint8_t c, Rng& rng) {
  const std::vector<bool> m = make_pattern(pattern, n, rng);
  std::vector<std::uint8_t> x(n);
  for (std::size_t i = 0; i < n; ++i)
    x[i] = m[i] ? static_cast<std::uint8_t>(c + 1 + rng() % 255) : c;
  return x;
}

// One compress kernel as a case (harness/shrink.hpp): the knobs are the
// output's offset and whether it ends at a guard page, the parameter is the
// threshold (or the byte removed), so that a failure shrinks to a minimal
// reproducer.
template <class In, class Out>
struct CompressKernel {
  std::string name, variant;
  std::string fn;  // how a pasted reproducer reaches it from the table k
  std::size_t (*run)(const In*, Out*, std::size_t, In);
  bool remove_equal;  // compress_u8 keeps x != c; the others keep x > t
};

// out = [x[i] (or i, for u32 output from f32 input) for i in [0, n) if kept].
template <class In, class Out>
std::vector<Out> compress_definition(std::span<const In> x, In t, bool remove_equal) {
  std::vector<Out> want;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (remove_equal ? x[i] != t : x[i] > t) {
      if constexpr (std::is_same_v<In, Out>)
        want.push_back(x[i]);
      else
        want.push_back(static_cast<Out>(i));
    }
  return want;
}

template <class In, class Out>
void check_compress(const Implementation& impl, const CompressKernel<In, Out>& kernel, const std::vector<In>& x, In t,
                    std::size_t offset, bool out_at_end, std::uint64_t s) {
  const auto check = [&](const Case<In, In>& c) {
    const In param = c.params[0];
    return compress_mismatch<In, Out>(c.data, compress_definition<In, Out>(c.data, param, kernel.remove_equal),
                                      c.knobs[0], c.knobs[1] != 0,
                                      [&](const In* in, Out* out, std::size_t n) { return kernel.run(in, out, n, param); });
  };
  static constexpr std::string_view kKnobs[] = {"offset", "out_at_end"}, kParams[] = {"t"};
  const std::string body = fmt::format(
      "  const maskbench::CompressKernels& k = *impl.kernels<maskbench::CompressKernels>();\n"
      "  std::vector<{1}> want;\n"
      "  for (std::size_t i = 0; i < data.size(); ++i)\n"
      "    if (data[i] {2} t) want.push_back({3});\n"
      "  const auto m = maskbench::conformance::compress_mismatch<{0}, {1}>(data, want, offset, out_at_end != 0,\n"
      "      [&](const {0}* x, {1}* out, std::size_t n) {{ return {4}(x, out, n, t); }});\n"
      "  EXPECT_FALSE(m) << m->what << \": expected \" << m->expected << \", actual \" << m->actual;\n",
      type_name(In{}), type_name(Out{}), kernel.remove_equal ? "!=" : ">",
      std::is_same_v<In, Out> ? "data[i]" : "static_cast<std::uint32_t>(i)", kernel.fn);
  const std::optional<std::string> failed = failure(
      impl.name, fmt::format("compress/{}", kernel.name),
      fmt::format("[{}] t={} offset={} out_at_end={} (MASKBENCH_SEED={:#x})", kernel.variant, show(t), offset,
                  out_at_end, s),
      Case<In, In>{{offset, out_at_end}, {t}, x}, check, {kKnobs, kParams}, body);
  ASSERT_FALSE(failed) << *failed;
}

// The kernel set sets[si]: the table's own kernels (si = 0) or a variant.
std::string set_path(std::size_t si) { return si == 0 ? "k" : fmt::format("k.variants[{}]", si - 1); }

void check_f32(const Implementation& impl, const std::vector<CompressVariant>& sets, std::size_t si,
               const std::vector<float>& x, float t, std::size_t offset, bool out_at_end, std::uint64_t s) {
  const std::string variant = set_name(sets[si], si == 0);
  check_compress(impl, CompressKernel<float, float>{"compress_f32", variant, set_path(si) + ".compress_f32",
                                                    sets[si].compress_f32, false},
                 x, t, offset, out_at_end, s);
  if (testing::Test::HasFatalFailure()) return;
  check_compress(impl, CompressKernel<float, std::uint32_t>{"compress_index", variant, set_path(si) + ".compress_index",
                                                            sets[si].compress_index, false},
                 x, t, offset, out_at_end, s);
}

void check_i32(const Implementation& impl, const std::vector<CompressVariant>& sets, std::size_t si,
               const std::vector<std::int32_t>& x, std::int32_t t, std::size_t offset, bool out_at_end,
               std::uint64_t s) {
  check_compress(impl, CompressKernel<std::int32_t, std::int32_t>{"compress_i32", set_name(sets[si], si == 0),
                                                                  set_path(si) + ".compress_i32", sets[si].compress_i32,
                                                                  false},
                 x, t, offset, out_at_end, s);
}

void check_u8(const Implementation& impl, const CompressKernels& k, const std::vector<std::uint8_t>& x,
              std::uint8_t c, std::size_t offset, bool out_at_end, std::uint64_t s) {
  check_compress(impl, CompressKernel<std::uint8_t, std::uint8_t>{"compress_u8", "table", "k.compress_u8", k.compress_u8, true},
                 x, c, offset, out_at_end, s);
}

TEST_P(Compress, ThirtyTwoBitKernelsEverySizeAndPattern) {
  const std::uint64_t s = seed();
  Rng rng(s);
  const float t = 0.25f;
  const std::int32_t ti = -17;
  const auto sets = compress_kernel_sets(k());
  for (std::size_t si = 0; si < sets.size(); ++si) {
    for (std::size_t n : compress_sizes())
      for (Pattern pat : kPatterns) {
        const std::size_t offset = (n + si) % 16;
        const bool at_end = n % 3 == 0;
        SCOPED_TRACE(pattern_name(pat));
        check_f32(impl(), sets, si, make_f32(n, pat, t, false, rng), t, offset, at_end, s);
        check_i32(impl(), sets, si, make_i32(n, pat, ti, rng), ti, offset, at_end, s);
        if (HasFatalFailure()) return;
      }
  }
}

TEST_P(Compress, U8EverySizeAndPattern) {
  const std::uint64_t s = seed() + 1;
  Rng rng(s);
  for (std::uint8_t c : {std::uint8_t{' '}, std::uint8_t{0}, std::uint8_t{0xFF}})
    for (std::size_t n : compress_sizes())
      for (Pattern pat : kPatterns) {
        SCOPED_TRACE(pattern_name(pat));
        check_u8(impl(), k(), make_u8(n, pat, c, rng), c, (n + c) % 64, n % 3 == 0, s);
        if (HasFatalFailure()) return;
      }
}

TEST_P(Compress, EveryOutputOffset) {
  const std::uint64_t s = seed() + 2;
  Rng rng(s);
  const auto sets = compress_kernel_sets(k());
  for (std::size_t n = 0; n <= 3 * kMaxLanes + 1; ++n)
    for (std::size_t off = 0; off < 16; ++off) {
      for (std::size_t si = 0; si < sets.size(); ++si) {
        check_f32(impl(), sets, si, make_f32(n, Pattern::random_50, 0.25f, true, rng), 0.25f, off, false, s);
        check_i32(impl(), sets, si, make_i32(n, Pattern::random_50, 5, rng), 5, off, false, s);
      }
      check_u8(impl(), k(), make_u8(4 * n, Pattern::random_50, ' ', rng), ' ', off * 4 + n % 4, false, s);
      if (HasFatalFailure()) return;
    }
}

// NaN never satisfies >, -0.0 > +0.0 is false, infinities compare as usual,
// and the selected values (NaN payloads and all) are moved bit for bit.
TEST_P(Compress, SpecialValuesAndThresholds) {
  const std::uint64_t s = seed() + 3;
  const auto sp = special_floats();
  std::vector<float> x;
  for (int rep = 0; rep < 4; ++rep) x.insert(x.end(), sp.begin(), sp.end());
  x.push_back(std::bit_cast<float>(0x7fa00001u));  // a signalling NaN, kept as it is
  x.push_back(std::bit_cast<float>(0xffc12345u));
  const auto sets = compress_kernel_sets(k());
  for (float t : sp)
    for (std::size_t si = 0; si < sets.size(); ++si) {
      check_f32(impl(), sets, si, x, t, 3, false, s);
      if (HasFatalFailure()) return;
    }
  const std::vector<std::int32_t> xi = {INT_MIN, INT_MAX, 0, -1, 1, INT_MIN + 1, INT_MAX - 1, 7, -7,
                                        INT_MIN, INT_MAX, 0, -1, 1, INT_MIN + 1, INT_MAX - 1, 42};
  for (std::int32_t t : xi)
    for (std::size_t si = 0; si < sets.size(); ++si) {
      check_i32(impl(), sets, si, xi, t, 0, true, s);
      if (HasFatalFailure()) return;
    }
  std::vector<std::uint8_t> bytes(300);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 37);
  for (unsigned c = 0; c < 256; c += 17) {
    check_u8(impl(), k(), bytes, static_cast<std::uint8_t>(c), 0, true, s);
    if (HasFatalFailure()) return;
  }
}

// expand_f32: the source holds exactly count values and ends at a guard page;
// set lanes take them in order; clear lanes and everything around out keep
// their canaries.
void check_expand(const Implementation& impl, const CompressKernels& k, const std::vector<std::uint8_t>& mask,
                  std::size_t offset, bool out_at_end, std::uint64_t s, Rng& rng) {
  const std::size_t n = mask.size();
  std::size_t count = 0;
  for (std::uint8_t b : mask) count += b != 0;
  Guarded<float> src = Guarded<float>::at_end(count);
  for (std::size_t j = 0; j < count; ++j) src[j] = random_float(rng, -20, 20);
  Guarded<std::uint8_t> m = Guarded<std::uint8_t>::at_end(n);
  std::copy(mask.begin(), mask.end(), m.data());
  Guarded<float> out = out_at_end ? Guarded<float>::at_end(n) : Guarded<float>::at_offset(n, offset);
  out.poison();
  const std::size_t got = k.expand_f32(src.data(), m.data(), out.data(), n);
  const std::string w = Where{impl.name, "expand_f32", "table", "", s}(n, offset, out_at_end);
  ASSERT_EQ(got, count) << w << ": wrong count";
  for (std::size_t i = 0, j = 0; i < n; ++i) {
    if (mask[i] != 0) {
      ASSERT_TRUE(same_bits(out[i], src[j])) << w << ": out[" << i << "] (mask " << show(mask[i]) << ") expected src["
                                             << j << "] = " << show(src[j]) << " got " << show(out[i]);
      ++j;
    } else {
      ASSERT_TRUE(out.untouched(i, i + 1)) << w << ": out[" << i << "] has a clear mask byte but changed to "
                                           << show(out[i]);
    }
  }
  ASSERT_TRUE(out.intact()) << w << ": wrote outside out[0, n)";
}

std::vector<std::uint8_t> mask_bytes(std::size_t n, Pattern pat, Rng& rng) {
  const std::vector<bool> m = make_pattern(pat, n, rng);
  std::vector<std::uint8_t> bytes(n);
  for (std::size_t i = 0; i < n; ++i) bytes[i] = m[i] ? static_cast<std::uint8_t>(1 + rng() % 255) : 0;
  return bytes;
}

TEST_P(Compress, ExpandEverySizePatternAndOffset) {
  const std::uint64_t s = seed() + 4;
  Rng rng(s);
  for (std::size_t n : compress_sizes())
    for (Pattern pat : kPatterns) {
      SCOPED_TRACE(pattern_name(pat));
      check_expand(impl(), k(), mask_bytes(n, pat, rng), n % 16, n % 3 == 0, s, rng);
      if (HasFatalFailure()) return;
    }
  for (std::size_t n = 0; n <= 3 * kMaxLanes + 1; ++n)
    for (std::size_t off = 0; off < 16; ++off) {
      check_expand(impl(), k(), mask_bytes(n, Pattern::random_50, rng), off, false, s, rng);
      if (HasFatalFailure()) return;
    }
}

TEST_P(Compress, VariantsAreListedAndOneIsChosen) {
  ASSERT_FALSE(k().variants.empty()) << impl().name << ": compress lists no variant";
  const std::string chosen = k().chosen_variant();
  bool found = false;
  for (const CompressVariant& v : k().variants) found = found || chosen == v.name;
  EXPECT_TRUE(found) << impl().name << ": chosen_variant() is '" << chosen << "', which is not among its variants";
}

TEST_P(Compress, RandomFuzz) {
  const std::uint64_t s = seed() + 5;
  Rng rng(s);
  const auto sp = special_floats();
  const auto sets = compress_kernel_sets(k());
  for (int iter = 0; iter < 300; ++iter) {
    SCOPED_TRACE(fmt::format("fuzz iteration {}", iter));
    const std::size_t n = rng() % 700;
    const std::size_t si = rng() % sets.size();
    const float t = rng() % 4 ? random_float(rng) : sp[rng() % sp.size()];
    std::vector<float> x(n);
    for (float& v : x) v = rng() % 8 ? random_float(rng, -30, 30) : sp[rng() % sp.size()];
    check_f32(impl(), sets, si, x, t, rng() % 16, rng() % 2, s);
    const auto ti = static_cast<std::int32_t>(rng());
    std::vector<std::int32_t> xi(n);
    for (auto& v : xi) v = static_cast<std::int32_t>(rng());
    check_i32(impl(), sets, si, xi, ti, rng() % 16, rng() % 2, s);
    std::vector<std::uint8_t> xb(n);
    const auto c = static_cast<std::uint8_t>(rng());
    for (auto& v : xb) v = rng() % 3 ? c : static_cast<std::uint8_t>(rng());
    check_u8(impl(), k(), xb, c, rng() % 64, rng() % 2, s);
    check_expand(impl(), k(), mask_bytes(n, kPatterns[rng() % std::size(kPatterns)], rng), rng() % 16, rng() % 2, s,
                 rng);
    if (HasFatalFailure()) return;
  }
}

MB_INSTANTIATE_FAMILY(Compress, CompressKernels);

}  // namespace
}  // namespace maskbench::conformance

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

#include "harness/family.hpp"
#include "harness/guarded.hpp"
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

std::string show(float v) { return describe(v); }
std::string show(std::int32_t v) { return std::to_string(v); }
std::string show(std::uint32_t v) { return std::to_string(v); }
std::string show(std::uint8_t v) { return fmt::format("{:#04x}", v); }

template <class T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
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

// Runs one compress kernel and checks count, values and the memory contract.
// want_from[j] is the input index of out[j], for the message.
template <class In, class Out, class Run>
void check_compress(const Where& where, const std::vector<In>& x, const std::vector<Out>& want,
                    const std::vector<std::size_t>& want_from, std::size_t offset, bool out_at_end, Run&& run) {
  const std::size_t n = x.size();
  Guarded<In> in = Guarded<In>::at_end(n);
  std::copy(x.begin(), x.end(), in.data());
  Guarded<Out> out = out_at_end ? Guarded<Out>::at_end(n) : Guarded<Out>::at_offset(n, offset);
  out.poison();
  const std::size_t got = run(in.data(), out.data(), n);
  const std::string w = where(n, offset, out_at_end);
  ASSERT_EQ(got, want.size()) << w << ": wrong count";
  for (std::size_t j = 0; j < got; ++j)
    ASSERT_TRUE(same_bits(out[j], want[j])) << w << ": out[" << j << "] (from x[" << want_from[j] << "] = "
                                            << show(x[want_from[j]]) << ") expected " << show(want[j]) << " got "
                                            << show(out[j]);
  for (std::size_t j = got; j < n; ++j)
    ASSERT_TRUE(out.untouched(j, j + 1)) << w << ": wrote out[" << j << "], past the count " << got;
  ASSERT_TRUE(out.intact()) << w << ": wrote outside out[0, n)";
}

// The indices a predicate selects.
template <class In, class Keep>
std::vector<std::size_t> selected(const std::vector<In>& x, Keep keep) {
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (keep(x[i])) idx.push_back(i);
  return idx;
}
template <class In>
std::vector<In> gather(const std::vector<In>& x, const std::vector<std::size_t>& idx) {
  std::vector<In> v;
  for (std::size_t i : idx) v.push_back(x[i]);
  return v;
}

// A 32-bit kernel set under test: the table's own kernels, then each variant.
std::vector<CompressVariant> kernel_sets(const CompressKernels& k) {
  std::vector<CompressVariant> sets = {{k.chosen_variant(), k.compress_f32, k.compress_i32, k.compress_index}};
  sets.insert(sets.end(), k.variants.begin(), k.variants.end());
  return sets;
}
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

void check_f32(const Implementation& impl, const CompressVariant& set, const std::string& variant,
               const std::vector<float>& x, float t, std::size_t offset, bool out_at_end, std::uint64_t s) {
  const auto idx = selected(x, [t](float v) { return v > t; });
  const Where where{impl.name, "compress_f32", variant, fmt::format("t={}", describe(t)), s};
  check_compress(where, x, gather(x, idx), idx, offset, out_at_end,
                 [&](const float* in, float* out, std::size_t n) { return set.compress_f32(in, out, n, t); });
  if (testing::Test::HasFatalFailure()) return;
  std::vector<std::uint32_t> want;
  for (std::size_t i : idx) want.push_back(static_cast<std::uint32_t>(i));
  const Where where_index{impl.name, "compress_index", variant, fmt::format("t={}", describe(t)), s};
  check_compress(where_index, x, want, idx, offset, out_at_end,
                 [&](const float* in, std::uint32_t* out, std::size_t n) { return set.compress_index(in, out, n, t); });
}

void check_i32(const Implementation& impl, const CompressVariant& set, const std::string& variant,
               const std::vector<std::int32_t>& x, std::int32_t t, std::size_t offset, bool out_at_end,
               std::uint64_t s) {
  const auto idx = selected(x, [t](std::int32_t v) { return v > t; });
  const Where where{impl.name, "compress_i32", variant, fmt::format("t={}", t), s};
  check_compress(where, x, gather(x, idx), idx, offset, out_at_end,
                 [&](const std::int32_t* in, std::int32_t* out, std::size_t n) { return set.compress_i32(in, out, n, t); });
}

void check_u8(const Implementation& impl, const CompressKernels& k, const std::vector<std::uint8_t>& x,
              std::uint8_t c, std::size_t offset, bool out_at_end, std::uint64_t s) {
  const auto idx = selected(x, [c](std::uint8_t v) { return v != c; });
  const Where where{impl.name, "compress_u8", "table", fmt::format("c={:#04x}", c), s};
  check_compress(where, x, gather(x, idx), idx, offset, out_at_end,
                 [&](const std::uint8_t* in, std::uint8_t* out, std::size_t n) { return k.compress_u8(in, out, n, c); });
}

TEST_P(Compress, ThirtyTwoBitKernelsEverySizeAndPattern) {
  const std::uint64_t s = seed();
  Rng rng(s);
  const float t = 0.25f;
  const std::int32_t ti = -17;
  const auto sets = kernel_sets(k());
  for (std::size_t si = 0; si < sets.size(); ++si) {
    const std::string variant = set_name(sets[si], si == 0);
    for (std::size_t n : compress_sizes())
      for (Pattern pat : kPatterns) {
        const std::size_t offset = (n + si) % 16;
        const bool at_end = n % 3 == 0;
        SCOPED_TRACE(pattern_name(pat));
        check_f32(impl(), sets[si], variant, make_f32(n, pat, t, false, rng), t, offset, at_end, s);
        check_i32(impl(), sets[si], variant, make_i32(n, pat, ti, rng), ti, offset, at_end, s);
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
  const auto sets = kernel_sets(k());
  for (std::size_t n = 0; n <= 3 * kMaxLanes + 1; ++n)
    for (std::size_t off = 0; off < 16; ++off) {
      for (std::size_t si = 0; si < sets.size(); ++si) {
        const std::string variant = set_name(sets[si], si == 0);
        check_f32(impl(), sets[si], variant, make_f32(n, Pattern::random_50, 0.25f, true, rng), 0.25f, off, false, s);
        check_i32(impl(), sets[si], variant, make_i32(n, Pattern::random_50, 5, rng), 5, off, false, s);
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
  const auto sets = kernel_sets(k());
  for (float t : sp)
    for (std::size_t si = 0; si < sets.size(); ++si) {
      check_f32(impl(), sets[si], set_name(sets[si], si == 0), x, t, 3, false, s);
      if (HasFatalFailure()) return;
    }
  const std::vector<std::int32_t> xi = {INT_MIN, INT_MAX, 0, -1, 1, INT_MIN + 1, INT_MAX - 1, 7, -7,
                                        INT_MIN, INT_MAX, 0, -1, 1, INT_MIN + 1, INT_MAX - 1, 42};
  for (std::int32_t t : xi)
    for (std::size_t si = 0; si < sets.size(); ++si) {
      check_i32(impl(), sets[si], set_name(sets[si], si == 0), xi, t, 0, true, s);
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
  const auto sets = kernel_sets(k());
  for (int iter = 0; iter < 300; ++iter) {
    SCOPED_TRACE(fmt::format("fuzz iteration {}", iter));
    const std::size_t n = rng() % 700;
    const std::size_t si = rng() % sets.size();
    const float t = rng() % 4 ? random_float(rng) : sp[rng() % sp.size()];
    std::vector<float> x(n);
    for (float& v : x) v = rng() % 8 ? random_float(rng, -30, 30) : sp[rng() % sp.size()];
    check_f32(impl(), sets[si], set_name(sets[si], si == 0), x, t, rng() % 16, rng() % 2, s);
    const auto ti = static_cast<std::int32_t>(rng());
    std::vector<std::int32_t> xi(n);
    for (auto& v : xi) v = static_cast<std::int32_t>(rng());
    check_i32(impl(), sets[si], set_name(sets[si], si == 0), xi, ti, rng() % 16, rng() % 2, s);
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

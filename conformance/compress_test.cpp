// Conformance of the compress family (maskbench/compress.hpp): every
// implementation, and every variant of its 32-bit kernels, against its
// contracts (contracts/compress.hpp) over every size, pattern, output offset
// and special value.
#include <climits>
#include <cmath>
#include <vector>

#include "contracts/compress.hpp"
#include "harness/family.hpp"

namespace maskbench::conformance {
namespace {

using Compress = FamilyTest<CompressKernels>;

// Sizes for the contract sweep: every n to 3W+1 for the widest vector, then
// the harness's larger sizes.
std::vector<std::size_t> compress_sizes() {
  std::vector<std::size_t> s;
  for (std::size_t n = 0; n <= 3 * max_byte_lanes() + 1; ++n) s.push_back(n);
  for (std::size_t n : test_sizes())
    if (n > 3 * max_byte_lanes() + 1) s.push_back(n);
  for (std::size_t n : {255u, 256u, 257u, 2048u + 61u}) s.push_back(n);
  return s;
}

// Elements whose selection (x > t, or for bytes x != c) follows `pattern`;
// each kind of input is a function of the selection and the rng.
template <class T, class Make>
std::vector<T> selected(const std::vector<bool>& m, Make&& make) {
  std::vector<T> x(m.size());
  for (std::size_t i = 0; i < m.size(); ++i) x[i] = make(m[i]);
  return x;
}
template <class T, class Make>
std::vector<T> selected(std::size_t n, Pattern pattern, Rng& rng, Make&& make) {
  return selected<T>(make_pattern(pattern, n, rng), make);
}
std::vector<float> make_f32(const std::vector<bool>& m, float t, bool specials, Rng& rng) {
  const std::vector<float> sp = special_floats();
  return selected<float>(m, [&](bool keep) {
    const float mag = std::fabs(random_float(rng, -4, 1));
    const float v = keep ? t + mag : t - mag;
    return specials && rng() % 5 == 0 ? sp[rng() % sp.size()] : v;
  });
}
std::vector<float> make_f32(std::size_t n, Pattern pattern, float t, bool specials, Rng& rng) {
  return make_f32(make_pattern(pattern, n, rng), t, specials, rng);
}
std::vector<std::int32_t> make_i32(const std::vector<bool>& m, std::int32_t t, Rng& rng) {
  return selected<std::int32_t>(m, [&](bool keep) {
    const auto d = static_cast<std::int32_t>(rng() % 1000);
    return keep ? t + 1 + d : t - d;
  });
}
std::vector<std::int32_t> make_i32(std::size_t n, Pattern pattern, std::int32_t t, Rng& rng) {
  return make_i32(make_pattern(pattern, n, rng), t, rng);
}
std::vector<std::uint8_t> make_u8(std::size_t n, Pattern pattern, std::uint8_t c, Rng& rng) {
  return selected<std::uint8_t>(n, pattern, rng,
                                [&](bool keep) { return keep ? static_cast<std::uint8_t>(c + 1 + rng() % 255) : c; });
}
std::vector<std::uint8_t> mask_bytes(std::size_t n, Pattern pattern, Rng& rng) {
  return selected<std::uint8_t>(n, pattern, rng,
                                [&](bool set) { return set ? static_cast<std::uint8_t>(1 + rng() % 255) : std::uint8_t{0}; });
}

// The kernel sets: the table's own (0) and each variant.
std::size_t set_count(const CompressKernels& k) { return compress_kernel_sets(k).size(); }

TEST_P(Compress, ThirtyTwoBitKernelsEverySizeAndPattern) {
  Rng rng(seed());
  const float t = 0.25f;
  const std::int32_t ti = -17;
  for (std::size_t si = 0; si < set_count(k()); ++si)
    for (std::size_t n : compress_sizes())
      for (Pattern pat : kPatterns) {
        const std::vector<std::size_t> knobs = {si, (n + si) % 16, n % 3 == 0};
        const std::vector<float> x = make_f32(n, pat, t, false, rng);
        holds<CompressF32>({knobs, {t}, x}, pattern_name(pat));
        holds<CompressIndex>({knobs, {t}, x}, pattern_name(pat));
        holds<CompressI32>({knobs, {ti}, make_i32(n, pat, ti, rng)}, pattern_name(pat));
      }
}

// Runs long enough that the loops copy or skip whole blocks without a
// compress (driver.hpp's compress_exact: after 8 blocks of 4 vectors that were
// all selected or none), broken by short runs and single lanes at every
// offset, so that every way in and out of that path is taken.
std::vector<bool> long_runs(std::size_t n, Rng& rng) {
  std::vector<bool> m;
  bool value = rng() % 2 == 0;
  while (m.size() < n) {
    const std::size_t kind = rng() % 4;
    const std::size_t len = kind == 0 ? 1 + rng() % 3 : kind == 1 ? 1 + rng() % 70 : 500 + rng() % 3000;
    m.insert(m.end(), std::min(len, n - m.size()), value);
    value = !value;
  }
  return m;
}

TEST_P(Compress, LongRunsBrokenAtEveryOffset) {
  Rng rng(seed() + 6);
  for (std::size_t si = 0; si < set_count(k()); ++si)
    for (int rep = 0; rep < (smoke_level() ? 4 : 16); ++rep) {
      const std::size_t n = 4096 + rng() % 20000;
      const std::vector<bool> m = long_runs(n, rng);
      const std::vector<std::size_t> knobs = {si, n % 16, 0};
      const std::vector<float> x = make_f32(m, 0.25f, false, rng);
      holds<CompressF32>({knobs, {0.25f}, x}, "long runs");
      holds<CompressIndex>({knobs, {0.25f}, x}, "long runs");
      holds<CompressI32>({knobs, {-17}, make_i32(m, -17, rng)}, "long runs");
    }
}

TEST_P(Compress, U8EverySizeAndPattern) {
  Rng rng(seed() + 1);
  for (std::uint8_t c : {std::uint8_t{' '}, std::uint8_t{0}, std::uint8_t{0xFF}})
    for (std::size_t n : compress_sizes())
      for (Pattern pat : kPatterns) holds<CompressU8>({{c, (n + c) % 64, n % 3 == 0}, {}, make_u8(n, pat, c, rng)}, pattern_name(pat));
}

TEST_P(Compress, EveryOutputOffset) {
  Rng rng(seed() + 2);
  for (std::size_t n = 0; n <= 3 * max_lanes() + 1; ++n)
    for (std::size_t off = 0; off < 16; ++off) {
      for (std::size_t si = 0; si < set_count(k()); ++si) {
        const std::vector<float> x = make_f32(n, Pattern::random_50, 0.25f, true, rng);
        holds<CompressF32>({{si, off, 0}, {0.25f}, x});
        holds<CompressIndex>({{si, off, 0}, {0.25f}, x});
        holds<CompressI32>({{si, off, 0}, {5}, make_i32(n, Pattern::random_50, 5, rng)});
      }
      holds<CompressU8>({{' ', off * 4 + n % 4, 0}, {}, make_u8(4 * n, Pattern::random_50, ' ', rng)});
    }
}

// NaN never satisfies >, -0.0 > +0.0 is false, infinities compare as usual,
// and the selected values (NaN payloads and all) are moved bit for bit.
TEST_P(Compress, SpecialValuesAndThresholds) {
  const auto sp = special_floats();
  std::vector<float> x;
  for (int rep = 0; rep < 4; ++rep) x.insert(x.end(), sp.begin(), sp.end());
  x.push_back(std::bit_cast<float>(0x7fa00001u));  // a signalling NaN, kept as it is
  x.push_back(std::bit_cast<float>(0xffc12345u));
  const std::vector<std::int32_t> xi = {INT_MIN, INT_MAX, 0, -1, 1, INT_MIN + 1, INT_MAX - 1, 7, -7,
                                        INT_MIN, INT_MAX, 0, -1, 1, INT_MIN + 1, INT_MAX - 1, 42};
  for (std::size_t si = 0; si < set_count(k()); ++si) {
    for (float t : sp) {
      holds<CompressF32>({{si, 3, 0}, {t}, x});
      holds<CompressIndex>({{si, 3, 0}, {t}, x});
    }
    for (std::int32_t t : xi) holds<CompressI32>({{si, 0, 1}, {t}, xi});
  }
  std::vector<std::uint8_t> bytes(300);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 37);
  for (std::size_t c = 0; c < 256; c += 17) holds<CompressU8>({{c, 0, 1}, {}, bytes});
}

TEST_P(Compress, ExpandEverySizePatternAndOffset) {
  Rng rng(seed() + 4);
  for (std::size_t n : compress_sizes())
    for (Pattern pat : kPatterns) holds<CompressExpand>({{n % 16, n % 3 == 0}, {}, mask_bytes(n, pat, rng)}, pattern_name(pat));
  for (std::size_t n = 0; n <= 3 * max_lanes() + 1; ++n)
    for (std::size_t off = 0; off < 16; ++off) holds<CompressExpand>({{off, 0}, {}, mask_bytes(n, Pattern::random_50, rng)});
}

TEST_P(Compress, VariantsAreListedAndOneIsChosen) {
  ASSERT_FALSE(k().variants.empty()) << impl().name << ": compress lists no variant";
  const std::string chosen = k().chosen_variant();
  bool found = false;
  for (const CompressVariant& v : k().variants) found = found || chosen == v.name;
  EXPECT_TRUE(found) << impl().name << ": chosen_variant() is '" << chosen << "', which is not among its variants";
}

TEST_P(Compress, RandomFuzz) {
  Rng rng(seed() + 5);
  const auto sp = special_floats();
  for (int iter = 0; iter < 300 && !HasFatalFailure(); ++iter) {
    const std::string where = fmt::format("fuzz iteration {}", iter);
    const std::size_t n = rng() % 700;
    const std::size_t si = rng() % set_count(k());
    const float t = rng() % 4 ? random_float(rng) : sp[rng() % sp.size()];
    std::vector<float> x(n);
    for (float& v : x) v = rng() % 8 ? random_float(rng, -30, 30) : sp[rng() % sp.size()];
    const std::vector<std::size_t> knobs = {si, rng() % 16, rng() % 2};
    holds<CompressF32>({knobs, {t}, x}, where);
    holds<CompressIndex>({knobs, {t}, x}, where);
    const auto ti = static_cast<std::int32_t>(rng());
    std::vector<std::int32_t> xi(n);
    for (auto& v : xi) v = static_cast<std::int32_t>(rng());
    holds<CompressI32>({{si, rng() % 16, rng() % 2}, {ti}, xi}, where);
    std::vector<std::uint8_t> xb(n);
    const auto c = static_cast<std::uint8_t>(rng());
    for (auto& v : xb) v = rng() % 3 ? c : static_cast<std::uint8_t>(rng());
    holds<CompressU8>({{c, rng() % 64, rng() % 2}, {}, xb}, where);
    holds<CompressExpand>({{rng() % 16, rng() % 2}, {}, mask_bytes(n, kPatterns[rng() % std::size(kPatterns)], rng)}, where);
  }
}

MB_INSTANTIATE_FAMILY(Compress, CompressKernels);

}  // namespace
}  // namespace maskbench::conformance

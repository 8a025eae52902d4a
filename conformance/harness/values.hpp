#pragma once
// Test inputs: the seed, IEEE special values, mask patterns and the error
// bounds that kernel contracts state.
#include <algorithm>
#include <bit>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "maskbench/cpu.hpp"
#include "schema.hpp"

namespace maskbench::conformance {

// The most f32 lanes any implementation on this CPU handles in one step: 16
// (AVX-512), or more where the vector length is the machine's: an SVE
// vector's lanes (up to 64 at 2048 bits), or an RVV register group's (the
// rvv row groups 2 registers, LMUL 2: 64 lanes at VLEN 1024), read at run
// time. Sizes sweep 0..3W+1 so that every implementation sees empty,
// partial and several full steps plus a tail.
#if defined(__riscv)
inline constexpr std::size_t kRegisterGroup = 2;
#else
inline constexpr std::size_t kRegisterGroup = 1;
#endif
inline std::size_t max_lanes() {
  return std::max<std::size_t>(16, kRegisterGroup * static_cast<std::size_t>(maskbench::host_cpu().vector_bits) / 32);
}
// The same for byte lanes: 64 (AVX-512), or four times the f32 lanes.
inline std::size_t max_byte_lanes() { return 4 * max_lanes(); }

// MASKBENCH_SEED=<n> replays a run; the default is fixed so that CI is
// reproducible. Every randomized test prints the seed it used.
inline std::uint64_t seed() {
  const char* s = std::getenv("MASKBENCH_SEED");
  if (s == nullptr) return 0x6d61736b62656e63ull;
  char* end = nullptr;
  errno = 0;
  const std::uint64_t v = std::strtoull(s, &end, 0);
  if (*s == '\0' || *end != '\0' || errno == ERANGE || *s == '-') {
    std::fprintf(stderr, "MASKBENCH_SEED='%s' is not a number; expected a decimal or 0x-prefixed 64-bit seed\n", s);
    std::exit(2);
  }
  return v;
}

// The generator of every randomized input: xoshiro256** (Blackman and
// Vigna), its state spread from the 64-bit seed by splitmix64, so that the
// seeds seed() + 1, + 2, ... give unrelated streams. std::mt19937_64 took a
// fifth of conformance's time natively, more under qemu, where conformance
// is most of the test suite's time.
class Rng {
 public:
  using result_type = std::uint64_t;
  explicit Rng(std::uint64_t seed) {
    for (std::uint64_t& w : s_) {
      seed += 0x9e3779b97f4a7c15ull;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      w = z ^ (z >> 31);
    }
  }
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }
  result_type operator()() {
    const std::uint64_t out = std::rotl(s_[1] * 5, 7) * 9, t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = std::rotl(s_[3], 45);
    return out;
  }

 private:
  std::uint64_t s_[4];
};

inline std::string describe(float v) {
  return fmt::format("{} (0x{:08x})", v, std::bit_cast<std::uint32_t>(v));
}

// Bit-identical, except that any NaN matches any NaN (payloads are not part
// of any contract).
inline bool same_float(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) || std::bit_cast<std::uint32_t>(a) == std::bit_cast<std::uint32_t>(b);
}

// Higham's gamma(h) = h*u / (1 - h*u) for f32, u = 2^-24.
inline double gamma_f32(std::size_t h) {
  const double hu = static_cast<double>(h) * std::ldexp(1.0, -24);
  return hu < 1.0 ? hu / (1.0 - hu) : std::numeric_limits<double>::infinity();
}

inline std::vector<float> special_floats() {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  return {0.0f,    -0.0f, 1.0f,  -1.0f, inf, -inf, nan, -nan,
          std::numeric_limits<float>::min(), -std::numeric_limits<float>::min(),
          std::numeric_limits<float>::denorm_min(), -std::numeric_limits<float>::denorm_min(),
          1e-40f, -1e-40f, std::numeric_limits<float>::max(), -std::numeric_limits<float>::max(),
          0.5f, -2.5f, 3.0e38f, 1.0e-38f};
}

// Mask patterns of the conformance plan: which lanes a predicate selects.
enum class Pattern { all_true, all_false, alternating, random_1, random_50, random_99, runs, single };
inline const char* pattern_name(Pattern p) {
  switch (p) {
    case Pattern::all_true: return "all-true";
    case Pattern::all_false: return "all-false";
    case Pattern::alternating: return "alternating";
    case Pattern::random_1: return "random-1%";
    case Pattern::random_50: return "random-50%";
    case Pattern::random_99: return "random-99%";
    case Pattern::runs: return "runs";
    case Pattern::single: return "single-lane";
  }
  return "?";
}
inline constexpr Pattern kPatterns[] = {Pattern::all_true,  Pattern::all_false, Pattern::alternating,
                                        Pattern::random_1,  Pattern::random_50, Pattern::random_99,
                                        Pattern::runs,      Pattern::single};

inline std::vector<bool> make_pattern(Pattern p, std::size_t n, Rng& rng) {
  std::vector<bool> m(n);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::size_t run_left = 0;
  bool run_value = false;
  const std::size_t single = n == 0 ? 0 : rng() % n;
  for (std::size_t i = 0; i < n; ++i) {
    switch (p) {
      case Pattern::all_true: m[i] = true; break;
      case Pattern::all_false: m[i] = false; break;
      case Pattern::alternating: m[i] = i % 2 == 0; break;
      case Pattern::random_1: m[i] = u(rng) < 0.01; break;
      case Pattern::random_50: m[i] = u(rng) < 0.5; break;
      case Pattern::random_99: m[i] = u(rng) < 0.99; break;
      case Pattern::runs:
        if (run_left == 0) {
          run_left = 1 + rng() % 40;
          run_value = !run_value;
        }
        --run_left;
        m[i] = run_value;
        break;
      case Pattern::single: m[i] = i == single; break;
    }
  }
  return m;
}

// MASKBENCH_CONFORMANCE_LEVEL=smoke: the same cases with fewer large sizes
// and fuzz rounds, for runs under emulation (qemu-user is ~20x slower) and
// `./run_all.sh --quick`; "full" (the default) is everything. Any other
// value stops the binary with exit status 2.
inline const char* conformance_level() {
  static const char* const level = [] {
    const char* v = std::getenv("MASKBENCH_CONFORMANCE_LEVEL");
    if (v == nullptr || *v == '\0' || std::string_view(v) == schema::kConformanceFull) return schema::kConformanceFull;
    if (std::string_view(v) == schema::kConformanceSmoke) return schema::kConformanceSmoke;
    std::fprintf(stderr, "MASKBENCH_CONFORMANCE_LEVEL='%s' is not a level; expected full or smoke\n", v);
    std::exit(2);
  }();
  return level;
}
inline bool smoke_level() { return std::string_view(conformance_level()) == schema::kConformanceSmoke; }
// How many rounds a randomized test runs: `full`, or a tenth in smoke level.
inline int fuzz_rounds(int full) { return smoke_level() ? std::max(1, full / 10) : full; }

// Sizes every kernel is tested at: 0..3W+1, then some large ones.
inline std::vector<std::size_t> test_sizes() {
  std::vector<std::size_t> s;
  for (std::size_t n = 0; n <= 3 * max_lanes() + 1; ++n) s.push_back(n);
  for (std::size_t n : {63u, 64u, 65u, 127u, 1000u}) s.push_back(n);
  if (!smoke_level())
    for (std::size_t n : {4097u, 65536u + 3u}) s.push_back(n);
  return s;
}

// Exponent bounds for random_float whose products fall below FLT_MIN (the
// underflow terms of the vera and taskvec contracts): [2^-149, 2^-125),
// subnormals and FLT_MIN's neighbours; [2^-80, 2^-63), whose pairwise
// products are subnormal or vanish; and [0.5, 2), ordinary factors that
// scale what underflowed. underflow_range draws one of the three.
inline constexpr std::pair<int, int> kSubnormalRange{-149, -126}, kTinyRange{-80, -64}, kUnitRange{-1, 0};
inline std::pair<int, int> underflow_range(Rng& rng) {
  static constexpr std::pair<int, int> kRanges[] = {kSubnormalRange, kTinyRange, kUnitRange};
  return kRanges[rng() % 3];
}

// A finite float of random sign and magnitude between 2^lo_exp and 2^hi_exp.
inline float random_float(Rng& rng, int lo_exp = -8, int hi_exp = 8) {
  const std::uint64_t bits = rng();
  // The mantissa's 23 bits, the sign and the exponent from one draw (the
  // exponent's modulo bias is below 2^-40); below FLT_MIN, ldexp rounds to
  // the subnormal.
  const int e = lo_exp + static_cast<int>((bits >> 24) % static_cast<std::uint64_t>(hi_exp - lo_exp + 1));
  const std::uint32_t sign = static_cast<std::uint32_t>(bits >> 23 & 1) << 31, mant = bits & 0x7fffff;
  if (e >= -126 && e <= 127) return std::bit_cast<float>(sign | static_cast<std::uint32_t>(e + 127) << 23 | mant);
  const float v = std::ldexp(std::bit_cast<float>(0x3f800000u | mant), e);
  return sign != 0 ? -v : v;
}

}  // namespace maskbench::conformance

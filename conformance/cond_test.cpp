// Conformance of the conditional-compute family (maskbench/cond.hpp): every
// implementation against the scalar reference, under the contract's terms.
#include <cfenv>
#include <cmath>
#include <vector>

#include "harness/checks.hpp"
#include "harness/family.hpp"
#include "harness/guarded.hpp"
#include "harness/shrink.hpp"
#include "harness/values.hpp"
#include "maskbench/cond.hpp"

namespace maskbench::conformance {
namespace {

using Cond = FamilyTest<CondKernels>;

struct Params {
  float t = 0.25f, a = 1.5f, b = -0.75f, c = 0.5f, lo = -4.0f, hi = 4.0f;
};

// Inputs whose comparison with the threshold follows `pattern`, with a few
// special values mixed in where `specials` is set.
std::vector<float> make_input(std::size_t n, Pattern pattern, bool specials, Rng& rng, const Params& p) {
  const std::vector<bool> m = make_pattern(pattern, n, rng);
  const std::vector<float> sp = special_floats();
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    const float mag = std::fabs(random_float(rng, -4, 1));
    x[i] = m[i] ? p.t + mag : p.t - mag;
    if (specials && rng() % 5 == 0) x[i] = sp[rng() % sp.size()];
  }
  return x;
}

// select and guarded_div as kernels of a case (harness/shrink.hpp) whose knobs
// are the output offset and in-place flag and whose parameters are the
// kernel's scalars, so that a failure shrinks to a minimal reproducer.
struct Elementwise {
  const char* name;
  const char* call;  // the call in a pasted reproducer
  std::vector<std::string_view> params;
  void (*run)(const CondKernels& k, const float* x, float* y, std::size_t n, const std::vector<float>& p);
};
const Elementwise kSelect{"select", "select(x, y, n, t, a, b, c)", {"t", "a", "b", "c"},
                          [](const CondKernels& k, const float* x, float* y, std::size_t n, const std::vector<float>& p) {
                            k.select(x, y, n, p[0], p[1], p[2], p[3]);
                          }};
const Elementwise kGuardedDiv{"guarded_div", "guarded_div(x, y, n, a)", {"a"},
                              [](const CondKernels& k, const float* x, float* y, std::size_t n,
                                 const std::vector<float>& p) { k.guarded_div(x, y, n, p[0]); }};
std::vector<float> select_params(const Params& p) { return {p.t, p.a, p.b, p.c}; }

// Runs the kernel with the input ending at a guard page and the output at
// `offset` elements past a page boundary (or in place), compares every
// element bit for bit with the reference, and on a difference fails with
// the shrunk case.
void check_elementwise(const Elementwise& kernel, const Implementation& impl, const CondKernels& k,
                       const CondKernels& ref, const std::vector<float>& x, std::size_t offset, bool in_place,
                       const std::vector<float>& params, std::uint64_t seed_used) {
  const auto check = [&](const Case<float>& c) {
    return elementwise_mismatch(c.data, c.knobs[0], c.knobs[1] != 0,
                                [&](bool reference, const float* in, float* out, std::size_t n) {
                                  kernel.run(reference ? ref : k, in, out, n, c.params);
                                });
  };
  static constexpr std::string_view kKnobs[] = {"offset", "in_place"};
  const std::string body = fmt::format(
      "  const maskbench::CondKernels& k = *impl.kernels<maskbench::CondKernels>();\n"
      "  const maskbench::CondKernels& ref = *maskbench::find_implementation(\"scalar\")->kernels<maskbench::CondKernels>();\n"
      "  const auto m = maskbench::conformance::elementwise_mismatch(data, offset, in_place != 0,\n"
      "      [&](bool reference, const float* x, float* y, std::size_t n) {{ (reference ? ref : k).{}; }});\n"
      "  EXPECT_FALSE(m) << m->what << \": expected \" << m->expected << \", actual \" << m->actual;\n",
      kernel.call);
  const std::optional<std::string> failed =
      failure(impl.name, fmt::format("cond/{}", kernel.name), fmt::format("offset={} in_place={} seed={}", offset, in_place, seed_used),
              Case<float>{{offset, in_place}, params, x}, check, {kKnobs, kernel.params}, body);
  ASSERT_FALSE(failed) << *failed;
}

TEST_P(Cond, SelectEverySizePatternAndOffset) {
  Rng rng(seed());
  const Params p;
  for (std::size_t n : test_sizes())
    for (Pattern pat : kPatterns) {
      const auto x = make_input(n, pat, false, rng, p);
      check_elementwise(kSelect, impl(), k(), ref(), x, n % 16, false, select_params(p), seed());
      if (HasFatalFailure()) return;
    }
}

TEST_P(Cond, SelectOffsetsAndInPlace) {
  Rng rng(seed() + 1);
  const Params p;
  for (std::size_t n = 0; n <= 3 * kMaxLanes + 1; ++n)
    for (std::size_t off = 0; off < 16; ++off)
      for (bool in_place : {false, true}) {
        const auto x = make_input(n, Pattern::random_50, true, rng, p);
        check_elementwise(kSelect, impl(), k(), ref(), x, off, in_place, select_params(p), seed() + 1);
        if (HasFatalFailure()) return;
      }
}

TEST_P(Cond, SelectSpecialValuesAndThresholds) {
  Rng rng(seed() + 2);
  const auto sp = special_floats();
  for (float t : sp) {
    Params p;
    p.t = t;
    std::vector<float> x = sp;
    for (int rep = 0; rep < 3; ++rep) x.insert(x.end(), sp.rbegin(), sp.rend());
    check_elementwise(kSelect, impl(), k(), ref(), x, 3, false, select_params(p), seed() + 2);
    if (HasFatalFailure()) return;
  }
}

TEST_P(Cond, GuardedDivEverySizeAndSpecialValues) {
  Rng rng(seed() + 3);
  Params p;
  for (float a : {1.5f, -0.0f, std::numeric_limits<float>::infinity(), 3.0e38f}) {
    p.a = a;
    for (std::size_t n : test_sizes()) {
      std::vector<float> x = make_input(n, Pattern::random_50, true, rng, p);
      for (std::size_t i = 0; i < n; i += 3) x[i] = (i % 2) ? 0.0f : -0.0f;
      check_elementwise(kGuardedDiv, impl(), k(), ref(), x, (n + 5) % 16, n % 2 == 1, {p.a}, seed() + 3);
      if (HasFatalFailure()) return;
    }
  }
}

// Masked-off lanes must not raise: an implementation that divides every lane
// and blends afterwards sets FE_DIVBYZERO here.
TEST_P(Cond, GuardedDivRaisesNoExceptionForMaskedLanes) {
  Rng rng(seed() + 4);
  const int watched = FE_DIVBYZERO | FE_INVALID;
  for (std::size_t n : test_sizes()) {
    Guarded<float> x = Guarded<float>::at_end(n);
    Guarded<float> y = Guarded<float>::at_offset(n, n % 16);
    for (std::size_t i = 0; i < n; ++i) x[i] = (i % 3 == 0) ? 0.0f : random_float(rng);
    if (n > 2) x[n / 2] = std::numeric_limits<float>::quiet_NaN();
    for (float a : {1.0f, 0.0f}) {
      std::feclearexcept(FE_ALL_EXCEPT);
      ref().guarded_div(x.data(), y.data(), n, a);
      const int want = std::fetestexcept(watched);
      std::feclearexcept(FE_ALL_EXCEPT);
      k().guarded_div(x.data(), y.data(), n, a);
      const int got = std::fetestexcept(watched);
      ASSERT_EQ(got & ~want, 0) << impl().name << " guarded_div n=" << n << " a=" << a
                                << " raised " << ((got & FE_DIVBYZERO) ? "FE_DIVBYZERO " : "")
                                << ((got & FE_INVALID) ? "FE_INVALID" : "")
                                << " that the scalar contract does not (zero lanes are masked off)";
    }
  }
}

void check_sum(const Implementation& impl, const CondKernels& k, const std::vector<float>& x, float lo, float hi,
               std::uint64_t seed_used) {
  const std::optional<Mismatch> m = masked_sum_mismatch(k, x, lo, hi);
  ASSERT_FALSE(m) << impl.name << " masked_sum n=" << x.size() << " lo=" << lo << " hi=" << hi << " seed=" << seed_used
                  << ": " << m->what << " expected " << m->expected << ", got " << m->actual;
}

TEST_P(Cond, MaskedSumEverySizeAndPattern) {
  Rng rng(seed() + 5);
  Params p;
  p.t = 0.0f;
  for (std::size_t n : test_sizes())
    for (Pattern pat : kPatterns) {
      // Pattern true means inside [lo, hi): shift the values into or out of it.
      const std::vector<bool> m = make_pattern(pat, n, rng);
      std::vector<float> x(n);
      for (std::size_t i = 0; i < n; ++i) {
        const float v = random_float(rng, -6, 1);
        x[i] = m[i] ? v : v + (v > 0 ? 8.0f : -8.0f);
      }
      check_sum(impl(), k(), x, p.lo, p.hi, seed() + 5);
      if (HasFatalFailure()) return;
    }
}

TEST_P(Cond, MaskedSumSpecialValuesAndCancellation) {
  Rng rng(seed() + 6);
  const float inf = std::numeric_limits<float>::infinity();
  for (std::size_t n : test_sizes()) {
    std::vector<float> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = (i % 2 ? 1.0e6f : -1.0e6f) + random_float(rng, -20, 0);
    check_sum(impl(), k(), x, -inf, inf, seed() + 6);
    const auto sp = special_floats();
    for (std::size_t i = 0; i < n; ++i) x[i] = sp[(i * 7 + n) % sp.size()];
    check_sum(impl(), k(), x, -inf, inf, seed() + 6);
    check_sum(impl(), k(), x, -1.0f, 1.0f, seed() + 6);
    check_sum(impl(), k(), x, 0.0f, 0.0f, seed() + 6);
    if (HasFatalFailure()) return;
  }
}

TEST_P(Cond, RandomFuzz) {
  const std::uint64_t s = seed() + 7;
  Rng rng(s);
  const auto sp = special_floats();
  for (int iter = 0; iter < fuzz_rounds(300); ++iter) {
    const std::size_t n = rng() % 300;
    Params p;
    p.t = rng() % 4 ? random_float(rng) : sp[rng() % sp.size()];
    p.a = random_float(rng);
    p.b = random_float(rng);
    p.c = random_float(rng);
    std::vector<float> x(n);
    for (float& v : x) v = rng() % 8 ? random_float(rng, -30, 30) : sp[rng() % sp.size()];
    SCOPED_TRACE(fmt::format("fuzz iteration {} (MASKBENCH_SEED={})", iter, seed()));
    check_elementwise(kSelect, impl(), k(), ref(), x, rng() % 16, rng() % 2, select_params(p), s);
    check_elementwise(kGuardedDiv, impl(), k(), ref(), x, rng() % 16, rng() % 2, {p.a}, s);
    p.lo = std::min(p.a, p.b);
    p.hi = std::max(p.a, p.b);
    check_sum(impl(), k(), x, p.lo, p.hi, s);
    if (HasFatalFailure()) return;
  }
}

MB_INSTANTIATE_FAMILY(Cond, CondKernels);

}  // namespace
}  // namespace maskbench::conformance

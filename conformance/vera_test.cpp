// Conformance of the VeRA family (maskbench/vera.hpp): every implementation
// against a double-precision evaluation under the contract's error bounds,
// against the scalar reference for NaN and infinity propagation, and bit for
// bit against the header's generator.
//
// Inputs sit at the end of a guard page and outputs after canaries; the unused
// columns of the A and B slices (between `in` and lda, `r` and ldb) hold NaN,
// so a kernel that read them would turn its result into NaN.
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include "harness/checks.hpp"
#include "harness/family.hpp"
#include "harness/guarded.hpp"
#include "harness/values.hpp"
#include "maskbench/vera.hpp"

namespace maskbench::conformance {
namespace {

using Vera = FamilyTest<VeraKernels>;
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

struct Shape {
  std::size_t in, out, r;
  std::size_t max_in, ldb;  // the shared A's width (lda) and B's row stride
};
std::string shape_name(const Shape& s) {
  return fmt::format("in={} out={} r={} lda={} ldb={}", s.in, s.out, s.r, s.max_in, s.ldb);
}

// Odd shapes of the plan (1x1, 17x33 with r = 3, in = W+1), exact multiples of
// the vector widths, and strided slices of larger shared matrices.
std::vector<Shape> shapes() {
  return {{1, 1, 1, 1, 1},      {33, 17, 3, 33, 3},    {33, 17, 3, 40, 7},      {kMaxLanes + 1, 9, 5, 20, 5},
          {16, 16, 16, 16, 16}, {64, 48, 32, 100, 33}, {7, 9, 0, 7, 0},         {0, 5, 3, 4, 3},
          {5, 0, 3, 5, 3},      {100, 37, 20, 129, 31}, {257, 130, 17, 300, 19}, {3, 70, 1, 3, 2},
          {31, 8, 67, 31, 70}};
}

// One layer's inputs in guarded buffers, m tokens of x.
struct Problem {
  Shape s;
  VeraWeight wt;
  std::size_t m;
  Guarded<float> w0f, a, b, d, lb, x;
  Guarded<std::uint16_t> w0h;

  Problem(const Shape& shape, VeraWeight type, std::size_t tokens)
      : s(shape),
        wt(type),
        m(tokens),
        w0f(Guarded<float>::at_end(type == VeraWeight::f32 ? s.out * s.in : 0)),
        a(Guarded<float>::at_end(s.r == 0 ? 0 : (s.r - 1) * s.max_in + s.in)),
        b(Guarded<float>::at_end(s.out == 0 ? 0 : (s.out - 1) * s.ldb + s.r)),
        d(Guarded<float>::at_end(s.r)),
        lb(Guarded<float>::at_end(s.out)),
        x(Guarded<float>::at_end(m * s.in)),
        w0h(Guarded<std::uint16_t>::at_end(type == VeraWeight::bf16 ? s.out * s.in : 0)) {}

  VeraLayer layer() const {
    VeraLayer l;
    l.in = s.in;
    l.out = s.out;
    l.r = s.r;
    l.w0 = wt == VeraWeight::f32 ? static_cast<const void*>(w0f.data()) : static_cast<const void*>(w0h.data());
    l.w0_type = wt;
    l.a = a.data();
    l.lda = s.max_in;
    l.b = b.data();
    l.ldb = s.ldb;
    l.lambda_d = d.data();
    l.lambda_b = lb.data();
    return l;
  }
  float w0(std::size_t i, std::size_t j) const {
    return wt == VeraWeight::f32 ? w0f[i * s.in + j] : widen(Bf16{w0h[i * s.in + j]});
  }
  void set_w0(std::size_t i, std::size_t j, float v) {
    if (wt == VeraWeight::f32)
      w0f[i * s.in + j] = v;
    else
      w0h[i * s.in + j] = static_cast<std::uint16_t>(std::bit_cast<std::uint32_t>(v) >> 16);
  }
};

// ordinary: random finite inputs. specials: some entries of every input are
// NaN or an infinity. underflow: each input (W0, A, B, d, b, x) takes its
// magnitudes from one underflow_range, drawn per problem, or from a profile
// where large factors (2^20 to 2^24) scale an underflow: forward's in A·x by
// d, B and b, merge's in B_ik*d_k by b and A; with some zeros, so that the
// contract's underflow terms, their factors included, are what holds the
// error. The slice gaps hold NaN.
enum class Values { ordinary, specials, underflow };
const char* values_name(Values v) {
  return v == Values::ordinary ? "ordinary" : v == Values::specials ? "with specials" : "underflowing";
}

Problem make_problem(const Shape& s, VeraWeight wt, std::size_t m, Rng& rng, Values values = Values::ordinary) {
  Problem p(s, wt, m);
  const float inf = std::numeric_limits<float>::infinity();
  constexpr std::pair<int, int> kLarge{20, 23};
  static constexpr std::array<std::pair<int, int>, 6> kProfiles[] = {
      {kTinyRange, kTinyRange, kLarge, kLarge, kLarge, kTinyRange},
      {kSubnormalRange, kLarge, kTinyRange, kTinyRange, kLarge, kTinyRange}};
  std::array<std::pair<int, int>, 6> range{};
  if (values == Values::underflow) {
    const std::size_t profile = rng() % 4;
    if (profile < 2)
      range = kProfiles[profile];
    else
      for (auto& r : range) r = underflow_range(rng);
  }
  auto value = [&](std::size_t input) {
    if (values == Values::specials && rng() % 23 == 0) return std::array<float, 4>{kNaN, inf, -inf, 0.0f}[rng() % 4];
    if (values != Values::underflow) return random_float(rng, -3, 1);
    return rng() % 16 == 0 ? 0.0f : random_float(rng, range[input].first, range[input].second);
  };
  for (std::size_t i = 0; i < s.out; ++i)
    for (std::size_t j = 0; j < s.in; ++j) p.set_w0(i, j, value(0));
  for (std::size_t n = 0; n < p.a.size(); ++n) p.a[n] = n % s.max_in < s.in ? value(1) : kNaN;
  for (std::size_t n = 0; n < p.b.size(); ++n) p.b[n] = n % s.ldb < s.r ? value(2) : kNaN;
  for (float& v : p.d.span()) v = value(3);
  for (float& v : p.lb.span()) v = value(4);
  for (float& v : p.x.span()) v = value(5);
  return p;
}

// The exact result of the expression and T, the sum of the magnitudes of
// every term of its full expansion, both in double, and the contract's
// underflow term; over A and B as stored or, with `regen`, as generated.
struct Exact {
  std::vector<double> y, terms, underflow;
};
Exact exact_forward(const Problem& p, const VeraSeed* regen = nullptr) {
  const Shape& s = p.s;
  const auto a = [&](std::size_t k, std::size_t j) {
    return regen != nullptr ? vera_element(regen->seed, VeraMatrix::a, regen->a_fan_in, k, j) : p.a[k * s.max_in + j];
  };
  const auto b = [&](std::size_t i, std::size_t k) {
    return regen != nullptr ? vera_element(regen->seed, VeraMatrix::b, s.r, i, k) : p.b[i * s.ldb + k];
  };
  const std::size_t n = p.m * s.out;
  Exact e{std::vector<double>(n), std::vector<double>(n), std::vector<double>(n)};
  std::vector<double> z(s.r), zabs(s.r);
  for (std::size_t t = 0; t < p.m; ++t) {
    const float* x = p.x.data() + t * s.in;
    for (std::size_t k = 0; k < s.r; ++k) {
      double v = 0, av = 0;
      for (std::size_t j = 0; j < s.in; ++j) {
        v += static_cast<double>(a(k, j)) * x[j];
        av += std::fabs(static_cast<double>(a(k, j)) * x[j]);
      }
      z[k] = p.d[k] * v;
      zabs[k] = std::fabs(static_cast<double>(p.d[k])) * av;
    }
    for (std::size_t i = 0; i < s.out; ++i) {
      double w = 0, wabs = 0, bz = 0, bzabs = 0;
      for (std::size_t j = 0; j < s.in; ++j) {
        w += static_cast<double>(p.w0(i, j)) * x[j];
        wabs += std::fabs(static_cast<double>(p.w0(i, j)) * x[j]);
      }
      for (std::size_t k = 0; k < s.r; ++k) {
        bz += static_cast<double>(b(i, k)) * z[k];
        bzabs += std::fabs(static_cast<double>(b(i, k))) * zabs[k];
      }
      e.y[t * s.out + i] = w + p.lb[i] * bz;
      e.terms[t * s.out + i] = wabs + std::fabs(static_cast<double>(p.lb[i])) * bzabs;
      e.underflow[t * s.out + i] = vera_forward_underflow(p.layer(), i, regen);
    }
  }
  return e;
}

// Compares got[n] with the contract: the reference's NaN or infinity where it
// has one, else within gamma(depth) * terms + underflow of the exact value.
void check_outputs(const std::string& where, const float* got, const std::vector<float>& ref, const Exact& e,
                   std::size_t depth) {
  for (std::size_t n = 0; n < ref.size(); ++n) {
    const auto at = [&] {
      return fmt::format("{}: output {} got {} reference {} exact {} depth {}", where, n, describe(got[n]),
                         describe(ref[n]), e.y[n], depth);
    };
    if (std::isnan(ref[n])) {
      ASSERT_TRUE(std::isnan(got[n])) << at() << " (the reference is NaN)";
      continue;
    }
    if (std::isinf(ref[n])) {
      ASSERT_EQ(got[n], ref[n]) << at() << " (the reference is infinite)";
      continue;
    }
    ASSERT_TRUE(std::isfinite(got[n])) << at();
    const double bound = gamma_f32(depth) * e.terms[n] + e.underflow[n];
    ASSERT_LE(std::fabs(static_cast<double>(got[n]) - e.y[n]), bound) << at() << " bound " << bound;
  }
}

TEST_P(Vera, ForwardEveryShapeTypeAndOffset) {
  const std::uint64_t s = seed() + 40;
  Rng rng(s);
  for (const Shape& shape : shapes())
    for (VeraWeight wt : {VeraWeight::f32, VeraWeight::bf16})
      for (std::size_t offset : {0u, 1u, 5u})
        for (Values values : {Values::ordinary, Values::underflow}) {
          Problem p = make_problem(shape, wt, 1, rng, values);
          const VeraLayer layer = p.layer();
          std::vector<float> want(shape.out);
          ref().forward(layer, p.x.data(), want.data());
          Guarded<float> y = Guarded<float>::at_offset(shape.out, offset);
          k().forward(layer, p.x.data(), y.data());
          const std::string where = fmt::format("{} forward {} {} offset={} {} seed={}", impl().name, shape_name(shape),
                                                wt == VeraWeight::f32 ? "f32" : "bf16", offset, values_name(values), s);
          ASSERT_TRUE(y.intact()) << where << ": wrote outside y[0, out)";
          check_outputs(where, y.data(), want, exact_forward(p), vera_forward_depth(k(), shape.in, shape.r));
          if (HasFatalFailure()) return;
        }
}

TEST_P(Vera, ForwardBatchEveryTokenCount) {
  const std::uint64_t s = seed() + 41;
  Rng rng(s);
  for (const Shape& shape : {Shape{33, 17, 3, 40, 7}, Shape{64, 48, 32, 100, 33}, Shape{17, 9, 5, 20, 5}})
    for (std::size_t m : {1u, 2u, 3u, 4u, 5u, 7u, 8u, 13u, 32u})
      for (VeraWeight wt : {VeraWeight::f32, VeraWeight::bf16})
        for (Values values : {Values::ordinary, Values::underflow}) {
          Problem p = make_problem(shape, wt, m, rng, values);
          const VeraLayer layer = p.layer();
          std::vector<float> want(m * shape.out);
          ref().forward_batch(layer, p.x.data(), want.data(), m);
          Guarded<float> y = Guarded<float>::at_offset(m * shape.out, m % 16);
          k().forward_batch(layer, p.x.data(), y.data(), m);
          const std::string where = fmt::format("{} forward_batch {} m={} {} {} seed={}", impl().name,
                                                shape_name(shape), m, wt == VeraWeight::f32 ? "f32" : "bf16",
                                                values_name(values), s);
          ASSERT_TRUE(y.intact()) << where << ": wrote outside Y[0, m*out)";
          check_outputs(where, y.data(), want, exact_forward(p), vera_forward_depth(k(), shape.in, shape.r));
          if (HasFatalFailure()) return;
        }
}

// NaN and infinities scattered over every input reach exactly the outputs
// they reach in the scalar reference.
TEST_P(Vera, ForwardPropagatesNaNAndInfinityAsTheReference) {
  const std::uint64_t s = seed() + 42;
  Rng rng(s);
  for (int rep = 0; rep < 4; ++rep)
    for (const Shape& shape : shapes())
      for (std::size_t m : {1u, 5u}) {
        Problem p = make_problem(shape, rep % 2 ? VeraWeight::bf16 : VeraWeight::f32, m, rng, Values::specials);
        const VeraLayer layer = p.layer();
        std::vector<float> want(m * shape.out);
        ref().forward_batch(layer, p.x.data(), want.data(), m);
        Guarded<float> y = Guarded<float>::at_offset(m * shape.out, 3);
        k().forward_batch(layer, p.x.data(), y.data(), m);
        check_outputs(fmt::format("{} forward_batch with specials {} m={} rep={} seed={}", impl().name,
                                  shape_name(shape), m, rep, s),
                      y.data(), want, exact_forward(p), vera_forward_depth(k(), shape.in, shape.r));
        if (HasFatalFailure()) return;
      }
}

TEST_P(Vera, GenerateIsBitIdenticalToTheHeaderGenerator) {
  const std::uint64_t s = seed() + 43;
  Rng rng(s);
  for (int rep = 0; rep < 40; ++rep) {
    const std::uint64_t gen_seed = rep == 0 ? 0 : rng();
    const VeraMatrix which = rep % 2 ? VeraMatrix::b : VeraMatrix::a;
    const std::size_t fan_in = 1 + rng() % 5000, rows = rng() % 9, cols = rng() % 70, ld = cols + rng() % 5;
    const std::size_t row0 = rep % 3 == 0 ? 0 : rng() % 100000, col0 = rep % 5 == 0 ? 0 : rng() % 100000;
    const std::size_t n = rows == 0 ? 0 : (rows - 1) * ld + cols;
    Guarded<float> out = Guarded<float>::at_offset(n, rng() % 16);
    out.poison();
    k().generate(gen_seed, which, fan_in, row0, rows, col0, cols, out.data(), ld);
    const std::string where = fmt::format("{} generate seed={:#x} matrix={} fan_in={} rows [{}, +{}) cols [{}, +{}) ld={} "
                                          "(MASKBENCH_SEED={})",
                                          impl().name, gen_seed, which == VeraMatrix::a ? "A" : "B", fan_in, row0, rows,
                                          col0, cols, ld, s);
    ASSERT_TRUE(out.intact()) << where << ": wrote outside the tile";
    const float bound = vera_bound(fan_in);
    for (std::size_t i = 0; i < rows; ++i) {
      for (std::size_t j = 0; j < cols; ++j) {
        const float want = vera_element(gen_seed, which, fan_in, row0 + i, col0 + j);
        ASSERT_TRUE(same_float(out[i * ld + j], want))
            << where << ": element (" << i << ", " << j << ") got " << describe(out[i * ld + j]) << " expected "
            << describe(want);
        ASSERT_TRUE(want >= -bound && want < bound) << where << ": " << want << " outside [-bound, bound)";
      }
      if (i + 1 < rows) {
        ASSERT_TRUE(out.untouched(i * ld + cols, (i + 1) * ld)) << where << ": wrote between rows";
      }
    }
  }
}

// The generator is a format: these values are what every version produces.
TEST_P(Vera, GenerateMatchesThePinnedValues) {
  EXPECT_EQ(vera_hash32(vera_row_key(42, VeraMatrix::a, 0), 0), 0x03c0d072u);
  EXPECT_EQ(vera_hash32(vera_row_key(42, VeraMatrix::a, 0), 1), 0x2d1b130bu);
  EXPECT_EQ(vera_hash32(vera_row_key(42, VeraMatrix::b, 7), 5), 0x5295db51u);
  float got = 0.0f;
  k().generate(42, VeraMatrix::a, 4096, 0, 1, 0, 1, &got, 1);
  EXPECT_TRUE(same_float(got, -0x1.305762p-5f)) << impl().name << " A(0, 0) for seed 42, fan-in 4096: " << describe(got);
}

TEST_P(Vera, ForwardRegenMatchesTheGeneratedMatrices) {
  const std::uint64_t s = seed() + 44;
  Rng rng(s);
  for (const Shape& shape : shapes())
    for (std::size_t m : {1u, 3u, 8u})
      for (Values values : {Values::ordinary, Values::underflow}) {
        Problem p = make_problem(shape, m == 3 ? VeraWeight::bf16 : VeraWeight::f32, m, rng, values);
        VeraLayer layer = p.layer();
        layer.a = nullptr;
        layer.b = nullptr;
        const VeraSeed vs{rng(), shape.max_in};
        std::vector<float> want(m * shape.out);
        ref().forward_regen(layer, vs, p.x.data(), want.data(), m);
        Guarded<float> y = Guarded<float>::at_offset(m * shape.out, 7);
        k().forward_regen(layer, vs, p.x.data(), y.data(), m);
        const std::string where =
            fmt::format("{} forward_regen {} m={} {} gen seed={:#x} seed={}", impl().name, shape_name(shape), m,
                        values_name(values), vs.seed, s);
        ASSERT_TRUE(y.intact()) << where << ": wrote outside Y[0, m*out)";
        check_outputs(where, y.data(), want, exact_forward(p, &vs), vera_forward_depth(k(), shape.in, shape.r));
        if (HasFatalFailure()) return;
      }
}

// sum_k |b_i B_ik d_k A_kj| and the exact delta, in double.
std::pair<double, double> exact_delta(const Problem& p, std::size_t i, std::size_t j) {
  double delta = 0, mag = 0;
  for (std::size_t k = 0; k < p.s.r; ++k) {
    const double t = static_cast<double>(p.lb[i]) * p.b[i * p.s.ldb + k] * p.d[k] * p.a[k * p.s.max_in + j];
    delta += t;
    mag += std::fabs(t);
  }
  return {delta, mag};
}

// Checks merged (sign +1) or unmerged (-1) weights `w` against src +- delta.
void check_merge(const std::string& where, const Problem& p, const float* w, const std::vector<float>& src,
                 const std::vector<float>& want, float sign) {
  for (std::size_t i = 0; i < p.s.out; ++i)
    for (std::size_t j = 0; j < p.s.in; ++j) {
      const std::size_t n = i * p.s.in + j;
      const auto at = [&] {
        return fmt::format("{}: w({}, {}) got {} reference {}", where, i, j, describe(w[n]), describe(want[n]));
      };
      if (!std::isfinite(want[n])) {
        ASSERT_TRUE(same_float(w[n], want[n])) << at();
        continue;
      }
      const auto [delta, mag] = exact_delta(p, i, j);
      const double exact = src[n] + sign * delta;
      const double bound = gamma_f32(vera_merge_depth(p.s.r)) * (std::fabs(static_cast<double>(src[n])) + mag) +
                           vera_merge_underflow(p.layer(), i, j);
      ASSERT_LE(std::fabs(w[n] - exact), bound) << at() << " exact " << exact << " bound " << bound;
    }
}

TEST_P(Vera, MergeAndUnmergeInAndOutOfPlace) {
  const std::uint64_t s = seed() + 45;
  Rng rng(s);
  for (const Shape& shape : shapes())
    for (VeraWeight wt : {VeraWeight::f32, VeraWeight::bf16})
      for (Values values : {Values::ordinary, Values::specials, Values::underflow}) {
        Problem p = make_problem(shape, wt, 1, rng, values);
        const std::size_t n = shape.out * shape.in;
        std::vector<float> w0(n);
        for (std::size_t i = 0; i < n; ++i) w0[i] = p.w0(i / std::max<std::size_t>(shape.in, 1), i % std::max<std::size_t>(shape.in, 1));
        const std::string where = fmt::format("{} {} {} {} seed={}", impl().name, shape_name(shape),
                                              wt == VeraWeight::f32 ? "f32" : "bf16", values_name(values), s);
        std::vector<float> want(n);
        ref().merge(p.layer(), want.data());
        Guarded<float> w = Guarded<float>::at_offset(n, 1 + n % 15);
        k().merge(p.layer(), w.data());
        ASSERT_TRUE(w.intact()) << where << " merge wrote outside w";
        check_merge(where + " merge", p, w.data(), w0, want, 1.0f);
        if (HasFatalFailure() || values == Values::specials) continue;

        // Unmerge in place from the merged weights: back to W0 within twice
        // the merge bound.
        std::vector<float> merged(w.data(), w.data() + n);
        VeraLayer back = p.layer();
        back.w0 = w.data();
        back.w0_type = VeraWeight::f32;
        std::vector<float> want_back(n);
        ref().unmerge(back, want_back.data());
        k().unmerge(back, w.data());
        ASSERT_TRUE(w.intact()) << where << " unmerge wrote outside w";
        check_merge(where + " unmerge", p, w.data(), merged, want_back, -1.0f);
        for (std::size_t i = 0; i < shape.out; ++i)
          for (std::size_t j = 0; j < shape.in; ++j) {
            const std::size_t e = i * shape.in + j;
            const double bound = 2 * (gamma_f32(vera_merge_depth(shape.r)) *
                                          (std::fabs(static_cast<double>(w0[e])) + exact_delta(p, i, j).second) +
                                      vera_merge_underflow(p.layer(), i, j));
            ASSERT_LE(std::fabs(static_cast<double>(w[e]) - w0[e]), bound)
                << where << ": merge then unmerge, w(" << i << ", " << j << ") " << describe(w[e]) << " W0 "
                << describe(w0[e]);
          }
        if (HasFatalFailure()) return;
      }
}

// The case the fuzzer found: every factor 2^-149, so c_00 = 0 and w = 0
// where the exact value is 2^-596, which only the underflow term covers.
TEST_P(Vera, MergeOfSubnormalFactors) {
  Problem p(Shape{1, 1, 1, 1, 1}, VeraWeight::f32, 1);
  const float tiny = std::numeric_limits<float>::denorm_min();
  p.set_w0(0, 0, 0.0f);
  p.a[0] = p.b[0] = p.d[0] = p.lb[0] = tiny;
  for (float sign : {1.0f, -1.0f}) {
    const auto merge = sign > 0 ? &VeraKernels::merge : &VeraKernels::unmerge;
    std::vector<float> want(1);
    (ref().*merge)(p.layer(), want.data());
    Guarded<float> w = Guarded<float>::at_offset(1, 1);
    (k().*merge)(p.layer(), w.data());
    check_merge(fmt::format("{} {} of 2^-149 factors", impl().name, sign > 0 ? "merge" : "unmerge"), p, w.data(),
                {0.0f}, want, sign);
  }
}

// Merged weights through a plain matvec (forward with r = 0) give the
// unmerged forward's exact result within the two bounds composed; the
// underflow terms compose as each eta is scaled: the merge's by |x_j|.
TEST_P(Vera, MergedMatvecMatchesTheUnmergedForward) {
  const std::uint64_t s = seed() + 46;
  Rng rng(s);
  for (const Shape& shape : shapes())
    for (VeraWeight wt : {VeraWeight::f32, VeraWeight::bf16})
      for (Values values : {Values::ordinary, Values::underflow}) {
        Problem p = make_problem(shape, wt, 1, rng, values);
        std::vector<float> w(shape.out * shape.in);
        k().merge(p.layer(), w.data());
        VeraLayer plain = p.layer();
        plain.w0 = w.data();
        plain.w0_type = VeraWeight::f32;
        plain.r = 0;
        std::vector<float> y(shape.out), want(shape.out);
        k().forward(plain, p.x.data(), y.data());
        ref().forward(p.layer(), p.x.data(), want.data());
        Exact e = exact_forward(p);
        for (std::size_t i = 0; i < shape.out; ++i) {
          e.underflow[i] = vera_forward_underflow(plain, i);
          for (std::size_t j = 0; j < shape.in; ++j)
            e.underflow[i] += std::fabs(static_cast<double>(p.x[j])) * vera_merge_underflow(p.layer(), i, j);
        }
        check_outputs(fmt::format("{} merge then matvec {} {} {} seed={}", impl().name, shape_name(shape),
                                  wt == VeraWeight::f32 ? "f32" : "bf16", values_name(values), s),
                      y.data(), want, e, vera_merge_depth(shape.r) + vera_forward_depth(k(), shape.in, 0));
        if (HasFatalFailure()) return;
      }
}

// Large enough that every implementation runs its full register blocks many
// times, with a strided slice of a wider shared A.
TEST_P(Vera, ForwardLargeLayer) {
  const std::uint64_t s = seed() + 47;
  Rng rng(s);
  for (const Shape& shape : {Shape{1027, 515, 67, 1100, 70}, Shape{4096, 64, 256, 4096, 256}}) {
    Problem p = make_problem(shape, VeraWeight::bf16, 2, rng);
    std::vector<float> want(2 * shape.out);
    ref().forward_batch(p.layer(), p.x.data(), want.data(), 2);
    Guarded<float> y = Guarded<float>::at_offset(2 * shape.out, 0);
    k().forward_batch(p.layer(), p.x.data(), y.data(), 2);
    check_outputs(fmt::format("{} forward_batch {} seed={}", impl().name, shape_name(shape), s), y.data(), want,
                  exact_forward(p), vera_forward_depth(k(), shape.in, shape.r));
    if (HasFatalFailure()) return;
  }
}

MB_INSTANTIATE_FAMILY(Vera, VeraKernels);

}  // namespace
}  // namespace maskbench::conformance

// Conformance of the VeRA family (maskbench/vera.hpp): every implementation
// against its contracts (contracts/vera.hpp) over odd and strided shapes,
// token counts, weight types, output offsets and value classes (ordinary,
// special, underflowing), and two compositions the contracts imply: merge
// then unmerge, and merged weights through a plain matvec.
#include <cmath>
#include <limits>
#include <vector>

#include "contracts/vera.hpp"
#include "harness/family.hpp"

namespace maskbench::conformance {
namespace {

using Vera = FamilyTest<VeraKernels>;

struct Shape {
  std::size_t in, out, r;
  std::size_t max_in, ldb;  // the shared A's width (lda) and B's row stride
};

// Odd shapes of the plan (1x1, 17x33 with r = 3, in = W+1), exact multiples of
// the vector widths, and strided slices of larger shared matrices.
std::vector<Shape> shapes() {
  return {{1, 1, 1, 1, 1},      {33, 17, 3, 33, 3},    {33, 17, 3, 40, 7},      {max_lanes() + 1, 9, 5, 20, 5},
          {16, 16, 16, 16, 16}, {64, 48, 32, 100, 33}, {7, 9, 0, 7, 0},         {0, 5, 3, 4, 3},
          {5, 0, 3, 5, 3},      {100, 37, 20, 129, 31}, {257, 130, 17, 300, 19}, {3, 70, 1, 3, 2},
          {31, 8, 67, 31, 70}};
}

// ordinary: random finite inputs. specials: some entries of every input are
// NaN or an infinity. underflow: each input (W0, A, B, d, b, x) takes its
// magnitudes from one underflow_range, drawn per problem, or from a profile
// where large factors (2^20 to 2^24) scale an underflow: forward's in A·x by
// d, B and b, merge's in B_ik*d_k by b and A; with some zeros, so that the
// contract's underflow terms, their factors included, are what holds the
// error.
enum class Values { ordinary, specials, underflow };
const char* values_name(Values v) {
  return v == Values::ordinary ? "ordinary" : v == Values::specials ? "with specials" : "underflowing";
}

// The data pool of a layer with m tokens, in the order VeraInputs reads it.
std::vector<float> layer_pool(const Shape& s, std::size_t m, Rng& rng, Values values = Values::ordinary) {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
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
  std::vector<float> pool;
  const std::size_t counts[6] = {s.out * s.in, s.r * s.in, s.out * s.r, s.r, s.out, m * s.in};
  for (std::size_t input = 0; input < 6; ++input)
    for (std::size_t i = 0; i < counts[input]; ++i) {
      if (values == Values::specials && rng() % 23 == 0)
        pool.push_back(std::array<float, 4>{nan, inf, -inf, 0.0f}[rng() % 4]);
      else if (values != Values::underflow)
        pool.push_back(random_float(rng, -3, 1));
      else
        pool.push_back(rng() % 16 == 0 ? 0.0f : random_float(rng, range[input].first, range[input].second));
    }
  return pool;
}

std::vector<std::size_t> knobs(const Shape& s, std::initializer_list<std::size_t> rest) {
  std::vector<std::size_t> k = {s.in, s.out, s.r, s.max_in - s.in, s.ldb - s.r};
  k.insert(k.end(), rest);
  return k;
}
std::string where(const Shape& s, Values values) {
  return fmt::format("in={} out={} r={} lda={} ldb={} {}", s.in, s.out, s.r, s.max_in, s.ldb, values_name(values));
}
constexpr std::size_t kF32 = 0, kBf16 = 1;
// Two vectors of tokens at the widest fixed-width level (AVX-512's 16 lanes)
// and one more: every level's broadcast form, with a partial last group.
constexpr std::size_t kWideBatch = 2 * 16 + 1;

TEST_P(Vera, ForwardEveryShapeTypeAndOffset) {
  Rng rng(seed() + 40);
  for (const Shape& shape : shapes())
    for (std::size_t bf16 : {kF32, kBf16})
      for (std::size_t offset : {0u, 1u, 5u})
        for (Values values : {Values::ordinary, Values::underflow})
          holds<VeraForward>({knobs(shape, {1, VeraForward::forward, bf16, offset, 0}), {}, layer_pool(shape, 1, rng, values)},
                             where(shape, values));
}

// Every input length 0..3W+1 (and rank 0..6) through each entry point, weight
// type, output offset and value class in turn.
TEST_P(Vera, EveryLengthEntryAndOffset) {
  Rng rng(seed() + 48);
  constexpr Values kValues[] = {Values::ordinary, Values::underflow, Values::specials};
  for (std::size_t in = 0; in <= 3 * max_lanes() + 1; ++in) {
    const Shape shape{in, 5, in % 7, in + in % 3, in % 7 + in % 2};
    const Values values = kValues[in % 3];
    const std::size_t m = 1 + in % 4;
    holds<VeraForward>({knobs(shape, {m, in % 3, in % 2, in % 16, rng()}), {}, layer_pool(shape, m, rng, values)},
                       where(shape, values));
    holds<VeraForward>({knobs(shape, {kWideBatch, VeraForward::batch + in % 2, in % 2, in % 16, rng()}), {},
                        layer_pool(shape, kWideBatch, rng, values)},
                       where(shape, values));
    holds<VeraMerge>({knobs(shape, {in / 2 % 2, in % 2, in / 4 % 2, 15 - in % 16}), {}, layer_pool(shape, 0, rng, values)},
                     where(shape, values));
  }
}

TEST_P(Vera, ForwardBatchEveryTokenCount) {
  Rng rng(seed() + 41);
  // Small counts, and each fixed-width level's switch from the dot form to
  // the broadcast form (two vectors of 4, 8 or 16 tokens) with one token
  // either side.
  for (const Shape& shape : {Shape{33, 17, 3, 40, 7}, Shape{64, 48, 32, 100, 33}, Shape{17, 9, 5, 20, 5}})
    for (std::size_t m : {1u, 2u, 3u, 4u, 5u, 7u, 8u, 9u, 13u, 15u, 16u, 17u, 31u, 32u, 33u})
      for (std::size_t bf16 : {kF32, kBf16})
        for (Values values : {Values::ordinary, Values::underflow})
          holds<VeraForward>({knobs(shape, {m, VeraForward::batch, bf16, m % 16, 0}), {}, layer_pool(shape, m, rng, values)},
                             where(shape, values));
}

// NaN and infinities scattered over every input reach exactly the outputs
// they reach in the scalar reference.
TEST_P(Vera, ForwardPropagatesNaNAndInfinityAsTheReference) {
  Rng rng(seed() + 42);
  for (std::size_t rep = 0; rep < 4; ++rep)
    for (const Shape& shape : shapes())
      for (std::size_t m : {std::size_t{1}, std::size_t{5}, kWideBatch})
        holds<VeraForward>({knobs(shape, {m, VeraForward::batch, rep % 2, 3, 0}), {}, layer_pool(shape, m, rng, Values::specials)},
                           where(shape, Values::specials));
}

TEST_P(Vera, GenerateIsBitIdenticalToTheHeaderGenerator) {
  Rng rng(seed() + 43);
  for (std::size_t rep = 0; rep < 40; ++rep) {
    const std::uint64_t gen_seed = rep == 0 ? 0 : rng();
    const std::size_t fan_in = 1 + rng() % 5000, rows = rng() % 9, cols = rng() % 70, ld_extra = rng() % 5;
    const std::size_t row0 = rep % 3 == 0 ? 0 : rng() % 100000, col0 = rep % 5 == 0 ? 0 : rng() % 100000;
    holds<VeraGenerate>({{rep % 2, fan_in - 1, row0, rows, col0, cols, ld_extra, rng() % 16, gen_seed}, {}, {}});
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
  Rng rng(seed() + 44);
  for (const Shape& shape : shapes())
    for (std::size_t m : {std::size_t{1}, std::size_t{3}, std::size_t{8}, kWideBatch})
      for (Values values : {Values::ordinary, Values::underflow}) {
        const std::size_t bf16 = m == 3 ? kBf16 : kF32, gen_seed = rng();
        holds<VeraForward>({knobs(shape, {m, VeraForward::regen, bf16, 7, gen_seed}), {}, layer_pool(shape, m, rng, values)},
                           where(shape, values));
      }
}

// merge out of place, then unmerge in place from the merged weights: each
// under its contract, and back to W0 within twice the merge bound.
TEST_P(Vera, MergeAndUnmergeInAndOutOfPlace) {
  Rng rng(seed() + 45);
  for (const Shape& shape : shapes())
    for (std::size_t bf16 : {kF32, kBf16})
      for (Values values : {Values::ordinary, Values::specials, Values::underflow}) {
        const std::size_t n = shape.out * shape.in;
        const Case<float> merge{knobs(shape, {bf16, 0, 0, 1 + n % 15}), {}, layer_pool(shape, 0, rng, values)};
        holds<VeraMerge>(merge, where(shape, values));
        if (HasFatalFailure()) return;
        if (values == Values::specials) continue;
        const VeraInputs p(merge, 0, bf16 == kBf16);
        Case<float> unmerge{knobs(shape, {kF32, 1, 1, 0}), {}, std::vector<float>(n)};
        k().merge(p.layer(), unmerge.data.data());
        unmerge.data.insert(unmerge.data.end(), merge.data.begin() + static_cast<std::ptrdiff_t>(n), merge.data.end());
        holds<VeraMerge>(unmerge, where(shape, values));
        const VeraInputs q(unmerge, 0, false);
        std::vector<float> w(q.w0f.data(), q.w0f.data() + n);
        VeraLayer back = q.layer();
        back.w0 = w.data();
        k().unmerge(back, w.data());
        for (std::size_t e = 0; e < n; ++e) {
          const std::size_t i = e / shape.in, j = e % shape.in;
          const double bound = 2 * (gamma_f32(vera_merge_depth(shape.r)) * (std::fabs(p.w0(i, j)) + vera_merge_exact(p, i, j).mag) +
                                    vera_merge_underflow(p.layer(), i, j));
          ASSERT_LE(std::fabs(static_cast<double>(w[e]) - p.w0(i, j)), bound)
              << impl().name << " " << where(shape, values) << ": merge then unmerge, w(" << i << ", " << j << ") "
              << describe(w[e]) << " W0 " << describe(p.w0(i, j)) << " (MASKBENCH_SEED=" << seed() << ")";
        }
      }
}

// The case the fuzzer found: every factor 2^-149, so c_00 = 0 and w = 0
// where the exact value is 2^-596, which only the underflow term covers.
TEST_P(Vera, MergeOfSubnormalFactors) {
  const float tiny = std::numeric_limits<float>::denorm_min();
  for (std::size_t unmerge : {0, 1}) holds<VeraMerge>({{1, 1, 1, 0, 0, kF32, unmerge, 0, 1}, {}, {0.0f, tiny, tiny, tiny, tiny}});
}

// Merged weights through a plain matvec (forward with r = 0) give the
// unmerged forward's exact result within the two bounds composed; the
// underflow terms compose as each eta is scaled: the merge's by |x_j|.
TEST_P(Vera, MergedMatvecMatchesTheUnmergedForward) {
  Rng rng(seed() + 46);
  for (const Shape& shape : shapes())
    for (std::size_t bf16 : {kF32, kBf16})
      for (Values values : {Values::ordinary, Values::underflow}) {
        const VeraInputs p({knobs(shape, {}), {}, layer_pool(shape, 1, rng, values)}, 1, bf16 == kBf16);
        std::vector<float> w(shape.out * shape.in);
        k().merge(p.layer(), w.data());
        VeraLayer plain = p.layer();
        plain.w0 = w.data();
        plain.w0_type = VeraWeight::f32;
        plain.r = 0;
        std::vector<float> y(shape.out), want(shape.out);
        k().forward(plain, p.x.data(), y.data());
        ref().forward(p.layer(), p.x.data(), want.data());
        VeraExact e = vera_forward_exact(p, nullptr);
        for (std::size_t i = 0; i < shape.out; ++i) {
          e.underflow[i] = vera_forward_underflow(plain, i);
          for (std::size_t j = 0; j < shape.in; ++j)
            e.underflow[i] += std::fabs(static_cast<double>(p.x[j])) * vera_merge_underflow(p.layer(), i, j);
        }
        const auto m = vera_outputs(p, y.data(), want, e, vera_merge_depth(shape.r) + vera_forward_depth(k(), shape.in, 0, 1));
        ASSERT_FALSE(m) << impl().name << " merge then matvec " << where(shape, values) << " (MASKBENCH_SEED=" << seed()
                        << "): " << m->what << " expected " << m->expected << ", got " << m->actual;
      }
}

// Large enough that every implementation runs its full register blocks many
// times, with a strided slice of a wider shared A.
TEST_P(Vera, ForwardLargeLayer) {
  Rng rng(seed() + 47);
  for (const Shape& shape : {Shape{1027, 515, 67, 1100, 70}, Shape{4096, 64, 256, 4096, 256}})
    holds<VeraForward>({knobs(shape, {2, VeraForward::batch, kBf16, 0, 0}), {}, layer_pool(shape, 2, rng)},
                       where(shape, Values::ordinary));
}

MB_INSTANTIATE_FAMILY(Vera, VeraKernels);

}  // namespace
}  // namespace maskbench::conformance

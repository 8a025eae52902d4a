// Conformance of the task-vector family (maskbench/taskvec.hpp): every
// implementation against its contracts (contracts/taskvec.hpp) over every
// size, task count, value class and model split, and the worked examples of
// the header's definitions.
#include <cmath>
#include <limits>
#include <vector>

#include "contracts/taskvec.hpp"
#include "harness/family.hpp"
#include "harness/scoped_threshold.hpp"
#include "maskbench/streaming.hpp"

namespace maskbench::conformance {
namespace {

using Taskvec = FamilyTest<TaskvecKernels>;

// The pool of k checkpoints of n elements as Checkpoints reads it: pre, then
// each task, from the k + 1 arrays of a model.
std::vector<float> flat(const std::vector<std::vector<float>>& model) {
  std::vector<float> pool;
  for (const auto& a : model) pool.insert(pool.end(), a.begin(), a.end());
  return pool;
}

// Checkpoints near a shared base, so that task vectors are small against the
// weights as in real fine-tuning, with a few exact repeats (tau == 0).
std::vector<std::vector<float>> random_model(std::size_t k, std::size_t n, Rng& rng) {
  std::vector<std::vector<float>> v(k + 1, std::vector<float>(n));
  for (std::size_t d = 0; d < n; ++d) {
    v[0][d] = random_float(rng, -4, 2);
    for (std::size_t t = 1; t <= k; ++t) v[t][d] = rng() % 10 == 0 ? v[0][d] : v[0][d] + random_float(rng, -12, -2);
  }
  return v;
}

// Checkpoints whose products tau_i*tau_j fall below FLT_MIN: pre is 0 or
// subnormal, and each task's tau takes magnitudes from one underflow_range,
// drawn per task, with exact repeats (tau == 0).
std::vector<std::vector<float>> underflow_model(std::size_t k, std::size_t n, Rng& rng) {
  std::vector<std::pair<int, int>> range(k + 1);
  for (auto& r : range) r = underflow_range(rng);
  std::vector<std::vector<float>> v(k + 1, std::vector<float>(n));
  for (std::size_t d = 0; d < n; ++d) {
    v[0][d] = rng() % 2 ? 0.0f : random_float(rng, -149, -126);
    for (std::size_t t = 1; t <= k; ++t)
      v[t][d] = rng() % 10 == 0 ? v[0][d] : v[0][d] + random_float(rng, range[t].first, range[t].second);
  }
  return v;
}

// Checkpoints in f16's subnormal range (below 2^-14, multiples of 2^-24),
// whose widening takes the conversions' slowest and least tested path.
std::vector<std::vector<float>> f16_subnormal_model(std::size_t k, std::size_t n, Rng& rng) {
  std::vector<std::vector<float>> v(k + 1, std::vector<float>(n));
  for (std::size_t d = 0; d < n; ++d) {
    v[0][d] = rng() % 3 == 0 ? 0.0f : random_float(rng, -24, -15);
    for (std::size_t t = 1; t <= k; ++t) v[t][d] = rng() % 10 == 0 ? v[0][d] : random_float(rng, -24, -15);
  }
  return v;
}

// Checkpoints at the edges of GramOperands::bf16 (and plain values for the
// other rows): pre is 0 at even d and small elsewhere, so that a difference
// from a unit-sized checkpoint has 9 to 21 significant bits and rounds to
// bf16, at times from a tie (pre = 2^-8 exactly); each task is of one class,
// unit-sized, large (2^20 to 2^30) or tiny (2^-133 to 2^-120, on both sides
// of FLT_MIN, 0 where pre is not 0), so an entry of a tiny and a large task is
// made of products a bf16 kernel may drop, and its bound's flushed term is
// what it rests on.
std::vector<std::vector<float>> bf16_edge_model(std::size_t k, std::size_t n, Rng& rng) {
  std::vector<std::vector<float>> v(k + 1, std::vector<float>(n));
  std::vector<unsigned> cls(k + 1);
  for (auto& c : cls) c = static_cast<unsigned>(rng() % 3);
  for (std::size_t d = 0; d < n; ++d) {
    v[0][d] = d % 2 == 0 ? 0.0f : rng() % 8 == 0 ? 0x1p-8f : random_float(rng, -20, -8);
    for (std::size_t t = 1; t <= k; ++t)
      v[t][d] = cls[t] == 0   ? random_float(rng, 0, 0)
                : cls[t] == 1 ? random_float(rng, 20, 30)
                : d % 2 == 0  ? random_float(rng, -133, -120)
                              : v[0][d];
  }
  return v;
}

void gram_every_size(Taskvec& test, std::size_t dtype, std::uint64_t s,
                     std::vector<std::vector<float>> (*model)(std::size_t, std::size_t, Rng&)) {
  Rng rng(s);
  // Every k up to one past the widest level's register-only Gram (6 tasks),
  // then two and four register tiles.
  for (std::size_t k : {1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 16u})
    for (std::size_t n : test_sizes())
      if (k < 16 || n <= 5000) test.holds<TaskvecGram>({{k - 1, n, dtype, n % 16 + 1}, {}, flat(model(k, n, rng))});
}

TEST_P(Taskvec, GramF32WithinBoundEverySizeAndK) { gram_every_size(*this, kF32, seed() + 10, random_model); }
TEST_P(Taskvec, GramBf16WithinBoundEverySizeAndK) { gram_every_size(*this, kBf16, seed() + 11, random_model); }
TEST_P(Taskvec, GramF32OfUnderflowingProducts) { gram_every_size(*this, kF32, seed() + 15, underflow_model); }
TEST_P(Taskvec, GramBf16OfUnderflowingProducts) { gram_every_size(*this, kBf16, seed() + 16, underflow_model); }
TEST_P(Taskvec, GramF16WithinBoundEverySizeAndK) { gram_every_size(*this, kF16, seed() + 17, random_model); }
TEST_P(Taskvec, GramF16OfSubnormals) { gram_every_size(*this, kF16, seed() + 18, f16_subnormal_model); }
TEST_P(Taskvec, GramBf16AtRoundingTiesAndFlushEdges) { gram_every_size(*this, kBf16, seed() + 40, bf16_edge_model); }

// Up to kMaxTasks tasks: every tile pair of the largest Gram, ragged tile
// counts (33), at tails and past a block, in each input type; 32 and 33
// tasks are the most on short blocks and the fewest on long ones
// (taskvec/blocking.hpp). Past a flush of the partial sums at 8192 elements
// took this test from 10 to 29 s a row under qemu.
TEST_P(Taskvec, GramManyTasks) {
  Rng rng(seed() + 19);
  for (std::size_t k : {std::size_t{32}, std::size_t{33}, kMaxTasks})
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, max_lanes() + 1, std::size_t{1000}})
      for (std::size_t dtype : {kF32, kBf16, kF16}) holds<TaskvecGram>({{k - 1, n, dtype, n % 16 + 1}, {}, flat(random_model(k, n, rng))});
}

// The Gram prefetching its streams at every size (the benchmarks' inputs do
// only beyond L2): asking for the next blocks' lines, up to the input's end,
// in each input type, from registers (few tasks) and through the tiles. One
// vector, a tail, and blocks enough for the prefetches to run past the end:
// every size and K took 4 minutes under qemu's SVE.
TEST_P(Taskvec, GramPrefetchingPastTheEnd) {
  const ScopedThreshold prefetching(set_stream_prefetch_bytes, 0);
  Rng rng(seed() + 23);
  for (std::size_t k : {std::size_t{2}, std::size_t{7}, kMaxTasks})
    for (std::size_t n : {std::size_t{1}, max_lanes() + 1, std::size_t{1000}})
      for (std::size_t dtype : {kF32, kBf16, kF16})
        holds<TaskvecGram>({{k - 1, n, dtype, n % 16 + 1}, {}, flat(random_model(k, n, rng))});
}

// Long enough for several f32 flushes, with cancellation between tasks.
TEST_P(Taskvec, GramLongAndCancelling) {
  Rng rng(seed() + 12);
  const std::size_t n = (1u << 18) + 5;
  auto v = random_model(4, n, rng);
  for (std::size_t d = 0; d < n; ++d) v[2][d] = v[0][d] - (v[1][d] - v[0][d]);  // tau_1 = -tau_0 where exact
  holds<TaskvecGram>({{3, n, kF32, 5}, {}, flat(v)});
}

TEST_P(Taskvec, GramNonFiniteInputs) {
  Rng rng(seed() + 13);
  for (std::size_t n : test_sizes()) {
    if (n == 0) continue;
    for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                      -std::numeric_limits<float>::infinity()}) {
      auto v = random_model(5, n, rng);
      v[1 + rng() % 5][rng() % n] = bad;
      if (rng() % 3 == 0) v[0][rng() % n] = bad;
      holds<TaskvecGram>({{4, n, kF32, 1}, {}, flat(v)});
      holds<TaskvecGram>({{4, n, kBf16, 2}, {}, flat(v)});
      holds<TaskvecGram>({{4, n, kF16, 3}, {}, flat(v)});
    }
  }
}

TEST_P(Taskvec, DotAndNorm2MatchGramBound) {
  Rng rng(seed() + 14);
  for (std::size_t n : test_sizes()) {
    holds<TaskvecDot>({{n, n % 7}, {}, flat(random_model(2, n, rng))}, "ordinary");
    holds<TaskvecDot>({{n, n % 7}, {}, flat(underflow_model(2, n, rng))}, "underflowing");
  }
}

// Every bf16 and f16 bit pattern widens as maskbench::widen does (bf16: the
// f32 with those upper bits): ties_merge with nothing kept and lambda = -1
// returns widen(pre) + (-0.0), which is widen(pre) itself for every value.
template <class E>
void widening_is_exact(Taskvec& test, const char* type) {
  const std::size_t n = 65536;
  Guarded<E> pre = Guarded<E>::at_end(n);
  for (std::size_t i = 0; i < n; ++i) pre[i] = E{static_cast<std::uint16_t>(i)};
  const E* ft[1] = {pre.data()};
  const float nothing = std::numeric_limits<float>::quiet_NaN();
  Guarded<float> out = Guarded<float>::at_offset(n, 1);
  test.k().typed<E>().ties_merge(pre.data(), ft, 1, n, &nothing, 1.0f, -1.0f, out.data());
  ASSERT_TRUE(out.intact());
  for (std::size_t i = 0; i < n; ++i) {
    const float want = widen(E{static_cast<std::uint16_t>(i)});
    ASSERT_TRUE(same_float(out[i], want)) << test.impl().name << " " << type << " 0x" << std::hex << i
                                          << " widened to " << describe(out[i]) << ", expected " << describe(want);
  }
}

TEST_P(Taskvec, Bf16WideningIsExact) { widening_is_exact<Bf16>(*this, "bf16"); }
TEST_P(Taskvec, F16WideningIsExact) { widening_is_exact<F16>(*this, "f16"); }

// Magnitudes drawn from a small set so that ties at the threshold are common,
// plus zeros, signed zeros and, where `specials`, NaN and infinities.
std::vector<std::vector<float>> tied_model(std::size_t k, std::size_t n, bool specials, Rng& rng) {
  static const float mags[] = {0.0f, 0.25f, 0.5f, 0.75f, 1.0f, 1.5f, 3.0f, 1e-20f};
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<std::vector<float>> v(k + 1, std::vector<float>(n));
  for (std::size_t d = 0; d < n; ++d) {
    v[0][d] = static_cast<float>(static_cast<int>(rng() % 9) - 4);
    for (std::size_t t = 1; t <= k; ++t) {
      const float tau = mags[rng() % 8] * (rng() % 2 ? 1.0f : -1.0f);
      v[t][d] = rng() % 4 == 0 ? v[0][d] + random_float(rng, -6, 1) : v[0][d] + tau;
      if (specials && rng() % 40 == 0) v[t][d] = rng() % 2 ? std::numeric_limits<float>::quiet_NaN() : (rng() % 2 ? inf : -inf);
    }
    if (specials && rng() % 97 == 0) v[0][d] = std::numeric_limits<float>::quiet_NaN();
  }
  return v;
}

// One TIES round over a model of up to five tensors of the given sizes.
void ties_round(Taskvec& test, std::size_t dtype, std::size_t k, std::vector<std::size_t> sizes, bool specials,
                float percent, float lambda, Rng& rng) {
  std::vector<float> pool;
  for (std::size_t n : sizes) {
    const std::vector<float> part = flat(tied_model(k, n, specials, rng));
    pool.insert(pool.end(), part.begin(), part.end());
  }
  sizes.resize(5, 0);
  const std::size_t prefix_plus_1 = rng() % 2 ? 0 : 1 + (rng() % 0x3F90);
  test.holds<TaskvecTies>({{k - 1, sizes[0], sizes[1], sizes[2], sizes[3], sizes[4], dtype, prefix_plus_1, 0, sizes[0] % 5 + 1},
                           {percent, lambda},
                           pool},
                          fmt::format("specials={}", specials));
}

void ties_every_case(Taskvec& test, std::size_t dtype, std::uint64_t s) {
  Rng rng(s);
  constexpr std::size_t kTasks[] = {1, 2, 3, 7, 16};
  constexpr float kPercents[] = {0.0f, 20.0f, 50.0f, 100.0f};
  constexpr std::size_t kPairs = std::size(kTasks) * std::size(kPercents);
  for (std::size_t n : test_sizes()) {
    // Every (tasks, percent) pair at the edge sizes; at the large sizes each
    // percent once (with up to 7 tasks); elsewhere one pair per size, in
    // turn, so that each pair still meets many sizes and tails. The full
    // cross product cost 20 rounds of a 65536-bin histogram per size, 40 s
    // per implementation under ASan.
    const bool every_pair = n <= 1 || n == max_lanes() + 1 || n == 1000;
    for (std::size_t pair = 0; pair < kPairs; ++pair) {
      const std::size_t ki = pair / std::size(kPercents), pi = pair % std::size(kPercents);
      if (every_pair || (n > 4000 ? ki == (pi + n) % (std::size(kTasks) - 1) : pair == n % kPairs))
        ties_round(test, dtype, kTasks[ki], {n}, n % 2 == 1, kPercents[pi], 1.0f, rng);
    }
  }
  // The most tasks a call takes.
  ties_round(test, dtype, kMaxTasks, {max_lanes() + 1}, true, 20.0f, 1.0f, rng);
  ties_round(test, dtype, kMaxTasks, {1000}, false, 50.0f, 0.5f, rng);
  // A model of several tensors: the threshold is global over all of them.
  // The one past 65536 elements (more than the histogram's bins) takes half
  // of this test's time, so the smoke level (qemu's runs) gives it one
  // percentage.
  for (float percent : {0.1f, 10.0f, 20.0f, 29.0f, 37.0f, 99.99f}) {
    ties_round(test, dtype, 4, {0, 7, 1000, 33, 4097}, true, percent, 0.7f, rng);
    if (!smoke_level() || percent == 29.0f) ties_round(test, dtype, 3, {65539, 17}, false, percent, -1.25f, rng);
  }
}

TEST_P(Taskvec, TiesF32ThresholdsSignsAndMergeExact) { ties_every_case(*this, kF32, seed() + 20); }
TEST_P(Taskvec, TiesBf16ThresholdsSignsAndMergeExact) { ties_every_case(*this, kBf16, seed() + 21); }
TEST_P(Taskvec, TiesF16ThresholdsSignsAndMergeExact) { ties_every_case(*this, kF16, seed() + 22); }

// Whole percentages are exact: 29% of 100 distinct magnitudes keeps 29 of
// them (0.29 * 100 in double is just under 29).
TEST_P(Taskvec, ThresholdOfWholePercentIsExact) {
  std::vector<float> pool(200, 0.0f);
  for (std::size_t d = 0; d < 100; ++d) pool[100 + d] = static_cast<float>(d + 1) * (d % 2 ? 1.0f : -1.0f);
  std::vector<Checkpoints<float>> model;
  model.emplace_back(pool, 1, 100, 3);
  EXPECT_EQ(kernel_threshold<float>(k(), model, 0, 29.0), 72.0f) << impl().name;
  EXPECT_EQ(kernel_threshold<float>(k(), model, 0, 100.0), 1.0f) << impl().name;
  EXPECT_TRUE(std::isnan(kernel_threshold<float>(k(), model, 0, 0.5))) << impl().name << ": 0.5% of 100 keeps nothing";
}

// A hand-made case of the contract: elect, disjoint mean and the majority rule.
TEST_P(Taskvec, TiesMergeWorkedExample) {
  // Element 0: trimmed 2, -1, 0 -> sum 1 > 0, mean of {2} = 2.
  // Element 1: 1, -1, 0 -> sum 0, majority decides.
  // Element 2: -3, -1, 4 -> sum 0, majority decides.
  // Element 3: tau 0.1 under every threshold -> nothing kept, mean 0.
  const Checkpoints<float> m(flat({{0, 0, 0, 10}, {2, 1, -3, 10.1f}, {-1, -1, -1, 10.1f}, {0, 0, 4, 10.1f}}), 3, 4, 1);
  const float thr[3] = {0.5f, 0.5f, 0.5f};
  EXPECT_EQ(k().f32.ties_sign_sum(m.pre(), m.ft.data(), 3, 4, thr), 1);
  for (float majority : {1.0f, -1.0f}) {
    float out[4];
    k().f32.ties_merge(m.pre(), m.ft.data(), 3, 4, thr, majority, 0.5f, out);
    const std::vector<float> want = majority > 0 ? std::vector<float>{1.0f, 0.5f, 2.0f, 10.0f}
                                                 : std::vector<float>{1.0f, -0.5f, -1.0f, 10.0f};
    for (std::size_t d = 0; d < 4; ++d)
      EXPECT_EQ(out[d], want[d]) << impl().name << " element " << d << " majority " << majority;
  }
}

MB_INSTANTIATE_FAMILY(Taskvec, TaskvecKernels);

}  // namespace
}  // namespace maskbench::conformance

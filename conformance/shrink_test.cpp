// The minimal-reproducer facility (harness/shrink.hpp) on deliberately wrong
// kernels checked through their contracts (contracts/): test-local function
// tables, never the real kernels. Each bug has a known smallest failing case;
// the shrinker must find exactly that one from a large random case, and the
// result must be locally minimal: no single removal or simplification still
// fails.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "contracts/compress.hpp"
#include "contracts/cond.hpp"
#include "contracts/taskvec.hpp"
#include "contracts/vera.hpp"

namespace maskbench::conformance {
namespace {

template <class Table>
const Table& scalar() {
  return *maskbench::reference().kernels<Table>();
}
const CondKernels& scalar_cond() { return scalar<CondKernels>(); }

// Contract S's check of a wrong table against the scalar reference.
template <class S>
auto contract_check(const typename S::Table& wrong) {
  return [&wrong](const CaseOf<S>& c) { return S::check(wrong, scalar<typename S::Table>(), c); };
}

// select with a bug: lanes whose input is negative get 1 added (the inputs
// are read first, so that in place behaves as out of place).
void select_negative_bug(const float* x, float* y, std::size_t n, float t, float a, float b, float c) {
  std::vector<bool> negative(n);
  for (std::size_t i = 0; i < n; ++i) negative[i] = x[i] < 0;
  scalar_cond().select(x, y, n, t, a, b, c);
  for (std::size_t i = 0; i < n; ++i)
    if (negative[i]) y[i] += 1.0f;
}
// select with a tail bug: lane 8 is wrong whenever it exists.
void select_lane8_bug(const float* x, float* y, std::size_t n, float t, float a, float b, float c) {
  scalar_cond().select(x, y, n, t, a, b, c);
  if (n > 8) y[8] = y[8] + 1.0f;
}
// select with an over-write: one element past the end, at some offsets.
void select_overwrite_bug(const float* x, float* y, std::size_t n, float t, float a, float b, float c) {
  scalar_cond().select(x, y, n, t, a, b, c);
  if (reinterpret_cast<std::uintptr_t>(y) % 16 == 12) y[n] = 0.0f;
}
// compress_i32 that drops the last selected element once it has 5.
std::size_t compress_drops_fifth(const std::int32_t* x, std::int32_t* out, std::size_t n, std::int32_t t) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (x[i] > t) out[count++] = x[i];
  return count >= 5 ? count - 1 : count;
}

// VeRA forward that applies |b| instead of b.
void forward_abs_lambda_b(const VeraLayer& layer, const float* x, float* y) {
  std::vector<float> lb(layer.lambda_b, layer.lambda_b + layer.out);
  for (float& v : lb) v = std::fabs(v);
  VeraLayer l = layer;
  l.lambda_b = lb.data();
  scalar<VeraKernels>().forward(l, x, y);
}
// tv_dot that forgets to subtract pre: sum a*b instead of the task vectors'.
double tv_dot_without_pre(const float*, const float* a, const float* b, std::size_t n) {
  double s = 0;
  for (std::size_t d = 0; d < n; ++d) s += static_cast<double>(a[d]) * b[d];
  return s;
}

using SelectFn = void (*)(const float*, float*, std::size_t, float, float, float, float);

CondKernels wrong_select(SelectFn wrong) {
  CondKernels k = scalar_cond();
  k.select = wrong;
  return k;
}

// A large random failing case: n = 300, odd offset, random parameters.
Case<float> random_select_case(Rng& rng) {
  Case<float> c{{13, 1}, {random_float(rng), random_float(rng), random_float(rng), random_float(rng)}, {}};
  for (int i = 0; i < 300; ++i) c.data.push_back(random_float(rng, -10, 10));
  return c;
}

// No single step of the shrinker's kinds still fails.
template <class T, class P, class Check>
void expect_locally_minimal(const Case<T, P>& c, Check&& check) {
  for (std::size_t i = 0; i < c.data.size(); ++i) {
    Case<T, P> fewer = c;
    fewer.data.erase(fewer.data.begin() + static_cast<std::ptrdiff_t>(i));
    EXPECT_FALSE(check(fewer)) << "still fails without element " << i;
    for (T v : simpler_values(c.data[i])) {
      if (simplicity(v) >= simplicity(c.data[i])) continue;
      Case<T, P> simpler = c;
      simpler.data[i] = v;
      EXPECT_FALSE(check(simpler)) << "still fails with element " << i << " = " << literal(v);
    }
  }
  for (std::size_t i = 0; i < c.knobs.size(); ++i)
    if (c.knobs[i] > 0) {
      Case<T, P> smaller = c;
      smaller.knobs[i] -= 1;
      EXPECT_FALSE(check(smaller)) << "still fails with knob " << i << " = " << smaller.knobs[i];
    }
  for (std::size_t i = 0; i < c.params.size(); ++i)
    for (P v : simpler_values(c.params[i])) {
      if (simplicity(v) >= simplicity(c.params[i])) continue;
      Case<T, P> simpler = c;
      simpler.params[i] = v;
      EXPECT_FALSE(check(simpler)) << "still fails with parameter " << i << " = " << literal(v);
    }
}

template <class T, class P>
void expect_case(const Shrunk<T, P>& s, const Case<T, P>& want) {
  EXPECT_EQ(s.c.knobs, want.knobs);
  EXPECT_EQ(s.c.params.size(), want.params.size());
  for (std::size_t i = 0; i < std::min(s.c.params.size(), want.params.size()); ++i)
    EXPECT_TRUE(same_bits(s.c.params[i], want.params[i])) << "parameter " << i << ": " << literal(s.c.params[i]);
  EXPECT_EQ(s.c.data.size(), want.data.size());
  for (std::size_t i = 0; i < std::min(s.c.data.size(), want.data.size()); ++i)
    EXPECT_TRUE(same_bits(s.c.data[i], want.data[i])) << "element " << i << ": " << literal(s.c.data[i]);
}

// Shrinks `start`, which must fail under contract S on the wrong table, and
// expects `want`, locally minimal.
template <class S>
Shrunk<typename S::T, typename S::P> expect_shrinks(const typename S::Table& wrong, const CaseOf<S>& start,
                                                    const CaseOf<S>& want) {
  SCOPED_TRACE(fmt::format("MASKBENCH_SEED={:#x}", seed()));
  const auto check = contract_check<S>(wrong);
  const std::optional<Mismatch> m = check(start);
  if (!m) {
    ADD_FAILURE() << "the start case does not hit the bug";
    return {start, {}, 0};
  }
  Shrunk<typename S::T, typename S::P> s = shrink(start, *m, check);
  expect_case(s, want);
  expect_locally_minimal(s.c, check);
  return s;
}

// x = -1 is the simplest negative input; 0 everywhere else.
TEST(Shrink, WrongValueShrinksToOneSimpleLane) {
  Rng rng(seed() + 90);
  const auto s = expect_shrinks<CondSelect>(wrong_select(select_negative_bug), random_select_case(rng),
                                            {{0, 0}, {0.0f, 0.0f, 0.0f, 0.0f}, {-1.0f}});
  EXPECT_EQ(s.m.what, "y[0] (x[0] = -1 (0xbf800000))");
}

TEST(Shrink, TailBugShrinksToTheSmallestN) {
  Rng rng(seed() + 91);
  const auto s = expect_shrinks<CondSelect>(wrong_select(select_lane8_bug), random_select_case(rng),
                                            {{0, 0}, {0.0f, 0.0f, 0.0f, 0.0f}, std::vector<float>(9, 0.0f)});
  EXPECT_EQ(s.m.lane, 8u);
}

// Offsets 3, 7, 11, 15 put y at 12 mod 16 bytes; 3 is the smallest, and
// n = 0 still writes y[0], past the end.
TEST(Shrink, OverwriteShrinksToTheSmallestFailingOffset) {
  Rng rng(seed() + 92);
  Case<float> start = random_select_case(rng);
  start.knobs = {15, 0};  // y starts 60 bytes past a page boundary: 60 % 16 == 12
  const auto s = expect_shrinks<CondSelect>(wrong_select(select_overwrite_bug), start, {{3, 0}, {0.0f, 0.0f, 0.0f, 0.0f}, {}});
  EXPECT_NE(s.m.what.find("canaries"), std::string::npos) << s.m.what;
}

// Five elements above t. Two cases are equally simple, t = 0 with five 1s
// and t = -1 with five 0s; which one the search reaches depends on the
// random start.
TEST(Shrink, CompressCountBugShrinksToFiveOnes) {
  Rng rng(seed() + 93);
  SCOPED_TRACE(fmt::format("MASKBENCH_SEED={:#x}", seed()));
  CompressKernels wrong = scalar<CompressKernels>();
  wrong.compress_i32 = compress_drops_fifth;
  const auto check = contract_check<CompressI32>(wrong);
  Case<std::int32_t, std::int32_t> start{{0, 9, 1}, {-100}, {}};
  for (int i = 0; i < 200; ++i) start.data.push_back(static_cast<std::int32_t>(rng() % 2001) - 1000);
  const auto s = shrink(start, *check(start), check);
  const bool ones = !s.c.params.empty() && s.c.params[0] == 0;
  expect_case(s, Case<std::int32_t, std::int32_t>{{0, 0, 0}, {ones ? 0 : -1}, std::vector<std::int32_t>(5, ones ? 1 : 0)});
  EXPECT_TRUE(s.m.what.starts_with("the count")) << s.m.what;
  expect_locally_minimal(s.c, check);
}

// A 20x9 layer of rank 5 with random values shrinks to one of each input, all
// -1: the smallest layer where b's sign shows (W0·x = 1, the adapter's term
// -1, y = 0 against |b|'s 2).
TEST(Shrink, VeraSignBugShrinksToAOneByOneLayerOfMinusOnes) {
  Rng rng(seed() + 95);
  VeraKernels wrong = scalar<VeraKernels>();
  wrong.forward = forward_abs_lambda_b;
  Case<float> start{{20, 9, 5, 3, 2, 4, VeraForward::forward, 0, 7, 1234}, {}, {}};
  for (int i = 0; i < 400; ++i) start.data.push_back(random_float(rng, -3, 3));
  EXPECT_EQ(expect_shrinks<VeraForward>(wrong, start, {{1, 1, 1, 0, 0, 0, 0, 0, 0, 0}, {}, {-1.0f}}).m.lane, 0u);
}

// 300 elements of two task vectors shrink to one element whose checkpoints
// are all 1: tau = 0, so the exact dot is 0 and the bug's is 1.
TEST(Shrink, TaskvecDotBugShrinksToOneElement) {
  Rng rng(seed() + 96);
  TaskvecKernels wrong = scalar<TaskvecKernels>();
  wrong.tv_dot = tv_dot_without_pre;
  Case<float> start{{300, 11}, {}, {}};
  for (int i = 0; i < 900; ++i) start.data.push_back(random_float(rng, -3, 3));
  EXPECT_EQ(expect_shrinks<TaskvecDot>(wrong, start, {{1, 0}, {}, {1.0f}}).m.what, "tv_dot");
}

// masked_sum whose count is one short from 2^22 elements on.
MaskedSum masked_sum_short_when_long(const float* x, std::size_t n, float lo, float hi) {
  MaskedSum r = scalar_cond().masked_sum(x, n, lo, hi);
  if (n >= (std::size_t{1} << 22) && r.count > 0) --r.count;
  return r;
}

// A failing case of millions of elements stops shrinking within the element
// budget (each check costs the whole case), and its reproducer says how many
// values there are instead of printing them.
TEST(Shrink, AHugeCaseStopsWithinTheBudgetAndIsNotPrinted) {
  CondKernels wrong = scalar_cond();
  wrong.masked_sum = masked_sum_short_when_long;
  const auto check = contract_check<CondMaskedSum>(wrong);
  const std::size_t n = (std::size_t{1} << 22) + 5;
  const Case<float> start{{}, {-1.0f, 1.0f}, std::vector<float>(n, 0.5f)};
  const ShrinkBudget budget;
  const auto s = shrink(start, *check(start), check, budget);
  EXPECT_LE(s.elements, budget.elements + n);
  EXPECT_GE(s.c.data.size(), std::size_t{1} << 22);
  static constexpr std::string_view kParams[] = {"lo", "hi"};
  const std::string text = reproducer("wrong-masked-sum", "cond/masked_sum", n, s, {{}, kParams}, "");
  EXPECT_NE(text.find("data = ...;  // n = "), std::string::npos) << text.substr(0, 2000);
  EXPECT_LT(text.size(), 2000u) << text.substr(0, 2000);
}

TEST(Shrink, ReproducerIsATestToPaste) {
  Rng rng(seed() + 94);
  const CondKernels wrong = wrong_select(select_negative_bug);
  const auto check = contract_check<CondSelect>(wrong);
  static constexpr std::string_view kKnobs[] = {"offset", "in_place"}, kParams[] = {"t", "a", "b", "c"};
  const std::optional<std::string> text =
      failure("wrong-select", "cond/select", "(test)", random_select_case(rng), check, {kKnobs, kParams},
              "  // the call\n");
  ASSERT_TRUE(text);
  for (const char* part : {"wrong-select cond/select n=300 (test): first difference at y[",
                           "minimal failing case (n=300 shrunk to n=1 after ", "TEST(Repro, wrong_select_cond_select) {",
                           "find_implementation(\"wrong-select\")", "const std::size_t offset = 0;",
                           "const float t = 0x0p+0f;", "const std::vector<float> data = {-0x1p+0f};  // n = 1",
                           "  // the call\n}\n"})
    EXPECT_NE(text->find(part), std::string::npos) << "missing '" << part << "' in:\n" << *text;
}

}  // namespace
}  // namespace maskbench::conformance

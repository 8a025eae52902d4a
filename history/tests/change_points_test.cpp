// The change-point detector on synthetic series: steps of known size and
// place under realistic noise (Gaussian spread plus slow outlier runs), pure
// noise, and the edges (short series, constant series). Deterministic: every
// series comes from a printed seed.
#include <gtest/gtest.h>

#include <cmath>
#include <algorithm>
#include <iostream>
#include <random>

#include "change_points.hpp"

namespace maskbench::history {
namespace {

// A commit's log rate: a Gaussian spread of `sigma` (a commit's median over
// its runs on a quiet CI machine varies by about 1%), and a share `slow` of
// the commits measured 10-40% slow (a run that shared the machine).
std::vector<double> noisy(std::size_t n, double sigma, std::uint64_t seed, double slow = 0.02) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0, sigma);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::vector<double> x(n);
  for (double& v : x) {
    v = normal(rng);
    if (uniform(rng) < slow) v -= std::log(1.1 + 0.3 * uniform(rng));
  }
  return x;
}

void step(std::vector<double>& x, std::size_t at, double ratio) {
  for (std::size_t i = at; i < x.size(); ++i) x[i] += std::log(ratio);
}

std::string describe(const std::vector<ChangePoint>& found) {
  std::string s;
  for (const ChangePoint& p : found) s += " at " + std::to_string(p.at) + " ratio " + std::to_string(p.ratio) + " p " + std::to_string(p.p_value);
  return s.empty() ? " none" : s;
}

// How the detector did on a set of series with one known step each.
struct Tally {
  std::size_t series = 0, exact = 0, near = 0, extra = 0;
  std::string misses;
  void add(const std::vector<ChangePoint>& found, std::size_t at, double ratio, std::uint64_t seed) {
    ++series;
    bool hit = false;
    for (const ChangePoint& p : found) {
      if (p.at + 1 >= at && p.at <= at + 1 && !hit) {
        hit = true;
        near += 1;
        exact += p.at == at;
        EXPECT_NEAR(p.ratio, ratio, 0.02) << "seed " << seed << ", step at " << at << ":" << describe(found);
      } else {
        ++extra;
      }
    }
    if (!hit || found.size() != 1) misses += "\n  seed " + std::to_string(seed) + ", step at " + std::to_string(at) + ":" + describe(found);
  }
};

// A 5% step, 15 to 45 commits on each side: found within a commit in at
// least 95% of the series and at its very commit in 90% (an outlier beside
// the step, or 3 of 15 commits slow, defeats it now and then), with a
// spurious second step in at most 2%.
TEST(ChangePoints, FindsAFivePercentStepAtItsCommit) {
  ChangePointDetector detector;
  Tally t;
  for (std::uint64_t seed = 1; seed <= 50; ++seed)
    for (const std::size_t at : {15u, 30u, 45u}) {
      std::vector<double> x = noisy(60, 0.01, seed);
      step(x, at, 0.95);
      t.add(detector.find(x), at, 0.95, seed);
    }
  EXPECT_GE(t.near, t.series * 95 / 100) << "found within a commit in " << t.near << " of " << t.series << t.misses;
  EXPECT_GE(t.exact, t.series * 90 / 100) << "found at its commit in " << t.exact << " of " << t.series << t.misses;
  EXPECT_LE(t.extra, t.series * 2 / 100) << t.extra << " spurious steps" << t.misses;
  std::cout << "5% steps: " << t.near << " of " << t.series << " found, " << t.exact << " at their commit, " << t.extra
            << " spurious" << t.misses << "\n";
}

TEST(ChangePoints, FindsTwoStepsAndARecentOne) {
  ChangePointDetector detector;
  Tally first, second, recent;
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    std::vector<double> x = noisy(60, 0.01, 100 + seed);
    step(x, 15, 0.93);
    step(x, 40, 1.08);
    const std::vector<ChangePoint> found = detector.find(x);
    first.add({found.begin(), std::find_if(found.begin(), found.end(), [](const ChangePoint& p) { return p.at > 27; })}, 15, 0.93, 100 + seed);
    second.add({std::find_if(found.begin(), found.end(), [](const ChangePoint& p) { return p.at > 27; }), found.end()}, 40, 1.08, 100 + seed);
    // The newest commits: five after a 10% slowdown, 40 before it.
    std::vector<double> y = noisy(45, 0.01, 200 + seed);
    step(y, 40, 0.90);
    recent.add(detector.find(y), 40, 0.90, 200 + seed);
  }
  for (const Tally* t : {&first, &second, &recent}) {
    EXPECT_GE(t->near, t->series * 90 / 100) << "found in " << t->near << " of " << t->series << t->misses;
    EXPECT_LE(t->extra, t->series * 5 / 100) << t->extra << " spurious steps" << t->misses;
  }
}

// The false-alarm rate is what keeps a page of hundreds of series readable:
// over 3000 pure-noise series, at most twice alpha of them may show a step,
// and none among the first 200 (the expected count there is 0.2).
TEST(ChangePoints, PureNoiseShowsNoStep) {
  ChangePointDetector detector;
  std::size_t false_steps = 0;
  for (std::uint64_t seed = 1; seed <= 3000; ++seed) {
    const std::vector<double> x = noisy(20 + seed % 41, 0.02, 1000 + seed, 0.05);
    const std::vector<ChangePoint> found = detector.find(x);
    if (seed <= 200) {
      EXPECT_TRUE(found.empty()) << "seed " << 1000 + seed << ", n " << x.size() << ":" << describe(found);
    }
    false_steps += !found.empty();
  }
  EXPECT_LE(false_steps, 6u) << "series with a false step, of 3000 at alpha 0.001";
  std::cout << "pure noise: " << false_steps << " of 3000 series with a false step\n";
}

// A long history (5000 commits) is searched with single splits beyond 200
// commits: its steps are still found, and it finishes (ctest's TIMEOUT is
// the guard; nothing here measures time).
TEST(ChangePoints, ALongHistoryKeepsItsSteps) {
  std::vector<double> x = noisy(5000, 0.01, 77);
  step(x, 1200, 0.95);
  step(x, 4100, 1.06);
  const std::vector<ChangePoint> found = change_points(x);
  ASSERT_GE(found.size(), 2u) << describe(found);
  std::size_t near = 0;
  for (const ChangePoint& p : found) near += (p.at + 1 >= 1200 && p.at <= 1201) || (p.at + 1 >= 4100 && p.at <= 4101);
  EXPECT_EQ(near, 2u) << describe(found);
  EXPECT_LE(found.size(), 3u) << describe(found);
}

TEST(ChangePoints, EdgesOfTheInput) {
  EXPECT_TRUE(change_points(std::vector<double>{}).empty());
  EXPECT_TRUE(change_points(std::vector<double>(5, 1.0)).empty()) << "too short for two segments of 3";
  EXPECT_TRUE(change_points(std::vector<double>(40, 2.0)).empty()) << "a constant series";
  // Without any noise a step is certain, and found at once.
  std::vector<double> flat(30, 0.0);
  step(flat, 12, 1.2);
  const std::vector<ChangePoint> found = change_points(flat);
  ASSERT_EQ(found.size(), 1u) << describe(found);
  EXPECT_EQ(found[0].at, 12u);
  EXPECT_NEAR(found[0].ratio, 1.2, 1e-12);
  EXPECT_THROW(change_points(std::vector<double>{0, NAN, 0, 0, 0, 0}), std::invalid_argument);
  // The same series gives the same answer: the permutations are seeded.
  const std::vector<double> x = noisy(40, 0.02, 7, 0.05);
  EXPECT_EQ(describe(change_points(x)), describe(change_points(x)));
}

}  // namespace
}  // namespace maskbench::history

#pragma once
// The decision rule of the paired gate (`maskbench paired`): from each
// benchmark's per-round log ratios d_r = log(current_r / base_r) to one of
// three verdicts, with the false-alarm rate of the whole adaptive gate held
// at alpha. paired_stats.hpp has the tests it uses; the simulation that
// checks the rule is reports/tests/paired_simulation_test.cpp.
//
// Per benchmark, with threshold T (the slowdown the gate tolerates) and
// c = log(1 + T), at look K of at most M:
//
//   regression     the signed-rank test of "the shift of d exceeds c" is
//                  significant after Benjamini-Hochberg's correction over
//                  every benchmark and family tested at this look, at
//                  level alpha / M;
//   no-regression  the one-sided signed-rank test of "the shift is below c"
//                  is significant at alpha / M, that is, the upper
//                  confidence bound of the shift at 1 - alpha / M is below c;
//   undecided      neither: more rounds of it are needed (at K = M it stays
//                  undecided, listed as such, never counted as a pass).
//
// Why Benjamini-Hochberg (BH) and not Holm: the gate's promise is that a
// change that changed nothing (an A/A gate) fails in at most alpha of runs.
// Then every hypothesis is null, and BH at level q rejects anything at all
// with probability at most q, as Holm does: the two keep the A/A promise
// alike. They differ once something did slow down, when the gate fails
// rightly either way and the question is only how many of the benchmarks it
// names may be wrong: Holm bounds the chance of naming any unchanged one,
// BH the expected share of unchanged ones among those named (the false
// discovery rate, at q). Holm pays for that stronger list with power: a
// slowdown that hits k benchmarks must reach p <= q / m in its first, where
// BH asks p <= k q / m of the k-th, so a change that slows a whole family or
// the whole build is seen at a fraction of the rounds. On the 2-core VM, one
// A/A gate's samples with the current side scaled by 1.10 afterwards: Holm
// named 1 of 241 benchmarks, BH 25; at 1.20, 76 and 223. A lone slowed
// benchmark gains nothing (k = 1 is Holm's first step), which is why the
// minimum detectable effect below is quoted at level / m.
// Dependence: BH's guarantee needs the test statistics to be independent or
// positively dependent (PRDS, Benjamini and Yekutieli 2001). Benchmarks of a
// gate share each round's drift and bursts, which moves their one-sided
// statistics together, the positive case; the simulation
// (reports/tests/paired_simulation_test.cpp) holds the A/A and boundary
// rates at alpha under 2x drift and bursts, and the false discovery share
// of gates that slowed a tenth of the benchmarks at alpha.
//
// Why alpha / M at every look: the orchestration analyses after its first
// rounds, then runs more rounds of the undecided benchmarks only, and
// analyses again, at most M times. A false alarm of the whole gate is a
// false alarm at some look, so splitting alpha evenly over the M looks (a
// union bound, valid whatever the looks' dependence) keeps the gate's
// false-alarm rate at alpha. For one benchmark, the looks happen at sample
// sizes fixed by the schedule (continuing only while undecided chooses
// whether to look again, never the size), so each look's p-value is exact.
// The schedule must not depend on the benchmark's own values beyond that.
// The same split applies to the no-regression bound: the chance that a
// benchmark slowed by more than T is ever passed, over all looks, is at
// most alpha. That bound is per benchmark, not corrected for the number of
// benchmarks: the pass of the gate claims that every benchmark is within T,
// an intersection of claims, and an intersection-union test needs no
// multiplicity correction (Berger 1982); correcting it would make every
// benchmark need as many rounds to pass as to fail.
//
// Families: per round holding at least half of the family's members, the
// interquartile mean of their d (the log of the geometric mean of the
// middle half of their ratios: a burst or a heavy tail that throws one
// member out of a round does not move it), tested the same way against
// log(1 + T / 4) and included in the correction. Averaging k benchmarks shrinks the
// noise, so a family affords a tolerance below T, and the rule's own logic
// fixes it: a slowdown of the tolerance is a coin toss, twice the tolerance
// must be caught; T / 4 makes twice the tolerance T / 2, below the 3% slowdown
// of a whole family at T = 5% that no single benchmark's test could see
// (0.3 T, which would put 0.6 T exactly at 3%, caught only 63% of such
// slowdowns in the simulation; T / 4 catches 75%). A family of fewer than
// kMinFamilySize benchmarks is not tested as a family: its mean is hardly
// quieter than its members, and a tolerance tighter than T on one or two
// benchmarks would contradict the threshold the user chose for them.
// Validity: the interquartile mean is monotone in each member's value, so
// when every member's shift is within the tolerance the round's value is
// stochastically below a value symmetric about it, whatever members the
// round holds, and the test stays conservative. Rounds with fewer than half
// the members (the later rounds of the undecided ones only) are left out so
// that the family's estimate describes the family, not its noisiest part.
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace maskbench::paired {

inline constexpr double kFamilyToleranceFraction = 0.25;
inline constexpr std::size_t kMinFamilySize = 5;
inline constexpr double kFamilyRoundCoverage = 0.5;
// The power at which the minimum detectable effect is quoted.
inline constexpr double kDetectionPower = 0.8;

enum class Verdict { regression, no_regression, undecided };
std::string_view verdict_name(Verdict v);  // "regression", "no-regression", "undecided"

struct Rule {
  double threshold = 0.05;  // T, a fraction
  double alpha = 0.05;
  int look = 1, max_looks = 1;

  // What this look may spend: alpha / M.
  double look_alpha() const { return alpha / max_looks; }
  double family_tolerance() const { return kFamilyToleranceFraction * threshold; }
};

// One benchmark's paired rounds, in round order.
struct Pairs {
  std::string name, family;
  std::vector<long long> rounds;
  std::vector<double> log_ratios;  // log(current / base), one per round
};

// One hypothesis: a benchmark, or a family's per-round means.
struct Test {
  std::size_t n = 0;          // rounds used
  double null_log = 0;        // log(1 + tolerance)
  double p_greater = 1.0;     // signed-rank p of "slower than the tolerance"
  double p_less = 1.0;        // signed-rank p of "within the tolerance"
  double p_adjusted = 1.0;    // p_greater adjusted by Benjamini-Hochberg over the look's hypotheses
  Verdict verdict = Verdict::undecided;
};

struct FamilyTest {
  std::string family;
  std::size_t members = 0;     // benchmarks paired in at least one round
  bool tested = false;         // members >= kMinFamilySize
  std::vector<double> means;   // per round: the mean log ratio of the members paired then
  Test test;
};

struct Decision {
  std::vector<Test> benchmarks;  // in the order of the input
  std::vector<FamilyTest> families;
  std::size_t hypotheses = 0;    // the m of the correction: benchmarks with a paired round and tested families
  double level = 0;              // alpha / M
  // The level a lone regression must reach (BH's first step, as Holm's).
  double first_step_level() const { return hypotheses ? level / static_cast<double>(hypotheses) : level; }
  bool regression() const;
};

Decision decide(std::span<const Pairs> benchmarks, const Rule& rule);

}  // namespace maskbench::paired

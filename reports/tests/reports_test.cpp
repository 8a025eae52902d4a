// Unit tests of the reports library: the statistics, the escaping, the gate
// on recorded fixtures (fixtures/README.md says where each came from) and the
// pages built from hostile input. Nothing here measures time.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "maskbench/registry.hpp"

#include "analysis.hpp"
#include "compare_page.hpp"
#include "format.hpp"
#include "html.hpp"
#include "page.hpp"
#include "prediction_panel.hpp"
#include "regression.hpp"
#include "report_page.hpp"
#include "stats.hpp"

namespace maskbench {
namespace {

const std::filesystem::path kFixtures = MB_FIXTURES;
// Of the 70 benchmarks in gate-a/gate-b, how many a 20% slowdown is caught in.
constexpr std::size_t kDocumentedDetections = 66;

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

TEST(Stats, MannWhitneyIsExactForSeparatedSamples) {
  const std::vector<double> high = {6, 7, 8, 9}, low = {1, 2, 3, 4};
  EXPECT_NEAR(stats::mann_whitney_greater(high, low), 1.0 / 70.0, 1e-12);
  EXPECT_NEAR(stats::mann_whitney_greater(low, high), 1.0, 1e-12);
}

TEST(Stats, MannWhitneyCountsTiesHalf) {
  const std::vector<double> x = {1, 2, 2, 3}, y = {1, 2, 2, 3};
  const double p = stats::mann_whitney_greater(x, y);
  EXPECT_GT(p, 0.5);
  EXPECT_LE(p, 1.0);
  EXPECT_NEAR(p, stats::mann_whitney_greater(y, x), 1e-12);
}

TEST(Stats, MannWhitneyNormalApproximationForLargeSamples) {
  std::vector<double> x, y;
  for (int i = 0; i < 30; ++i) {
    x.push_back(100 + i);
    y.push_back(i);
  }
  EXPECT_LT(stats::mann_whitney_greater(x, y), 1e-9);
  EXPECT_GT(stats::mann_whitney_greater(y, x), 0.999);
}

TEST(Stats, BootstrapIntervalIsReproducibleAndHoldsTheRatio) {
  const std::vector<double> x = {12, 12.5, 11.8, 12.2, 12.1, 12.4}, y = {10, 10.2, 9.9, 10.1, 10.0, 10.3};
  const stats::Interval a = stats::bootstrap_median_ratio(x, y, 0.95), b = stats::bootstrap_median_ratio(x, y, 0.95);
  EXPECT_EQ(a.lo, b.lo);
  EXPECT_EQ(a.hi, b.hi);
  const double ratio = stats::median(x) / stats::median(y);
  EXPECT_LE(a.lo, ratio);
  EXPECT_GE(a.hi, ratio);
  EXPECT_GT(a.lo, 1.1);
}

TEST(Stats, GeomeanOfRatios) {
  const std::vector<double> v = {2.0, 0.5, 4.0, 0.25};
  EXPECT_NEAR(stats::geomean(v), 1.0, 1e-12);
}

// Three significant figures, the prefix chosen after rounding: a rate just
// under a prefix boundary printed "1e+03 M/s".
TEST(Format, SiRoundsBeforeChoosingThePrefix) {
  EXPECT_EQ(format::si(999.7e6), "1 G");
  EXPECT_EQ(format::si(999.4e6), "999 M");
  EXPECT_EQ(format::si(1234.0), "1.23 k");
  EXPECT_EQ(format::si(999.96), "1 k");
  EXPECT_EQ(format::si(12.345), "12.3 ");
  EXPECT_EQ(format::si(-2.5e9), "-2.5 G");
  EXPECT_EQ(format::si(0.0), "0 ");
  EXPECT_EQ(format::si(0.0012345), "0.00123 ");
  for (double v = 1.0; v < 1e15; v *= 1.0371)
    EXPECT_EQ(format::si(v).find('e'), std::string::npos) << v << " -> " << format::si(v);
}

TEST(Html, EscapesMarkupCharacters) {
  EXPECT_EQ(html::escape("<script>a & 'b' \"c\"</script>"),
            "&lt;script&gt;a &amp; &#39;b&#39; &quot;c&quot;&lt;/script&gt;");
}

// Controls, noncharacters and invalid UTF-8 become U+FFFD; whitespace and
// printable text, multi-byte included, pass unchanged.
TEST(Html, ControlsNoncharactersAndInvalidUtf8BecomeReplacementCharacters) {
  const std::string r = "\uFFFD";
  EXPECT_EQ(html::escape(std::string("a\x1b[31mb\x00" "c\x7f", 10)), "a" + r + "[31mb" + r + "c" + r);
  EXPECT_EQ(html::escape("\u0085\uFDD0\uFFFE\uFFFF\U0001FFFE\xff\xc0\x80\xed\xa0\x80"),
            r + r + r + r + r + r + r + r + r + r + r);
  EXPECT_EQ(html::escape("t\tn\nf\fr\r \u00e9\u20ac\U0001F600\uFFFD"), "t\tn\nf\fr\r \u00e9\u20ac\U0001F600\uFFFD");
}

TEST(Html, ScriptJsonCannotCloseTheScriptOrBreakALine) {
  const std::string s = html::script_json({{"name", "</script><!-- \u2028\u2029 & \xff"}});
  EXPECT_EQ(s.find('<'), std::string::npos);
  EXPECT_EQ(s.find('>'), std::string::npos);
  EXPECT_EQ(s.find('&'), std::string::npos);
  EXPECT_EQ(s.find("\u2028"), std::string::npos);
  EXPECT_EQ(s.find("\u2029"), std::string::npos);
  EXPECT_NE(s.find("\\u003c/script\\u003e"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(s)["name"].get<std::string>().substr(0, 9), "</script>");
}

std::vector<double> noisy(double center, double spread) {
  const double offsets[] = {-1.0, 0.4, -0.3, 0.9, -0.6, 0.2};
  std::vector<double> v;
  for (double o : offsets) v.push_back(center * (1 + spread * o));
  return v;
}

TEST(Regression, SameDistributionIsUnchanged) {
  const auto c = regression::compare_samples("k", noisy(100, 0.03), noisy(101, 0.03), {});
  EXPECT_EQ(c.verdict, regression::Verdict::unchanged);
}

TEST(Regression, TwentyPercentSlowerIsARegression) {
  const auto c = regression::compare_samples("k", noisy(100, 0.03), noisy(120, 0.03), {});
  EXPECT_EQ(c.verdict, regression::Verdict::regression);
  EXPECT_NEAR(c.ratio, 1.2, 0.02);
  EXPECT_LT(c.p_value, 0.05);
  EXPECT_GT(c.interval.lo, 1.05);
}

TEST(Regression, ConsistentSlowdownBelowTheThresholdPasses) {
  const auto c = regression::compare_samples("k", noisy(100, 0.01), noisy(104, 0.01), {});
  EXPECT_EQ(c.verdict, regression::Verdict::unchanged);
}

TEST(Regression, TwentyPercentFasterIsAnImprovement) {
  const auto c = regression::compare_samples("k", noisy(120, 0.03), noisy(100, 0.03), {});
  EXPECT_EQ(c.verdict, regression::Verdict::improvement);
}

TEST(Regression, TooFewRepetitionsAreUntested) {
  const auto c = regression::compare_samples("k", {100, 101, 99}, {150, 151, 149}, {});
  EXPECT_EQ(c.verdict, regression::Verdict::untested);
}

// fixtures/gate-a and gate-b: two back-to-back runs of the same build on this
// project's noisy 2-core machine; gate-slow: gate-b with one benchmark's
// repetitions scaled by 1.2.
TEST(GateFixture, BackToBackRunsPass) {
  const auto g = regression::gate(results::load(kFixtures / "gate-a"), results::load(kFixtures / "gate-b"), {});
  EXPECT_FALSE(g.failed());
  EXPECT_GT(g.compared.size(), 20u);
}

TEST(GateFixture, OneBenchmarkTwentyPercentSlowerIsCaught) {
  const auto g = regression::gate(results::load(kFixtures / "gate-a"), results::load(kFixtures / "gate-slow"), {});
  EXPECT_TRUE(g.failed());
  std::vector<std::string> regressed;
  for (const auto& c : g.compared)
    if (c.verdict == regression::Verdict::regression) regressed.push_back(c.name);
  ASSERT_EQ(regressed.size(), 1u);
  std::ifstream which(kFixtures / "gate-slow" / "SLOWED");
  std::string name;
  std::getline(which, name);
  EXPECT_EQ(regressed[0], name);
}

// Each benchmark of the recorded pair, slowed by 20% in turn: the share
// caught is the gate's detection rate on this machine's noise (README, "Gate
// a pull request in CI"); the fixture is fixed, so the count is exact.
TEST(GateFixture, TwentyPercentSlowdownsAreCaughtAtTheDocumentedRate) {
  const results::ResultsDir a = results::load(kFixtures / "gate-a"), b = results::load(kFixtures / "gate-b");
  std::size_t caught = 0, total = 0;
  for (const results::Benchmark& base : a.benchmarks)
    for (const results::Benchmark& cur : b.benchmarks)
      if (base.name == cur.name && !base.skipped && !cur.skipped) {
        std::vector<double> slow = cur.cpu_time_ns;
        for (double& t : slow) t *= 1.2;
        ++total;
        caught += regression::compare_samples(cur.name, base.cpu_time_ns, slow, {}).verdict == regression::Verdict::regression;
      }
  ASSERT_GT(total, 20u);
  std::printf("caught %zu of %zu benchmarks slowed by 20%%\n", caught, total);
  EXPECT_GE(caught, kDocumentedDetections) << "of " << total;
}

TEST(GateFixture, FailingConformanceInCurrentFailsTheGate) {
  const results::ResultsDir hostile = results::load(kFixtures / "hostile");
  const auto g = regression::gate(hostile, hostile, {});
  ASSERT_EQ(g.failing_implementations.size(), 1u);
  EXPECT_EQ(g.failing_implementations[0].rfind("avx2 fails Cond.SelectEverySizePatternAndOffset", 0), 0u);
  EXPECT_TRUE(g.failed());
}

// Google Benchmark writes 0/0 aggregates as a bare NaN; aggregates are not
// read, so such a file must load, and a NaN inside a string stays text.
// The hostile fixture with `row` (JSON text) first among bench.json's
// benchmarks, loaded from a scratch copy.
results::ResultsDir hostile_with_row(const std::string& scratch, const std::string& row) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / scratch;
  std::filesystem::remove_all(dir);
  std::filesystem::copy(kFixtures / "hostile", dir);
  std::ifstream in(kFixtures / "hostile" / "bench.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string head = "\"benchmarks\":[";
  text.insert(text.find(head) + head.size(), row + ",");
  std::ofstream(dir / "bench.json") << text;
  results::ResultsDir r = results::load(dir);
  std::filesystem::remove_all(dir);
  return r;
}

// A process whose iteration estimate a descheduling cut short
// (schema::under_iterated): with bench.json recording 10 us a repetition,
// the one-iteration repetition (1 us in all) is dropped and counted, the
// 100000-iteration one (30 ms) kept; the gate lists the benchmark.
TEST(Results, UnderIteratedRepetitionsAreDroppedAndCounted) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "mb-under-iterated";
  std::filesystem::remove_all(dir);
  std::filesystem::copy(kFixtures / "hostile", dir);
  std::ifstream in(kFixtures / "hostile" / "bench.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string context = "\"context\":{", head = "\"benchmarks\":[";
  text.insert(text.find(context) + context.size(), "\"maskbench_min_time_s\":\"0.00001s\",");
  text.insert(text.find(head) + head.size(),
              "{\"name\":\"cond/select/scalar/n:99\",\"run_type\":\"iteration\",\"iterations\":1,\"cpu_time\":1000,"
              "\"real_time\":9e7,\"time_unit\":\"ns\"},"
              "{\"name\":\"cond/select/scalar/n:99\",\"run_type\":\"iteration\",\"iterations\":100000,\"cpu_time\":300,"
              "\"real_time\":300,\"time_unit\":\"ns\"},");
  std::ofstream(dir / "bench.json") << text;
  const results::ResultsDir r = results::load(dir);
  std::filesystem::remove_all(dir);
  const auto it = std::find_if(r.benchmarks.begin(), r.benchmarks.end(),
                               [](const results::Benchmark& b) { return b.name == "cond/select/scalar/n:99"; });
  ASSERT_NE(it, r.benchmarks.end());
  EXPECT_EQ(it->under_iterated, 1u);
  EXPECT_EQ(it->cpu_time_ns, std::vector<double>{300.0});
  const auto g = regression::gate(r, r, {});
  ASSERT_EQ(g.under_iterated.size(), 1u);
  EXPECT_EQ(g.under_iterated[0].rfind("cond/select/scalar/n:99 (1 baseline", 0), 0u);
}

// A known-defect skip means the implementation was never checked: its
// figures must not become a best peer or a roofline point.
TEST(Analysis, KnownDefectsAndFailuresAreNotValid) {
  results::ResultsDir r;
  r.tests = {{"Cond.Select", "stdsimd-avx512", "skip", "known defect KD-1: Clang 19 ..."},
             {"Cond.Select", "avx2", "fail", "mismatch"},
             {"Cond.Select", "avx512", "pass", ""},
             {"Cond.Select", "sse42", "skip", "CPU lacks sse42"}};
  r.index();
  EXPECT_FALSE(analysis::valid(r, "stdsimd-avx512"));
  EXPECT_FALSE(analysis::valid(r, "avx2"));
  EXPECT_TRUE(analysis::valid(r, "avx512"));
  EXPECT_TRUE(analysis::valid(r, "sse42"));
}

TEST(Results, NonFiniteNumbersInAggregateRowsAreTolerated) {
  const results::ResultsDir r = hostile_with_row(
      "mb-nan-aggregate",
      "{\"name\":\"cond/select/scalar/n:3072_cv\",\"run_name\":\"cond/select/scalar/n:3072\","
      "\"run_type\":\"aggregate\",\"aggregate_name\":\"cv NaN inf\",\"real_time\":NaN,\"cpu_time\":-inf,"
      "\"bytes_per_second\":Infinity,\"time_unit\":\"ns\"}");
  EXPECT_EQ(r.benchmarks.size(), results::load(kFixtures / "hostile").benchmarks.size());
}

// The compress kernels label their rows "L1 chosen:memory": the cache level
// is the first word, so the chosen form's rows count as L1 everywhere.
TEST(Results, LabelIsTheCacheLevelAndFields) {
  const results::ResultsDir r = hostile_with_row(
      "mb-label-note",
      "{\"name\":\"compress/compress_f32/avx512/n:2048\",\"run_name\":\"compress/compress_f32/avx512/n:2048\","
      "\"run_type\":\"iteration\",\"repetitions\":1,\"repetition_index\":0,\"iterations\":10,\"real_time\":1.0,"
      "\"cpu_time\":1.0,\"time_unit\":\"ns\",\"items_per_second\":1e9,\"label\":\"L1 chosen:memory\"}");
  const auto it = std::find_if(r.benchmarks.begin(), r.benchmarks.end(),
                               [](const results::Benchmark& b) { return b.name == "compress/compress_f32/avx512/n:2048"; });
  ASSERT_NE(it, r.benchmarks.end());
  EXPECT_EQ(it->level, "L1");
  EXPECT_EQ(it->label_fields, (std::map<std::string, std::string>{{"chosen", "memory"}}));
}

TEST(Report, UntrustedStringsStayText) {
  const std::string page = report::report_html(results::load(kFixtures / "hostile"));
  EXPECT_EQ(count(page, "<script"), 3u);  // the page's own: data, report.js, Chart.js
  EXPECT_EQ(count(page, "alert(\"host\")</script>"), 0u);
  EXPECT_GT(count(page, "&lt;/script&gt;&lt;script&gt;alert(&quot;host&quot;)"), 0u);
  EXPECT_GT(count(page, "INVALID: fails conformance"), 0u);
  // Skip reasons in both GoogleTest forms, and a known defect shown as such.
  EXPECT_GT(count(page, "skipped: CPU lacks avx512vbmi2"), 0u);
  EXPECT_GT(count(page, "skipped: CPU lacks avx2 (disabled by MASKBENCH_DISABLE)"), 0u);
  EXPECT_EQ(count(page, "<td class=\"known-defect\""), 1u);
  EXPECT_GT(count(page, "<h3>Known compiler defects</h3>"), 0u);
  EXPECT_GT(count(page, "Level: smoke"), 0u);
  EXPECT_GT(count(page, "selectivity sweep"), 0u);
  EXPECT_GT(count(page, "read bandwidth, L1-resident"), 0u);
}

TEST(Report, ChartJsPathCanBeOverriddenAndIsCheckedBeforeInlining) {
  const std::filesystem::path bad = std::filesystem::temp_directory_path() / "mb-bad-chart.js";
  std::ofstream(bad) << "var x = '</script>';";
  setenv("MASKBENCH_CHARTJS", bad.c_str(), 1);
  EXPECT_EQ(page::chartjs_candidates().front(), bad);
  EXPECT_THROW(page::load_chartjs(), std::runtime_error);
  unsetenv("MASKBENCH_CHARTJS");
  std::filesystem::remove(bad);
}

// Each ratio carries the bootstrap interval of its repetitions: the same run
// twice differs only within the noise; a run twice as fast does not.
TEST(Compare, RatiosCarryIntervalsAndNoiseIsMarked) {
  std::vector<results::ResultsDir> dirs;
  dirs.push_back(results::load(kFixtures / "hostile"));
  dirs.push_back(results::load(kFixtures / "hostile"));
  dirs.push_back(results::load(kFixtures / "hostile"));
  for (results::Benchmark& b : dirs[2].benchmarks) {
    for (double& v : b.items_per_second) v *= 2;
    for (double& t : b.cpu_time_ns) t /= 2;
  }
  const compare::Comparison c = compare::compare(dirs);
  std::size_t with_interval = 0;
  for (const compare::Row& row : c.rows) {
    if (!row.interval[1]) continue;
    ++with_interval;
    EXPECT_FALSE(row.significant(1)) << row.name;
    ASSERT_TRUE(row.interval[2]) << row.name;
    EXPECT_TRUE(row.significant(2)) << row.name;
    EXPECT_LE(row.interval[2]->lo, 2.0) << row.name;
    EXPECT_GE(row.interval[2]->hi, 2.0) << row.name;
  }
  EXPECT_GT(with_interval, 0u);
  EXPECT_NE(compare::compare_text(c).find("(noise)"), std::string::npos);
  // The family means carry the same: within the noise against itself, and
  // twice as fast, with 2 inside, against the doubled run.
  for (const auto& [family, intervals] : c.family_interval) {
    ASSERT_TRUE(intervals[1] && intervals[2]) << family;
    EXPECT_LE(intervals[1]->lo, 1.0) << family;
    EXPECT_GE(intervals[1]->hi, 1.0) << family;
    EXPECT_GT(intervals[2]->lo, 1.0) << family;
    EXPECT_LE(intervals[2]->lo, 2.0) << family;
    EXPECT_GE(intervals[2]->hi, 2.0) << family;
  }
}

// Full against --quick on the same machine: comparable, but the quick
// medians are noisier, so the comparison says so (and the gate prints it).
TEST(Compare, WarnsWhenTheBenchmarkModesDiffer) {
  std::vector<results::ResultsDir> dirs;
  dirs.push_back(results::load(kFixtures / "hostile"));
  dirs.push_back(results::load(kFixtures / "hostile"));
  dirs[1].context[schema::context::kMode] = schema::context::kModeQuick;
  dirs[0].context[schema::context::kMode] = schema::context::kModeFull;
  EXPECT_TRUE(results::machine_differences(dirs[0], dirs[1]).empty());
  const compare::Comparison c = compare::compare(dirs);
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("benchmark mode: 'full' vs 'quick'"), std::string::npos) << c.warnings[0];
  EXPECT_NE(compare::compare_html(c).find("benchmark mode"), std::string::npos);
}

TEST(Compare, ADirectoryAgainstItselfHasRatiosOfOne) {
  std::vector<results::ResultsDir> dirs;
  dirs.push_back(results::load(kFixtures / "hostile"));
  dirs.push_back(results::load(kFixtures / "hostile"));
  const compare::Comparison c = compare::compare(dirs);
  EXPECT_TRUE(c.warnings.empty());
  for (const auto& [family, g] : c.family_geomean) {
    ASSERT_TRUE(g[1].has_value()) << family;
    EXPECT_NEAR(*g[1], 1.0, 1e-12) << family;
  }
  EXPECT_EQ(c.availability.at("avx2")[1], "fails conformance");
  EXPECT_NE(compare::compare_text(c).find("fails conformance"), std::string::npos);
}

// Where the benchmarks measured the caches, the machine card says so beside
// what the CPU reports, with the latency curve, escaped like every value.
// A headline winner of kind reduced_precision is marked as such; no other is.
TEST(Report, AReducedPrecisionWinnerIsMarkedOnTheFirstScreen) {
  results::ResultsDir r = results::load(kFixtures / "hostile");
  const std::string mark = "(reduced precision)";
  EXPECT_EQ(count(report::report_html(r), mark), 0u);
  for (auto& impl : r.implementations) impl.kind = std::string(kind_name(Kind::reduced_precision));
  const std::string page = report::report_html(r);
  const std::size_t summary = page.find("id=\"summary\""), machine = page.find("</table>", summary);
  ASSERT_NE(summary, std::string::npos);
  EXPECT_GT(count(page.substr(summary, machine - summary), mark), 0u);
}

TEST(Report, MeasuredCachesAndTheirLatencyCurveAreShown) {
  results::ResultsDir r = results::load(kFixtures / "hostile");
  r.context[schema::context::kCacheSource] = "measured";
  r.context[schema::context::kCacheMeasured] = "L1 data 34.6 KiB, L2 unified <b>938</b> KiB";
  r.context[schema::context::kCacheLatency] = "4 KiB 1.1, 38 KiB 3.8";
  const std::string page = report::report_html(r);
  EXPECT_NE(page.find("measured by the latency probe: L1 data 34.6 KiB, L2 unified &lt;b&gt;938&lt;/b&gt; KiB"),
            std::string::npos);
  EXPECT_EQ(page.find("<b>938"), std::string::npos);
  EXPECT_NE(page.find("cache latency (ns per load)"), std::string::npos);
  EXPECT_NE(page.find("4 KiB 1.1, 38 KiB 3.8"), std::string::npos);
  r.context.erase(schema::context::kCacheLatency);
  r.context[schema::context::kCacheSource] = "cpu_features";
  EXPECT_EQ(report::report_html(r).find("cache latency"), std::string::npos);
}


}  // namespace
}  // namespace maskbench

namespace maskbench {
namespace {

// Two builds whose hot loop differs: the compare page shows both mixes and
// both loops; identical loops are only counted; everything escaped.
TEST(Compare, HotLoopsThatDifferAreShownSideBySide) {
  const results::ResultsDir a = results::load(kFixtures / "hostile");
  results::ResultsDir b = a;
  ASSERT_FALSE(a.hot_loops.empty()) << "the hostile fixture has a disasm.json";
  EXPECT_EQ(compare::compare_html(compare::compare({a, a})).find("The code, where it differs"), std::string::npos)
      << "identical code is not a difference";
  b.hot_loops[0].mix["mask"] += 3;
  b.hot_loops[0].instructions.push_back("kmovw  %k1,%eax");
  b.index();
  const std::string page = compare::compare_html(compare::compare({a, b}));
  EXPECT_NE(page.find("The code, where it differs"), std::string::npos);
  EXPECT_NE(page.find("1 hot loops differ"), std::string::npos);
  EXPECT_NE(page.find("1 / 4"), std::string::npos) << "the mask count of A and of B";
  EXPECT_NE(page.find("kmovw  %k1,%eax"), std::string::npos);
  EXPECT_EQ(page.find("<script>alert(\"asm\")"), std::string::npos);
  EXPECT_NE(page.find("&lt;/pre&gt;&lt;script&gt;alert(&quot;asm&quot;)"), std::string::npos);
}

TEST(Report, HotLoopsAreShownUnderTheirKernelEscaped) {
  const std::string page = report::report_html(results::load(kFixtures / "hostile"));
  const std::size_t section = page.find("id=\"k-cond/select\"");
  ASSERT_NE(section, std::string::npos);
  const std::size_t panel = page.find("The code: each implementation", section);
  ASSERT_NE(panel, std::string::npos) << "cond/select's code panel";
  EXPECT_LT(panel, page.find("<h3", section + 1)) << "the panel belongs to cond/select's section";
  EXPECT_EQ(page.find("<script>alert(\"fn\")"), std::string::npos);
  EXPECT_EQ(page.find("<b>no loop</b>"), std::string::npos);
  EXPECT_NE(page.find("&lt;b&gt;no loop&lt;/b&gt;"), std::string::npos);
}

// llvm-mca's predictions under their kernel (elements per cycle from the
// stride: 64 bytes of f32 in 2 cycles is 8 el/c), an unmodelled loop marked
// with its reason escaped, and the calibration against the L1 rate measured
// (avx512 select at n:3072, about 11.1 G items/s, over 3 GHz: 3.7 el/c).
TEST(Report, PredictionsAreShownWithTheirCalibration) {
  const results::ResultsDir r = results::load(kFixtures / "hostile");
  ASSERT_EQ(r.mca.models.size(), 2u);
  const std::string page = report::report_html(r);
  const std::size_t section = page.find("id=\"k-cond/select\"");
  ASSERT_NE(section, std::string::npos);
  const std::size_t table = page.find("znver4 (this CPU)", section);
  ASSERT_NE(table, std::string::npos) << "the prediction table in cond/select's code panel";
  EXPECT_NE(page.find("8 el/c<br><span class=\"small\">2 c/it</span>", table), std::string::npos);
  EXPECT_NE(page.find("not modelled <sup>1</sup>", table), std::string::npos) << "znver3's cell marks the loop";
  EXPECT_EQ(page.find("<script>alert(\"mca\")"), std::string::npos);
  EXPECT_NE(page.find("&lt;/pre&gt;&lt;script&gt;alert(&quot;mca&quot;)"), std::string::npos);
  EXPECT_EQ(page.find("LLVM <b>19</b>"), std::string::npos);
  const std::optional<double> measured = report::measured_elements_per_cycle(r, r.hot_loops[0]);
  ASSERT_TRUE(measured.has_value());
  EXPECT_NEAR(*measured, 11.1e9 / 3e9, 0.1);
  const std::size_t calibration = page.find("id=\"predictions\"");
  ASSERT_NE(calibration, std::string::npos);
  EXPECT_NE(page.find("for 1 kernels and implementations", calibration), std::string::npos);
  EXPECT_NE(page.find("<strong>2.17x</strong>", calibration), std::string::npos) << "8 / 3.69";
}

TEST(Report, NoPredictionsSayWhy) {
  results::ResultsDir r = results::load(kFixtures / "hostile");
  r.mca = {};
  r.mca.skipped = "llvm-mca is not <installed>";
  const std::string page = report::report_html(r);
  EXPECT_NE(page.find("No predictions: llvm-mca is not &lt;installed&gt;."), std::string::npos);
  EXPECT_EQ(page.find("id=\"predictions\""), std::string::npos) << "no calibration without a host model";
}

}  // namespace
}  // namespace maskbench

// `maskbench gate BASELINE CURRENT [--threshold 5%] [--alpha 0.05]
//  [--markdown FILE] [--allow-different-machines]`: the CI regression gate.
// Exit 1 when a benchmark regressed (reports/regression.hpp has the test) or
// an implementation fails conformance in CURRENT; 0 otherwise; 2 on bad input,
// including results from different machines unless allowed.
#include "args.hpp"
#include "escape.hpp"
#include "maskbench/output.hpp"
#include "regression.hpp"

namespace maskbench::cli {
namespace {

constexpr std::string_view kUsage =
    "maskbench gate BASELINE CURRENT [--threshold 5%] [--alpha 0.05] [--markdown FILE] [--allow-different-machines]";

std::string interval(const regression::Comparison& c) { return fmt::format("[{:.3f}, {:.3f}]", c.interval.lo, c.interval.hi); }

// Every string from the results (and the directory names) is Markdown code:
// it cannot break the table, open a tag or start a line.
std::string markdown(const regression::GateResult& g, const regression::Options& o, const std::string& baseline,
                     const std::string& current) {
  using escape::markdown_code;
  std::string s = fmt::format("## maskbench gate: {}\n\nBaseline {}, current {}; threshold {:.1f}%, alpha {}.\n\n",
                              g.failed() ? "FAILED" : "passed", markdown_code(baseline), markdown_code(current),
                              o.threshold * 100, o.alpha);
  for (const std::string& f : g.failing_implementations) s += fmt::format("- **conformance**: {}\n", markdown_code(f));
  s += "\n| | benchmark | time ratio | interval | p |\n|---|---|---|---|---|\n";
  for (const regression::Comparison& c : g.compared)
    if (c.verdict == regression::Verdict::regression || c.verdict == regression::Verdict::improvement)
      s += fmt::format("| {} | {} | {:.3f} | {} | {:.4f} ({}) |\n",
                       c.verdict == regression::Verdict::regression ? "regression" : "improvement",
                       markdown_code(c.name), c.ratio, interval(c), c.p_value, stats::describe(c.p_method));
  s += fmt::format("\n{} benchmarks compared; {} only in the baseline; {} only in the current run; {} lost under-iterated "
                   "repetitions, dropped.\n", g.compared.size(), g.only_in_baseline.size(), g.only_in_current.size(),
                   g.under_iterated.size());
  for (const std::string& n : g.under_iterated) s += fmt::format("- under-iterated: {}\n", markdown_code(n));
  return s;
}

int run_gate(std::span<const std::string_view> args) {
  const Args a = Args::parse(args, {"--threshold", "--alpha", "--markdown"}, {"--allow-different-machines"}, kUsage);
  if (a.positional.size() != 2) throw UsageError(fmt::format("expected BASELINE and CURRENT; usage: {}", kUsage));
  regression::Options o;
  // The threshold is a fraction ("5%" or 0.05) up to 10 (1000%).
  if (a.values.contains("--threshold"))
    o.threshold = parse_number("--threshold", a.values.at("--threshold"), {0.0, 10.0, true}, true);
  if (a.values.contains("--alpha")) o.alpha = parse_number("--alpha", a.values.at("--alpha"), {0.0, 0.5, true});
  const results::ResultsDir base = results::load(a.positional[0]), cur = results::load(a.positional[1]);
  const std::vector<std::string> diffs = results::machine_differences(base, cur);
  if (!diffs.empty() && !a.flags.contains("--allow-different-machines")) {
    std::string joined;
    for (const std::string& d : diffs) joined += (joined.empty() ? "" : "; ") + d;
    throw UsageError(fmt::format("{} and {} come from different machines or builds ({}); pass --allow-different-machines to gate anyway",
                                 a.positional[0], a.positional[1], joined));
  }
  const regression::GateResult g = regression::gate(base, cur, o);
  // stdout is the CI log: every string from the results goes through
  // escape::terminal, so none can end a line or start a workflow command.
  using escape::terminal;
  fmt::print("maskbench gate: {} -> {} (threshold {:.1f}%, alpha {}; time ratios current/baseline, {:.0f}% bootstrap "
             "intervals, one-sided Mann-Whitney p against the threshold)\n",
             terminal(a.positional[0]), terminal(a.positional[1]), o.threshold * 100, o.alpha, (1 - o.alpha) * 100);
  for (const std::string& d : diffs) fmt::print("warning: different machines: {}\n", terminal(d));
  for (const std::string& d : results::condition_differences(base, cur))
    fmt::print("warning: measured differently: {}\n", terminal(d));
  std::size_t regressions = 0, improvements = 0, untested = 0;
  for (const regression::Comparison& c : g.compared) {
    if (c.verdict == regression::Verdict::untested) ++untested;
    if (c.verdict != regression::Verdict::regression && c.verdict != regression::Verdict::improvement) continue;
    const bool worse = c.verdict == regression::Verdict::regression;
    (worse ? regressions : improvements) += 1;
    fmt::print("{:<12} {:<56} ratio {:.3f} {} p={:.4f} ({})\n", worse ? "REGRESSION" : "improvement", terminal(c.name),
               c.ratio, interval(c), c.p_value, stats::describe(c.p_method));
  }
  for (const std::string& f : g.failing_implementations) fmt::print("CONFORMANCE  {}\n", terminal(f));
  for (const std::string& n : g.only_in_baseline) fmt::print("only in baseline  {}\n", terminal(n));
  for (const std::string& n : g.only_in_current) fmt::print("only in current   {}\n", terminal(n));
  for (const std::string& n : g.under_iterated) fmt::print("under-iterated    {}\n", terminal(n));
  if (!g.under_iterated.empty())
    fmt::print("under-iterated: {} benchmarks lost repetitions that measured under half the minimum time (a descheduling cut "
               "Google Benchmark's iteration estimate short); they were dropped\n", g.under_iterated.size());
  if (untested > 0)
    fmt::print("untested: {} benchmarks have fewer than {} repetitions on a side\n", untested, regression::kMinRepetitions);
  fmt::print("{}: {} compared, {} regressions, {} improvements, {} implementations failing conformance\n",
             g.failed() ? "FAIL" : "PASS", g.compared.size(), regressions, improvements, g.failing_implementations.size());
  if (a.values.contains("--markdown"))
    output::write_atomically(a.values.at("--markdown"), markdown(g, o, a.positional[0], a.positional[1]));
  return g.failed() ? kExitFailed : kExitOk;
}

}  // namespace

MB_COMMAND("gate", "BASELINE CURRENT [--threshold 5%] [--alpha 0.05] [--markdown FILE] [--allow-different-machines]",
           "CI regression gate: exit 1 on a significant slowdown beyond the threshold or a conformance failure", run_gate);

}  // namespace maskbench::cli

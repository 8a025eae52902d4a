// `maskbench summary RESULTS_DIR`: the plain-text end of ./run_all.sh:
// conformance counts and failures, then per kernel the L1-resident
// throughput of each implementation and its speedup over the reference
// implementation.
#include <fmt/format.h>

#include <map>

#include "command.hpp"
#include "escape.hpp"
#include "maskbench/registry.hpp"
#include "results.hpp"
#include "stats.hpp"

namespace maskbench::cli {
namespace {

int run_summary(std::span<const std::string_view> args) {
  if (args.size() != 1) throw UsageError("expected one argument: maskbench summary RESULTS_DIR");
  if (args[0].starts_with("-"))
    throw UsageError(fmt::format("unknown option '{}'; usage: maskbench summary RESULTS_DIR", args[0]));
  results::ResultsDir r;
  try {
    r = results::load(std::string(args[0]));
  } catch (const results::ResultsError& e) {
    throw UsageError(e.what());
  }
  // Names come from the results: escaped for the terminal where printed.
  using escape::terminal;
  std::map<std::string, int> counts;
  for (const auto& t : r.tests) ++counts[t.known_defect() ? "known defect" : t.status];
  fmt::print("conformance ({} level): {} passed, {} failed, {} known defect, {} skipped\n", terminal(r.conformance_level),
             counts["pass"], counts["fail"], counts["known defect"], counts["skip"]);
  for (const auto& t : r.tests)
    if (t.status == "fail") fmt::print("  FAIL {} [{}]\n", terminal(t.kernel_test), terminal(t.implementation));

  // family/kernel -> implementation -> median items/s of the L1 rows.
  std::map<std::string, std::map<std::string, double>> l1;
  for (const auto& b : r.benchmarks)
    if (!b.skipped && b.level == schema::kLevelL1 && !b.items_per_second.empty())
      l1[b.family + "/" + b.kernel][b.implementation] = std::max(l1[b.family + "/" + b.kernel][b.implementation],
                                                                 stats::median(b.items_per_second));
  std::size_t skipped = 0;
  for (const auto& b : r.benchmarks) skipped += b.skipped;
  fmt::print("benchmarks: {} run, {} skipped\n", r.benchmarks.size() - skipped, skipped);
  for (const auto& [kernel, impls] : l1) {
    const auto base = impls.find(std::string(reference().name));
    fmt::print("\n{} (L1-resident, median items/s, speedup over {})\n", terminal(kernel), reference().name);
    for (const auto& [name, rate] : impls)
      fmt::print("  {:<16} {:>10.3f} G/s  {}\n", terminal(name), rate / 1e9,
                 base != impls.end() && base->second > 0 ? fmt::format("{:6.2f}x", rate / base->second) : "");
  }
  return kExitOk;
}

}  // namespace

MB_COMMAND("summary", "RESULTS_DIR", "plain-text summary of a results directory: conformance counts, L1 speedups", run_summary);

}  // namespace maskbench::cli

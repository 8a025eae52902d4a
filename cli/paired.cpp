// `maskbench paired OUT [--threshold 5%] [--alpha 0.05] [--look K]
//  [--max-looks M] [--allow-different-machines]`: one look of the paired
// gate on the directory `./run_all.sh gate` fills (reports/paired_gate.hpp
// reads it, reports/paired_rule.hpp decides). Exit 1 on a regression of a
// benchmark or a family, or a conformance failure; 0 otherwise (undecided
// benchmarks listed); 2 on bad input, including samples from different
// machines unless allowed.
#include <cmath>

#include "args.hpp"
#include "maskbench/input.hpp"
#include "paired_gate.hpp"
#include "paired_page.hpp"
#include "paired_rule.hpp"

namespace maskbench::cli {
namespace {

constexpr std::string_view kUsage =
    "maskbench paired OUT [--threshold 5%] [--alpha 0.05] [--look K] [--max-looks M] [--allow-different-machines]";

int parse_count(const std::string& option, const std::string& text) {
  std::size_t used = 0;
  long v = 0;
  try {
    v = std::stol(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || v < 1 || v > 1000)
    throw UsageError(fmt::format("{} '{}' is not a whole number from 1 to 1000; usage: {}", option, text, kUsage));
  return static_cast<int>(v);
}

// gate-run.json's threshold or alpha, where the command line gives none.
double recorded(const nlohmann::json& run, const char* key, double fallback, double max, const std::string& file) {
  if (!run.contains(key)) return fallback;
  const nlohmann::json& v = run.at(key);
  if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() <= 0 || v.get<double>() > max)
    throw input::InputError(fmt::format("{}: $.{} is not a number in (0, {}]", file, key, max));
  return v.get<double>();
}

int run_paired(std::span<const std::string_view> args) {
  const Args a = Args::parse(args, {"--threshold", "--alpha", "--look", "--max-looks"}, {"--allow-different-machines"}, kUsage);
  if (a.positional.size() != 1) throw UsageError(fmt::format("expected the gate directory OUT; usage: {}", kUsage));
  const std::filesystem::path dir = a.positional[0];
  paired::Rule rule;
  if (a.values.contains("--look")) rule.look = parse_count("--look", a.values.at("--look"));
  if (a.values.contains("--max-looks")) rule.max_looks = parse_count("--max-looks", a.values.at("--max-looks"));
  if (rule.look > rule.max_looks)
    throw UsageError(fmt::format("--look {} is beyond --max-looks {}", rule.look, rule.max_looks));
  const paired::GateInput in = paired::load_gate(dir);
  const std::string run_file = (dir / "gate-run.json").string();
  rule.threshold = a.values.contains("--threshold") ? parse_number("--threshold", a.values.at("--threshold"), {0.0, 10.0, true}, true)
                                                     : recorded(in.run, "threshold", rule.threshold, 10.0, run_file);
  rule.alpha = a.values.contains("--alpha") ? parse_number("--alpha", a.values.at("--alpha"), {0.0, 0.5, true})
                                             : recorded(in.run, "alpha", rule.alpha, 0.5, run_file);
  if (!in.machine_differences.empty() && !a.flags.contains("--allow-different-machines")) {
    std::string joined;
    for (const std::string& d : in.machine_differences) joined += (joined.empty() ? "" : "; ") + d;
    throw UsageError(fmt::format("{}: base and current samples come from different machines or builds ({}); "
                                 "pass --allow-different-machines to gate anyway",
                                 dir.string(), joined));
  }
  if (in.pairs.empty()) throw UsageError(fmt::format("{}: no benchmark was measured by both sides in the same round", dir.string()));
  const paired::Decision d = paired::decide(in.pairs, rule);
  const nlohmann::json verdict = paired::verdict_json(in, d, rule);
  paired::write_outputs(dir, verdict);
  fmt::print("{}", paired::summary(verdict));
  return verdict["overall"] == "regression" ? kExitFailed : kExitOk;
}

}  // namespace

MB_COMMAND("paired", "OUT [--threshold 5%] [--alpha 0.05] [--look K] [--max-looks M] [--allow-different-machines]",
           "paired CI gate on a run_all.sh gate directory: exit 1 on a regression beyond the threshold, a family "
           "regression or a conformance failure",
           run_paired);

}  // namespace maskbench::cli

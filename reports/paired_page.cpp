#include "paired_page.hpp"

#include <cmath>

#include <fmt/format.h>

#include "embedded_assets.hpp"
#include "escape.hpp"
#include "html.hpp"
#include "maskbench/output.hpp"
#include "page.hpp"
#include "paired_stats.hpp"
#include "stats.hpp"

namespace maskbench::paired {
namespace {

// A ratio from a log ratio; null where it is infinite (no bound, or a
// minimum detectable effect the rounds cannot reach).
nlohmann::json ratio(double log_ratio) { return std::isfinite(log_ratio) ? nlohmann::json(std::exp(log_ratio)) : nlohmann::json(); }

nlohmann::json spread_json(const Spread& s) {
  return {{"within_round", s.within ? nlohmann::json(*s.within) : nlohmann::json()}, {"between_rounds", s.between}};
}

nlohmann::json test_json(const Test& t, std::span<const double> values, double level) {
  return {{"verdict", verdict_name(t.verdict)},
          {"rounds", t.n},
          {"median_ratio", std::exp(stats::median(values))},
          {"ratio", std::exp(paired_stats::hodges_lehmann(values))},
          {"interval", {{"lo", ratio(paired_stats::lower_bound(values, level))},
                        {"hi", ratio(paired_stats::upper_bound(values, level))},
                        {"confidence", 1 - 2 * level}}},
          {"p_value", t.p_greater},
          {"p_adjusted", t.p_adjusted},
          {"p_within_tolerance", t.p_less}};
}

std::string fixed(const nlohmann::json& v, const char* format = "{:.3f}") {
  return v.is_number() ? fmt::format(fmt::runtime(format), v.get<double>()) : std::string("-");
}

std::vector<std::string> names_with(const nlohmann::json& list, std::string_view verdict) {
  std::vector<std::string> out;
  for (const nlohmann::json& b : list)
    if (b["verdict"] == verdict) out.push_back(b["name"]);
  return out;
}

std::string markdown(const nlohmann::json& v) {
  namespace esc = escape;
  const nlohmann::json& run = v["run"];
  std::string s = fmt::format("## maskbench paired gate: {} (look {} of {})\n\n", v["overall"] == "regression" ? "FAILED" : "passed",
                              v["look"].get<int>(), v["max_looks"].get<int>());
  s += fmt::format("Base {} against current {}; threshold {:.1f}%, alpha {}. {}\n\n",
                   esc::markdown_code(run.value("base_commit", "?")), esc::markdown_code(run.value("current_commit", "?")),
                   v["threshold"].get<double>() * 100, v["alpha"].get<double>(), v["rule"]["summary"].get<std::string>());
  for (const nlohmann::json& f : v["conformance_failures"]) s += fmt::format("- **conformance**: {}\n", esc::markdown_code(f.get<std::string>()));
  s += "\n| verdict | benchmark | ratio | interval | p (BH) | rounds |\n|---|---|---|---|---|---|\n";
  for (const nlohmann::json& b : v["benchmarks"])
    if (b["verdict"] == "regression")
      s += fmt::format("| regression | {} | {} | [{}, {}] | {:.2g} | {} |\n", esc::markdown_code(b["name"].get<std::string>()),
                       fixed(b["ratio"]), fixed(b["interval"]["lo"]), fixed(b["interval"]["hi"]), b["p_adjusted"].get<double>(),
                       b["rounds"].get<std::size_t>());
  for (const nlohmann::json& f : v["families"])
    if (f["tested"].get<bool>())
      s += fmt::format("| family {} | {} ({} benchmarks) | {} | [{}, {}] | {:.2g} | {} |\n", f["verdict"].get<std::string>(),
                       esc::markdown_code(f["family"].get<std::string>()), f["members"].get<std::size_t>(), fixed(f["ratio"]),
                       fixed(f["interval"]["lo"]), fixed(f["interval"]["hi"]), f["p_adjusted"].get<double>(), f["rounds"].get<std::size_t>());
  const auto list = [&](const std::string& title, const std::vector<std::string>& names) {
    if (names.empty()) return;
    s += fmt::format("\n**{}** ({}):", title, names.size());
    constexpr std::size_t kShown = 100;  // a pull-request comment has a size limit; the files have all
    for (std::size_t i = 0; i < names.size() && i < kShown; ++i) s += (i ? ", " : " ") + esc::markdown_code(names[i]);
    if (names.size() > kShown) s += fmt::format(", and {} more (see verdict.json)", names.size() - kShown);
    s += "\n";
  };
  const std::vector<std::string> undecided = names_with(v["benchmarks"], "undecided");
  list("Undecided, not passed", undecided);
  std::vector<std::string> noisy;
  for (const nlohmann::json& b : v["benchmarks"])
    if (b["too_noisy"].get<bool>()) noisy.push_back(b["name"]);
  list(fmt::format("Too noisy to gate at this threshold (a slowdown of {:.0f}% would likely go unseen)", 200 * v["threshold"].get<double>()),
       noisy);
  list("Only in base", v["only_in_base"]);
  list("Only in current", v["only_in_current"]);
  list("Never paired in a round", v["unpaired"]);
  s += fmt::format("\n{} benchmarks paired: {} no regression beyond the threshold, {} undecided, {} regressions; {} samples unpaired; "
                   "{} repetitions under-iterated (a descheduling cut Google Benchmark's iteration estimate short; kept, the fastest of a round absorbs them).\n",
                   v["benchmarks"].size(), names_with(v["benchmarks"], "no-regression").size(), undecided.size(),
                   names_with(v["benchmarks"], "regression").size(), v["unpaired_samples"].get<std::size_t>(),
                   v["under_iterated_repetitions"].get<std::size_t>());
  return s;
}

std::string html_page(const nlohmann::json& v) {
  std::string rows;
  for (const nlohmann::json& b : v["benchmarks"])
    rows += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>[{}, {}]</td><td>{:.2g}</td><td>{}</td><td>{}</td></tr>\n",
                        html::escape(b["verdict"].get<std::string>()), html::escape(b["name"].get<std::string>()),
                        b["rounds"].get<std::size_t>(), fixed(b["ratio"]), fixed(b["interval"]["lo"]), fixed(b["interval"]["hi"]),
                        b["p_adjusted"].get<double>(), fixed(b["minimum_detectable_slowdown"], "{:.3f}"),
                        fixed(b["spread"]["base"]["between_rounds"], "{:.3f}"));
  const std::string body = fmt::format(
      "<h1>maskbench paired gate: {}</h1>\n<p>{}</p>\n<table>\n<tr><th>verdict</th><th>benchmark</th><th>rounds</th>"
      "<th>ratio</th><th>interval</th><th>p (BH)</th><th>minimum detectable slowdown</th><th>between-round spread (base)</th></tr>\n"
      "{}</table>\n",
      v["overall"] == "regression" ? "FAILED" : "passed", html::escape(v["rule"]["summary"].get<std::string>()), rows);
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      "<title>maskbench paired gate</title>\n<style>\n{}</style>\n</head>\n<body>\n{}</body>\n</html>\n",
      assets::kReportCss, body);
}

}  // namespace

nlohmann::json verdict_json(const GateInput& in, const Decision& d, const Rule& rule) {
  nlohmann::json v;
  v["schema"] = "maskbench-paired-verdict/2";
  v["look"] = rule.look;
  v["max_looks"] = rule.max_looks;
  v["threshold"] = rule.threshold;
  v["alpha"] = rule.alpha;
  v["run"] = in.run;
  v["rule"] = {
      {"test", "one-sided signed-rank test of the per-round log ratios against log(1 + threshold), ranks capped at half the rounds; "
               "exact up to 100 rounds"},
      {"multiplicity", "Benjamini-Hochberg over the benchmarks and tested families: an A/A gate fails in at most alpha of runs; among the benchmarks named, the expected share of unchanged ones is at most alpha"},
      {"sequential", "alpha split evenly over the looks: each look spends alpha / max_looks"},
      {"no_regression", "upper confidence bound of the shift at 1 - alpha / max_looks below log(1 + threshold)"},
      {"family", fmt::format("interquartile mean per round over at least half of the members, against log(1 + {} threshold), "
                             "families of at least {} benchmarks", kFamilyToleranceFraction, kMinFamilySize)},
      {"summary", fmt::format("Paired rounds, signed-rank test against the threshold, Benjamini-Hochberg over {} hypotheses at alpha / {} looks; "
                              "intervals at {:.4g}% confidence.", d.hypotheses, rule.max_looks, 100 * (1 - 2 * d.level))}};
  const double a1 = d.first_step_level();
  v["benchmarks"] = nlohmann::json::array();
  for (std::size_t i = 0; i < in.pairs.size(); ++i) {
    const Pairs& p = in.pairs[i];
    nlohmann::json b = test_json(d.benchmarks[i], p.log_ratios, d.level);
    const double paired_spread = paired_stats::robust_sd(p.log_ratios);
    const double shift = paired_stats::detectable_shift(paired_spread, p.log_ratios.size(), a1, kDetectionPower);
    const double mde = std::exp(d.benchmarks[i].null_log + shift) - 1;
    b["name"] = p.name;
    b["family"] = p.family;
    b["minimum_detectable_slowdown"] = std::isfinite(mde) ? nlohmann::json(mde) : nlohmann::json();
    b["too_noisy"] = !std::isfinite(mde) || mde > 2 * rule.threshold;
    b["spread"] = {{"base", spread_json(in.base_spread[i])}, {"current", spread_json(in.current_spread[i])}, {"paired", paired_spread}};
    v["benchmarks"].push_back(std::move(b));
  }
  v["families"] = nlohmann::json::array();
  for (const FamilyTest& f : d.families) {
    nlohmann::json j = test_json(f.test, f.means, d.level);
    j["family"] = f.family;
    j["members"] = f.members;
    j["tested"] = f.tested;
    if (!f.tested) j["verdict"] = "not tested (too few benchmarks)";
    v["families"].push_back(std::move(j));
  }
  v["only_in_base"] = in.only_in_base;
  v["only_in_current"] = in.only_in_current;
  v["unpaired"] = in.unpaired;
  v["unpaired_samples"] = in.unpaired_samples;
  v["under_iterated_repetitions"] = in.under_iterated;
  v["sample_files"] = in.sample_files;
  v["conformance_failures"] = in.conformance_failures;
  v["machine_differences"] = in.machine_differences;
  v["overall"] = d.regression() || !in.conformance_failures.empty() ? "regression" : "pass";
  return v;
}

std::string filter_for(const std::vector<std::string>& names) {
  if (names.empty()) return "";
  std::string out = "^(";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += '|';
    for (char c : names[i]) {
      if (std::string_view("\\.^$|?*+()[]{}").find(c) != std::string_view::npos) out += '\\';
      out += c;
    }
  }
  return out + ")$";
}

void write_outputs(const std::filesystem::path& dir, const nlohmann::json& v) {
  const std::vector<std::string> undecided = names_with(v["benchmarks"], "undecided");
  std::string lines;
  for (const std::string& n : undecided) lines += n + "\n";
  output::write_atomically(dir / "verdict.json", v.dump(1, ' ', true, nlohmann::json::error_handler_t::replace) + "\n");
  output::write_atomically(dir / "gate.md", markdown(v));
  output::write_atomically(dir / "gate.html", html_page(v));
  output::write_atomically(dir / "undecided.txt", lines);
  output::write_atomically(dir / "undecided.filter", undecided.empty() ? "" : filter_for(undecided) + "\n");
}

std::string summary(const nlohmann::json& v) {
  namespace esc = escape;
  std::string s;
  for (const nlohmann::json& f : v["conformance_failures"]) s += "CONFORMANCE " + esc::terminal(f.get<std::string>()) + "\n";
  for (const nlohmann::json& d : v["machine_differences"]) s += "warning: different machines: " + esc::terminal(d.get<std::string>()) + "\n";
  for (const nlohmann::json& b : v["benchmarks"])
    if (b["verdict"] == "regression")
      s += fmt::format("REGRESSION {} ratio {} [{}, {}] p(BH)={:.2g}\n", esc::terminal(b["name"].get<std::string>()), fixed(b["ratio"]),
                       fixed(b["interval"]["lo"]), fixed(b["interval"]["hi"]), b["p_adjusted"].get<double>());
  for (const nlohmann::json& f : v["families"])
    if (f["verdict"] == "regression")
      s += fmt::format("REGRESSION family {} geometric-mean ratio {}\n", esc::terminal(f["family"].get<std::string>()), fixed(f["ratio"]));
  std::size_t noisy = 0;
  for (const nlohmann::json& b : v["benchmarks"]) noisy += b["too_noisy"].get<bool>();
  s += fmt::format("{}: look {} of {}; {} benchmarks paired: {} regressions, {} no regression beyond {:.1f}%, {} undecided "
                   "(listed in undecided.txt), {} too noisy to gate; {} only in base, {} only in current, {} never paired\n",
                   v["overall"] == "regression" ? "FAIL" : "PASS", v["look"].get<int>(), v["max_looks"].get<int>(), v["benchmarks"].size(),
                   names_with(v["benchmarks"], "regression").size(), names_with(v["benchmarks"], "no-regression").size(),
                   100 * v["threshold"].get<double>(), names_with(v["benchmarks"], "undecided").size(), noisy,
                   v["only_in_base"].size(), v["only_in_current"].size(), v["unpaired"].size());
  return s;
}

}  // namespace maskbench::paired

#include "prediction_panel.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "format.hpp"
#include "html.hpp"
#include "mca.hpp"
#include "schema.hpp"
#include "stats.hpp"

namespace maskbench::report {
namespace {

// "compress_f32/variant:memory" of family "compress" -> kernel
// "compress_f32", {"variant": "memory"}, by the result schema's name grammar.
std::pair<std::string, std::map<std::string, std::string>> split(const std::string& family,
                                                                 const std::string& benchmark) {
  const std::optional<schema::Name> n = schema::parse_name(family + "/" + benchmark);
  if (!n) return {benchmark, {}};
  return {n->kernel, {n->args.begin(), n->args.end()}};
}

const results::McaModel* host_model(const results::ResultsDir& r) {
  for (const results::McaModel& m : r.mca.models)
    if (m.host) return &m;
  return nullptr;
}

const results::Prediction* prediction_for(const results::HotLoop& h, const std::string& model) {
  for (const results::Prediction& p : h.predictions)
    if (p.model == model) return &p;
  return nullptr;
}

std::string number(double v) {
  std::string s = format::si(v);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

}  // namespace

std::optional<double> elements_per_iteration(const results::HotLoop& h) {
  if (!h.stride_bytes) return std::nullopt;
  return static_cast<double>(*h.stride_bytes) / mca::element_bytes(h.benchmark);
}

std::optional<double> measured_elements_per_cycle(const results::ResultsDir& r, const results::HotLoop& h) {
  if (r.mca.clock_ghz <= 0 || !mca::items_are_loop_elements(h.family, h.benchmark)) return std::nullopt;
  const auto [kernel, params] = split(h.family, h.benchmark);
  // The parameters any entry point of this kernel names (variant, dtype):
  // a benchmark matches where it agrees on each, absent where the entry
  // point does not name it.
  std::set<std::string> keys;
  for (const results::HotLoop& o : r.hot_loops)
    if (o.family == h.family)
      if (const auto [other, args] = split(o.family, o.benchmark); other == kernel)
        for (const auto& [k, v] : args) keys.insert(k);
  std::vector<double> rates;
  for (const results::Benchmark& b : r.benchmarks) {
    if (b.skipped || b.family != h.family || b.kernel != kernel || b.implementation != h.implementation ||
        b.level != schema::kLevelL1 || b.items_per_second.empty())
      continue;
    const bool agrees = std::all_of(keys.begin(), keys.end(), [&, &params = params](const std::string& k) {
      const auto mine = params.find(k);
      const auto theirs = b.params.find(k);
      if (mine == params.end()) return theirs == b.params.end();
      return theirs != b.params.end() && theirs->second == mine->second;
    });
    if (agrees) rates.push_back(stats::median(b.items_per_second));
  }
  if (rates.empty()) return std::nullopt;
  return stats::median(rates) / (r.mca.clock_ghz * 1e9);
}

std::string prediction_table(const results::ResultsDir& r, const std::vector<const results::HotLoop*>& loops,
                             const std::string& name) {
  if (r.mca.models.empty())
    return fmt::format("<p class=\"small\">No predictions: {}.</p>\n",
                       html::escape(r.mca.skipped.empty() ? "disasm.json lists no model" : r.mca.skipped));
  std::string head = "<tr><th>implementation</th><th>elements / iteration</th>";
  for (const results::McaModel& m : r.mca.models)
    head += fmt::format("<th>{}{}</th>", html::escape(m.name), m.host ? " (this CPU)" : "");
  head += "<th>measured here, L1</th></tr>\n";
  std::vector<std::string> reasons;  // the footnotes: why a loop has no prediction
  std::string rows;
  for (const results::HotLoop* h : loops) {
    if (!h->has_loop) continue;
    const std::string label =
        h->benchmark == name ? h->implementation : h->implementation + " " + h->benchmark.substr(name.size() + 1);
    const std::optional<double> per_iteration = elements_per_iteration(*h);
    rows += fmt::format("<tr><th>{}</th><td class=\"num\">{}</td>", html::escape(label),
                        per_iteration ? number(*per_iteration) : "unknown");
    for (const results::McaModel& m : r.mca.models) {
      const results::Prediction* p = prediction_for(*h, m.name);
      if (p == nullptr) {
        rows += "<td class=\"num\">?</td>";
      } else if (p->cycles_per_iteration) {
        const double c = *p->cycles_per_iteration;
        rows += per_iteration ? fmt::format("<td class=\"num\">{} el/c<br><span class=\"small\">{} c/it</span></td>",
                                            number(*per_iteration / c), number(c))
                              : fmt::format("<td class=\"num\">{} c/it</td>", number(c));
      } else {
        const std::string reason = p->error.empty() ? "no reason given" : p->error;
        auto it = std::find(reasons.begin(), reasons.end(), reason);
        if (it == reasons.end()) it = reasons.insert(reasons.end(), reason);
        rows += fmt::format("<td class=\"unmodelled\">not modelled <sup>{}</sup></td>", it - reasons.begin() + 1);
      }
    }
    const std::optional<double> measured = measured_elements_per_cycle(r, *h);
    rows += fmt::format("<td class=\"num\">{}</td></tr>\n", measured ? number(*measured) + " el/c" : "&ndash;");
  }
  std::string notes;
  for (std::size_t k = 0; k < reasons.size(); ++k) notes += fmt::format("<li>{}</li>", html::escape(reasons[k]));
  return fmt::format(
      "<p class=\"small\">Predicted by {} on each model: elements per cycle (el/c) and cycles per iteration (c/it) of "
      "the loop above in its steady state, all loads in L1. Measured here: the L1-size rate over the clock "
      "<code>maskbench disasm</code> measured ({} GHz). How far to trust the predictions: see the calibration "
      "section.</p>\n<table>\n{}{}</table>\n{}",
      html::escape(r.mca.tool.empty() ? "llvm-mca" : r.mca.tool), number(r.mca.clock_ghz), head, rows,
      notes.empty() ? "" : "<ol class=\"small\">" + notes + "</ol>\n");
}

std::string calibration_section(const results::ResultsDir& r) {
  const results::McaModel* host = host_model(r);
  if (host == nullptr) return "";
  struct Row {
    std::string kernel, implementation;
    double predicted, measured;
  };
  std::vector<Row> rows;
  std::size_t unmodelled = 0;
  for (const results::HotLoop& h : r.hot_loops) {
    if (!h.has_loop) continue;
    const std::optional<double> measured = measured_elements_per_cycle(r, h);
    if (!measured) continue;
    const results::Prediction* p = prediction_for(h, host->name);
    const std::optional<double> per_iteration = elements_per_iteration(h);
    if (p == nullptr || !p->cycles_per_iteration || !per_iteration) {
      ++unmodelled;
      continue;
    }
    rows.push_back({h.family + "/" + h.benchmark, h.implementation, *per_iteration / *p->cycles_per_iteration, *measured});
  }
  if (rows.empty()) return "";
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::fabs(std::log(a.predicted / a.measured)) > std::fabs(std::log(b.predicted / b.measured));
  });
  std::vector<double> ratios;
  std::size_t within_25 = 0, within_2x = 0;
  for (const Row& x : rows) {
    const double q = x.predicted / x.measured;
    ratios.push_back(q);
    within_25 += q <= 1.25 && q >= 1 / 1.25;
    within_2x += q <= 2 && q >= 0.5;
  }
  std::string table = "<tr><th>kernel</th><th>implementation</th><th>predicted el/c</th><th>measured el/c</th>"
                      "<th>predicted / measured</th></tr>\n";
  for (const Row& x : rows)
    table += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                         "<td class=\"num\">{}</td></tr>\n",
                         html::escape(x.kernel), html::escape(x.implementation), number(x.predicted),
                         number(x.measured), format::times(x.predicted / x.measured));
  return fmt::format(
      "<h2 id=\"predictions\">Predictions: how far to trust them</h2>\n"
      "<p>The kernels' pages predict each hot loop's throughput on CPU models with {}. For {}, llvm-mca's model of "
      "this machine, the prediction can be checked: for {} kernels and implementations measured at an L1-resident "
      "size, the median of predicted over measured elements per cycle is <strong>{}</strong>; {} of them are within "
      "25% and {} within 2x ({} more have no prediction). A prediction above the measurement is what llvm-mca "
      "leaves out (branch mispredictions, the front end, the loop's entry and exit, a clock lower under load than "
      "the {} GHz measured); below it, an inner branch whose block rarely runs, counted as always run.</p>\n"
      "<details><summary>Every kernel, the largest disagreement first</summary>\n<table>\n{}</table>\n</details>\n",
      html::escape(r.mca.tool.empty() ? "llvm-mca" : r.mca.tool), html::escape(host->name), rows.size(),
      format::times(stats::median(ratios)), within_25, within_2x, unmodelled, number(r.mca.clock_ghz), table);
}

}  // namespace maskbench::report

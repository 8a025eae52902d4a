#include "report_page.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "analysis.hpp"
#include "chart_set.hpp"
#include "code_panel.hpp"
#include "prediction_panel.hpp"
#include "format.hpp"
#include "html.hpp"
#include "maskbench/registry.hpp"
#include "machine_facts.hpp"
#include "page.hpp"
#include "stats.hpp"

namespace maskbench::report {
namespace {

using html::escape;
using results::Benchmark;
using results::ResultsDir;
using Benches = std::vector<const Benchmark*>;

// Registry order (info.json) first, then the names it does not know. Sorted
// by registry position, since a table per kernel must not cost a pass over
// the whole registry.
std::vector<std::string> implementation_order(const ResultsDir& r, const std::set<std::string>& present) {
  std::vector<std::pair<std::size_t, std::string>> keyed;
  for (const std::string& name : present) {
    const results::ImplementationInfo* i = r.implementation(name);
    keyed.emplace_back(i == nullptr ? r.implementations.size() : static_cast<std::size_t>(i - r.implementations.data()), name);
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::string> out;
  for (auto& [position, name] : keyed) out.push_back(std::move(name));
  return out;
}

// `count` empty cells of a table row as one, so that a sparse table costs
// its filled cells, not rows x columns.
std::string empty_cells(std::size_t count) {
  if (count == 0) return "";
  return count == 1 ? "<td></td>" : fmt::format("<td colspan=\"{}\"></td>", count);
}

std::string implementation_label(const ResultsDir& r, const std::string& impl) {
  if (!analysis::valid(r, impl)) return impl + " (INVALID: fails conformance)";
  return r.implementation(impl) == nullptr ? impl + " (peer)" : impl;
}

std::string machine_card(const ResultsDir& r) {
  std::string s = "<h2 id=\"machine\">Machine</h2>\n<dl class=\"card\">\n";
  for (const auto& [k, v] : machine_facts(r)) s += fmt::format("<dt>{}</dt><dd>{}</dd>\n", escape(k), escape(v));
  return s + "</dl>\n";
}

// Failing rows first, then those with a known defect, the rows with no
// failure folded, and the suite's self-tests (tests of no implementation:
// known defects, the shrinker, the CLI) apart.
std::string conformance_matrix(const ResultsDir& r) {
  std::vector<std::string> rows;  // in order of first appearance
  std::map<std::string, std::size_t> row_of;
  std::set<std::string> impls;
  for (const results::TestOutcome& t : r.tests) {
    if (row_of.try_emplace(t.kernel_test, rows.size()).second) rows.push_back(t.kernel_test);
    if (!t.implementation.empty()) impls.insert(t.implementation);
  }
  const std::vector<std::string> columns = implementation_order(r, impls);
  std::map<std::string, std::size_t> column_of;
  for (std::size_t c = 0; c < columns.size(); ++c) column_of.emplace(columns[c], c);
  // Per row, its tests by column; the last test of a cell wins. Self-tests
  // have no column: their outcome is kept apart.
  std::vector<std::map<std::size_t, const results::TestOutcome*>> cells(rows.size());
  std::vector<const results::TestOutcome*> self_test(rows.size(), nullptr);
  for (const results::TestOutcome& t : r.tests)
    (t.implementation.empty() ? self_test[row_of.at(t.kernel_test)]
                              : cells[row_of.at(t.kernel_test)][column_of.at(t.implementation)]) = &t;
  std::string s = "<h2 id=\"conformance\">Conformance</h2>\n";
  if (rows.empty()) return s + "<p>conformance.json holds no tests.</p>\n";
  s += r.conformance_level == schema::kConformanceSmoke
           ? std::string("<p>Level: smoke (<code>./run_all.sh --quick</code>): every test ran, with fewer large sizes "
                         "and a tenth of the randomized rounds. <code>./run_all.sh</code> runs the full level.</p>\n")
           : fmt::format("<p>Level: {}.</p>\n", escape(r.conformance_level));
  std::string header = "<tr><th>kernel test</th>";
  for (const std::string& c : columns) header += fmt::format("<th>{}</th>", escape(c));
  header += "</tr>\n";
  const auto status_text = [](const results::TestOutcome& t) {
    return t.status == "pass" ? "pass" : t.status == "fail" ? "FAIL" : t.known_defect() ? "known defect" : "skipped";
  };
  const auto status_class = [](const results::TestOutcome& t) {
    return t.known_defect() ? std::string("known-defect") : escape(t.status);
  };
  std::string failing_rows, defect_rows, clean_rows, self_tests;
  std::size_t clean = 0;
  std::string failures, skips, known;
  std::set<std::pair<std::string, std::string>> skip_reasons;
  for (std::size_t row_index = 0; row_index < rows.size(); ++row_index) {
    const std::string& row = rows[row_index];
    if (const results::TestOutcome* t = self_test[row_index]) {
      self_tests += fmt::format("<li class=\"{}\">{}: {}{}</li>\n", status_class(*t), escape(row), status_text(*t),
                                t->message.empty() ? "" : " (" + escape(t->message) + ")");
      if (t->status == "fail") failures += fmt::format("<li><b>suite self-test</b> {}: {}</li>\n", escape(row), escape(t->message));
    }
    if (cells[row_index].empty()) continue;
    std::string line = fmt::format("<tr><th>{}</th>", escape(row));
    bool failed = false, defect = false;
    std::size_t next = 0;  // the first column not yet written
    for (const auto& [column, test] : cells[row_index]) {
      line += empty_cells(column - next);
      next = column + 1;
      const std::string& c = columns[column];
      const results::TestOutcome& t = *test;
      failed = failed || t.status == "fail";
      defect = defect || t.known_defect();
      line += fmt::format("<td class=\"{}\" title=\"{}\">{}</td>", status_class(t), escape(t.message), status_text(t));
      if (t.status == "fail") failures += fmt::format("<li><b>{}</b> {}: {}</li>\n", escape(c), escape(row), escape(t.message));
      if (t.status == "skip" && skip_reasons.insert({c, t.message}).second)
        (t.known_defect() ? known : skips) += fmt::format("<li><b>{}</b>: {}</li>\n", escape(c), escape(t.message));
    }
    line += empty_cells(columns.size() - next) + "</tr>\n";
    (failed ? failing_rows : defect ? defect_rows : clean_rows) += line;
    clean += !failed && !defect;
  }
  if (!failing_rows.empty() || !defect_rows.empty())
    s += "<table class=\"matrix\">\n" + header + failing_rows + defect_rows + "</table>\n";
  if (clean > 0)
    s += fmt::format("<details><summary>{} kernel tests with no failure and no known defect (every implementation "
                     "passed or was skipped for a reason listed below)</summary>\n<table class=\"matrix\">\n{}{}</table>\n"
                     "</details>\n",
                     clean, header, clean_rows);
  if (!self_tests.empty()) {
    std::map<std::string, std::size_t> by_status;
    for (const results::TestOutcome* t : self_test)
      if (t != nullptr) ++by_status[status_text(*t)];
    std::string counts;
    for (const auto& [status, n] : by_status) counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", n, status);
    s += fmt::format("<details{}><summary>Suite self-tests (of no implementation): {}</summary>\n<ul>\n{}</ul>\n</details>\n",
                     by_status.contains("FAIL") ? " open" : "", counts, self_tests);
  }
  if (!failures.empty())
    s += "<h3>Failures (first failing case)</h3>\n<p>These implementations' benchmark figures are marked invalid "
         "throughout the report.</p>\n<ul>\n" + failures + "</ul>\n";
  if (!known.empty())
    s += "<h3>Known compiler defects</h3>\n<p>Tests of these implementations did not run because the compiler that "
         "built them is listed in docs/known-defects.md for this defect; they count as neither pass nor fail.</p>\n<ul>\n" +
         known + "</ul>\n";
  if (!skips.empty()) s += "<h3>Skipped, with the reason</h3>\n<ul>\n" + skips + "</ul>\n";
  return s;
}

// The value of `key` shared by the most benchmarks, so that a chart over
// another parameter holds it fixed.
std::optional<std::string> most_common(const Benches& bs, const std::string& key) {
  std::map<std::string, int> count;
  for (const Benchmark* b : bs)
    if (const auto it = b->params.find(key); it != b->params.end()) ++count[it->second];
  if (count.empty()) return std::nullopt;
  return std::max_element(count.begin(), count.end(), [](const auto& a, const auto& b) { return a.second < b.second; })->first;
}

bool has_value(const Benchmark& b, const std::string& key, const std::optional<std::string>& value) {
  const auto it = b.params.find(key);
  return !value || it == b.params.end() || it->second == *value;
}

std::string series_name(const ResultsDir& r, const Benchmark& b, const std::vector<std::string>& fixed) {
  const std::string extra = analysis::other_params(b, fixed);
  return implementation_label(r, b.implementation) + (extra.empty() ? "" : " " + extra);
}

// One line per implementation: the rate against the numeric parameter `x`.
using YValue = double (*)(const Benchmark&);
double giga_rate(const Benchmark& b) { return analysis::rate(b) / 1e9; }
double giga_bytes(const Benchmark& b) { return stats::median(b.bytes_per_second) / 1e9; }

nlohmann::json line_chart(const ResultsDir& r, const Benches& bs, const std::string& x, const std::string& title,
                          const std::string& xlabel, bool logx, YValue y, const std::string& ylabel) {
  std::map<std::string, nlohmann::json> series;
  std::map<std::string, bool> invalid;
  std::vector<std::string> order;
  for (const Benchmark* b : bs) {
    const auto xv = b->param(x);
    if (!xv) continue;
    const std::string name = series_name(r, *b, {x, schema::kArgSize, schema::kArgSelectivity});
    if (!series.contains(name)) order.push_back(name);
    series[name].push_back({{"x", *xv}, {"y", y(*b)}});
    invalid[name] = !analysis::valid(r, b->implementation);
  }
  std::set<double> xs;
  for (const auto& [name, points] : series)
    for (const auto& p : points) xs.insert(p["x"].get<double>());
  // A line needs two x values: with one (a sweep the run did not make, as
  // --quick's single size), the same figures are a bar per series.
  if (xs.size() < 2) {
    nlohmann::json labels = nlohmann::json::array(), values = nlohmann::json::array();
    for (const std::string& name : order) {
      labels.push_back(name + (invalid[name] ? " (invalid)" : ""));
      values.push_back(series[name].front()["y"]);
    }
    const std::string at = xs.empty() ? "" : fmt::format(" ({}:{})", x, *xs.begin());
    return {{"type", "bar"}, {"title", title + at}, {"ylabel", ylabel},
            {"labels", labels}, {"datasets", {{{"label", ylabel}, {"points", values}, {"invalid", false}}}}};
  }
  nlohmann::json datasets = nlohmann::json::array();
  for (const std::string& name : order) {
    nlohmann::json points = series[name];
    std::sort(points.begin(), points.end(), [](const auto& a, const auto& b) { return a["x"] < b["x"]; });
    datasets.push_back({{"label", name}, {"points", points}, {"invalid", invalid[name]}});
  }
  return {{"type", "line"}, {"title", title}, {"xlabel", xlabel}, {"ylabel", ylabel}, {"logx", logx},
          {"logy", false}, {"datasets", datasets}};
}

std::string rate_unit(const Benches& bs) {
  return std::all_of(bs.begin(), bs.end(), [](const Benchmark* b) { return !b->items_per_second.empty(); })
             ? "items/s" : "iterations/s";
}

// Rows: implementation (and parameters other than n); columns: sizes. Each
// cell: rate, speedup over the reference implementation and over the best
// peer (analysis::Best), fraction of the roof.
// Built from the benchmarks by sorting and grouping, never rows x columns.
std::string speedup_table(const ResultsDir& r, const Benches& bs, const analysis::Roofline& roof) {
  struct Column {
    double value;
    std::string n, label;
  };
  std::vector<Column> columns;  // in order of first appearance
  std::map<std::string, std::size_t> column_of;
  struct Group {
    double reference = 0;
    analysis::Best best_peer;
  };
  std::map<std::pair<std::string, std::size_t>, Group> groups;  // (extra, column)
  std::set<std::string> present;
  std::vector<std::pair<std::string, std::size_t>> keys;  // per benchmark: (extra, column)
  for (const Benchmark* b : bs) {
    const auto n = b->params.find(schema::kArgSize);
    const std::string col = n == b->params.end() ? "" : n->second;
    const auto [it, fresh] = column_of.try_emplace(col, columns.size());
    if (fresh) columns.push_back({b->param(schema::kArgSize).value_or(0), col, b->level});
    present.insert(b->implementation);
    keys.emplace_back(analysis::other_params(*b, {schema::kArgSize}), it->second);
    Group& g = groups[keys.back()];
    if (b->implementation == maskbench::reference().name) g.reference = analysis::rate(*b);
    if (b->peer) g.best_peer.offer(r, *b, analysis::rate(*b));
  }
  std::vector<std::size_t> by_value(columns.size()), position(columns.size());
  for (std::size_t c = 0; c < columns.size(); ++c) by_value[c] = c;
  // Ties in column order (std::sort with the index as tie-break: see benjamini_hochberg).
  std::sort(by_value.begin(), by_value.end(), [&](std::size_t a, std::size_t b) {
    const double x = columns[a].value, y = columns[b].value;
    const bool na = std::isnan(x), nb = std::isnan(y);
    if (na != nb) return nb;
    return (!na && x != y) ? x < y : a < b;
  });
  for (std::size_t p = 0; p < by_value.size(); ++p) position[by_value[p]] = p;
  std::map<std::string, std::size_t> rank;
  for (const std::string& impl : implementation_order(r, present)) rank.emplace(impl, rank.size());
  // (implementation rank, extra) -> column position -> benchmark; the last one of a cell wins.
  std::map<std::pair<std::size_t, std::string>, std::map<std::size_t, std::size_t>> rows;
  for (std::size_t i = 0; i < bs.size(); ++i)
    rows[{rank.at(bs[i]->implementation), keys[i].first}][position[keys[i].second]] = i;
  std::string s = "<table>\n<tr><th>implementation</th>";
  for (const std::size_t c : by_value)
    s += fmt::format("<th>{} n={}</th>", escape(columns[c].label), escape(columns[c].n.empty() ? "-" : columns[c].n));
  s += "</tr>\n";
  for (const auto& [row_key, cells] : rows) {
    const std::string& impl = bs[cells.begin()->second]->implementation;
    const std::string& extra = row_key.second;
    const bool ok = analysis::valid(r, impl);
    std::string row;
    std::size_t next = 0;
    for (const auto& [column, i] : cells) {
      row += empty_cells(column - next);
      next = column + 1;
      const Benchmark& b = *bs[i];
      const double rate = analysis::rate(b);
      std::string cell = escape(format::si(rate)) + "/s";
      const Group& g = groups.at(keys[i]);
      if (g.reference > 0) cell += fmt::format(" &middot; {} {}", format::times(rate / g.reference), maskbench::reference().name);
      if (g.best_peer.value > 0) cell += " &middot; " + format::times(rate / g.best_peer.value) + " best peer";
      if (const auto f = analysis::roof_fraction(roof, r, b)) cell += " &middot; " + format::percent(*f) + " of roof";
      row += fmt::format("<td class=\"num{}\">{}{}</td>", ok ? "" : " invalid", ok ? "" : "invalid: ", cell);
    }
    s += fmt::format("<tr><th>{}{}</th>{}{}</tr>\n", escape(implementation_label(r, impl)),
                     extra.empty() ? "" : fmt::format(" {}", escape(extra)), row, empty_cells(columns.size() - next));
  }
  return s + "</table>\n";
}

std::string kernel_section(const ResultsDir& r, const std::string& kernel, const Benches& bs,
                           const analysis::Roofline& roof, ChartSet& charts) {
  std::string s = fmt::format("<h3 id=\"k-{}\">{}</h3>\n<div class=\"charts\">\n", escape(kernel), escape(kernel));
  const std::string unit = rate_unit(bs);
  using schema::kArgSelectivity, schema::kArgSize;
  const auto sel = most_common(bs, kArgSelectivity);
  Benches at_sel;
  for (const Benchmark* b : bs)
    if (has_value(*b, kArgSelectivity, sel)) at_sel.push_back(b);
  if (std::any_of(at_sel.begin(), at_sel.end(), [](const Benchmark* b) { return b->param(kArgSize).has_value(); }))
    s += charts.add(line_chart(r, at_sel, kArgSize,
                               kernel + ": throughput against size" + (sel ? fmt::format(" ({}:{})", kArgSelectivity, *sel) : ""),
                               "n (elements)", true, giga_rate, "G " + unit));
  if (sel) {
    Benches with_sel;
    for (const Benchmark* b : bs)
      if (b->params.contains(kArgSelectivity)) with_sel.push_back(b);
    const auto n = most_common(with_sel, kArgSize);
    Benches sweep;
    for (const Benchmark* b : with_sel)
      if (has_value(*b, kArgSize, n)) sweep.push_back(b);
    s += charts.add(line_chart(r, sweep, kArgSelectivity,
                               kernel + ": selectivity sweep" + (n ? fmt::format(" ({}:{})", kArgSize, *n) : ""),
                               "selectivity", false, giga_rate, "G " + unit));
  }
  s += "</div>\n";
  return s + speedup_table(r, at_sel, roof) + code_panel(r, kernel);
}

std::string level_order_key(const std::string& level) {
  const auto it = std::find(schema::kCacheLevels.begin(), schema::kCacheLevels.end(), level);
  return it == schema::kCacheLevels.end() ? "9" + level : std::to_string(it - schema::kCacheLevels.begin());
}

std::string roofline_section(const ResultsDir& r, const analysis::Roofline& roof,
                             const std::map<std::string, Benches>& kernels, ChartSet& charts) {
  std::string s =
      "<h2 id=\"roofline\">Roofline</h2>\n<p>The benchmark binary measures this machine's limits in the same run: "
      "<code>roofline/read_bw</code> streams a buffer resident in each cache level and sums it (read bandwidth), "
      "<code>roofline/fma_peak</code> runs independent multiply-add chains in registers (peak FLOP/s per ISA level; "
      "fused where the level has FMA). Each limit is the best valid implementation's. A kernel's fraction of the roof "
      "is its bytes/s over the read bandwidth at its working-set level; the FMA probes are shown against the peak of "
      "their ISA level.</p>\n";
  if (roof.empty()) return s + "<p>This run has no roofline probes (no <code>roofline/</code> benchmarks in bench.json).</p>\n";
  s += "<table>\n<tr><th>limit</th><th>value</th><th>reached by</th></tr>\n";
  std::vector<std::pair<std::string, std::string>> levels;
  for (const auto& [level, limit] : roof.read_bandwidth) levels.emplace_back(level_order_key(level), level);
  std::sort(levels.begin(), levels.end());
  for (const auto& [key, level] : levels) {
    const analysis::Best& l = roof.read_bandwidth.at(level);
    s += fmt::format("<tr><td>read bandwidth, {}-resident</td><td class=\"num\">{}B/s</td><td>{}</td></tr>\n",
                     escape(level), escape(format::si(l.value)), escape(l.implementation));
  }
  for (const auto& [isa, limit] : roof.peak_flops)
    s += fmt::format("<tr><td>peak multiply-add, {}</td><td class=\"num\">{}FLOP/s</td><td>{}</td></tr>\n", escape(isa),
                     escape(format::si(limit.value)), escape(limit.implementation));
  s += "</table>\n<div class=\"charts\">\n";
  const auto roofline_kernel = [](const char* kernel) { return fmt::format("{}/{}", schema::kRooflineFamily, kernel); };
  if (const auto it = kernels.find(roofline_kernel(schema::kReadBandwidthKernel)); it != kernels.end()) {
    Benches with_bytes;
    for (const Benchmark* b : it->second)
      if (!b->bytes_per_second.empty()) with_bytes.push_back(b);
    s += charts.add(line_chart(r, with_bytes, schema::kArgSize, "read bandwidth against working set", "bytes", true, giga_bytes, "GB/s"));
  }
  if (const auto it = kernels.find(roofline_kernel(schema::kPeakFlopsKernel)); it != kernels.end()) {
    nlohmann::json labels = nlohmann::json::array(), values = nlohmann::json::array();
    for (const Benchmark* b : it->second) {
      labels.push_back(implementation_label(r, b->implementation));
      values.push_back(giga_rate(*b));
    }
    s += charts.add({{"type", "bar"}, {"title", "peak multiply-add throughput per implementation"}, {"ylabel", "GFLOP/s"},
                     {"labels", labels}, {"datasets", {{{"label", "GFLOP/s"}, {"points", values}, {"invalid", false}}}}});
  }
  // Per kernel, the best valid implementation's fraction of the roof at each
  // level, as {x: kernel, y} points for the levels a kernel was measured at:
  // one pass over the benchmarks, where a value per kernel and level would
  // be kernels x levels.
  nlohmann::json labels = nlohmann::json::array();
  std::map<std::string, std::map<std::string, analysis::Best>> by_level;  // level -> kernel -> best %
  for (const auto& [kernel, bs] : kernels) {
    if (analysis::is_roofline(bs)) continue;
    labels.push_back(kernel);
    for (const Benchmark* b : bs)
      if (roof.read_bandwidth.contains(b->level) && analysis::valid_figure(r, *b))
        by_level[b->level][kernel].offer(r, *b, analysis::roof_fraction(roof, r, *b).value_or(0) * 100);
  }
  if (!labels.empty()) {
    nlohmann::json datasets = nlohmann::json::array();
    for (const auto& [key, level] : levels) {
      nlohmann::json points = nlohmann::json::array();
      for (const auto& [kernel, best] : by_level[level]) points.push_back({{"x", kernel}, {"y", best.value}});
      datasets.push_back({{"label", level}, {"points", points}, {"invalid", false}});
    }
    s += charts.add({{"type", "bar"}, {"title", "best implementation per kernel: % of read bandwidth at its level"},
                     {"ylabel", "% of roof"}, {"labels", labels}, {"datasets", datasets}});
  }
  return s + "</div>\n";
}

// The conformance verdict of a family: the implementations with a failing
// test of it ("Cond.*" for cond), and how many passed every test they ran.
struct Verdict {
  std::set<std::string> failed, passed;
};
std::map<std::string, Verdict> family_verdicts(const ResultsDir& r) {
  std::map<std::string, Verdict> out;
  for (const results::TestOutcome& t : r.tests) {
    if (t.implementation.empty() || t.status == "skip") continue;
    std::string family = t.kernel_test.substr(0, t.kernel_test.find('.'));
    std::transform(family.begin(), family.end(), family.begin(), [](unsigned char c) { return std::tolower(c); });
    (t.status == "fail" ? out[family].failed : out[family].passed).insert(t.implementation);
  }
  for (auto& [family, v] : out)
    for (const std::string& f : v.failed) v.passed.erase(f);
  return out;
}

// The configuration a kernel's headline is read at: the parameter set that
// the most implementations measured, the largest n among equals.
std::string headline_config(const Benches& bs) {
  std::map<std::string, std::pair<std::size_t, double>> seen;  // params -> (implementations, n)
  for (const Benchmark* b : bs) {
    auto& [count, n] = seen[analysis::other_params(*b, {})];
    ++count;
    n = b->param(schema::kArgSize).value_or(0);
  }
  return std::max_element(seen.begin(), seen.end(), [](const auto& a, const auto& b) { return a.second < b.second; })->first;
}

// The first screen: per kernel, is it correct and how fast is the best valid
// implementation here, against the scalar reference, the best peer and the roof.
std::string headline(const ResultsDir& r, const std::map<std::string, Benches>& kernels, const analysis::Roofline& roof) {
  const auto verdicts = family_verdicts(r);
  std::set<std::string> failing;
  for (const auto& [family, v] : verdicts) failing.insert(v.failed.begin(), v.failed.end());
  std::string s = "<h2 id=\"summary\">Summary</h2>\n";
  s += failing.empty()
           ? fmt::format("<p class=\"pass\">Conformance: every implementation that ran passed every test ({} results).</p>\n",
                         r.tests.size())
           : fmt::format("<p class=\"fail\">Conformance: {} implementation(s) FAIL: {}. Their figures are invalid "
                         "throughout the report.</p>\n",
                         failing.size(), escape(fmt::format("{}", fmt::join(failing, ", "))));
  std::string rows;
  for (const auto& [kernel, bs] : kernels) {
    if (analysis::is_roofline(bs)) continue;
    const std::string config = headline_config(bs);
    analysis::Best best, peer;
    double reference = 0;
    const Benchmark* winner = nullptr;
    for (const Benchmark* b : bs) {
      if (analysis::other_params(*b, {}) != config) continue;
      const double rate = analysis::rate(*b);
      if (b->implementation == maskbench::reference().name && analysis::valid_figure(r, *b)) reference = rate;
      if (b->peer) {
        peer.offer(r, *b, rate);
      } else if (analysis::valid_figure(r, *b) && rate > best.value) {
        best.offer(r, *b, rate);
        winner = b;
      }
    }
    const std::string family = kernel.substr(0, kernel.find('/'));
    const auto v = verdicts.find(family);
    const std::string verdict =
        v == verdicts.end() ? "<td class=\"skip\">no tests</td>"
        : v->second.failed.empty()
            ? fmt::format("<td class=\"pass\">pass ({})</td>", v->second.passed.size())
            : fmt::format("<td class=\"fail\">FAIL: {}</td>", escape(fmt::format("{}", fmt::join(v->second.failed, ", "))));
    const auto ratio = [](double num, double den) { return den > 0 && num > 0 ? format::times(num / den) : std::string("-"); };
    const auto roof_part = winner ? analysis::roof_fraction(roof, r, *winner) : std::nullopt;
    // The fastest may be a row held to a looser contract than the reference's
    // (best() never chooses one); the first screen says so beside its name.
    const results::ImplementationInfo* info = winner ? r.implementation(winner->implementation) : nullptr;
    const bool reduced = info != nullptr && info->kind == kind_name(Kind::reduced_precision);
    rows += fmt::format(
        "<tr><th><a href=\"#k-{0}\">{0}</a></th>{1}<td>{2}</td><td>{3}</td><td class=\"num\">{4}</td>"
        "<td class=\"num\">{5}</td><td class=\"num\">{6}</td><td class=\"num\">{7}</td></tr>\n",
        escape(kernel), verdict, escape(config.empty() ? "-" : config),
        escape(winner ? best.implementation : "none valid") + (reduced ? " (reduced precision)" : ""),
        winner ? escape(format::si(best.value)) + "/s" : "-", ratio(best.value, reference),
        peer.value > 0 ? ratio(best.value, peer.value) + " " + escape(peer.implementation) : "-",
        roof_part ? format::percent(*roof_part) : "-");
  }
  if (rows.empty()) return s + "<p>bench.json holds no measured kernel.</p>\n";
  return s + "<table>\n<tr><th>kernel</th><th>conformance (implementations)</th><th>at</th><th>best valid "
             "implementation</th><th>rate</th><th>vs " + escape(maskbench::reference().name) +
         "</th><th>vs best peer</th><th>of roof</th></tr>\n" + rows +
         "</table>\n<p class=\"small\">Each kernel at the configuration the most implementations measured (the "
         "largest n among equals); median rates. The sections below give every implementation and size. A row of "
         "reduced precision is held to its own, looser contract (its header states the bound) and is never "
         "chosen by best().</p>\n";
}

}  // namespace

std::string report_html(const ResultsDir& r) {
  ChartSet charts;
  const analysis::Roofline roof = analysis::roofline(r);
  const auto kernels = analysis::by_kernel(r);
  const std::string host = r.info_text({schema::info::kHostname});
  std::string body = fmt::format("<h1>maskbench report: {}</h1>\n<p class=\"small\">{} &middot; {}</p>\n", escape(host),
                                 escape(r.info_text({schema::info::kCpu, schema::info::kBrand})), escape(r.path.string()));
  body += headline(r, kernels, roof);
  body += machine_card(r);
  body += conformance_matrix(r);
  body += "<h2 id=\"kernels\">Kernels</h2>\n<p>Median over the repetitions. Dashed lines and struck-through cells "
          "belong to implementations that fail conformance: their figures are invalid.</p>\n";
  for (const auto& [kernel, bs] : kernels)
    if (!analysis::is_roofline(bs)) body += kernel_section(r, kernel, bs, roof, charts);
  if (kernels.empty()) body += "<p>bench.json holds no measured benchmark.</p>\n";
  body += roofline_section(r, roof, kernels, charts);
  body += calibration_section(r);
  std::size_t skipped = 0;
  for (const Benchmark& b : r.benchmarks) skipped += b.skipped;
  body += fmt::format("<p class=\"small\">{} benchmarks measured, {} skipped (their reasons are in bench.json).</p>\n",
                      r.benchmarks.size() - skipped, skipped);
  return page::assemble("maskbench report: " + host, body, {{"charts", charts.specs()}});
}

}  // namespace maskbench::report

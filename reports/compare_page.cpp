#include "compare_page.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "analysis.hpp"
#include "chart_set.hpp"
#include "code_panel.hpp"
#include "escape.hpp"
#include "format.hpp"
#include "html.hpp"
#include "machine_facts.hpp"
#include "page.hpp"
#include "stats.hpp"

namespace maskbench::compare {
namespace {

// A, B, ..., Z, A1, B1, ...: short column names for the directories.
std::string letter(std::size_t i) {
  const char c = static_cast<char>('A' + i % 26);
  return i < 26 ? std::string(1, c) : fmt::format("{}{}", c, i / 26);
}

// Per family (or implementation) and directory, the geometric mean of the
// valid ratios and its bootstrap interval.
struct Means {
  std::map<std::string, std::vector<std::optional<double>>> value;
  std::map<std::string, std::vector<std::optional<stats::Interval>>> interval;
};
Means geomeans(const Comparison& c, bool by_family) {
  struct Group {
    std::vector<double> ratios;
    std::vector<stats::SamplePair> pairs;
    bool every_row_repeated = true;
  };
  std::map<std::string, std::vector<Group>> groups;
  for (const Row& row : c.rows) {
    auto& per_dir = groups[by_family ? row.family : row.implementation];
    per_dir.resize(c.dirs.size());
    for (std::size_t d = 1; d < c.dirs.size(); ++d)
      if (const auto r = row.ratio(d)) {
        Group& g = per_dir[d];
        g.ratios.push_back(*r);
        g.pairs.push_back({row.samples[d], row.samples[0]});
        g.every_row_repeated = g.every_row_repeated && row.samples[d].size() >= 2 && row.samples[0].size() >= 2;
      }
  }
  Means out;
  for (const auto& [key, per_dir] : groups)
    for (std::size_t d = 0; d < per_dir.size(); ++d) {
      const Group& g = per_dir[d];
      out.value[key].push_back(g.ratios.empty() ? std::nullopt : std::optional<double>(stats::geomean(g.ratios)));
      out.interval[key].push_back(g.ratios.empty() || !g.every_row_repeated
                                      ? std::nullopt
                                      : std::optional<stats::Interval>(stats::bootstrap_geomean_ratio(g.pairs, 0.95, 500)));
    }
  return out;
}

std::string availability(const results::ResultsDir& r, const std::string& impl) {
  const results::ImplementationInfo* i = r.implementation(impl);
  if (i == nullptr) return "absent";
  if (!i->runnable) return "skipped: " + i->reason;
  if (!analysis::valid(r, impl)) return "fails conformance";
  return "runs";
}

// "1.23 G/s 1.10x [1.04, 1.17]"; a ratio whose interval holds 1 is marked
// "(noise)", one without an interval (a single repetition) "(no interval)".
std::string cell_text(const Row& row, std::size_t d) {
  if (!row.rate[d]) return "-";
  std::string s = format::si(*row.rate[d]) + "/s";
  if (row.invalid[d]) return s + " invalid";
  if (d > 0)
    if (const auto r = row.ratio(d)) {
      s += fmt::format(" {}", format::times(*r));
      if (!row.interval[d]) return s + " (no interval)";
      s += fmt::format(" [{:.2f}, {:.2f}]", row.interval[d]->lo, row.interval[d]->hi);
      if (!row.significant(d)) s += " (noise)";
    }
  return s;
}


// "0.70x [0.52, 0.93]", and "(noise)" where the interval holds 1.
std::string ratio_text(const std::optional<double>& r, const std::optional<stats::Interval>& interval) {
  if (!r) return "-";
  std::string s = format::times(*r);
  if (!interval) return s;
  s += fmt::format(" [{:.2f}, {:.2f}]", interval->lo, interval->hi);
  return interval->lo <= 1 && interval->hi >= 1 ? s + " (noise)" : s;
}

}  // namespace

std::optional<double> Row::ratio(std::size_t dir) const {
  if (!rate[0] || !rate[dir] || invalid[0] || invalid[dir] || *rate[0] <= 0) return std::nullopt;
  return *rate[dir] / *rate[0];
}

Comparison compare(const std::vector<results::ResultsDir>& dirs) {
  Comparison c;
  for (const results::ResultsDir& d : dirs) c.dirs.push_back(&d);
  std::map<std::string, std::size_t> index;
  for (std::size_t d = 0; d < dirs.size(); ++d)
    for (const results::Benchmark& b : dirs[d].benchmarks) {
      if (b.skipped || b.real_time_ns.empty()) continue;
      auto [it, fresh] = index.try_emplace(b.name, c.rows.size());
      if (fresh) {
        c.rows.push_back({b.name, b.family, b.implementation, std::vector<std::optional<double>>(dirs.size()),
                          std::vector<bool>(dirs.size(), false),
                          std::vector<std::optional<stats::Interval>>(dirs.size()),
                          std::vector<std::vector<double>>(dirs.size())});
      }
      Row& row = c.rows[it->second];
      row.rate[d] = analysis::rate(b);
      row.invalid[d] = !analysis::valid(dirs[d], b.implementation);
      row.samples[d] = analysis::rates(b);
    }
  // 1000 resamples per benchmark and 500 per mean: a comparison of three
  // runs of 10000 benchmarks stays within seconds.
  for (Row& row : c.rows)
    for (std::size_t d = 1; d < dirs.size(); ++d)
      if (row.ratio(d) && row.samples[0].size() >= 2 && row.samples[d].size() >= 2)
        row.interval[d] = stats::bootstrap_median_ratio(row.samples[d], row.samples[0], 0.95, 1000);
  std::sort(c.rows.begin(), c.rows.end(), [](const Row& a, const Row& b) { return a.name < b.name; });
  Means family = geomeans(c, true), implementation = geomeans(c, false);
  c.family_geomean = std::move(family.value);
  c.family_interval = std::move(family.interval);
  c.implementation_geomean = std::move(implementation.value);
  c.implementation_interval = std::move(implementation.interval);
  std::set<std::string> impls;
  for (const results::ResultsDir& d : dirs)
    for (const results::ImplementationInfo& i : d.implementations) impls.insert(i.name);
  for (const std::string& impl : impls)
    for (const results::ResultsDir& d : dirs) c.availability[impl].push_back(availability(d, impl));
  for (std::size_t d = 1; d < dirs.size(); ++d) {
    for (const std::string& diff : results::machine_differences(dirs[0], dirs[d]))
      c.warnings.push_back(fmt::format("{} differs from A: {}", letter(d), diff));
    for (const std::string& diff : results::condition_differences(dirs[0], dirs[d]))
      c.warnings.push_back(fmt::format("{} was measured differently from A: {}", letter(d), diff));
  }
  return c;
}

// Plain text for the terminal: every name from the results is escaped.
std::string compare_text(const Comparison& c) {
  using escape::terminal;
  std::string s;
  for (std::size_t d = 0; d < c.dirs.size(); ++d) s += fmt::format("{}: {}\n", letter(d), terminal(c.dirs[d]->path.string()));
  for (const std::string& w : c.warnings) s += "warning: " + terminal(w) + "\n";
  using Intervals = std::map<std::string, std::vector<std::optional<stats::Interval>>>;
  const auto table = [&](const std::string& title, const std::map<std::string, std::vector<std::optional<double>>>& g,
                         const Intervals& intervals) {
    s += fmt::format("\n{:<40}", title);
    for (std::size_t d = 1; d < c.dirs.size(); ++d) s += fmt::format(" {:>30}", letter(d) + "/A");
    s += "\n";
    for (const auto& [key, values] : g) {
      s += fmt::format("{:<40}", terminal(key));
      for (std::size_t d = 1; d < values.size(); ++d) s += fmt::format(" {:>30}", ratio_text(values[d], intervals.at(key)[d]));
      s += "\n";
    }
  };
  table("family (geometric mean of speed ratios)", c.family_geomean, c.family_interval);
  table("implementation (geometric mean)", c.implementation_geomean, c.implementation_interval);
  s += fmt::format("\n{:<16}", "implementation");
  for (std::size_t d = 0; d < c.dirs.size(); ++d) s += fmt::format(" {:<24}", letter(d));
  s += "\n";
  for (const auto& [impl, per_dir] : c.availability) {
    s += fmt::format("{:<16}", terminal(impl));
    for (const std::string& a : per_dir) s += fmt::format(" {:<24}", a.size() > 24 ? terminal(a.substr(0, 21)) + "..." : terminal(a));
    s += "\n";
  }
  s += fmt::format("\n{:<48}", "benchmark (rate; ratio to A)");
  for (std::size_t d = 0; d < c.dirs.size(); ++d) s += fmt::format(" {:>20}", letter(d));
  s += "\n";
  for (const Row& row : c.rows) {
    s += fmt::format("{:<48}", terminal(row.name));
    for (std::size_t d = 0; d < c.dirs.size(); ++d) s += fmt::format(" {:>20}", cell_text(row, d));
    s += "\n";
  }
  return s;
}

std::string compare_html(const Comparison& c) {
  using html::escape;
  report::ChartSet charts;
  std::string body = "<h1>maskbench comparison</h1>\n<table>\n<tr><th></th>";
  for (std::size_t d = 0; d < c.dirs.size(); ++d) body += fmt::format("<th>{}: {}</th>", letter(d), escape(c.dirs[d]->path.string()));
  body += "</tr>\n";
  std::vector<std::vector<std::pair<std::string, std::string>>> facts;
  for (const results::ResultsDir* d : c.dirs) facts.push_back(report::machine_facts(*d));
  for (std::size_t f = 0; f < facts[0].size(); ++f) {
    body += fmt::format("<tr><th>{}</th>", escape(facts[0][f].first));
    for (const auto& per_dir : facts) body += fmt::format("<td>{}</td>", escape(per_dir[f].second));
    body += "</tr>\n";
  }
  body += "</table>\n";
  for (const std::string& w : c.warnings) body += fmt::format("<p class=\"warning\">warning: {}</p>\n", escape(w));
  const auto geomean_section = [&](const std::string& title, const std::map<std::string, std::vector<std::optional<double>>>& g,
                                    const std::map<std::string, std::vector<std::optional<stats::Interval>>>& intervals) {
    body += fmt::format("<h2>{}</h2>\n<table>\n<tr><th></th>", escape(title));
    for (std::size_t d = 1; d < c.dirs.size(); ++d) body += fmt::format("<th>{}/A</th>", letter(d));
    body += "</tr>\n";
    nlohmann::json labels = nlohmann::json::array(), datasets = nlohmann::json::array();
    for (std::size_t d = 1; d < c.dirs.size(); ++d) datasets.push_back({{"label", letter(d) + "/A"}, {"points", nlohmann::json::array()}, {"invalid", false}});
    for (const auto& [key, values] : g) {
      body += fmt::format("<tr><th>{}</th>", escape(key));
      labels.push_back(key);
      for (std::size_t d = 1; d < values.size(); ++d) {
        body += fmt::format("<td class=\"num\">{}</td>", ratio_text(values[d], intervals.at(key)[d]));
        datasets[d - 1]["points"].push_back(values[d] ? nlohmann::json(*values[d]) : nlohmann::json());
      }
      body += "</tr>\n";
    }
    body += "</table>\n";
    body += charts.add({{"type", "bar"}, {"title", title}, {"ylabel", "speed relative to A"}, {"labels", labels}, {"datasets", datasets}});
  };
  geomean_section("Geometric mean per family", c.family_geomean, c.family_interval);
  geomean_section("Geometric mean per implementation", c.implementation_geomean, c.implementation_interval);
  body += "<h2>Implementations</h2>\n<table>\n<tr><th>implementation</th>";
  for (std::size_t d = 0; d < c.dirs.size(); ++d) body += fmt::format("<th>{}</th>", letter(d));
  body += "</tr>\n";
  for (const auto& [impl, per_dir] : c.availability) {
    body += fmt::format("<tr><th>{}</th>", escape(impl));
    for (const std::string& a : per_dir)
      body += fmt::format("<td class=\"{}\">{}</td>", a == "runs" ? "pass" : a == "fails conformance" ? "fail" : "skip", escape(a));
    body += "</tr>\n";
  }
  body += "</table>\n<h2>Benchmarks</h2>\n<p>Median rate; the ratio is the speed relative to A (above 1: faster), "
          "with its 95% bootstrap interval from the repetitions. \"(noise)\": the interval holds 1, so the runs do not "
          "differ beyond their own repetition-to-repetition noise.</p>\n<table>\n<tr><th>benchmark</th>";
  for (std::size_t d = 0; d < c.dirs.size(); ++d) body += fmt::format("<th>{}</th>", letter(d));
  body += "</tr>\n";
  for (const Row& row : c.rows) {
    body += fmt::format("<tr><th>{}</th>", escape(row.name));
    for (std::size_t d = 0; d < c.dirs.size(); ++d)
      body += fmt::format("<td class=\"num{}\">{}</td>", row.invalid[d] ? " invalid" : "", escape(cell_text(row, d)));
    body += "</tr>\n";
  }
  body += "</table>\n";
  body += report::code_differences(c.dirs);
  return page::assemble("maskbench comparison", body, {{"charts", charts.specs()}});
}

}  // namespace maskbench::compare

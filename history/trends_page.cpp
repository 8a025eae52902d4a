#include "trends_page.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "chart_set.hpp"
#include "format.hpp"
#include "html.hpp"
#include "page.hpp"
#include "stable_sort.hpp"

namespace maskbench::history {
namespace {

using report::ChartSet;

constexpr std::size_t kLatestRows = 20;
constexpr std::size_t kShortCommit = 12;

std::string e(std::string_view s) { return html::escape(s); }

std::string signed_percent(double ratio) {
  const std::string p = format::percent(std::abs(ratio - 1), 1);
  return (ratio >= 1 ? "+" : "\u2212") + p;
}

std::string machine_title(const MachineHistory& m) {
  return fmt::format("{} ({}, {})", m.brand, m.microarchitecture, m.architecture);
}

std::string anchor(std::size_t machine, const std::string& group) { return fmt::format("m{}-{}", machine, group); }

std::string commit_label(const CommitColumn& c) {
  return fmt::format("{} {}", c.commit.substr(0, kShortCommit), c.date.substr(0, 10));
}

// A change point or a latest-against-previous change, for the tables on top.
struct Change {
  std::size_t machine;
  const Series* series;
  std::size_t at;  // commit column
  double ratio;
  double p_value;  // 0 where not a test's (latest against previous)
};

std::string change_row(const Trends& t, const Change& c, bool with_p) {
  const MachineHistory& m = t.machines[c.machine];
  const CommitColumn& col = m.commits[c.at];
  std::string s = fmt::format(
      "<tr class=\"{}\"><td>{}</td><td><a href=\"#{}\">{}</a></td><td>{}</td><td><code>{}</code></td><td>{}</td>"
      "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
      c.ratio < 1 ? "regression" : "improvement", e(machine_title(m)), e(anchor(c.machine, c.series->group)),
      e(c.series->group), e(c.series->implementation), e(col.commit.substr(0, kShortCommit)), e(col.date),
      format::times(c.ratio), signed_percent(c.ratio));
  if (with_p) s += fmt::format("<td class=\"num\">{:.4f}</td>", c.p_value);
  return s + "</tr>\n";
}

std::string change_tables(const Trends& t, const ChangePointOptions& o) {
  std::vector<Change> steps, latest;
  for (std::size_t m = 0; m < t.machines.size(); ++m)
    for (const Series& s : t.machines[m].series) {
      for (const ChangePoint& p : s.changes) steps.push_back({m, &s, p.at, p.ratio, p.p_value});
      // The newest commit against the newest before it that has a figure.
      std::optional<std::size_t> last, before;
      for (std::size_t i = s.rate.size(); i-- > 0;)
        if (s.rate[i]) {
          if (!last)
            last = i;
          else {
            before = i;
            break;
          }
        }
      if (last && before && *last + 1 == t.machines[m].commits.size())
        latest.push_back({m, &s, *last, *s.rate[*last] / *s.rate[*before], 0});
    }
  // A ratio of two zero rates is NaN: it ranks as no change, so that the
  // order stays a strict weak one.
  const auto size = [](const Change& c) { return std::isnan(c.ratio) ? 0.0 : std::abs(std::log(c.ratio)); };
  const auto by_size = [&](const Change& a, const Change& b) { return size(a) > size(b); };
  stable_sort_by(steps, by_size);
  stable_sort_by(latest, by_size);

  const char* head =
      "<tr><th>machine</th><th>benchmark</th><th>implementation</th><th>commit</th><th>date</th><th>rate after / "
      "before</th><th>change</th>";
  std::string s = "<h2 id=\"changes\">Change points</h2>\n";
  s += fmt::format(
      "<p>Steps found in each benchmark's rate over the commits (binary segmentation, a permutation test of the "
      "largest t over the splits at alpha {}, at least {} commits on each side; history/change_points.hpp says "
      "why). The commit is the first one after the step; the size compares the medians of the commits between the "
      "neighbouring steps; p is the permutation test's (the smallest possible is 1 / (permutations + 1)).</p>\n",
      o.alpha, o.min_segment);
  if (steps.empty()) {
    s += "<p>No change point in any series.</p>\n";
  } else {
    s += fmt::format("<table>\n{}<th>p</th></tr>\n", head);
    for (const Change& c : steps) s += change_row(t, c, true);
    s += "</table>\n";
  }
  s += "<h2 id=\"latest\">Largest changes at the newest commit</h2>\n";
  if (latest.empty()) {
    s += "<p>No series has two commits yet.</p>\n";
  } else {
    s += fmt::format(
        "<p>The newest commit's rate against the commit before it, the {} largest changes of {} series. One commit "
        "is one sample: a change here that is not a change point above may be noise.</p>\n<table>\n{}</tr>\n",
        std::min(kLatestRows, latest.size()), latest.size(), head);
    for (std::size_t i = 0; i < latest.size() && i < kLatestRows; ++i) s += change_row(t, latest[i], false);
    s += "</table>\n";
  }
  return s;
}

std::string commits_table(const MachineHistory& m) {
  std::string s = "<details><summary>" + std::to_string(m.commits.size()) +
                  " commits, in order</summary>\n<table>\n<tr><th>#</th><th>commit</th><th>date</th><th>runs</th>"
                  "<th>compiler</th><th>benchmark mode</th></tr>\n";
  const auto join = [](const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& x : v) out += (out.empty() ? "" : ", ") + e(x);
    return out;
  };
  for (std::size_t i = 0; i < m.commits.size(); ++i) {
    const CommitColumn& c = m.commits[i];
    s += fmt::format("<tr><td class=\"num\">{}</td><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td><td>{}</td>"
                     "<td>{}</td></tr>\n",
                     i, e(c.commit), e(c.date), c.runs, join(c.compilers), join(c.modes));
  }
  return s + "</table>\n</details>\n";
}

// One chart per group: a line per implementation over the commits, the change
// points as markers; a bar chart where the machine has one commit.
std::string group_chart(const MachineHistory& m, const std::vector<const Series*>& members, ChartSet& charts) {
  nlohmann::json datasets = nlohmann::json::array();
  if (m.commits.size() < 2) {
    nlohmann::json labels = nlohmann::json::array(), values = nlohmann::json::array();
    for (const Series* s : members)
      if (s->rate[0]) {
        labels.push_back(s->implementation);
        values.push_back(*s->rate[0] / 1e6);
      }
    if (labels.empty()) return "<p class=\"small\">No valid figure.</p>\n";
    return charts.add({{"type", "bar"},
                       {"title", "rate at the only commit"},
                       {"ylabel", "M items/s"},
                       {"labels", labels},
                       {"datasets", nlohmann::json::array({{{"label", "rate"}, {"points", values}}})}});
  }
  nlohmann::json markers = nlohmann::json::array();
  for (const Series* s : members) {
    nlohmann::json points = nlohmann::json::array();
    for (std::size_t i = 0; i < s->rate.size(); ++i)
      if (s->rate[i]) points.push_back({{"x", i}, {"y", *s->rate[i] / 1e6}});
    if (points.empty()) continue;
    datasets.push_back({{"label", s->implementation + (s->peer ? " (peer)" : "")}, {"points", points}});
    for (const ChangePoint& p : s->changes)
      if (s->rate[p.at]) markers.push_back({{"x", p.at}, {"y", *s->rate[p.at] / 1e6}});
  }
  if (datasets.empty()) return "<p class=\"small\">No valid figure.</p>\n";
  if (!markers.empty()) datasets.push_back({{"label", "change point"}, {"points", markers}, {"marker", true}});
  nlohmann::json ticks = nlohmann::json::array();
  for (const CommitColumn& c : m.commits) ticks.push_back(commit_label(c));
  return charts.add({{"type", "line"},
                     {"title", "rate over the commits"},
                     {"xlabel", "commit"},
                     {"ylabel", "M items/s"},
                     {"xticks", ticks},
                     {"datasets", datasets}});
}

std::string machine_section(const Trends& t, std::size_t mi, ChartSet& charts) {
  const MachineHistory& m = t.machines[mi];
  std::string s = fmt::format("<h2 id=\"m{}\">{}</h2>\n<dl class=\"card\">\n", mi, e(machine_title(m)));
  std::string hosts;
  for (const std::string& h : m.hosts) hosts += (hosts.empty() ? "" : ", ") + e(h);
  s += fmt::format("<dt>usable features</dt><dd>{}</dd>\n<dt>hosts</dt><dd>{}</dd>\n</dl>\n", e(m.features), hosts);
  s += commits_table(m);
  std::map<std::string, std::vector<const Series*>> groups;
  for (const Series& x : m.series) groups[x.group].push_back(&x);
  for (const auto& [group, members] : groups) {
    std::size_t steps = 0;
    for (const Series* x : members) steps += x->changes.size();
    s += fmt::format("<h3 id=\"{}\">{}</h3>\n", e(anchor(mi, group)), e(group));
    if (steps > 0) s += fmt::format("<p>{} change point{}.</p>\n", steps, steps == 1 ? "" : "s");
    s += "<div class=\"charts\">" + group_chart(m, members, charts) + "</div>\n";
  }
  return s;
}

}  // namespace

std::string trends_html(const Trends& t, const std::string& source, const ChangePointOptions& options) {
  ChartSet charts;
  std::size_t commits = 0, series = 0;
  for (const MachineHistory& m : t.machines) {
    commits += m.commits.size();
    series += m.series.size();
  }
  std::string body = fmt::format(
      "<h1>maskbench history</h1>\n<p>{} runs from <code>{}</code>: {} machine{}, {} commit columns, {} series, {} "
      "conformance outcomes. Each point is a commit's rate: the median over its runs of each run's median over "
      "the repetitions; runs that failed conformance, or measured a benchmark not validly, leave it out.</p>\n",
      t.runs, e(source), t.machines.size(), t.machines.size() == 1 ? "" : "s", commits, series, t.verdicts);
  body += change_tables(t, options);
  for (std::size_t m = 0; m < t.machines.size(); ++m) body += machine_section(t, m, charts);
  return page::assemble("maskbench history", body, {{"charts", charts.specs()}});
}

}  // namespace maskbench::history

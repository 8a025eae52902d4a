#include "trends.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "analysis.hpp"
#include "stable_sort.hpp"
#include "stats.hpp"

namespace maskbench::history {
namespace {

void add_distinct(std::vector<std::string>& to, const std::string& v) {
  if (std::find(to.begin(), to.end(), v) == to.end()) to.push_back(v);
}

std::string group_of(const results::Benchmark& b) {
  const std::string params = analysis::other_params(b, {});
  return b.family + "/" + b.kernel + (params.empty() ? "" : "/" + params);
}

}  // namespace

Trends trends(const Contents& c, const ChangePointOptions& options) {
  Trends t;
  t.runs = c.runs.size();
  t.verdicts = c.verdicts;
  std::map<std::int64_t, const Run*> run_of;
  for (const Run& r : c.runs) run_of[r.id] = &r;

  // Machines in order of first run; per machine the commits by date, a
  // commit's date being its own where recorded, else its first run's.
  std::map<std::string, std::size_t> machine_at;
  std::vector<std::map<std::string, std::size_t>> commit_at;  // per machine: commit -> column, before sorting
  for (const Run& r : c.runs) {
    auto [m, fresh] = machine_at.try_emplace(r.machine, t.machines.size());
    if (fresh) {
      t.machines.push_back({r.machine, r.brand, r.microarchitecture, r.architecture, r.features, {}, {}, {}});
      commit_at.emplace_back();
    }
    MachineHistory& mh = t.machines[m->second];
    add_distinct(mh.hosts, r.host);
    auto [col, new_commit] = commit_at[m->second].try_emplace(r.commit, mh.commits.size());
    if (new_commit) mh.commits.push_back({r.commit, r.order_date(), 0, {}, {}});
    CommitColumn& cc = mh.commits[col->second];
    ++cc.runs;
    cc.date = std::min(cc.date, r.order_date());
    add_distinct(cc.compilers, r.compiler);
    add_distinct(cc.modes, r.mode);
  }
  ChangePointDetector detector(options);
  std::vector<std::vector<std::size_t>> column_of(t.machines.size());  // first-seen column -> sorted column
  for (std::size_t m = 0; m < t.machines.size(); ++m) {
    std::vector<std::size_t> order(t.machines[m].commits.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    const auto& cols = t.machines[m].commits;
    stable_sort_by(order, [&](std::size_t a, std::size_t b) { return cols[a].date < cols[b].date; });
    std::vector<CommitColumn> sorted;
    column_of[m].resize(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      column_of[m][order[i]] = i;
      sorted.push_back(cols[order[i]]);
    }
    t.machines[m].commits = std::move(sorted);
  }

  // Per (machine, benchmark): the run medians per column.
  struct Cells {
    const results::Benchmark* first = nullptr;
    std::vector<std::vector<double>> rates;
    std::vector<bool> invalid;
  };
  std::vector<std::map<std::string, Cells>> cells(t.machines.size());
  for (const Figure& f : c.figures) {
    const Run& r = *run_of.at(f.run_id);
    const std::size_t m = machine_at.at(r.machine);
    const std::size_t col = column_of[m][commit_at[m].at(r.commit)];
    Cells& cl = cells[m][f.benchmark.name];
    if (cl.first == nullptr) {
      cl.first = &f.benchmark;
      cl.rates.resize(t.machines[m].commits.size());
      cl.invalid.resize(t.machines[m].commits.size());
    }
    if (f.valid && !f.benchmark.cpu_time_ns.empty())
      cl.rates[col].push_back(analysis::rate(f.benchmark));
    else
      cl.invalid[col] = true;
  }
  for (std::size_t m = 0; m < t.machines.size(); ++m) {
    for (auto& [name, cl] : cells[m]) {
      Series s;
      s.name = name;
      s.group = group_of(*cl.first);
      s.implementation = cl.first->implementation;
      s.peer = cl.first->peer;
      s.invalid = cl.invalid;
      std::vector<double> logs;
      std::vector<std::size_t> where;
      for (std::size_t col = 0; col < cl.rates.size(); ++col) {
        if (cl.rates[col].empty()) {
          s.rate.emplace_back();
          continue;
        }
        const double v = stats::median(cl.rates[col]);
        s.rate.emplace_back(v);
        if (v > 0 && std::isfinite(v)) {
          logs.push_back(std::log(v));
          where.push_back(col);
        }
      }
      for (ChangePoint p : detector.find(logs)) {
        p.at = where[p.at];
        s.changes.push_back(p);
      }
      t.machines[m].series.push_back(std::move(s));
    }
    stable_sort_by(t.machines[m].series, [](const Series& a, const Series& b) {
      return std::tie(a.group, a.peer, a.implementation) < std::tie(b.group, b.peer, b.implementation);
    });
  }
  return t;
}

}  // namespace maskbench::history

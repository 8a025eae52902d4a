#pragma once
// What `maskbench history report` derives from the history: per machine, the
// commits in order and, per benchmark, the rate at each commit (the median
// over that commit's runs of each run's median rate), with its change points.
#include <optional>
#include <string>
#include <vector>

#include "change_points.hpp"
#include "history_db.hpp"

namespace maskbench::history {

struct CommitColumn {
  std::string commit;
  std::string date;  // the commit's date, or its first run's where the runs predate commit dates
  std::size_t runs = 0;
  std::vector<std::string> compilers, modes;  // distinct, in order of first appearance
};

struct Series {
  std::string name;            // the benchmark name
  std::string group;           // <family>/<kernel>[/<params>]: one chart, one line per implementation
  std::string implementation;  // results::kNoImplementation for a machine probe
  bool peer = false;
  // Per commit column: the rate (items/s, or iterations/s where the benchmark
  // reports no items) from the valid runs, and whether a run there failed
  // conformance or was not measured validly.
  std::vector<std::optional<double>> rate;
  std::vector<bool> invalid;
  // Positions are commit columns (not indexes into the measured points).
  std::vector<ChangePoint> changes;
};

struct MachineHistory {
  std::string key, brand, microarchitecture, architecture, features;
  std::vector<std::string> hosts;
  std::vector<CommitColumn> commits;  // in commit order
  std::vector<Series> series;         // by group, then implementation
};

struct Trends {
  std::vector<MachineHistory> machines;
  std::size_t runs = 0, verdicts = 0;
};

Trends trends(const Contents& c, const ChangePointOptions& options = {});

}  // namespace maskbench::history

#pragma once
// `maskbench compare`: two or more results directories side by side. Ratios
// are speeds relative to the first directory (rate / rate of the first: above
// 1 is faster), per benchmark and as geometric means per family and per
// implementation over the benchmarks that are valid on both sides.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "results.hpp"
#include "stats.hpp"

namespace maskbench::compare {

struct Row {
  std::string name, family, implementation;
  std::vector<std::optional<double>> rate;  // per directory; empty where not measured
  std::vector<bool> invalid;                // per directory: fails conformance there
  std::optional<double> ratio(std::size_t dir) const;  // rate[dir] / rate[0] where both are valid
  // Per directory, the 95% bootstrap interval of that ratio from the two
  // runs' repetitions (stats::bootstrap_median_ratio), where both have at
  // least two; an interval holding 1 is a difference within the noise.
  std::vector<std::optional<stats::Interval>> interval;
  std::vector<std::vector<double>> samples;  // per directory, the rate of each repetition
  bool significant(std::size_t dir) const { return interval[dir] && (interval[dir]->lo > 1 || interval[dir]->hi < 1); }
};

struct Comparison {
  std::vector<const results::ResultsDir*> dirs;
  std::vector<Row> rows;
  std::map<std::string, std::vector<std::optional<double>>> family_geomean, implementation_geomean;
  // Their 95% bootstrap intervals (stats::bootstrap_geomean_ratio), where
  // every benchmark of the mean has at least two repetitions on both sides.
  std::map<std::string, std::vector<std::optional<stats::Interval>>> family_interval, implementation_interval;
  // implementation -> per directory: "runs", "skipped: <reason>", "fails conformance" or "absent"
  std::map<std::string, std::vector<std::string>> availability;
  std::vector<std::string> warnings;  // machines or builds that differ from the first
};

Comparison compare(const std::vector<results::ResultsDir>& dirs);
std::string compare_text(const Comparison& c);
std::string compare_html(const Comparison& c);

}  // namespace maskbench::compare

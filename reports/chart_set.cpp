#include "chart_set.hpp"

#include <fmt/format.h>

namespace maskbench::report {

std::string ChartSet::add(nlohmann::json spec) {
  specs_.push_back(std::move(spec));
  return fmt::format("<canvas id=\"chart-{}\" width=\"860\" height=\"440\"></canvas>\n", specs_.size() - 1);
}

}  // namespace maskbench::report

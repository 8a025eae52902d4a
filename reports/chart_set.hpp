#pragma once
// Charts of a page: each add() returns the <canvas> to place in the body and
// records the chart's spec, which report.js draws with Chart.js.
#include <string>

#include <nlohmann/json.hpp>

namespace maskbench::report {

class ChartSet {
 public:
  // spec: {type: "line"|"bar", title, xlabel, ylabel, logx, logy, labels (bar),
  //        datasets: [{label, points: [{x, y}] or [y...] (bar), invalid}]}
  std::string add(nlohmann::json spec);
  const nlohmann::json& specs() const { return specs_; }

 private:
  nlohmann::json specs_ = nlohmann::json::array();
};

}  // namespace maskbench::report

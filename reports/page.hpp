#pragma once
// A self-contained HTML page: the report's CSS and script (embedded in the
// binary at build time from reports/report.css and reports/report.js),
// Chart.js (read at generation time from Debian's libjs-chart.js) and the
// data, all inline, so the file works offline and fetches nothing.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace maskbench::page {

// Where Chart.js is looked for, in order: $MASKBENCH_CHARTJS if set, then
// Debian's libjs-chart.js files (chart.umd.min.js from Chart.js 4, chart.min.js
// from 3.x, and their unminified forms).
std::vector<std::filesystem::path> chartjs_candidates();
// The first candidate that exists; throws std::runtime_error naming the
// package to install when none does.
std::string load_chartjs();

// `body` is trusted HTML built with html::escape; `data` is untrusted and is
// embedded with html::script_json for report.js to draw `data.charts`.
std::string assemble(const std::string& title, const std::string& body, const nlohmann::json& data);

}  // namespace maskbench::page

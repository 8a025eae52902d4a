#pragma once
// `maskbench report`: one results directory as a self-contained HTML page:
// machine card, conformance matrix, per kernel throughput against size,
// speedups and selectivity sweeps, and the roofline.
#include <string>

#include "results.hpp"

namespace maskbench::report {

std::string report_html(const results::ResultsDir& r);

}  // namespace maskbench::report

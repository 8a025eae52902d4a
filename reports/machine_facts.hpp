#pragma once
// The machine card: what a results directory says about the machine, the
// build and the measurement conditions, as (name, text) rows. The report shows
// one directory's; the comparison puts several side by side.
#include <string>
#include <utility>
#include <vector>

#include "results.hpp"

namespace maskbench::report {

std::vector<std::pair<std::string, std::string>> machine_facts(const results::ResultsDir& r);

}  // namespace maskbench::report

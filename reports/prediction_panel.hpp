#pragma once
// llvm-mca's predictions (disasm.json, reports/mca.hpp) in the report: per
// kernel, each implementation's hot loop in cycles per iteration and
// elements per cycle on each CPU model, beside the rate measured here; and
// the calibration that says how far to trust them: for llvm-mca's model of
// this machine, predicted against measured for each kernel measured at an
// L1-resident size. Every string is from the results directory and escaped
// here.
#include <optional>
#include <string>
#include <vector>

#include "results.hpp"

namespace maskbench::report {

// The elements one iteration of the loop handles (its stride over the bytes
// of the benchmark's element); nullopt where the stride is unknown.
std::optional<double> elements_per_iteration(const results::HotLoop& h);

// Elements per cycle measured here for the loop's benchmark at L1-resident
// sizes: the median of those benchmarks' median rates over the clock
// `maskbench disasm` measured; nullopt where the benchmark's items are not
// the loop's elements, or nothing was measured at L1, or the clock is unknown.
std::optional<double> measured_elements_per_cycle(const results::ResultsDir& r, const results::HotLoop& h);

// The predictions table for a kernel's loops (`name` is the kernel, the
// loops' benchmark may add "/<param>:<value>"); a line saying why where
// there are none.
std::string prediction_table(const results::ResultsDir& r, const std::vector<const results::HotLoop*>& loops,
                             const std::string& name);

// The report's section on the calibration; "" where there is no prediction.
std::string calibration_section(const results::ResultsDir& r);

}  // namespace maskbench::report

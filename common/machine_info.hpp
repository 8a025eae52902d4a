#pragma once
// What a result directory says about the machine and the build that produced
// it: the content of info.json, shared by `maskbench info`, the benchmark
// binary's context and the reports.
#include <nlohmann/json.hpp>

namespace maskbench {

// CPU, caches, features, every implementation with whether it runs here (and
// why not), the compiler and flags, the commit, the OS and the measurement
// conditions (frequency scaling, load average).
nlohmann::json machine_info_json();

}  // namespace maskbench

#pragma once
// What a result directory says about the machine and the build that produced
// it: the content of info.json, shared by `maskbench info`, the benchmark
// binary's context and the reports.
#include <string_view>

#include <nlohmann/json.hpp>

namespace maskbench {

// CPU, caches, features, every implementation with whether it runs here (and
// why not), the compiler and flags, the commit, the OS and the measurement
// conditions (frequency scaling, load average).
nlohmann::json machine_info_json();

// What cpu.vector_bits is called on `architecture`'s machine card: "SVE"
// (the set vector length) on aarch64, "VLEN" (one RVV register) on riscv64.
std::string_view vector_length_name(std::string_view architecture);
// A cache or working-set size as the machine card, `maskbench info` and
// bench.json's context print it: "48 KiB", "1.25 MiB" (3 significant digits).
std::string human_bytes(double bytes);

}  // namespace maskbench

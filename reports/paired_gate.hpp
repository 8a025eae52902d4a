#pragma once
// Reading a paired gate directory (docs: the contract in the gate section of
// the README; the layout is OUT/samples/<side>-r<round>-c<chunk>.json,
// OUT/gate-run.json, OUT/conformance.json) into per-benchmark paired rounds
// for paired_rule.hpp. Everything in it is untrusted: each problem is one
// input::InputError line naming the file and the JSON path.
//
// A round's value for a side is the fastest of that side's repetitions in
// that round (CPU time per iteration). Why the minimum: on a shared machine
// interference only ever slows a repetition down, so the fastest of a few
// short ones estimates the undisturbed time, and a burst that hits part of
// a round leaves it alone; measured under a load average of 12 on the
// 2-core development VM, 8 repetitions of 1.25 ms halved the median paired
// spread of a round against one of 10 ms (4.6% against 9.3%, 81
// benchmarks, 12 rounds, the same total time), where their median did not
// help (9.2%). Both sides use the same estimator and the side order is
// randomized, so the paired log ratio stays symmetric about the true
// shift under no change, which is all the signed-rank test needs.
//
// Under-iterated repetitions (schema::under_iterated) are counted, and kept:
// a round's fastest repetition and the rank test absorb them, and dropping
// them only cost rounds (over the 10 measured A/A gates of the README,
// a 10% slowdown was caught in 1674 benchmark-gates kept, 1649 when the
// repetitions under a tenth of the minimum time were dropped, and fewer
// at half).
// A benchmark's round is paired when
// both sides measured it in that round; a round measured on one side only
// (its other file missing) is dropped and counted, never an error.
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "paired_rule.hpp"

namespace maskbench::paired {

// Spread of one side of one benchmark, as robust standard deviations of the
// log of the time: within a round (between its repetitions, the median over
// rounds; absent with fewer than 3 repetitions) and between rounds (of the
// rounds' values, each the fastest repetition: drift included).
struct Spread {
  std::optional<double> within;
  double between = 0;
};

struct GateInput {
  std::vector<Pairs> pairs;                      // benchmarks with a paired round, by name
  std::vector<Spread> base_spread, current_spread;  // parallel to pairs
  std::vector<std::string> only_in_base, only_in_current, unpaired;
  std::size_t unpaired_samples = 0;              // (benchmark, round) measured on one side only
  std::size_t under_iterated = 0;                // repetitions under-iterated (kept)
  std::optional<double> min_time_ns;             // the gate's minimum time per repetition, where known
  std::size_t sample_files = 0;
  nlohmann::json run;                            // gate-run.json
  std::vector<std::string> conformance_failures;  // "<implementation>: <test>: <first failure>"
  std::vector<std::string> machine_differences;  // "host_name: 'a' vs 'b'"
};

// Throws input::InputError.
GateInput load_gate(const std::filesystem::path& dir);

}  // namespace maskbench::paired

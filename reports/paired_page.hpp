#pragma once
// The outputs of `maskbench paired` for one look: verdict.json, gate.md (a
// pull-request comment), gate.html (self-contained, no script), undecided.txt
// and undecided.filter, each written atomically into the gate directory, and
// the short summary for the terminal.
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "paired_gate.hpp"
#include "paired_rule.hpp"

namespace maskbench::paired {

// Everything the outputs show, computed once from the input and decision.
nlohmann::json verdict_json(const GateInput& in, const Decision& d, const Rule& rule);

// Writes the five files; throws std::runtime_error when one cannot be written.
void write_outputs(const std::filesystem::path& dir, const nlohmann::json& verdict);

// The terminal summary: every line starts with a fixed word, names are
// escaped, so no line starts with "::" (a GitHub Actions command).
std::string summary(const nlohmann::json& verdict);

// A --benchmark_filter matching exactly these names, anchored, with the
// regular-expression metacharacters escaped; "" for none.
std::string filter_for(const std::vector<std::string>& names);

}  // namespace maskbench::paired

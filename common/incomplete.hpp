#pragma once
// Results directories that an interrupted or failed ./run_all.sh left behind.
// run_all.sh keeps a file INCOMPLETE in the directory from its creation until
// every result file is written; its first line says why the run stopped and
// what is missing. Half a run must never be read as a whole one.
#include <filesystem>
#include <optional>
#include <string>

namespace maskbench::results {

// Why the run stopped, or nullopt when the directory holds no entry named
// INCOMPLETE. Any entry of that name counts; only a regular file is read (its
// first line, "no reason recorded" where empty), through the input layer and
// never blocking; for anything else (a symlink, dangling or not, a FIFO, a
// directory) the reason says what the entry is.
std::optional<std::string> incomplete_reason(const std::filesystem::path& dir);

// Throws ResultsError "<dir>: the run that wrote this directory did not
// finish (<reason>); rerun it" for an incomplete directory.
void require_complete(const std::filesystem::path& dir);

}  // namespace maskbench::results

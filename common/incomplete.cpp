#include "incomplete.hpp"

#include <fstream>

#include <fmt/format.h>

#include "results.hpp"

namespace maskbench::results {

std::optional<std::string> incomplete_reason(const std::filesystem::path& dir) {
  const std::filesystem::path marker = dir / "INCOMPLETE";
  std::error_code ec;
  if (!std::filesystem::exists(marker, ec)) return std::nullopt;
  std::ifstream in(marker);
  std::string why;
  std::getline(in, why);
  return why.empty() ? "no reason recorded" : why;
}

void require_complete(const std::filesystem::path& dir) {
  if (const std::optional<std::string> why = incomplete_reason(dir))
    throw ResultsError(
        fmt::format("{}: the run that wrote this directory did not finish ({}); rerun it", dir.string(), *why));
}

}  // namespace maskbench::results

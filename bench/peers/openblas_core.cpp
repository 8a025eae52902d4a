#include "peers/openblas_core.hpp"

#include <cblas.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>

#include <fmt/format.h>

#include "escape.hpp"

namespace maskbench::bench::peers {
namespace {

// Set in the re-executed process: what OpenBLAS had chosen before (so the
// context can say it) and, by being set, that no second exec may follow.
constexpr const char* kChoseVariable = "MASKBENCH_OPENBLAS_CHOSE";
// Why the exec failed, when it did (errno's text), for the context.
std::string g_exec_failure;

// x86 levels in OpenBLAS's terms: 0 SSE2/SSE3, 1 SSE4.2, 2 AVX, 3 AVX2 with
// FMA, 4 AVX-512. The names are those openblas_get_corename() returns for
// its DYNAMIC_ARCH targets.
struct CoreLevel {
  std::string_view name;
  int level;
};
constexpr CoreLevel kCoreLevels[] = {
    {"Katmai", 0},      {"Coppermine", 0},  {"Northwood", 0},  {"Prescott", 0},    {"Banias", 0},
    {"Atom", 0},        {"Core2", 0},       {"Penryn", 0},     {"Dunnington", 0},  {"Athlon", 0},
    {"Opteron", 0},     {"Opteron(SSE3)", 0}, {"Nano", 0},     {"Nehalem", 1},     {"Barcelona", 1},
    {"Bobcat", 1},      {"Sandybridge", 2}, {"Bulldozer", 2},  {"Piledriver", 2},  {"Steamroller", 2},
    {"Haswell", 3},     {"Zen", 3},         {"Excavator", 3},  {"SkylakeX", 4},    {"Cooperlake", 4},
    {"SapphireRapids", 4},
};
// The kernels to ask for at each of maskbench's x86 levels.
constexpr const char* kCoreForLevel[] = {nullptr, "Nehalem", nullptr, "Haswell", "SkylakeX"};

std::optional<int> core_level(std::string_view name) {
  for (const CoreLevel& c : kCoreLevels)
    if (c.name == name) return c.level;
  return std::nullopt;
}

int level_of(FeatureSet f) {
  return f.has(Feature::avx512) ? 4 : f.has(Feature::avx2) ? 3 : f.has(Feature::sse42) ? 1 : 0;
}

std::string running_core() {
  const char* name = openblas_get_corename();
  return name == nullptr ? std::string("unknown") : std::string(name);
}

}  // namespace

const char* better_openblas_kernels(std::string_view chose, FeatureSet usable) {
  const std::optional<int> level = core_level(chose);
  const int want = level_of(usable);
  return level && *level < want ? kCoreForLevel[want] : nullptr;
}

void choose_openblas_kernels(char** argv) {
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr || std::getenv(kChoseVariable) != nullptr) return;
  const std::string chose = running_core();
  const char* better = better_openblas_kernels(chose, host_cpu().usable());
  if (better == nullptr) return;
  if (setenv("OPENBLAS_CORETYPE", better, 1) != 0 || setenv(kChoseVariable, chose.c_str(), 1) != 0) return;
  execv("/proc/self/exe", argv);
  g_exec_failure = std::strerror(errno);  // only reached when the exec failed
  unsetenv("OPENBLAS_CORETYPE");
  unsetenv(kChoseVariable);
}

std::string openblas_kernels_context() {
  const std::string core = running_core();
  if (!g_exec_failure.empty())
    return fmt::format("{} (below this CPU's level; re-executing with OPENBLAS_CORETYPE failed: {})", core,
                       g_exec_failure);
  // The variables are the caller's environment: printed to the console with
  // the rest of the context, they must not move the cursor or end the line.
  const char* forced = std::getenv("OPENBLAS_CORETYPE");
  const char* chose = std::getenv(kChoseVariable);
  if (forced != nullptr && chose != nullptr)
    return fmt::format("{} (OPENBLAS_CORETYPE set by maskbench-bench: OpenBLAS chose {} for this CPU)", core,
                       escape::terminal(chose));
  if (forced != nullptr)
    return fmt::format("{} (OPENBLAS_CORETYPE={} from the environment)", core, escape::terminal(forced));
  return fmt::format("{} (OpenBLAS's own choice)", core);
}

}  // namespace maskbench::bench::peers

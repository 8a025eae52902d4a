// An architecture maskbench has no SIMD rows for: no levels, so only the
// portable rows (ARCH any in cmake/Implementations.cmake) are built and run.
#include "cpu_arch.hpp"

namespace maskbench::arch {

std::span<const FeatureInfo> features() { return {}; }
std::span<const Extension> extensions() { return {}; }
std::vector<bool> detect_extensions() { return {}; }

void identify(CpuInfo& cpu) {
  cpu.architecture = "unknown";
  cpu.vendor = "unknown";
  cpu.microarchitecture = "unknown";
  cpu.microarchitecture_source = "no CPU identification for this architecture";
  cpu.cache_source = "none";
}

}  // namespace maskbench::arch

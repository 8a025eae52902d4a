#pragma once
// What each target architecture supplies to cpu.cpp: its levels, the
// extensions they need, how to read them, and the CPU's identity. One
// cpu_<arch>.cpp is compiled per build (kernels/CMakeLists.txt).
#include <span>
#include <vector>

#include "maskbench/cpu.hpp"

namespace maskbench::arch {

// The levels in ascending order: each needs the ones before it.
std::span<const FeatureInfo> features();
// Every extension some level needs, grouped by level in ascending order.
std::span<const Extension> extensions();
// What this CPU and OS have, parallel to extensions().
std::vector<bool> detect_extensions();
// Vendor, brand, identity numbers, microarchitecture, caches, feature bits,
// vector length.
void identify(CpuInfo& cpu);

// Caches from /sys/devices/system/cpu/cpu0/cache/ (cpu_sysfs.cpp), for
// identify() where no library reads them; sets cache_source.
void read_sysfs_caches(CpuInfo& cpu);

}  // namespace maskbench::arch

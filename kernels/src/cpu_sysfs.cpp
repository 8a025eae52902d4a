// The kernel's account of the caches, for architectures where nothing else
// reads them (cpu_features 0.7 does not on aarch64; riscv64 has no
// cpu_features build on Debian 12).
#include <exception>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "cpu_arch.hpp"

namespace maskbench::arch {

void read_sysfs_caches(CpuInfo& cpu) {
  for (int index = 0; index < 8; ++index) {
    const std::string dir = fmt::format("/sys/devices/system/cpu/cpu0/cache/index{}/", index);
    std::ifstream level_file(dir + "level"), type_file(dir + "type"), size_file(dir + "size"),
        line_file(dir + "coherency_line_size");
    CacheLevel c;
    std::string type, size;
    if (!(level_file >> c.level) || !(type_file >> type) || !(size_file >> size)) break;
    if (!(line_file >> c.line_bytes)) c.line_bytes = 0;
    c.type = type == "Data" ? "data" : type == "Instruction" ? "instruction" : type == "Unified" ? "unified" : "";
    std::int64_t scale = 1;
    if (!size.empty() && (size.back() == 'K' || size.back() == 'M')) {
      scale = size.back() == 'K' ? 1024 : 1024 * 1024;
      size.pop_back();
    }
    try {
      c.size_bytes = std::stoll(size) * scale;
    } catch (const std::exception&) {
      continue;
    }
    if (!c.type.empty() && c.size_bytes > 0) cpu.caches.push_back(c);
  }
  cpu.cache_source = cpu.caches.empty() ? "none" : "sysfs";
}

}  // namespace maskbench::arch

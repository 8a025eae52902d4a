// 64-bit RISC-V: RV64GC is the baseline; the V extension (RVV 1.0) is read
// from the kernel's HWCAP bits in the auxiliary vector, which Linux sets only
// where it also saves the vector state, VLEN from the vlenb register, the
// identity from /proc/cpuinfo where the kernel writes one, caches from sysfs.
// Debian 12 has no cpu_features build for riscv64, and cpu_features 0.7 has
// no RISC-V support at all.
#include <sys/auxv.h>

#include <exception>
#include <fstream>
#include <string>
#include <string_view>

#include "cpu_arch.hpp"

namespace maskbench::arch {
namespace {

constexpr FeatureInfo kFeatures[] = {
    {Feature::rvv, "rvv", "rv64gcv"},
};

// HWCAP has one bit per single-letter extension: bit ('x' - 'a') for x.
constexpr unsigned long hwcap_bit(char letter) { return 1ul << (letter - 'a'); }

// What clang's -march=rv64gcv adds to rv64gc: V, which holds Zve32f/Zve64d
// and Zvl128b (VLEN >= 128) in one letter.
constexpr Extension kExtensions[] = {
    {"v", Feature::rvv, "__riscv_vector __riscv_v"},
};

// The single-letter extensions Linux reports, for the machine card.
constexpr std::string_view kLetters = "imafdcv";

// VLEN in bits. Only called where HWCAP has V: vlenb does not exist without it.
int vlen_bits() {
  unsigned long vlenb = 0;
  asm volatile(
      ".option push\n"
      ".option arch, +v\n"
      "csrr %0, vlenb\n"
      ".option pop\n"
      : "=r"(vlenb));
  return static_cast<int>(vlenb * 8);
}

// "key : value" lines of /proc/cpuinfo for the first hart; empty where the
// kernel (or qemu-user, which shows the host's) writes no such key.
std::string cpuinfo_value(std::string_view key) {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) break;  // the first hart's block ends here
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string_view k(line.data(), colon);
    while (!k.empty() && (k.back() == ' ' || k.back() == '\t')) k.remove_suffix(1);
    if (k != key) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    return value;
  }
  return {};
}

int parse_id(const std::string& text) {
  try {
    return static_cast<int>(std::stoll(text, nullptr, 0));
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

std::span<const FeatureInfo> features() { return kFeatures; }
std::span<const Extension> extensions() { return kExtensions; }

std::vector<bool> detect_extensions() {
  const unsigned long hwcap = getauxval(AT_HWCAP);
  std::vector<bool> has;
  for (const Extension& e : kExtensions) has.push_back((hwcap & hwcap_bit(e.name[0])) != 0);
  return has;
}

void identify(CpuInfo& cpu) {
  cpu.architecture = "riscv64";
  const unsigned long hwcap = getauxval(AT_HWCAP);
  for (const char letter : kLetters) cpu.cpuid_flags.emplace_back(std::string(1, letter), (hwcap & hwcap_bit(letter)) != 0);
  if ((hwcap & hwcap_bit('v')) != 0) cpu.vector_bits = vlen_bits();
  // mvendorid is the JEDEC vendor code, marchid and mimpid the vendor's own.
  const std::string vendor = cpuinfo_value("mvendorid"), arch_id = cpuinfo_value("marchid"),
                    uarch = cpuinfo_value("uarch"), isa = cpuinfo_value("isa");
  cpu.vendor = vendor.empty() ? "unknown" : "mvendorid " + vendor;
  cpu.family = parse_id(vendor);
  cpu.model = parse_id(arch_id);
  cpu.stepping = parse_id(cpuinfo_value("mimpid"));
  cpu.brand = isa.empty() ? "unknown" : isa;
  cpu.microarchitecture = uarch.empty() ? "RISCV64_UNKNOWN" : uarch;
  cpu.microarchitecture_source = uarch.empty() ? "no uarch line in /proc/cpuinfo" : "/proc/cpuinfo uarch";
  read_sysfs_caches(cpu);
}

}  // namespace maskbench::arch

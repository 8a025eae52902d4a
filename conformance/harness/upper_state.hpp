#pragma once
// Whether a kernel returned with the upper halves of ymm0-15 or zmm0-15 in
// use. A function that used them must clear them (vzeroupper) before it
// returns: otherwise every SSE instruction of its caller carries a dependency
// on the stale upper bits (and, on older Intel cores, a state transition),
// which cost the compress kernels 160 ns a call. Compilers insert the
// vzeroupper, except where a function's vector argument or a tail call keeps
// the state live, so the binary, not the source, is what is checked: the
// harness clears the state before a case and reads XINUSE (XGETBV with
// ECX = 1) after it. The harness is compiled without AVX and glibc's vector
// routines clear what they use, so only the kernel can have set the bits.
#include <cstdint>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace maskbench::conformance {

#if defined(__x86_64__)
// XINUSE's components: YMM_Hi128 (bit 2), the upper halves of ymm0-15, and
// ZMM_Hi256 (bit 6), the upper 256 bits of zmm0-15. zmm16-31 (Hi16_ZMM) are
// not read by SSE instructions and need no clearing.
inline constexpr std::uint64_t kDirtyUpper = (1u << 2) | (1u << 6);

inline std::uint64_t xinuse() {
  std::uint32_t lo = 0, hi = 0;
  asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(1u));
  return std::uint64_t{hi} << 32 | lo;
}

// AVX enabled by the OS, XGETBV with ECX = 1 (CPUID leaf 0xD, subleaf 1,
// EAX bit 2), and XINUSE that tracks the upper halves: set once ymm0's are
// all ones, clear after vzeroupper. A CPU or hypervisor may report a
// component in use whenever it cannot tell (qemu's TCG reports every one),
// and the check is then off rather than wrong; so it is without the
// instruction (qemu-user's older CPU models).
inline bool upper_state_readable() {
  static const bool readable = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE) || !(c & bit_AVX)) return false;
    if (!__get_cpuid_count(0xd, 1, &a, &b, &c, &d) || !(a & (1u << 2))) return false;
    asm volatile("vpcmpeqd %%ymm0, %%ymm0, %%ymm0" ::: "xmm0");
    const bool set = (xinuse() & kDirtyUpper) != 0;
    asm volatile("vzeroupper" ::: "memory");
    return set && (xinuse() & kDirtyUpper) == 0;
  }();
  return readable;
}

inline void clear_upper_state() {
  if (upper_state_readable()) asm volatile("vzeroupper" ::: "memory");
}

inline bool upper_state_dirty() { return upper_state_readable() && (xinuse() & kDirtyUpper) != 0; }
#else
// Other architectures have no such state.
inline bool upper_state_readable() { return false; }
inline void clear_upper_state() {}
inline bool upper_state_dirty() { return false; }
#endif

}  // namespace maskbench::conformance

#pragma once
// AVX-512 lanes and stores of the compress family over the level's ops
// (compress, expand and arbitrary-mask memory ops included), shared by the
// avx512 and avx512-vbmi2 sources.
#include <array>
#include <bit>
#include <string_view>

#include "compress/bytes16.hpp"
#include "compress/kernels32.hpp"
#include "maskbench/cpu.hpp"
#include "simd/ops.hpp"

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp
namespace compress {

using O = simd::Ops;

// Masks of the first k lanes, k = 0..16, as a table: read straight into a
// mask register, it costs a load instead of a shift and a move to k.
alignas(64) inline constexpr auto kFirst16 = [] {
  std::array<std::uint16_t, 17> t{};
  for (std::size_t k = 0; k <= 16; ++k) t[k] = static_cast<std::uint16_t>((1u << k) - 1);
  return t;
}();

// Vectors are f32 even for i32 lanes: the f32 compare then reads its operand
// straight from the load, and vcompressps moves i32 lanes bit for bit.
struct Lanes512 {
  using T = std::uint32_t;
  static constexpr std::size_t W = O::W;
  using V = O::V;
  using M = O::M;

  static M first(std::size_t k) { return kFirst16[k]; }
  static V load(const T* p) { return O::loadu(reinterpret_cast<const float*>(p)); }
  static V load_tail(const T* p, std::size_t k) { return O::load_masked(first(k), reinterpret_cast<const float*>(p)); }
  static std::size_t count(M m) { return O::count(m); }
  static M keep_first(M m, std::size_t k) { return O::m_and(m, first(k)); }
  static V set1_f32(float t) { return O::set1(t); }
  static simde__m512i set1_i32(std::int32_t t) { return simde_mm512_set1_epi32(t); }
  static M gt_f32(V v, V t) { return O::gt(v, t); }
  static M gt_i32(V v, simde__m512i t) { return simde_mm512_cmpgt_epi32_mask(simde_mm512_castps_si512(v), t); }
  static V next_index(V v) {
    return simde_mm512_castsi512_ps(simde_mm512_add_epi32(simde_mm512_castps_si512(v), simde_mm512_set1_epi32(W)));
  }
  static V index(std::size_t i) {
    return simde_mm512_castsi512_ps(simde_mm512_add_epi32(simde_mm512_load_si512(kIota<16>.data()),
                                                          simde_mm512_set1_epi32(static_cast<std::int32_t>(i))));
  }
};

// vcompress into a register, then a store of the first count lanes (masked
// for exact, whole for full).
struct RegisterStore {
  template <class Out>
  static std::size_t full(Out* out, O::V v, O::M m) {
    O::storeu(reinterpret_cast<float*>(out), O::compress(m, v));
    return O::count(m);
  }
  template <class Out>
  static std::size_t exact(Out* out, O::V v, O::M m) {
    const std::size_t count = O::count(m);
    O::store_masked(reinterpret_cast<float*>(out), Lanes512::first(count), O::compress(m, v));
    return count;
  }
  template <class Out>
  static void all(Out* out, O::V v) {
    O::storeu(reinterpret_cast<float*>(out), v);
  }
};

// vcompress with a memory destination: writes exactly the selected lanes.
struct MemoryStore {
  template <class Out>
  static std::size_t exact(Out* out, O::V v, O::M m) {
    O::compress_store(reinterpret_cast<float*>(out), m, v);
    return O::count(m);
  }
  template <class Out>
  static std::size_t full(Out* out, O::V v, O::M m) {
    return exact(out, v, m);
  }
  template <class Out>
  static void all(Out* out, O::V v) {
    O::storeu(reinterpret_cast<float*>(out), v);
  }
};

using Register512 = Kernels32<Lanes512, RegisterStore, false>;
using RegisterAhead512 = Kernels32<Lanes512, RegisterStore, true>;
using Memory512 = Kernels32<Lanes512, MemoryStore, false>;

// The 32-bit kernels of the table: every form as a variant, and the one this
// CPU runs. The memory form is microcoded on AMD Zen 4 (family 0x19, about
// 142 cycles), so Zen 4 gets the register form; every other CPU gets the
// memory form, the faster one where measured (bench/compress_bench.cpp
// benchmarks all three): 1.33x the register form on a Sapphire Rapids class
// Xeon, 1.49x on Zen 5 (family 0x1a), where the microcode penalty is gone.
struct Chosen512 {
  static constexpr maskbench::CompressVariant kVariants[] = {
      Memory512::variant("memory"), Register512::variant("register"), RegisterAhead512::variant("register-lookahead")};
  static const maskbench::CompressVariant& pick() {
    static const maskbench::CompressVariant& v = []() -> const maskbench::CompressVariant& {
      const maskbench::CpuInfo& cpu = maskbench::host_cpu();
      return cpu.vendor == std::string_view("AuthenticAMD") && cpu.family == 0x19 ? kVariants[1] : kVariants[0];
    }();
    return v;
  }
  static const char* chosen() { return pick().name; }
  static std::size_t f32(const float* x, float* out, std::size_t n, float t) { return pick().compress_f32(x, out, n, t); }
  static std::size_t i32(const std::int32_t* x, std::int32_t* out, std::size_t n, std::int32_t t) {
    return pick().compress_i32(x, out, n, t);
  }
  static std::size_t index(const float* x, std::uint32_t* out, std::size_t n, float t) {
    return pick().compress_index(x, out, n, t);
  }
};

// vexpandloadu reads exactly count(m) source lanes; the masked store writes
// only the set lanes.
struct Expand512 {
  static constexpr std::size_t W = O::W;
  using M = O::M;
  static M mask(const std::uint8_t* p) { return static_cast<M>(nonzero_bytes<W>(p)); }
  static M mask_tail(const std::uint8_t* p, std::size_t k) { return static_cast<M>(nonzero_bytes_tail<W>(p, k)); }
  static std::size_t count(M m) { return O::count(m); }
  static std::size_t expand(const float* src, float* out, M m, std::size_t, bool) {
    O::store_masked(out, m, O::expand_load(m, src));
    return count(m);
  }
};

}  // namespace compress
}  // namespace
}  // namespace MB_NS

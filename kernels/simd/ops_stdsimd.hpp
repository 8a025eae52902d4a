#pragma once
// std::experimental::simd ops (libstdc++'s Parallelism TS v2); the op set is
// stated in ops.hpp. native_simd<float> takes its width from the -march of
// this build; conditional parts are where() expressions on simd_mask; bf16
// and f16 widen lane by lane (the TS has no such conversion).
#include <experimental/simd>

#include "simd/mask_bits.hpp"

namespace MB_NS {
namespace {  // internal linkage, see simd/impl.hpp
namespace simd {

namespace stdx = std::experimental;

struct Ops {
  using V = stdx::native_simd<float>;
  using M = V::mask_type;
  using U = stdx::rebind_simd_t<std::uint32_t, V>;
  static constexpr std::size_t W = V::size();
  static constexpr bool kMaskRegisters = false;
  using Q = MaskBits<W>;

  static V loadu(const float* p) { return V(p, stdx::element_aligned); }
  template <class T>
  static V loadu(const T* p) {
    return V([p](auto i) { return maskbench::widen(p[static_cast<std::size_t>(i)]); });
  }
  static void storeu(float* p, V v) { v.copy_to(p, stdx::element_aligned); }
  static void stream(float* p, V v) { v.copy_to(p, stdx::vector_aligned); }
  static void stream_fence() {}
  // where(tail(k), v).copy_from would be the TS's own masked load, but
  // libstdc++ lowers it to vmaskmovps on AVX2, which qemu-user does not
  // emulate faithfully (see ops_avx2.hpp); go through a local copy instead.
  static V load_tail(const float* p, std::size_t k) {
    return load_partial<V, W>(p, k, [](const float* a) { return V(a, stdx::vector_aligned); });
  }
  template <class T>
  static V load_tail(const T* p, std::size_t k) {
    return V([p, k](auto i) { return i < k ? maskbench::widen(p[static_cast<std::size_t>(i)]) : 0.0f; });
  }
  static void store_tail(float* p, V v, std::size_t k) {
    store_partial<W>(p, v, k, [](float* a, V x) { x.copy_to(a, stdx::vector_aligned); });
  }

  static V set1(float x) { return V(x); }
  static V zero() { return V(0.0f); }
  static V add(V a, V b) { return a + b; }
  static V sub(V a, V b) { return a - b; }
  static V mul(V a, V b) { return a * b; }
  static V div(V a, V b) { return a / b; }
  // Two roundings, with or without FMA in the -march: libstdc++'s
  // std::experimental::fma is a per-lane std::fma that the compiler
  // vectorizes in a simple loop but leaves scalar inside the register tiles
  // of gram and dots (measured: half the speed).
  static V fmadd(V a, V b, V c) { return a * b + c; }
  static float reduce_add(V v) { return stdx::reduce(v); }

  static M gt(V a, V b) { return a > b; }
  static M ge(V a, V b) { return a >= b; }
  static M lt(V a, V b) { return a < b; }
  static M le(V a, V b) { return a <= b; }
  static M eq(V a, V b) { return a == b; }
  static M ne(V a, V b) { return a != b; }

  // The TS gives simd_mask no generator constructor: build masks from a
  // lane-index vector instead (exact in float, W <= 64).
  static V lane_index() {
    return V([](auto lane) { return static_cast<float>(lane); });
  }
  static M tail(std::size_t k) { return lane_index() < V(static_cast<float>(k < W ? k : W)); }
  static M m_and(M a, M b) { return a && b; }
  static M m_or(M a, M b) { return a || b; }
  static M m_xor(M a, M b) { return a != b; }
  static M m_andnot(M a, M b) { return a && !b; }
  static M m_not(M a) { return !a; }
  static std::uint64_t bits(M m) {
    std::uint64_t b = 0;
    for (std::size_t i = 0; i < W; ++i) b |= std::uint64_t{m[i]} << i;
    return b;
  }
  static M from_bits(std::uint64_t b) {
    const V lane_set([b](auto lane) { return static_cast<float>((b >> static_cast<std::size_t>(lane)) & 1); });
    return lane_set != V(0.0f);
  }
  static std::size_t count(M m) { return static_cast<std::size_t>(stdx::popcount(m)); }
  // Not find_first_set/find_last_set: their constant-propagation branch
  // calls std::min/std::max over an initializer_list, which clang's
  // sanitizer build keeps out of line, a weak definition in this ISA object
  // (tests/isa_symbols.py). The least/greatest selected lane index instead.
  static std::size_t first(M m) {
    return stdx::any_of(m) ? static_cast<std::size_t>(stdx::hmin(stdx::where(m, lane_index()))) : W;
  }
  static std::ptrdiff_t last(M m) {
    return stdx::any_of(m) ? static_cast<std::ptrdiff_t>(stdx::hmax(stdx::where(m, lane_index()))) : -1;
  }
  static bool any(M m) { return stdx::any_of(m); }
  static bool all(M m) { return stdx::all_of(m); }

  static V select(M m, V t, V f) {
    stdx::where(m, f) = t;
    return f;
  }
  static V masked_add(V acc, M m, V x) {
    stdx::where(m, acc) += x;
    return acc;
  }
  // where(m, r) = a / x would still divide every lane; substitute 1 first.
  static V masked_div(M m, V a, V x) {
    V safe_a = 1.0f, safe_x = 1.0f;
    stdx::where(m, safe_a) = a;
    stdx::where(m, safe_x) = x;
    V r = 0.0f;
    stdx::where(m, r) = safe_a / safe_x;
    return r;
  }

  static U set1_u32(std::uint32_t x) { return U(x); }
  static U iota_u32() {
    return U([](auto i) { return static_cast<std::uint32_t>(i); });
  }
  static U add(U a, U b) { return a + b; }
  static U sub(U a, U b) { return a - b; }
  static U mul(U a, U b) { return a * b; }
  static U xor_(U a, U b) { return a ^ b; }
  template <int n>
  static U srl(U a) { return a >> n; }
  static V to_f32(U a) { return stdx::static_simd_cast<V>(stdx::static_simd_cast<stdx::rebind_simd_t<std::int32_t, V>>(a)); }
};

}  // namespace simd
}  // namespace
}  // namespace MB_NS

# The implementation table: the single source of truth for which
# implementations exist, what CPU features each needs, how each is compiled and
# where its sources are. The C++ registry (kernels/include/maskbench/registry.hpp)
# is generated from it; tests, benchmarks and reports enumerate the registry.
#
# Each row: NAME, the C++ namespace ID, ARCH (the target architectures it
# is built for, MASKBENCH_ARCH below, or any), KIND (how its code is written, see
# MB_KINDS below), LEVEL (the ops header the SIMD sources include: scalar, sse42,
# avx2, avx512, stdsimd), FEATURES (cumulative CPU feature levels, see
# kernels/include/maskbench/cpu.hpp; the last is the row's ISA level, none
# means the architecture's baseline: x86-64, or armv8-a with Advanced SIMD), EXTRAS (features beyond that level that the row
# also needs, e.g. avx512vbmi2), FLAGS, SOURCES (the candidates for family @F@;
# the first that exists is compiled, none means the family has no such
# implementation) and DESCRIPTION. Code chooses implementations by these tags
# (maskbench/registry.hpp: kind, level, extras, reference(); maskbench/best.hpp:
# best()), never by name.
#
# Rows are in ascending ISA order for readers and reports only; correctness
# does not depend on it, or on any link order: an implementation object
# defines nothing the linker could share with another object (internal
# linkage, see kernels/simd/impl.hpp), which tests/isa_symbols.py checks.

# Kernel contracts speak of floating-point exceptions (guarded_div must not
# raise for masked-off lanes). GCC keeps them by default (-ftrapping-math);
# clang assumes nobody looks and folds a safe-value substitution away, so it is
# told that exceptions may trap.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set(MB_NOVEC -fno-tree-vectorize -fno-tree-slp-vectorize)
  set(MB_KERNEL_FLAGS "")
else()
  set(MB_NOVEC -fno-vectorize -fno-slp-vectorize)
  set(MB_KERNEL_FLAGS -ffp-exception-behavior=maytrap)
endif()
# In a clang sanitizer build the kernels also carry libFuzzer's coverage
# instrumentation (not its main), so that the differential fuzzer
# (fuzz/) is guided by the kernels' own branches: tails, masks, blocking.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND MASKBENCH_SANITIZE)
  # The test program links the sanitizer runtime, which defines the coverage
  # callbacks, as every binary of this build does.
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS "-fsanitize=fuzzer-no-link -fsanitize=${MASKBENCH_SANITIZE}")
  check_cxx_source_compiles("int main(int argc, char**) { return argc > 1 ? 1 : 0; }" MASKBENCH_HAVE_FUZZER_NO_LINK)
  unset(CMAKE_REQUIRED_FLAGS)
  if(MASKBENCH_HAVE_FUZZER_NO_LINK)
    list(APPEND MB_KERNEL_FLAGS -fsanitize=fuzzer-no-link)
  endif()
endif()
set(MB_SIMD_SOURCES kernels/@F@/@NAME@.cpp kernels/@F@/@LEVEL@.cpp kernels/@F@/simd.cpp)

# The architecture this build targets; rows of another one are not built.
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  set(MASKBENCH_ARCH x86_64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  set(MASKBENCH_ARCH aarch64)
elseif(CMAKE_SYSTEM_PROCESSOR STREQUAL "riscv64")
  set(MASKBENCH_ARCH riscv64)
else()
  set(MASKBENCH_ARCH ${CMAKE_SYSTEM_PROCESSOR})
endif()
set(MB_ARCHES x86_64 aarch64 riscv64 any)

# The kinds, as maskbench::Kind spells them: reference (the plain scalar loop
# every other row is checked against; exactly one row), scalar_variant (another
# hand-written scalar loop), intrinsics, stdsimd (std::experimental::simd),
# autovec (the reference source auto-vectorized) and emulated (a SIMD source
# on portable fallbacks) and translated (intrinsics of another architecture
# mapped to this one's by simde, e.g. the SSE4.2 source on NEON) and
# reduced_precision (intrinsics some of whose kernels round more than the
# reference's contract allows, e.g. bf16 dot products; each such kernel states
# its own bound, and best() never chooses the row). Peers (bench/peers) are not rows: they are other
# projects' code, measured beside the rows but never chosen.
set(MB_KINDS reference scalar_variant intrinsics stdsimd autovec emulated translated reduced_precision)
set(MASKBENCH_IMPLEMENTATIONS "")
function(maskbench_impl name)
  cmake_parse_arguments(I "" "ID;KIND;LEVEL;DESCRIPTION" "ARCH;FEATURES;EXTRAS;FLAGS;SOURCES" ${ARGN})
  foreach(field ID ARCH KIND LEVEL DESCRIPTION SOURCES)
    if(NOT I_${field})
      message(FATAL_ERROR "cmake/Implementations.cmake: implementation '${name}' has no ${field}.")
    endif()
  endforeach()
  if(NOT I_KIND IN_LIST MB_KINDS)
    message(FATAL_ERROR "cmake/Implementations.cmake: implementation '${name}' has KIND ${I_KIND}; expected one of ${MB_KINDS}.")
  endif()
  foreach(arch IN LISTS I_ARCH)
    if(NOT arch IN_LIST MB_ARCHES)
      message(FATAL_ERROR "cmake/Implementations.cmake: implementation '${name}' has ARCH ${arch}; expected one of ${MB_ARCHES}.")
    endif()
  endforeach()
  if(NOT "any" IN_LIST I_ARCH AND NOT MASKBENCH_ARCH IN_LIST I_ARCH)
    return()
  endif()
  foreach(field ID KIND LEVEL DESCRIPTION FEATURES EXTRAS FLAGS SOURCES)
    set(MB_IMPL_${name}_${field} "${I_${field}}" PARENT_SCOPE)
  endforeach()
  set(MASKBENCH_IMPLEMENTATIONS ${MASKBENCH_IMPLEMENTATIONS} ${name} PARENT_SCOPE)
endfunction()

maskbench_impl(scalar ID scalar ARCH any KIND reference LEVEL scalar
  FLAGS -O2 ${MB_NOVEC} SOURCES reference/@F@.cpp
  DESCRIPTION "plain scalar loop, auto-vectorization off: the honest baseline")
maskbench_impl(scalar-branchy ID scalar_branchy ARCH any KIND scalar_variant LEVEL scalar
  FLAGS -O2 ${MB_NOVEC} SOURCES reference/@F@_branchy.cpp
  DESCRIPTION "scalar loop with an if per element: shows the cost of mispredictions")
# -Wno-psabi: the emulated 512-bit vectors pass between internal functions
# without AVX-512 registers; the ABI note is about exported interfaces.
# Not on riscv64: simde's portable fallbacks are the same C++ there as on
# aarch64, so the row would prove nothing new, and under qemu-riscv64 it is
# the slowest row of the cross build's conformance.
maskbench_impl(avx512-emu ID avx512_emu ARCH x86_64 aarch64 KIND emulated LEVEL avx512
  FLAGS -O3 -DMB_EMULATE=1 -Wno-psabi SOURCES ${MB_SIMD_SOURCES}
  DESCRIPTION "the avx512 source on simde's portable fallbacks: checks AVX-512 lane logic on any CPU")
maskbench_impl(autovec-sse42 ID autovec_sse42 ARCH x86_64 KIND autovec LEVEL scalar FEATURES sse42
  FLAGS -O3 -march=x86-64-v2 SOURCES reference/@F@.cpp
  DESCRIPTION "the scalar source auto-vectorized by the compiler for x86-64-v2")
maskbench_impl(sse42 ID sse42 ARCH x86_64 KIND intrinsics LEVEL sse42 FEATURES sse42
  FLAGS -O3 -march=x86-64-v2 SOURCES ${MB_SIMD_SOURCES}
  DESCRIPTION "SSE4.2 intrinsics (simde API), vector masks and movemask")
maskbench_impl(stdsimd-sse42 ID stdsimd_sse42 ARCH x86_64 KIND stdsimd LEVEL stdsimd FEATURES sse42
  FLAGS -O3 -march=x86-64-v2 SOURCES ${MB_SIMD_SOURCES}
  DESCRIPTION "std::experimental::simd (native_simd, where, simd_mask) for x86-64-v2")
maskbench_impl(autovec-avx2 ID autovec_avx2 ARCH x86_64 KIND autovec LEVEL scalar FEATURES sse42 avx2
  FLAGS -O3 -march=x86-64-v3 SOURCES reference/@F@.cpp
  DESCRIPTION "the scalar source auto-vectorized by the compiler for x86-64-v3")
maskbench_impl(avx2 ID avx2 ARCH x86_64 KIND intrinsics LEVEL avx2 FEATURES sse42 avx2
  FLAGS -O3 -march=x86-64-v3 SOURCES ${MB_SIMD_SOURCES}
  DESCRIPTION "AVX2+FMA+BMI2 intrinsics (simde API), vector masks, maskload/maskstore tails")
maskbench_impl(stdsimd-avx2 ID stdsimd_avx2 ARCH x86_64 KIND stdsimd LEVEL stdsimd FEATURES sse42 avx2
  FLAGS -O3 -march=x86-64-v3 SOURCES ${MB_SIMD_SOURCES}
  DESCRIPTION "std::experimental::simd (native_simd, where, simd_mask) for x86-64-v3")
maskbench_impl(autovec-avx512 ID autovec_avx512 ARCH x86_64 KIND autovec LEVEL scalar FEATURES sse42 avx2 avx512
  FLAGS -O3 -march=x86-64-v4 SOURCES reference/@F@.cpp
  DESCRIPTION "the scalar source auto-vectorized by the compiler for x86-64-v4")
maskbench_impl(avx512 ID avx512 ARCH x86_64 KIND intrinsics LEVEL avx512 FEATURES sse42 avx2 avx512
  FLAGS -O3 -march=x86-64-v4 SOURCES ${MB_SIMD_SOURCES}
  DESCRIPTION "AVX-512 F/VL/BW/DQ intrinsics (simde API), mask registers, masked tails")
maskbench_impl(stdsimd-avx512 ID stdsimd_avx512 ARCH x86_64 KIND stdsimd LEVEL stdsimd FEATURES sse42 avx2 avx512
  FLAGS -O3 -march=x86-64-v4 SOURCES ${MB_SIMD_SOURCES}
  DESCRIPTION "std::experimental::simd (native_simd, where, simd_mask) for x86-64-v4")
maskbench_impl(avx512-vbmi2 ID avx512_vbmi2 ARCH x86_64 KIND intrinsics LEVEL avx512 FEATURES sse42 avx2 avx512 EXTRAS avx512vbmi2
  FLAGS -O3 -march=x86-64-v4 -mavx512vbmi2 SOURCES kernels/@F@/avx512_vbmi2.cpp
  DESCRIPTION "AVX-512 VBMI2 byte and word compress (vpcompressb/w)")
maskbench_impl(avx512-bf16 ID avx512_bf16 ARCH x86_64 KIND reduced_precision LEVEL avx512 FEATURES sse42 avx2 avx512 EXTRAS avx512bf16
  FLAGS -O3 -march=x86-64-v4 -mavx512bf16 SOURCES kernels/@F@/avx512_bf16.cpp
  DESCRIPTION "AVX512_BF16 dot products (vdpbf16ps) for bf16 checkpoints' Gram, differences rounded to bf16")

# 64-bit Arm: Advanced SIMD (NEON) is part of the armv8-a baseline.
maskbench_impl(autovec-neon ID autovec_neon ARCH aarch64 KIND autovec LEVEL scalar
  FLAGS -O3 -march=armv8-a SOURCES reference/@F@.cpp
  DESCRIPTION "the scalar source auto-vectorized by the compiler for armv8-a (Advanced SIMD)")
maskbench_impl(neon ID neon ARCH aarch64 KIND intrinsics LEVEL neon
  FLAGS -O3 -march=armv8-a SOURCES ${MB_SIMD_SOURCES}
  DESCRIPTION "Advanced SIMD intrinsics: vector masks (compare, BSL), fused multiply-add, tails through a local copy")
maskbench_impl(simde-sse42 ID simde_sse42 ARCH aarch64 KIND translated LEVEL sse42
  FLAGS -O3 -march=armv8-a SOURCES ${MB_SIMD_SOURCES}
  DESCRIPTION "the SSE4.2 intrinsic source translated to Advanced SIMD by simde")
maskbench_impl(simde-avx2 ID simde_avx2 ARCH aarch64 KIND translated LEVEL avx2
  FLAGS -O3 -march=armv8-a SOURCES ${MB_SIMD_SOURCES}
  DESCRIPTION "the AVX2 intrinsic source translated to Advanced SIMD by simde (two 128-bit halves per vector)")
maskbench_impl(stdsimd-neon ID stdsimd_neon ARCH aarch64 KIND stdsimd LEVEL stdsimd
  FLAGS -O3 -march=armv8-a SOURCES ${MB_SIMD_SOURCES}
  DESCRIPTION "std::experimental::simd (native_simd, where, simd_mask) for armv8-a")
# SVE and RVV have sizeless vector types and a lane count known only at run
# time, which the ops layer's compile-time W and arrays of vectors do not fit:
# a family is written either once for both over the scalable op set
# (kernels/<family>/scalable.cpp, simd/scalable.hpp) or per level where the
# algorithm differs (kernels/<family>/sve.cpp, rvv.cpp).
maskbench_impl(sve ID sve ARCH aarch64 KIND intrinsics LEVEL sve FEATURES sve
  FLAGS -O3 -march=armv8.2-a+sve SOURCES kernels/@F@/sve.cpp kernels/@F@/scalable.cpp
  DESCRIPTION "SVE intrinsics, vector-length agnostic: svwhilelt predicates for every tail, svcompact compress, predicated stores")
maskbench_impl(autovec-sve ID autovec_sve ARCH aarch64 KIND autovec LEVEL scalar FEATURES sve
  FLAGS -O3 -march=armv8.2-a+sve SOURCES reference/@F@.cpp
  DESCRIPTION "the scalar source auto-vectorized by the compiler for armv8.2-a+sve (vector-length agnostic)")

# 64-bit RISC-V: RV64GC is the baseline; the V extension (RVV 1.0) is a level.
# Its sources are found as SVE's (above). clang's -ffp-exception-behavior=maytrap (above)
# keeps its loop vectorizer from using V at all, so the autovec row gives it
# back: the conformance tests' exception checks hold it to the contracts.
maskbench_impl(rvv ID rvv ARCH riscv64 KIND intrinsics LEVEL rvv FEATURES rvv
  FLAGS -O3 -march=rv64gcv SOURCES kernels/@F@/rvv.cpp kernels/@F@/scalable.cpp
  DESCRIPTION "RVV 1.0 intrinsics, vector-length agnostic: vsetvl strip-mining, mask registers, vcompress for every type")
maskbench_impl(autovec-rvv ID autovec_rvv ARCH riscv64 KIND autovec LEVEL scalar FEATURES rvv
  FLAGS -O3 -march=rv64gcv -ffp-exception-behavior=ignore SOURCES reference/@F@.cpp
  DESCRIPTION "the scalar source auto-vectorized by the compiler for rv64gcv (vector-length agnostic)")

# A family is a folder kernels/<family>/ (besides include/, src/ and simd/).
file(GLOB _mb_dirs LIST_DIRECTORIES true RELATIVE ${CMAKE_SOURCE_DIR}/kernels ${CMAKE_SOURCE_DIR}/kernels/*)
set(MASKBENCH_FAMILIES "")
foreach(d IN LISTS _mb_dirs)
  if(IS_DIRECTORY ${CMAKE_SOURCE_DIR}/kernels/${d} AND NOT d MATCHES "^(include|src|simd)$")
    list(APPEND MASKBENCH_FAMILIES ${d})
  endif()
endforeach()
list(SORT MASKBENCH_FAMILIES)

# Builds one object library per (implementation, family) and writes the
# registry table that kernels/src/registry.cpp includes.
function(maskbench_build_implementations out_objects)
  set(objects "")
  set(decls "")
  set(rows "")
  foreach(name IN LISTS MASKBENCH_IMPLEMENTATIONS)
    set(id ${MB_IMPL_${name}_ID})
    set(level ${MB_IMPL_${name}_LEVEL})
    string(REPLACE "-" "_" file_name ${name})
    # A row that states its own floating-point exception behaviour (autovec-rvv)
    # replaces the default rather than overriding it with a warning.
    set(kernel_flags ${MB_KERNEL_FLAGS})
    if("${MB_IMPL_${name}_FLAGS}" MATCHES "-ffp-exception-behavior=")
      list(FILTER kernel_flags EXCLUDE REGEX "^-ffp-exception-behavior=")
    endif()
    set(entries "")
    foreach(family IN LISTS MASKBENCH_FAMILIES)
      set(source "")
      foreach(pattern IN LISTS MB_IMPL_${name}_SOURCES)
        string(REPLACE "@F@" ${family} candidate ${pattern})
        string(REPLACE "@NAME@" ${file_name} candidate ${candidate})
        string(REPLACE "@LEVEL@" ${level} candidate ${candidate})
        if(EXISTS ${CMAKE_SOURCE_DIR}/${candidate})
          set(source ${candidate})
          break()
        endif()
      endforeach()
      if(source STREQUAL "")
        continue()
      endif()
      set(target mb_${family}_${id})
      add_library(${target} OBJECT ${CMAKE_SOURCE_DIR}/${source})
      target_compile_options(${target} PRIVATE ${kernel_flags} ${MB_IMPL_${name}_FLAGS})
      target_compile_definitions(${target} PRIVATE
        MB_IMPL_ID=${id} MB_IMPL_NAME="${name}" MB_LEVEL_${level}=1)
      target_include_directories(${target} PRIVATE
        ${CMAKE_SOURCE_DIR}/kernels/include ${CMAKE_SOURCE_DIR}/kernels ${SIMDE_INCLUDE_DIR})
      set_target_properties(${target} PROPERTIES
        CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
      list(APPEND objects $<TARGET_OBJECTS:${target}>)
      string(APPEND decls "namespace maskbench::impl::${id} { const void* family_${family}() noexcept; }\n")
      string(APPEND entries "  {\"${family}\", &maskbench::impl::${id}::family_${family}, \"${source}\"},\n")
    endforeach()
    if(entries STREQUAL "")
      continue()
    endif()
    set(features "FeatureSet{}")
    set(extras "FeatureSet{}")
    set(isa baseline)
    foreach(f IN LISTS MB_IMPL_${name}_FEATURES)
      string(APPEND features " | Feature::${f}")
      set(isa ${f})
    endforeach()
    foreach(f IN LISTS MB_IMPL_${name}_EXTRAS)
      string(APPEND features " | Feature::${f}")
      string(APPEND extras " | Feature::${f}")
    endforeach()
    if(MB_IMPL_${name}_KIND STREQUAL "reference")
      if(DEFINED reference)
        message(FATAL_ERROR "cmake/Implementations.cmake: both ${reference} and ${name} have KIND reference; exactly one row is the reference.")
      endif()
      set(reference ${name})
    endif()
    list(JOIN MB_IMPL_${name}_FLAGS " " flags)
    list(JOIN kernel_flags " " kernel_flags)
    string(STRIP "${kernel_flags} ${flags}" flags)
    string(APPEND decls "namespace maskbench::detail { inline constexpr FamilyEntry kFamilies_${id}[] = {\n${entries}}; }\n")
    string(APPEND rows "  {\"${name}\", \"${MB_IMPL_${name}_DESCRIPTION}\", \"${MASKBENCH_BASE_FLAGS} ${flags}\", ${features}, "
      "Kind::${MB_IMPL_${name}_KIND}, \"${isa}\", ${extras}, kFamilies_${id}},\n")
  endforeach()
  if(NOT DEFINED reference)
    message(FATAL_ERROR "cmake/Implementations.cmake: no row has KIND reference; exactly one row is the reference.")
  endif()
  set(MB_REGISTRY_DECLS "${decls}")
  set(MB_REGISTRY_ROWS "${rows}")
  set(MB_COMPILER "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}")
  configure_file(${CMAKE_SOURCE_DIR}/kernels/src/registry_table.inc.in
    ${CMAKE_BINARY_DIR}/generated/registry_table.inc @ONLY)
  set(${out_objects} ${objects} PARENT_SCOPE)
endfunction()

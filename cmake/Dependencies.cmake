# Every dependency is a Debian 12 package; a missing one stops configuration
# with the name of the package that provides it, so the fix is one apt-get away.
function(maskbench_require found debian_package what)
  if(NOT ${found})
    message(FATAL_ERROR
      "maskbench: ${what} was not found. Install the Debian package '${debian_package}' "
      "(apt-get install ${debian_package}) or run ./run_all.sh as root, which installs it.")
  endif()
endfunction()

# An architecture without Debian packages (riscv64 is not a Debian 12
# release architecture; its toolchain file sets this): GoogleTest is built
# from the host's sources, fmt is used header-only and nlohmann-json and simde
# are headers anyway; Google Benchmark, Highway, OpenBLAS and cpu_features
# have no build for it, so the benchmark binary is left out and CPU
# detection reads the auxiliary vector itself (kernels/src/cpu_riscv64.cpp).
option(MASKBENCH_WITHOUT_TARGET_PACKAGES "Build conformance, the CLI and the fuzz replay without the target's -dev packages" OFF)
if(MASKBENCH_WITHOUT_TARGET_PACKAGES)
  find_path(MASKBENCH_GTEST_SOURCE CMakeLists.txt PATHS /usr/src/googletest/googletest NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
  maskbench_require(MASKBENCH_GTEST_SOURCE googletest "GoogleTest's sources (/usr/src/googletest)")
  set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
  add_subdirectory(${MASKBENCH_GTEST_SOURCE} ${CMAKE_BINARY_DIR}/googletest EXCLUDE_FROM_ALL SYSTEM)
  find_path(MASKBENCH_FMT_HEADERS fmt/format.h PATHS /usr/include NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
  maskbench_require(MASKBENCH_FMT_HEADERS libfmt-dev "fmt's headers")
  add_library(fmt::fmt INTERFACE IMPORTED)
  set_target_properties(fmt::fmt PROPERTIES INTERFACE_INCLUDE_DIRECTORIES ${MASKBENCH_FMT_HEADERS}
    INTERFACE_COMPILE_DEFINITIONS FMT_HEADER_ONLY=1)
else()
  find_package(benchmark QUIET)
  maskbench_require(benchmark_FOUND libbenchmark-dev "Google Benchmark (CMake package 'benchmark')")
  find_package(GTest QUIET)
  maskbench_require(GTest_FOUND libgtest-dev "GoogleTest (CMake package 'GTest')")
  find_package(fmt QUIET)
  maskbench_require(fmt_FOUND libfmt-dev "fmt (CMake package 'fmt')")
  find_package(CpuFeatures QUIET)
  maskbench_require(CpuFeatures_FOUND libcpu-features-dev "cpu_features (CMake package 'CpuFeatures')")
  find_package(hwy QUIET)
  maskbench_require(hwy_FOUND libhwy-dev "Highway (CMake package 'hwy')")
  find_package(OpenBLAS QUIET)
  maskbench_require(OpenBLAS_FOUND libopenblas-dev "OpenBLAS (CMake package 'OpenBLAS')")
  find_path(OPENBLAS_CBLAS_DIR cblas.h PATHS ${OpenBLAS_INCLUDE_DIRS} /usr/include/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-pthread NO_DEFAULT_PATH)
  maskbench_require(OPENBLAS_CBLAS_DIR libopenblas-dev "OpenBLAS's cblas.h")
endif()
find_package(nlohmann_json QUIET)
maskbench_require(nlohmann_json_FOUND nlohmann-json3-dev "nlohmann-json (CMake package 'nlohmann_json')")
find_path(SIMDE_INCLUDE_DIR simde/x86/avx512.h)
maskbench_require(SIMDE_INCLUDE_DIR libsimde-dev "simde (header simde/x86/avx512.h)")
find_package(Threads REQUIRED)

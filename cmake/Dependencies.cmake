# Every dependency is a Debian 12 package; a missing one stops configuration
# with the name of the package that provides it, so the fix is one apt-get away.
function(maskbench_require found debian_package what)
  if(NOT ${found})
    message(FATAL_ERROR
      "maskbench: ${what} was not found. Install the Debian package '${debian_package}' "
      "(apt-get install ${debian_package}) or run ./run_all.sh as root, which installs it.")
  endif()
endfunction()

find_package(benchmark QUIET)
maskbench_require(benchmark_FOUND libbenchmark-dev "Google Benchmark (CMake package 'benchmark')")
find_package(GTest QUIET)
maskbench_require(GTest_FOUND libgtest-dev "GoogleTest (CMake package 'GTest')")
find_package(fmt QUIET)
maskbench_require(fmt_FOUND libfmt-dev "fmt (CMake package 'fmt')")
find_package(CpuFeatures QUIET)
maskbench_require(CpuFeatures_FOUND libcpu-features-dev "cpu_features (CMake package 'CpuFeatures')")
find_package(nlohmann_json QUIET)
maskbench_require(nlohmann_json_FOUND nlohmann-json3-dev "nlohmann-json (CMake package 'nlohmann_json')")
find_package(hwy QUIET)
maskbench_require(hwy_FOUND libhwy-dev "Highway (CMake package 'hwy')")
find_path(SIMDE_INCLUDE_DIR simde/x86/avx512.h)
maskbench_require(SIMDE_INCLUDE_DIR libsimde-dev "simde (header simde/x86/avx512.h)")
find_package(OpenBLAS QUIET)
maskbench_require(OpenBLAS_FOUND libopenblas-dev "OpenBLAS (CMake package 'OpenBLAS')")
find_path(OPENBLAS_CBLAS_DIR cblas.h PATHS ${OpenBLAS_INCLUDE_DIRS} /usr/include/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-pthread NO_DEFAULT_PATH)
maskbench_require(OPENBLAS_CBLAS_DIR libopenblas-dev "OpenBLAS's cblas.h")
find_package(Threads REQUIRED)

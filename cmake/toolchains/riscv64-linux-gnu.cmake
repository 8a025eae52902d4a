# Cross build for 64-bit RISC-V with clang-19 (GCC 12 has no riscv_vector.h)
# on the C library and libstdc++ of Debian's g++-riscv64-linux-gnu
# (/usr/riscv64-linux-gnu), linked by lld-19. riscv64 is not a Debian 12
# release architecture, so no :riscv64 packages exist: the build leaves out
# what needs them (MASKBENCH_WITHOUT_TARGET_PACKAGES, cmake/Dependencies.cmake).
# Programs of the build run under qemu-riscv64, whose CPU model
# MASKBENCH_QEMU_CPU chooses (e.g. "rv64" or "rv64,v=true,vlen=256").
#   cmake -S . -B build-riscv64 --toolchain cmake/toolchains/riscv64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(CMAKE_C_COMPILER clang-19)
set(CMAKE_CXX_COMPILER clang++-19)
set(CMAKE_C_COMPILER_TARGET riscv64-linux-gnu)
set(CMAKE_CXX_COMPILER_TARGET riscv64-linux-gnu)
# The baseline every row may assume: RV64GC; the V extension is a level.
set(CMAKE_C_FLAGS_INIT "-march=rv64gc")
set(CMAKE_CXX_FLAGS_INIT "-march=rv64gc")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-fuse-ld=lld")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-fuse-ld=lld")
set(CMAKE_LIBRARY_ARCHITECTURE riscv64-linux-gnu)
set(MASKBENCH_WITHOUT_TARGET_PACKAGES ON CACHE BOOL "no Debian packages for the target architecture")
set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/../../tests/qemu_run.sh;riscv64)

# Cross build for 64-bit Arm with Debian's g++-aarch64-linux-gnu and the
# :arm64 packages installed beside the host's (dpkg --add-architecture arm64;
# run_all.sh does both). Programs of the build run under qemu-aarch64, whose
# CPU model MASKBENCH_QEMU_CPU chooses (e.g. "max,sve=off" or "max,sve256=on").
#   cmake -S . -B build-aarch64 --toolchain cmake/toolchains/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_CROSSCOMPILING_EMULATOR ${CMAKE_CURRENT_LIST_DIR}/../../tests/qemu_run.sh;aarch64)

#!/usr/bin/env bash
# Runs a cross-built program under qemu-user: the build's
# CMAKE_CROSSCOMPILING_EMULATOR (cmake/toolchains/).
#   qemu_run.sh ARCH PROGRAM [ARGS...]
# MASKBENCH_QEMU_CPU picks the emulated CPU (qemu's -cpu); the default has
# every extension of the build's rows: "max" (SVE included) on aarch64, and
# on riscv64, where qemu 7.2 has no "max", RV64GC with RVV 1.0. The
# libraries of the target architecture are found through Debian's multiarch
# directories where its packages are installed (arm64), else in the cross
# compiler's sysroot /usr/ARCH-linux-gnu (riscv64), given to qemu as
# QEMU_LD_PREFIX.
set -euo pipefail
arch="$1"
shift
if [ -z "${QEMU_LD_PREFIX:-}" ] && [ ! -e "/usr/lib/$arch-linux-gnu/libc.so.6" ] && [ -d "/usr/$arch-linux-gnu/lib" ]; then
  export QEMU_LD_PREFIX="/usr/$arch-linux-gnu"
fi
default=max
[ "$arch" != riscv64 ] || default=rv64,v=true,vext_spec=v1.0
exec "qemu-$arch" -cpu "${MASKBENCH_QEMU_CPU:-$default}" "$@"

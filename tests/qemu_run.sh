#!/usr/bin/env bash
# Runs a cross-built program under qemu-user: the build's
# CMAKE_CROSSCOMPILING_EMULATOR (cmake/toolchains/).
#   qemu_run.sh ARCH PROGRAM [ARGS...]
# MASKBENCH_QEMU_CPU picks the emulated CPU (qemu's -cpu, default "max", which
# has every extension qemu knows, SVE and the V extension included); the
# libraries of the target architecture are found through Debian's multiarch
# directories, so no -L sysroot is needed.
set -euo pipefail
arch="$1"
shift
exec "qemu-$arch" -cpu "${MASKBENCH_QEMU_CPU:-max}" "$@"

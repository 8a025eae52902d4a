#pragma once
// The installed libraries (maskbench::kernels, maskbench::io) are built with
// hidden visibility: only the public API opts back in, so no helper or
// template instantiation of theirs is exported to interpose on, or be
// replaced by, another library's copy. (Within the kernel library, code
// compiled for one ISA level is kept from others by internal linkage, see
// kernels/simd/impl.hpp.)
#define MB_API __attribute__((visibility("default")))

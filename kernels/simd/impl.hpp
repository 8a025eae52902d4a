#pragma once
// Included first by every implementation source. Each source is compiled once
// per implementation (see cmake/Implementations.cmake) with MB_IMPL_ID naming
// it; everything it defines lives in maskbench::impl::<id>, so two builds of
// the same source never share a symbol, and no inline function compiled for a
// higher ISA level can stand in for a lower one.
#include <cstddef>
#include <cstdint>

#ifndef MB_IMPL_ID
#error "implementation sources are compiled by cmake/Implementations.cmake, which defines MB_IMPL_ID"
#endif

#define MB_NS maskbench::impl::MB_IMPL_ID

// Makes `table` this implementation's kernels for `family`; the generated
// registry refers to the function by name.
#define MB_EXPORT_FAMILY(family, table)                      \
  namespace maskbench::impl::MB_IMPL_ID {                    \
  const void* family_##family() noexcept { return &(table); } \
  }

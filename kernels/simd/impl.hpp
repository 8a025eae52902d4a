#pragma once
// Included first by every implementation source. Each source is compiled once
// per implementation (see cmake/Implementations.cmake) with MB_IMPL_ID naming
// it, and with that implementation's ISA flags. A linker keeps one copy of
// each weak (inline, template) definition among all objects, whichever it
// meets first, so a helper compiled for AVX-512 could serve a generic caller.
// Hence everything these sources and the headers below define lives in an
// unnamed namespace inside maskbench::impl::<id> (internal linkage: never
// shared, never chosen by the linker), and they instantiate no standard
// container, whose members would be weak definitions outside that namespace.
// The only symbols they export are the family_<name>() entry points of
// MB_EXPORT_FAMILY. tests/isa_symbols.py checks the built objects for it.
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

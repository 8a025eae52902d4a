// The compress family at AVX-512 F/VL/BW/DQ (simde API; also compiled as
// avx512-emu). 32-bit lanes use vcompress in one of three forms, all kept as
// variants: to memory (vcompressps m512{k}), to a register plus a masked
// store, or to a register plus whole-vector stores a chunk ahead (driver.hpp).
// The kernels pick per CPU: the memory form is microcoded on AMD Zen 4 (about
// 142 cycles), so Zen 4 gets the register form; other CPUs the memory form.
// u8 has no byte compress without VBMI2 and uses the pshufb table of
// bytes16.hpp (avx512-vbmi2 has the real one).
#include "compress/avx512_lanes.hpp"
#include "compress/bytes16.hpp"

namespace MB_NS {
namespace {

using namespace compress;

constexpr maskbench::CompressKernels kTable{Chosen512::f32, Chosen512::i32, compress_u8_lut, Chosen512::index,
                                            expand_chunked<Expand512>, Chosen512::kVariants,
                                            Chosen512::chosen};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(compress, kTable)

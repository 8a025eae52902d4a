// The task-vector family over the level's ops (taskvec/simd_kernels.hpp),
// compiled for sse42, avx2, avx512, avx512-emu and stdsimd-*.
#include "taskvec/simd_kernels.hpp"

namespace MB_NS {
namespace {

#include "taskvec/entry_points.hpp"

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(taskvec, kTable)

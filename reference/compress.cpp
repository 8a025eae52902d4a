// The scalar reference of the compress family, branch-free: every element is
// stored, to out + count when selected and to a local sink otherwise, so the
// loop has no data-dependent branch and never touches out[count, n). Compiled
// as `scalar` with auto-vectorization off, and as autovec-* at -O3 for each x86
// level: what the compiler makes of the same plain loops.
#include "maskbench/compress.hpp"
#include "simd/impl.hpp"

namespace MB_NS {
namespace {

#include "compress_scalar.hpp"

struct BranchFree {
  static constexpr const char* kName = "branch-free";

  template <class T, class Keep, class Value>
  static std::size_t loop(std::size_t n, T* out, Keep keep, Value value) {
    std::size_t count = 0;
    T sink;
    for (std::size_t i = 0; i < n; ++i) {
      const bool k = keep(i);
      *(k ? out + count : &sink) = value(i);
      count += k;
    }
    return count;
  }

  // The source pointer is redirected as well as the destination: reading
  // src[count] for a clear lane could read past src's end.
  static std::size_t expand_f32(const float* src, const std::uint8_t* mask, float* out, std::size_t n) {
    std::size_t count = 0;
    const float zero = 0.0f;
    float sink;
    for (std::size_t i = 0; i < n; ++i) {
      const bool k = mask[i] != 0;
      *(k ? out + i : &sink) = *(k ? src + count : &zero);
      count += k;
    }
    return count;
  }
};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(compress, ScalarCompress<BranchFree>::kTable)

// The compress family as most code writes it: an if per element. Its speed
// depends on how well the branch predicts, so its benchmarks show the cost of
// mispredictions across selectivities next to the branch-free reference.
#include "maskbench/compress.hpp"
#include "simd/impl.hpp"

namespace MB_NS {
namespace {

#include "compress_scalar.hpp"

struct Branchy {
  static constexpr const char* kName = "branchy";

  template <class T, class Keep, class Value>
  static std::size_t loop(std::size_t n, T* out, Keep keep, Value value) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (keep(i)) out[count++] = value(i);
    return count;
  }

  static std::size_t expand_f32(const float* src, const std::uint8_t* mask, float* out, std::size_t n) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < n; ++i)
      if (mask[i] != 0) out[i] = src[count++];
    return count;
  }
};

}  // namespace
}  // namespace MB_NS

MB_EXPORT_FAMILY(compress, ScalarCompress<Branchy>::kTable)

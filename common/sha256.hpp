#pragma once
// SHA-256 (FIPS 180-4), for content digests: the history database knows a
// results directory it already holds by the digest of its files, so adding
// the same run twice is a no-op even when the copy has another path. A
// cryptographic hash because the files may come from anyone: a crafted
// collision must not be able to hide one run behind another.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace maskbench {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  // The digest as 64 lowercase hex digits; the object is spent afterwards.
  std::string hex();

 private:
  void block(const unsigned char* p);
  std::array<std::uint32_t, 8> h_;
  std::array<unsigned char, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;  // bytes so far
};

}  // namespace maskbench

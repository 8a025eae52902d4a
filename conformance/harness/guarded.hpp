#pragma once
// Page-guarded buffers: how conformance proves the memory contract.
//
// A buffer is a mapping  [PROT_NONE page][data pages][PROT_NONE page]. Its
// elements sit either
//   - at_end: ending exactly at the trailing guard page, so reading even one
//     element past the end faults (SIGSEGV kills the test binary, and ctest
//     reports the test that was running), or
//   - at_offset(k): starting k elements past a page boundary (a 64-byte
//     boundary too), so reading or writing before the start faults.
// Every byte of the data pages outside the elements is a canary; intact()
// says whether all of them survived, which catches writes past the end that
// stay inside the page.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>

namespace maskbench::conformance {

inline constexpr unsigned char kCanary = 0xA5;

template <class T>
class Guarded {
 public:
  static Guarded at_end(std::size_t n) { return Guarded(n, true, 0); }
  static Guarded at_offset(std::size_t n, std::size_t offset_elems) { return Guarded(n, false, offset_elems); }

  Guarded(Guarded&& o) noexcept : base_(o.base_), map_bytes_(o.map_bytes_), data_(o.data_), n_(o.n_) {
    o.base_ = nullptr;
  }
  Guarded(const Guarded&) = delete;
  Guarded& operator=(const Guarded&) = delete;
  ~Guarded() {
    if (base_ != nullptr) munmap(base_, map_bytes_);
  }

  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return n_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  std::span<T> span() { return {data_, n_}; }

  // Fills the elements' bytes with the canary too, so that a kernel that must
  // leave some elements untouched can be checked with untouched().
  void poison() { std::memset(static_cast<void*>(data_), kCanary, n_ * sizeof(T)); }
  // True when elements [from, to) still hold the canary bytes.
  bool untouched(std::size_t from, std::size_t to) const {
    const auto* p = reinterpret_cast<const unsigned char*>(data_ + from);
    for (std::size_t i = 0; i < (to - from) * sizeof(T); ++i)
      if (p[i] != kCanary) return false;
    return true;
  }
  // True when every byte of the data pages outside the elements is intact.
  bool intact() const {
    const auto* first = static_cast<const unsigned char*>(base_) + page();
    const auto* last = static_cast<const unsigned char*>(base_) + map_bytes_ - page();
    const auto* lo = reinterpret_cast<const unsigned char*>(data_);
    const auto* hi = reinterpret_cast<const unsigned char*>(data_ + n_);
    for (const unsigned char* p = first; p < lo; ++p)
      if (*p != kCanary) return false;
    for (const unsigned char* p = hi; p < last; ++p)
      if (*p != kCanary) return false;
    return true;
  }

 private:
  static std::size_t page() { return static_cast<std::size_t>(sysconf(_SC_PAGESIZE)); }

  Guarded(std::size_t n, bool at_end, std::size_t offset) : n_(n) {
    const std::size_t pg = page();
    const std::size_t bytes = (n + offset) * sizeof(T);
    const std::size_t data_pages = bytes / pg + 1;
    map_bytes_ = (data_pages + 2) * pg;
    void* m = mmap(nullptr, map_bytes_, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) throw std::runtime_error("guarded buffer: mmap failed");
    base_ = m;
    auto* usable = static_cast<unsigned char*>(m) + pg;
    if (mprotect(usable, data_pages * pg, PROT_READ | PROT_WRITE) != 0)
      throw std::runtime_error("guarded buffer: mprotect failed");
    std::memset(usable, kCanary, data_pages * pg);
    unsigned char* start = at_end ? usable + data_pages * pg - n * sizeof(T) : usable + offset * sizeof(T);
    data_ = reinterpret_cast<T*>(start);
  }

  void* base_ = nullptr;
  std::size_t map_bytes_ = 0;
  T* data_ = nullptr;
  std::size_t n_ = 0;
};

}  // namespace maskbench::conformance

#pragma once
// A process-wide threshold (maskbench/streaming.hpp) set for the scope of one
// test, so that a path the benchmarks take only at large sizes runs at the
// test's sizes, and restored however the test ends.
#include <cstddef>

namespace maskbench::conformance {

class ScopedThreshold {
 public:
  using Setter = std::size_t (*)(std::size_t);
  ScopedThreshold(Setter set, std::size_t bytes) : set_(set), saved_(set(bytes)) {}
  ~ScopedThreshold() { set_(saved_); }
  ScopedThreshold(const ScopedThreshold&) = delete;
  ScopedThreshold& operator=(const ScopedThreshold&) = delete;

 private:
  Setter set_;
  std::size_t saved_;
};

}  // namespace maskbench::conformance

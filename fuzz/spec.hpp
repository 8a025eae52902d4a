#pragma once
// How the fuzzer sees a kernel. A spec is a struct with
//   using T, Table;                      element type of its data, family table
//   static constexpr name, cpp_name;     "select", and the struct's own name
//   static constexpr knobs, params;      KnobDef and parameter names
//   static std::optional<Mismatch> check(const Table& k, const Table& ref, const Case<T>& c);
// check() runs the kernel under test and the scalar reference on the case
// according to the kernel's contract (maskbench/<family>.hpp) and says what
// differs; a spec's check is also what a pasted reproducer calls.
//
// An input is decoded as: family byte, kernel byte, then 2 bytes (little
// endian) per knob, taken modulo its limit, 4 bytes per parameter (an f32's
// bits), then the data, sizeof(T) bytes per element. Missing bytes read as 0.
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

#include "harness/shrink.hpp"

namespace maskbench::fuzz {

using conformance::Case;
using conformance::Mismatch;

struct KnobDef {
  std::string_view name;
  std::size_t limit;  // the knob takes values in [0, limit)
};

struct Reader {
  const std::uint8_t* p;
  std::size_t left;
  std::uint32_t take(std::size_t bytes) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < bytes; ++i)
      if (left > 0) {
        v |= static_cast<std::uint32_t>(*p++) << (8 * i);
        --left;
      }
    return v;
  }
};

template <class S>
Case<typename S::T> decode(Reader r) {
  Case<typename S::T> c;
  for (const KnobDef& k : S::knobs) c.knobs.push_back(r.take(2) % k.limit);
  for (std::size_t i = 0; i < S::params.size(); ++i) c.params.push_back(std::bit_cast<float>(r.take(4)));
  c.data.resize(r.left / sizeof(typename S::T));
  if (!c.data.empty()) std::memcpy(c.data.data(), r.p, c.data.size() * sizeof(typename S::T));
  return c;
}

template <class S>
std::vector<std::uint8_t> encode(std::uint8_t family, std::uint8_t kernel, const Case<typename S::T>& c) {
  std::vector<std::uint8_t> out = {family, kernel};
  const auto put = [&](std::uint32_t v, std::size_t bytes) {
    for (std::size_t i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  for (std::size_t k : c.knobs) put(static_cast<std::uint32_t>(k), 2);
  for (float p : c.params) put(std::bit_cast<std::uint32_t>(p), 4);
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(c.data.data());
  out.insert(out.end(), bytes, bytes + c.data.size() * sizeof(typename S::T));
  return out;
}

// The element of a data pool at index i, cycling; 0 for an empty pool. Kernels
// with several arrays fill them all from one pool so that shrinking the pool
// shrinks every array's variety at once.
inline float pool(const std::vector<float>& data, std::size_t i) {
  return data.empty() ? 0.0f : data[i % data.size()];
}

}  // namespace maskbench::fuzz

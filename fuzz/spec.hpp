#pragma once
// How the fuzzer reads a kernel's contract (conformance/contracts/) off its
// input bytes: family byte, kernel byte, then 2 bytes (little endian) per
// knob, taken modulo its limit, 4 bytes per parameter (its bits), then the
// data, sizeof(T) bytes per element. Missing bytes read as 0.
#include <bit>
#include <cstdint>
#include <cstring>
#include <vector>

#include "contracts/contract.hpp"

namespace maskbench::fuzz {

using conformance::CaseOf;

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
CaseOf<S> decode(Reader r) {
  CaseOf<S> c;
  for (const conformance::KnobDef& k : S::knobs) c.knobs.push_back(r.take(2) % k.limit);
  for (std::size_t i = 0; i < S::params.size(); ++i) c.params.push_back(std::bit_cast<typename S::P>(r.take(4)));
  c.data.resize(r.left / sizeof(typename S::T));
  if (!c.data.empty()) std::memcpy(c.data.data(), r.p, c.data.size() * sizeof(typename S::T));
  return c;
}

template <class S>
std::vector<std::uint8_t> encode(std::uint8_t family, std::uint8_t kernel, const CaseOf<S>& c) {
  std::vector<std::uint8_t> out = {family, kernel};
  const auto put = [&](std::uint32_t v, std::size_t bytes) {
    for (std::size_t i = 0; i < bytes; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  for (std::size_t k : c.knobs) put(static_cast<std::uint32_t>(k), 2);
  for (typename S::P p : c.params) put(std::bit_cast<std::uint32_t>(p), 4);
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(c.data.data());
  out.insert(out.end(), bytes, bytes + c.data.size() * sizeof(typename S::T));
  return out;
}

}  // namespace maskbench::fuzz

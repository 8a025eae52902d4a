#pragma once
// A kernel's contract, written once and read by three consumers: the
// GoogleTest sweeps (conformance/*_test.cpp), the libFuzzer decoder
// (fuzz/fuzz_target.cpp) and the shrinker (harness/shrink.hpp), so that a
// failure found either way ends as the same minimal reproducer. A contract is
//   struct Name : Contract<T, Table, P> {
//     static constexpr std::string_view name, cpp_name;  // "select", "CondSelect"
//     static constexpr std::array<KnobDef, K> knobs;       // sizes, offsets, flags, selectors
//     static constexpr std::array<std::string_view, N> params;
//     static std::optional<Mismatch> check(const Table& k, const Table& ref, const Case<T, P>& c);
//   };
// check() builds the kernel's inputs from the case (its data are the elements,
// or a pool that the kernel's arrays cycle through, see pool()), runs the
// kernel under test on guarded buffers (harness/guarded.hpp), and says what
// breaks the header's rule: a value that is not bit for bit the reference's
// or the definition's, or outside the stated error bound, or a write outside
// what the kernel may write. Any knob below its limit, any parameter and any
// data make a valid case: that is what lets the fuzzer decode arbitrary bytes
// and the shrinker move freely.
#include <array>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "harness/guarded.hpp"
#include "harness/shrink.hpp"
#include "harness/values.hpp"
#include "maskbench/registry.hpp"

namespace maskbench::conformance {

struct KnobDef {
  std::string_view name;
  std::size_t limit;  // a decoder takes the knob modulo this
};

template <class Elem, class FamilyTable, class Param = float>
struct Contract {
  using T = Elem;
  using Table = FamilyTable;
  using P = Param;
  static_assert(sizeof(P) == 4, "a parameter is decoded from 4 bytes");
};

template <class S>
using CaseOf = Case<typename S::T, typename S::P>;

// The C++ name of each family table, for pasted reproducers; each family's
// contracts specialize it.
template <class Table>
inline constexpr std::string_view table_name = "";

// The element of a data pool at index i, cycling; 0 for an empty pool. Kernels
// with several arrays fill them all from one pool so that shrinking the pool
// shrinks every array's variety at once.
template <class T>
T pool(const std::vector<T>& data, std::size_t i) {
  return data.empty() ? T{} : data[i % data.size()];
}

inline std::string show(float v) { return describe(v); }
inline std::string show(std::int32_t v) { return std::to_string(v); }
inline std::string show(std::uint32_t v) { return std::to_string(v); }
inline std::string show(std::uint8_t v) { return fmt::format("{:#04x}", v); }

template <class T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

inline Mismatch canaries_overwritten(std::size_t n, std::string_view around) {
  return Mismatch{n, fmt::format("the canaries around {}", around), "intact", "overwritten"};
}

// A y = f(x) kernel against a reference: the input ends at a guard page, the
// output starts `offset` elements past a page boundary (or the kernel runs in
// place there), and every element must equal the reference's bit for bit
// (any NaN matches any NaN). run(reference, x, y, n) runs the reference when
// `reference` is set, else the kernel under test.
template <class Run>
std::optional<Mismatch> elementwise_mismatch(std::span<const float> x, std::size_t offset, bool in_place, Run&& run) {
  const std::size_t n = x.size();
  std::vector<float> want(n);
  run(true, x.data(), want.data(), n);
  Guarded<float> in = Guarded<float>::at_end(n);
  Guarded<float> out = Guarded<float>::at_offset(n, offset);
  std::copy(x.begin(), x.end(), (in_place ? out : in).data());
  run(false, in_place ? out.data() : in.data(), out.data(), n);
  if (!out.intact()) return canaries_overwritten(n, fmt::format("y[0, {})", n));
  for (std::size_t i = 0; i < n; ++i)
    if (!same_float(out[i], want[i]))
      return Mismatch{i, fmt::format("y[{}] (x[{}] = {})", i, i, describe(x[i])), describe(want[i]), describe(out[i])};
  return std::nullopt;
}

// The scalar reference's table. A family that scalar does not provide
// (maskops: one vector of a SIMD level at a time) is checked against the
// scalar meaning of each primitive, written in its contracts; the table under
// test then stands in for the reference, which those checks do not read.
template <class Table>
const Table& reference(const Table& under_test) {
  const Table* scalar = maskbench::reference().kernels<Table>();
  return scalar != nullptr ? *scalar : under_test;
}

// The statements of a pasted reproducer: the contract's own check.
template <class S>
std::string reproducer_body() {
  std::string knobs, params;
  for (const KnobDef& k : S::knobs) knobs += fmt::format("{}{}", knobs.empty() ? "" : ", ", k.name);
  for (std::string_view p : S::params) params += fmt::format("{}{}", params.empty() ? "" : ", ", p);
  return fmt::format(
      "  // needs conformance/ on the include path: the contract of this kernel\n"
      "  const maskbench::{1}& k = *impl.kernels<maskbench::{1}>();\n"
      "  const auto m = maskbench::conformance::{0}::check(k, maskbench::conformance::reference(k), "
      "{{{{{2}}}, {{{3}}}, data}});\n"
      "  EXPECT_FALSE(m) << m->what << \": expected \" << m->expected << \", actual \" << m->actual;\n",
      S::cpp_name, table_name<typename S::Table>, knobs, params);
}

// Checks case c of contract S on the table k of implementation `impl`; when it
// fails, shrinks it and returns where it failed (`context` says the rest) and
// the reproducer.
template <class S>
std::optional<std::string> violation(std::string_view impl, const typename S::Table& k, const CaseOf<S>& c,
                                     std::string_view context = "") {
  const typename S::Table& ref = reference(k);
  const auto check = [&](const CaseOf<S>& x) { return S::check(k, ref, x); };
  std::array<std::string_view, S::knobs.size()> knob_names;
  for (std::size_t i = 0; i < knob_names.size(); ++i) knob_names[i] = S::knobs[i].name;
  return failure(impl, fmt::format("{}/{}", S::Table::kFamily, S::name), context, c, check, {knob_names, S::params},
                 reproducer_body<S>());
}

}  // namespace maskbench::conformance

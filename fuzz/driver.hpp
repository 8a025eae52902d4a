#pragma once
// Runs a decoded case against every implementation in the registry that this
// CPU can run (the scalar reference aside, and the known compiler defects of
// docs/known-defects.md, which conformance skips too). On a difference it
// names the implementation, kernel, n, first difference, expected and actual
// values, shrinks the case to a minimal one, prints it as a test to paste,
// and aborts so that libFuzzer saves the input.
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "maskbench/known_defects.hpp"
#include "maskbench/registry.hpp"
#include "spec.hpp"

namespace maskbench::fuzz {

// The C++ name of each family table, for pasted reproducers; each family's
// header specializes it.
template <class Table>
constexpr std::string_view table_name = "";

// The scalar reference's table. A family that scalar does not provide
// (maskops: one vector of a SIMD level at a time) is checked against the
// scalar meaning of each primitive, written in its specs; the table under
// test then stands in for the reference, which those checks do not read.
template <class Table>
const Table& reference(const Table& under_test) {
  const Table* scalar = maskbench::reference().kernels<Table>();
  return scalar != nullptr ? *scalar : under_test;
}

template <class S>
std::string reproducer_body() {
  std::string knobs, params;
  for (const KnobDef& k : S::knobs) knobs += fmt::format("{}{}", knobs.empty() ? "" : ", ", k.name);
  for (std::string_view p : S::params) params += fmt::format("{}{}", params.empty() ? "" : ", ", p);
  const std::string_view table = table_name<typename S::Table>;
  return fmt::format(
      "  // needs fuzz/ on the include path: the fuzzer's own check of this kernel's contract\n"
      "  const maskbench::{1}& k = *impl.kernels<maskbench::{1}>();\n"
      "  const auto m = maskbench::fuzz::{0}::check(k, maskbench::fuzz::reference(k), {{{{{2}}}, {{{3}}}, data}});\n"
      "  EXPECT_FALSE(m) << m->what << \": expected \" << m->expected << \", actual \" << m->actual;\n",
      S::cpp_name, table, knobs, params);
}

template <class S>
void check_every_implementation(const Case<typename S::T>& c) {
  using Table = typename S::Table;
  for (const Implementation& impl : implementations()) {
    const Table* k = impl.kernels<Table>();
    if (k == nullptr || &impl == &maskbench::reference() || !usable(impl).ok) continue;
    const Table& ref = reference(*k);
    const auto check = [&](const Case<typename S::T>& x) { return S::check(*k, ref, x); };
    std::array<std::string_view, S::knobs.size()> knob_names;
    for (std::size_t i = 0; i < knob_names.size(); ++i) knob_names[i] = S::knobs[i].name;
    const std::optional<std::string> failed =
        conformance::failure(impl.name, fmt::format("{}/{}", Table::kFamily, S::name), "", c, check,
                             {knob_names, S::params}, reproducer_body<S>());
    if (!failed) continue;
    fmt::print(stderr, "maskbench-fuzz: {}", *failed);
    std::abort();
  }
}

struct FuzzKernel {
  std::string_view family, name;
  void (*run)(Reader input);
};

template <class S>
constexpr FuzzKernel entry() {
  return {S::Table::kFamily, S::name, [](Reader input) { check_every_implementation<S>(decode<S>(input)); }};
}

}  // namespace maskbench::fuzz

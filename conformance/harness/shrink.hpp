#pragma once
// Minimal reproducers. A failing case found by a sweep or a fuzzer is rarely
// the one to debug: it has hundreds of elements, odd offsets and random
// values. shrink() reduces it the way property-based testers do, keeping only
// changes under which the check still fails:
//   - elements are removed, in halves, then quarters, ... down to single ones
//     (this shrinks n);
//   - knobs (offsets, sizes, selectors) move toward 0;
//   - parameters and element values move toward simpler values (0, 1, -1, 2,
//     ..., then fewer significant bits), each step strictly simpler, so the
//     search ends.
// reproducer() prints the result as a test case ready to paste.
#include <bit>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace maskbench::conformance {

// What a check found wrong: where (the first differing lane, or the count, or
// the canaries), and the expected and actual values as text.
struct Mismatch {
  std::size_t lane = 0;
  std::string what;  // "y[3]", "count", "canary around y[0, n)"
  std::string expected, actual;
};

// A case as the shrinker sees it.
template <class T, class P = float>
struct Case {
  std::vector<std::size_t> knobs;  // offsets, sizes, flags, selectors: simpler toward 0
  std::vector<P> params;           // scalar arguments of the kernel
  std::vector<T> data;             // the elements
};

// How complex a value is to read: lower is simpler.
inline std::uint64_t simplicity(float v) {
  static constexpr float kSimple[] = {0.0f, 1.0f, -1.0f, 2.0f, -2.0f, 0.5f, -0.5f};
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(v);
  for (std::size_t i = 0; i < std::size(kSimple); ++i)
    if (bits == std::bit_cast<std::uint32_t>(kSimple[i])) return i;
  if (std::isnan(v)) return 16;
  if (std::isinf(v)) return 17 + (v < 0);
  const std::uint32_t mantissa = bits & 0x7FFFFFu;
  const int significant = mantissa == 0 ? 1 : 24 - std::countr_zero(mantissa);
  const int exponent = static_cast<int>((bits >> 23) & 0xFF) - 127;
  return 32 + static_cast<std::uint64_t>(significant) * 1024 + static_cast<std::uint64_t>(std::abs(exponent)) * 2 +
         (bits >> 31);
}

template <std::integral T>
std::uint64_t simplicity(T v) {
  if constexpr (std::is_signed_v<T>)
    return v < 0 ? 2 * (static_cast<std::uint64_t>(-(v + 1)) + 1) : 2 * static_cast<std::uint64_t>(v);
  else
    return static_cast<std::uint64_t>(v);
}

// Candidates to replace v with, simplest first; shrink() keeps only those
// strictly simpler than v.
inline std::vector<float> simpler_values(float v) {
  std::vector<float> c = {0.0f, 1.0f, -1.0f, 2.0f, -2.0f, 0.5f, -0.5f};
  if (std::isfinite(v)) {
    c.push_back(std::trunc(v));
    c.push_back(std::fabs(v));
    const std::uint32_t bits = std::bit_cast<std::uint32_t>(v);
    for (std::uint32_t keep : {0u, 1u, 4u, 12u})  // keep the top `keep` mantissa bits
      c.push_back(std::bit_cast<float>(bits & ~((1u << (23 - keep)) - 1)));
  }
  return c;
}

template <std::integral T>
std::vector<T> simpler_values(T v) {
  std::vector<T> c = {T{0}, T{1}, static_cast<T>(v / 2), static_cast<T>(v > 0 ? v - 1 : v + 1)};
  if constexpr (std::is_signed_v<T>) {
    c.push_back(T{-1});
    if (v != std::numeric_limits<T>::min()) c.push_back(static_cast<T>(-v));
  }
  return c;
}

template <class T, class P>
struct Shrunk {
  Case<T, P> c;
  Mismatch m;
  std::size_t tries = 0;  // how many candidate cases were checked
  std::size_t elements = 0;  // their elements, summed
};

// What the shrinker may spend: checks, and elements summed over the checked
// cases. The second keeps a failing case of millions of elements (a test of
// counts past 2^24) from taking hours: it stops after a few checks, and the
// case is left as large as it got.
struct ShrinkBudget {
  std::size_t checks = 20000;
  std::size_t elements = std::size_t{1} << 27;
};

// `check(case)` returns the mismatch of a failing case, nullopt for a passing
// one.
template <class T, class P, class Check>
Shrunk<T, P> shrink(Case<T, P> c, Mismatch m, Check&& check, ShrinkBudget budget = {}) {
  Shrunk<T, P> s{std::move(c), std::move(m), 0, 0};
  const auto spent = [&] { return s.tries >= budget.checks || s.elements >= budget.elements; };
  const auto attempt = [&](Case<T, P>&& candidate) {
    if (spent()) return false;
    ++s.tries;
    s.elements += candidate.data.size();
    std::optional<Mismatch> found = check(std::as_const(candidate));
    if (!found) return false;
    s.c = std::move(candidate);
    s.m = std::move(*found);
    return true;
  };
  // Every loop below stops once the budget is spent: each candidate is a
  // copy of the case, itself as costly as a check for millions of elements.
  // Replaces one value of the case with each simpler candidate in turn.
  const auto simplify = [&](auto member, std::size_t i) {
    const auto v = (s.c.*member)[i];
    for (auto cand : simpler_values(v)) {
      if (spent()) return false;
      if (simplicity(cand) >= simplicity(v)) continue;
      Case<T, P> next = s.c;
      (next.*member)[i] = cand;
      if (attempt(std::move(next))) return true;
    }
    return false;
  };
  for (bool progress = true; progress && !spent();) {
    progress = false;
    for (std::size_t chunk = std::max<std::size_t>(1, s.c.data.size() / 2); chunk >= 1 && !s.c.data.empty() && !spent();
         chunk /= 2)
      for (std::size_t start = s.c.data.size(); start-- > 0 && !spent();) {
        if (start + chunk > s.c.data.size()) continue;
        Case<T, P> next = s.c;
        next.data.erase(next.data.begin() + static_cast<std::ptrdiff_t>(start),
                        next.data.begin() + static_cast<std::ptrdiff_t>(start + chunk));
        progress |= attempt(std::move(next));
      }
    for (std::size_t i = 0; i < s.c.knobs.size(); ++i)
      for (std::size_t cand : {std::size_t{0}, s.c.knobs[i] / 2, s.c.knobs[i] - 1}) {
        if (s.c.knobs[i] == 0 || cand >= s.c.knobs[i]) continue;
        Case<T, P> next = s.c;
        next.knobs[i] = cand;
        if (attempt(std::move(next))) {
          progress = true;
          break;
        }
      }
    for (std::size_t i = 0; i < s.c.params.size(); ++i) progress |= simplify(&Case<T, P>::params, i);
    for (std::size_t i = 0; i < s.c.data.size() && !spent(); ++i) progress |= simplify(&Case<T, P>::data, i);
  }
  return s;
}

// A value as a C++ literal that reproduces its bits exactly.
inline std::string literal(float v) {
  if (!std::isfinite(v)) return fmt::format("std::bit_cast<float>(0x{:08x}u)", std::bit_cast<std::uint32_t>(v));
  return fmt::format("{:a}f", v);
}
template <std::integral T>
std::string literal(T v) {
  if constexpr (std::is_same_v<T, std::int32_t>)
    if (v == std::numeric_limits<T>::min()) return "INT32_MIN";
  return fmt::format("{}", +v);
}
template <class T>
std::string literal_list(std::span<const T> values) {
  std::string s = "{";
  for (std::size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + literal(values[i]);
  return s + "}";
}

inline std::string type_name(float) { return "float"; }
inline std::string type_name(std::int32_t) { return "std::int32_t"; }
inline std::string type_name(std::uint8_t) { return "std::uint8_t"; }
inline std::string type_name(std::uint32_t) { return "std::uint32_t"; }

// Names for a case's knobs and parameters, and the statements that run the
// kernel on them and check the mismatch (they may use the names, `data` and
// `impl`).
struct CaseShape {
  std::span<const std::string_view> knobs;
  std::span<const std::string_view> params;
};

// The most data values a reproducer spells out.
constexpr std::size_t kPrintedElements = 4096;

// The shrunk case as a GoogleTest test, ready to paste:
//   minimal failing case (from n=300 after 412 checks): avx2 cond/select y[3]: expected ..., actual ...
//   TEST(Repro, avx2_cond_select) { ... }
template <class T, class P>
std::string reproducer(std::string_view impl, std::string_view kernel, std::size_t original_n, const Shrunk<T, P>& s,
                       const CaseShape& shape, std::string_view body) {
  std::string test_name = fmt::format("{}_{}", impl, kernel);
  for (char& ch : test_name)
    if (ch == '-' || ch == '/') ch = '_';
  std::string out = fmt::format(
      "minimal failing case (n={} shrunk to n={} after {} checks): {} {}, first difference at {}: expected {}, "
      "actual {}\n"
      "TEST(Repro, {}) {{\n"
      "  const maskbench::Implementation& impl = *maskbench::find_implementation(\"{}\");\n",
      original_n, s.c.data.size(), s.tries, impl, kernel, s.m.what, s.m.expected, s.m.actual, test_name, impl);
  for (std::size_t i = 0; i < s.c.knobs.size() && i < shape.knobs.size(); ++i)
    out += fmt::format("  const std::size_t {} = {};\n", shape.knobs[i], s.c.knobs[i]);
  for (std::size_t i = 0; i < s.c.params.size() && i < shape.params.size(); ++i)
    out += fmt::format("  const {} {} = {};\n", type_name(P{}), shape.params[i], literal(s.c.params[i]));
  if (s.c.data.size() <= kPrintedElements)
    out += fmt::format("  const std::vector<{}> data = {};  // n = {}\n", type_name(T{}),
                       literal_list(std::span<const T>(s.c.data)), s.c.data.size());
  else
    out += fmt::format("  const std::vector<{}> data = ...;  // n = {}: too many to print; the failing test builds them\n",
                       type_name(T{}), s.c.data.size());
  out += fmt::format("{}}}\n", body);
  return out;
}

// Checks a case; when it fails, shrinks it and returns the message: where it
// failed (`context` says the rest: seed, pattern, ...), then the reproducer.
template <class T, class P, class Check>
std::optional<std::string> failure(std::string_view impl, std::string_view kernel, std::string_view context,
                                   const Case<T, P>& c, Check&& check, const CaseShape& shape, std::string_view body) {
  std::optional<Mismatch> m = check(c);
  if (!m) return std::nullopt;
  const Shrunk<T, P> s = shrink(c, *m, check);
  return fmt::format("{} {} n={}{}{}: first difference at {}: expected {}, actual {}\n{}", impl, kernel, c.data.size(),
                     context.empty() ? "" : " ", context, m->what, m->expected, m->actual,
                     reproducer(impl, kernel, c.data.size(), s, shape, body));
}

}  // namespace maskbench::conformance

#pragma once
// The vera family (maskbench/vera.hpp). forward, forward_batch and
// forward_regen within gamma(vera_forward_depth) * T_i +
// vera_forward_underflow of the exact result, merge and unmerge within
// gamma(r + 3) * (|W0_ij| + sum_k |terms|) + vera_merge_underflow, NaN and
// infinities where the reference has them, generate bit for bit. Products
// below FLT_MIN are checked like any other: the underflow terms bound their
// absolute rounding errors (the fuzzer found the gap they close: 2^-149
// merged with r = 1 gives 0, exact 3.9e-180). Every input ends at a guard
// page, the unused columns of the A and B slices hold NaN (a kernel that read
// them would turn its result into NaN), outputs sit between canaries. Where
// finite inputs could overflow a partial sum (any stage's sum of magnitudes
// near FLT_MAX), the contract allows any result and only the memory contract
// is checked.
#include <cmath>
#include <functional>
#include <limits>

#include "driver.hpp"
#include "harness/checks.hpp"
#include "maskbench/vera.hpp"

namespace maskbench::fuzz {

template <>
constexpr std::string_view table_name<VeraKernels> = "VeraKernels";

inline constexpr double kOverflowRisk = 0x1p126;
inline double finite_mag(double v) { return std::isfinite(v) ? std::fabs(v) : 0.0; }

// One layer's inputs in guarded buffers, filled from the data pool in turn.
struct VeraInputs {
  std::size_t in, out, r, lda, ldb, m;
  bool bf16;
  conformance::Guarded<float> w0f, a, b, d, lb, x;
  conformance::Guarded<std::uint16_t> w0h;

  // knobs: in, out, r, lda - in, ldb - r, then `first` for the rest.
  VeraInputs(const Case<float>& c, std::size_t tokens, bool bf16_w0)
      : in(c.knobs[0]), out(c.knobs[1]), r(c.knobs[2]), lda(in + c.knobs[3]), ldb(r + c.knobs[4]), m(tokens),
        bf16(bf16_w0),
        w0f(conformance::Guarded<float>::at_end(bf16 ? 0 : out * in)),
        a(conformance::Guarded<float>::at_end(r == 0 ? 0 : (r - 1) * lda + in)),
        b(conformance::Guarded<float>::at_end(out == 0 ? 0 : (out - 1) * ldb + r)),
        d(conformance::Guarded<float>::at_end(r)),
        lb(conformance::Guarded<float>::at_end(out)),
        x(conformance::Guarded<float>::at_end(m * in)),
        w0h(conformance::Guarded<std::uint16_t>::at_end(bf16 ? out * in : 0)) {
    std::size_t next = 0;
    const auto value = [&] { return pool(c.data, next++); };
    for (std::size_t i = 0; i < out * in; ++i) {
      const float v = value();
      if (bf16)
        w0h[i] = static_cast<std::uint16_t>(std::bit_cast<std::uint32_t>(v) >> 16);
      else
        w0f[i] = v;
    }
    const float nan = std::numeric_limits<float>::quiet_NaN();
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = i % lda < in ? value() : nan;
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = i % ldb < r ? value() : nan;
    for (float& v : d.span()) v = value();
    for (float& v : lb.span()) v = value();
    for (float& v : x.span()) v = value();
  }
  VeraLayer layer() const {
    return VeraLayer{in, out, r, bf16 ? static_cast<const void*>(w0h.data()) : static_cast<const void*>(w0f.data()),
                     bf16 ? VeraWeight::bf16 : VeraWeight::f32, a.data(), lda, b.data(), ldb, d.data(), lb.data()};
  }
  float w0(std::size_t i, std::size_t j) const { return bf16 ? widen(Bf16{w0h[i * in + j]}) : w0f[i * in + j]; }
};

// Compares one output with the reference and the exact value: `risk` is the
// largest sum of finite magnitudes any stage of it can reach.
inline std::optional<Mismatch> vera_value(std::string what, float got, float ref, double exact, double bound,
                                          double risk) {
  if (risk >= kOverflowRisk) return std::nullopt;
  if (std::isnan(ref)) {
    if (std::isnan(got)) return std::nullopt;
    return Mismatch{0, what + " (the reference is NaN)", "NaN", conformance::describe(got)};
  }
  if (std::isinf(ref) || !std::isfinite(bound)) {
    if (conformance::same_float(got, ref)) return std::nullopt;
    return Mismatch{0, what + " (the reference is not finite)", conformance::describe(ref), conformance::describe(got)};
  }
  if (std::isfinite(got) && std::fabs(static_cast<double>(got) - exact) <= bound) return std::nullopt;
  return Mismatch{0, what, fmt::format("{} +- {} (reference {})", exact, bound, conformance::describe(ref)),
                  conformance::describe(got)};
}

struct VeraForward {
  using T = float;
  using Table = VeraKernels;
  static constexpr std::string_view name = "forward", cpp_name = "VeraForward";
  static constexpr std::array<KnobDef, 10> knobs{{{"in", 40},
                                                  {"out", 40},
                                                  {"r", 20},
                                                  {"lda_extra", 4},
                                                  {"ldb_extra", 4},
                                                  {"m", 6},
                                                  {"entry", 3},
                                                  {"bf16", 2},
                                                  {"y_offset", 16},
                                                  {"gen_seed", 65536}}};
  static constexpr std::array<std::string_view, 0> params{};
  enum Entry { forward, batch, regen };

  static std::optional<Mismatch> check(const Table& k, const Table& ref, const Case<T>& c) {
    const auto entry = static_cast<Entry>(c.knobs[6]);
    const VeraInputs p(c, entry == forward ? 1 : c.knobs[5], c.knobs[7] != 0);
    const VeraSeed seed{c.knobs[9], p.lda};
    const auto run = [&](const Table& t, float* y) {
      if (entry == forward)
        t.forward(p.layer(), p.x.data(), y);
      else if (entry == batch)
        t.forward_batch(p.layer(), p.x.data(), y, p.m);
      else
        t.forward_regen(p.layer(), seed, p.x.data(), y, p.m);
    };
    std::vector<float> want(p.m * p.out);
    run(ref, want.data());
    conformance::Guarded<float> y = conformance::Guarded<float>::at_offset(p.m * p.out, c.knobs[8]);
    run(k, y.data());
    if (!y.intact()) return Mismatch{y.size(), "the canaries around y", "intact", "overwritten"};
    const auto a_at = [&](std::size_t kk, std::size_t j) {
      return entry == regen ? vera_element(seed.seed, VeraMatrix::a, seed.a_fan_in, kk, j) : p.a[kk * p.lda + j];
    };
    const auto b_at = [&](std::size_t i, std::size_t kk) {
      return entry == regen ? vera_element(seed.seed, VeraMatrix::b, p.r, i, kk) : p.b[i * p.ldb + kk];
    };
    const double gamma = conformance::gamma_f32(vera_forward_depth(k, p.in, p.r));
    std::vector<double> z(p.r), zabs(p.r);
    for (std::size_t t = 0; t < p.m; ++t) {
      const float* x = p.x.data() + t * p.in;
      double risk = 0;
      for (std::size_t kk = 0; kk < p.r; ++kk) {
        double v = 0, av = 0;
        for (std::size_t j = 0; j < p.in; ++j) {
          const double prod = static_cast<double>(a_at(kk, j)) * x[j];
          v += prod;
          av += finite_mag(prod);
        }
        z[kk] = p.d[kk] * v;
        zabs[kk] = finite_mag(p.d[kk]) * av;
        risk = std::max({risk, av, zabs[kk]});
      }
      for (std::size_t i = 0; i < p.out; ++i) {
        double w = 0, wabs = 0, bz = 0, bzabs = 0, row_risk = risk;
        for (std::size_t j = 0; j < p.in; ++j) {
          const double prod = static_cast<double>(p.w0(i, j)) * x[j];
          w += prod;
          wabs += finite_mag(prod);
        }
        for (std::size_t kk = 0; kk < p.r; ++kk) {
          const double prod = static_cast<double>(b_at(i, kk)) * z[kk];
          bz += prod;
          bzabs += finite_mag(b_at(i, kk)) * zabs[kk];
        }
        const double terms = wabs + finite_mag(p.lb[i]) * bzabs;
        const std::size_t n = t * p.out + i;
        row_risk = std::max({row_risk, wabs, bzabs, terms});
        if (auto m = vera_value(fmt::format("y[{}] (token {}, row {})", n, t, i), y[n], want[n], w + p.lb[i] * bz,
                                gamma * terms + vera_forward_underflow(p.layer(), i, entry == regen ? &seed : nullptr),
                                row_risk)) {
          m->lane = n;
          return m;
        }
      }
    }
    return std::nullopt;
  }
};

struct VeraMerge {
  using T = float;
  using Table = VeraKernels;
  static constexpr std::string_view name = "merge", cpp_name = "VeraMerge";
  static constexpr std::array<KnobDef, 9> knobs{{{"in", 40},
                                                 {"out", 40},
                                                 {"r", 20},
                                                 {"lda_extra", 4},
                                                 {"ldb_extra", 4},
                                                 {"bf16", 2},
                                                 {"unmerge", 2},
                                                 {"in_place", 2},
                                                 {"w_offset", 16}}};
  static constexpr std::array<std::string_view, 0> params{};

  static std::optional<Mismatch> check(const Table& k, const Table& ref, const Case<T>& c) {
    const VeraInputs p(c, 0, c.knobs[5] != 0);
    const bool unmerge = c.knobs[6] != 0, in_place = c.knobs[7] != 0 && !p.bf16;
    const std::size_t n = p.out * p.in;
    const auto run = [&](const Table& t, float* w) {
      VeraLayer l = p.layer();
      if (in_place) {
        std::copy(p.w0f.data(), p.w0f.data() + n, w);
        l.w0 = w;
      }
      (unmerge ? t.unmerge : t.merge)(l, w);
    };
    std::vector<float> want(n);
    run(ref, want.data());
    conformance::Guarded<float> w = conformance::Guarded<float>::at_offset(n, c.knobs[8]);
    run(k, w.data());
    if (!w.intact()) return Mismatch{n, "the canaries around w", "intact", "overwritten"};
    const double gamma = conformance::gamma_f32(vera_merge_depth(p.r));
    for (std::size_t i = 0; i < p.out; ++i)
      for (std::size_t j = 0; j < p.in; ++j) {
        double delta = 0, mag = 0, risk = 0;
        for (std::size_t kk = 0; kk < p.r; ++kk) {
          const double bd = static_cast<double>(p.b[i * p.ldb + kk]) * p.d[kk], c_ik = bd * p.lb[i];
          const double t = c_ik * p.a[kk * p.lda + j];
          delta += t;
          mag += finite_mag(t);
          risk = std::max({risk, finite_mag(bd), finite_mag(c_ik)});
        }
        const double src = p.w0(i, j);
        const std::size_t e = i * p.in + j;
        if (auto m = vera_value(fmt::format("w[{}] (row {}, column {})", e, i, j), w[e], want[e],
                                src + (unmerge ? -delta : delta),
                                gamma * (finite_mag(src) + mag) + vera_merge_underflow(p.layer(), i, j),
                                std::max({risk, mag, finite_mag(src) + mag}))) {
          m->lane = e;
          return m;
        }
      }
    return std::nullopt;
  }
};

struct VeraGenerate {
  using T = float;
  using Table = VeraKernels;
  static constexpr std::string_view name = "generate", cpp_name = "VeraGenerate";
  static constexpr std::array<KnobDef, 9> knobs{{{"matrix", 2},
                                                 {"fan_in", 5000},
                                                 {"row0", 65536},
                                                 {"rows", 9},
                                                 {"col0", 65536},
                                                 {"cols", 70},
                                                 {"ld_extra", 5},
                                                 {"offset", 16},
                                                 {"seed", 65536}}};
  static constexpr std::array<std::string_view, 0> params{};

  static std::optional<Mismatch> check(const Table& k, const Table&, const Case<T>& c) {
    const auto which = static_cast<VeraMatrix>(c.knobs[0]);
    const std::size_t fan_in = c.knobs[1] + 1, row0 = c.knobs[2], rows = c.knobs[3], col0 = c.knobs[4],
                      cols = c.knobs[5], ld = cols + c.knobs[6], seed = c.knobs[8];
    const std::size_t n = rows == 0 ? 0 : (rows - 1) * ld + cols;
    conformance::Guarded<float> out = conformance::Guarded<float>::at_offset(n, c.knobs[7]);
    out.poison();
    k.generate(seed, which, fan_in, row0, rows, col0, cols, out.data(), ld);
    if (!out.intact()) return Mismatch{n, "the canaries around the tile", "intact", "overwritten"};
    for (std::size_t i = 0; i < rows; ++i)
      for (std::size_t j = 0; j < ld && i * ld + j < n; ++j) {
        const std::size_t e = i * ld + j;
        if (j >= cols) {
          if (!out.untouched(e, e + 1)) return Mismatch{e, fmt::format("out[{}], between rows", e), "untouched", "written"};
          continue;
        }
        const float want = vera_element(seed, which, fan_in, row0 + i, col0 + j);
        if (!conformance::same_float(out[e], want))
          return Mismatch{e, fmt::format("element ({}, {})", i, j), conformance::describe(want),
                          conformance::describe(out[e])};
      }
    return std::nullopt;
  }
};

}  // namespace maskbench::fuzz

#pragma once
// The vera family's contracts (maskbench/vera.hpp). forward, forward_batch
// and forward_regen within gamma(vera_forward_depth) * T_i +
// vera_forward_underflow of the exact result, merge and unmerge within
// gamma(r + 3) * (|W0_ij| + sum_k |terms|) + vera_merge_underflow, NaN and
// infinities where the reference has them, generate bit for bit. Products
// below FLT_MIN are checked like any other: the underflow terms bound their
// absolute rounding errors (the fuzzer found the gap they close: 2^-149
// merged with r = 1 gives 0, exact 3.9e-180). Every input ends at a guard
// page, the unused columns of the A and B slices hold NaN (a kernel that read
// them would turn its result into NaN), forward_regen gets no A and B at all,
// outputs sit between canaries. Where finite inputs could overflow a partial
// sum (any stage's sum of magnitudes near FLT_MAX), the contract allows any
// result and only the memory contract is checked.
#include <algorithm>
#include <cmath>
#include <limits>

#include "contracts/contract.hpp"
#include "maskbench/vera.hpp"

namespace maskbench::conformance {

template <>
inline constexpr std::string_view table_name<VeraKernels> = "VeraKernels";

inline constexpr double kVeraOverflowRisk = 0x1p126;
inline double finite_mag(double v) { return std::isfinite(v) ? std::fabs(v) : 0.0; }

// One layer's inputs in guarded buffers. Knobs 0..4 are in, out, r, lda - in
// and ldb - r; the pool fills W0 (row-major; a bf16 W0 takes each value's
// upper half), then A's and B's used columns, d, b and the m tokens of x.
struct VeraInputs {
  std::size_t in, out, r, lda, ldb, m;
  bool bf16;
  Guarded<float> w0f, a, b, d, lb, x;
  Guarded<std::uint16_t> w0h;

  VeraInputs(const Case<float>& c, std::size_t tokens, bool bf16_w0)
      : in(c.knobs[0]), out(c.knobs[1]), r(c.knobs[2]), lda(in + c.knobs[3]), ldb(r + c.knobs[4]), m(tokens),
        bf16(bf16_w0),
        w0f(Guarded<float>::at_end(bf16 ? 0 : out * in)),
        a(Guarded<float>::at_end(r == 0 ? 0 : (r - 1) * lda + in)),
        b(Guarded<float>::at_end(out == 0 ? 0 : (out - 1) * ldb + r)),
        d(Guarded<float>::at_end(r)),
        lb(Guarded<float>::at_end(out)),
        x(Guarded<float>::at_end(m * in)),
        w0h(Guarded<std::uint16_t>::at_end(bf16 ? out * in : 0)) {
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

// Per output y[t*out + i]: the exact value, T_i (the sum of the magnitudes of
// every term of its full expansion), the underflow term and the largest sum of
// finite magnitudes any stage reaches; over A and B as stored or, with
// `regen`, as generated.
struct VeraExact {
  std::vector<double> y, terms, underflow, risk;
};
inline VeraExact vera_forward_exact(const VeraInputs& p, const VeraSeed* regen) {
  const auto a_at = [&](std::size_t k, std::size_t j) {
    return regen != nullptr ? vera_element(regen->seed, VeraMatrix::a, regen->a_fan_in, k, j) : p.a[k * p.lda + j];
  };
  const auto b_at = [&](std::size_t i, std::size_t k) {
    return regen != nullptr ? vera_element(regen->seed, VeraMatrix::b, p.r, i, k) : p.b[i * p.ldb + k];
  };
  const std::size_t n = p.m * p.out;
  VeraExact e{std::vector<double>(n), std::vector<double>(n), std::vector<double>(n), std::vector<double>(n)};
  std::vector<double> z(p.r), zabs(p.r);
  for (std::size_t t = 0; t < p.m; ++t) {
    const float* x = p.x.data() + t * p.in;
    double risk = 0;
    for (std::size_t k = 0; k < p.r; ++k) {
      double v = 0, av = 0;
      for (std::size_t j = 0; j < p.in; ++j) {
        const double prod = static_cast<double>(a_at(k, j)) * x[j];
        v += prod;
        av += finite_mag(prod);
      }
      z[k] = p.d[k] * v;
      zabs[k] = finite_mag(p.d[k]) * av;
      risk = std::max({risk, av, zabs[k]});
    }
    for (std::size_t i = 0; i < p.out; ++i) {
      double w = 0, wabs = 0, bz = 0, bzabs = 0;
      for (std::size_t j = 0; j < p.in; ++j) {
        const double prod = static_cast<double>(p.w0(i, j)) * x[j];
        w += prod;
        wabs += finite_mag(prod);
      }
      for (std::size_t k = 0; k < p.r; ++k) {
        bz += static_cast<double>(b_at(i, k)) * z[k];
        bzabs += finite_mag(b_at(i, k)) * zabs[k];
      }
      const std::size_t o = t * p.out + i;
      e.y[o] = w + p.lb[i] * bz;
      e.terms[o] = wabs + finite_mag(p.lb[i]) * bzabs;
      e.underflow[o] = vera_forward_underflow(p.layer(), i, regen);
      e.risk[o] = std::max({risk, wabs, bzabs, e.terms[o]});
    }
  }
  return e;
}

// One output against the reference (NaN and infinities) and the exact value.
inline std::optional<Mismatch> vera_value(std::string what, float got, float ref, double exact, double bound,
                                          double risk) {
  if (risk >= kVeraOverflowRisk) return std::nullopt;
  if (std::isnan(ref)) {
    if (std::isnan(got)) return std::nullopt;
    return Mismatch{0, what + " (the reference is NaN)", "NaN", describe(got)};
  }
  if (std::isinf(ref) || !std::isfinite(bound)) {
    if (same_float(got, ref)) return std::nullopt;
    return Mismatch{0, what + " (the reference is not finite)", describe(ref), describe(got)};
  }
  if (std::isfinite(got) && std::fabs(static_cast<double>(got) - exact) <= bound) return std::nullopt;
  return Mismatch{0, what, fmt::format("{} +- {} (reference {})", exact, bound, describe(ref)), describe(got)};
}

// Every output y[n] of a forward within gamma(depth) * T + underflow.
inline std::optional<Mismatch> vera_outputs(const VeraInputs& p, const float* y, const std::vector<float>& want,
                                            const VeraExact& e, std::size_t depth) {
  const double gamma = gamma_f32(depth);
  for (std::size_t n = 0; n < want.size(); ++n)
    if (auto m = vera_value(fmt::format("y[{}] (token {}, row {}, depth {})", n, n / std::max<std::size_t>(p.out, 1),
                                        n % std::max<std::size_t>(p.out, 1), depth),
                            y[n], want[n], e.y[n], gamma * e.terms[n] + e.underflow[n], e.risk[n])) {
      m->lane = n;
      return m;
    }
  return std::nullopt;
}

struct VeraForward : Contract<float, VeraKernels> {
  static constexpr std::string_view name = "forward", cpp_name = "VeraForward";
  static constexpr std::array<KnobDef, 10> knobs{{{"in", 40}, {"out", 40}, {"r", 20}, {"lda_extra", 4},
                                                  {"ldb_extra", 4}, {"m", 6}, {"entry", 3}, {"bf16", 2},
                                                  {"y_offset", 16}, {"gen_seed", 65536}}};
  static constexpr std::array<std::string_view, 0> params{};
  enum Entry { forward, batch, regen };

  static std::optional<Mismatch> check(const Table& k, const Table& ref, const Case<T>& c) {
    const auto entry = static_cast<Entry>(c.knobs[6] % 3);
    const VeraInputs p(c, entry == forward ? 1 : c.knobs[5], c.knobs[7] != 0);
    const VeraSeed seed{c.knobs[9], p.lda};
    const auto run = [&](const Table& t, float* y) {
      VeraLayer l = p.layer();
      if (entry == forward)
        t.forward(l, p.x.data(), y);
      else if (entry == batch)
        t.forward_batch(l, p.x.data(), y, p.m);
      else {
        l.a = l.b = nullptr;
        t.forward_regen(l, seed, p.x.data(), y, p.m);
      }
    };
    std::vector<float> want(p.m * p.out);
    run(ref, want.data());
    Guarded<float> y = Guarded<float>::at_offset(p.m * p.out, c.knobs[8]);
    run(k, y.data());
    if (!y.intact()) return canaries_overwritten(y.size(), "y[0, m*out)");
    return vera_outputs(p, y.data(), want, vera_forward_exact(p, entry == regen ? &seed : nullptr),
                        vera_forward_depth(k, p.in, p.r, p.m));
  }
};

// The exact delta of w_ij, the sum of its terms' magnitudes and the largest
// magnitude an intermediate reaches.
struct VeraDelta {
  double delta = 0, mag = 0, risk = 0;
};
inline VeraDelta vera_merge_exact(const VeraInputs& p, std::size_t i, std::size_t j) {
  VeraDelta e;
  for (std::size_t k = 0; k < p.r; ++k) {
    const double bd = static_cast<double>(p.b[i * p.ldb + k]) * p.d[k], c_ik = bd * p.lb[i];
    const double t = c_ik * p.a[k * p.lda + j];
    e.delta += t;
    e.mag += finite_mag(t);
    e.risk = std::max({e.risk, finite_mag(bd), finite_mag(c_ik)});
  }
  return e;
}

// merge or unmerge into w at an offset, out of place or (f32 W0) in place.
struct VeraMerge : Contract<float, VeraKernels> {
  static constexpr std::string_view name = "merge", cpp_name = "VeraMerge";
  static constexpr std::array<KnobDef, 9> knobs{{{"in", 40}, {"out", 40}, {"r", 20}, {"lda_extra", 4},
                                                 {"ldb_extra", 4}, {"bf16", 2}, {"unmerge", 2}, {"in_place", 2},
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
    Guarded<float> w = Guarded<float>::at_offset(n, c.knobs[8]);
    run(k, w.data());
    if (!w.intact()) return canaries_overwritten(n, "w[0, out*in)");
    const double gamma = gamma_f32(vera_merge_depth(p.r));
    for (std::size_t i = 0; i < p.out; ++i)
      for (std::size_t j = 0; j < p.in; ++j) {
        const VeraDelta e = vera_merge_exact(p, i, j);
        const double src = p.w0(i, j);
        const std::size_t o = i * p.in + j;
        if (auto m = vera_value(fmt::format("w[{}] (row {}, column {})", o, i, j), w[o], want[o],
                                src + (unmerge ? -e.delta : e.delta),
                                gamma * (finite_mag(src) + e.mag) + vera_merge_underflow(p.layer(), i, j),
                                std::max({e.risk, e.mag, finite_mag(src) + e.mag}))) {
          m->lane = o;
          return m;
        }
      }
    return std::nullopt;
  }
};

// A tile of A or B bit for bit as vera_element makes it, inside
// [-vera_bound, vera_bound), nothing written between rows or around the tile.
struct VeraGenerate : Contract<float, VeraKernels> {
  static constexpr std::string_view name = "generate", cpp_name = "VeraGenerate";
  static constexpr std::array<KnobDef, 9> knobs{{{"matrix", 2}, {"fan_in_minus_1", 5000}, {"row0", 65536},
                                                 {"rows", 9}, {"col0", 65536}, {"cols", 70}, {"ld_extra", 5},
                                                 {"offset", 16}, {"seed", 65536}}};
  static constexpr std::array<std::string_view, 0> params{};

  static std::optional<Mismatch> check(const Table& k, const Table&, const Case<T>& c) {
    const auto which = static_cast<VeraMatrix>(c.knobs[0] % 2);
    const std::size_t fan_in = c.knobs[1] + 1, row0 = c.knobs[2], rows = c.knobs[3], col0 = c.knobs[4],
                      cols = c.knobs[5], ld = cols + c.knobs[6], seed = c.knobs[8];
    const std::size_t n = rows == 0 ? 0 : (rows - 1) * ld + cols;
    Guarded<float> out = Guarded<float>::at_offset(n, c.knobs[7]);
    out.poison();
    k.generate(seed, which, fan_in, row0, rows, col0, cols, out.data(), ld);
    if (!out.intact()) return canaries_overwritten(n, "the tile");
    const float bound = vera_bound(fan_in);
    for (std::size_t e = 0; e < n; ++e) {
      const std::size_t i = e / ld, j = e % ld;
      if (j >= cols) {
        if (!out.untouched(e, e + 1)) return Mismatch{e, fmt::format("out[{}], between rows", e), "untouched", "written"};
        continue;
      }
      const float want = vera_element(seed, which, fan_in, row0 + i, col0 + j);
      if (!same_float(out[e], want))
        return Mismatch{e, fmt::format("element ({}, {})", i, j), describe(want), describe(out[e])};
      if (!(want >= -bound && want < bound))
        return Mismatch{e, fmt::format("vera_element ({}, {})", row0 + i, col0 + j),
                        fmt::format("within [-{0}, {0})", bound), describe(want)};
    }
    return std::nullopt;
  }
};

}  // namespace maskbench::conformance

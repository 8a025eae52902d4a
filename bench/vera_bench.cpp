// VeRA benchmarks on real layer shapes:
//   vera/<kernel>/<impl>/n:<in>/out:<out>/r:<r>/m:<m>/w:<f32|bf16>
//   vera/read_bandwidth/n:<bytes>[/streams:8]   a plain summing pass over a
//       buffer the size of a forward pass's working set (one stream, or eight
//       side by side as forward reads its row block)
// Bytes/s counts the bytes a kernel must move (W0, the A and B slices unless
// regenerated, d, b, X and Y; merge: A, B, W0 read and W written), FLOP/s
// the multiply-adds of the expression (2 FLOPs each).
//
// Chosen to fit the family's 3-minute budget: the cross product (4
// layers x r in {16, 256, 1024} x m in {1, 8, 32} x f32/bf16) runs for avx512
// only, with regeneration at m = 1 and the f32 OpenBLAS composition at every
// layer and rank (sgemm for the batches, at r = 256); every implementation (forward f32 and bf16, regeneration
// f32) runs at 1024x1024 and 4096x4096 with r = 256 and m = 1, the targets'
// point; the probes run at r = 256; merge and generate at a few points, merge
// also as OpenBLAS's sgemm with beta = 1 at 1024 and 4096 square, r = 256.
// --quick keeps 1024x1024 and 4096x4096 at r = 256, m = 1.
#include <cmath>
#include <map>
#include <memory>
#include <tuple>


#include "harness.hpp"
#include "maskbench/best.hpp"
#include "maskbench/vera.hpp"
#include "peers/highway_read.hpp"
#include "peers/openblas_vera.hpp"

namespace maskbench::bench {
namespace {

constexpr std::uint64_t kSeed = 0x5645526141ull;
constexpr std::size_t kMaxTokens = 32;
constexpr std::size_t kProbeStreams = 8;

struct Point {
  std::size_t in, out, r, m;
  VeraWeight w;
  std::string name(std::string_view kernel, std::string_view impl) const {
    return schema::format_name({"vera", std::string(kernel), std::string(impl),
                                {{schema::kArgSize, std::to_string(in)},
                                 {"out", std::to_string(out)},
                                 {"r", std::to_string(r)},
                                 {"m", std::to_string(m)},
                                 {"w", w == VeraWeight::f32 ? "f32" : "bf16"}}});
  }
  std::size_t w0_bytes() const { return out * in * (w == VeraWeight::f32 ? 4 : 2); }
  std::size_t adapter_bytes() const { return 4 * (r * in + out * r); }
  std::size_t vector_bytes() const { return 4 * (m * (in + out) + r + out); }
  double flops() const { return 2.0 * static_cast<double>(m) * static_cast<double>(out * in + r * in + out * r); }
};

// best()'s generate: filling a 180 MB layer with the scalar one would
// dominate the run.
const VeraKernels& filler() {
  static const VeraKernels* k = best(VeraKernels::kFamily).kernels<VeraKernels>();
  return *k;
}

// Layer data, built on first use and kept for the whole run: the benchmark
// binary interleaves repetitions of different benchmarks at random, so any
// layer may be asked for at any time, and building one (up to 270 MB of W0)
// costs more than measuring it. W0 per shape, A and B per rank.
struct Weights {
  Buffer<float> w0f{0};
  Buffer<std::uint16_t> w0h{0};
};
struct Adapter {
  Buffer<float> a{0}, b{0}, d{0}, lb{0}, x{0}, y{0};
};

const Weights& weights(std::size_t in, std::size_t out) {
  static std::map<std::pair<std::size_t, std::size_t>, std::unique_ptr<Weights>> cache;
  std::unique_ptr<Weights>& w = cache[{in, out}];
  if (!w) {
    w = std::make_unique<Weights>();
    w->w0f = Buffer<float>(out * in);
    w->w0h = Buffer<std::uint16_t>(out * in);
    filler().generate(kSeed + 1, VeraMatrix::a, in, 0, out, 0, in, w->w0f.data(), in);
    for (std::size_t i = 0; i < out * in; ++i)
      w->w0h[i] = static_cast<std::uint16_t>(std::bit_cast<std::uint32_t>(w->w0f[i]) >> 16);
  }
  return *w;
}

Adapter& adapter(std::size_t in, std::size_t out, std::size_t r) {
  static std::map<std::tuple<std::size_t, std::size_t, std::size_t>, std::unique_ptr<Adapter>> cache;
  std::unique_ptr<Adapter>& ad = cache[{in, out, r}];
  if (!ad) {
    ad = std::make_unique<Adapter>();
    ad->a = Buffer<float>(r * in);
    ad->b = Buffer<float>(out * r);
    filler().generate(kSeed, VeraMatrix::a, in, 0, r, 0, in, ad->a.data(), in);
    filler().generate(kSeed, VeraMatrix::b, r, 0, out, 0, r, ad->b.data(), r);
    ad->d = Buffer<float>(r);
    for (std::size_t k = 0; k < r; ++k) ad->d[k] = 0.1f;
    ad->lb = Buffer<float>(out);
    for (std::size_t i = 0; i < out; ++i) ad->lb[i] = 0.01f * static_cast<float>(i % 7);
    ad->x = Buffer<float>(kMaxTokens * in);
    filler().generate(kSeed + 2, VeraMatrix::a, 1, 0, kMaxTokens, 0, in, ad->x.data(), in);
    ad->y = Buffer<float>(kMaxTokens * out);
  }
  return *ad;
}

VeraLayer layer_for(const Point& p) {
  const Weights& w = weights(p.in, p.out);
  Adapter& ad = adapter(p.in, p.out, p.r);
  VeraLayer l;
  l.in = p.in;
  l.out = p.out;
  l.r = p.r;
  l.w0 = p.w == VeraWeight::f32 ? static_cast<const void*>(w.w0f.data()) : static_cast<const void*>(w.w0h.data());
  l.w0_type = p.w;
  l.a = ad.a.data();
  l.lda = p.in;
  l.b = ad.b.data();
  l.ldb = p.r;
  l.lambda_d = ad.d.data();
  l.lambda_b = ad.lb.data();
  return l;
}

void count(benchmark::State& state, double bytes, double items, double flops) {
  set_throughput(state, bytes, items);
  state.counters["FLOP/s"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
}

void add_forward(const Point& p, const Implementation* impl, const VeraKernels* k) {
  add(p.name(p.m == 1 ? "forward" : "forward_batch", impl->name), impl, [p, k](benchmark::State& state) {
    const VeraLayer l = layer_for(p);
    Adapter& ad = adapter(p.in, p.out, p.r);
    float* y = ad.y.data();
    for (auto _ : state) {
      if (p.m == 1)
        k->forward(l, ad.x.data(), y);
      else
        k->forward_batch(l, ad.x.data(), y, p.m);
      benchmark::DoNotOptimize(y);
      benchmark::ClobberMemory();
    }
    count(state, static_cast<double>(p.w0_bytes() + p.adapter_bytes() + p.vector_bytes()),
          static_cast<double>(p.m * p.out), p.flops());
  });
}

// Regeneration moves no A or B bytes: its bytes/s is over W0 and the vectors.
void add_regen(const Point& p, const Implementation* impl, const VeraKernels* k) {
  add(p.name("forward_regen", impl->name), impl, [p, k](benchmark::State& state) {
    VeraLayer l = layer_for(p);
    l.a = nullptr;
    l.b = nullptr;
    const VeraSeed seed{kSeed, p.in};
    Adapter& ad = adapter(p.in, p.out, p.r);
    float* y = ad.y.data();
    for (auto _ : state) {
      k->forward_regen(l, seed, ad.x.data(), y, p.m);
      benchmark::DoNotOptimize(y);
      benchmark::ClobberMemory();
    }
    count(state, static_cast<double>(p.w0_bytes() + p.vector_bytes()), static_cast<double>(p.m * p.out), p.flops());
  });
}

// OpenBLAS has no bf16 matrix product: its peer runs f32 weights only.
bool skip_unless_f32(const Point& p, benchmark::State& state) {
  if (p.w == VeraWeight::f32) return false;
  state.SkipWithError("skipped: OpenBLAS has no bf16 matrix product; the openblas peer runs f32 weights only");
  for (auto _ : state) {
  }
  return true;
}

// The composition at p: sgemv at m = 1, sgemm for a batch.
void add_openblas(const Point& p) {
  add(p.name(p.m == 1 ? "forward" : "forward_batch", "openblas"), nullptr, [p](benchmark::State& state) {
    if (skip_unless_f32(p, state)) return;
    const VeraLayer l = layer_for(p);
    Adapter& ad = adapter(p.in, p.out, p.r);
    float* y = ad.y.data();
    Buffer<float> t(p.m * p.r), s(p.m * p.out);
    for (auto _ : state) {
      if (p.m == 1)
        peers::openblas_vera_forward(l, ad.x.data(), y, t.data(), s.data());
      else
        peers::openblas_vera_forward_batch(l, ad.x.data(), y, p.m, t.data(), s.data());
      benchmark::DoNotOptimize(y);
      benchmark::ClobberMemory();
    }
    count(state, static_cast<double>(p.w0_bytes() + p.adapter_bytes() + p.vector_bytes()),
          static_cast<double>(p.m * p.out), p.flops());
  });
}

// One buffer for every probe, grown and filled only when a larger one is asked.
const float* probe_buffer(std::size_t n) {
  static Buffer<float> buffer(0);
  static std::size_t filled = 0;
  if (n > filled) {
    buffer = Buffer<float>(n);
    for (std::size_t i = 0; i < n; ++i) buffer[i] = static_cast<float>(i % 4);
    filled = n;
  }
  return buffer.data();
}

// A summing pass over as many bytes as forward at p moves: one stream, and
// as many side-by-side streams as forward's single-token row block reads (on
// this machine the prefetchers serve several streams faster than one, so the
// second is the stricter denominator).
void add_read_probe(const Point& p) {
  const std::size_t bytes = p.w0_bytes() + p.adapter_bytes() + p.vector_bytes();
  for (std::size_t streams : {std::size_t{1}, kProbeStreams}) {
    schema::Name name{"vera", "read_bandwidth", "", {{schema::kArgSize, std::to_string(bytes)}}};
    if (streams != 1) name.args.emplace_back("streams", std::to_string(streams));
    add(schema::format_name(name), nullptr, [bytes, streams](benchmark::State& state) {
      const std::size_t n = bytes / sizeof(float);
      const float* x = probe_buffer(n);
      for (auto _ : state)
        benchmark::DoNotOptimize(streams == 1 ? peers::highway_read_sum(x, n)
                                              : peers::highway_read_sum_streams(x, n, streams));
      count(state, static_cast<double>(n * sizeof(float)), static_cast<double>(n), static_cast<double>(n));
    });
  }
}

// impl == nullptr: the OpenBLAS composition (sgemm with beta = 1).
void add_merge(const Point& p, const Implementation* impl, const VeraKernels* k) {
  add(p.name("merge", impl == nullptr ? "openblas" : impl->name), impl, [p, k](benchmark::State& state) {
    if (k == nullptr && skip_unless_f32(p, state)) return;
    const VeraLayer l = layer_for(p);
    Buffer<float> w(p.out * p.in);
    Buffer<float> c(k == nullptr ? p.out * p.r : 0);
    for (auto _ : state) {
      if (k == nullptr)
        peers::openblas_vera_merge(l, w.data(), c.data());
      else
        k->merge(l, w.data());
      benchmark::DoNotOptimize(w.data());
      benchmark::ClobberMemory();
    }
    count(state, static_cast<double>(p.w0_bytes() + p.adapter_bytes() + 4 * p.out * p.in),
          static_cast<double>(p.out * p.in), 2.0 * static_cast<double>(p.out * p.in * p.r));
  });
}

void add_generate(std::size_t rows, std::size_t cols, const Implementation* impl, const VeraKernels* k) {
  const std::string name = schema::format_name(
      {"vera", "generate", std::string(impl->name), {{schema::kArgSize, std::to_string(cols)}, {"rows", std::to_string(rows)}}});
  add(name, impl, [rows, cols, k](benchmark::State& state) {
    Buffer<float> out(rows * cols);
    for (auto _ : state) {
      k->generate(kSeed, VeraMatrix::a, cols, 0, rows, 0, cols, out.data(), cols);
      benchmark::DoNotOptimize(out.data());
      benchmark::ClobberMemory();
    }
    count(state, static_cast<double>(4 * rows * cols), static_cast<double>(rows * cols), 0.0);
  });
}

struct LayerShape {
  std::size_t in, out;
};
constexpr LayerShape kLayers[] = {{768, 768}, {1024, 1024}, {4096, 4096}, {4096, 11008}};
constexpr std::size_t kRanks[] = {16, 256, 1024};
constexpr std::size_t kTokenCounts[] = {1, 8, 32};
constexpr VeraWeight kTypes[] = {VeraWeight::f32, VeraWeight::bf16};

void register_vera() {
  const auto impls = implementations_with<VeraKernels>();
  const Implementation* sweep = &sweep_implementation(VeraKernels::kFamily);
  const bool q = quick();
  for (const LayerShape& s : kLayers)
    for (std::size_t r : kRanks) {
      const bool target = r == 256 && (s.in == 1024 || s.in == 4096) && s.in == s.out;
      if (q && !target) continue;
      for (VeraWeight w : kTypes) {
        const Point single{s.in, s.out, r, 1, w};
        if (target || r == 256) add_read_probe(single);
        for (std::size_t m : kTokenCounts) {
          if (q && m != 1) continue;
          const Point p{s.in, s.out, r, m, w};
          add_forward(p, sweep, sweep->kernels<VeraKernels>());
          if (m == 1) add_regen(p, sweep, sweep->kernels<VeraKernels>());
          if (m > 1 && w == VeraWeight::f32 && (target || r == 256)) add_openblas(p);
        }
        if (target)
          for (const Implementation* impl : impls)
            if (impl != sweep && (!q || (w == VeraWeight::f32 && s.in == 1024))) {
              add_forward(single, impl, impl->kernels<VeraKernels>());
              if (w == VeraWeight::f32) add_regen(single, impl, impl->kernels<VeraKernels>());
            }
        if (target || (!q && w == VeraWeight::f32)) add_openblas(single);
      }
    }
  if (q) return;
  for (const Implementation* impl : impls) {
    add_merge({768, 768, 16, 1, VeraWeight::f32}, impl, impl->kernels<VeraKernels>());
    add_generate(256, 4096, impl, impl->kernels<VeraKernels>());
  }
  for (std::size_t in : {1024u, 4096u})
    for (VeraWeight w : kTypes) {
      add_merge({in, in, 256, 1, w}, sweep, sweep->kernels<VeraKernels>());
      if (w == VeraWeight::f32) add_merge({in, in, 256, 1, w}, nullptr, nullptr);
    }
}

MB_BENCH_FAMILY(register_vera);

}  // namespace
}  // namespace maskbench::bench

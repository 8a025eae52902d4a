// Task-vector benchmarks: tv_gram over K checkpoints, bytes/s over the input
// bytes ((K+1) * D * element size), beside the naive and OpenBLAS peers and a
// read-bandwidth probe over the same arrays, so that every ratio the targets
// ask for comes from one run:
//   taskvec/tv_gram/<implementation|naive|openblas>/n:<D>/k:<K>/dtype:<f32|bf16>
//   taskvec/read_bandwidth/n:<bytes>
// avx512 gets the full sweep (K in {2, 8, 16}, D at L2 size, L3 size and
// 2^24, f32 and bf16); the other implementations and the peers a subset.
// Inputs are allocated on first use inside the benchmark body and kept while
// consecutive benchmarks share them: K = 16 at D = 2^24 is 1.1 GB.
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "harness.hpp"
#include "maskbench/taskvec.hpp"
#include "peers/taskvec_peers.hpp"

namespace maskbench::bench {
namespace {

constexpr std::size_t kMemD = std::size_t{1} << 24;

struct Case {
  std::size_t k;
  std::size_t n;
  bool bf16;
  std::string level;  // "L2", "L3" or "mem"
  std::size_t element_bytes() const { return bf16 ? sizeof(Bf16) : sizeof(float); }
  double input_bytes() const { return static_cast<double>((k + 1) * n * element_bytes()); }
  std::string name(std::string_view who) const {
    return fmt::format("taskvec/tv_gram/{}/n:{}/k:{}/dtype:{}", who, n, k, bf16 ? "bf16" : "f32");
  }
  bool operator==(const Case& o) const { return k == o.k && n == o.n && bf16 == o.bf16; }
};

// theta_pre and K checkpoints near it, for the case last asked for.
struct Inputs {
  Case key;
  std::vector<Buffer<unsigned char>> arrays;
  std::vector<const void*> ft;

  template <class T>
  const T* pre() const { return reinterpret_cast<const T*>(arrays[0].data()); }
  template <class T>
  const T* const* fts() const { return reinterpret_cast<const T* const*>(ft.data()); }
};

// One set alive at a time, so memory stays at the largest case.
Inputs& inputs_for(const Case& c) {
  static std::optional<Inputs> current;
  if (current && current->key == c) return *current;
  current.reset();
  Inputs in{c, {}, {}};
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  const auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<float>(static_cast<std::int64_t>(state >> 40) - (1 << 23)) * 0x1p-23f;
  };
  for (std::size_t a = 0; a <= c.k; ++a) {
    in.arrays.emplace_back(c.n * c.element_bytes());
    float* f = reinterpret_cast<float*>(in.arrays[a].data());
    Bf16* h = reinterpret_cast<Bf16*>(in.arrays[a].data());
    const float* pre_f = reinterpret_cast<const float*>(in.arrays[0].data());
    const Bf16* pre_h = reinterpret_cast<const Bf16*>(in.arrays[0].data());
    for (std::size_t d = 0; d < c.n; ++d) {
      const float base = a == 0 ? 0.0f : (c.bf16 ? widen(pre_h[d]) : pre_f[d]);
      const float v = a == 0 ? next() : base + 0.01f * next();
      if (c.bf16)
        h[d] = to_bf16(v);
      else
        f[d] = v;
    }
    if (a > 0) in.ft.push_back(in.arrays[a].data());
  }
  current = std::move(in);
  return *current;
}

// Scratch for the OpenBLAS peer's materialised tau, kept like the inputs.
float* tau_scratch(std::size_t floats) {
  static std::unique_ptr<Buffer<float>> scratch;
  if (!scratch || scratch->n != floats) {
    scratch.reset();
    scratch = std::make_unique<Buffer<float>>(floats);
  }
  return scratch->data();
}

template <class Call>
void run_gram(benchmark::State& state, const Case& c, Call&& call) {
  state.SetLabel(c.level);
  const Inputs& in = inputs_for(c);
  std::vector<double> out(c.k * c.k);
  for (auto _ : state) {
    call(in, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_throughput(state, c.input_bytes(), static_cast<double>(c.n));
}

// XOR of every 64-bit word: nothing but loads, at the widest vector the CPU has.
__attribute__((target_clones("avx512f", "avx2", "default")))
std::uint64_t read_all(const std::uint64_t* p, std::size_t words) {
  std::uint64_t acc[8] = {};
  std::size_t i = 0;
  for (; i + 8 <= words; i += 8)
    for (std::size_t l = 0; l < 8; ++l) acc[l] ^= p[i + l];
  for (; i < words; ++i) acc[0] ^= p[i];
  std::uint64_t r = 0;
  for (std::uint64_t a : acc) r ^= a;
  return r;
}

void add_read_probe(const Case& c) {
  add(fmt::format("taskvec/read_bandwidth/n:{}", static_cast<std::size_t>(c.input_bytes())), nullptr,
      [c](benchmark::State& state) {
        state.SetLabel(c.level);
        const Inputs& in = inputs_for(c);
        const std::size_t words = c.n * c.element_bytes() / sizeof(std::uint64_t);
        for (auto _ : state)
          for (const auto& a : in.arrays)
            benchmark::DoNotOptimize(read_all(reinterpret_cast<const std::uint64_t*>(a.data()), words));
        set_throughput(state, c.input_bytes(), static_cast<double>(c.n));
      });
}

void add_impl(const Case& c, const Implementation* impl) {
  const TaskvecKernels* kt = impl->kernels<TaskvecKernels>();
  add(c.name(impl->name), impl, [c, kt](benchmark::State& state) {
    run_gram(state, c, [&](const Inputs& in, double* out) {
      if (c.bf16)
        kt->bf16.gram(in.pre<Bf16>(), in.fts<Bf16>(), c.k, c.n, out);
      else
        kt->f32.gram(in.pre<float>(), in.fts<float>(), c.k, c.n, out);
    });
  });
}

void add_peers(const Case& c, const Implementation* dot_impl) {
  // tv_dot takes f32 only, so naive has no bf16 rows.
  if (!c.bf16 && dot_impl != nullptr) {
    const TaskvecKernels* kt = dot_impl->kernels<TaskvecKernels>();
    add(c.name("naive"), dot_impl, [c, kt](benchmark::State& state) {
      run_gram(state, c, [&](const Inputs& in, double* out) {
        peers::naive_gram(kt->tv_dot, in.pre<float>(), in.fts<float>(), c.k, c.n, out);
      });
    });
  }
  add(c.name("openblas"), nullptr, [c](benchmark::State& state) {
    float* tau = tau_scratch(c.k * c.n);
    std::vector<float> gram(c.k * c.k);
    run_gram(state, c, [&](const Inputs& in, double* out) {
      if (c.bf16)
        peers::openblas_gram(in.pre<Bf16>(), in.fts<Bf16>(), c.k, c.n, tau, gram.data());
      else
        peers::openblas_gram(in.pre<float>(), in.fts<float>(), c.k, c.n, tau, gram.data());
      out[0] = gram[0];
    });
  });
}

void register_taskvec() {
  // The implementation the targets name; naive runs its tv_dot, so that the
  // comparison is fusion against separate passes at the same vector width.
  const Implementation* sweep = find_implementation("avx512");
  if (sweep != nullptr && sweep->kernels<TaskvecKernels>() == nullptr) sweep = nullptr;
  for (bool bf16 : {false, true})
    for (std::size_t k : {std::size_t{2}, std::size_t{8}, std::size_t{16}}) {
      std::vector<Case> cases;
      for (const Size& s : sizes((k + 1) * (bf16 ? sizeof(Bf16) : sizeof(float))))
        if (s.level == "L2" || s.level == "L3") cases.push_back({k, s.n, bf16, s.level});
      if (!quick()) cases.push_back({k, kMemD, bf16, "mem"});
      for (const Case& c : cases) {
        // Grouped by case: consecutive benchmarks share the inputs.
        add_read_probe(c);
        for (const Implementation* impl : implementations_with<TaskvecKernels>()) {
          const bool representative = k == 8 && (c.level == "L2" || (c.level == "mem" && !bf16));
          if (impl == sweep || representative) add_impl(c, impl);
        }
        if (c.level != "L3" && (k == 8 || c.level == "mem") && (!bf16 || k == 8)) add_peers(c, sweep);
      }
    }
}

MB_BENCH_FAMILY(register_taskvec);

}  // namespace
}  // namespace maskbench::bench

// Task-vector benchmarks: tv_gram over K checkpoints, bytes/s over the input
// bytes ((K+1) * D * element size), beside the naive and OpenBLAS peers and a
// read-bandwidth probe over the same arrays, so that every ratio the targets
// ask for comes from one run:
//   taskvec/tv_gram/<implementation|naive|openblas>/n:<D>/k:<K>/dtype:<f32|bf16|f16>
//   taskvec/read_bandwidth/n:<bytes>
// avx512 gets the full sweep (K in {2, 4, 8, 16, 32, 64}, D at L2 size, L3
// size and memory size, f32, bf16 and f16; memory size for K > 16 in f32
// only), and so does a row whose gram multiplies narrower operands (bf16 dot
// products) in that dtype; the other implementations and the peers a subset.
// Inputs are allocated on first use inside the benchmark body and shared by
// every case of the same D and dtype: K = 16 at D = 2^24 is 1.1 GB of f32.
#include <algorithm>
#include <map>
#include <memory>
#include <type_traits>


#include "harness.hpp"
#include "maskbench/taskvec.hpp"
#include "peers/taskvec_peers.hpp"

namespace maskbench::bench {
namespace {

// Elements per checkpoint at memory size: 2^24 up to K = 16, then fewer so
// that the K + 1 arrays stay near 1.1 GB of f32 (2^22 at K = 64).
std::size_t memory_d(std::size_t k) { return (std::size_t{1} << 24) * 16 / std::max<std::size_t>(16, k); }

// The checkpoint element types, as the dtype argument names them.
enum class Dtype { f32, bf16, f16 };
constexpr Dtype kDtypes[] = {Dtype::f32, Dtype::bf16, Dtype::f16};
constexpr std::size_t bytes_of(Dtype d) { return d == Dtype::f32 ? sizeof(float) : sizeof(Bf16); }
constexpr const char* name_of(Dtype d) {
  return d == Dtype::f32 ? TaskvecTyped<float>::kDtype : d == Dtype::bf16 ? TaskvecTyped<Bf16>::kDtype : TaskvecTyped<F16>::kDtype;
}
// fn(static_cast<T*>(nullptr)) with T the element type of d.
template <class Fn>
void with_type(Dtype d, Fn&& fn) {
  if (d == Dtype::bf16)
    fn(static_cast<Bf16*>(nullptr));
  else if (d == Dtype::f16)
    fn(static_cast<F16*>(nullptr));
  else
    fn(static_cast<float*>(nullptr));
}

struct Case {
  std::size_t k;
  std::size_t n;
  Dtype dtype;
  std::string level;  // schema::kLevelL2, kLevelL3 or kLevelMemory
  std::size_t element_bytes() const { return bytes_of(dtype); }
  double input_bytes() const { return static_cast<double>((k + 1) * n * element_bytes()); }
  std::string name(std::string_view who) const {
    return schema::format_name({"taskvec", "tv_gram", std::string(who),
                                {{schema::kArgSize, std::to_string(n)}, {"k", std::to_string(k)}, {"dtype", name_of(dtype)}}});
  }
};

// theta_pre and up to kMaxTasks checkpoints near it, for one D and dtype;
// a case with K tasks reads the first K, so K = 2, 8 and 16 share arrays.
struct Pool {
  std::vector<Buffer<unsigned char>> arrays;  // [0] is theta_pre
  std::vector<const void*> ft;

  template <class T>
  const T* pre() const { return reinterpret_cast<const T*>(arrays[0].data()); }
  template <class T>
  const T* const* fts() const { return reinterpret_cast<const T* const*>(ft.data()); }
};

// Repetitions run in random interleaved order, so every pool stays for the
// whole run (about 4.4 GB: each memory-size D and dtype); arrays are added as
// cases need them, each filled from its own index so the content never
// depends on the order.
const Pool& pool_for(const Case& c) {
  static std::map<std::pair<std::size_t, Dtype>, Pool> pools;
  Pool& p = pools[{c.n, c.dtype}];
  while (p.arrays.size() <= c.k) {
    const std::size_t a = p.arrays.size();
    std::uint64_t state = 0x9E3779B97F4A7C15ull * (a + 1);
    const auto next = [&state] {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      return static_cast<float>(static_cast<std::int64_t>(state >> 40) - (1 << 23)) * 0x1p-23f;
    };
    std::uint64_t pre_state = 0x9E3779B97F4A7C15ull;
    const auto next_pre = [&pre_state] {
      pre_state ^= pre_state << 13;
      pre_state ^= pre_state >> 7;
      pre_state ^= pre_state << 17;
      return static_cast<float>(static_cast<std::int64_t>(pre_state >> 40) - (1 << 23)) * 0x1p-23f;
    };
    p.arrays.emplace_back(c.n * c.element_bytes());
    with_type(c.dtype, [&]<class T>(T*) {
      T* out = reinterpret_cast<T*>(p.arrays[a].data());
      for (std::size_t d = 0; d < c.n; ++d) {
        // theta_pre is regenerated rather than read back, so it is the same
        // sequence for every array.
        const float base = next_pre();
        const float v = a == 0 ? base : base + 0.01f * next();
        if constexpr (std::is_same_v<T, Bf16>)
          out[d] = to_bf16(v);
        else if constexpr (std::is_same_v<T, F16>)
          out[d] = to_f16(v);
        else
          out[d] = v;
      }
    });
    if (a > 0) p.ft.push_back(p.arrays[a].data());
  }
  return p;
}

// Scratch for the OpenBLAS peer's materialised tau: one buffer, grown to the
// largest case.
float* tau_scratch(std::size_t floats) {
  static std::unique_ptr<Buffer<float>> scratch;
  if (!scratch || scratch->n < floats) {
    scratch.reset();
    scratch = std::make_unique<Buffer<float>>(floats);
  }
  return scratch->data();
}

template <class Call>
void run_gram(benchmark::State& state, const Case& c, Call&& call) {
  state.SetLabel(schema::format_label({c.level, {}}));
  const Pool& in = pool_for(c);
  std::vector<double> out(c.k * c.k);
  for (auto _ : state) {
    call(in, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_throughput(state, c.input_bytes(), static_cast<double>(c.n));
}

// XOR of every 64-bit word: nothing but loads, at the widest vector the CPU
// has (on x86; elsewhere at the baseline's, Advanced SIMD on aarch64).
#if defined(__x86_64__)
__attribute__((target_clones("avx512f", "avx2", "default")))  // NOLINT(implementation-name): GCC target names
#endif
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
  add(schema::format_name({"taskvec", "read_bandwidth", "", {{schema::kArgSize, std::to_string(static_cast<std::size_t>(c.input_bytes()))}}}),
      nullptr, [c](benchmark::State& state) {
        state.SetLabel(schema::format_label({c.level, {}}));
        const Pool& in = pool_for(c);
        const std::size_t words = c.n * c.element_bytes() / sizeof(std::uint64_t);
        for (auto _ : state)
          for (std::size_t a = 0; a <= c.k; ++a)
            benchmark::DoNotOptimize(read_all(reinterpret_cast<const std::uint64_t*>(in.arrays[a].data()), words));
        set_throughput(state, c.input_bytes(), static_cast<double>(c.n));
      });
}

void add_impl(const Case& c, const Implementation* impl) {
  const TaskvecKernels* kt = impl->kernels<TaskvecKernels>();
  add(c.name(impl->name), impl, [c, kt](benchmark::State& state) {
    run_gram(state, c, [&](const Pool& in, double* out) {
      with_type(c.dtype, [&]<class T>(T*) { kt->typed<T>().gram(in.pre<T>(), in.fts<T>(), c.k, c.n, out); });
    });
  });
}

void add_peers(const Case& c, const Implementation* dot_impl) {
  // tv_dot takes f32 only, so naive has no bf16 or f16 rows.
  if (c.dtype == Dtype::f32 && dot_impl != nullptr) {
    const TaskvecKernels* kt = dot_impl->kernels<TaskvecKernels>();
    add(c.name("naive"), dot_impl, [c, kt](benchmark::State& state) {
      run_gram(state, c, [&](const Pool& in, double* out) {
        peers::naive_gram(kt->tv_dot, in.pre<float>(), in.fts<float>(), c.k, c.n, out);
      });
    });
  }
  add(c.name("openblas"), nullptr, [c](benchmark::State& state) {
    float* tau = tau_scratch(c.k * c.n);
    std::vector<float> gram(c.k * c.k);
    run_gram(state, c, [&](const Pool& in, double* out) {
      with_type(c.dtype,
                [&]<class T>(T*) { peers::openblas_gram(in.pre<T>(), in.fts<T>(), c.k, c.n, tau, gram.data()); });
      out[0] = gram[0];
    });
  });
}

// Whether impl's gram of dtype d multiplies narrower operands than f32 (a
// reduced_precision row's): such a row is measured wherever the sweep is, so
// that it stands beside the widening path at every K.
bool narrower_operands(const Implementation& impl, Dtype d) {
  bool narrower = false;
  with_type(d, [&]<class T>(T*) {
    narrower = impl.kernels<TaskvecKernels>()->typed<T>().gram_operands != GramOperands::f32;
  });
  return narrower;
}

void register_taskvec() {
  // The implementation the targets name; naive runs its tv_dot, so that the
  // comparison is fusion against separate passes at the same vector width.
  const Implementation* sweep = &sweep_implementation(TaskvecKernels::kFamily);
  for (Dtype dtype : kDtypes)
    for (std::size_t k : {2, 4, 8, 16, 32, 64}) {
      const bool f32 = dtype == Dtype::f32;
      std::vector<Case> cases;
      for (const Size& s : sizes((k + 1) * bytes_of(dtype)))
        if (s.level == schema::kLevelL2 || s.level == schema::kLevelL3) cases.push_back({k, s.n, dtype, s.level});
      if (!quick() && (k <= 16 || f32)) cases.push_back({k, memory_d(k), dtype, schema::kLevelMemory});
      for (const Case& c : cases) {
        // Grouped by case: consecutive benchmarks share the inputs.
        add_read_probe(c);
        for (const Implementation* impl : implementations_with<TaskvecKernels>()) {
          const bool representative = k == 8 && (c.level == schema::kLevelL2 || (c.level == schema::kLevelMemory && f32));
          if (impl == sweep || representative || narrower_operands(*impl, dtype)) add_impl(c, impl);
        }
        // OpenBLAS at every K in f32 (and at K = 8 in every dtype), at L2 and
        // memory size; naive (K(K+1)/2 passes of tv_dot) up to K = 16.
        if (c.level != schema::kLevelL3 && (f32 || k == 8)) add_peers(c, k <= 16 ? sweep : nullptr);
      }
    }
}

MB_BENCH_FAMILY(register_taskvec);

}  // namespace
}  // namespace maskbench::bench

// Compress benchmarks. compress_f32 sweeps the selectivity (0, 1, 10, 50, 90,
// 99, 100 %) in random and clustered layouts at L1, L2 and memory sizes, with
// Highway's CompressStore and CompressBlendedStore and std::copy_if as peers,
// and every variant of the implementations that have several (the numbers
// behind each table's default). The other kernels run at 50% random, at L1.
// items/s counts input elements. To stay within the time budget the deeper
// sweeps cover the rows that answer the family's questions (Reach below);
// the others run at L1, 50% random. --quick: L1 only, three random
// selectivities and one clustered.
#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string_view>
#include <tuple>
#include <type_traits>

#include <fmt/format.h>

#include "harness.hpp"
#include "maskbench/compress.hpp"
#include "peers/highway_compress.hpp"
#include "peers/std_compress.hpp"

namespace maskbench::bench {
namespace {

// Clustered inputs select whole blocks of this many elements at a time.
constexpr std::size_t kClusterElements = 64;

struct Selection {
  int percent;
  bool clustered;
  bool operator==(const Selection&) const = default;
};
constexpr Selection kHalf{50, false};

std::vector<Selection> selections() {
  std::vector<Selection> out;
  if (quick()) return {{10, false}, {50, false}, {90, false}, {50, true}};
  for (bool clustered : {false, true})
    for (int p : {0, 1, 10, 50, 90, 99, 100}) out.push_back({p, clustered});
  return out;
}

// How far a row sweeps the selectivity beyond L1 at 50% random, which every
// row runs. The rows that answer the family's questions sweep both layouts:
// the scalar loops and the wide intrinsics (AVX2 and up, without extras) at
// L1 and L2, and the fast ones among them (the reference, the wide
// intrinsics, Highway's blended store) at memory size too, since one pass of
// the branchy loop or std::copy_if over 32M elements takes half a second. The
// other intrinsics, the variants the wide ones did not choose and the other
// peers sweep the random layout at L1. The whole family stays within its 3
// minutes.
enum class Reach { l1_half, l1_random, l2_both, mem_both };
bool reaches(Reach reach, std::string_view level, Selection sel) {
  switch (reach) {
    case Reach::mem_both: return true;
    case Reach::l2_both: return level != schema::kLevelMemory;
    case Reach::l1_random: return level == schema::kLevelL1 && !sel.clustered;
    case Reach::l1_half: break;
  }
  return false;
}
bool wide_intrinsics(const Implementation& impl) {
  return impl.kind == Kind::intrinsics && impl.extras.empty() && impl.required.has(Feature::avx2);
}
Reach reach_of(const Implementation& impl) {
  if (impl.kind == Kind::reference || wide_intrinsics(impl)) return Reach::mem_both;
  if (impl.kind == Kind::scalar_variant) return Reach::l2_both;
  if (impl.kind == Kind::intrinsics && impl.extras.empty()) return Reach::l1_random;
  return Reach::l1_half;
}
// The implementations of the other kernels in --quick mode: the reference and
// the intrinsics.
bool quick_other(const Implementation& impl) { return impl.kind == Kind::reference || impl.kind == Kind::intrinsics; }

// splitmix64: filling 32M elements with std::mt19937 would dominate the run.
struct Gen {
  std::uint64_t s;
  std::uint64_t next() {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  float unit() { return static_cast<float>(next() >> 40) * 0x1p-24f; }  // [0, 1)
};

// Inputs live for the whole run: repetitions run interleaved at random, so
// consecutive benchmarks rarely share one. Each (type, n, layout) has one
// array; a selectivity is a threshold on it, so that the memory size needs
// two f32 arrays rather than fourteen. f32 values lie in (0, 1] and
// t = 1 - p/100 selects p% of them; i32 values in [0, 10^6); u8 inputs are
// half spaces (c = ' '), the only selectivity the u8 rows use. Clustered
// inputs repeat one value over each block of kClusterElements.
template <class T>
T draw(Gen& g) {
  if constexpr (std::is_same_v<T, float>)
    return 1.0f - g.unit();
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return static_cast<std::int32_t>(g.next() % 1000000);
  else
    return (g.next() & 1) ? std::uint8_t{' '} : static_cast<std::uint8_t>('!' + g.next() % 90);
}
template <class T>
T threshold(int percent) {
  if constexpr (std::is_same_v<T, float>)
    return 1.0f - static_cast<float>(percent) / 100.0f;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return 1000000 - 10000 * percent - 1;
  else
    return ' ';
}
template <class T>
bool selected_by(T v, T t) {
  if constexpr (std::is_same_v<T, std::uint8_t>)
    return v != t;
  else
    return v > t;
}

template <class T>
const T* values(std::size_t n, bool clustered) {
  static std::map<std::pair<std::size_t, bool>, std::unique_ptr<Buffer<T>>> cache;
  std::unique_ptr<Buffer<T>>& buf = cache[{n, clustered}];
  if (!buf) {
    buf = std::make_unique<Buffer<T>>(n);
    Gen g{2 * n + clustered};
    T v{};
    for (std::size_t i = 0; i < n; ++i) {
      if (!clustered || i % kClusterElements == 0) v = draw<T>(g);
      (*buf)[i] = v;
    }
  }
  return buf->data();
}

template <class T>
struct Input {
  const T* x;
  T threshold;  // t for f32 and i32, c for u8
  std::size_t selected;
};

template <class T>
const Input<T>& input(std::size_t n, Selection sel) {
  static std::map<std::tuple<std::size_t, int, bool>, Input<T>> cache;
  const auto key = std::make_tuple(n, sel.percent, sel.clustered);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  const T* x = values<T>(n, sel.clustered);
  const T t = threshold<T>(sel.percent);
  const auto count = static_cast<std::size_t>(std::count_if(x, x + n, [t](T v) { return selected_by(v, t); }));
  return cache.emplace(key, Input<T>{x, t, count}).first->second;
}

// An output buffer of at least n elements, touched once so that page faults
// stay out of the measurement.
template <class T>
T* output(std::size_t n) {
  static std::unique_ptr<Buffer<T>> buf;
  if (!buf || buf->n < n) {
    buf.reset();
    buf = std::make_unique<Buffer<T>>(n);
    std::memset(static_cast<void*>(buf->data()), 0, n * sizeof(T));
  }
  return buf->data();
}

// One benchmark: `call(x, out, n, threshold)` compresses and returns the count.
template <class In, class Out>
using Call = std::function<std::size_t(const In*, Out*, std::size_t, In)>;

template <class In, class Out>
void run_compress(benchmark::State& state, std::size_t n, Selection sel, const Call<In, Out>& call) {
  const Input<In>& in = input<In>(n, sel);
  Out* out = output<Out>(n);
  std::size_t count = 0;
  for (auto _ : state) {
    count = call(in.x, out, n, in.threshold);
    benchmark::DoNotOptimize(count);
    benchmark::ClobberMemory();
  }
  if (count != in.selected) {
    state.SkipWithError(fmt::format("returned count {} but the input selects {}", count, in.selected).c_str());
    return;
  }
  set_throughput(state, static_cast<double>(n * sizeof(In) + count * sizeof(Out)), static_cast<double>(n));
}

// expand_f32 with the mask of the u8 input (half set) and a source of count values.
void run_expand(benchmark::State& state, std::size_t n, const CompressKernels* k) {
  const Input<std::uint8_t>& in = input<std::uint8_t>(n, kHalf);
  std::vector<std::uint8_t> mask(n);
  for (std::size_t i = 0; i < n; ++i) mask[i] = in.x[i] != in.threshold;
  Buffer<float> src(in.selected + 1);
  std::fill(src.data(), src.data() + in.selected, 1.5f);
  float* out = output<float>(n);
  std::size_t count = 0;
  for (auto _ : state) {
    count = k->expand_f32(src.data(), mask.data(), out, n);
    benchmark::DoNotOptimize(count);
    benchmark::ClobberMemory();
  }
  set_throughput(state, static_cast<double>(n + 2 * count * sizeof(float)), static_cast<double>(n));
}

std::string name(std::string_view kernel, std::string_view impl, std::size_t n, Selection sel,
                 std::string_view variant = {}) {
  schema::Name s{"compress", std::string(kernel), std::string(impl),
                 {{schema::kArgSize, std::to_string(n)},
                  {schema::kArgSelectivity, std::to_string(sel.percent)},
                  {"pattern", sel.clustered ? "clustered" : "random"}}};
  if (!variant.empty()) s.args.emplace_back("variant", variant);
  return schema::format_name(s);
}

// The f32 rows: each implementation's table, the variants it did not choose
// (an emulated row's and a row with extras' are another row's code), and the
// peers.
struct Row {
  std::string impl_name;
  const Implementation* impl;  // nullptr for peers
  std::string variant;
  std::map<std::string, std::string> label_fields;
  Call<float, float> call;
  Reach reach;
};

std::vector<Row> f32_rows() {
  std::vector<Row> rows;
  for (const Implementation* impl : implementations_with<CompressKernels>()) {
    const CompressKernels* k = impl->kernels<CompressKernels>();
    const bool several = k->variants.size() > 1;
    // chosen_variant() may run code of the implementation's level: ask only
    // where that level runs.
    const std::string chosen = several && runnable(*impl).ok ? k->chosen_variant() : "";
    std::map<std::string, std::string> fields;
    if (!chosen.empty()) fields.emplace(schema::kLabelChosen, chosen);
    rows.push_back({std::string(impl->name), impl, "", fields, k->compress_f32, reach_of(*impl)});
    if (!several || impl->kind == Kind::emulated || !impl->extras.empty()) continue;
    const Reach variant_reach = wide_intrinsics(*impl) ? Reach::l1_random : Reach::l1_half;
    for (const CompressVariant& v : k->variants)
      if (v.name != chosen) rows.push_back({std::string(impl->name), impl, v.name, {}, v.compress_f32, variant_reach});
  }
  rows.push_back({"highway", nullptr, "", {}, peers::highway_compress_store, Reach::l1_random});
  rows.push_back({"highway-blended", nullptr, "", {}, peers::highway_compress_blended_store, Reach::mem_both});
  rows.push_back({"std-copy_if", nullptr, "", {}, peers::std_copy_if_f32, Reach::l1_random});
  return rows;
}

void register_f32() {
  const std::vector<Row> rows = f32_rows();
  for (const Size& size : sizes(8)) {
    if (size.level == schema::kLevelL3 || (quick() && size.level != schema::kLevelL1)) continue;
    for (const Selection& sel : selections())
      for (const Row& row : rows) {
        if (!reaches(row.reach, size.level, sel) && !(size.level == schema::kLevelL1 && sel == kHalf)) continue;
        add(name("compress_f32", row.impl_name, size.n, sel, row.variant), row.impl,
            [n = size.n, sel, label = schema::format_label({size.level, row.label_fields}), call = row.call](
                benchmark::State& state) {
              state.SetLabel(label);
              run_compress<float, float>(state, n, sel, call);
            });
      }
  }
}

// compress_i32, compress_u8, compress_index and expand_f32: 50% random, L1
// (--quick: quick_other() only).
void register_others() {
  const auto impls = implementations_with<CompressKernels>();
  for (const Size& size : sizes(8)) {
    if (size.level != schema::kLevelL1) continue;
    const std::size_t n = size.n;
    const std::size_t n8 = n * 4;  // the same bytes of input for u8
    const std::string label = schema::format_label({size.level, {}});
    for (const Implementation* impl : impls) {
      if (quick() && !quick_other(*impl)) continue;
      const CompressKernels* k = impl->kernels<CompressKernels>();
      add(name("compress_i32", impl->name, n, kHalf), impl, [=](benchmark::State& state) {
        state.SetLabel(label);
        run_compress<std::int32_t, std::int32_t>(state, n, kHalf, k->compress_i32);
      });
      add(name("compress_u8", impl->name, n8, kHalf), impl, [=](benchmark::State& state) {
        state.SetLabel(label);
        run_compress<std::uint8_t, std::uint8_t>(state, n8, kHalf, k->compress_u8);
      });
      add(name("compress_index", impl->name, n, kHalf), impl, [=](benchmark::State& state) {
        state.SetLabel(label);
        run_compress<float, std::uint32_t>(state, n, kHalf, k->compress_index);
      });
      add(name("expand_f32", impl->name, n, kHalf), impl, [=](benchmark::State& state) {
        state.SetLabel(label);
        run_expand(state, n, k);
      });
    }
    add(name("compress_u8", "std-copy_if", n8, kHalf), nullptr, [=](benchmark::State& state) {
      state.SetLabel(label);
      run_compress<std::uint8_t, std::uint8_t>(state, n8, kHalf, peers::std_copy_if_u8);
    });
  }
}

void register_compress() {
  register_f32();
  register_others();
}

MB_BENCH_FAMILY(register_compress);

}  // namespace
}  // namespace maskbench::bench

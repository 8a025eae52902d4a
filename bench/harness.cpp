#include "harness.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <new>
#include <regex>
#include <string_view>

#include <fmt/format.h>

#include "machine_info.hpp"
#include "maskbench/best.hpp"
#include "maskbench/streaming.hpp"

namespace maskbench::bench {

namespace detail {
bool quick_mode = false;
}
bool quick() { return detail::quick_mode; }

std::vector<FamilyRegistration>& registrations() {
  static std::vector<FamilyRegistration> all;
  return all;
}

void* allocate_buffer(std::size_t bytes) {
  constexpr std::size_t kHuge = std::size_t{2} << 20;
  const std::size_t align = bytes >= kHuge ? kHuge : 64;
  // Rounded up to the alignment, as aligned_alloc requires, plus one block:
  // kernels may read a vector past a tail they mask.
  const std::size_t size = (bytes / align + 2) * align;
  void* p = std::aligned_alloc(align, size);
  if (p == nullptr) throw std::bad_alloc();
  // Where the system allows it (THP "always" or "madvise"), huge pages; the
  // advice is a hint, its failure changes nothing else.
  if (align == kHuge) (void)madvise(p, size, MADV_HUGEPAGE);
  std::memset(p, 0, size);
  return p;
}

const Implementation& sweep_implementation(std::string_view family) {
  CpuInfo every = host_cpu();
  for (const FeatureInfo& f : all_features()) every.detected = every.detected | f.feature;
  every.has_extension.assign(extensions().size(), true);
  every.disabled = FeatureSet();
  return best(family, every);
}

const BenchCaches& bench_caches() {
  static const BenchCaches caches = [] {
    BenchCaches c{host_cpu(), host_cpu().cache_source, {}};
    const char* force = std::getenv("MASKBENCH_MEASURE_CACHES");
    if (c.cpu.caches.empty() || (force != nullptr && std::string_view(force) == "1")) {
      c.curve = measure_latency_curve(kCacheProbeBytes);
      c.cpu.caches = caches_from_curve(c.curve);
      c.source = c.cpu.caches.empty() ? "none" : "measured";
      if (!c.cpu.caches.empty()) set_cache_thresholds(c.cpu.caches);
    }
    return c;
  }();
  return caches;
}

std::string describe_caches(const std::vector<CacheLevel>& caches) {
  std::string out;
  for (const CacheLevel& c : caches)
    out += fmt::format("{}L{} {} {}", out.empty() ? "" : ", ", c.level, c.type, human_bytes(static_cast<double>(c.size_bytes)));
  return out.empty() ? "none found" : out;
}

std::string describe_curve(const std::vector<LatencyPoint>& curve) {
  std::string out;
  for (const LatencyPoint& p : curve) out += fmt::format("{}{} {:.1f}", out.empty() ? "" : ", ", human_bytes(static_cast<double>(p.bytes)), p.ns);
  return out;
}

std::vector<Size> sizes(std::size_t bytes_per_element) {
  const CpuInfo& cpu = bench_caches().cpu;
  // Assumed sizes where nothing reports them and the probe found none.
  const auto or_default = [](std::int64_t v, std::int64_t d) { return v > 0 ? v : d; };
  const std::int64_t l1 = or_default(cpu.cache_bytes(1), 32 << 10);
  const std::int64_t l2 = or_default(cpu.cache_bytes(2), 1 << 20);
  const std::int64_t l3 = std::min<std::int64_t>(or_default(cpu.cache_bytes(3), 16 << 20), 64 << 20);
  const std::int64_t mem = std::min<std::int64_t>(std::max<std::int64_t>(4 * l3, 64 << 20), 512 << 20);
  std::vector<Size> out = {{schema::kLevelL1, static_cast<std::size_t>(l1 / 2)},
                           {schema::kLevelL2, static_cast<std::size_t>(l2 / 2)}};
  if (!quick()) {
    out.push_back({schema::kLevelL3, static_cast<std::size_t>(l3 / 4)});
    out.push_back({schema::kLevelMemory, static_cast<std::size_t>(mem)});
  }
  for (Size& s : out) s.n = std::max<std::size_t>(16, s.n / bytes_per_element / 16 * 16);
  return out;
}

namespace {
std::vector<std::string>& names() {
  static std::vector<std::string> all;
  return all;
}
}  // namespace

std::size_t count_matching(const std::string& filter) {
  try {
    const std::regex re(filter);
    return static_cast<std::size_t>(std::count_if(names().begin(), names().end(),
                                                  [&](const std::string& n) { return std::regex_search(n, re); }));
  } catch (const std::regex_error&) {
    return names().size();
  }
}

void add(const std::string& name, const Implementation* impl, std::function<void(benchmark::State&)> body) {
  names().push_back(name);
  std::string reason;
  if (impl != nullptr) {
    const Runnability r = runnable(*impl);
    if (!r.ok) reason = schema::skipped_reason(r.reason);
  }
  benchmark::RegisterBenchmark(name.c_str(), [body = std::move(body), reason, name](benchmark::State& state) {
    if (!reason.empty()) {
      state.SkipWithError(reason.c_str());
      for (auto _ : state) {
      }
      return;
    }
    announce(name);
    body(state);
  });
}

// Google Benchmark reports a benchmark only after all its repetitions, and
// with interleaved repetitions that is near the end of the run; so progress
// is announced when a benchmark starts, at most every 10 seconds.
void announce(const std::string& name) {
  using clock = std::chrono::steady_clock;
  static const clock::time_point start = clock::now();
  static clock::time_point last{};
  const clock::time_point now = clock::now();
  if (last != clock::time_point{} && now - last < std::chrono::seconds(10)) return;
  last = now;
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(now - start).count();
  fmt::print(stderr, "[bench] running {:<28} elapsed {:02}:{:02}\n", family_and_kernel(name), s / 60, s % 60);
}

std::string family_and_kernel(const std::string& name) {
  const std::optional<schema::Name> n = schema::parse_name(name);
  return n ? n->family + "/" + n->kernel : name;
}

void set_throughput(benchmark::State& state, double bytes, double items) {
  const double it = static_cast<double>(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes * it));
  state.SetItemsProcessed(static_cast<std::int64_t>(items * it));
}

}  // namespace maskbench::bench

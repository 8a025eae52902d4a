// `maskbench taskvec`: task-vector cosines of real checkpoints and, with
// --ties, their TIES merge, through best() (maskbench/best.hpp) or --impl.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "args.hpp"
#include "command.hpp"
#include "escape.hpp"
#include "maskbench/best.hpp"
#include "maskbench/known_defects.hpp"
#include "maskbench/registry.hpp"
#include "maskbench/safetensors.hpp"
#include "maskbench/taskvec.hpp"

namespace maskbench::cli {
namespace {

using safetensors::Dtype;
using safetensors::dtype_bytes;
using safetensors::read_as_f32;
using safetensors::require_same_layout;
using safetensors::SafetensorsFile;
using safetensors::SafetensorsWriter;
using safetensors::Tensor;

constexpr std::string_view kUsage =
    "--base PRE.safetensors FT1.safetensors [FT2.safetensors ...] [--warn X] "
    "[--ties K% --lambda L --out MERGED.safetensors] [--impl NAME [--allow-known-defect]]";

struct Options {
  std::string base;
  std::vector<std::string> tasks;
  double warn = 0.1;
  double percent = -1.0;  // --ties; < 0 when not merging
  float lambda = 1.0f;
  std::string out;
  std::string impl;
  bool allow_known_defect = false;
};

Options parse(std::span<const std::string_view> args) {
  const std::string usage = fmt::format("maskbench taskvec {}", kUsage);
  const Args a = Args::parse(args, {"--base", "--warn", "--ties", "--lambda", "--out", "--impl"}, {"--allow-known-defect"},
                             usage);
  Options o;
  o.base = a.value("--base");
  o.tasks = a.positional;
  o.out = a.value("--out");
  o.impl = a.value("--impl");
  o.allow_known_defect = a.flags.contains("--allow-known-defect");
  if (a.values.contains("--warn")) o.warn = parse_number("--warn", a.value("--warn"), {0.0, 1.0});
  if (a.values.contains("--ties")) {
    // "30%" and "30" both mean 30 percent.
    std::string_view pct = a.values.at("--ties");
    if (pct.ends_with('%')) pct.remove_suffix(1);
    o.percent = parse_number("--ties", pct, {0.0, 100.0, true});
  }
  // Bounded by float's range: the kernels take lambda as a float.
  const double fmax = std::numeric_limits<float>::max();
  if (a.values.contains("--lambda")) o.lambda = static_cast<float>(parse_number("--lambda", a.value("--lambda"), {-fmax, fmax}));
  if (o.base.empty()) throw UsageError(fmt::format("--base is required; usage: {}", usage));
  if (o.tasks.empty() || o.tasks.size() > kMaxTasks)
    throw UsageError(fmt::format("expected 1 to {} fine-tuned checkpoints, got {}", kMaxTasks, o.tasks.size()));
  if ((o.percent >= 0.0) != !o.out.empty())
    throw UsageError("--ties and --out go together: --ties K% --lambda L --out MERGED.safetensors");
  if (a.values.contains("--lambda") && o.percent < 0.0) throw UsageError("--lambda only applies to a --ties merge");
  if (o.allow_known_defect && o.impl.empty()) throw UsageError("--allow-known-defect only applies to --impl NAME");
  return o;
}

// One tensor across the base (index 0) and every task.
using TensorSet = std::vector<const Tensor*>;

std::vector<TensorSet> match(const std::vector<std::unique_ptr<SafetensorsFile>>& files) {
  for (std::size_t f = 1; f < files.size(); ++f) require_same_layout(*files[0], *files[f]);
  std::vector<TensorSet> sets;
  for (std::size_t i = 0; i < files[0]->tensors().size(); ++i) {
    TensorSet s;
    for (const auto& f : files) s.push_back(&f->tensors()[i]);
    sets.push_back(std::move(s));
  }
  return sets;
}

// Calls fn(pre, ft, n, offset) over the whole tensor: once with the mapped
// data where every file holds it as aligned f32, bf16 or f16 (the kernels
// widen in registers), else chunk by chunk converted to f32.
template <class Fn>
void stream(const TensorSet& s, Fn&& fn) {
  const std::size_t k = s.size() - 1;
  const Dtype d = s[0]->dtype;
  const bool uniform = std::all_of(s.begin(), s.end(), [&](const Tensor* t) {
    return t->dtype == d && reinterpret_cast<std::uintptr_t>(t->data) % dtype_bytes(d) == 0;
  });
  const std::size_t n = s[0]->elements;
  const auto direct = [&]<class T>(T*) {
    std::vector<const T*> ft(k);
    for (std::size_t t = 0; t < k; ++t) ft[t] = reinterpret_cast<const T*>(s[t + 1]->data);
    fn(reinterpret_cast<const T*>(s[0]->data), ft.data(), n, std::size_t{0});
  };
  if (uniform && d == Dtype::f32) return direct(static_cast<float*>(nullptr));
  if (uniform && d == Dtype::bf16) return direct(static_cast<Bf16*>(nullptr));
  if (uniform && d == Dtype::f16) return direct(static_cast<F16*>(nullptr));
  constexpr std::size_t kChunk = 1 << 16;
  std::vector<std::vector<float>> buf(k + 1, std::vector<float>(std::min<std::size_t>(n, kChunk)));
  std::vector<const float*> ft(k);
  for (std::size_t t = 0; t < k; ++t) ft[t] = buf[t + 1].data();
  for (std::size_t from = 0; from < n; from += kChunk) {
    const std::size_t count = std::min(kChunk, n - from);
    for (std::size_t a = 0; a <= k; ++a) read_as_f32(*s[a], from, count, buf[a].data());
    fn(static_cast<const float*>(buf[0].data()), ft.data(), count, from);
  }
}

// The explicitly named implementation, or best(): usable here (runnable and
// no known defect of this build's compiler), or MASKBENCH_FORCE's.
const Implementation& choose(const Options& o) {
  if (o.impl.empty()) return best(TaskvecKernels::kFamily);
  const NamedChoice c = choose_named(o.impl, TaskvecKernels::kFamily, o.allow_known_defect);
  if (c.impl == nullptr) throw UsageError(fmt::format("--impl: {}", c.refusal));
  if (c.defect != nullptr)
    fmt::print(stderr, "maskbench taskvec: warning: {} is known defect {} of {}; its results may be wrong\n", o.impl,
               c.defect->id, compiler());
  return *c.impl;
}

// A checkpoint's file name, for the terminal.
std::string short_name(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return escape::terminal(slash == std::string::npos ? path : path.substr(slash + 1));
}

void report_cosines(const Options& o, const TaskvecKernels& kt, const std::vector<TensorSet>& sets) {
  const std::size_t k = o.tasks.size();
  std::vector<double> gram(k * k, 0.0), part(k * k);
  for (const TensorSet& s : sets)
    stream(s, [&](const auto* pre, const auto* const* ft, std::size_t n, std::size_t) {
      using T = std::remove_cv_t<std::remove_pointer_t<decltype(pre)>>;
      kt.typed<T>().gram(pre, ft, k, n, part.data());
      for (std::size_t i = 0; i < k * k; ++i) gram[i] += part[i];
    });
  std::vector<double> norm(k), cos(k * k);
  cosines_from_gram(gram.data(), k, norm.data(), cos.data());
  fmt::print("\nnorms of the task vectors\n");
  for (std::size_t t = 0; t < k; ++t) fmt::print("  norm {} {:.6e}  {}\n", t, norm[t], short_name(o.tasks[t]));
  fmt::print("\ncosine matrix\n      ");
  for (std::size_t j = 0; j < k; ++j) fmt::print(" {:>9}", j);
  fmt::print("\n");
  for (std::size_t i = 0; i < k; ++i) {
    fmt::print("  {:>3} ", i);
    for (std::size_t j = 0; j < k; ++j) fmt::print(" {:>+9.6f}", cos[i * k + j]);
    fmt::print("\n");
  }
  fmt::print("\nlikely interference (|cos| > {})\n", o.warn);
  bool any = false;
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = i + 1; j < k; ++j)
      if (std::fabs(cos[i * k + j]) > o.warn || std::isnan(cos[i * k + j])) {
        fmt::print("  pair {} {} cos={:+.6f}  {} ~ {}\n", i, j, cos[i * k + j], short_name(o.tasks[i]),
                   short_name(o.tasks[j]));
        any = true;
      }
  if (!any) fmt::print("  none\n");
}

void write_ties(const Options& o, const TaskvecKernels& kt, const std::vector<TensorSet>& sets) {
  const std::size_t k = o.tasks.size();
  std::uint64_t total = 0;
  for (const TensorSet& s : sets) total += s[0]->elements;
  std::vector<float> thr(k);
  for (std::size_t t = 0; t < k; ++t)
    thr[t] = ties_threshold(o.percent, total, [&](std::int32_t prefix, std::uint64_t* hist) {
      for (const TensorSet& s : sets)
        stream(s, [&](const auto* pre, const auto* const* ft, std::size_t n, std::size_t) {
          using T = std::remove_cv_t<std::remove_pointer_t<decltype(pre)>>;
          kt.typed<T>().ties_histogram(pre, ft[t], n, prefix, hist);
        });
    });
  std::int64_t votes = 0;
  for (const TensorSet& s : sets)
    stream(s, [&](const auto* pre, const auto* const* ft, std::size_t n, std::size_t) {
      using T = std::remove_cv_t<std::remove_pointer_t<decltype(pre)>>;
      votes += kt.typed<T>().ties_sign_sum(pre, ft, k, n, thr.data());
    });
  const float majority = votes < 0 ? -1.0f : 1.0f;

  std::vector<SafetensorsWriter::Entry> entries;
  for (const TensorSet& s : sets) entries.push_back({s[0]->name, s[0]->shape});
  SafetensorsWriter out(o.out, entries);
  std::vector<float> merged;
  for (const TensorSet& s : sets) {
    merged.resize(s[0]->elements);
    stream(s, [&](const auto* pre, const auto* const* ft, std::size_t n, std::size_t from) {
      using T = std::remove_cv_t<std::remove_pointer_t<decltype(pre)>>;
      kt.typed<T>().ties_merge(pre, ft, k, n, thr.data(), majority, o.lambda, merged.data() + from);
    });
    out.write(merged.data(), merged.size());
  }
  out.commit();
  fmt::print("\nTIES merge (top {}% per task, lambda {}): majority sign {:+}\n", o.percent, o.lambda,
             static_cast<int>(majority));
  for (std::size_t t = 0; t < k; ++t) fmt::print("  threshold {} {:.6e}  {}\n", t, thr[t], short_name(o.tasks[t]));
  fmt::print("wrote {} ({} tensors, {} parameters, F32)\n", escape::terminal(o.out), sets.size(), total);
}

int run_taskvec(std::span<const std::string_view> args) {
  const Options o = parse(args);
  std::vector<std::unique_ptr<SafetensorsFile>> files;
  files.push_back(std::make_unique<SafetensorsFile>(o.base));
  for (const std::string& p : o.tasks) files.push_back(std::make_unique<SafetensorsFile>(p));
  const std::vector<TensorSet> sets = match(files);
  std::uint64_t total = 0;
  for (const TensorSet& s : sets) total += s[0]->elements;
  const Implementation& impl = choose(o);
  const TaskvecKernels& kt = *impl.kernels<TaskvecKernels>();
  fmt::print("base {} ({} tensors, {} parameters)\n", escape::terminal(o.base), sets.size(), total);
  for (std::size_t t = 0; t < o.tasks.size(); ++t) fmt::print("task {} {}\n", t, escape::terminal(o.tasks[t]));
  fmt::print("implementation {}{}\n", impl.name,
             !o.impl.empty() ? "" : forced_name().empty() ? " (best usable here)" : " (MASKBENCH_FORCE)");
  // A reduced-precision row is only ever named; its output says what it costs.
  if (kt.bf16.gram_operands_at(o.tasks.size()) == GramOperands::bf16)
    fmt::print("precision bf16 tensors' Gram from differences rounded to bf16 (within GramOperands::bf16's bound, maskbench/taskvec.hpp)\n");
  report_cosines(o, kt, sets);
  if (o.percent >= 0.0) write_ties(o, kt, sets);
  return kExitOk;
}

}  // namespace

MB_COMMAND("taskvec", kUsage,
           "cosines and norms of task vectors (fine-tuned minus base), pairs likely to interfere, optional TIES merge",
           run_taskvec);

}  // namespace maskbench::cli

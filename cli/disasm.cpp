// `maskbench disasm [-o disasm.json]`: the hot loop of every implementation's
// entry points (kernels/include/maskbench/entry_point.hpp), from this
// build's own kernel library: binutils' nm for the symbols, objdump for the
// code, reports/hot_loop.hpp for the loops and their instruction mix. The
// report shows them beside the rates (./run_all.sh writes disasm.json).
//
// The library is the one this process loaded (dladdr on the registry), so
// the code shown is the code that was measured by a benchmark binary of the
// same build. A function without a loop is followed into the functions it
// calls in the same implementation's namespace (vera's forward calls the
// blocked loop nest), up to kMaxFunctions per entry point.
#include <dlfcn.h>

#include <cxxabi.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "args.hpp"
#include "escape.hpp"
#include "hot_loop.hpp"
#include "maskbench/compress.hpp"
#include "maskbench/cond.hpp"
#include "maskbench/output.hpp"
#include "maskbench/registry.hpp"
#include "maskbench/roofline.hpp"
#include "maskbench/taskvec.hpp"
#include "maskbench/vera.hpp"
#include "mca.hpp"
#include "mca_run.hpp"
#include "schema.hpp"
#include "tool_run.hpp"

namespace maskbench::cli {
namespace {

constexpr std::string_view kUsage = "maskbench disasm [-o disasm.json] [--no-mca]";
#if defined(__x86_64__)
constexpr bool kReadsThisArchitecture = true;
#else
constexpr bool kReadsThisArchitecture = false;
#endif
constexpr std::size_t kMaxFunctions = 48;
// The longest loop kept in full; a longer one keeps its mix and this many
// instructions.
constexpr std::size_t kMaxLoopInstructions = 400;

// A compiler's clone (".constprop.0", ".isra.0", ".part.0", ".cold") keeps
// its suffix after the demangled name, so that it still reads as a function
// of its namespace.
std::string demangle(const std::string& name) {
  const std::size_t dot = name.starts_with("_Z") ? name.find('.') : std::string::npos;
  const std::string base = name.substr(0, dot);
  int status = 0;
  char* d = abi::__cxa_demangle(base.c_str(), nullptr, nullptr, &status);
  std::string out = status == 0 && d != nullptr ? d : base;
  std::free(d);
  if (dot != std::string::npos) out += " [" + name.substr(dot + 1) + "]";
  return out;
}

struct Symbol {
  std::uint64_t address = 0, size = 0;
  std::string name;        // demangled where the demangler could
  std::string implementation;  // the maskbench::impl::<ns> it belongs to, read from the mangled name; or ""
};

// "avx512" of "_ZN9maskbench4impl6avx512...": read from the mangled name,
// since some instantiations do not demangle.
std::string implementation_of(std::string_view mangled) {
  constexpr std::string_view kPrefix = "_ZN9maskbench4impl";
  if (!mangled.starts_with(kPrefix)) return {};
  mangled.remove_prefix(kPrefix.size());
  std::size_t len = 0, digits = 0;
  while (digits < mangled.size() && mangled[digits] >= '0' && mangled[digits] <= '9')
    len = len * 10 + static_cast<std::size_t>(mangled[digits++] - '0');
  if (digits == 0 || digits + len > mangled.size()) return {};
  return std::string(mangled.substr(digits, len));
}

// nm -S --defined-only: "<address> <size> <type> <name>" for the functions.
std::vector<Symbol> functions_of(const std::string& nm_text, std::uint64_t& registry_address) {
  std::vector<Symbol> out;
  std::size_t at = 0;
  while (at < nm_text.size()) {
    const std::size_t nl = std::min(nm_text.find('\n', at), nm_text.size());
    const std::string line = nm_text.substr(at, nl - at);
    at = nl + 1;
    char type = 0;
    unsigned long long address = 0, size = 0;
    int used = 0;
    if (std::sscanf(line.c_str(), "%llx %llx %c %n", &address, &size, &type, &used) < 3 || used <= 0) continue;
    const std::string mangled = line.substr(static_cast<std::size_t>(used));
    if (mangled == "_ZN9maskbench15implementationsEv") registry_address = address;
    if (type != 't' && type != 'T' && type != 'W' && type != 'w') continue;
    out.push_back({address, size, demangle(mangled), implementation_of(mangled)});
  }
  std::sort(out.begin(), out.end(), [](const Symbol& a, const Symbol& b) { return a.address < b.address; });
  return out;
}

const Symbol* symbol_at(const std::vector<Symbol>& symbols, std::uint64_t address) {
  auto it = std::upper_bound(symbols.begin(), symbols.end(), address,
                             [](std::uint64_t a, const Symbol& s) { return a < s.address; });
  if (it == symbols.begin()) return nullptr;
  --it;
  return address < it->address + it->size ? &*it : nullptr;
}

nlohmann::json mix_json(const hot_loop::Mix& m) {
  return {{"instructions", m.instructions}, {"vector", m.vector},   {"mask", m.mask},
          {"blend", m.blend},               {"compress_register", m.compress_register},
          {"compress_memory", m.compress_memory}, {"expand", m.expand}, {"gather", m.gather},
          {"scatter", m.scatter},           {"fma", m.fma},         {"scalar_ops", m.scalar},
          {"loads", m.loads},               {"stores", m.stores},   {"width", m.width}};
}

class Disassembler {
 public:
  Disassembler(std::string library, std::vector<Symbol> symbols, std::string objdump_text)
      : library_(std::move(library)), symbols_(std::move(symbols)) {
    for (hot_loop::Instruction& i : hot_loop::parse_objdump(objdump_text)) {
      const Symbol* s = symbol_at(symbols_, i.address);
      if (s != nullptr) code_[s->address].push_back(std::move(i));
    }
  }

  // The entry point's hot loop, searched in its function and, breadth
  // first, in the functions it calls within its implementation's namespace.
  // `text` gets the whole loop, which the entry keeps only its first
  // kMaxLoopInstructions of.
  nlohmann::json entry(const Symbol& start, std::vector<std::string>& text) const {
    const std::string& ns = start.implementation;
    std::deque<const Symbol*> todo{&start};
    std::set<std::uint64_t> seen{start.address};
    std::vector<hot_loop::Loop> all;
    std::map<std::uint64_t, const Symbol*> owner;
    while (!todo.empty() && seen.size() <= kMaxFunctions) {
      const Symbol* f = todo.front();
      todo.pop_front();
      const auto it = code_.find(f->address);
      if (it == code_.end()) continue;
      for (hot_loop::Loop& l : hot_loop::loops(it->second)) {
        owner[l.start] = f;
        all.push_back(std::move(l));
      }
      for (const hot_loop::Instruction& i : it->second) {
        if (!i.mnemonic.starts_with("call") && !i.mnemonic.starts_with("jmp")) continue;
        if (!i.branch_target) continue;
        const Symbol* callee = symbol_at(symbols_, *i.branch_target);
        if (callee == nullptr || ns.empty() || callee->implementation != ns || !seen.insert(callee->address).second)
          continue;
        todo.push_back(callee);
      }
    }
    nlohmann::json e = {{"symbol", start.name}, {"functions_searched", seen.size()}};
    const std::optional<hot_loop::Loop> hot = hot_loop::hottest(all);
    if (!hot) {
      e["loop"] = nullptr;
      e["why"] = "no loop in the entry point or the functions it calls";
      return e;
    }
    nlohmann::json lines = nlohmann::json::array();
    for (const hot_loop::Instruction& i : hot->body) text.push_back(i.text);
    for (std::size_t k = 0; k < hot->body.size() && k < kMaxLoopInstructions; ++k) lines.push_back(hot->body[k].text);
    const std::optional<std::uint64_t> stride = mca::stride_bytes(hot->body);
    e["loop"] = {{"function", owner.at(hot->start)->name},
                 {"offset", hot->start - owner.at(hot->start)->address},
                 {"instructions", lines},
                 {"mix", mix_json(hot->mix)},
                 {"stride_bytes", stride ? nlohmann::json(*stride) : nlohmann::json(nullptr)}};
    return e;
  }

  const std::vector<Symbol>& symbols() const { return symbols_; }

 private:
  std::string library_;
  std::vector<Symbol> symbols_;
  std::map<std::uint64_t, std::vector<hot_loop::Instruction>> code_;  // function address -> its instructions
};

template <class Table>
void add_family(const Implementation& impl, const Disassembler& d, std::uintptr_t bias, nlohmann::json& entries,
                std::vector<std::vector<std::string>>& loop_texts) {
  const Table* t = impl.kernels<Table>();
  if (t == nullptr) return;
  std::vector<EntryPoint> points = t->entry_points();
  if constexpr (std::is_same_v<Table, CompressKernels>) {
    // The plain entry points dispatch through a pointer to the form this CPU
    // gets, which objdump cannot follow: where the implementation runs here
    // (asking runs its code), they stand for that form's code.
    if (t->variants.size() > 1 && runnable(impl, host_cpu()).ok) {
      const std::string_view chosen = t->chosen_variant();
      for (const CompressVariant& v : t->variants)
        if (v.name == chosen)
          for (EntryPoint& ep : points) {
            if (ep.benchmark == "compress_f32") ep.code = entry("", v.compress_f32).code;
            if (ep.benchmark == "compress_i32") ep.code = entry("", v.compress_i32).code;
            if (ep.benchmark == "compress_index") ep.code = entry("", v.compress_index).code;
          }
    }
  }
  for (const EntryPoint& ep : points) {
    nlohmann::json e = {{"implementation", impl.name}, {"family", Table::kFamily}, {"benchmark", ep.benchmark}};
    const Symbol* s = ep.code == nullptr ? nullptr : symbol_at(d.symbols(), reinterpret_cast<std::uintptr_t>(ep.code) - bias);
    std::vector<std::string> text;
    if (s == nullptr) {
      e["loop"] = nullptr;
      e["why"] = "the entry point is not a function of the library's symbol table";
    } else {
      e.update(d.entry(*s, text));
    }
    entries.push_back(std::move(e));
    loop_texts.push_back(std::move(text));
  }
}

// The clock while this runs, in GHz: a chain of dependent additions of a
// register, one cycle each on every x86-64 core, timed; the fastest of 7 runs
// of about 2^26 additions (a descheduled run is only slower). Not additions of
// an immediate: Raptor Cove (the Xeon development VM) folds those at rename
// and ran five a cycle, a "clock" of 15.8 GHz.
double clock_ghz() {
  double best = 0.0;
#if defined(__x86_64__)
  constexpr std::uint64_t kRounds = std::uint64_t{1} << 22, kAddsPerRound = 16;
  for (int run = 0; run < 7; ++run) {
    std::uint64_t x = 0;
    const std::uint64_t one = 1;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::uint64_t i = 0; i < kRounds; ++i)
      asm volatile(
          "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
          "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
          "add %1, %0\n\tadd %1, %0"
          : "+r"(x)
          : "r"(one));
    const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
    if (ns > 0) best = std::max(best, static_cast<double>(kRounds * kAddsPerRound) / ns);
  }
#endif
  return best;
}

// llvm-mca's predictions for every distinct hot loop, into the entries;
// what was asked, of which tool, into the returned object.
nlohmann::json add_predictions(nlohmann::json& entries, const std::vector<std::vector<std::string>>& loop_texts) {
  std::string why;
  const std::optional<mca::Tool> tool = mca::find_tool(why);
  if (!tool) return {{"skipped", why}};
  const std::vector<mca::Model> models = mca::models(*tool, host_cpu().detected.has(Feature::avx512));
  std::map<std::vector<std::string>, std::size_t> distinct;
  std::vector<mca::Loop> loops;
  std::vector<std::size_t> loop_of(loop_texts.size(), SIZE_MAX);
  for (std::size_t e = 0; e < loop_texts.size(); ++e) {
    if (loop_texts[e].empty()) continue;
    const auto [it, added] = distinct.emplace(loop_texts[e], loops.size());
    if (added) loops.push_back({&it->first, mca::unmodelled_reason(it->first)});
    loop_of[e] = it->second;
  }
  const std::vector<std::vector<mca::Prediction>> p = mca::predict(*tool, models, loops);
  for (std::size_t e = 0; e < loop_texts.size(); ++e) {
    if (loop_of[e] == SIZE_MAX) continue;
    nlohmann::json list = nlohmann::json::array();
    for (std::size_t m = 0; m < models.size(); ++m) {
      const mca::Prediction& q = p[loop_of[e]][m];
      nlohmann::json one = {{"model", models[m].name}};
      if (q.cycles_per_iteration)
        one["cycles_per_iteration"] = *q.cycles_per_iteration;
      else
        one["error"] = q.error;
      list.push_back(std::move(one));
    }
    entries[e]["loop"]["predictions"] = std::move(list);
  }
  nlohmann::json model_list = nlohmann::json::array();
  for (const mca::Model& m : models) model_list.push_back({{"name", m.name}, {"has_avx512", m.avx512}, {"host", m.host}});
  return {{"tool", tool->version}, {"models", model_list}, {"distinct_loops", loops.size()}, {"clock_ghz", clock_ghz()}};
}

int run_disasm(std::span<const std::string_view> args) {
  const Args a = Args::parse(args, {"-o", "--output"}, {"--no-mca"}, kUsage);
  if (!a.positional.empty()) throw UsageError(fmt::format("unexpected argument '{}'; usage: {}", a.positional[0], kUsage));
  std::filesystem::path out = "disasm.json";
  for (const char* o : {"-o", "--output"})
    if (a.values.contains(o)) out = a.values.at(o);
  if (!kReadsThisArchitecture)
    throw UsageError("the hot-loop analysis reads x86-64 code only; this maskbench was built for another architecture");
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&maskbench::implementations), &info) == 0 || info.dli_fname == nullptr)
    throw UsageError("cannot find the kernel library this maskbench loaded (dladdr failed)");
  const std::string library = info.dli_fname;
  const std::optional<std::string> nm = tool::capture({"nm", "-S", "--defined-only", library});
  if (!nm) throw UsageError(fmt::format("nm (binutils) is missing or failed on {}; install binutils", library));
  const std::optional<std::string> version = tool::capture({"objdump", "--version"});
  const std::optional<std::string> code = tool::capture({"objdump", "-d", "--no-show-raw-insn", library});
  if (!code || !version) throw UsageError(fmt::format("objdump (binutils) is missing or failed on {}; install binutils", library));
  std::uint64_t registry_address = 0;
  std::vector<Symbol> symbols = functions_of(*nm, registry_address);
  if (registry_address == 0)
    throw UsageError(fmt::format("{} has no symbol table entry for the registry (a stripped library?)", library));
  // Where the library was loaded, from one symbol the process and the
  // symbol table both know: right for a shared library and for a
  // position-dependent executable alike.
  const std::uintptr_t bias = reinterpret_cast<std::uintptr_t>(&maskbench::implementations) - registry_address;
  const Disassembler d(library, std::move(symbols), *code);
  nlohmann::json entries = nlohmann::json::array();
  std::vector<std::vector<std::string>> loop_texts;  // parallel to entries
  for (const Implementation& impl : implementations()) {
    add_family<CondKernels>(impl, d, bias, entries, loop_texts);
    add_family<CompressKernels>(impl, d, bias, entries, loop_texts);
    add_family<VeraKernels>(impl, d, bias, entries, loop_texts);
    add_family<TaskvecKernels>(impl, d, bias, entries, loop_texts);
    add_family<RooflineKernels>(impl, d, bias, entries, loop_texts);
  }
  const nlohmann::json mca = a.flags.contains("--no-mca") ? nlohmann::json{{"skipped", "not asked (--no-mca)"}}
                                                            : add_predictions(entries, loop_texts);
  const nlohmann::json doc = {{schema::kSchemaMember, schema::tag(schema::Document::disasm)},
                              {"library", library},
                              {"objdump", version->substr(0, version->find('\n'))},
                              {"mca", mca},
                              {"entries", entries}};
  output::write_atomically(out, doc.dump(1) + "\n");
  std::size_t with_loop = 0;
  for (const nlohmann::json& e : entries) with_loop += !e["loop"].is_null();
  fmt::print("{} entry points, {} with a hot loop: {}\n", entries.size(), with_loop, escape::terminal(out.string()));
  return kExitOk;
}

}  // namespace

MB_COMMAND("disasm", "[-o disasm.json] [--no-mca]",
           "the hot loop and instruction mix of every implementation's entry points, from this build's kernel library",
           run_disasm);

}  // namespace maskbench::cli

#include "mca.hpp"

#include <cxxabi.h>

#include <charconv>
#include <cstdlib>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace maskbench::mca {
namespace {

using hot_loop::trim;

// An immediate or displacement as objdump prints it: "0x40", "-0x40",
// "$0xffffffffffffff80" (a negative 64-bit immediate), decimal "8".
std::optional<std::int64_t> number(std::string_view s) {
  if (s.starts_with('$')) s.remove_prefix(1);
  bool negative = false;
  if (s.starts_with('-')) {
    negative = true;
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.starts_with("0x")) {
    s.remove_prefix(2);
    base = 16;
  }
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  const auto signed_v = static_cast<std::int64_t>(v);  // two's complement, as the CPU reads it
  return negative ? -signed_v : signed_v;
}

// A general-purpose register by its 64-bit name ("%eax" and "%rax" are one
// register for an induction variable); "" for anything else.
std::string gpr(std::string_view r) {
  static const std::map<std::string_view, std::string_view> k32 = {
      {"%eax", "%rax"}, {"%ebx", "%rbx"}, {"%ecx", "%rcx"}, {"%edx", "%rdx"},
      {"%esi", "%rsi"}, {"%edi", "%rdi"}, {"%ebp", "%rbp"}, {"%esp", "%rsp"}};
  if (const auto it = k32.find(r); it != k32.end()) return std::string(it->second);
  if (r.size() >= 3 && r.starts_with("%r") && r[2] >= '0' && r[2] <= '9') {
    std::string s(r);
    while (!s.empty() && (s.back() == 'd' || s.back() == 'w' || s.back() == 'b')) s.pop_back();
    return s;
  }
  if (r.size() == 4 && r.starts_with("%r")) return std::string(r);  // %rax ... %rsp
  return "";
}

struct Memory {
  std::int64_t displacement = 0;
  std::string base, index;
  std::int64_t scale = 1;
};

// "disp(base,index,scale)" with an optional segment and {mask} suffix.
std::optional<Memory> memory(std::string_view o) {
  const std::size_t open = o.find('('), close = o.find(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return std::nullopt;
  Memory m;
  std::string_view disp = o.substr(0, open);
  if (const std::size_t colon = disp.find(':'); colon != std::string_view::npos) disp = disp.substr(colon + 1);
  if (!disp.empty()) {
    const std::optional<std::int64_t> d = number(disp);
    if (!d) return std::nullopt;
    m.displacement = *d;
  }
  std::string_view inside = o.substr(open + 1, close - open - 1);
  std::vector<std::string_view> parts;
  for (std::size_t at = 0;;) {
    const std::size_t comma = inside.find(',', at);
    parts.push_back(trim(inside.substr(at, comma - at)));
    if (comma == std::string_view::npos) break;
    at = comma + 1;
  }
  m.base = gpr(parts[0]);
  if (parts.size() > 1) m.index = gpr(parts[1]);
  if (parts.size() > 2) {
    const std::optional<std::int64_t> s = number(parts[2]);
    if (!s) return std::nullopt;
    m.scale = *s;
  }
  return m;
}

bool only_reads_last_operand(std::string_view m) {
  return m.starts_with("cmp") || m.starts_with("test") || m.starts_with("bt") || m.starts_with("prefetch") ||
         m.starts_with('j') || m.starts_with("push");
}

}  // namespace

namespace {

// A register's value inside one iteration, symbolically: the value some
// register had when the iteration began, plus a constant; or unknown.
struct Value {
  std::string origin;  // "" for unknown
  std::int64_t offset = 0;
};

// Evaluates one instruction's effect on the registers it writes, in the
// terms of Value: a constant added or subtracted, a displacement taken by
// lea from one register, a register copied; anything else makes the
// destination unknown.
void evaluate(const hot_loop::Instruction& i, std::map<std::string, Value>& regs) {
  if (i.operands.empty() || only_reads_last_operand(i.mnemonic)) return;
  const std::string dest = gpr(i.operands.back());
  if (dest.empty()) return;
  const auto now = [&](const std::string& r) {
    const auto it = regs.find(r);
    return it == regs.end() ? Value{r, 0} : it->second;
  };
  const std::string_view m = i.mnemonic;
  const auto is = [&](std::string_view base) {
    return m == base || (m.size() == base.size() + 1 && m.starts_with(base) && (m.back() == 'q' || m.back() == 'l'));
  };
  Value v;
  if ((is("add") || is("sub")) && i.operands.size() == 2 && i.operands[0].starts_with('$')) {
    if (const std::optional<std::int64_t> d = number(i.operands[0])) {
      v = now(dest);
      v.offset += is("add") ? *d : -*d;
    }
  } else if ((is("inc") || is("dec")) && i.operands.size() == 1) {
    v = now(dest);
    v.offset += is("inc") ? 1 : -1;
  } else if (is("lea") && i.operands.size() == 2) {
    const std::optional<Memory> a = memory(i.operands[0]);
    if (a && !a->base.empty() && a->index.empty()) {
      v = now(a->base);
      v.offset += a->displacement;
    }
  } else if (is("mov") && i.operands.size() == 2 && !gpr(i.operands[0]).empty()) {
    v = now(gpr(i.operands[0]));
  }
  if (v.origin.empty()) v = Value{};
  regs[dest] = v;
}

}  // namespace

std::optional<std::uint64_t> stride_bytes(const std::vector<hot_loop::Instruction>& body) {
  // Pass 1: each register's value at the end of an iteration. One that ends
  // as its own start plus c advances by c an iteration.
  std::map<std::string, Value> regs;
  for (const hot_loop::Instruction& i : body) evaluate(i, regs);
  std::map<std::string, std::int64_t> step;
  for (const auto& [r, v] : regs)
    if (v.origin == r && v.offset != 0) step[r] = v.offset;
  // Pass 2: at each memory operand, its base and index registers as values;
  // one that is a stepping register's start plus a constant (the register
  // itself, or a copy of it made in this iteration) advances with it.
  regs.clear();
  std::uint64_t widest = 0;
  for (const hot_loop::Instruction& i : body) {
    if (!i.mnemonic.starts_with("lea") && !i.mnemonic.starts_with("nop")) {
      for (const std::string& o : i.operands) {
        const std::optional<Memory> m = memory(o);
        if (!m) continue;
        const auto advance = [&](const std::string& r, std::int64_t scale) {
          if (r.empty()) return;
          const auto it = regs.find(r);
          const std::string origin = it == regs.end() ? r : it->second.origin;
          const auto s = step.find(origin);
          if (origin.empty() || s == step.end()) return;
          const std::int64_t d = s->second;
          widest = std::max(widest, static_cast<std::uint64_t>(d < 0 ? -d : d) * static_cast<std::uint64_t>(scale));
        };
        advance(m->base, 1);
        advance(m->index, m->scale);
      }
    }
    evaluate(i, regs);
  }
  if (widest == 0) return std::nullopt;
  return widest;
}

unsigned element_bytes(std::string_view benchmark) {
  const std::string_view kernel = benchmark.substr(0, benchmark.find('/'));
  if (kernel.ends_with("_u8")) return 1;
  if (benchmark.find("dtype:bf16") != std::string_view::npos || benchmark.find("dtype:f16") != std::string_view::npos)
    return 2;
  return 4;
}

bool items_are_loop_elements(std::string_view family, std::string_view benchmark) {
  const std::string_view kernel = benchmark.substr(0, benchmark.find('/'));
  return family == "cond" || family == "compress" || kernel == "read_bw" || kernel == "tv_dot" || kernel == "tv_norm2";
}

std::string unmodelled_reason(const std::vector<std::string>& instructions) {
  for (const std::string& line : instructions) {
    std::string_view s = trim(line);
    for (const std::string_view prefix : {"notrack ", "bnd "})
      if (s.starts_with(prefix)) s = trim(s.substr(prefix.size()));
    if (s.starts_with("call")) {
      // "call   a410 <__popcountdi2@plt>": the callee by its demangled name.
      std::string callee(s.substr(s.find_first_of(" \t") == std::string_view::npos ? s.size() : s.find_first_of(" \t")));
      if (const std::size_t lt = callee.find('<'), gt = callee.rfind('>'); lt != std::string::npos && gt > lt) {
        callee = callee.substr(lt + 1, gt - lt - 1);
        if (const std::size_t at = callee.find('@'); at != std::string::npos) callee.resize(at);
        int status = 0;
        char* d = abi::__cxa_demangle(callee.c_str(), nullptr, nullptr, &status);
        if (status == 0 && d != nullptr) callee = d;
        std::free(d);
      }
      callee = std::string(trim(callee));
      if (callee.size() > 160) callee = callee.substr(0, 160) + "...";
      return fmt::format("calls {} each iteration, whose cost llvm-mca cannot see", callee);
    }
    if (s.starts_with("ret") || s.starts_with("syscall")) return fmt::format("leaves the function inside the loop ({})", line);
  }
  return "";
}

std::string source(const std::vector<const std::vector<std::string>*>& loops) {
  std::string out;
  for (std::size_t r = 0; r < loops.size(); ++r) {
    const std::string label = fmt::format(".Lmb{}", r);
    out += fmt::format("# LLVM-MCA-BEGIN r{}\n{}:\n", r, label);
    for (const std::string& line : *loops[r]) {
      std::string_view s = trim(line);
      // "jne 1a2b <f+0x40>": the address is not an operand the assembler
      // reads; any label will do, as llvm-mca does not follow branches.
      std::string_view mnemonic = s.substr(0, s.find_first_of(" \t"));
      std::string_view rest = trim(s.substr(mnemonic.size()));
      std::string prefix;
      for (const std::string_view p : {"notrack", "bnd"})
        if (mnemonic == p) {
          prefix = std::string(p) + " ";
          mnemonic = rest.substr(0, rest.find_first_of(" \t"));
          rest = trim(rest.substr(mnemonic.size()));
        }
      if (mnemonic.starts_with('j') && !rest.starts_with('*')) {
        out += fmt::format("{}{} {}\n", prefix, mnemonic, label);
        continue;
      }
      out += std::string(s) + "\n";
    }
    out += "# LLVM-MCA-END\n";
  }
  return out;
}

std::vector<std::optional<double>> total_cycles(std::string_view output, std::size_t regions) {
  std::vector<std::optional<double>> out(regions);
  std::size_t region = SIZE_MAX;  // the region whose summary is being read
  while (!output.empty()) {
    const std::size_t nl = output.find('\n');
    const std::string_view line = trim(output.substr(0, nl));
    output = nl == std::string_view::npos ? std::string_view{} : output.substr(nl + 1);
    // "[3] Code Region - r3"
    if (const std::size_t at = line.find("Code Region - r"); line.starts_with('[') && at != std::string_view::npos) {
      std::size_t r = 0;
      const std::string_view digits = line.substr(at + 15);
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), r);
      region = ec == std::errc() && end == digits.data() + digits.size() && r < regions ? r : SIZE_MAX;
      continue;
    }
    constexpr std::string_view kKey = "Total Cycles:";
    if (region == SIZE_MAX || !line.starts_with(kKey)) continue;
    const std::string_view v = trim(line.substr(kKey.size()));
    double d = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
    if (ec == std::errc() && end == v.data() + v.size() && std::isfinite(d) && d > 0) out[region] = d;
    region = SIZE_MAX;
  }
  return out;
}

std::optional<double> steady_cycles(std::optional<double> short_total, std::optional<double> long_total) {
  if (!short_total || !long_total || *long_total <= *short_total) return std::nullopt;
  return (*long_total - *short_total) / (kLongRun - kShortRun);
}

bool needs_avx512(const std::vector<std::string>& instructions) {
  for (const std::string& line : instructions) {
    const std::string_view s = std::string_view(line).substr(0, line.find('#'));
    if (s.find("%zmm") != std::string_view::npos) return true;
    for (std::size_t at = s.find('%'); at != std::string_view::npos; at = s.find('%', at + 1)) {
      const std::string_view r = s.substr(at + 1);
      if (r.size() >= 2 && r[0] == 'k' && r[1] >= '0' && r[1] <= '7') return true;
      if (r.starts_with("xmm") || r.starts_with("ymm")) {
        unsigned n = 0;
        const auto [end, ec] = std::from_chars(r.data() + 3, r.data() + r.size(), n);
        if (ec == std::errc() && n >= 16) return true;
      }
    }
  }
  return false;
}

std::string host_cpu(std::string_view version_text) {
  constexpr std::string_view kKey = "Host CPU:";
  const std::size_t at = version_text.find(kKey);
  if (at == std::string_view::npos) return "";
  std::string_view rest = version_text.substr(at + kKey.size());
  rest = trim(rest.substr(0, rest.find('\n')));
  for (const char c : rest)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return "";
  return std::string(rest);
}

}  // namespace maskbench::mca

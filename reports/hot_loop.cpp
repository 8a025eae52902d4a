#include "hot_loop.hpp"

#include <algorithm>
#include <charconv>
#include <map>

namespace maskbench::hot_loop {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

namespace {

std::optional<std::uint64_t> hex(std::string_view s) {
  if (s.starts_with("0x")) s.remove_prefix(2);
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// Operands split at the commas outside parentheses and braces.
std::vector<std::string> split_operands(std::string_view s) {
  std::vector<std::string> out;
  int depth = 0;
  std::string cur;
  for (const char c : s) {
    if (c == '(' || c == '{') ++depth;
    if (c == ')' || c == '}') --depth;
    if (c == ',' && depth == 0) {
      out.emplace_back(trim(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!trim(cur).empty()) out.emplace_back(trim(cur));
  return out;
}

bool is_prefix(std::string_view m) {
  return m == "rep" || m == "repz" || m == "repe" || m == "repnz" || m == "repne" || m == "lock" || m == "notrack" ||
         m == "bnd" || m == "data16" || m == "cs" || m == "ds";
}

bool is_memory(std::string_view operand) { return operand.find('(') != std::string_view::npos; }

bool has_register(const Instruction& i, std::string_view prefix) {
  for (const std::string& o : i.operands)
    for (std::size_t at = o.find(prefix); at != std::string::npos; at = o.find(prefix, at + 1))
      if (at + prefix.size() < o.size() && o[at + prefix.size()] >= '0' && o[at + prefix.size()] <= '9') return true;
  return false;
}

bool is_jump(std::string_view m) { return m.starts_with('j'); }

// Instructions whose last operand, memory or not, is only read.
bool reads_destination_only(std::string_view m) {
  return m.starts_with("cmp") || m.starts_with("test") || m.starts_with("prefetch") || m.starts_with("vcomis") ||
         m.starts_with("vucomis") || m.starts_with("comis") || m.starts_with("ucomis") || m.starts_with("bt");
}

}  // namespace

std::vector<Instruction> parse_objdump(std::string_view text) {
  std::vector<Instruction> out;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    // "  139af0:\tvmovups -0x40(%rdi,%rax,4),%zmm6"
    const std::size_t colon = line.find(":\t");
    if (colon == std::string_view::npos) continue;
    const std::optional<std::uint64_t> address = hex(trim(line.substr(0, colon)));
    if (!address) continue;
    std::string_view rest = trim(line.substr(colon + 2));
    if (rest.empty() || rest.starts_with("(bad)")) continue;
    Instruction ins;
    ins.address = *address;
    ins.text = std::string(rest);
    // A comment ("# 1a3b40 <symbol>") and a branch's symbol ("<f+0x30>") hold
    // commas of their own: cut them before splitting the operands.
    if (const std::size_t hash = rest.find('#'); hash != std::string_view::npos) rest = trim(rest.substr(0, hash));
    std::size_t space = rest.find_first_of(" \t");
    std::string_view mnemonic = rest.substr(0, space);
    while (is_prefix(mnemonic) && space != std::string_view::npos) {
      rest = trim(rest.substr(space));
      space = rest.find_first_of(" \t");
      mnemonic = rest.substr(0, space);
    }
    ins.mnemonic = std::string(mnemonic);
    std::string_view operands = space == std::string_view::npos ? std::string_view{} : trim(rest.substr(space));
    if (const std::size_t lt = operands.find(" <"); lt != std::string_view::npos) operands = trim(operands.substr(0, lt));
    if ((is_jump(mnemonic) || mnemonic.starts_with("call")) && !operands.starts_with('*'))
      ins.branch_target = hex(operands);
    ins.operands = split_operands(operands);
    out.push_back(std::move(ins));
  }
  return out;
}

Mix mix_of(const std::vector<Instruction>& body) {
  Mix m;
  int widest = 0;
  for (const Instruction& i : body) {
    const std::string_view op = i.mnemonic;
    ++m.instructions;
    const int width = has_register(i, "%zmm") ? 3 : has_register(i, "%ymm") ? 2 : has_register(i, "%xmm") ? 1 : 0;
    widest = std::max(widest, width);
    const bool scalar_fp = width > 0 && (op.ends_with("ss") || op.ends_with("sd") || op.ends_with("sh")) &&
                           !op.starts_with("vbroadcast") && !op.starts_with("vpbroadcast");
    if (width > 0 && !scalar_fp) ++m.vector;
    if (width == 0 || scalar_fp) ++m.scalar;
    if ((op.starts_with('k') && op != "kill") || has_register(i, "%k")) ++m.mask;
    if (op.find("blend") != std::string_view::npos) ++m.blend;
    if (op.starts_with("vcompress") || op.starts_with("vpcompress"))
      (!i.operands.empty() && is_memory(i.operands.back()) ? m.compress_memory : m.compress_register) += 1;
    if (op.starts_with("vexpand") || op.starts_with("vpexpand")) ++m.expand;
    if (op.find("gather") != std::string_view::npos) ++m.gather;
    if (op.find("scatter") != std::string_view::npos) ++m.scatter;
    if (op.starts_with("vfmadd") || op.starts_with("vfmsub") || op.starts_with("vfnmadd") || op.starts_with("vfnmsub") ||
        op.starts_with("vdpbf16"))
      ++m.fma;
    if (op.starts_with("prefetch") || op == "lea" || op.starts_with("nop")) continue;
    for (std::size_t k = 0; k < i.operands.size(); ++k) {
      if (!is_memory(i.operands[k])) continue;
      const bool last = k + 1 == i.operands.size();
      if (!last || reads_destination_only(op)) {
        ++m.loads;
      } else {
        ++m.stores;
        // A read-modify-write ("add %eax,(%rdi)") reads its destination too;
        // a move, a store form or a compress to memory does not.
        const bool pure_store = op.starts_with("mov") || op.starts_with("vmov") || op.starts_with("vcompress") ||
                                op.starts_with("vpcompress") || op.find("scatter") != std::string_view::npos ||
                                op.starts_with("vextract") || op.starts_with("vpextr") || op.starts_with("set") ||
                                op.starts_with("vpmov") || op.starts_with("stos");
        if (!pure_store && i.operands.size() <= 2) ++m.loads;
      }
    }
  }
  m.width = widest == 3 ? "zmm" : widest == 2 ? "ymm" : widest == 1 ? "xmm" : "";
  return m;
}

std::vector<Loop> loops(const std::vector<Instruction>& f) {
  std::vector<Loop> out;
  if (f.empty()) return out;
  const std::uint64_t lo = f.front().address, hi = f.back().address;
  std::map<std::uint64_t, std::size_t> index;
  for (std::size_t k = 0; k < f.size(); ++k) index[f[k].address] = k;
  for (std::size_t b = 0; b < f.size(); ++b) {
    const Instruction& br = f[b];
    if (!is_jump(br.mnemonic) || !br.branch_target) continue;
    const std::uint64_t t = *br.branch_target;
    if (t > br.address || t < lo || t > hi || !index.contains(t)) continue;
    // The loop is what lies on a path from the target to the branch without
    // leaving [target, branch]: blocks the compiler placed in that range but
    // outside the loop (an epilogue, a cold path that returns) are not in it.
    const std::size_t first = index.at(t);
    const std::size_t n = b - first + 1;
    std::vector<std::vector<std::size_t>> succ(n), pred(n);
    for (std::size_t k = 0; k < n; ++k) {
      const Instruction& i = f[first + k];
      const bool ends = i.mnemonic.starts_with("ret") || i.mnemonic == "ud2" || i.mnemonic.starts_with("jmp");
      if (!ends && k + 1 < n) succ[k].push_back(k + 1);
      if (is_jump(i.mnemonic) && i.branch_target && index.contains(*i.branch_target)) {
        const std::size_t to = index.at(*i.branch_target);
        if (to >= first && to <= b) succ[k].push_back(to - first);
      }
    }
    for (std::size_t k = 0; k < n; ++k)
      for (const std::size_t s2 : succ[k]) pred[s2].push_back(k);
    const auto reach = [n](const std::vector<std::vector<std::size_t>>& edges, std::size_t from) {
      std::vector<bool> seen(n, false);
      std::vector<std::size_t> stack{from};
      seen[from] = true;
      while (!stack.empty()) {
        const std::size_t k = stack.back();
        stack.pop_back();
        for (const std::size_t m : edges[k])
          if (!seen[m]) {
            seen[m] = true;
            stack.push_back(m);
          }
      }
      return seen;
    };
    const std::vector<bool> from_head = reach(succ, 0), to_branch = reach(pred, n - 1);
    Loop l;
    l.start = t;
    l.end = br.address;
    for (std::size_t k = 0; k < n; ++k)
      if (from_head[k] && to_branch[k]) l.body.push_back(f[first + k]);
    l.mix = mix_of(l.body);
    out.push_back(std::move(l));
  }
  return out;
}

std::optional<Loop> hottest(const std::vector<Loop>& all) {
  std::optional<Loop> best;
  for (const Loop& l : all) {
    const bool innermost = std::none_of(all.begin(), all.end(), [&](const Loop& o) {
      return &o != &l && o.start >= l.start && o.end <= l.end && (o.start != l.start || o.end != l.end);
    });
    if (!innermost) continue;
    if (!best || l.mix.vector > best->mix.vector || (l.mix.vector == best->mix.vector && l.body.size() > best->body.size()))
      best = l;
  }
  return best;
}

}  // namespace maskbench::hot_loop

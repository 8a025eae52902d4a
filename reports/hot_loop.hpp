#pragma once
// The hot loop of a kernel, from objdump's disassembly (AT&T syntax, x86-64):
// the loops are the backward branches inside a function, and the hot one is
// the innermost loop with the most vector instructions (the longest where
// none has any). Its instruction mix is what a reader of a rate wants to
// know about the code behind it: mask-register operations, blends, compress
// (register or memory form), gathers and scatters, FMAs, scalar
// instructions, loads and stores per iteration.
//
// A heuristic, stated: the innermost loop is usually the steady state, but a
// kernel whose work sits in a loop with an inner tail loop is credited with
// the tail loop when that has more vector instructions. The disassembly is
// shown beside the mix, so a reader can check.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace maskbench::hot_loop {

struct Instruction {
  std::uint64_t address = 0;
  std::string mnemonic;               // "vcompressps"
  std::vector<std::string> operands;  // AT&T order, destination last: {"%zmm1", "(%rax){%k1}"}
  std::string text;                   // the line as objdump printed it, address stripped
  std::optional<std::uint64_t> branch_target;  // for a jump or call with a direct target
};

// s without the blanks objdump puts around fields (spaces, tabs, a CR).
std::string_view trim(std::string_view s);

// One function's instructions from `objdump -d --no-show-raw-insn` output
// (other lines, such as headers and symbol labels, are skipped).
std::vector<Instruction> parse_objdump(std::string_view text);

struct Mix {
  std::size_t instructions = 0;
  std::size_t vector = 0;            // touching an xmm, ymm or zmm register
  std::size_t mask = 0;              // k-register instructions, or masked by one
  std::size_t blend = 0;
  std::size_t compress_register = 0;  // vcompress / vpcompress to a register
  std::size_t compress_memory = 0;    // ... straight to memory
  std::size_t expand = 0;
  std::size_t gather = 0, scatter = 0;
  std::size_t fma = 0;
  std::size_t scalar = 0;  // no vector register, or a scalar FP form (vaddss)
  std::size_t loads = 0, stores = 0;
  std::string width;       // the widest vector register used: "zmm", "ymm", "xmm" or ""
};

Mix mix_of(const std::vector<Instruction>& body);

struct Loop {
  std::uint64_t start = 0, end = 0;  // the branch target and the backward branch, both included
  std::vector<Instruction> body;
  Mix mix;
};

// Every loop of the function (backward branches to a target inside it).
std::vector<Loop> loops(const std::vector<Instruction>& function);
// The hot one among them, as above; nullopt where there is none.
std::optional<Loop> hottest(const std::vector<Loop>& all);

}  // namespace maskbench::hot_loop

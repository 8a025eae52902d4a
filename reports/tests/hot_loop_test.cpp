// The hot-loop analysis on disassembly written by hand (objdump's format):
// which loop is the hot one, what is in its body, and how each kind of
// instruction is counted.
#include <gtest/gtest.h>

#include "hot_loop.hpp"

namespace maskbench::hot_loop {
namespace {

// An outer loop (10..60) around an inner one (20..40), an epilogue placed
// between the inner loop's end and the outer branch, a cold block inside the
// inner range that returns, and objdump's symbol comments (with commas).
constexpr const char* kNested = R"(
0000000000000000 <f(float const*, float*, unsigned long)>:
   0:	xor    %eax,%eax
  10:	vbroadcastss (%rsi),%zmm1
  14:	mov    %rdi,%rcx
  20:	vmovups (%rcx,%rax,4),%zmm0
  24:	vcmpgt_oqps %zmm1,%zmm0,%k1
  28:	vcompressps %zmm0,(%rdx){%k1}
  2c:	jne    50 <f(float const*, float*, unsigned long)+0x50>
  30:	vfmadd231ps %zmm0,%zmm1,%zmm2
  34:	add    $0x10,%rax
  38:	cmp    %rax,%r8
  3c:	jb     20 <f(float const*, float*, unsigned long)+0x20>
  40:	add    %eax,(%rdi)
  44:	jmp    58 <f(float const*, float*, unsigned long)+0x58>
  50:	vzeroupper
  53:	ret
  58:	cmp    %r9,%rcx
  5c:	jne    10 <f(float const*, float*, unsigned long)+0x10>
  60:	vmovaps 0x1000(%rip),%zmm3        # 1068 <kTable, with, commas>
  68:	ret
)";

TEST(HotLoop, PicksTheInnermostLoopAndLeavesOutBlocksThatExit) {
  const std::vector<Instruction> f = parse_objdump(kNested);
  ASSERT_EQ(f.size(), 19u);
  EXPECT_EQ(f[6].branch_target, 0x50u);
  EXPECT_EQ(f[17].operands.size(), 2u) << "the comment's commas are not operands";
  const std::vector<Loop> all = loops(f);
  ASSERT_EQ(all.size(), 2u);
  const std::optional<Loop> hot = hottest(all);
  ASSERT_TRUE(hot.has_value());
  EXPECT_EQ(hot->start, 0x20u);
  EXPECT_EQ(hot->end, 0x3cu);
  // The jne to the cold block leaves the loop: the block (vzeroupper, ret)
  // is not part of it, though the outer loop's range holds it.
  EXPECT_EQ(hot->body.size(), 8u);
  const Loop& outer = all[0].start == 0x10 ? all[0] : all[1];
  for (const Instruction& i : outer.body) EXPECT_NE(i.mnemonic, "ret") << "an exit block counted in the loop";
}

TEST(HotLoop, CountsEachKindOfInstruction) {
  const std::vector<Instruction> body = parse_objdump(R"(
  10:	vmovups (%rdi),%zmm0
  14:	vcmpgt_oqps %zmm1,%zmm0,%k1
  18:	kmovw  %k1,%eax
  1c:	vcompressps %zmm0,(%rdx){%k1}
  20:	vcompressps %zmm0,%zmm2{%k1}{z}
  24:	vblendmps %zmm0,%zmm1,%zmm3{%k1}
  28:	vgatherdps (%rax,%zmm4,4),%zmm5{%k2}
  2c:	vscatterdps %zmm5,(%rax,%zmm4,4){%k2}
  30:	vfmadd231ps %ymm0,%ymm1,%ymm2
  34:	vaddss %xmm0,%xmm1,%xmm1
  38:	add    %eax,(%rdi)
  3c:	cmp    (%rsi),%rcx
  40:	rep stos %rax,%es:(%rdi)
  44:	prefetcht0 0x200(%rdi)
  48:	vexpandps (%rsi),%zmm6{%k1}
)");
  ASSERT_EQ(body.size(), 15u);
  EXPECT_EQ(body[12].mnemonic, "stos") << "a prefix is not the mnemonic";
  const Mix m = mix_of(body);
  EXPECT_EQ(m.instructions, 15u);
  EXPECT_EQ(m.compress_memory, 1u);
  EXPECT_EQ(m.compress_register, 1u);
  EXPECT_EQ(m.mask, 8u) << "kmovw, the compare to %k1 and six instructions masked by a k register";
  EXPECT_EQ(m.blend, 1u);
  EXPECT_EQ(m.gather, 1u);
  EXPECT_EQ(m.scatter, 1u);
  EXPECT_EQ(m.fma, 1u);
  EXPECT_EQ(m.expand, 1u);
  // vaddss is scalar floating point; add, cmp, stos, prefetch and kmovw have
  // no vector register.
  EXPECT_EQ(m.scalar, 6u);
  EXPECT_EQ(m.vector, 9u);
  // Loads: vmovups, vgatherdps, add (read-modify-write), cmp, vexpandps;
  // stores: vcompressps to memory, vscatterdps, add, stos. A prefetch is
  // neither.
  EXPECT_EQ(m.loads, 5u);
  EXPECT_EQ(m.stores, 4u);
  EXPECT_EQ(m.width, "zmm");
}

TEST(HotLoop, NoBackwardBranchNoLoop) {
  const std::vector<Instruction> f = parse_objdump(R"(
   0:	vaddps %ymm0,%ymm1,%ymm1
   4:	jne    10 <g+0x10>
   8:	ret
  10:	jmp    *%rax
)");
  EXPECT_TRUE(loops(f).empty());
  EXPECT_FALSE(hottest(loops(f)).has_value());
  EXPECT_FALSE(f[3].branch_target.has_value()) << "an indirect jump has no direct target";
}

}  // namespace
}  // namespace maskbench::hot_loop

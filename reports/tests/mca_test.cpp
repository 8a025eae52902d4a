// The llvm-mca glue on text written by hand: the stride a loop advances,
// the source llvm-mca is given, and its output read back. The run against the
// real tool is tests/disasm_test.py's.
#include <gtest/gtest.h>

#include "hot_loop.hpp"
#include "mca.hpp"

namespace maskbench::mca {
namespace {

std::vector<hot_loop::Instruction> body(const char* text) { return hot_loop::parse_objdump(text); }

TEST(Mca, StrideOfAnIndexRegisterIsItsStepTimesTheScale) {
  // 16 floats an iteration through a scaled index.
  EXPECT_EQ(stride_bytes(body(R"(
  20:	vmovups (%rdi,%rax,4),%zmm0
  24:	vmovups %zmm0,(%rsi,%rax,4)
  28:	add    $0x10,%rax
  2c:	cmp    %rax,%rdx
  30:	jne    20 <f+0x20>
)")),
            64u);
}

TEST(Mca, StrideOfAPointerIsItsStepAndTheWidestStreamWins) {
  // Two pointers (64 and 256 bytes an iteration, one of them by a negative
  // subtraction as compilers write it); a store pointer advanced by a
  // register (compress: popcount) is no constant stride.
  EXPECT_EQ(stride_bytes(body(R"(
  40:	vmovups (%rdi),%zmm0
  44:	vmovups 0x40(%rsi),%zmm1
  48:	vcompressps %zmm0,(%rdx){%k1}
  4c:	popcnt %ecx,%ecx
  50:	lea    (%rdx,%rcx,4),%rdx
  54:	add    $0x40,%rdi
  58:	sub    $0xffffffffffffff00,%rsi
  5c:	cmp    %rdi,%r8
  60:	jne    40 <f+0x40>
)")),
            256u);
}

TEST(Mca, NoStrideWhereTheRegisterIsNotAdvancedByAConstant) {
  EXPECT_FALSE(stride_bytes(body(R"(
  10:	vmovups (%rdi,%rax,4),%ymm0
  14:	add    $0x8,%rax
  18:	and    %rcx,%rax
  1c:	jne    10 <f+0x10>
)")).has_value()) << "a register masked after its increment has no constant step";
  EXPECT_FALSE(stride_bytes(body(R"(
  10:	vmovups (%rdi,%rax,4),%ymm0
  14:	add    %rcx,%rax
  18:	jne    10 <f+0x10>
)")).has_value());
  // A 32-bit counter is its 64-bit register; lea with a displacement steps.
  EXPECT_EQ(stride_bytes(body(R"(
  10:	movss  (%rdi,%rax,4),%xmm0
  14:	lea    0x1(%rax),%eax
  18:	jne    10 <f+0x10>
)")),
            4u);
}

TEST(Mca, StrideFollowsCopiesOfTheCounter) {
  // The next index computed by lea into another register and copied back at
  // the top of the next iteration (as GCC writes VeRA's dots): 16 floats.
  EXPECT_EQ(stride_bytes(body(R"(
  30:	mov    %r10,%rax
  33:	lea    0x10(%rax),%r10
  37:	vmovups -0x40(%r12,%rax,4),%zmm4
  3d:	vpmovzxwd -0x420(%rdi),%zmm0
  44:	add    $0x20,%rdi
  48:	cmp    %r10,%r8
  4b:	jae    30 <f+0x30>
)")),
            64u);
  // Two increments an iteration add up; an increment undone is no stride.
  EXPECT_EQ(stride_bytes(body(R"(
  10:	vmovups (%rdi),%ymm0
  14:	add    $0x20,%rdi
  18:	vmovups (%rdi),%ymm1
  1c:	add    $0x20,%rdi
  20:	jne    10 <f+0x10>
)")),
            64u);
  EXPECT_FALSE(stride_bytes(body(R"(
  10:	vmovups (%rdi),%ymm0
  14:	add    $0x20,%rdi
  18:	sub    $0x20,%rdi
  1c:	jne    10 <f+0x10>
)")).has_value());
}

TEST(Mca, ElementBytesFollowTheBenchmarksType) {
  EXPECT_EQ(element_bytes("compress_u8"), 1u);
  EXPECT_EQ(element_bytes("compress_u8/variant:branchy"), 1u);
  EXPECT_EQ(element_bytes("tv_gram/dtype:bf16"), 2u);
  EXPECT_EQ(element_bytes("ties_merge/dtype:f16"), 2u);
  EXPECT_EQ(element_bytes("tv_gram/dtype:f32"), 4u);
  EXPECT_EQ(element_bytes("select"), 4u);
  EXPECT_TRUE(items_are_loop_elements("cond", "select"));
  EXPECT_TRUE(items_are_loop_elements("roofline", "read_bw"));
  EXPECT_FALSE(items_are_loop_elements("roofline", "fma_peak"));
  EXPECT_FALSE(items_are_loop_elements("taskvec", "tv_gram/dtype:f32"));
}

TEST(Mca, SourceNamesRegionsAndTurnsBranchTargetsIntoLabels) {
  const std::vector<std::string> a = {"vmovups (%rdi,%rax,4),%zmm0", "add    $0x10,%rax",
                                      "jne    139af0 <_ZN1f+0x30>"},
                                 b = {"notrack jmp *%rax", "vmovaps 0x1000(%rip),%zmm3        # 1068 <kTable>",
                                      "bnd jb     20 <g+0x20>"};
  const std::string s = source({&a, &b});
  EXPECT_NE(s.find("# LLVM-MCA-BEGIN r0\n.Lmb0:\nvmovups (%rdi,%rax,4),%zmm0\nadd    $0x10,%rax\njne .Lmb0\n"
                   "# LLVM-MCA-END\n"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("# LLVM-MCA-BEGIN r1\n.Lmb1:\nnotrack jmp *%rax\n"), std::string::npos) << s;
  EXPECT_NE(s.find("bnd jb .Lmb1\n"), std::string::npos) << s;
  EXPECT_EQ(s.find("139af0"), std::string::npos) << "no address is left for the assembler";
}

TEST(Mca, TotalCyclesAreReadPerRegionAndTheSteadyStateIsTheirDifference) {
  constexpr const char* kOut = R"(
[0] Code Region - r0

Iterations:        50
Instructions:      300
Total Cycles:      111
Total uOps:        300

[1] Code Region - r1

Iterations:        50
Instructions:      450
Total Cycles:      nan

[2] Code Region - r7

Total Cycles:      5
)";
  const std::vector<std::optional<double>> t = total_cycles(kOut, 3);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0], 111.0);
  EXPECT_FALSE(t[1].has_value()) << "not a finite number";
  EXPECT_FALSE(t[2].has_value()) << "region 7 of 3 is not ours: nothing is filled";
  EXPECT_EQ(steady_cycles(111.0, 311.0), 2.0) << "(311 - 111) cycles / (150 - 50) iterations";
  EXPECT_FALSE(steady_cycles(111.0, 100.0).has_value());
  EXPECT_FALSE(steady_cycles(std::nullopt, 100.0).has_value());
}

TEST(Mca, LoopsThatCallOrNeedAvx512AreToldApart) {
  EXPECT_NE(unmodelled_reason({"vmovups (%rdi),%zmm0", "call   a410 <__popcountdi2@plt>"}).find("calls"),
            std::string::npos);
  EXPECT_EQ(unmodelled_reason({"vmovups (%rdi),%zmm0", "jne 10 <f+0x10>"}), "");
  EXPECT_TRUE(needs_avx512({"vaddps %zmm1,%zmm0,%zmm0"}));
  EXPECT_TRUE(needs_avx512({"vmovups (%rdi),%ymm0{%k1}"}));
  EXPECT_TRUE(needs_avx512({"vaddps %xmm17,%xmm0,%xmm0"}));
  EXPECT_FALSE(needs_avx512({"vaddps %ymm15,%ymm0,%ymm0", "movss (%rdi),%xmm1        # 40 <zmm_table>"}));
  EXPECT_EQ(host_cpu("Debian LLVM version 19.1.7\n  Optimized build.\n  Host CPU: znver4\n"), "znver4");
  EXPECT_EQ(host_cpu("Host CPU: <script>\n"), "") << "a name outside the grammar is no model";
}

}  // namespace
}  // namespace maskbench::mca

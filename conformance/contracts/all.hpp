#pragma once
// Every kernel contract, grouped by family in the order of
// maskbench::families(): what the fuzzer decodes inputs for. A new kernel's
// contract is added here once.
#include <tuple>

#include "contracts/compress.hpp"
#include "contracts/cond.hpp"
#include "contracts/maskops.hpp"
#include "contracts/roofline.hpp"
#include "contracts/taskvec.hpp"
#include "contracts/vera.hpp"

namespace maskbench::conformance {

using AllContracts =
    std::tuple<CompressF32*, CompressI32*, CompressIndex*, CompressU8*, CompressExpand*, CondSelect*, CondGuardedDiv*,
               CondMaskedSum*, MaskCompare*, MaskLogicAndQueries*, MaskBlend*, MaskCopyTail*, RooflineReadSum*,
               RooflineMadd*, TaskvecGram*, TaskvecDot*, TaskvecTies*, VeraForward*, VeraMerge*, VeraGenerate*>;

}  // namespace maskbench::conformance

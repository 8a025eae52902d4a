#pragma once
#include <gtest/gtest.h>

#include <string>

#include "schema.hpp"

// Skips the running test with `reason`. GoogleTest 1.12's JSON output drops a
// skip's message, and the reason is what the reports show ("known defect
// KD-1: ...", "skipped: the CPU lacks avx512"), so it is also recorded as the
// test property schema::kSkipReasonProperty, which the JSON keeps.
#define MB_SKIP(reason)                                                                     \
  do {                                                                                      \
    const std::string mb_skip_reason_ = (reason);                                           \
    ::testing::Test::RecordProperty(::maskbench::schema::kSkipReasonProperty, mb_skip_reason_); \
    GTEST_SKIP() << mb_skip_reason_;                                                        \
  } while (0)

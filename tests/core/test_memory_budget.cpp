// memory_budget (core/common/memory_budget.h): a request's bytes against the machine's.
#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>

#include "core/common/memory_budget.h"

TEST(MemoryBudget, FormatsDecimalUnits) {
  EXPECT_EQ(ss::formatBytes(512), "512 bytes");
  EXPECT_EQ(ss::formatBytes(2.5e9), "2.5 GB");
  EXPECT_EQ(ss::formatBytes(102.4e9), "102 GB");
}

TEST(MemoryBudget, RefusesWhatTheMachineCannotHoldWithBothNumbers) {
  EXPECT_GT(ss::availableMemoryBytes(), 0u);
  ::setenv("SCORESCOPE_MEMORY_BYTES", "24e9", 1);
  EXPECT_EQ(ss::availableMemoryBytes(), 24000000000u);
  EXPECT_TRUE(ss::checkMemory(1e9, "--n 1000000").ok());
  auto big = ss::checkMemory(1e11, "--n 100000000");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message,
            "--n 100000000 needs about 100 GB; this machine has 24 GB available");
  EXPECT_FALSE(ss::checkMemory(std::numeric_limits<double>::infinity(), "inf").ok());
  ::unsetenv("SCORESCOPE_MEMORY_BYTES");
}

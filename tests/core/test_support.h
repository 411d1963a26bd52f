#pragma once
// Helpers shared by the core tests.

#include <ATen/ATen.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "nplab/util/checks.h"

namespace nplab::testing {

inline double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

inline bool all_finite(const at::Tensor& t) { return at::isfinite(t).all().item<bool>(); }

/// Expects `work` to throw nplab::InvalidArgument whose message contains every fragment.
inline void expect_invalid_argument(const std::function<void()>& work,
                                    const std::vector<std::string>& fragments) {
  try {
    work();
    ADD_FAILURE() << "expected nplab::InvalidArgument";
  } catch (const InvalidArgument& error) {
    for (const auto& fragment : fragments) {
      EXPECT_THAT(error.what(), ::testing::HasSubstr(fragment));
    }
  }
}

}  // namespace nplab::testing

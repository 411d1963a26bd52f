#pragma once
// Helpers shared by the core tests.

#include <ATen/ATen.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "nplab/models/neural_process.h"
#include "nplab/util/checks.h"

namespace nplab::testing {

inline double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
  return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

/// A point set on a model's input domain: x ~ U(-2, 2)^dim_x, y ~ N(0, 1).
struct Points {
  at::Tensor x, y;
};

inline Points random_points(int64_t batch, int64_t count, const models::NeuralProcess& model,
                            uint64_t seed) {
  const auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  const auto options = model.tensor_options();
  return {at::rand({batch, count, model.dims().dim_x}, generator, options) * 4 - 2,
          at::randn({batch, count, model.dims().dim_y}, generator, options)};
}

inline bool all_finite(const at::Tensor& t) { return at::isfinite(t).all().item<bool>(); }

/// Expects `work` to throw nplab::InvalidArgument whose message contains every fragment.
inline void expect_invalid_argument(const std::function<void()>& work,
                                    const std::vector<std::string>& fragments) {
  try {
    work();
    ADD_FAILURE() << "expected nplab::InvalidArgument";
  } catch (const util::InvalidArgument& error) {
    for (const auto& fragment : fragments) {
      EXPECT_THAT(error.what(), ::testing::HasSubstr(fragment));
    }
  }
}

}  // namespace nplab::testing

// Bad input raises an error naming the argument and the shape or value; never a crash or a NaN.

#include <torch/utils.h>

#include <limits>

#include "nplab/attention/cmab.h"
#include "nplab/attention/streaming.h"
#include "nplab/models/registry.h"
#include "test_support.h"

namespace nplab {
namespace {

using testing::expect_invalid_argument;

class InputValidationTest : public ::testing::Test {
 protected:
  InputValidationTest() {
    block_->eval();
    latents_ = at::randn({1, 128, 64});
  }
  torch::NoGradGuard no_grad_;
  attention::CMAB block_{attention::CMABOptions{}};
  at::Tensor latents_;
};

TEST_F(InputValidationTest, MismatchedFeatureWidthNamesArgumentAndShape) {
  expect_invalid_argument(
      [&] {
        block_->condition(at::randn({1, 5, 3}));
      },
      {"context", "[1, 5, 3]", "dimension 2"});
  expect_invalid_argument(
      [&] {
        block_->forward(at::randn({1, 5, 64}), at::randn({1, 128, 7}));
      },
      {"input_latents", "[1, 128, 7]"});
}

TEST_F(InputValidationTest, WrongRankNamesArgumentAndShape) {
  expect_invalid_argument(
      [&] {
        block_->condition(at::randn({5, 64}));
      },
      {"context", "3 dimensions", "[5, 64]"});
}

TEST_F(InputValidationTest, MismatchedBatchIsRejected) {
  auto state = block_->condition(at::randn({2, 4, 64}));
  expect_invalid_argument(
      [&] {
        block_->update(state, at::randn({3, 1, 64}));
      },
      {"new_context", "[3, 1, 64]"});
}

TEST_F(InputValidationTest, WrongDtypesAreRejected) {
  expect_invalid_argument(
      [&] {
        block_->condition(at::ones({1, 4, 64}, at::TensorOptions().dtype(at::kInt)));
      },
      {"context", "float32 or float64", "Int"});
  expect_invalid_argument(
      [&] {
        block_->condition(at::randn({1, 4, 64}, at::kDouble));
      },
      {"context", "Double", "Float"});
}

TEST_F(InputValidationTest, EmptyAndUndefinedTensorsAreRejectedWhereMeaningless) {
  expect_invalid_argument(
      [&] {
        block_->forward(at::randn({1, 0, 64}), latents_);
      },
      {"context", "at least 1 point", "[1, 0, 64]"});
  expect_invalid_argument([&] { block_->condition(at::Tensor()); }, {"context", "undefined"});
  // Conditioning on nothing is meaningful: the empty state.
  EXPECT_EQ(block_->condition(at::randn({1, 0, 64})).count(), 0);
}

TEST_F(InputValidationTest, NaNAndInfAreReportedWithTheirPosition) {
  auto points = at::randn({1, 600, 64});
  points[0][300][2] = std::numeric_limits<float>::quiet_NaN();
  // Found inside the third chunk of 128, reported at its index in the whole tensor.
  expect_invalid_argument([&] { block_->condition(points, 128); },
                          {"context", "nan", "[0, 300, 2]"});
  auto state = block_->condition(at::randn({1, 3, 64}));
  auto bad = at::randn({1, 1, 64});
  bad[0][0][5] = std::numeric_limits<float>::infinity();
  expect_invalid_argument([&] { block_->update(state, bad); }, {"new_context", "inf", "[0, 0, 5]"});
  EXPECT_EQ(state.count(), 3);  // the failed update changed nothing
  expect_invalid_argument([&] { block_->forward(points, latents_); }, {"context", "nan"});
}

TEST_F(InputValidationTest, BadChunkSizeIsRejected) {
  expect_invalid_argument([&] { block_->condition(at::randn({1, 4, 64}), 0); }, {"chunk_size"});
}

TEST_F(InputValidationTest, MergingIncompatibleStatesIsRejected) {
  const auto a = attention::empty_streaming_state(1, 4, 8, 16, at::kFloat);
  const auto b = attention::empty_streaming_state(1, 4, 9, 16, at::kFloat);
  expect_invalid_argument([&] { attention::merge_streaming_states(a, b); },
                          {"[1, 4, 8, 16]", "[1, 4, 9, 16]"});
}

TEST(ModelConfig, ATooBigOrEmptyModelIsRefusedBeforeAnythingIsAllocated) {
  for (const auto& name : models::model_names()) {
    SCOPED_TRACE(name);
    testing::expect_invalid_argument(
        [&] { models::make_model(models::default_config(name, {{"d_model", 1000000000}})); },
        {"model config: d_model 1000000000", "GiB of memory available"});
    testing::expect_invalid_argument(
        [&] { models::make_model(models::default_config(name, {{"d_model", 0}})); },
        {"d_model must be at least 1, got 0"});
  }
}

}  // namespace
}  // namespace nplab

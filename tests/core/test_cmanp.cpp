// CMANP-specific behaviour: the state is a fixed-size summary that never holds the context.

#include <torch/utils.h>

#include "nplab/models/cmanp.h"
#include "nplab/models/registry.h"
#include "test_support.h"

namespace nplab {
namespace {

using testing::max_abs_diff;

class CmanpTest : public ::testing::Test {
 protected:
  CmanpTest() {
    torch::manual_seed(5);
    model_ = models::make_model(models::default_config("cmanp"));
    model_->eval();
  }
  static std::pair<at::Tensor, at::Tensor> points(int64_t count, uint64_t seed) {
    const auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    return {at::rand({1, count, 1}, generator) * 4 - 2, at::randn({1, count, 1}, generator)};
  }
  c10::InferenceMode inference_;
  std::shared_ptr<models::NeuralProcess> model_;
};

TEST_F(CmanpTest, StateSizeIsTheSameForTenAndAHundredThousandPoints) {
  const auto [x_small, y_small] = points(10, 1);
  const auto [x_large, y_large] = points(100000, 2);
  const auto small = model_->condition(x_small, y_small);
  const auto large = model_->condition(x_large, y_large);
  EXPECT_EQ(small->bytes(), large->bytes());
  EXPECT_EQ(large->count(), 100000);
  // Far smaller than the context it summarises would be as encodings (100k x 64 floats).
  EXPECT_LT(large->bytes(), 100000 * 64 * 4);
}

TEST_F(CmanpTest, UpdatesAreConstantTime) {
  EXPECT_EQ(model_->update_kind(), models::UpdateKind::ConstantTime);
  EXPECT_TRUE(model_->handles_empty_context());
}

TEST_F(CmanpTest, StreamingInChunksEqualsOneBlock) {
  auto& cmanp = dynamic_cast<models::CMANP&>(*model_);
  const auto [x, y] = points(1000, 3);
  const auto [xt, unused] = points(20, 4);
  cmanp.set_chunk_size(1000);
  const auto whole = model_->predict(*model_->condition(x, y), xt);
  cmanp.set_chunk_size(37);
  const auto chunked = model_->predict(*model_->condition(x, y), xt);
  // Chunking changes only the order of float32 sums (merged in float64): measured 1.5e-7.
  EXPECT_LE(max_abs_diff(whole.mean, chunked.mean), 2e-6);
  EXPECT_LE(max_abs_diff(whole.stddev, chunked.stddev), 2e-6);
}

TEST_F(CmanpTest, ThousandsOfUpdatesEndWhereExactArithmeticDoes) {
  // The running summary is summed in float64: its error stays at the float32 rounding of one
  // block instead of growing with the number of merges (a float32 sum drifts to ~3e-5 here).
  torch::manual_seed(5);
  const auto exact_model = models::make_model(models::default_config("cmanp"));
  exact_model->to(at::kDouble);
  exact_model->eval();
  const auto [x, y] = points(20000, 21);
  const auto exact = exact_model->condition(x.to(at::kDouble), y.to(at::kDouble));
  auto streamed = model_->condition(x.narrow(1, 0, 10), y.narrow(1, 0, 10));
  for (int64_t start = 10; start < 20000; start += 10) {
    model_->update(*streamed, x.narrow(1, start, 10), y.narrow(1, start, 10));
  }
  const auto& exact_cross = dynamic_cast<const models::CMANPState&>(*exact).cross;
  const auto& streamed_cross = dynamic_cast<const models::CMANPState&>(*streamed).cross;
  EXPECT_EQ(streamed_cross.output.scalar_type(), models::CMANP::state_dtype());
  EXPECT_LE(max_abs_diff(streamed_cross.output, exact_cross.output), 2e-6);
  EXPECT_LE(max_abs_diff(streamed_cross.log_normalizer, exact_cross.log_normalizer), 2e-6);
}

TEST_F(CmanpTest, RemovingAlmostEverythingAsksTheCallerToRecondition) {
  const auto [x, y] = points(2000, 5);
  auto state = model_->condition(x, y);
  const auto before = model_->predict(*state, x.narrow(1, 0, 5));
  const auto result = model_->remove(*state, x.narrow(1, 1, 1999), y.narrow(1, 1, 1999));
  EXPECT_FALSE(result.exact);
  EXPECT_EQ(state->count(), 2000);  // unchanged
  const auto after = model_->predict(*state, x.narrow(1, 0, 5));
  EXPECT_LE(max_abs_diff(before.mean, after.mean), 0.0);
}

TEST_F(CmanpTest, PredictingAfterAnUpdateSeesTheNewPoints) {
  // The latent stack is recomputed lazily: a prediction made before an update must not be reused
  // after it.
  const auto [x, y] = points(200, 11);
  const auto [xt, unused] = points(30, 12);
  auto state = model_->condition(x.narrow(1, 0, 150), y.narrow(1, 0, 150));
  const auto before = model_->predict(*state, xt);
  model_->update(*state, x.narrow(1, 150, 50), y.narrow(1, 150, 50));
  const auto after = model_->predict(*state, xt);
  const auto union_prediction = model_->predict(*model_->condition(x, y), xt);
  EXPECT_GT(max_abs_diff(before.mean, after.mean), 1e-4);
  EXPECT_LE(max_abs_diff(after.mean, union_prediction.mean), 1e-5);
  EXPECT_LE(max_abs_diff(after.stddev, union_prediction.stddev), 1e-5);
}

TEST_F(CmanpTest, PrepareDoesTheDeferredWorkOnceAndChangesNoPrediction) {
  const auto [x, y] = points(100, 13);
  const auto [xt, unused] = points(20, 14);
  auto state = model_->condition(x, y);
  const auto unprepared_bytes = state->bytes();
  model_->prepare(*state);
  const auto prepared_bytes = state->bytes();
  EXPECT_GT(prepared_bytes, unprepared_bytes);  // the latent stack now exists
  model_->prepare(*state);
  EXPECT_EQ(state->bytes(), prepared_bytes);
  const auto prepared = model_->predict(*state, xt);
  const auto lazy = model_->predict(*model_->condition(x, y), xt);
  EXPECT_LE(max_abs_diff(prepared.mean, lazy.mean), 1e-7);
}

}  // namespace
}  // namespace nplab

// Bayesian optimisation's surrogates: a CMANP updated point by point through the loop predicts as
// one conditioned on every point at once; the oracle's Thompson draws respect its posterior.

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "nplab/bo/loop.h"
#include "nplab/train/checkpoint.h"
#include "test_support.h"

namespace nplab {
namespace {

const std::string kCmanpCheckpoint = std::string(NPLAB_MODELS_DIR) + "/cmanp.pt";

TEST(BoSurrogate, CmanpUpdatedStepByStepEqualsOneConditionedOnAllThePoints) {
  ASSERT_TRUE(std::filesystem::exists(kCmanpCheckpoint)) << kCmanpCheckpoint;
  const auto model = train::load_checkpoint(kCmanpCheckpoint).model;
  ASSERT_EQ(model->update_kind(), models::UpdateKind::ConstantTime);
  const auto objective = bo::make_objective("gp-rbf", 2, 401);
  bo::NeuralProcessSurrogate stepped(model, "cmanp");
  bo::LoopOptions options;
  options.seed = 2;
  bo::Loop loop(objective, &stepped, options);
  for (int step = 0; step < 12; ++step) loop.step();

  std::vector<int64_t> indices = loop.initial_indices();
  for (const auto& record : loop.history()) indices.push_back(record.index);
  const auto chosen = at::tensor(indices, at::kLong);
  bo::NeuralProcessSurrogate at_once(model, "cmanp");
  at_once.condition(objective.grid.index_select(0, chosen),
                    objective.values.index_select(0, chosen));
  ASSERT_EQ(stepped.count(), at_once.count());
  ASSERT_EQ(stepped.count(), 15);

  const auto a = stepped.predict(objective.grid);
  const auto b = at_once.predict(objective.grid);
  EXPECT_LT(testing::max_abs_diff(a.mean, b.mean), 1e-4);
  EXPECT_LT(testing::max_abs_diff(a.stddev, b.stddev), 1e-4);
  // The loop's points are not a degenerate context: the model follows them.
  const auto at_points = stepped.predict(objective.grid.index_select(0, chosen));
  EXPECT_LT(testing::max_abs_diff(at_points.mean, objective.values.index_select(0, chosen)), 0.25);
}

TEST(BoSurrogate, AnImageModelIsRefusedAsASurrogate) {
  const std::string path = std::string(NPLAB_MODELS_DIR) + "/fmnist-cmanp.pt";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no " << path;
  const auto model = train::load_checkpoint(path).model;
  testing::expect_invalid_argument([&] { bo::NeuralProcessSurrogate(model, "fmnist-cmanp"); },
                                   {"not a 1D regression model", "dim_x 2"});
}

TEST(BoSurrogate, OracleThompsonDrawsSitOnTheObservationsAndMatchThePosteriorMean) {
  const auto objective = bo::make_objective("gp-rbf", 1, 201);
  bo::OracleSurrogate oracle(objective.prior);
  const auto chosen = at::tensor({20, 100, 170}, at::kLong);
  oracle.condition(objective.grid.index_select(0, chosen),
                   objective.values.index_select(0, chosen));
  auto generator = at::make_generator<at::CPUGeneratorImpl>(0);
  const int draws = 400;
  auto sum = at::zeros({objective.grid_points()}, at::kDouble);
  for (int i = 0; i < draws; ++i) {
    const auto draw = oracle.sample(objective.grid, generator);
    // Noise std 0.02 pins f at an observation to within a few hundredths.
    EXPECT_LT(testing::max_abs_diff(draw.index_select(0, chosen),
                                    objective.values.index_select(0, chosen)),
              0.1);
    sum += draw;
  }
  const auto prediction = oracle.predict(objective.grid);
  // The mean of 400 draws is within 4 standard errors of the posterior mean everywhere.
  const auto error = (sum / draws - prediction.mean).abs();
  EXPECT_TRUE((error <= 4.0 * prediction.stddev / std::sqrt(static_cast<double>(draws)) + 1e-3)
                  .all()
                  .item<bool>());
}

}  // namespace
}  // namespace nplab

// The contract of DESIGN.md §3, checked for every registered model (and alias).

#include <torch/utils.h>

#include "nplab/models/registry.h"
#include "test_support.h"

namespace nplab {
namespace {

using testing::all_finite;
using testing::max_abs_diff;

using testing::Points;
using testing::random_points;

class ModelContract : public ::testing::TestWithParam<std::string> {
 protected:
  std::shared_ptr<models::NeuralProcess> make(at::ScalarType dtype = at::kDouble) {
    torch::manual_seed(3);
    auto model = models::make_model(models::default_config(GetParam()));
    model->to(dtype);
    model->eval();
    return model;
  }
  torch::NoGradGuard no_grad_;
};

TEST_P(ModelContract, ContextOrderDoesNotChangePredictions) {
  auto model = make();
  const auto context = random_points(2, 23, *model, 1);
  const auto targets = random_points(2, 11, *model, 2);
  const auto permutation = at::randperm(23, at::kLong);
  const auto a = model->predict(*model->condition(context.x, context.y), targets.x);
  const auto b = model->predict(*model->condition(context.x.index_select(1, permutation),
                                                  context.y.index_select(1, permutation)),
                                targets.x);
  EXPECT_LE(max_abs_diff(a.mean, b.mean), 1e-9);
  EXPECT_LE(max_abs_diff(a.stddev, b.stddev), 1e-9);
}

TEST_P(ModelContract, PermutingTargetsPermutesPredictions) {
  auto model = make();
  const auto context = random_points(2, 17, *model, 3);
  const auto targets = random_points(2, 13, *model, 4);
  const auto permutation = at::randperm(13, at::kLong);
  const auto state = model->condition(context.x, context.y);
  const auto a = model->predict(*state, targets.x);
  const auto b = model->predict(*state, targets.x.index_select(1, permutation));
  EXPECT_LE(max_abs_diff(a.mean.index_select(1, permutation), b.mean), 1e-9);
  EXPECT_LE(max_abs_diff(a.stddev.index_select(1, permutation), b.stddev), 1e-9);
}

TEST_P(ModelContract, PredictionsDoNotDependOnTargetChunking) {
  auto model = make();
  const auto context = random_points(2, 19, *model, 5);
  const auto targets = random_points(2, 50, *model, 6);
  const auto state = model->condition(context.x, context.y);
  const auto whole = model->predict(*state, targets.x);
  model->set_target_chunk(7);
  const auto chunked = model->predict(*state, targets.x);
  EXPECT_LE(max_abs_diff(whole.mean, chunked.mean), 1e-9);
  EXPECT_LE(max_abs_diff(whole.stddev, chunked.stddev), 1e-9);
  EXPECT_TRUE((whole.stddev > 0).all().item<bool>());
}

TEST_P(ModelContract, UpdateEqualsConditioningOnTheUnion) {
  auto model = make(at::kFloat);
  const auto a = random_points(2, 30, *model, 7);
  const auto b = random_points(2, 9, *model, 8);
  const auto targets = random_points(2, 20, *model, 9);
  auto state = model->condition(a.x, a.y);
  model->update(*state, b.x, b.y);
  const auto streamed = model->predict(*state, targets.x);
  const auto whole = model->predict(
      *model->condition(at::cat({a.x, b.x}, 1), at::cat({a.y, b.y}, 1)), targets.x);
  EXPECT_EQ(state->count(), 39);
  EXPECT_LE(max_abs_diff(streamed.mean, whole.mean), 1e-5);
  EXPECT_LE(max_abs_diff(streamed.stddev, whole.stddev), 1e-5);
}

TEST_P(ModelContract, RemoveUndoesUpdate) {
  auto model = make();
  const auto a = random_points(2, 25, *model, 10);
  const auto b = random_points(2, 6, *model, 11);
  const auto targets = random_points(2, 12, *model, 12);
  auto state = model->condition(a.x, a.y);
  model->update(*state, b.x, b.y);
  ASSERT_TRUE(model->remove(*state, b.x, b.y).exact);
  EXPECT_EQ(state->count(), 25);
  const auto after = model->predict(*state, targets.x);
  const auto expected = model->predict(*model->condition(a.x, a.y), targets.x);
  EXPECT_LE(max_abs_diff(after.mean, expected.mean), 1e-8);
  EXPECT_LE(max_abs_diff(after.stddev, expected.stddev), 1e-8);
}

TEST_P(ModelContract, EmptyContextGivesFinitePredictions) {
  auto model = make(at::kFloat);
  const auto none = random_points(1, 0, *model, 13);
  const auto targets = random_points(1, 5, *model, 14);
  auto state = model->condition(none.x, none.y);
  EXPECT_EQ(state->count(), 0);
  const auto prediction = model->predict(*state, targets.x);
  EXPECT_TRUE(all_finite(prediction.mean));
  EXPECT_TRUE(all_finite(prediction.stddev));
  // ... and the first point then counts.
  const auto one = random_points(1, 1, *model, 15);
  model->update(*state, one.x, one.y);
  EXPECT_EQ(state->count(), 1);
  EXPECT_TRUE(all_finite(model->predict(*state, targets.x).mean));
}

TEST_P(ModelContract, Float32AndFloat64Agree) {
  auto single = make(at::kFloat);
  auto twice = make(at::kDouble);
  const auto context = random_points(2, 15, *twice, 16);
  const auto targets = random_points(2, 10, *twice, 17);
  const auto a = single->predict(*single->condition(context.x.to(at::kFloat),
                                                    context.y.to(at::kFloat)),
                                 targets.x.to(at::kFloat));
  const auto b = twice->predict(*twice->condition(context.x, context.y), targets.x);
  // Only float32 rounding separates them: outputs of size ~1 after a few layers carry a few ulps
  // (1 ulp = 1.2e-7 there); measured at most 3e-7 over the registry. 2e-6 is ~16 ulps.
  EXPECT_LE(max_abs_diff(a.mean, b.mean), 2e-6);
  EXPECT_LE(max_abs_diff(a.stddev, b.stddev), 2e-6);
}

TEST_P(ModelContract, LossIsFiniteAndItsGradientReachesEveryParameter) {
  auto model = make(at::kFloat);
  model->train();
  torch::GradMode::set_enabled(true);
  const auto context = random_points(3, 20, *model, 18);
  const auto targets = random_points(3, 15, *model, 19);
  const auto loss = model->loss({context.x, context.y, targets.x, targets.y});
  ASSERT_TRUE(all_finite(loss));
  loss.backward();
  for (const auto& item : model->named_parameters()) {
    const auto& name = item.key();
    const auto& parameter = item.value();
    ASSERT_TRUE(parameter.grad().defined()) << name;
    EXPECT_TRUE(all_finite(parameter.grad())) << name;
    EXPECT_GT(parameter.grad().abs().sum().item<double>(), 0.0) << name;
  }
  torch::GradMode::set_enabled(false);
}

TEST_P(ModelContract, BadInputsNameTheArgument) {
  auto model = make(at::kFloat);
  const auto context = random_points(1, 5, *model, 20);
  auto nan_x = context.x.clone();
  nan_x[0][3][0] = std::numeric_limits<float>::quiet_NaN();
  testing::expect_invalid_argument([&] { model->condition(nan_x, context.y); },
                                   {"xc", "nan", "[0, 3, 0]"});
  testing::expect_invalid_argument([&] { model->condition(context.x, context.y.narrow(1, 0, 4)); },
                                   {"yc", "does not match"});
  testing::expect_invalid_argument(
      [&] { model->condition(context.x.to(at::kDouble), context.y.to(at::kDouble)); },
      {"xc", "Double"});
  auto state = model->condition(context.x, context.y);
  testing::expect_invalid_argument(
      [&] { model->predict(*state, at::zeros({1, 3, model->dims().dim_x + 1})); }, {"xt"});
  testing::expect_invalid_argument(
      [&] { model->remove(*state, context.x.narrow(1, 0, 1).repeat({1, 6, 1}),
                          context.y.narrow(1, 0, 1).repeat({1, 6, 1})); },
      {"xr", "removing 6 points", "holds 5"});
}

INSTANTIATE_TEST_SUITE_P(EveryModel, ModelContract, ::testing::ValuesIn(models::model_names()),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (auto& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace nplab

// The explorer facade: plain-type edits that the GUI drives, checked against conditioning afresh.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/utils.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "nplab/facade/explorer.h"
#include "nplab/models/registry.h"
#include "nplab/train/checkpoint.h"

namespace nplab {
namespace {

using ::testing::HasSubstr;

std::vector<facade::ContextPoint> wave(int count, double phase = 0) {
  std::vector<facade::ContextPoint> points;
  for (int i = 0; i < count; ++i) {
    const double x = -1.9 + 3.8 * i / std::max(count - 1, 1);
    points.push_back(facade::point_1d(x, std::sin(2 * x + phase)));
  }
  return points;
}

std::vector<double> grid(int count) {
  std::vector<double> xs;
  for (int i = 0; i < count; ++i) xs.push_back(-2.0 + 4.0 * i / (count - 1));
  return xs;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  EXPECT_EQ(a.size(), b.size());
  double worst = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    worst = std::max(worst, std::abs(a[i] - b[i]));
  }
  return worst;
}

facade::Explorer loaded(const std::string& name = "cmanp",
                        const facade::ModelOptions& options = {}) {
  facade::Explorer explorer;
  const auto outcome = explorer.load_registry_model(name, options);
  EXPECT_TRUE(outcome.ok()) << outcome.error();
  return explorer;
}

/// Predictions of a new explorer with the same (seeded) model conditioned on `points` in one go.
facade::GridPrediction fresh_prediction(const std::vector<facade::ContextPoint>& points,
                                        const std::vector<double>& xs,
                                        const std::string& name = "cmanp") {
  auto explorer = loaded(name);
  EXPECT_TRUE(explorer.set_points(points).ok());
  const auto prediction = explorer.predict(xs);
  EXPECT_TRUE(prediction.ok()) << prediction.error();
  return prediction.value();
}

void expect_same_predictions(facade::Explorer& explorer, const std::vector<double>& xs) {
  const auto incremental = explorer.predict(xs);
  ASSERT_TRUE(incremental.ok()) << incremental.error();
  const auto fresh = fresh_prediction(explorer.points(), xs, explorer.model().name);
  // The update contract is exact up to float32 rounding (the summary is summed in float64):
  // measured at most 1.3e-7 on outputs of size ~1, so 2e-6 (~16 ulps) leaves room for other CPUs
  // and would catch a dropped or doubled point (differences of 1e-3 and more).
  EXPECT_LE(max_abs_diff(incremental.value().mean, fresh.mean), 2e-6);
  EXPECT_LE(max_abs_diff(incremental.value().stddev, fresh.stddev), 2e-6);
}

TEST(Explorer, RegistryModelIsFlaggedUntrainedAndDescribed) {
  ASSERT_THAT(facade::Explorer::registry_models(), ::testing::Contains("cmanp"));
  facade::Explorer explorer;
  EXPECT_FALSE(explorer.has_model());
  const auto outcome = explorer.load_registry_model("cmanp");
  ASSERT_TRUE(outcome.ok()) << outcome.error();
  EXPECT_TRUE(outcome.value().untrained);
  EXPECT_EQ(outcome.value().name, "cmanp");
  EXPECT_EQ(outcome.value().source, "registry:cmanp");
  EXPECT_TRUE(outcome.value().constant_time_updates);
  EXPECT_EQ(outcome.value().device, "cpu");
  EXPECT_TRUE(explorer.has_model());
}

TEST(Explorer, UnknownModelIsAnErrorAndKeepsThePreviousModel) {
  auto explorer = loaded();
  ASSERT_TRUE(explorer.add(facade::point_1d(0.5, 1.0)).ok());
  const auto outcome = explorer.load_registry_model("no-such-model");
  ASSERT_FALSE(outcome.ok());
  EXPECT_THAT(outcome.error(), HasSubstr("no-such-model"));
  EXPECT_EQ(explorer.model().name, "cmanp");
  EXPECT_EQ(explorer.points().size(), 1u);
  EXPECT_TRUE(explorer.predict(grid(5)).ok());
}

TEST(Explorer, CheckpointLoadsAsATrainedModelWithTheSavedWeights) {
  const auto path = (std::filesystem::temp_directory_path() /
                     ("nplab-explorer-" + std::to_string(::getpid()) + ".pt"))
                        .string();
  {
    // The very model load_registry_model("cmanp") makes: same config, same seed.
    const auto config = models::default_config("cmanp", {{"dim_x", 1}, {"dim_y", 1}});
    torch::manual_seed(0);
    auto model = models::make_model(config);
    train::save_checkpoint(*model, {{"data", "none: untrained weights"}}, path);
  }
  facade::Explorer explorer;
  const auto outcome = explorer.load_checkpoint(path);
  std::filesystem::remove(path);
  std::filesystem::remove(train::card_path_for(path));
  ASSERT_TRUE(outcome.ok()) << outcome.error();
  EXPECT_FALSE(outcome.value().untrained);
  EXPECT_EQ(outcome.value().name, "cmanp");
  EXPECT_EQ(outcome.value().source, path);
  ASSERT_TRUE(explorer.add(wave(6)).ok());
  const auto from_checkpoint = explorer.predict(grid(9));
  ASSERT_TRUE(from_checkpoint.ok()) << from_checkpoint.error();
  const auto from_registry = fresh_prediction(wave(6), grid(9));
  EXPECT_LE(max_abs_diff(from_checkpoint.value().mean, from_registry.mean), 1e-6);
  EXPECT_LE(max_abs_diff(from_checkpoint.value().stddev, from_registry.stddev), 1e-6);
}

TEST(TrainingRange, SaysWhatTheTrainingTasksHeld) {
  const auto gp = facade::training_range("gp-rbf");
  ASSERT_TRUE(gp.has_value());
  EXPECT_EQ(gp->x_low, -2.0);
  EXPECT_EQ(gp->x_high, 2.0);
  EXPECT_EQ(gp->max_context, 47);  // N_ctx + N_tar <= 50 with at least 3 targets
  const auto images = facade::training_range("image-fmnist");
  ASSERT_TRUE(images.has_value());
  EXPECT_EQ(images->max_context, 197);
  EXPECT_EQ(images->x_low, -1.0);
  const auto wide = facade::training_range("image-fmnist-wide");  // some batches reveal every pixel
  ASSERT_TRUE(wide.has_value());
  EXPECT_EQ(wide->max_context, 784);
  EXPECT_FALSE(facade::training_range("none: untrained weights").has_value());
  EXPECT_FALSE(facade::training_range("image-fmnist-seen").has_value());  // an evaluation set
}

TEST(Explorer, ACheckpointCarriesItsTrainingRangeAndARegistryModelNone) {
  const auto path = (std::filesystem::temp_directory_path() /
                     ("nplab-explorer-range-" + std::to_string(::getpid()) + ".pt"))
                        .string();
  {
    auto model = models::make_model(models::default_config("lbanp", {{"dim_x", 2}, {"dim_y", 1}}));
    train::save_checkpoint(*model, {{"data", "image-fmnist"}}, path);
  }
  facade::Explorer explorer;
  const auto outcome = explorer.load_checkpoint(path);
  std::filesystem::remove(path);
  std::filesystem::remove(train::card_path_for(path));
  ASSERT_TRUE(outcome.ok()) << outcome.error();
  ASSERT_TRUE(outcome.value().training.has_value());
  EXPECT_EQ(outcome.value().training->data, "image-fmnist");
  EXPECT_EQ(outcome.value().training->max_context, 197);
  const auto untrained = explorer.load_registry_model("cmanp");
  ASSERT_TRUE(untrained.ok()) << untrained.error();
  EXPECT_FALSE(untrained.value().training.has_value());
}

TEST(Explorer, ForeignFileIsACheckpointErrorNotACrash) {
  const auto path = (std::filesystem::temp_directory_path() /
                     ("nplab-explorer-foreign-" + std::to_string(::getpid()) + ".pt"))
                        .string();
  std::ofstream(path) << "not a checkpoint";
  facade::Explorer explorer;
  const auto outcome = explorer.load_checkpoint(path);
  std::filesystem::remove(path);
  ASSERT_FALSE(outcome.ok());
  EXPECT_THAT(outcome.error(), HasSubstr(path));
  EXPECT_FALSE(explorer.has_model());
}

/// Every registered model through the facade: the reported kind of update is the model's, and
/// edits end where conditioning afresh does.
class ExplorerOnEveryModel : public ::testing::TestWithParam<std::string> {};

TEST_P(ExplorerOnEveryModel, EditsReportTheModelsUpdateKindAndMatchConditioningAfresh) {
  auto explorer = loaded(GetParam());
  const auto expected_mode = explorer.model().constant_time_updates
                                 ? facade::UpdateMode::ConstantTime
                                 : facade::UpdateMode::Recompute;
  ASSERT_TRUE(explorer.add(wave(5)).ok());
  const auto added = explorer.add(facade::point_1d(0.25, 0.5));
  ASSERT_TRUE(added.ok()) << added.error();
  EXPECT_EQ(added.value().mode, expected_mode);
  const auto removed = explorer.remove(1);
  ASSERT_TRUE(removed.ok()) << removed.error();
  EXPECT_EQ(removed.value().mode, expected_mode);
  EXPECT_EQ(removed.value().count, 5);
  expect_same_predictions(explorer, grid(7));
}

INSTANTIATE_TEST_SUITE_P(Registry, ExplorerOnEveryModel,
                         ::testing::ValuesIn(facade::Explorer::registry_models()),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(Explorer, MissingCheckpointIsAnError) {
  facade::Explorer explorer;
  const auto outcome = explorer.load_checkpoint("/nonexistent/model.pt");
  ASSERT_FALSE(outcome.ok());
  EXPECT_THAT(outcome.error(), HasSubstr("/nonexistent/model.pt"));
  EXPECT_FALSE(explorer.has_model());
}

TEST(Explorer, EditsWithoutAModelAreErrors) {
  facade::Explorer explorer;
  EXPECT_THAT(explorer.add(facade::point_1d(0, 0)).error(), HasSubstr("no model is loaded"));
  EXPECT_THAT(explorer.predict(grid(3)).error(), HasSubstr("no model is loaded"));
}

TEST(Explorer, AddingToCmanpIsAConstantTimeUpdateWithAFixedSizeState) {
  auto explorer = loaded();
  const auto first = explorer.add(wave(60));
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first.value().count, 60);
  EXPECT_GT(first.value().micros, 0);
  EXPECT_GT(first.value().state_bytes, 0);
  const auto more = explorer.add(wave(5, 1.0));
  ASSERT_TRUE(more.ok()) << more.error();
  EXPECT_EQ(more.value().count, 65);
  EXPECT_EQ(more.value().mode, facade::UpdateMode::ConstantTime);
  EXPECT_EQ(more.value().state_bytes, first.value().state_bytes);
  EXPECT_EQ(explorer.last_update().count, 65);
}

TEST(Explorer, AnEditThatBringsMostOfTheContextIsReportedAsAConditioning) {
  // Opening a session of many points is one edit from an empty context: its cost is that of
  // conditioning on all of them, so "constant-time update" would mislead.
  auto explorer = loaded();
  const auto opened = explorer.set_points(wave(200));
  ASSERT_TRUE(opened.ok()) << opened.error();
  EXPECT_EQ(opened.value().mode, facade::UpdateMode::Condition);
  EXPECT_EQ(opened.value().count, 200);
  EXPECT_STREQ(to_string(opened.value().mode), "conditioning");
  // More new points than kept ones: a conditioning again; one more point: an update.
  const auto doubled = explorer.add(wave(201, 0.5));
  ASSERT_TRUE(doubled.ok()) << doubled.error();
  EXPECT_EQ(doubled.value().mode, facade::UpdateMode::Condition);
  const auto one_more = explorer.add(facade::point_1d(0.1, 0.2));
  ASSERT_TRUE(one_more.ok()) << one_more.error();
  EXPECT_EQ(one_more.value().mode, facade::UpdateMode::ConstantTime);
  // The first click on an empty plot is a one-point update.
  auto fresh = loaded();
  const auto click = fresh.add(facade::point_1d(0.0, 0.0));
  ASSERT_TRUE(click.ok()) << click.error();
  EXPECT_EQ(click.value().mode, facade::UpdateMode::ConstantTime);
  expect_same_predictions(explorer, grid(7));
}

TEST(Explorer, IncrementalEditsPredictLikeConditioningAfresh) {
  const auto xs = grid(9);
  auto explorer = loaded();
  ASSERT_TRUE(explorer.add(wave(7)).ok());
  ASSERT_TRUE(explorer.add(facade::point_1d(0.3, -0.4)).ok());
  expect_same_predictions(explorer, xs);

  const auto moved = explorer.move(2, facade::point_1d(1.1, 0.9));
  ASSERT_TRUE(moved.ok()) << moved.error();
  EXPECT_EQ(moved.value().mode, facade::UpdateMode::ConstantTime);
  EXPECT_EQ(explorer.points()[2], facade::point_1d(1.1, 0.9));
  expect_same_predictions(explorer, xs);

  const auto removed = explorer.remove(0);
  ASSERT_TRUE(removed.ok()) << removed.error();
  EXPECT_EQ(removed.value().count, 7);
  EXPECT_EQ(removed.value().mode, facade::UpdateMode::ConstantTime);
  expect_same_predictions(explorer, xs);
}

TEST(Explorer, ClearingRecomputesFromNothing) {
  auto explorer = loaded();
  ASSERT_TRUE(explorer.add(wave(4)).ok());
  const auto cleared = explorer.clear();
  ASSERT_TRUE(cleared.ok()) << cleared.error();
  EXPECT_EQ(cleared.value().count, 0);
  EXPECT_EQ(cleared.value().mode, facade::UpdateMode::Recompute);
  EXPECT_TRUE(explorer.points().empty());
  expect_same_predictions(explorer, grid(5));
}

TEST(Explorer, SetPointsAppliesOnlyTheDifference) {
  auto explorer = loaded();
  ASSERT_TRUE(explorer.set_points(wave(6)).ok());
  auto fewer = wave(6);
  fewer.erase(fewer.begin() + 3);
  const auto removal = explorer.set_points(fewer);
  ASSERT_TRUE(removal.ok()) << removal.error();
  EXPECT_EQ(removal.value().mode, facade::UpdateMode::ConstantTime);
  EXPECT_EQ(explorer.points(), fewer);

  const auto unchanged = explorer.set_points(fewer);
  ASSERT_TRUE(unchanged.ok());
  EXPECT_EQ(unchanged.value().mode, facade::UpdateMode::None);
  EXPECT_EQ(unchanged.value().count, 5);
  EXPECT_EQ(explorer.last_update().mode, facade::UpdateMode::ConstantTime);  // still the removal's
  expect_same_predictions(explorer, grid(7));
}

TEST(Explorer, APredictionThatComesOutNaNIsAnErrorSayingWhy) {
  auto explorer = loaded();
  ASSERT_TRUE(explorer.set_points({facade::point_1d(1e30, 1e30), facade::point_1d(0.0, 0.5)}).ok());
  const auto prediction = explorer.predict(grid(5));
  ASSERT_FALSE(prediction.ok()) << "an untrained CMANP predicts NaN from a point at 1e30";
  EXPECT_THAT(prediction.error(), HasSubstr("NaN or infinite at"));
  EXPECT_THAT(prediction.error(), HasSubstr("largest |x| is 1e+30"));
}

TEST(Explorer, BadEditsAreErrorsThatLeaveTheContextUnchanged) {
  auto explorer = loaded();
  ASSERT_TRUE(explorer.add(wave(3)).ok());
  const auto before = explorer.predict(grid(5));
  ASSERT_TRUE(before.ok());

  EXPECT_THAT(explorer.add(facade::ContextPoint{{0.1, 0.2}, {1.0}}).error(),
              HasSubstr("x has 2 values, but the model takes dim_x = 1"));
  EXPECT_THAT(explorer.add(facade::point_1d(std::numeric_limits<double>::quiet_NaN(), 0)).error(),
              HasSubstr("not finite"));
  EXPECT_THAT(explorer.move(3, facade::point_1d(0, 0)).error(),
              HasSubstr("index 3 is out of range"));
  EXPECT_THAT(explorer.remove(7).error(), HasSubstr("index 7 is out of range (N = 3)"));
  EXPECT_THAT(explorer.predict({0.0, std::numeric_limits<double>::infinity()}).error(),
              HasSubstr("xs[1]"));

  EXPECT_EQ(explorer.points(), wave(3));
  const auto after = explorer.predict(grid(5));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after.value().mean, before.value().mean);
  EXPECT_EQ(after.value().stddev, before.value().stddev);
}

TEST(Explorer, PredictsOneMeanAndPositiveStdPerTarget) {
  auto explorer = loaded();
  ASSERT_TRUE(explorer.add(wave(10)).ok());
  const auto prediction = explorer.predict(grid(400));
  ASSERT_TRUE(prediction.ok()) << prediction.error();
  ASSERT_EQ(prediction.value().mean.size(), 400u);
  ASSERT_EQ(prediction.value().stddev.size(), 400u);
  for (const double s : prediction.value().stddev) EXPECT_GT(s, 0);
  EXPECT_GT(prediction.value().micros, 0);
}

TEST(Explorer, TwoDimensionalInputsForImages) {
  auto explorer = loaded("cmanp", facade::ModelOptions{.dim_x = 2, .dim_y = 1});
  EXPECT_EQ(explorer.model().dim_x, 2);
  ASSERT_TRUE(
      explorer
          .add({facade::ContextPoint{{-0.5, 0.5}, {0.2}}, facade::ContextPoint{{0.5, 0.0}, {-0.3}}})
          .ok());
  const auto prediction = explorer.predict({0.0, 0.0, 0.5, 0.5, -1.0, 1.0});
  ASSERT_TRUE(prediction.ok()) << prediction.error();
  EXPECT_EQ(prediction.value().mean.size(), 3u);
  EXPECT_THAT(explorer.predict({0.0, 0.0, 0.5}).error(), HasSubstr("dim_x = 2"));
}

TEST(ContextPoint, HoldsUpToFourValuesPerPartAndComparesByValue) {
  facade::ContextPoint point{{0.5, -0.25}, {1.0}};
  EXPECT_EQ(point.x.size(), 2u);
  EXPECT_EQ(point.x.to_vector(), (std::vector{0.5, -0.25}));
  EXPECT_EQ(point, (facade::ContextPoint{{0.5, -0.25}, {1.0}}));
  EXPECT_NE(point, (facade::ContextPoint{{0.5}, {1.0}}));  // a prefix is not the same point
  const double shorter[] = {0.5};
  point.x.assign(std::begin(shorter), std::end(shorter));
  EXPECT_EQ(point,
            (facade::ContextPoint{{0.5}, {1.0}}));  // shrinking leaves no stale values behind
  facade::Coordinates full{1, 2, 3, 4};
  try {
    full.push_back(5);
    FAIL() << "a fifth value was accepted";
  } catch (const std::length_error& error) {
    EXPECT_THAT(error.what(), HasSubstr("at most 4"));
  }
  EXPECT_EQ(full.size(), 4u);
}

TEST(Explorer, ModelWithMoreDimensionsThanAPointHoldsIsAnError) {
  facade::Explorer explorer;
  ASSERT_TRUE(explorer.load_registry_model("cnp").ok());
  explorer.add(facade::point_1d(0.1, 0.2));
  const auto wide = explorer.load_registry_model("cnp", {.dim_x = 5});
  ASSERT_FALSE(wide.ok());
  EXPECT_THAT(wide.error(), HasSubstr("at most 4"));
  EXPECT_EQ(explorer.model().dim_x, 1);  // the previous model and its point stay
  EXPECT_EQ(explorer.points().size(), 1u);
}

TEST(Explorer, SwitchingModelKeepsPointsThatFitAndDropsThoseThatDoNot) {
  auto explorer = loaded();
  ASSERT_TRUE(explorer.add(wave(4)).ok());
  ASSERT_TRUE(explorer.load_registry_model("cmanp", facade::ModelOptions{.seed = 5}).ok());
  EXPECT_EQ(explorer.points(), wave(4));
  EXPECT_EQ(explorer.last_update().count, 4);
  ASSERT_TRUE(explorer.load_registry_model("cmanp", facade::ModelOptions{.dim_x = 2}).ok());
  EXPECT_TRUE(explorer.points().empty());
}

}  // namespace
}  // namespace nplab

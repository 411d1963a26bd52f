// Training, resuming and evaluation: runs stop and resume exactly, batches are a function of
// (seed, step), evaluation is deterministic, training lowers the loss of every model, and every
// checkpoint shipped in models/ beats a trivial baseline.

#include <torch/utils.h>

#include <cmath>
#include <filesystem>
#include <numbers>
#include <numeric>
#include <set>
#include <vector>

#include "nplab/models/registry.h"
#include "nplab/tpp/training.h"
#include "nplab/train/checkpoint.h"
#include "nplab/train/evaluation.h"
#include "nplab/train/task_data.h"
#include "nplab/train/trainer.h"
#include "temp_dir.h"
#include "test_support.h"

namespace nplab {
namespace {

namespace fs = std::filesystem;

// Small enough that the whole file runs in seconds on one thread.
const nlohmann::json kTinyConfig{{"layers", 1}, {"d_model", 16}, {"feedforward", 32}};

std::shared_ptr<models::NeuralProcess> make_seeded(const std::string& name,
                                                   const nlohmann::json& config, uint64_t seed) {
  torch::manual_seed(seed);
  return models::make_model(models::default_config(name, config));
}

double mean_of(const std::vector<double>& values, size_t first, size_t count) {
  return std::accumulate(values.begin() + first, values.begin() + first + count, 0.0) / count;
}

void expect_same_parameters(models::NeuralProcess& a, models::NeuralProcess& b) {
  const auto pa = a.named_parameters(), pb = b.named_parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (const auto& item : pa) {
    EXPECT_TRUE(at::equal(item.value(), pb[item.key()])) << item.key();
  }
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (auto& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

// --- Stopping and resuming ------------------------------------------------------------------

/// A model and the kind of tasks it trains on: "gp" (1-D) or "image" (2-D pixel coordinates,
/// from synthetic images so that no data set is needed).
struct ResumeCase {
  std::string model;
  std::string data;
};

std::string resume_case_name(const ::testing::TestParamInfo<ResumeCase>& info) {
  std::string name = info.param.model + "_on_" + info.param.data;
  for (auto& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

std::vector<ResumeCase> every_model_on_both_kinds_of_data() {
  std::vector<ResumeCase> cases;
  for (const auto& model : models::model_names()) {
    cases.push_back({model, "gp"});
    cases.push_back({model, "image"});
  }
  return cases;
}

class ResumedTraining : public ::testing::TestWithParam<ResumeCase> {};

TEST_P(ResumedTraining, StoppingSavingAndResumingGivesTheUninterruptedRun) {
  const auto& [name, data_kind] = GetParam();
  const testing::TempDir dir;
  const train::TrainOptions options{.steps = 12, .learning_rate = 1e-3};
  const bool images = data_kind == "image";
  auto config = kTinyConfig;
  if (name == "cmanp") config.update({{"latents", 16}, {"block_latents", 16}});
  if (name == "tnpkr-dka") config.update({{"features", 16}, {"location_features", 8}});
  if (images) config.update({{"dim_x", 2}, {"dim_y", 1}});
  const auto batches = [&] {
    if (!images) return train::gp_training_batches(data::gp_options_for("rbf"), 7, 4);
    torch::manual_seed(11);
    return train::image_training_batches(at::randint(0, 256, {16, 28, 28}, at::kByte), 7, 4);
  }();

  auto straight = make_seeded(name, config, 5);
  const auto straight_losses = train::train_model(*straight, batches, options);
  ASSERT_EQ(straight_losses.size(), 12u);

  auto interrupted = make_seeded(name, config, 5);
  std::vector<double> losses;
  {
    train::Trainer first(*interrupted, options);
    losses = first.run(batches, [](const train::TrainProgress& p) { return p.step < 5; });
    ASSERT_EQ(first.completed_steps(), 5);
    train::save_checkpoint(*interrupted, {}, (dir.path() / "run.pt").string(), first.state());
  }
  auto loaded = train::load_checkpoint((dir.path() / "run.pt").string());
  ASSERT_TRUE(loaded.training.has_value());
  EXPECT_EQ(loaded.training->step, 5);
  train::Trainer second(*loaded.model, options);
  second.restore(*loaded.training);
  const auto rest = second.run(batches);
  losses.insert(losses.end(), rest.begin(), rest.end());

  EXPECT_EQ(losses, straight_losses);  // exactly, not to a tolerance
  expect_same_parameters(*loaded.model, *straight);
}

INSTANTIATE_TEST_SUITE_P(EveryModel, ResumedTraining,
                         ::testing::ValuesIn(every_model_on_both_kinds_of_data()),
                         resume_case_name);

// --- Gradient norm and clipping ----------------------------------------------------------------

// The reported norm is the gradient's before clipping: the same whatever the bound, and equal to
// the norm of the gradients a plain backward pass leaves.
TEST(Trainer, ReportsTheGradientNormBeforeClipping) {
  const auto batch = train::gp_training_batches(data::gp_options_for("rbf"), 3, 4)(0);
  auto measured = make_seeded("lbanp", kTinyConfig, 2);
  measured->train();
  measured->loss(batch).backward();
  double squares = 0.0;
  for (const auto& parameter : measured->parameters()) {
    squares += parameter.grad().pow(2).sum().item<double>();
  }
  const double expected = std::sqrt(squares);
  ASSERT_GT(expected, 0.0);

  std::vector<double> reported;
  std::vector<std::shared_ptr<models::NeuralProcess>> stepped;
  for (const double clip : {0.0, 1e-3, 1e6}) {
    stepped.push_back(make_seeded("lbanp", kTinyConfig, 2));
    train::Trainer trainer(*stepped.back(), {.steps = 5, .learning_rate = 1e-3, .clip_norm = clip});
    EXPECT_EQ(trainer.last_gradient_norm(), 0.0);
    trainer.step(batch);
    reported.push_back(trainer.last_gradient_norm());
    EXPECT_NEAR(reported.back(), expected, 1e-4 * expected) << "clip_norm " << clip;
  }
  // Clipping to 1e-3 took a different step than no clipping; a bound above the norm did not.
  EXPECT_FALSE(at::equal(stepped[0]->parameters()[0], stepped[1]->parameters()[0]));
  expect_same_parameters(*stepped[0], *stepped[2]);
}

TEST(TrainingState, CheckpointWithoutTrainingStateLoadsWithoutOne) {
  const testing::TempDir dir;
  auto model = make_seeded("cnp", kTinyConfig, 1);
  const auto path = (dir.path() / "plain.pt").string();
  train::save_checkpoint(*model, {{"data", "gp-rbf"}}, path);
  EXPECT_FALSE(train::load_checkpoint(path).training.has_value());
}

// --- Batches ----------------------------------------------------------------------------------

void expect_same_batch(const models::Batch& a, const models::Batch& b) {
  EXPECT_TRUE(at::equal(a.xc, b.xc) && at::equal(a.yc, b.yc) && at::equal(a.xt, b.xt) &&
              at::equal(a.yt, b.yt));
}

TEST(TrainingBatches, GPBatchesAreAFunctionOfSeedAndStepAlone) {
  const auto options = data::gp_options_for("rbf");
  const auto source = train::gp_training_batches(options, 3, 4);
  const auto step5 = source(5);
  source(0);
  source(9);
  expect_same_batch(source(5), step5);
  expect_same_batch(train::gp_training_batches(options, 3, 4)(5), step5);
  EXPECT_FALSE(at::equal(source(6).yc.narrow(1, 0, 3), step5.yc.narrow(1, 0, 3)));
  EXPECT_FALSE(at::equal(train::gp_training_batches(options, 4, 4)(5).yc.narrow(1, 0, 3),
                         step5.yc.narrow(1, 0, 3)));
}

// A run trained with --seed 0 and evaluated with --seed 0 (the protocol) must not be scored on
// tasks it trained on: the evaluation stream and the per-step training samplers are different
// streams. A task's first context x (a continuous draw) identifies it.
TEST(TrainingBatches, EvaluationTasksAtASeedAreNotThatSeedsTrainingTasks) {
  const auto options = data::gp_options_for("rbf");
  const auto first_x_of_each_task = [](const models::Batch& batch) {
    const auto column = batch.xc.select(2, 0).select(1, 0).contiguous();
    return std::vector<float>(column.data_ptr<float>(), column.data_ptr<float>() + column.numel());
  };
  std::set<float> trained_on;
  const auto training = train::gp_training_batches(options, 0, 16);
  for (int64_t step = 0; step < 500; ++step) {
    for (const float x : first_x_of_each_task(training(step))) trained_on.insert(x);
  }
  ASSERT_GT(trained_on.size(), 7000u);  // distinct draws, or the check below would mean nothing
  const auto evaluation = train::eval_task_stream(train::parse_data_spec("gp-rbf", true), 0, 16);
  for (int batch = 0; batch < 20; ++batch) {
    for (const float x : first_x_of_each_task(evaluation->next().batch)) {
      EXPECT_EQ(trained_on.count(x), 0u) << "evaluation batch " << batch << " x " << x;
    }
  }
  // The check can fail: the same seed's training stream does contain its own tasks.
  EXPECT_EQ(trained_on.count(first_x_of_each_task(training(123)).front()), 1u);
}

TEST(TrainingBatches, ImageBatchesAreAFunctionOfSeedAndStepAcrossEpochs) {
  const auto generator = at::make_generator<at::CPUGeneratorImpl>(1);
  const auto images = at::randint(0, 256, {20, 16, 16}, generator, at::kByte);
  const auto source = train::image_training_batches(images, 2, 4);  // 5 batches per epoch
  const auto step7 = source(7);                              // in the second epoch
  source(0);
  source(13);
  expect_same_batch(source(7), step7);
  expect_same_batch(train::image_training_batches(images, 2, 4)(7), step7);
  EXPECT_EQ(step7.xc.size(2), 2);
  EXPECT_LE(step7.xc.abs().max().item<double>(), 1.0);
  EXPECT_LE(step7.yc.abs().max().item<double>(), 0.5);
  EXPECT_LE(step7.xc.size(1) + step7.xt.size(1), 200);  // the image protocol's cap
}

TEST(TrainingBatches, UnknownDataNameListsTheKnownOnes) {
  testing::expect_invalid_argument([] { train::parse_data_spec("gp-cubic", false); },
                                   {"--data gp-cubic", "gp-rbf", "image-fmnist"});
  testing::expect_invalid_argument([] { train::parse_data_spec("image-fmnist", true); },
                                   {"image-fmnist-seen", "image-fmnist-unseen"});
}

TEST(TrainingBatches, ImageDataFixesTheModelDimensionsAndBoundsTheStd) {
  const auto spec = train::parse_data_spec("image-fmnist", false);
  EXPECT_EQ(spec.model_overrides(),
            (nlohmann::json{{"dim_x", 2}, {"dim_y", 1}, {"bound_std", true}}));
  EXPECT_EQ(spec.split, data::Split::Train);
  EXPECT_EQ(spec.classes, data::ClassSubset::Seen);
  EXPECT_EQ(train::parse_data_spec("image-fmnist-unseen", true).classes, data::ClassSubset::Unseen);
  EXPECT_EQ(spec.images.whole_image_fraction, 0.0);
  EXPECT_EQ(train::parse_data_spec("image-fmnist-wide", false).images.whole_image_fraction, 0.25);
  EXPECT_EQ(train::parse_data_spec("image-fmnist-wide", false).model_overrides(),
            spec.model_overrides());
}

TEST(TrainingBatches, WideImageDataMixesWholeImageBatchesIntoTheProtocolsOnes) {
  const auto images = at::randint(0, 256, {64, 28, 28}, at::kByte);
  data::ImageTaskOptions wide;
  wide.whole_image_fraction = 0.25;
  const auto mixed = train::image_training_batches(images, 3, 4, at::kFloat, wide);
  int beyond_the_protocol = 0;
  const int steps = 400;
  for (int step = 0; step < steps; ++step) {
    const auto batch = mixed(step);
    if (batch.xc.size(1) + batch.xt.size(1) > 200 || batch.xc.size(1) > 197) ++beyond_the_protocol;
    ASSERT_LE(batch.xt.size(1), 200);
  }
  // A whole-image batch exceeds the protocol's 200 points with probability ~0.87, so ~22% of
  // batches should (binomial sd ~2%).
  EXPECT_GT(beyond_the_protocol, steps * 12 / 100);
  EXPECT_LT(beyond_the_protocol, steps * 32 / 100);
}

// --- Evaluation -------------------------------------------------------------------------------

TEST(ScoreAccumulator, ReportsTheStandardErrorOverBatchMeansAndOverTasks) {
  train::ScoreAccumulator accumulator;
  accumulator.add({at::tensor({1.0, 2.0}), at::tensor({-1.0, 0.0})});
  accumulator.add({at::tensor({3.0, 4.0}), at::tensor({1.0, 2.0})});
  const auto result = accumulator.result();
  EXPECT_EQ(result.tasks, 4);
  EXPECT_EQ(result.batches, 2);
  EXPECT_DOUBLE_EQ(result.ctx_ll, 2.5);
  EXPECT_DOUBLE_EQ(result.tar_ll, 0.5);
  // Batch means 1.5, 3.5 (and -0.5, 1.5): sample variance 2 over 2 batches, se = sqrt(2 / 2).
  EXPECT_NEAR(result.ctx_ll_se, 1.0, 1e-12);
  EXPECT_NEAR(result.tar_ll_se, 1.0, 1e-12);
  // Over tasks as if independent: sample variance 5/3 over 4 tasks, se = sqrt(5/3 / 4).
  EXPECT_NEAR(result.ctx_ll_se_tasks, std::sqrt(5.0 / 12.0), 1e-12);
  EXPECT_NEAR(result.tar_ll_se_tasks, std::sqrt(5.0 / 12.0), 1e-12);
  EXPECT_FALSE(result.coverage_1sd.has_value()) << "no scorer reported band coverage";
  EXPECT_EQ(result.to_json()["se"], "batch_means");
}

TEST(Evaluation, CoverageCountsTargetsInsideTheOneAndTwoSigmaBands) {
  // Context {0, 2}: the baseline predicts N(1, 1). Targets 1.5 (inside ±1σ), 2.5 (inside ±2σ
  // only) and 4 (outside both).
  const models::Batch batch{
      at::zeros({1, 2, 1}, at::kDouble), at::tensor({0.0, 2.0}, at::kDouble).view({1, 2, 1}),
      at::zeros({1, 3, 1}, at::kDouble), at::tensor({1.5, 2.5, 4.0}, at::kDouble).view({1, 3, 1})};
  train::ScoreAccumulator accumulator;
  accumulator.add(train::score_context_gaussian(batch));
  const auto result = accumulator.result();
  ASSERT_TRUE(result.coverage_1sd.has_value());
  EXPECT_NEAR(*result.coverage_1sd, 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(*result.coverage_2sd, 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(result.to_json()["coverage_2sd"].get<double>(), 2.0 / 3.0, 1e-12);
}

TEST(Evaluation, ContextGaussianBaselineUsesTheContextMeanAndStd) {
  const auto xc = at::zeros({1, 2, 1}, at::kDouble), xt = at::zeros({1, 1, 1}, at::kDouble);
  const models::Batch batch{xc, at::tensor({0.0, 2.0}, at::kDouble).view({1, 2, 1}), xt,
                            at::ones({1, 1, 1}, at::kDouble)};
  const auto scores = train::score_context_gaussian(batch);  // N(1, 1)
  const double log_normaliser = -0.5 * std::log(2.0 * std::numbers::pi);
  EXPECT_NEAR(scores.target.item<double>(), log_normaliser, 1e-12);
  EXPECT_NEAR(scores.context.item<double>(), log_normaliser - 0.5, 1e-12);
}

TEST(Evaluation, ModelTargetScoresAreTheNegativeTrainingLoss) {
  const torch::NoGradGuard no_grad;
  auto model = make_seeded("tnpd", kTinyConfig, 2);
  model->eval();
  const auto batch = train::gp_training_batches(data::gp_options_for("rbf"), 1, 4)(0);
  const auto scores = train::score_model(*model, batch);
  EXPECT_NEAR(scores.target.mean().item<double>(), -model->loss(batch).item<double>(), 1e-5);
  EXPECT_EQ(scores.context.size(0), 4);
}

TEST(Evaluation, IsDeterministicUnderASeed) {
  auto model = make_seeded("cmanp", kTinyConfig, 4);
  model->eval();
  const auto spec = train::parse_data_spec("gp-matern", true);
  const auto run = [&](uint64_t seed) {
    const auto stream = train::eval_task_stream(spec, seed, 4);
    return train::evaluate(*stream, 5, train::model_scorer(*model));
  };
  const auto a = run(0), b = run(0), other = run(1);
  EXPECT_EQ(a.to_json(), b.to_json());
  EXPECT_EQ(a.tasks, 20);
  EXPECT_NE(a.tar_ll, other.tar_ll);
}

TEST(Evaluation, OracleScoresAboutOneAndAHalfTargetLogLikelihoodOnRBF) {
  const auto stream = train::eval_task_stream(train::parse_data_spec("gp-rbf", true), 0, 16,
                                              at::TensorOptions(at::kDouble));
  const auto result = train::evaluate(*stream, 40, train::oracle_scorer());
  EXPECT_GT(result.tar_ll, 1.2);
  EXPECT_LT(result.tar_ll, 1.9);
  EXPECT_GT(result.ctx_ll, result.tar_ll);  // the context is seen, up to the 0.02 noise
}

TEST(Evaluation, OracleRefusesImageTasks) {
  const auto images = at::zeros({4, 16, 16}, at::kByte);
  const auto stream = train::image_eval_task_stream(images, 0, 2);
  testing::expect_invalid_argument([&] { train::evaluate(*stream, 1, train::oracle_scorer()); },
                                   {"oracle", "GP tasks"});
}

// --- Training lowers the loss of every model ---------------------------------------------------

class TrainingSmoke : public ::testing::TestWithParam<std::string> {};

// Small configs keep all models together under a minute on one thread: two layers of width 32,
// and fewer of the latents / random features that dominate CMANP's and DKA's cost. LBANP-128 keeps
// its 128 latents (they are what the alias means).
nlohmann::json smoke_config(const std::string& name) {
  nlohmann::json config{{"layers", 2}, {"d_model", 32}, {"feedforward", 64}};
  if (name == "cmanp") config.update({{"latents", 32}, {"block_latents", 32}});
  if (name == "tnpkr-dka") config.update({{"features", 32}, {"location_features", 16}});
  return config;
}

TEST_P(TrainingSmoke, TwoHundredStepsOnRBFTasksLowerTheLoss) {
  constexpr int64_t kSteps = 200;
  constexpr size_t kWindow = 20;
  auto model = make_seeded(GetParam(), smoke_config(GetParam()), 0);
  const auto losses =
      train::train_model(*model, train::gp_training_batches(data::gp_options_for("rbf"), 0, 8),
                         {.steps = kSteps, .learning_rate = 1e-3});
  ASSERT_EQ(losses.size(), static_cast<size_t>(kSteps));
  const double first = mean_of(losses, 0, kWindow),
               last = mean_of(losses, kSteps - kWindow, kWindow);
  EXPECT_LT(last, first) << "mean loss of the first " << kWindow << " steps " << first
                         << ", of the last " << last;
}

INSTANTIATE_TEST_SUITE_P(EveryModel, TrainingSmoke, ::testing::ValuesIn(models::model_names()),
                         test_name);

// --- Shipped checkpoints ------------------------------------------------------------------------

TEST(ShippedModels, EveryCheckpointRepeatsItsRecordedCheckAndBeatsTheContextGaussian) {
  const fs::path directory = NPLAB_MODELS_DIR;
  std::vector<fs::path> checkpoints;
  if (fs::is_directory(directory)) {
    for (const auto& entry : fs::directory_iterator(directory)) {
      // Point-process checkpoints have their own test (ShippedPointProcesses).
      if (entry.path().extension() == ".pt" &&
          !tpp::is_point_process_checkpoint(entry.path().string())) {
        checkpoints.push_back(entry.path());
      }
    }
  }
  if (checkpoints.empty()) GTEST_SKIP() << "no checkpoints in " << directory << " yet";

  int checked = 0;
  for (const auto& path : checkpoints) {
    SCOPED_TRACE(path.string());
    const auto checkpoint = train::load_checkpoint(path.string());
    // card["check"] was written by the same evaluation, through the CLI:
    //   nplab-cli eval --checkpoint P --data D --batches 8 --batch-size 16 --seed 123
    //                  --whole-images 0 --write-check
    ASSERT_TRUE(checkpoint.card.contains("check"))
        << "no recorded check: run the command above, with --data its training data";
    // A shipped model carries the digest its load verifies (checkpoints written before it load
    // without one, but none of those ships).
    EXPECT_TRUE(checkpoint.card.contains("weights_sha256"));
    const auto& check = checkpoint.card["check"];
    const auto data_name = check.at("data").get<std::string>();
    if (data_name.starts_with("image") &&
        !fs::exists(fs::path(data::kFashionMnistDir) / "t10k-images-idx3-ubyte.gz")) {
      std::cerr << "skipping " << path << ": Fashion-MNIST is not installed\n";
      continue;
    }
    const auto spec = train::parse_data_spec(data_name, true);
    const auto score = [&](const train::TaskScorer& scorer) {
      const auto stream = train::eval_task_stream(spec, check.at("seed").get<uint64_t>(),
                                                  check.at("batch_size").get<int64_t>());
      return train::evaluate(*stream, check.at("batches").get<int64_t>(), scorer);
    };
    const auto model = score(train::model_scorer(*checkpoint.model));
    // The same tasks and weights give the same score up to float32 rounding in another CPU's
    // kernels (~1e-6); 1e-3 is far below this check's SE (~0.1), so a retrained, degraded or
    // wrongly loaded model fails.
    EXPECT_NEAR(model.tar_ll, check.at("tar_ll").get<double>(), 1e-3);
    EXPECT_NEAR(model.ctx_ll, check.at("ctx_ll").get<double>(), 1e-3);
    const auto baseline = score(train::context_gaussian_scorer());
    EXPECT_GT(model.tar_ll, baseline.tar_ll)
        << "model " << model.tar_ll << " vs context mean/std " << baseline.tar_ll;
    ++checked;
  }
  if (checked == 0) GTEST_SKIP() << "no shipped checkpoint could be checked here";
}

}  // namespace
}  // namespace nplab

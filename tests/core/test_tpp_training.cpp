// Point-process training runs resume as NP runs do (tpp/training.h): stopped after k of N steps
// and resumed, a run ends with the uninterrupted run's weights; a finished run says so; a saved
// run's settings are kept; a damaged checkpoint is a clear error.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "nplab/tpp/training.h"
#include "nplab/train/checkpoint.h"
#include "nplab/util/checks.h"
#include "temp_dir.h"
#include "test_support.h"

namespace nplab::tpp {
namespace {

using Outcome = TppTrainResult::Outcome;
constexpr int64_t kSteps = 6;

TppTrainSettings tiny_run(const std::string& model, const std::string& out) {
  TppTrainSettings settings;
  settings.model = model;
  settings.model_overrides =
      model == "thp"
          ? nlohmann::json{{"layers", 1}, {"d_model", 16}, {"feedforward", 16}}
          : nlohmann::json{{"blocks", 1}, {"d_model", 16}, {"latents", 4}, {"feedforward", 16}};
  settings.data = "tpp-hawkes";
  settings.sequence_length = 12;
  settings.marks = 2;
  settings.steps = kSteps;
  settings.batch = 3;
  settings.lr = 3e-3;
  settings.seed = 7;
  settings.checkpoint_minutes = 0;
  settings.out = out;
  return settings;
}

/// Only what `nplab-cli train --out PATH --resume` passes: every other setting is the card's.
TppTrainSettings resume_of(const std::string& out) {
  TppTrainSettings settings;
  settings.out = out;
  settings.resume = true;
  settings.checkpoint_minutes = 0;
  return settings;
}

double largest_weight_difference(PointProcessModel& a, PointProcessModel& b) {
  const auto pa = a.named_parameters(), pb = b.named_parameters();
  EXPECT_EQ(pa.size(), pb.size());
  double largest = 0.0;
  for (const auto& entry : pa) {
    largest = std::max(largest, testing::max_abs_diff(entry.value(), pb[entry.key()]));
  }
  return largest;
}

void expect_checkpoint_error(const std::function<void()>& work,
                             const std::vector<std::string>& fragments) {
  try {
    work();
    ADD_FAILURE() << "expected CheckpointError";
  } catch (const train::CheckpointError& error) {
    for (const auto& fragment : fragments) {
      EXPECT_THAT(error.what(), ::testing::HasSubstr(fragment));
    }
  }
}

class TppResume : public ::testing::TestWithParam<std::string> {
 protected:
  testing::TempDir dir_;
};

TEST_P(TppResume, StoppedAndResumedRunEndsWithTheUninterruptedWeights) {
  const auto straight = run_tpp_training(tiny_run(GetParam(), dir_.file("straight")));
  ASSERT_EQ(straight.outcome, Outcome::Finished);

  auto first_half = tiny_run(GetParam(), dir_.file("resumed"));
  first_half.stop_after = 2;
  const auto halfway = run_tpp_training(first_half);
  EXPECT_EQ(halfway.outcome, Outcome::StoppedAfter);
  EXPECT_EQ(halfway.steps, 2);
  const auto saved = load_point_process(halfway.path);
  EXPECT_EQ(saved.card["finished"], false);
  ASSERT_TRUE(saved.training.has_value());
  EXPECT_EQ(saved.training->step, 2);
  EXPECT_FALSE(saved.training->optimizer.empty());
  EXPECT_FALSE(saved.training->generator.empty());

  // The global generator moves on in between: the checkpoint's state must be what counts.
  torch::manual_seed(12345);
  const auto resumed = run_tpp_training(resume_of(dir_.file("resumed")));
  EXPECT_EQ(resumed.outcome, Outcome::Finished);
  EXPECT_EQ(resumed.first_step, 2);
  EXPECT_EQ(resumed.steps, kSteps);
  EXPECT_EQ(resumed.data, "tpp-hawkes");
  EXPECT_EQ(resumed.sequence_length, 12);
  EXPECT_EQ(resumed.marks, 2);

  const auto a = load_point_process(straight.path), b = load_point_process(resumed.path);
  EXPECT_LT(largest_weight_difference(*a.model, *b.model), 1e-6);
  EXPECT_GT(largest_weight_difference(*a.model, *saved.model), 1e-4);  // training moved them
  EXPECT_NEAR(a.card["final_loss"].get<double>(), b.card["final_loss"].get<double>(), 1e-6);
  EXPECT_NEAR(a.card["smoothed_loss"].get<double>(), b.card["smoothed_loss"].get<double>(), 1e-6);
  EXPECT_NEAR(a.card["smoothed_grad_norm"].get<double>(),
              b.card["smoothed_grad_norm"].get<double>(), 1e-6);
  EXPECT_EQ(b.card["finished"], true);
  EXPECT_EQ(b.card["steps"], kSteps);
  EXPECT_EQ(b.training->step, kSteps);
}

TEST_P(TppResume, ResumingAFinishedRunSaysSoAndChangesNothing) {
  const auto done = run_tpp_training(tiny_run(GetParam(), dir_.file("run")));
  const auto before = load_point_process(done.path);
  const auto again = run_tpp_training(resume_of(dir_.file("run")));
  EXPECT_EQ(again.outcome, Outcome::AlreadyFinished);
  EXPECT_EQ(again.steps, kSteps);
  EXPECT_EQ(again.first_step, kSteps);
  const auto after = load_point_process(done.path);
  EXPECT_EQ(largest_weight_difference(*before.model, *after.model), 0.0);
  EXPECT_EQ(before.card["date"], after.card["date"]);
}

INSTANTIATE_TEST_SUITE_P(Models, TppResume, ::testing::Values("cmhp", "thp"));

class TppResumeErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    auto settings = tiny_run("cmhp", dir_.file("run"));
    settings.stop_after = 1;
    path_ = run_tpp_training(settings).path;
  }
  testing::TempDir dir_;
  std::string path_;
};

TEST_F(TppResumeErrors, AGivenSettingThatContradictsTheSavedRunIsRefused) {
  auto settings = resume_of(dir_.file("run"));
  settings.lr = 0.01;
  testing::expect_invalid_argument([&] { run_tpp_training(settings); },
                                   {path_, "the saved run has --lr 0.003"});
  settings = resume_of(dir_.file("run"));
  settings.model = "thp";
  testing::expect_invalid_argument([&] { run_tpp_training(settings); },
                                   {"the saved run trains cmhp, not thp"});
  settings = resume_of(dir_.file("run"));
  settings.model_overrides = {{"d_model", 32}};
  testing::expect_invalid_argument([&] { run_tpp_training(settings); },
                                   {"--config gives d_model 32"});
  // The run's own config (and keys the model ignores) continue it.
  settings.model_overrides = {{"d_model", 16}, {"not_a_cmhp_setting", 1}};
  EXPECT_EQ(run_tpp_training(settings).outcome, Outcome::Finished);
}

TEST_F(TppResumeErrors, WithoutResumeAnExistingRunIsNotOverwritten) {
  testing::expect_invalid_argument([&] { run_tpp_training(tiny_run("cmhp", dir_.file("run"))); },
                                   {"exists; pass --resume"});
}

TEST_F(TppResumeErrors, NothingSavedToResumeIsAnError) {
  testing::expect_invalid_argument([&] { run_tpp_training(resume_of(dir_.file("never"))); },
                                   {"no saved run there to continue"});
}

TEST_F(TppResumeErrors, ATruncatedCheckpointIsAClearError) {
  std::filesystem::resize_file(path_, std::filesystem::file_size(path_) / 2);
  expect_checkpoint_error([&] { run_tpp_training(resume_of(dir_.file("run"))); },
                          {"checkpoint " + path_, "not a readable checkpoint archive"});
}

TEST_F(TppResumeErrors, AFlippedByteInTheWeightsFailsTheDigest) {
  // CMHP's latents are its first parameter; find their bytes in the file and flip one bit.
  const auto saved = load_point_process(path_);
  const auto latents = saved.model->named_parameters()["latents"].contiguous();
  const std::string needle(static_cast<const char*>(latents.data_ptr()), 4 * sizeof(float));
  std::string bytes;
  {
    std::ifstream in(path_, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto at = bytes.find(needle);
  ASSERT_NE(at, std::string::npos);
  bytes[at + 1] ^= 0x10;
  std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes;
  expect_checkpoint_error([&] { run_tpp_training(resume_of(dir_.file("run"))); },
                          {path_, "do not match their SHA-256 digest"});
}

TEST_F(TppResumeErrors, ACheckpointWithoutTrainingStateContinuesWithAWarning) {
  // As point-process checkpoints were saved before they held the training state.
  auto saved = load_point_process(path_);
  save_point_process(*saved.model, saved.card, path_);
  std::vector<std::string> notices;
  TppTrainCallbacks callbacks;
  callbacks.on_notice = [&](const std::string& text) { notices.push_back(text); };
  const auto resumed = run_tpp_training(resume_of(dir_.file("run")), callbacks);
  EXPECT_EQ(resumed.outcome, Outcome::Finished);
  EXPECT_EQ(resumed.first_step, 1);
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_THAT(notices[0], ::testing::HasSubstr("holds no optimizer state"));
}

}  // namespace
}  // namespace nplab::tpp

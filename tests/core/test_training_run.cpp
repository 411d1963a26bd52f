// The training run of nplab/train/run.h: opening, resuming, stopping and the card it keeps,
// through its callbacks (the CLI's tests cover the same run through nplab-cli train).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "nplab/train/checkpoint.h"
#include "nplab/train/run.h"
#include "nplab/util/checks.h"
#include "temp_dir.h"
#include "test_support.h"

namespace nplab {
namespace {

using ::testing::HasSubstr;

train::TrainRunSettings tiny_run(const std::filesystem::path& out) {
  train::TrainRunSettings settings;
  settings.model = "cnp";
  settings.model_overrides = {{"d_model", 16}, {"emb_depth", 2}};
  settings.steps = 6;
  settings.batch = 2;
  settings.out = out.string();
  settings.checkpoint_minutes = 0;
  return settings;
}

TEST(TrainingRun, TrainsReportsEveryStepAndKeepsTheCard) {
  const testing::TempDir dir;
  int started = 0;
  std::vector<int64_t> steps;
  train::TrainRunCallbacks callbacks;
  callbacks.on_start = [&](const train::TrainRunResult& run) {
    ++started;
    EXPECT_EQ(run.first_step, 0);
    EXPECT_EQ(run.schedule_steps, 6);
    EXPECT_EQ(run.data, "gp-rbf");
  };
  callbacks.on_progress = [&](const train::TrainRunProgress& step) { steps.push_back(step.step); };
  const auto result = train::run_training(tiny_run(dir.path() / "run"), callbacks);
  EXPECT_EQ(result.outcome, train::TrainRunResult::Outcome::Finished);
  EXPECT_EQ(started, 1);
  EXPECT_EQ(steps, (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(result.path, (dir.path() / "run.pt").string());
  const auto saved = train::load_checkpoint(result.path);
  for (const char* key : {"registry_name", "data", "batch", "lr", "clip_norm", "seed",
                          "schedule_steps", "steps", "finished", "wall_seconds", "final_loss",
                          "smoothed_loss", "smoothed_grad_norm"}) {
    EXPECT_TRUE(saved.card.contains(key)) << key;
  }
  EXPECT_EQ(saved.card["steps"], 6);
  EXPECT_EQ(saved.card["finished"], true);
  EXPECT_EQ(saved.card["lr"], 5e-4) << "unset settings take the protocol's defaults";
}

TEST(TrainingRun, StopRequestSavesAResumableRunThatContinuesFromItsCard) {
  const testing::TempDir dir;
  train::TrainRunCallbacks stop_after_two;
  int saves = 0;
  stop_after_two.should_stop = [&] { return ++saves >= 2; };
  const auto stopped = train::run_training(tiny_run(dir.path() / "run"), stop_after_two);
  EXPECT_EQ(stopped.outcome, train::TrainRunResult::Outcome::Stopped);
  EXPECT_EQ(stopped.steps, 2);

  // Resuming needs only the path: every setting comes from the saved card.
  train::TrainRunSettings resume;
  resume.out = (dir.path() / "run").string();
  resume.resume = true;
  resume.checkpoint_minutes = 0;
  const auto resumed = train::run_training(resume);
  EXPECT_EQ(resumed.outcome, train::TrainRunResult::Outcome::Finished);
  EXPECT_EQ(resumed.first_step, 2);
  EXPECT_EQ(resumed.steps, 6);
  EXPECT_EQ(train::run_training(resume).outcome, train::TrainRunResult::Outcome::AlreadyFinished);
}

TEST(TrainingRun, StopAfterAStepAlreadyReachedTrainsNothing) {
  const testing::TempDir dir;
  auto settings = tiny_run(dir.path() / "run");
  settings.stop_after = 3;
  EXPECT_EQ(train::run_training(settings).steps, 3);
  settings.resume = true;
  int steps_run = 0;
  train::TrainRunCallbacks callbacks;
  callbacks.on_progress = [&](const train::TrainRunProgress&) { ++steps_run; };
  const auto again = train::run_training(settings, callbacks);
  EXPECT_EQ(again.outcome, train::TrainRunResult::Outcome::StoppedAfter);
  EXPECT_EQ(again.steps, 3);
  EXPECT_EQ(steps_run, 0) << "no step past --stop-after";
  EXPECT_EQ(train::load_checkpoint(again.path).card["steps"], 3);
}

TEST(TrainingRun, ResumeRefusesASettingThatContradictsTheSavedRun) {
  const testing::TempDir dir;
  auto settings = tiny_run(dir.path() / "run");
  settings.stop_after = 1;
  train::run_training(settings);
  settings.resume = true;
  settings.lr = 1e-3;
  testing::expect_invalid_argument([&] { train::run_training(settings); },
                                   {"--resume", "the saved run has --lr 0.0005"});
}

}  // namespace
}  // namespace nplab

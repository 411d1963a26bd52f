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

TrainRunSettings tiny_run(const std::filesystem::path& out) {
  TrainRunSettings settings;
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
  TrainRunCallbacks callbacks;
  callbacks.on_start = [&](const TrainRunResult& run) {
    ++started;
    EXPECT_EQ(run.first_step, 0);
    EXPECT_EQ(run.schedule_steps, 6);
    EXPECT_EQ(run.data, "gp-rbf");
  };
  callbacks.on_progress = [&](const TrainRunProgress& step) { steps.push_back(step.step); };
  const auto result = run_training(tiny_run(dir.path() / "run"), callbacks);
  EXPECT_EQ(result.outcome, TrainRunResult::Outcome::Finished);
  EXPECT_EQ(started, 1);
  EXPECT_EQ(steps, (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(result.path, (dir.path() / "run.pt").string());
  const auto saved = load_checkpoint(result.path);
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
  TrainRunCallbacks stop_after_two;
  int saves = 0;
  stop_after_two.should_stop = [&] { return ++saves >= 2; };
  const auto stopped = run_training(tiny_run(dir.path() / "run"), stop_after_two);
  EXPECT_EQ(stopped.outcome, TrainRunResult::Outcome::Stopped);
  EXPECT_EQ(stopped.steps, 2);

  // Resuming needs only the path: every setting comes from the saved card.
  TrainRunSettings resume;
  resume.out = (dir.path() / "run").string();
  resume.resume = true;
  resume.checkpoint_minutes = 0;
  const auto resumed = run_training(resume);
  EXPECT_EQ(resumed.outcome, TrainRunResult::Outcome::Finished);
  EXPECT_EQ(resumed.first_step, 2);
  EXPECT_EQ(resumed.steps, 6);
  EXPECT_EQ(run_training(resume).outcome, TrainRunResult::Outcome::AlreadyFinished);
}

TEST(TrainingRun, StopAfterAStepAlreadyReachedTrainsNothing) {
  const testing::TempDir dir;
  auto settings = tiny_run(dir.path() / "run");
  settings.stop_after = 3;
  EXPECT_EQ(run_training(settings).steps, 3);
  settings.resume = true;
  int steps_run = 0;
  TrainRunCallbacks callbacks;
  callbacks.on_progress = [&](const TrainRunProgress&) { ++steps_run; };
  const auto again = run_training(settings, callbacks);
  EXPECT_EQ(again.outcome, TrainRunResult::Outcome::StoppedAfter);
  EXPECT_EQ(again.steps, 3);
  EXPECT_EQ(steps_run, 0) << "no step past --stop-after";
  EXPECT_EQ(load_checkpoint(again.path).card["steps"], 3);
}

TEST(TrainingRun, ResumeRefusesASettingThatContradictsTheSavedRun) {
  const testing::TempDir dir;
  auto settings = tiny_run(dir.path() / "run");
  settings.stop_after = 1;
  run_training(settings);
  settings.resume = true;
  settings.lr = 1e-3;
  testing::expect_invalid_argument([&] { run_training(settings); },
                                   {"--resume", "the saved run has --lr 0.0005"});
}

}  // namespace
}  // namespace nplab

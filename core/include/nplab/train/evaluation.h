#pragma once
// Evaluation (DESIGN.md §5): context and target log-likelihood per task, averaged over a fixed
// stream of task batches, with the standard error of that mean.
//
// The tasks of one batch share their context and target counts (and, for images, nothing else),
// so they are not independent draws: the spread of batch means is ~2.7x what the per-task
// standard error suggests. The reported standard error is therefore the one over batch means
// (a cluster-robust SE with the batch as cluster, equal cluster sizes): sample std of the batch
// means / sqrt(batches). The per-task SE stays in the result as `*_se_tasks` for comparison.
//
// Calibration: the fraction of target values (over points and output dimensions) inside the
// predictive ±1σ and ±2σ bands, to compare with 68.3% / 95.4% for a calibrated Gaussian.
//
// A task's target log-likelihood is the mean over its targets of sum over dim_y of
// log N(y | mean, std), the prediction conditioned on the task's context; its context
// log-likelihood is the same for the context points themselves (predict at xc given the context).
// Scoring runs in InferenceMode, one batch of tasks at a time, so memory does not grow with the
// number of tasks.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "nplab/data/gp.h"
#include "nplab/models/neural_process.h"
#include "nplab/train/task_data.h"

namespace nplab::train {

/// Per-task log-likelihoods [B] of one batch of tasks.
struct TaskScores {
  at::Tensor context;
  at::Tensor target;
  /// Per task, the fraction of target values within ±1σ and ±2σ of the predictive mean; undefined
  /// when the scorer has no Gaussian predictive to offer.
  at::Tensor target_within_1sd;
  at::Tensor target_within_2sd;
};

/// Scores one batch of tasks (a model, the oracle, a baseline).
using TaskScorer = std::function<TaskScores(const EvalTasks& tasks)>;

/// The name `--json` and the cards give the standard error's method.
inline constexpr const char* kStandardErrorMethod = "batch_means";

struct EvalResult {
  double ctx_ll = 0.0;
  double ctx_ll_se = 0.0;  ///< over batch means (see the file comment)
  double tar_ll = 0.0;
  double tar_ll_se = 0.0;  ///< over batch means
  double ctx_ll_se_tasks = 0.0;  ///< over tasks, as if independent (smaller, for comparison)
  double tar_ll_se_tasks = 0.0;
  int64_t tasks = 0;
  int64_t batches = 0;
  /// Band coverage of the targets (mean over tasks); absent when no scorer gave it.
  std::optional<double> coverage_1sd, coverage_2sd;

  /// {"ctx_ll", "ctx_ll_se", "tar_ll", "tar_ll_se", "se": "batch_means", "ctx_ll_se_tasks",
  ///  "tar_ll_se_tasks", "tasks", and "coverage_1sd", "coverage_2sd" when known}.
  nlohmann::json to_json() const;
};

/// Means and standard errors of scores added one batch at a time.
class ScoreAccumulator {
 public:
  void add(const TaskScores& scores);
  EvalResult result() const;

 private:
  std::vector<double> context_, target_;                 // per task
  std::vector<double> context_batches_, target_batches_;  // per batch
  std::vector<double> within_1sd_, within_2sd_;           // per task
};

/// Called after each batch with the number of batches done; return false to stop early.
using EvalProgress = std::function<bool(int64_t done, int64_t total)>;

/// Scores `batches` batches from `stream` with `scorer`, in InferenceMode.
EvalResult evaluate(EvalTaskStream& stream, int64_t batches, const TaskScorer& scorer,
                    const EvalProgress& on_progress = {});

/// The model's scores. The tasks must be on the model's device and in its dtype.
TaskScores score_model(models::NeuralProcess& model, const models::Batch& batch);
/// The oracle GP's scores (exact posterior with the tasks' true prior).
TaskScores score_oracle(const models::Batch& batch, const data::GPPrior& prior);
/// The trivial baseline: every point predicted as N(context mean, context std²), per task and
/// output dimension (the std floored at 1e-3 so a constant context does not give -inf).
TaskScores score_context_gaussian(const models::Batch& batch);

/// How well a model reproduces images it is given in full: every pixel of each image is the
/// context and the target. A model that has seen every pixel should return the image, with a
/// predictive std near its floor.
struct WholeImageResult {
  int64_t images = 0;
  double rmse = 0.0;      ///< per-pixel RMSE of the mean, intensity units (0–1), over all pixels
  double mean_std = 0.0;  ///< mean predictive std over all pixels, same units
  double tar_ll = 0.0;    ///< mean per-pixel log-likelihood (per image, then averaged)
  double tar_ll_se = 0.0; ///< over images
  double coverage_1sd = 0.0, coverage_2sd = 0.0;
  /// {"images", "rmse", "mean_std", "tar_ll", "tar_ll_se", "coverage_1sd", "coverage_2sd"}.
  nlohmann::json to_json() const;
};

/// The first `count` of `images` [N, H, W(, C)] (uint8, as loaded) conditioned on all their
/// pixels, `batch_size` images at a time, in InferenceMode, on the model's device.
WholeImageResult evaluate_whole_images(models::NeuralProcess& model, const at::Tensor& images,
                                       int64_t count, int64_t batch_size = 8);

/// Scorers over EvalTasks: the oracle needs GP tasks (throws InvalidArgument otherwise).
TaskScorer model_scorer(models::NeuralProcess& model);
TaskScorer oracle_scorer();
TaskScorer context_gaussian_scorer();

}  // namespace nplab::train

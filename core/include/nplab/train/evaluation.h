#pragma once
// Evaluation (DESIGN.md §5): context and target log-likelihood per task, averaged over a fixed
// stream of task batches, with the standard error of the mean over tasks.
//
// A task's target log-likelihood is the mean over its targets of sum over dim_y of
// log N(y | mean, std), the prediction conditioned on the task's context; its context
// log-likelihood is the same for the context points themselves (predict at xc given the context).
// Scoring runs in InferenceMode, one batch of tasks at a time, so memory does not grow with the
// number of tasks.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nplab/data/gp.h"
#include "nplab/models/neural_process.h"
#include "nplab/train/task_data.h"

namespace nplab {

/// Per-task log-likelihoods [B] of one batch of tasks.
struct TaskScores {
  at::Tensor context;
  at::Tensor target;
};

/// Scores one batch of tasks (a model, the oracle, a baseline).
using TaskScorer = std::function<TaskScores(const EvalTasks& tasks)>;

struct EvalResult {
  double ctx_ll = 0.0;
  double ctx_ll_se = 0.0;
  double tar_ll = 0.0;
  double tar_ll_se = 0.0;
  int64_t tasks = 0;

  /// {"ctx_ll", "ctx_ll_se", "tar_ll", "tar_ll_se", "tasks"}.
  nlohmann::json to_json() const;
};

/// Mean and standard error (sample std / sqrt(n)) of per-task scores.
class ScoreAccumulator {
 public:
  void add(const TaskScores& scores);
  EvalResult result() const;

 private:
  std::vector<double> context_, target_;
};

/// Called after each batch with the number of batches done; return false to stop early.
using EvalProgress = std::function<bool(int64_t done, int64_t total)>;

/// Scores `batches` batches from `stream` with `scorer`, in InferenceMode.
EvalResult evaluate(EvalTaskStream& stream, int64_t batches, const TaskScorer& scorer,
                    const EvalProgress& on_progress = {});

/// The model's scores. The tasks must be on the model's device and in its dtype.
TaskScores score_model(NeuralProcess& model, const Batch& batch);
/// The oracle GP's scores (exact posterior with the tasks' true prior).
TaskScores score_oracle(const Batch& batch, const data::GPPrior& prior);
/// The trivial baseline: every point predicted as N(context mean, context std²), per task and
/// output dimension (the std floored at 1e-3 so a constant context does not give -inf).
TaskScores score_context_gaussian(const Batch& batch);

/// Scorers over EvalTasks: the oracle needs GP tasks (throws InvalidArgument otherwise).
TaskScorer model_scorer(NeuralProcess& model);
TaskScorer oracle_scorer();
TaskScorer context_gaussian_scorer();

}  // namespace nplab

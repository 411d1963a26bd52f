#include "nplab/train/evaluation.h"

#include <c10/core/InferenceMode.h>

#include <cmath>
#include <numbers>
#include <numeric>

#include "nplab/data/oracle_gp.h"
#include "nplab/util/checks.h"

namespace nplab {
namespace {

// Per-task mean over points of sum over dim_y of log N(y | mean, std): [B].
at::Tensor gaussian_log_likelihood(const at::Tensor& y, const Prediction& prediction) {
  const auto z = (y - prediction.mean) / prediction.stddev;
  const auto log_density =
      -0.5 * z * z - at::log(prediction.stddev) - 0.5 * std::log(2.0 * std::numbers::pi);
  return log_density.sum(-1).mean(-1);
}

std::vector<double> to_doubles(const at::Tensor& scores) {
  const auto values = scores.detach().to(at::kCPU, at::kDouble).contiguous().flatten();
  return {values.data_ptr<double>(), values.data_ptr<double>() + values.numel()};
}

// Mean and standard error of the mean (sample standard deviation / sqrt(n)).
std::pair<double, double> mean_and_standard_error(const std::vector<double>& values) {
  const auto n = static_cast<double>(values.size());
  if (values.empty()) return {0.0, 0.0};
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  if (values.size() < 2) return {mean, 0.0};
  double squares = 0.0;
  for (const double value : values) squares += (value - mean) * (value - mean);
  return {mean, std::sqrt(squares / (n - 1.0) / n)};
}

}  // namespace

nlohmann::json EvalResult::to_json() const {
  return {{"ctx_ll", ctx_ll},       {"ctx_ll_se", ctx_ll_se}, {"tar_ll", tar_ll},
          {"tar_ll_se", tar_ll_se}, {"tasks", tasks}};
}

void ScoreAccumulator::add(const TaskScores& scores) {
  auto context = to_doubles(scores.context);
  auto target = to_doubles(scores.target);
  if (context.size() != target.size()) {
    throw InvalidArgument("task scores: " + std::to_string(context.size()) +
                          " context scores but " + std::to_string(target.size()) +
                          " target scores");
  }
  context_.insert(context_.end(), context.begin(), context.end());
  target_.insert(target_.end(), target.begin(), target.end());
}

EvalResult ScoreAccumulator::result() const {
  EvalResult result;
  std::tie(result.ctx_ll, result.ctx_ll_se) = mean_and_standard_error(context_);
  std::tie(result.tar_ll, result.tar_ll_se) = mean_and_standard_error(target_);
  result.tasks = static_cast<int64_t>(target_.size());
  return result;
}

EvalResult evaluate(EvalTaskStream& stream, int64_t batches, const TaskScorer& scorer,
                    const EvalProgress& on_progress) {
  if (batches < 1) throw InvalidArgument("--batches: must be positive, got " + std::to_string(batches));
  const c10::InferenceMode inference;
  ScoreAccumulator accumulator;
  for (int64_t done = 1; done <= batches; ++done) {
    accumulator.add(scorer(stream.next()));
    if (on_progress && !on_progress(done, batches)) break;
  }
  return accumulator.result();
}

TaskScores score_model(NeuralProcess& model, const Batch& batch) {
  const auto state = model.condition(batch.xc, batch.yc);
  const auto context = model.predict(*state, batch.xc);
  const auto target = model.predict(*state, batch.xt);
  return {gaussian_log_likelihood(batch.yc, context), gaussian_log_likelihood(batch.yt, target)};
}

TaskScores score_oracle(const Batch& batch, const data::GPPrior& prior) {
  const auto scores = data::oracle_log_likelihood(batch, prior);
  return {scores.context, scores.target};
}

TaskScores score_context_gaussian(const Batch& batch) {
  if (batch.yc.size(1) < 1) {
    throw InvalidArgument("context Gaussian baseline: needs at least one context point, got yc " +
                          shape_string(batch.yc));
  }
  constexpr double kMinStd = 1e-3;
  const auto mean = batch.yc.mean(1, /*keepdim=*/true);
  const auto stddev =
      batch.yc.std(1, /*unbiased=*/false, /*keepdim=*/true).clamp_min(kMinStd);
  const auto predict_at = [&](const at::Tensor& y) {
    return Prediction{mean.expand_as(y), stddev.expand_as(y)};
  };
  return {gaussian_log_likelihood(batch.yc, predict_at(batch.yc)),
          gaussian_log_likelihood(batch.yt, predict_at(batch.yt))};
}

TaskScorer model_scorer(NeuralProcess& model) {
  return [&model](const EvalTasks& tasks) { return score_model(model, tasks.batch); };
}

TaskScorer oracle_scorer() {
  return [](const EvalTasks& tasks) {
    if (!tasks.prior) throw InvalidArgument("oracle: needs GP tasks (the true prior), got image tasks");
    return score_oracle(tasks.batch, *tasks.prior);
  };
}

TaskScorer context_gaussian_scorer() {
  return [](const EvalTasks& tasks) { return score_context_gaussian(tasks.batch); };
}

}  // namespace nplab

#include "nplab/train/evaluation.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

#include "nplab/data/image_tasks.h"
#include "nplab/data/oracle_gp.h"
#include "nplab/util/checks.h"

namespace nplab::train {
namespace {

// Per-task mean over points of sum over dim_y of log N(y | mean, std): [B].
at::Tensor gaussian_log_likelihood(const at::Tensor& y, const models::Prediction& prediction) {
  const auto z = (y - prediction.mean) / prediction.stddev;
  const auto log_density =
      -0.5 * z * z - at::log(prediction.stddev) - 0.5 * std::log(2.0 * std::numbers::pi);
  return log_density.sum(-1).mean(-1);
}

// Per-task fraction of values of y within k predictive standard deviations: [B].
at::Tensor fraction_within(const at::Tensor& y, const models::Prediction& prediction, double k) {
  const auto inside = ((y - prediction.mean).abs() <= k * prediction.stddev).to(y.scalar_type());
  return inside.flatten(1).mean(-1);
}

TaskScores gaussian_scores(const models::Batch& batch, const models::Prediction& at_context,
                           const models::Prediction& at_target) {
  return {gaussian_log_likelihood(batch.yc, at_context), gaussian_log_likelihood(batch.yt, at_target),
          fraction_within(batch.yt, at_target, 1.0), fraction_within(batch.yt, at_target, 2.0)};
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

double mean_of(const std::vector<double>& values) {
  return values.empty() ? 0.0
                        : std::accumulate(values.begin(), values.end(), 0.0) /
                              static_cast<double>(values.size());
}

}  // namespace

nlohmann::json EvalResult::to_json() const {
  nlohmann::json json{{"ctx_ll", ctx_ll},
                      {"ctx_ll_se", ctx_ll_se},
                      {"tar_ll", tar_ll},
                      {"tar_ll_se", tar_ll_se},
                      {"se", kStandardErrorMethod},
                      {"ctx_ll_se_tasks", ctx_ll_se_tasks},
                      {"tar_ll_se_tasks", tar_ll_se_tasks},
                      {"tasks", tasks}};
  if (coverage_1sd) json["coverage_1sd"] = *coverage_1sd;
  if (coverage_2sd) json["coverage_2sd"] = *coverage_2sd;
  return json;
}

void ScoreAccumulator::add(const TaskScores& scores) {
  auto context = to_doubles(scores.context);
  auto target = to_doubles(scores.target);
  if (context.size() != target.size() || target.empty()) {
    throw util::InvalidArgument("task scores: " + std::to_string(context.size()) +
                                " context scores but " + std::to_string(target.size()) +
                                " target scores");
  }
  context_batches_.push_back(mean_of(context));
  target_batches_.push_back(mean_of(target));
  context_.insert(context_.end(), context.begin(), context.end());
  target_.insert(target_.end(), target.begin(), target.end());
  if (scores.target_within_1sd.defined() && scores.target_within_2sd.defined()) {
    const auto one = to_doubles(scores.target_within_1sd);
    const auto two = to_doubles(scores.target_within_2sd);
    within_1sd_.insert(within_1sd_.end(), one.begin(), one.end());
    within_2sd_.insert(within_2sd_.end(), two.begin(), two.end());
  }
}

EvalResult ScoreAccumulator::result() const {
  EvalResult result;
  // The overall means are over tasks; with equal batch sizes they equal the mean of batch means.
  std::tie(result.ctx_ll, result.ctx_ll_se_tasks) = mean_and_standard_error(context_);
  std::tie(result.tar_ll, result.tar_ll_se_tasks) = mean_and_standard_error(target_);
  result.ctx_ll_se = mean_and_standard_error(context_batches_).second;
  result.tar_ll_se = mean_and_standard_error(target_batches_).second;
  result.tasks = static_cast<int64_t>(target_.size());
  result.batches = static_cast<int64_t>(target_batches_.size());
  // Coverage only when every batch reported it.
  if (!within_1sd_.empty() && within_1sd_.size() == target_.size()) {
    result.coverage_1sd = mean_of(within_1sd_);
    result.coverage_2sd = mean_of(within_2sd_);
  }
  return result;
}

EvalResult evaluate(EvalTaskStream& stream, int64_t batches, const TaskScorer& scorer,
                    const EvalProgress& on_progress) {
  if (batches < 1)
    throw util::InvalidArgument("--batches: must be positive, got " + std::to_string(batches));
  const c10::InferenceMode inference;
  ScoreAccumulator accumulator;
  for (int64_t done = 1; done <= batches; ++done) {
    accumulator.add(scorer(stream.next()));
    if (on_progress && !on_progress(done, batches)) break;
  }
  return accumulator.result();
}

TaskScores score_model(models::NeuralProcess& model, const models::Batch& batch) {
  const auto state = model.condition(batch.xc, batch.yc);
  const auto context = model.predict(*state, batch.xc);
  const auto target = model.predict(*state, batch.xt);
  return gaussian_scores(batch, context, target);
}

TaskScores score_oracle(const models::Batch& batch, const data::GPPrior& prior) {
  const auto scores = data::oracle_log_likelihood(batch, prior);
  const auto target = data::oracle_predict(batch.xc, batch.yc, batch.xt, prior);
  return {scores.context, scores.target, fraction_within(batch.yt, target, 1.0),
          fraction_within(batch.yt, target, 2.0)};
}

TaskScores score_context_gaussian(const models::Batch& batch) {
  if (batch.yc.size(1) < 1) {
    throw util::InvalidArgument(
        "context Gaussian baseline: needs at least one context point, got yc " +
        util::shape_string(batch.yc));
  }
  constexpr double kMinStd = 1e-3;
  const auto mean = batch.yc.mean(1, /*keepdim=*/true);
  const auto stddev =
      batch.yc.std(1, /*unbiased=*/false, /*keepdim=*/true).clamp_min(kMinStd);
  const auto predict_at = [&](const at::Tensor& y) {
    return models::Prediction{mean.expand_as(y), stddev.expand_as(y)};
  };
  return gaussian_scores(batch, predict_at(batch.yc), predict_at(batch.yt));
}

nlohmann::json WholeImageResult::to_json() const {
  return {{"images", images},     {"rmse", rmse},
          {"mean_std", mean_std}, {"tar_ll", tar_ll},
          {"tar_ll_se", tar_ll_se}, {"coverage_1sd", coverage_1sd},
          {"coverage_2sd", coverage_2sd}};
}

WholeImageResult evaluate_whole_images(models::NeuralProcess& model, const at::Tensor& images,
                                       int64_t count, int64_t batch_size) {
  if (images.dim() != 3 && images.dim() != 4) {
    throw util::InvalidArgument(
        "whole-image evaluation: images must be [N, H, W] or [N, H, W, C], got " +
        util::shape_string(images));
  }
  if (count < 1 || count > images.size(0)) {
    throw util::InvalidArgument("whole-image evaluation: " + std::to_string(count) +
                                " images asked for, but there are " +
                                std::to_string(images.size(0)));
  }
  if (batch_size < 1)
    throw util::InvalidArgument("whole-image evaluation: batch size must be positive");
  const at::InferenceMode inference;
  const auto options = model.tensor_options();
  double squared_error = 0.0, std_sum = 0.0, within_1 = 0.0, within_2 = 0.0;
  int64_t values = 0;
  std::vector<double> per_image_ll;
  for (int64_t start = 0; start < count; start += batch_size) {
    const auto end = std::min(count, start + batch_size);
    std::vector<at::Tensor> xs, ys;
    for (int64_t i = start; i < end; ++i) {
      auto points = data::image_to_points(images[i], options);
      xs.push_back(points.x);
      ys.push_back(points.y);
    }
    const auto x = at::cat(xs, 0), y = at::cat(ys, 0);
    const auto state = model.condition(x, y);
    const auto prediction = model.predict(*state, x);
    const auto error = (prediction.mean - y).to(at::kDouble);
    const auto z = error.abs() / prediction.stddev.to(at::kDouble);
    squared_error += error.square().sum().item<double>();
    std_sum += prediction.stddev.to(at::kDouble).sum().item<double>();
    within_1 += (z <= 1.0).sum().item<double>();
    within_2 += (z <= 2.0).sum().item<double>();
    values += error.numel();
    // Per image: the mean over pixels of the sum over channels, as a task's target score.
    const auto per_image =
        gaussian_log_likelihood(y.to(at::kDouble), {prediction.mean.to(at::kDouble),
                                                    prediction.stddev.to(at::kDouble)})
            .cpu();
    for (int64_t i = 0; i < per_image.size(0); ++i) per_image_ll.push_back(per_image[i].item<double>());
  }
  WholeImageResult result;
  result.images = count;
  result.rmse = std::sqrt(squared_error / static_cast<double>(values));
  result.mean_std = std_sum / static_cast<double>(values);
  result.coverage_1sd = within_1 / static_cast<double>(values);
  result.coverage_2sd = within_2 / static_cast<double>(values);
  const auto [mean, se] = mean_and_standard_error(per_image_ll);
  result.tar_ll = mean;
  result.tar_ll_se = se;
  return result;
}

TaskScorer model_scorer(models::NeuralProcess& model) {
  return [&model](const EvalTasks& tasks) { return score_model(model, tasks.batch); };
}

TaskScorer oracle_scorer() {
  return [](const EvalTasks& tasks) {
    if (!tasks.prior)
      throw util::InvalidArgument("oracle: needs GP tasks (the true prior), got image tasks");
    return score_oracle(tasks.batch, *tasks.prior);
  };
}

TaskScorer context_gaussian_scorer() {
  return [](const EvalTasks& tasks) { return score_context_gaussian(tasks.batch); };
}

}  // namespace nplab::train

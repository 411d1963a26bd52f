#include "nplab/bo/surrogate.h"

#include <c10/core/InferenceMode.h>

#include <utility>

#include "nplab/data/oracle_gp.h"
#include "nplab/util/checks.h"

namespace nplab::bo {
namespace {

void check_observations(const at::Tensor& x, const at::Tensor& y, const std::string& who) {
  util::check_rank(x, "x", 1);
  util::check_rank(y, "y", 1);
  util::check_size(y, "y", 0, x.size(0));
  if (x.size(0) < 1) {
    throw util::InvalidArgument(who + ": condition needs at least one observation");
  }
  util::check_finite(x, "x");
  util::check_finite(y, "y");
}

at::Tensor as_context(const std::vector<double>& values) {
  return at::tensor(values, at::kDouble).view({1, -1, 1});
}

}  // namespace

at::Tensor Surrogate::sample(const at::Tensor& candidates, at::Generator& generator) {
  const auto prediction = predict(candidates);
  const auto normal = at::randn(prediction.mean.sizes(), generator, at::kDouble);
  return prediction.mean + prediction.stddev * normal;
}

NeuralProcessSurrogate::NeuralProcessSurrogate(std::shared_ptr<models::NeuralProcess> model,
                                               std::string label)
    : model_(std::move(model)), label_(std::move(label)) {
  if (!model_) throw util::InvalidArgument("NeuralProcessSurrogate: no model");
  if (model_->dims().dim_x != 1 || model_->dims().dim_y != 1) {
    throw util::InvalidArgument("NeuralProcessSurrogate: " + label_ +
                                " is not a 1D regression model (dim_x " +
                                std::to_string(model_->dims().dim_x) + ", dim_y " +
                                std::to_string(model_->dims().dim_y) + ")");
  }
  model_->eval();
}

at::Tensor NeuralProcessSurrogate::as_points(const at::Tensor& values) const {
  return values.reshape({1, -1, 1}).to(model_->tensor_options());
}

void NeuralProcessSurrogate::condition(const at::Tensor& x, const at::Tensor& y) {
  check_observations(x, y, label_);
  const c10::InferenceMode inference;
  state_ = model_->condition(as_points(x), as_points(y));
}

void NeuralProcessSurrogate::observe(double x, double y) {
  if (!state_) throw util::InvalidArgument(label_ + ": observe() before condition()");
  const c10::InferenceMode inference;
  const auto point = [this](double value) {
    return at::full({1, 1, 1}, value, model_->tensor_options());
  };
  model_->update(*state_, point(x), point(y));
}

models::Prediction NeuralProcessSurrogate::predict(const at::Tensor& candidates) {
  if (!state_) throw util::InvalidArgument(label_ + ": predict() before condition()");
  const c10::InferenceMode inference;
  const auto prediction = model_->predict(*state_, as_points(candidates));
  return {prediction.mean.reshape({-1}).to(at::kCPU, at::kDouble),
          prediction.stddev.reshape({-1}).to(at::kCPU, at::kDouble)};
}

int64_t NeuralProcessSurrogate::count() const {
  return state_ ? state_->count() : 0;
}

OracleSurrogate::OracleSurrogate(data::GPPrior prior, std::string label)
    : prior_(std::move(prior)), label_(std::move(label)) {
  prior_.hyper.check(1);
}

void OracleSurrogate::condition(const at::Tensor& x, const at::Tensor& y) {
  check_observations(x, y, label_);
  const auto x_cpu = x.to(at::kCPU, at::kDouble).contiguous();
  const auto y_cpu = y.to(at::kCPU, at::kDouble).contiguous();
  x_.assign(x_cpu.data_ptr<double>(), x_cpu.data_ptr<double>() + x_cpu.numel());
  y_.assign(y_cpu.data_ptr<double>(), y_cpu.data_ptr<double>() + y_cpu.numel());
}

void OracleSurrogate::observe(double x, double y) {
  x_.push_back(x);
  y_.push_back(y);
}

models::Prediction OracleSurrogate::predict(const at::Tensor& candidates) {
  const auto queries = candidates.to(at::kDouble).reshape({1, -1, 1});
  const auto prediction = data::oracle_predict(as_context(x_), as_context(y_), queries, prior_);
  return {prediction.mean.reshape({-1}), prediction.stddev.reshape({-1})};
}

at::Tensor OracleSurrogate::sample(const at::Tensor& candidates, at::Generator& generator) {
  const auto queries = candidates.to(at::kDouble).reshape({1, -1, 1});
  auto mean = at::zeros({candidates.numel(), 1}, at::kDouble);
  auto covariance = data::kernel_matrix(prior_.kernel, queries, queries, prior_.hyper)[0];
  if (!x_.empty()) {
    const auto context = as_context(x_);
    auto kernel = data::kernel_matrix(prior_.kernel, context, context, prior_.hyper)[0];
    kernel.diagonal().add_(prior_.noise_std * prior_.noise_std);
    const auto lower = data::stable_cholesky(kernel);
    const auto cross = data::kernel_matrix(prior_.kernel, context, queries, prior_.hyper)[0];
    const auto whitened_cross = at::linalg_solve_triangular(lower, cross, /*upper=*/false);
    const auto whitened_y = at::linalg_solve_triangular(lower, as_context(y_)[0], /*upper=*/false);
    mean = at::matmul(whitened_cross.transpose(0, 1), whitened_y);
    covariance = covariance - at::matmul(whitened_cross.transpose(0, 1), whitened_cross);
  }
  const auto factor = data::stable_cholesky(covariance);
  const auto normal = at::randn({candidates.numel(), 1}, generator, at::kDouble);
  return (mean + at::matmul(factor, normal)).reshape({-1});
}

}  // namespace nplab::bo

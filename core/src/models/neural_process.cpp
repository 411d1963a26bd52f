#include "nplab/models/neural_process.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/linear.h>

#include <cmath>
#include <numbers>
#include <sstream>
#include <string>
#include <utility>

#include "nplab/util/checks.h"
#include "nplab/util/runtime.h"

namespace nplab::models {

Batch Batch::to(const c10::Device& device) const {
  return {xc.to(device), yc.to(device), xt.to(device), yt.to(device)};
}

NeuralProcess::NeuralProcess(std::string name, const ModelDims& dims)
    : torch::nn::Module(name), name_(std::move(name)), dims_(dims) {
  if (dims.dim_x < 1 || dims.dim_y < 1) {
    throw util::InvalidArgument("model config: dim_x and dim_y must be at least 1");
  }
  if (dims.d_model < 1 || dims.heads < 1 || dims.d_model % dims.heads != 0) {
    throw util::InvalidArgument("model config: d_model " + std::to_string(dims.d_model) +
                                " must be a positive multiple of heads " +
                                std::to_string(dims.heads));
  }
}

at::TensorOptions NeuralProcess::tensor_options() const {
  const auto params = parameters();
  if (params.empty()) return at::TensorOptions().dtype(at::kFloat);
  return params.front().options().requires_grad(false);
}

void NeuralProcess::set_target_chunk(int64_t chunk) {
  if (chunk < 1) throw util::InvalidArgument("target_chunk: must be positive");
  target_chunk_ = chunk;
}

void NeuralProcess::check_pair(const at::Tensor& x, const char* x_name, const at::Tensor& y,
                               const char* y_name, int64_t min_points) const {
  util::check_point_set(x, x_name, dims_.dim_x, min_points);
  util::check_point_set(y, y_name, dims_.dim_y, min_points);
  const auto options = tensor_options();
  if (x.scalar_type() != options.dtype().toScalarType() || x.device() != options.device()) {
    throw util::InvalidArgument(std::string(x_name) + ": " +
                                std::string(c10::toString(x.scalar_type())) + " on " +
                                x.device().str() + ", but the model is " +
                                std::string(c10::toString(options.dtype().toScalarType())) +
                                " on " + options.device().str());
  }
  util::check_same_dtype_device(x, x_name, y, y_name);
  if (x.size(0) != y.size(0) || x.size(1) != y.size(1)) {
    throw util::InvalidArgument(std::string(y_name) + ": shape " + util::shape_string(y) +
                                " does not match " + x_name + "'s " + util::shape_string(x) +
                                " in batch and point count");
  }
}

void NeuralProcess::check_state(const ModelState& state, const at::Tensor& x,
                                const char* x_name) const {
  if (x.size(0) != state.batch()) {
    throw util::InvalidArgument(std::string(x_name) + ": batch " + std::to_string(x.size(0)) +
                                " differs from the state's " + std::to_string(state.batch()));
  }
}

std::unique_ptr<ModelState> NeuralProcess::condition(const at::Tensor& xc, const at::Tensor& yc) {
  check_pair(xc, "xc", yc, "yc", 0);
  return do_condition(xc, yc);
}

void NeuralProcess::update(ModelState& state, const at::Tensor& xn, const at::Tensor& yn) {
  check_pair(xn, "xn", yn, "yn", 0);
  check_state(state, xn, "xn");
  if (xn.size(1) == 0) return;
  do_update(state, xn, yn);
}

RemoveResult NeuralProcess::remove(ModelState& state, const at::Tensor& xr, const at::Tensor& yr) {
  check_pair(xr, "xr", yr, "yr", 0);
  check_state(state, xr, "xr");
  if (xr.size(1) > state.count()) {
    throw util::InvalidArgument("xr: removing " + std::to_string(xr.size(1)) +
                                " points from a state that holds " + std::to_string(state.count()));
  }
  if (xr.size(1) == 0) return {};
  return do_remove(state, xr, yr);
}

Prediction NeuralProcess::predict(const ModelState& state, const at::Tensor& xt) {
  util::check_point_set(xt, "xt", dims_.dim_x, 0);
  check_state(state, xt, "xt");
  const auto options = tensor_options();
  if (xt.scalar_type() != options.dtype().toScalarType() || xt.device() != options.device()) {
    throw util::InvalidArgument("xt: " + std::string(c10::toString(xt.scalar_type())) + " on " +
                                xt.device().str() + ", but the model is " +
                                std::string(c10::toString(options.dtype().toScalarType())) +
                                " on " + options.device().str());
  }
  const int64_t targets = xt.size(1);
  if (state.count() == 0 && !handles_empty_context()) {
    const auto shape = std::vector<int64_t>{xt.size(0), targets, dims_.dim_y};
    return {at::zeros(shape, options), at::ones(shape, options)};
  }
  if (targets <= target_chunk_) return do_predict(state, xt);
  std::vector<at::Tensor> means, stddevs;
  for (int64_t start = 0; start < targets; start += target_chunk_) {
    auto part = do_predict(state, xt.narrow(1, start, std::min(target_chunk_, targets - start)));
    means.push_back(std::move(part.mean));
    stddevs.push_back(std::move(part.stddev));
  }
  return {at::cat(means, 1), at::cat(stddevs, 1)};
}

Prediction NeuralProcess::split_head_output(const at::Tensor& raw) const {
  auto halves = raw.chunk(2, -1);
  auto stddev = dims_.bound_std ? 0.05 + 0.95 * at::softplus(halves[1]) : at::exp(halves[1]);
  return {halves[0], stddev};
}

at::Tensor NeuralProcess::target_log_likelihood(const Batch& batch) {
  check_pair(batch.xc, "xc", batch.yc, "yc", 0);
  check_pair(batch.xt, "xt", batch.yt, "yt", 1);
  const auto state = do_condition(batch.xc, batch.yc);
  const auto prediction = do_predict(*state, batch.xt);
  const auto z = (batch.yt - prediction.mean) / prediction.stddev;
  const auto log_density =
      -0.5 * z * z - at::log(prediction.stddev) - 0.5 * std::log(2.0 * std::numbers::pi);
  return log_density.sum(-1).mean(-1);
}

at::Tensor NeuralProcess::loss(const Batch& batch) {
  return -target_log_likelihood(batch).mean();
}

const StoredContextState& StoredContextModel::stored(const ModelState& state) {
  return dynamic_cast<const StoredContextState&>(state);
}

void StoredContextModel::reencode(StoredContextState& state) {
  state.cache.clear();
  if (state.count() > 0) encode_context(state);
}

std::unique_ptr<ModelState> StoredContextModel::do_condition(const at::Tensor& xc,
                                                             const at::Tensor& yc) {
  auto state = std::make_unique<StoredContextState>(xc, yc);
  reencode(*state);
  return state;
}

void StoredContextModel::do_update(ModelState& state, const at::Tensor& xn, const at::Tensor& yn) {
  auto& context = dynamic_cast<StoredContextState&>(state);
  context.append(xn, yn);
  reencode(context);
}

RemoveResult StoredContextModel::do_remove(ModelState& state, const at::Tensor& xr,
                                           const at::Tensor& yr) {
  auto& context = dynamic_cast<StoredContextState&>(state);
  context.erase(xr, yr);
  reencode(context);
  return {true};
}

int64_t StoredContextState::bytes() const {
  int64_t total = xc_.numel() * xc_.element_size() + yc_.numel() * yc_.element_size();
  for (const auto& t : cache) {
    if (t.defined()) total += t.numel() * t.element_size();
  }
  return total;
}

std::unique_ptr<ModelState> StoredContextState::clone() const {
  auto copy = std::make_unique<StoredContextState>(xc_, yc_);
  copy->cache = cache;
  return copy;
}

void StoredContextState::append(const at::Tensor& xn, const at::Tensor& yn) {
  xc_ = at::cat({xc_, xn}, 1);
  yc_ = at::cat({yc_, yn}, 1);
  cache.clear();
}

void StoredContextState::erase(const at::Tensor& xr, const at::Tensor& yr) {
  const auto stored = at::cat({xc_, yc_}, -1).to(at::kCPU, at::kDouble);
  const auto removed = at::cat({xr, yr}, -1).to(at::kCPU, at::kDouble);
  const int64_t batch = stored.size(0), points = stored.size(1), rows = removed.size(1);
  std::vector<at::Tensor> keep_rows;
  for (int64_t b = 0; b < batch; ++b) {
    // matches[i][r]: stored point i equals removed row r.
    const auto matches = (stored[b].unsqueeze(1) == removed[b].unsqueeze(0)).all(-1);
    const auto match = matches.accessor<bool, 2>();
    std::vector<bool> taken(static_cast<size_t>(points), false);
    for (int64_t r = 0; r < rows; ++r) {
      int64_t found = -1;
      for (int64_t i = 0; i < points && found < 0; ++i) {
        if (!taken[i] && match[i][r]) found = i;
      }
      if (found < 0) {
        throw util::InvalidArgument("xr: row " + std::to_string(r) + " of batch element " +
                                    std::to_string(b) + " is not a stored context point");
      }
      taken[found] = true;
    }
    std::vector<int64_t> keep;
    for (int64_t i = 0; i < points; ++i) {
      if (!taken[i]) keep.push_back(i);
    }
    keep_rows.push_back(at::tensor(keep, at::kLong));
  }
  const auto index = at::stack(keep_rows).to(xc_.device());  // [B, N - R]
  xc_ = at::take_along_dim(xc_, index.unsqueeze(-1), 1);
  yc_ = at::take_along_dim(yc_, index.unsqueeze(-1), 1);
  cache.clear();
}

torch::nn::Sequential make_embedding_mlp(int64_t in_dim, int64_t d_model, int64_t depth) {
  torch::nn::Sequential mlp;
  mlp->push_back(torch::nn::Linear(in_dim, d_model));
  mlp->push_back(torch::nn::ReLU());
  for (int64_t i = 0; i < depth - 2; ++i) {
    mlp->push_back(torch::nn::Linear(d_model, d_model));
    mlp->push_back(torch::nn::ReLU());
  }
  mlp->push_back(torch::nn::Linear(d_model, d_model));
  return mlp;
}

torch::nn::Sequential make_predictor_head(int64_t d_model, int64_t feedforward, int64_t dim_y) {
  return torch::nn::Sequential(torch::nn::Linear(d_model, feedforward), torch::nn::ReLU(),
                               torch::nn::Linear(feedforward, 2 * dim_y));
}

namespace {

/// Refuses, before anything is allocated, a config whose weights alone could not be trained in
/// this machine's memory (`train --config '{"d_model": 1e9}'` would otherwise spend a minute and
/// die in the allocator). The count is a floor of what every model here builds: per layer an
/// attention block (4 d² weights) and a feed-forward block (2 d·ff); training holds the weights,
/// their gradients and Adam's two moments, 16 bytes per weight in float32.
void check_model_fits_in_memory(const ModelDims& dims) {
  const double d = static_cast<double>(dims.d_model);
  const double weights = static_cast<double>(dims.layers) *
                             (4.0 * d * d + 2.0 * d * static_cast<double>(dims.feedforward)) +
                         static_cast<double>(dims.emb_depth) * d * d;
  const double training_bytes = 16.0 * weights;
  const double available = util::available_memory_bytes();
  const double limit = available > 0 ? available : 64.0 * (1ull << 30);
  if (training_bytes > limit) {
    std::ostringstream why;
    why.precision(3);
    why << "model config: d_model " << dims.d_model << ", " << dims.layers
        << " layers and feedforward " << dims.feedforward << " make at least " << weights
        << " weights, " << training_bytes / double(1ull << 30) << " GiB to train, more than the "
        << limit / double(1ull << 30) << " GiB of memory available";
    throw util::InvalidArgument(why.str());
  }
}

}  // namespace

ModelDims dims_from_json(const nlohmann::json& config) {
  ModelDims dims;
  dims.dim_x = config.value("dim_x", dims.dim_x);
  dims.dim_y = config.value("dim_y", dims.dim_y);
  dims.d_model = config.value("d_model", dims.d_model);
  dims.heads = config.value("heads", dims.heads);
  dims.layers = config.value("layers", dims.layers);
  dims.feedforward = config.value("feedforward", dims.feedforward);
  dims.emb_depth = config.value("emb_depth", dims.emb_depth);
  dims.bound_std = config.value("bound_std", dims.bound_std);
  if (dims.emb_depth < 2) throw util::InvalidArgument("model config: emb_depth must be at least 2");
  if (dims.layers < 1) throw util::InvalidArgument("model config: layers must be at least 1");
  for (const auto& [name, value] : {std::pair{"d_model", dims.d_model},
                                    {"heads", dims.heads},
                                    {"feedforward", dims.feedforward},
                                    {"dim_x", dims.dim_x},
                                    {"dim_y", dims.dim_y}}) {
    if (value < 1) {
      throw util::InvalidArgument(std::string("model config: ") + name +
                                  " must be at least 1, got " + std::to_string(value));
    }
  }
  check_model_fits_in_memory(dims);
  return dims;
}

void dims_to_json(const ModelDims& dims, nlohmann::json& config) {
  config["dim_x"] = dims.dim_x;
  config["dim_y"] = dims.dim_y;
  config["d_model"] = dims.d_model;
  config["heads"] = dims.heads;
  config["layers"] = dims.layers;
  config["feedforward"] = dims.feedforward;
  config["emb_depth"] = dims.emb_depth;
  config["bound_std"] = dims.bound_std;
}

}  // namespace nplab::models

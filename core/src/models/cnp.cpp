#include "nplab/models/cnp.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/linear.h>

#include "nplab/util/checks.h"

namespace nplab::models {
namespace {

/// build_mlp of the reference: Linear(in, hidden), ReLU, (depth-2) x [Linear, ReLU],
/// Linear(hidden, out).
torch::nn::Sequential make_mlp(int64_t in_dim, int64_t hidden, int64_t out_dim, int64_t depth) {
  torch::nn::Sequential mlp;
  mlp->push_back(torch::nn::Linear(in_dim, hidden));
  mlp->push_back(torch::nn::ReLU());
  for (int64_t i = 0; i < depth - 2; ++i) {
    mlp->push_back(torch::nn::Linear(hidden, hidden));
    mlp->push_back(torch::nn::ReLU());
  }
  mlp->push_back(torch::nn::Linear(hidden, out_dim));
  return mlp;
}

int64_t read_depth(const nlohmann::json& config, const char* key, int64_t fallback) {
  const auto depth = config.value(key, fallback);
  if (depth < 2) {
    throw util::InvalidArgument(std::string("cnp config: ") + key + " must be at least 2, got " +
                                std::to_string(depth));
  }
  return depth;
}

// The reference CNP concatenates two identically shaped pooling encoders.
constexpr int kPoolingEncoders = 2;

}  // namespace

CNP::CNP(const nlohmann::json& config)
    : StoredContextModel("cnp", dims_from_json(config)),
      hidden_(config.value("hidden", int64_t{128})),
      encoder_depth_(read_depth(config, "encoder_depth", 4)),
      post_depth_(read_depth(config, "post_depth", 2)),
      decoder_depth_(read_depth(config, "decoder_depth", 3)) {
  if (hidden_ < 1) {
    throw util::InvalidArgument("cnp config: hidden must be positive, got " +
                                std::to_string(hidden_));
  }
  const auto& d = dims();
  for (int e = 0; e < kPoolingEncoders; ++e) {
    const auto suffix = std::to_string(e);
    encoders_.push_back(PoolingEncoder{
        register_module("encoder_pre" + suffix,
                        make_mlp(d.dim_x + d.dim_y, hidden_, hidden_, encoder_depth_)),
        register_module("encoder_post" + suffix, make_mlp(hidden_, hidden_, hidden_, post_depth_)),
    });
  }
  decoder_ = register_module(
      "decoder", make_mlp(kPoolingEncoders * hidden_ + d.dim_x, hidden_, 2 * d.dim_y,
                          decoder_depth_));
}

nlohmann::json CNP::config() const {
  nlohmann::json config{{"model", "cnp"},
                        {"hidden", hidden_},
                        {"encoder_depth", encoder_depth_},
                        {"post_depth", post_depth_},
                        {"decoder_depth", decoder_depth_}};
  dims_to_json(dims(), config);
  return config;
}

at::Tensor CNP::represent(const StoredContextState& state) {
  const auto pairs = at::cat({state.xc(), state.yc()}, -1);
  std::vector<at::Tensor> parts;
  for (auto& encoder : encoders_) {
    const auto features = encoder.pre->forward(pairs);
    // An empty context (possible in loss()) pools to zeros rather than the NaN of an empty mean.
    const auto pooled = state.count() > 0 ? features.mean(1) : features.sum(1);
    parts.push_back(encoder.post->forward(pooled));
  }
  return at::cat(parts, -1);
}

void CNP::encode_context(StoredContextState& state) { state.cache = {represent(state)}; }

Prediction CNP::do_predict(const ModelState& state, const at::Tensor& xt) {
  const auto& context = stored(state);
  const auto representation = context.cache.size() == 1 ? context.cache.front() : represent(context);
  const auto per_target = representation.unsqueeze(1).expand({-1, xt.size(1), -1});
  return split_head_output(decoder_->forward(at::cat({per_target, xt}, -1)));
}

}  // namespace nplab::models

#include "nplab/models/tnpkr.h"

#include <torch/nn/modules/activation.h>

#include "nplab/util/checks.h"

namespace nplab::models {
namespace {

attention::KernelAttentionOptions attention_options(const nlohmann::json& config,
                                                    const ModelDims& dims) {
  attention::KernelAttentionOptions options;
  options.dim = dims.d_model;
  options.heads = dims.heads;
  options.dim_x = dims.dim_x;
  options.mode =
      attention::attention_mode_from_string(config.value("attention", to_string(options.mode)));
  options.kernel =
      attention::bias_kernel_from_string(config.value("kernel", to_string(options.kernel)));
  options.kernel_terms = config.value("kernel_terms", options.kernel_terms);
  options.scan_chunk = config.value("scan_chunk", options.scan_chunk);
  options.features = config.value("features", options.features);
  options.location_features = config.value("location_features", options.location_features);
  return options;
}

}  // namespace

KRBlockImpl::KRBlockImpl(const attention::KernelAttentionOptions& attention, int64_t feedforward) {
  const int64_t dim = attention.dim;
  attention_norm_ = register_module("attention_norm",
                                    torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
  feedforward_norm_ = register_module("feedforward_norm",
                                      torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
  attention_ = register_module("attention", attention::KernelAttention(attention));
  feedforward_ = register_module(
      "feedforward", torch::nn::Sequential(torch::nn::Linear(dim, feedforward), torch::nn::ReLU(),
                                           torch::nn::Linear(feedforward, dim)));
}

at::Tensor KRBlockImpl::feed_forward(const at::Tensor& tokens) {
  return tokens + feedforward_->forward(feedforward_norm_(tokens));
}

at::Tensor KRBlockImpl::context_forward(const at::Tensor& context, const at::Tensor& xc) {
  const auto normed = attention_norm_(context);
  return feed_forward(context + attention_(normed, xc, normed, xc));
}

at::Tensor KRBlockImpl::target_forward(const at::Tensor& targets, const at::Tensor& xt,
                                       const at::Tensor& context, const at::Tensor& xc) {
  const auto attended = attention_(attention_norm_(targets), xt, attention_norm_(context), xc);
  return feed_forward(targets + attended);
}

TNPKR::TNPKR(const nlohmann::json& config)
    : StoredContextModel("tnpkr", dims_from_json(config)),
      attention_(attention_options(config, dims())) {
  const auto& d = dims();
  embedder_ = register_module("embedder", make_embedding_mlp(d.dim_x + d.dim_y, d.d_model,
                                                             d.emb_depth));
  query_embedder_ =
      register_module("query_embedder", make_embedding_mlp(d.dim_x, d.d_model, d.emb_depth));
  for (int64_t l = 0; l < d.layers; ++l) {
    blocks_.push_back(
        register_module("block" + std::to_string(l), KRBlock(attention_, d.feedforward)));
  }
  norm_ = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d.d_model})));
  head_ = register_module("head", make_predictor_head(d.d_model, d.feedforward, d.dim_y));
}

nlohmann::json TNPKR::config() const {
  nlohmann::json config{{"model", "tnpkr"},
                        {"attention", to_string(attention_.mode)},
                        {"kernel", to_string(attention_.kernel)},
                        {"kernel_terms", attention_.kernel_terms},
                        {"scan_chunk", attention_.scan_chunk},
                        {"features", attention_.features},
                        {"location_features", attention_.location_features}};
  dims_to_json(dims(), config);
  return config;
}

void TNPKR::set_attention_mode(attention::AttentionMode mode) {
  for (auto& block : blocks_) block->attention()->set_mode(mode);
  attention_.mode = mode;
}

void TNPKR::encode_context(StoredContextState& state) {
  const auto& xc = state.xc();
  auto context = embedder_->forward(at::cat({xc, state.yc()}, -1));
  for (auto& block : blocks_) {
    state.cache.push_back(context);
    // The last block's context output is never read: targets attend to each block's input.
    if (state.cache.size() < blocks_.size()) context = block->context_forward(context, xc);
  }
}

Prediction TNPKR::do_predict(const ModelState& state, const at::Tensor& xt) {
  const auto& context = stored(state);
  if (context.count() == 0) {  // attention over no points is undefined: the standardised prior
    const std::vector<int64_t> shape{xt.size(0), xt.size(1), dims().dim_y};
    return {at::zeros(shape, xt.options()), at::ones(shape, xt.options())};
  }
  if (context.cache.size() != blocks_.size()) {
    throw util::InvalidArgument(
        "state: not a TNP-KR state of this model (" + std::to_string(context.cache.size()) +
        " encoded layers, expected " + std::to_string(blocks_.size()) + ")");
  }
  auto targets = query_embedder_->forward(xt);
  for (size_t l = 0; l < blocks_.size(); ++l) {
    targets = blocks_[l]->target_forward(targets, xt, context.cache[l], context.xc());
  }
  return split_head_output(head_->forward(norm_(targets)));
}

}  // namespace nplab::models

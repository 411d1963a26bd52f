#include "nplab/models/latent_decoder.h"

#include <string>

#include "nplab/util/checks.h"

namespace nplab::models {

void LatentDecoder::register_query_embedder(torch::nn::Module& owner, const ModelDims& d) {
  query_embedder_ =
      owner.register_module("query_embedder", make_embedding_mlp(d.dim_x, d.d_model, d.emb_depth));
}

void LatentDecoder::register_layer(torch::nn::Module& owner, const ModelDims& d, int64_t layer) {
  const auto suffix = std::to_string(layer);
  attention_.push_back(owner.register_module(
      "decoder_attention" + suffix, attention::PreNormAttention(d.d_model, d.heads, d.d_model)));
  feedforward_.push_back(owner.register_module(
      "decoder_feedforward" + suffix, attention::PreNormFeedForward(d.d_model, d.feedforward)));
}

void LatentDecoder::register_head(torch::nn::Module& owner, const ModelDims& d) {
  norm_ =
      owner.register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d.d_model})));
  head_ = owner.register_module("head", make_predictor_head(d.d_model, d.feedforward, d.dim_y));
}

at::Tensor LatentDecoder::forward(const at::Tensor& xt, const std::vector<at::Tensor>& latents) {
  if (latents.size() != attention_.size()) {
    throw util::InvalidArgument("latent decoder: " + std::to_string(latents.size()) +
                                " latent sets for " + std::to_string(attention_.size()) +
                                " layers");
  }
  auto x = query_embedder_->forward(xt);
  for (std::size_t l = 0; l < attention_.size(); ++l)
    x = feedforward_[l](attention_[l](x, latents[l]));
  return head_->forward(norm_(x));
}

}  // namespace nplab::models

#pragma once
// The decoder CMANP and LBANP share: the targets are embedded, then decoder layer l lets them
// cross-attend to the latents of encoder layer l (pre-norm attention + feed-forward), and a final
// norm and the predictor head give the raw (mean, pre-softplus std) output.
//
// Its modules are registered on the owning model, under the names and in the order the models
// always used (query_embedder, then decoder_attention{l}/decoder_feedforward{l} interleaved with
// the model's own encoder layers, then norm and head): shipped checkpoints load by those names,
// and resumed training runs restore optimiser state by that order.

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/normalization.h>

#include <vector>

#include "nplab/attention/attention.h"
#include "nplab/models/neural_process.h"

namespace nplab::models {

class LatentDecoder {
 public:
  /// "query_embedder": call where the model registers it (before its encoder layers).
  void register_query_embedder(torch::nn::Module& owner, const ModelDims& dims);
  /// "decoder_attention{layer}" and "decoder_feedforward{layer}", after encoder layer `layer`.
  void register_layer(torch::nn::Module& owner, const ModelDims& dims, int64_t layer);
  /// "norm" and "head", last.
  void register_head(torch::nn::Module& owner, const ModelDims& dims);

  std::size_t layers() const { return attention_.size(); }

  /// The head's raw output [B, targets, 2·dim_y] for targets xt [B, targets, dim_x], layer l
  /// attending to latents[l] [B, latents, d_model] (one tensor per layer).
  at::Tensor forward(const at::Tensor& xt, const std::vector<at::Tensor>& latents);

 private:
  torch::nn::Sequential query_embedder_{nullptr};
  std::vector<attention::PreNormAttention> attention_;
  std::vector<attention::PreNormFeedForward> feedforward_;
  torch::nn::LayerNorm norm_{nullptr};
  torch::nn::Sequential head_{nullptr};
};

}  // namespace nplab::models

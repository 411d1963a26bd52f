#pragma once
// TNP-D: the diagonal Transformer Neural Process (Nguyen & Grover, 2022). Context tokens [xc, yc]
// and target tokens [xt, 0] are embedded and run through post-LN transformer encoder layers over
// all N + M tokens, with a mask that lets every token attend to context tokens only; the head reads
// the target tokens. Attention scores are [N + M, N + M] per head: memory grows quadratically with
// the context by construction (the baseline the memory panel contrasts CMANP with).

#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <vector>

#include "nplab/models/neural_process.h"

namespace nplab::models {

/// One layer of torch.nn.TransformerEncoder as the reference configures it: biased q/k/v (one
/// packed in-projection) and output projections, ReLU feed-forward, dropout 0, post-norm:
/// x = LN(x + SA(x)); x = LN(x + FF(x)).
class TransformerEncoderLayerImpl : public torch::nn::Module {
 public:
  TransformerEncoderLayerImpl(int64_t d_model, int64_t heads, int64_t feedforward);

  /// x [B, T, d]; key_mask [T] boolean, true for keys every token may attend to.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& key_mask);

 private:
  at::Tensor self_attention(const at::Tensor& x, const at::Tensor& key_mask);

  int64_t heads_;
  int64_t head_dim_;
  torch::nn::Linear in_projection_{nullptr};  ///< d -> 3d: queries, keys, values
  torch::nn::Linear out_projection_{nullptr};
  torch::nn::Linear feedforward_in_{nullptr};
  torch::nn::Linear feedforward_out_{nullptr};
  torch::nn::LayerNorm attention_norm_{nullptr};
  torch::nn::LayerNorm feedforward_norm_{nullptr};
};
TORCH_MODULE(TransformerEncoderLayer);

class TNPD : public StoredContextModel {
 public:
  explicit TNPD(const nlohmann::json& config = nlohmann::json::object());

  nlohmann::json config() const override;

 protected:
  Prediction do_predict(const ModelState& state, const at::Tensor& xt) override;

 private:
  torch::nn::Sequential embedder_{nullptr};
  std::vector<TransformerEncoderLayer> encoder_;
  torch::nn::Sequential head_{nullptr};
};

}  // namespace nplab::models

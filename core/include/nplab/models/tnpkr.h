#pragma once
// TNP-KR: the Transformer Neural Process - Kernel Regression (Jenson et al., arXiv 2411.12502).
// Context tokens embed [x, y], target tokens embed x; `layers` KR blocks follow. In a KR block the
// targets attend to the context and the context attends to itself through one shared kernel-biased
// attention, then one shared feed-forward (pre-norm, each LayerNorm shared by both streams as in
// the reference KRBlock). Targets never attend to targets, so every target's prediction is
// independent of the others and of how they are chunked, and the context's path through the
// blocks does not depend on the targets at all: conditioning encodes it once per layer and
// predict() only runs the targets' cross-attention.
//
// Config keys beyond the common ones: "attention" full | scan (default) | dka, "kernel"
// rbf-basis (default) | rbf | matern | periodic | linear, "kernel_terms" (4), "scan_chunk" (1024),
// "features" (64) and "location_features" (32) for dka.

#include <vector>

#include "nplab/attention/kernel_attention.h"
#include "nplab/models/neural_process.h"

namespace nplab::models {

class KRBlockImpl : public torch::nn::Module {
 public:
  KRBlockImpl(const attention::KernelAttentionOptions& attention, int64_t feedforward);

  /// The context tokens after this block: self-attention, then feed-forward. [B, N, d].
  at::Tensor context_forward(const at::Tensor& context, const at::Tensor& xc);
  /// The target tokens after this block, attending to the block's input context. [B, M, d].
  at::Tensor target_forward(const at::Tensor& targets, const at::Tensor& xt,
                            const at::Tensor& context, const at::Tensor& xc);

  attention::KernelAttention& attention() { return attention_; }

 private:
  /// x + FFN(LN(x)).
  at::Tensor feed_forward(const at::Tensor& tokens);

  torch::nn::LayerNorm attention_norm_{nullptr};
  torch::nn::LayerNorm feedforward_norm_{nullptr};
  attention::KernelAttention attention_{nullptr};
  torch::nn::Sequential feedforward_{nullptr};
};
TORCH_MODULE(KRBlock);

class TNPKR : public StoredContextModel {
 public:
  explicit TNPKR(const nlohmann::json& config = nlohmann::json::object());

  nlohmann::json config() const override;

  /// Switches every block between "full" and "scan" (same weights); "dka" only if built with it.
  void set_attention_mode(attention::AttentionMode mode);
  std::vector<KRBlock>& blocks() { return blocks_; }

 protected:
  /// The context tokens entering each block (what the targets attend to), kept in the state.
  void encode_context(StoredContextState& state) override;
  Prediction do_predict(const ModelState& state, const at::Tensor& xt) override;

 private:
  attention::KernelAttentionOptions attention_;
  torch::nn::Sequential embedder_{nullptr};
  torch::nn::Sequential query_embedder_{nullptr};
  std::vector<KRBlock> blocks_;
  torch::nn::LayerNorm norm_{nullptr};
  torch::nn::Sequential head_{nullptr};
};

}  // namespace nplab::models

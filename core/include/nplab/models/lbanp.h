#pragma once
// LBANP: the Latent Bottlenecked Attentive Neural Process (Feng et al., 2023). A few learned
// latents cross-attend to the embedded context and self-attend, layer after layer; the decoder's
// layer l lets the targets cross-attend to the latents of encoder layer l. Memory is linear in the
// context (the cross-attention scores are [latents, N]); an update re-encodes the stored context.

#include <vector>

#include "nplab/attention/attention.h"
#include "nplab/models/latent_decoder.h"
#include "nplab/models/neural_process.h"

namespace nplab::models {

class LBANP : public StoredContextModel {
 public:
  explicit LBANP(const nlohmann::json& config = nlohmann::json::object());

  nlohmann::json config() const override;

  int64_t num_latents() const { return num_latents_; }

 protected:
  void encode_context(StoredContextState& state) override;  ///< caches encode(state)
  Prediction do_predict(const ModelState& state, const at::Tensor& xt) override;

 private:
  /// One encoder layer: CA(latents -> context) + FF, then SA + FF (each pre-norm).
  struct EncoderLayer {
    attention::PreNormAttention cross_attention{nullptr};
    attention::PreNormFeedForward cross_feedforward{nullptr};
    attention::PreNormAttention self_attention{nullptr};
    attention::PreNormFeedForward self_feedforward{nullptr};
  };

  /// Every encoder layer's output latents [B, latents, d] for the stored context.
  std::vector<at::Tensor> encode(const StoredContextState& state);

  int64_t num_latents_;
  at::Tensor latents_;
  torch::nn::Sequential embedder_{nullptr};
  std::vector<EncoderLayer> encoder_;
  LatentDecoder decoder_;
};

}  // namespace nplab::models

#pragma once
// CMANP: the Constant Memory Attentive Neural Process (Feng et al.). An embedding MLP maps each
// context point to D; six stacked CMABs each stream D through their first cross-attention, so the
// state is six fixed-size (L, o) summaries whatever N is; the decoder's layer l lets the targets
// cross-attend to the latents of encoder layer l.

#include <vector>

#include "nplab/attention/attention.h"
#include "nplab/attention/cmab.h"
#include "nplab/models/neural_process.h"

namespace nplab {

class CMANPState : public ModelState {
 public:
  int64_t count() const override { return count_; }
  int64_t batch() const override { return batch_; }
  int64_t bytes() const override;
  std::unique_ptr<ModelState> clone() const override;

  std::vector<CMABState> blocks;  ///< one streaming state per encoder layer
  /// Each layer's output latents [B, Nl, d]: a function of `blocks`, recomputed on the first
  /// predict() after an edit (empty = stale). A cache, hence mutable: predicting from a const
  /// state may fill it.
  mutable std::vector<at::Tensor> latents;
  int64_t count_ = 0;
  int64_t batch_ = 0;
};

class CMANP : public NeuralProcess {
 public:
  explicit CMANP(const nlohmann::json& config = nlohmann::json::object());

  nlohmann::json config() const override;
  UpdateKind update_kind() const override { return UpdateKind::ConstantTime; }
  bool handles_empty_context() const override { return true; }

  int64_t chunk_size() const { return chunk_size_; }
  void set_chunk_size(int64_t chunk);

 protected:
  std::unique_ptr<ModelState> do_condition(const at::Tensor& xc, const at::Tensor& yc) override;
  void do_update(ModelState& state, const at::Tensor& xn, const at::Tensor& yn) override;
  RemoveResult do_remove(ModelState& state, const at::Tensor& xr, const at::Tensor& yr) override;
  Prediction do_predict(const ModelState& state, const at::Tensor& xt) override;
  void do_prepare(const ModelState& state) override;

 private:
  /// Streams (x, y) into every layer's state, embedding one chunk at a time.
  void absorb(CMANPState& state, const at::Tensor& x, const at::Tensor& y);
  /// Recomputes every layer's output latents from the streaming states (fixed-size work) if an
  /// edit made them stale.
  void refresh_latents(const CMANPState& state);

  int64_t num_latents_;
  int64_t block_latents_;
  int64_t chunk_size_;
  at::Tensor latents_;
  torch::nn::Sequential embedder_{nullptr};
  torch::nn::Sequential query_embedder_{nullptr};
  std::vector<CMAB> encoder_;
  std::vector<PreNormAttention> decoder_attention_;
  std::vector<PreNormFeedForward> decoder_feedforward_;
  torch::nn::LayerNorm norm_{nullptr};
  torch::nn::Sequential head_{nullptr};
};

}  // namespace nplab

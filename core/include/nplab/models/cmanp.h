#pragma once
// CMANP: the Constant Memory Attentive Neural Process (Feng et al.). An embedding MLP maps each
// context point to D; six stacked CMABs each stream D through their first cross-attention, so the
// state is six fixed-size (L, o) summaries whatever N is; the decoder's layer l lets the targets
// cross-attend to the latents of encoder layer l.

#include <vector>

#include "nplab/attention/attention.h"
#include "nplab/attention/cmab.h"
#include "nplab/models/latent_decoder.h"
#include "nplab/models/neural_process.h"

namespace nplab::models {

class CMANPState : public ModelState {
 public:
  int64_t count() const override { return count_; }
  int64_t batch() const override { return batch_; }
  int64_t bytes() const override;
  std::unique_ptr<ModelState> clone() const override;

  /// Every encoder layer's first cross-attention state, heads stacked layer by layer:
  /// L [B, layers·H, Nl], o [B, layers·H, Nl, d_head]. One tensor pair, so that an update merges
  /// all layers in a handful of operations. Held in CMANP::state_dtype() (float64) outside
  /// training: a million points streamed in thousands of merges then end where one conditioning
  /// ends, to ~1e-7 instead of float32's ~1e-4.
  attention::StreamingAttentionState cross;
  /// Each layer's output latents [B, Nl, d]: a function of `cross`, recomputed on the first
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

  /// The dtype of the running streaming state at inference: float64, for rounding that does not
  /// grow with the number of merges, at twice float32's bytes (417,792 rather than 208,896 for
  /// the default size; 614,400 for the whole state with its float32 latents). Chunks are still
  /// computed in the model's dtype; only the summary they merge into is wider. Training, which
  /// conditions in one block, keeps the model's dtype.
  static constexpr at::ScalarType state_dtype() { return at::kDouble; }

  /// What update(state, xn, yn) followed by prepare(state) computes, as a function of tensors
  /// alone: `cross` merged with the points, and every layer's output latents from the merged
  /// state. Fixed-size work whatever N is, with no host synchronisation, so that it can be captured
  /// as a CUDA graph (CMANPGraphedUpdate). Inference only. `cross.count` must be positive: an
  /// empty state would take a shortcut that a captured graph could not replay for other states.
  struct UpdatedTensors {
    attention::StreamingAttentionState cross;
    std::vector<at::Tensor> latents;
  };
  UpdatedTensors updated_tensors(const attention::StreamingAttentionState& cross,
                                 const at::Tensor& xn, const at::Tensor& yn);

 protected:
  std::unique_ptr<ModelState> do_condition(const at::Tensor& xc, const at::Tensor& yc) override;
  void do_update(ModelState& state, const at::Tensor& xn, const at::Tensor& yn) override;
  RemoveResult do_remove(ModelState& state, const at::Tensor& xr, const at::Tensor& yr) override;
  Prediction do_predict(const ModelState& state, const at::Tensor& xt) override;
  void do_prepare(const ModelState& state) override;

 private:
  /// The stacked streaming state of points (x, y) alone, embedding one chunk at a time.
  attention::StreamingAttentionState stream(const at::Tensor& x, const at::Tensor& y);
  /// One chunk's stacked state: every layer at once (inference), or layer by layer through
  /// CMAB::condition when autograd needs the graph (training).
  attention::StreamingAttentionState chunk_state(const at::Tensor& embedded);
  int64_t heads() const;
  /// Recomputes every layer's output latents from the streaming states (fixed-size work) if an
  /// edit made them stale.
  void refresh_latents(const CMANPState& state);
  /// Every layer's output latents [B, Nl, d] from the stacked streaming state.
  std::vector<at::Tensor> latents_from(const attention::StreamingAttentionState& cross,
                                       int64_t batch);

  /// Every layer's streaming projection concatenated (what chunk_state multiplies by), and the
  /// per-layer tensors it was made from (held, so their addresses stay theirs): rebuilt only when
  /// a layer's projection changes.
  struct StackedProjection {
    at::Tensor queries, kv_weight, kv_bias;
    double eps = 1e-5;
    std::vector<at::Tensor> made_from;
  };
  const StackedProjection& stacked_projection();

  StackedProjection stacked_;
  int64_t num_latents_;
  int64_t block_latents_;
  int64_t chunk_size_;
  at::Tensor latents_;
  torch::nn::Sequential embedder_{nullptr};
  std::vector<attention::CMAB> encoder_;
  LatentDecoder decoder_;
};

}  // namespace nplab::models

#pragma once
// The Constant Memory Attention Block (Feng et al.), as the reference CMANP writes it:
//   X   = SA(CA(L_B, D))      (each followed by a GEGLU feed-forward)
//   out = SA(CA(L_I, X))      (each followed by a GEGLU feed-forward)
// with L_B the block's own learned latents, D the context and L_I the input latents. Only the first
// cross-attention reads the context, so it alone streams: its (L, o) state summarises D in memory
// independent of |D|, and everything after it acts on fixed-size latents.

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

#include "nplab/attention/attention.h"
#include "nplab/attention/streaming.h"

namespace nplab::attention {

struct CMABOptions {
  int64_t dim = 64;           ///< latent width
  int64_t context_dim = 64;   ///< width of the context embeddings D
  int64_t heads = 4;
  int64_t feedforward = 128;  ///< GEGLU hidden width
  int64_t latents = 128;      ///< |L_B|
};

/// What a CMAB keeps between updates: the first cross-attention's streaming state.
struct CMABState {
  StreamingAttentionState cross;
  int64_t count() const { return cross.count; }
  int64_t bytes() const { return cross.bytes(); }
};

class CMABImpl : public torch::nn::Module {
 public:
  explicit CMABImpl(const CMABOptions& options = {});

  /// Whole-context forward (plain softmax attention over all of D). context [B, N, context_dim]
  /// with N >= 1, input_latents [B, Nl, dim] -> [B, Nl, dim].
  at::Tensor forward(const at::Tensor& context, const at::Tensor& input_latents);

  /// The state of no context.
  CMABState empty_state(int64_t batch, const at::TensorOptions& options);
  /// Streams `context` through the first cross-attention in chunks of `chunk_size` points: peak
  /// memory O(chunk_size * latents), independent of N. N = 0 gives the empty state.
  CMABState condition(const at::Tensor& context, int64_t chunk_size = 256);
  /// Adds points: time O(|new_context|), memory independent of what the state already holds.
  void update(CMABState& state, const at::Tensor& new_context, int64_t chunk_size = 256);
  /// Removes points that were added before. Returns false, leaving `state` unchanged, when the
  /// subtraction would be inexact (cancellation): the caller must then recondition.
  [[nodiscard]] bool remove(CMABState& state, const at::Tensor& removed_context,
                            int64_t chunk_size = 256);
  /// The block's output latents for a state: [B, Nl, dim].
  at::Tensor output(const CMABState& state, const at::Tensor& input_latents);

  /// What streaming several blocks over the same context in one pass needs (CMANP, inference
  /// only): the first cross-attention's scaled queries [1, H, Nl, d_head], and its key/value
  /// projection with LN_ctx's affine part folded in, so that
  ///   [keys | values] = linear(layer_norm_without_affine(D, eps), kv_weight, kv_bias),
  /// [2·H·d_head] features, keys first, each split into heads as [H, d_head].
  struct StreamingProjection {
    at::Tensor queries;
    at::Tensor kv_weight;
    at::Tensor kv_bias;
    double eps = 1e-5;
  };
  StreamingProjection streaming_projection();

  /// The first cross-attention CA(L_B, D), the one that streams: CMHP computes its state for
  /// every prefix of a sequence at once, with autograd (tpp/prefix_scan.h).
  PreNormAttention& first_cross_attention() { return layer_cross_attn_; }

  const CMABOptions& options() const { return options_; }
  const at::Tensor& latents() const { return latents_; }

 private:
  void check_context(const at::Tensor& context, const char* name, int64_t min_points) const;
  /// LN(L_B) [1, Nl, dim] and its scaled queries [1, H, Nl, d_head]: they depend on the weights
  /// only, so without autograd they are computed once and reused until a weight changes.
  struct LatentConstants {
    at::Tensor normed;
    at::Tensor queries;
    at::Tensor kv_weight;  ///< to_kv · diag(γ_ctx)
    at::Tensor kv_bias;    ///< to_kv · β_ctx
  };
  LatentConstants latent_constants();
  at::Tensor block_queries(int64_t batch);
  StreamingAttentionState stream(const at::Tensor& context, int64_t chunk_size);
  at::Tensor after_first_cross_attention(const at::Tensor& cross_output,
                                         const at::Tensor& input_latents);

  CMABOptions options_;
  at::Tensor latents_;
  // The cache of latent_constants() and what it was computed from: each weight tensor (held, so
  // that its address cannot be reused by another) and its version counter (bumped by in-place
  // writes such as optimizer steps or loading a checkpoint).
  LatentConstants cached_constants_;
  std::vector<std::pair<at::Tensor, uint32_t>> cached_from_;
  PreNormAttention layer_cross_attn_{nullptr};
  PreNormFeedForward layer_cross_ff_{nullptr};
  PreNormAttention layer_self_attn_{nullptr};
  PreNormFeedForward layer_self_ff_{nullptr};
  PreNormAttention cross_attn_{nullptr};
  PreNormFeedForward cross_ff_{nullptr};
  PreNormAttention self_attn_{nullptr};
  PreNormFeedForward self_ff_{nullptr};
};
TORCH_MODULE(CMAB);

}  // namespace nplab::attention

#pragma once
// Multi-head attention and the pre-norm sub-layers of the reference CMANP/LBANP code:
// bias-free q/kv projections, a biased output projection, a GEGLU feed-forward, and the pre-norm
// residual that adds back the *normalised* input: x' = f(LN(x), LN_ctx(ctx)) + LN(x).

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <optional>
#include <utility>

namespace nplab::attention {

/// Queries, keys and values split into heads: [B, H, N, d_head].
struct HeadProjections {
  at::Tensor keys;
  at::Tensor values;
};

class MultiheadAttentionImpl : public torch::nn::Module {
 public:
  MultiheadAttentionImpl(int64_t query_dim, int64_t context_dim, int64_t heads);

  /// x [B, Nq, query_dim] attends to context [B, Nk, context_dim]. mask, if defined, is boolean
  /// [B, Nk] or [B, Nq, Nk], true where attending is allowed.
  at::Tensor forward(const at::Tensor& x, const at::Tensor& context, const at::Tensor& mask = {});
  /// Causal self-attention of x [B, N, query_dim]: position i attends to positions 0..i. One
  /// fused kernel, with no [N, N] mask or score tensor, so memory grows as N, not N².
  at::Tensor forward_causal(const at::Tensor& x);

  /// Scaled queries q / sqrt(d_head), [B, H, Nq, d_head].
  at::Tensor project_queries(const at::Tensor& x);
  /// Keys and values of a context, each [B, H, Nk, d_head].
  HeadProjections project_keys_values(const at::Tensor& context);
  /// Output projection of normalised per-head outputs o [B, H, Nq, d_head] -> [B, Nq, query_dim].
  at::Tensor project_output(const at::Tensor& heads_output);

  int64_t heads() const { return heads_; }
  int64_t head_dim() const { return head_dim_; }

 private:
  at::Tensor split_heads(const at::Tensor& t) const;

  int64_t heads_;
  int64_t head_dim_;
  torch::nn::Linear to_q_{nullptr};
  torch::nn::Linear to_kv_{nullptr};
  torch::nn::Linear to_out_{nullptr};
};
TORCH_MODULE(MultiheadAttention);

/// Pre-norm attention sub-layer: attn(LN(x), LN_ctx(ctx)) + LN(x). Self-attention when built
/// without a context dimension (then the context is LN(x) itself).
class PreNormAttentionImpl : public torch::nn::Module {
 public:
  PreNormAttentionImpl(int64_t dim, int64_t heads, std::optional<int64_t> context_dim = {});

  at::Tensor forward(const at::Tensor& x, const at::Tensor& context = {},
                     const at::Tensor& mask = {});

  at::Tensor normalize_query(const at::Tensor& x) { return norm_(x); }
  /// LN_ctx for cross-attention, LN for self-attention.
  at::Tensor normalize_context(const at::Tensor& context);
  MultiheadAttention& attention() { return attention_; }
  bool is_cross() const { return !norm_context_.is_empty(); }

 private:
  torch::nn::LayerNorm norm_{nullptr};
  torch::nn::LayerNorm norm_context_{nullptr};
  MultiheadAttention attention_{nullptr};
};
TORCH_MODULE(PreNormAttention);

/// Pre-norm GEGLU feed-forward: FF(LN(x)) + LN(x), FF = Linear(d, 2 ff) -> a * gelu(g) -> Linear(ff, d).
class PreNormFeedForwardImpl : public torch::nn::Module {
 public:
  PreNormFeedForwardImpl(int64_t dim, int64_t hidden_dim);
  at::Tensor forward(const at::Tensor& x);

 private:
  torch::nn::LayerNorm norm_{nullptr};
  torch::nn::Linear in_{nullptr};
  torch::nn::Linear out_{nullptr};
};
TORCH_MODULE(PreNormFeedForward);

}  // namespace nplab::attention

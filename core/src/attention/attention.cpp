#include "nplab/attention/attention.h"

#include <ATen/ATen.h>

#include <cmath>
#include <limits>

#include "nplab/util/checks.h"

namespace nplab::attention {

MultiheadAttentionImpl::MultiheadAttentionImpl(int64_t query_dim, int64_t context_dim,
                                               int64_t heads)
    : heads_(heads), head_dim_(query_dim / heads) {
  if (heads <= 0 || query_dim % heads != 0) {
    throw util::InvalidArgument("MultiheadAttention: query_dim " + std::to_string(query_dim) +
                                " is not divisible by heads " + std::to_string(heads));
  }
  const int64_t inner = head_dim_ * heads_;
  to_q_ = register_module("to_q", torch::nn::Linear(
                                      torch::nn::LinearOptions(query_dim, inner).bias(false)));
  to_kv_ = register_module(
      "to_kv", torch::nn::Linear(torch::nn::LinearOptions(context_dim, 2 * inner).bias(false)));
  to_out_ = register_module("to_out", torch::nn::Linear(inner, query_dim));
}

at::Tensor MultiheadAttentionImpl::split_heads(const at::Tensor& t) const {
  // [B, N, H*dh] -> [B, H, N, dh]
  return t.view({t.size(0), t.size(1), heads_, head_dim_}).transpose(1, 2);
}

at::Tensor MultiheadAttentionImpl::project_queries(const at::Tensor& x) {
  return split_heads(to_q_(x)) * (1.0 / std::sqrt(static_cast<double>(head_dim_)));
}

HeadProjections MultiheadAttentionImpl::project_keys_values(const at::Tensor& context) {
  auto kv = to_kv_(context).chunk(2, -1);
  return {split_heads(kv[0]), split_heads(kv[1])};
}

at::Tensor MultiheadAttentionImpl::project_output(const at::Tensor& heads_output) {
  // [B, H, Nq, dh] -> [B, Nq, H*dh]
  const auto merged = heads_output.transpose(1, 2).reshape(
      {heads_output.size(0), heads_output.size(2), heads_ * head_dim_});
  return to_out_(merged);
}

at::Tensor MultiheadAttentionImpl::forward(const at::Tensor& x, const at::Tensor& context,
                                           const at::Tensor& mask) {
  const auto q = project_queries(x);
  const auto [k, v] = project_keys_values(context);
  if (!mask.defined()) {
    // One fused kernel (no [B, H, Nq, Nk] score tensor kept): the queries are already scaled.
    return project_output(at::scaled_dot_product_attention(q, k, v, {}, 0.0, false, 1.0));
  }
  auto scores = at::matmul(q, k.transpose(-2, -1));  // [B, H, Nq, Nk]
  if (mask.defined()) {
    if (mask.scalar_type() != at::kBool)
      throw util::InvalidArgument("mask: expected a boolean tensor");
    // [B, Nk] -> [B, 1, 1, Nk]; [B, Nq, Nk] -> [B, 1, Nq, Nk]
    const auto expanded = mask.dim() == 2 ? mask.view({mask.size(0), 1, 1, mask.size(1)})
                                          : mask.unsqueeze(1);
    // The most negative finite value (as the reference does): a fully masked row stays finite.
    const double lowest = scores.scalar_type() == at::kDouble
                              ? std::numeric_limits<double>::lowest()
                              : static_cast<double>(std::numeric_limits<float>::lowest());
    scores = scores.masked_fill(expanded.logical_not(), lowest);
  }
  return project_output(at::matmul(at::softmax(scores, -1), v));
}

at::Tensor MultiheadAttentionImpl::forward_causal(const at::Tensor& x) {
  const auto q = project_queries(x);
  const auto [k, v] = project_keys_values(x);
  return project_output(at::scaled_dot_product_attention(q, k, v, {}, 0.0, true, 1.0));
}

PreNormAttentionImpl::PreNormAttentionImpl(int64_t dim, int64_t heads,
                                           std::optional<int64_t> context_dim) {
  norm_ = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
  if (context_dim) {
    norm_context_ = register_module(
        "norm_context", torch::nn::LayerNorm(torch::nn::LayerNormOptions({*context_dim})));
  }
  attention_ =
      register_module("attention", MultiheadAttention(dim, context_dim.value_or(dim), heads));
}

at::Tensor PreNormAttentionImpl::normalize_context(const at::Tensor& context) {
  return is_cross() ? norm_context_(context) : norm_(context);
}

at::Tensor PreNormAttentionImpl::forward(const at::Tensor& x, const at::Tensor& context,
                                         const at::Tensor& mask) {
  const auto normed = norm_(x);
  const auto normed_context = is_cross() ? norm_context_(context) : normed;
  return attention_(normed, normed_context, mask) + normed;
}

PreNormFeedForwardImpl::PreNormFeedForwardImpl(int64_t dim, int64_t hidden_dim) {
  norm_ = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
  in_ = register_module("proj_in", torch::nn::Linear(dim, 2 * hidden_dim));
  out_ = register_module("proj_out", torch::nn::Linear(hidden_dim, dim));
}

at::Tensor PreNormFeedForwardImpl::forward(const at::Tensor& x) {
  const auto normed = norm_(x);
  const auto halves = in_(normed).chunk(2, -1);
  return out_(halves[0] * at::gelu(halves[1])) + normed;
}

}  // namespace nplab::attention

#include "nplab/attention/cmab.h"

#include <ATen/ATen.h>

#include <algorithm>

#include "nplab/util/checks.h"

namespace nplab::attention {

CMABImpl::CMABImpl(const CMABOptions& options) : options_(options) {
  const auto d = options.dim;
  latents_ = register_parameter("latents", at::randn({options.latents, d}));
  layer_cross_attn_ = register_module("layer_cross_attn",
                                      PreNormAttention(d, options.heads, options.context_dim));
  layer_cross_ff_ = register_module("layer_cross_ff", PreNormFeedForward(d, options.feedforward));
  layer_self_attn_ = register_module("layer_self_attn", PreNormAttention(d, options.heads));
  layer_self_ff_ = register_module("layer_self_ff", PreNormFeedForward(d, options.feedforward));
  cross_attn_ = register_module("cross_attn", PreNormAttention(d, options.heads, d));
  cross_ff_ = register_module("cross_ff", PreNormFeedForward(d, options.feedforward));
  self_attn_ = register_module("self_attn", PreNormAttention(d, options.heads));
  self_ff_ = register_module("self_ff", PreNormFeedForward(d, options.feedforward));
}

void CMABImpl::check_context(const at::Tensor& context, const char* name,
                             int64_t min_points) const {
  util::check_point_set(context, name, options_.context_dim, min_points);
  util::check_same_dtype_device(latents_, "CMAB parameters", context, name);
}

CMABImpl::LatentConstants CMABImpl::latent_constants() {
  const auto compute = [this] {
    const auto normed = layer_cross_attn_->normalize_query(latents_).unsqueeze(0);
    // W (γ ⊙ x̂ + β) = (W diag γ) x̂ + W β: LN_ctx's affine part folded into the projection.
    const auto parameters = layer_cross_attn_->named_parameters();
    const auto& kv = parameters["attention.to_kv.weight"];
    return LatentConstants{normed, layer_cross_attn_->attention()->project_queries(normed),
                           kv * parameters["norm_context.weight"].unsqueeze(0),
                           at::matmul(kv, parameters["norm_context.bias"])};
  };
  if (at::GradMode::is_enabled()) return compute();  // training: autograd must see the graph
  std::vector<std::pair<at::Tensor, uint32_t>> sources;
  auto weights = layer_cross_attn_->parameters();
  weights.push_back(latents_);
  for (auto& weight : weights) {
    // Inference tensors (a model built under InferenceMode) keep no version counter; they cannot
    // be written outside InferenceMode, and loading weights makes new tensors (a new key) anyway.
    const uint32_t version = weight.is_inference() ? 0 : weight._version();
    sources.emplace_back(std::move(weight), version);
  }
  const auto same_sources = [&] {
    if (sources.size() != cached_from_.size()) return false;
    for (size_t i = 0; i < sources.size(); ++i) {
      if (!sources[i].first.is_same(cached_from_[i].first) ||
          sources[i].second != cached_from_[i].second) {
        return false;
      }
    }
    return true;
  };
  if (!cached_constants_.normed.defined() || !same_sources() ||
      cached_constants_.normed.device() != latents_.device() ||
      cached_constants_.normed.scalar_type() != latents_.scalar_type()) {
    cached_constants_ = compute();
    cached_from_ = std::move(sources);
  }
  return cached_constants_;
}

CMABImpl::StreamingProjection CMABImpl::streaming_projection() {
  if (at::GradMode::is_enabled()) {
    throw util::InvalidArgument("CMAB::streaming_projection: inference only (autograd is enabled)");
  }
  const auto constants = latent_constants();
  // PreNormAttention builds its LayerNorms with LibTorch's default eps.
  return {constants.queries, constants.kv_weight, constants.kv_bias,
          torch::nn::LayerNormOptions({options_.context_dim}).eps()};
}

at::Tensor CMABImpl::block_queries(int64_t batch) {
  return latent_constants().queries.expand({batch, -1, -1, -1});
}

StreamingAttentionState CMABImpl::stream(const at::Tensor& context, int64_t chunk_size) {
  if (chunk_size <= 0) throw util::InvalidArgument("chunk_size: must be positive");
  const int64_t batch = context.size(0);
  const int64_t points = context.size(1);
  auto& attention = layer_cross_attn_->attention();
  const auto queries = block_queries(batch);
  auto state = empty_streaming_state(batch, attention->heads(), options_.latents,
                                     attention->head_dim(), latents_.options());
  for (int64_t start = 0; start < points; start += chunk_size) {
    // Normalise and project one chunk at a time: nothing of size N is ever allocated.
    const auto chunk = context.narrow(1, start, std::min(chunk_size, points - start));
    const auto [keys, values] =
        attention->project_keys_values(layer_cross_attn_->normalize_context(chunk));
    state = merge_streaming_states(state, streaming_block_state(queries, keys, values));
  }
  return state;
}

CMABState CMABImpl::empty_state(int64_t batch, const at::TensorOptions& options) {
  const auto& attention = layer_cross_attn_->attention();
  return {empty_streaming_state(batch, attention->heads(), options_.latents,
                                attention->head_dim(), options)};
}

CMABState CMABImpl::condition(const at::Tensor& context, int64_t chunk_size) {
  check_context(context, "context", 0);
  return {stream(context, chunk_size)};
}

void CMABImpl::update(CMABState& state, const at::Tensor& new_context, int64_t chunk_size) {
  check_context(new_context, "new_context", 0);
  util::check_size(new_context, "new_context", 0, state.cross.output.size(0));
  state.cross = merge_streaming_states(state.cross, stream(new_context, chunk_size));
}

bool CMABImpl::remove(CMABState& state, const at::Tensor& removed_context, int64_t chunk_size) {
  check_context(removed_context, "removed_context", 0);
  util::check_size(removed_context, "removed_context", 0, state.cross.output.size(0));
  auto removal = remove_streaming_state(state.cross, stream(removed_context, chunk_size));
  if (!removal.exact) return false;
  state.cross = std::move(removal.state);
  return true;
}

at::Tensor CMABImpl::after_first_cross_attention(const at::Tensor& cross_output,
                                                 const at::Tensor& input_latents) {
  auto block = layer_cross_ff_(cross_output);
  block = layer_self_ff_(layer_self_attn_(block));
  auto x = cross_ff_(cross_attn_(input_latents, block));
  return self_ff_(self_attn_(x));
}

at::Tensor CMABImpl::output(const CMABState& state, const at::Tensor& input_latents) {
  util::check_rank(input_latents, "input_latents", 3);
  util::check_size(input_latents, "input_latents", 2, options_.dim);
  const int64_t batch = state.cross.output.size(0);
  util::check_size(input_latents, "input_latents", 0, batch);
  // CA(L_B, D) = W_out o + LN(L_B): the pre-norm residual of the streamed cross-attention.
  const auto normed_latents = latent_constants().normed;
  const auto cross = layer_cross_attn_->attention()->project_output(state.cross.output) +
                     normed_latents;
  return after_first_cross_attention(cross, input_latents);
}

at::Tensor CMABImpl::forward(const at::Tensor& context, const at::Tensor& input_latents) {
  check_context(context, "context", 1);
  util::check_rank(input_latents, "input_latents", 3);
  util::check_size(input_latents, "input_latents", 2, options_.dim);
  util::check_size(input_latents, "input_latents", 0, context.size(0));
  const auto block_latents = latents_.unsqueeze(0).expand({context.size(0), -1, -1});
  return after_first_cross_attention(layer_cross_attn_(block_latents, context), input_latents);
}

}  // namespace nplab::attention

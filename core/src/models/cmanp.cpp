#include "nplab/models/cmanp.h"

#include <algorithm>

#include "nplab/util/checks.h"

namespace nplab::models {

int64_t CMANPState::bytes() const {
  int64_t total = cross.bytes();
  for (const auto& t : latents) total += t.numel() * t.element_size();
  return total;
}

namespace {

// Layer l's part of a stacked streaming state, in the dtype the layer computes in.
attention::CMABState layer_of(const attention::StreamingAttentionState& cross, size_t l,
                              int64_t heads, at::ScalarType compute) {
  const auto first = static_cast<int64_t>(l) * heads;
  return {{cross.log_normalizer.narrow(1, first, heads).to(compute),
           cross.output.narrow(1, first, heads).to(compute), cross.count}};
}

attention::StreamingAttentionState with_dtype(const attention::StreamingAttentionState& state,
                                              at::ScalarType dtype) {
  return {state.log_normalizer.to(dtype), state.output.to(dtype), state.count};
}

// The running state and a block, merged in the state dtype (a state conditioned with autograd on
// is in the model's dtype and is widened here).
attention::StreamingAttentionState merged_in_state_dtype(
    const attention::StreamingAttentionState& running,
    const attention::StreamingAttentionState& block) {
  return attention::merge_streaming_states(with_dtype(running, CMANP::state_dtype()),
                                           with_dtype(block, CMANP::state_dtype()));
}

}  // namespace

std::unique_ptr<ModelState> CMANPState::clone() const {
  return std::make_unique<CMANPState>(*this);  // tensors are immutable once made: sharing is safe
}

CMANP::CMANP(const nlohmann::json& config)
    : NeuralProcess("cmanp", dims_from_json(config)),
      num_latents_(config.value("latents", int64_t{128})),
      block_latents_(config.value("block_latents", int64_t{128})),
      chunk_size_(config.value("chunk_size", int64_t{256})) {
  if (num_latents_ < 1 || block_latents_ < 1) {
    throw util::InvalidArgument("cmanp config: latents and block_latents must be positive");
  }
  set_chunk_size(chunk_size_);
  const auto& d = dims();
  latents_ = register_parameter("latents", at::randn({num_latents_, d.d_model}));
  embedder_ =
      register_module("embedder", make_embedding_mlp(d.dim_x + d.dim_y, d.d_model, d.emb_depth));
  decoder_.register_query_embedder(*this, d);
  const attention::CMABOptions block_options{d.d_model, d.d_model, d.heads, d.feedforward,
                                             block_latents_};
  for (int64_t l = 0; l < d.layers; ++l) {
    const auto suffix = std::to_string(l);
    encoder_.push_back(register_module("encoder" + suffix, attention::CMAB(block_options)));
    decoder_.register_layer(*this, d, l);
  }
  decoder_.register_head(*this, d);
}

nlohmann::json CMANP::config() const {
  nlohmann::json config{{"model", "cmanp"},
                        {"latents", num_latents_},
                        {"block_latents", block_latents_},
                        {"chunk_size", chunk_size_}};
  dims_to_json(dims(), config);
  return config;
}

void CMANP::set_chunk_size(int64_t chunk) {
  if (chunk < 1) throw util::InvalidArgument("cmanp config: chunk_size must be positive");
  chunk_size_ = chunk;
}

int64_t CMANP::heads() const {
  return dims().heads;
}

attention::StreamingAttentionState CMANP::chunk_state(const at::Tensor& embedded) {
  const int64_t batch = embedded.size(0);
  if (at::GradMode::is_enabled()) {
    std::vector<at::Tensor> normalizers, outputs;
    for (auto& block : encoder_) {
      auto layer = block->condition(embedded, std::max<int64_t>(embedded.size(1), 1)).cross;
      normalizers.push_back(std::move(layer.log_normalizer));
      outputs.push_back(std::move(layer.output));
    }
    return {at::cat(normalizers, 1), at::cat(outputs, 1), embedded.size(1)};
  }
  // All layers in one pass: the affine-free LayerNorm of D is shared, each layer's LN_ctx affine
  // part is folded into its key/value projection, and the heads of all layers are stacked.
  const auto& stacked = stacked_projection();
  const int64_t layers = static_cast<int64_t>(encoder_.size());
  const int64_t head_dim = dims().d_model / heads();
  const int64_t points = embedded.size(1);
  const auto normed = at::layer_norm(embedded, {embedded.size(-1)}, {}, {}, stacked.eps);
  // [B, n, layers·2·H·dh] -> [B, n, layers, 2, H, dh] -> keys, values [B, layers·H, n, dh]
  const auto kv = at::linear(normed, stacked.kv_weight, stacked.kv_bias)
                      .view({batch, points, layers, 2, heads(), head_dim});
  const auto split = [&](int64_t which) {
    return kv.select(3, which).reshape({batch, points, layers * heads(), head_dim}).transpose(1, 2);
  };
  return attention::streaming_block_state(stacked.queries.expand({batch, -1, -1, -1}), split(0),
                                          split(1));
}

const CMANP::StackedProjection& CMANP::stacked_projection() {
  std::vector<attention::CMABImpl::StreamingProjection> layers;
  std::vector<at::Tensor> sources;
  for (auto& block : encoder_) {
    layers.push_back(block->streaming_projection());
    for (const auto& t : {layers.back().queries, layers.back().kv_weight, layers.back().kv_bias}) {
      sources.push_back(t);
    }
  }
  const bool unchanged =
      sources.size() == stacked_.made_from.size() &&
      std::equal(sources.begin(), sources.end(), stacked_.made_from.begin(),
                 [](const at::Tensor& a, const at::Tensor& b) { return a.is_same(b); });
  if (!unchanged) {
    std::vector<at::Tensor> queries, weights, biases;
    for (const auto& layer : layers) {
      queries.push_back(layer.queries);
      weights.push_back(layer.kv_weight);
      biases.push_back(layer.kv_bias);
    }
    stacked_ = {at::cat(queries, 1), at::cat(weights), at::cat(biases), layers.front().eps,
                std::move(sources)};
  }
  return stacked_;
}

attention::StreamingAttentionState CMANP::stream(const at::Tensor& x, const at::Tensor& y) {
  const int64_t points = x.size(1);
  const int64_t head_dim = dims().d_model / heads();
  // Autograd differentiates through the model's dtype; inference sums in the wider state dtype.
  const auto dtype = at::GradMode::is_enabled() ? x.scalar_type() : state_dtype();
  auto state =
      attention::empty_streaming_state(x.size(0), heads() * static_cast<int64_t>(encoder_.size()),
                                       block_latents_, head_dim, x.options().dtype(dtype));
  // Training differentiates through one block (as the reference does); inference streams chunks.
  const int64_t chunk = is_training() ? std::max<int64_t>(points, 1) : chunk_size_;
  for (int64_t start = 0; start < points; start += chunk) {
    const int64_t length = std::min(chunk, points - start);
    const auto embedded =
        embedder_->forward(at::cat({x.narrow(1, start, length), y.narrow(1, start, length)}, -1));
    state = attention::merge_streaming_states(state, with_dtype(chunk_state(embedded), dtype));
  }
  return state;
}

std::vector<at::Tensor> CMANP::latents_from(const attention::StreamingAttentionState& cross,
                                            int64_t batch) {
  std::vector<at::Tensor> latents;
  auto layer_latents = latents_.unsqueeze(0).expand({batch, -1, -1});
  for (size_t l = 0; l < encoder_.size(); ++l) {
    layer_latents =
        encoder_[l]->output(layer_of(cross, l, heads(), latents_.scalar_type()), layer_latents);
    latents.push_back(layer_latents);
  }
  return latents;
}

void CMANP::refresh_latents(const CMANPState& state) {
  if (!state.latents.empty()) return;
  // Assigned only once complete: a failure leaves the cache stale.
  state.latents = latents_from(state.cross, state.batch_);
}

CMANP::UpdatedTensors CMANP::updated_tensors(const attention::StreamingAttentionState& cross,
                                             const at::Tensor& xn, const at::Tensor& yn) {
  if (cross.count < 1) {
    throw util::InvalidArgument("cmanp updated_tensors: the state must hold at least one point");
  }
  if (at::GradMode::is_enabled()) {
    throw util::InvalidArgument("cmanp updated_tensors: inference only (autograd is on)");
  }
  auto merged = merged_in_state_dtype(cross, stream(xn, yn));
  auto latents = latents_from(merged, xn.size(0));
  return {std::move(merged), std::move(latents)};
}

void CMANP::do_prepare(const ModelState& state) {
  refresh_latents(dynamic_cast<const CMANPState&>(state));
}

std::unique_ptr<ModelState> CMANP::do_condition(const at::Tensor& xc, const at::Tensor& yc) {
  auto state = std::make_unique<CMANPState>();
  state->batch_ = xc.size(0);
  state->cross = stream(xc, yc);
  state->count_ = xc.size(1);
  return state;
}

void CMANP::do_update(ModelState& state, const at::Tensor& xn, const at::Tensor& yn) {
  auto& cmanp_state = dynamic_cast<CMANPState&>(state);
  auto merged = merged_in_state_dtype(cmanp_state.cross, stream(xn, yn));
  // Commit only once everything succeeded; the latent stack is stale from here on.
  cmanp_state.cross = std::move(merged);
  cmanp_state.count_ += xn.size(1);
  cmanp_state.latents.clear();
}

RemoveResult CMANP::do_remove(ModelState& state, const at::Tensor& xr, const at::Tensor& yr) {
  auto& cmanp_state = dynamic_cast<CMANPState&>(state);
  // One subtraction for all layers; the state changes only if every layer's is exact.
  // The blocks were computed in the model's dtype, so its rounding (not the wider sum's) bounds
  // how much cancellation a removal may amplify.
  auto removal = attention::remove_streaming_state(
      with_dtype(cmanp_state.cross, state_dtype()), with_dtype(stream(xr, yr), state_dtype()),
      attention::default_max_removal_amplification(latents_.scalar_type()));
  if (!removal.exact) return {false};
  cmanp_state.cross = std::move(removal.state);
  cmanp_state.count_ -= xr.size(1);
  cmanp_state.latents.clear();
  return {true};
}

Prediction CMANP::do_predict(const ModelState& state, const at::Tensor& xt) {
  const auto& cmanp_state = dynamic_cast<const CMANPState&>(state);
  refresh_latents(cmanp_state);
  return split_head_output(decoder_.forward(xt, cmanp_state.latents));
}

}  // namespace nplab::models

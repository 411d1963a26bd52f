#include "nplab/models/cmanp.h"

#include <algorithm>

#include "nplab/util/checks.h"

namespace nplab {

int64_t CMANPState::bytes() const {
  int64_t total = 0;
  for (const auto& block : blocks) total += block.bytes();
  for (const auto& t : latents) total += t.numel() * t.element_size();
  return total;
}

std::unique_ptr<ModelState> CMANPState::clone() const {
  return std::make_unique<CMANPState>(*this);  // tensors are immutable once made: sharing is safe
}

CMANP::CMANP(const nlohmann::json& config)
    : NeuralProcess("cmanp", dims_from_json(config)),
      num_latents_(config.value("latents", int64_t{128})),
      block_latents_(config.value("block_latents", int64_t{128})),
      chunk_size_(config.value("chunk_size", int64_t{256})) {
  if (num_latents_ < 1 || block_latents_ < 1) {
    throw InvalidArgument("cmanp config: latents and block_latents must be positive");
  }
  set_chunk_size(chunk_size_);
  const auto& d = dims();
  latents_ = register_parameter("latents", at::randn({num_latents_, d.d_model}));
  embedder_ = register_module("embedder", make_embedding_mlp(d.dim_x + d.dim_y, d.d_model,
                                                             d.emb_depth));
  query_embedder_ =
      register_module("query_embedder", make_embedding_mlp(d.dim_x, d.d_model, d.emb_depth));
  const CMABOptions block_options{d.d_model, d.d_model, d.heads, d.feedforward, block_latents_};
  for (int64_t l = 0; l < d.layers; ++l) {
    const auto suffix = std::to_string(l);
    encoder_.push_back(register_module("encoder" + suffix, CMAB(block_options)));
    decoder_attention_.push_back(register_module(
        "decoder_attention" + suffix, PreNormAttention(d.d_model, d.heads, d.d_model)));
    decoder_feedforward_.push_back(register_module("decoder_feedforward" + suffix,
                                                   PreNormFeedForward(d.d_model, d.feedforward)));
  }
  norm_ = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d.d_model})));
  head_ = register_module("head", make_predictor_head(d.d_model, d.feedforward, d.dim_y));
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
  if (chunk < 1) throw InvalidArgument("cmanp config: chunk_size must be positive");
  chunk_size_ = chunk;
}

void CMANP::absorb(CMANPState& state, const at::Tensor& x, const at::Tensor& y) {
  const int64_t points = x.size(1);
  // Training differentiates through one block (as the reference does); inference streams chunks.
  const int64_t chunk = is_training() ? std::max<int64_t>(points, 1) : chunk_size_;
  for (int64_t start = 0; start < points; start += chunk) {
    const int64_t length = std::min(chunk, points - start);
    const auto embedded = embedder_->forward(
        at::cat({x.narrow(1, start, length), y.narrow(1, start, length)}, -1));
    for (size_t l = 0; l < encoder_.size(); ++l) {
      encoder_[l]->update(state.blocks[l], embedded, length);
    }
  }
  state.count_ += points;
}

void CMANP::refresh_latents(const CMANPState& state) {
  if (!state.latents.empty()) return;
  std::vector<at::Tensor> latents;
  auto layer_latents = latents_.unsqueeze(0).expand({state.batch_, -1, -1});
  for (size_t l = 0; l < encoder_.size(); ++l) {
    layer_latents = encoder_[l]->output(state.blocks[l], layer_latents);
    latents.push_back(layer_latents);
  }
  state.latents = std::move(latents);  // only once complete: a failure leaves the cache stale
}

void CMANP::do_prepare(const ModelState& state) {
  refresh_latents(dynamic_cast<const CMANPState&>(state));
}

std::unique_ptr<ModelState> CMANP::do_condition(const at::Tensor& xc, const at::Tensor& yc) {
  auto state = std::make_unique<CMANPState>();
  state->batch_ = xc.size(0);
  for (auto& block : encoder_) state->blocks.push_back(block->empty_state(state->batch_, xc.options()));
  absorb(*state, xc, yc);
  return state;
}

void CMANP::do_update(ModelState& state, const at::Tensor& xn, const at::Tensor& yn) {
  auto& cmanp_state = dynamic_cast<CMANPState&>(state);
  cmanp_state.latents.clear();  // stale from here on, even if absorbing fails half-way
  absorb(cmanp_state, xn, yn);
}

RemoveResult CMANP::do_remove(ModelState& state, const at::Tensor& xr, const at::Tensor& yr) {
  auto& cmanp_state = dynamic_cast<CMANPState&>(state);
  // Remove from copies; commit only if every layer's subtraction is exact.
  auto blocks = cmanp_state.blocks;
  const int64_t points = xr.size(1);
  for (int64_t start = 0; start < points; start += chunk_size_) {
    const int64_t length = std::min(chunk_size_, points - start);
    const auto embedded = embedder_->forward(
        at::cat({xr.narrow(1, start, length), yr.narrow(1, start, length)}, -1));
    for (size_t l = 0; l < encoder_.size(); ++l) {
      if (!encoder_[l]->remove(blocks[l], embedded, length)) return {false};
    }
  }
  cmanp_state.blocks = std::move(blocks);
  cmanp_state.count_ -= points;
  cmanp_state.latents.clear();
  return {true};
}

Prediction CMANP::do_predict(const ModelState& state, const at::Tensor& xt) {
  const auto& cmanp_state = dynamic_cast<const CMANPState&>(state);
  refresh_latents(cmanp_state);
  auto x = query_embedder_->forward(xt);
  for (size_t l = 0; l < decoder_attention_.size(); ++l) {
    x = decoder_feedforward_[l](decoder_attention_[l](x, cmanp_state.latents[l]));
  }
  return split_head_output(head_->forward(norm_(x)));
}

}  // namespace nplab

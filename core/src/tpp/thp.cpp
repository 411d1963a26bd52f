#include "nplab/tpp/thp.h"

#include "nplab/util/checks.h"

namespace nplab::tpp {

THPConfig THPConfig::from_json(const nlohmann::json& config) {
  THPConfig c;
  c.marks = config.value("marks", c.marks);
  c.d_model = config.value("d_model", c.d_model);
  c.heads = config.value("heads", c.heads);
  c.layers = config.value("layers", c.layers);
  c.feedforward = config.value("feedforward", c.feedforward);
  c.components = config.value("components", c.components);
  return c;
}

nlohmann::json THPConfig::to_json() const {
  return {{"model", "thp"},          {"marks", marks},   {"d_model", d_model},
          {"heads", heads},          {"layers", layers}, {"feedforward", feedforward},
          {"components", components}};
}

int64_t THPState::bytes() const {
  return history_.times.numel() * history_.times.element_size() +
         history_.marks.numel() * history_.marks.element_size();
}

std::unique_ptr<PointProcessState> THPState::clone() const {
  return std::make_unique<THPState>(
      history_);  // tensors are never written in place: sharing is safe
}

at::Tensor THPState::last_time() const {
  if (history_.length() == 0) return at::zeros({history_.batch()}, history_.times.options());
  return history_.times.select(1, history_.length() - 1);
}

void THPState::append(const EventSequence& events) {
  history_ = {at::cat({history_.times, events.times}, 1),
              at::cat({history_.marks, events.marks}, 1)};
}

THPLayerImpl::THPLayerImpl(int64_t d_model, int64_t heads, int64_t feedforward) {
  const auto norm_options = torch::nn::LayerNormOptions({d_model}).eps(1e-6);
  attention_ = register_module("attention", attention::MultiheadAttention(d_model, d_model, heads));
  attention_norm_ = register_module("attention_norm", torch::nn::LayerNorm(norm_options));
  in_ = register_module("w_1", torch::nn::Linear(d_model, feedforward));
  out_ = register_module("w_2", torch::nn::Linear(feedforward, d_model));
  feedforward_norm_ = register_module("feedforward_norm", torch::nn::LayerNorm(norm_options));
}

at::Tensor THPLayerImpl::forward(const at::Tensor& x) {
  const auto attended = attention_norm_(x + attention_->forward_causal(x));
  return feedforward_norm_(attended + out_(at::gelu(in_(attended))));
}

THP::THP(const THPConfig& config) : PointProcessModel("thp", config.marks), config_(config) {
  if (config.layers < 1 || config.feedforward < 1 || config.components < 1) {
    throw util::InvalidArgument("thp config: layers, feedforward and components must be positive");
  }
  if (config.heads < 1 || config.d_model % config.heads != 0) {
    throw util::InvalidArgument("thp config: d_model " + std::to_string(config.d_model) +
                                " must be a positive multiple of heads " +
                                std::to_string(config.heads));
  }
  embedding_ = register_module("embedding", EventEmbedding(config.marks, config.d_model));
  for (int64_t l = 0; l < config.layers; ++l) {
    layers_.push_back(register_module("layer" + std::to_string(l),
                                      THPLayer(config.d_model, config.heads, config.feedforward)));
  }
  decoder_ = register_module(
      "decoder", NextEventDecoder(config.d_model, config.d_model, config.components, config.marks));
}

nlohmann::json THP::config() const {
  return config_.to_json();
}

at::Tensor THP::encode(const EventSequence& events) {
  const auto tokens = embedding_->with_start(events);
  const auto temporal = embedding_->temporal(tokens.times);
  auto x = embedding_->mark(tokens.marks);
  for (auto& layer : layers_) x = layer(x + temporal);
  return x;
}

std::unique_ptr<PointProcessState> THP::do_condition(const EventSequence& history) {
  return std::make_unique<THPState>(history);
}

void THP::do_update(PointProcessState& state, const EventSequence& events) {
  dynamic_cast<THPState&>(state).append(events);
}

NextEvent THP::do_predict(const PointProcessState& state) {
  const auto& history = dynamic_cast<const THPState&>(state).history();
  const auto encoded = encode(history);
  return decoder_(encoded.select(1, encoded.size(1) - 1));
}

NextEvent THP::do_predict_every_prefix(const EventSequence& sequence) {
  // Position i of [start, e_1, .., e_{L−1}] has seen events 1..i: it predicts event i + 1.
  return decoder_(encode(sequence.slice(0, sequence.length() - 1)));
}

}  // namespace nplab::tpp

#include "nplab/models/lbanp.h"

#include "nplab/util/checks.h"

namespace nplab::models {

LBANP::LBANP(const nlohmann::json& config)
    : StoredContextModel("lbanp", dims_from_json(config)),
      num_latents_(config.value("latents", int64_t{8})) {
  if (num_latents_ < 1) {
    throw util::InvalidArgument("lbanp config: latents must be positive, got " +
                                std::to_string(num_latents_));
  }
  const auto& d = dims();
  latents_ = register_parameter("latents", at::randn({num_latents_, d.d_model}));
  embedder_ =
      register_module("embedder", make_embedding_mlp(d.dim_x + d.dim_y, d.d_model, d.emb_depth));
  decoder_.register_query_embedder(*this, d);
  for (int64_t l = 0; l < d.layers; ++l) {
    const auto suffix = std::to_string(l);
    encoder_.push_back(EncoderLayer{
        register_module("encoder_cross_attention" + suffix,
                        attention::PreNormAttention(d.d_model, d.heads, d.d_model)),
        register_module("encoder_cross_feedforward" + suffix,
                        attention::PreNormFeedForward(d.d_model, d.feedforward)),
        register_module("encoder_self_attention" + suffix,
                        attention::PreNormAttention(d.d_model, d.heads)),
        register_module("encoder_self_feedforward" + suffix,
                        attention::PreNormFeedForward(d.d_model, d.feedforward)),
    });
    decoder_.register_layer(*this, d, l);
  }
  decoder_.register_head(*this, d);
}

nlohmann::json LBANP::config() const {
  nlohmann::json config{{"model", "lbanp"}, {"latents", num_latents_}};
  dims_to_json(dims(), config);
  return config;
}

std::vector<at::Tensor> LBANP::encode(const StoredContextState& state) {
  const auto context = embedder_->forward(at::cat({state.xc(), state.yc()}, -1));
  auto latents = latents_.unsqueeze(0).expand({state.batch(), -1, -1});
  std::vector<at::Tensor> outputs;
  outputs.reserve(encoder_.size());
  for (auto& layer : encoder_) {
    // Every layer reads the same context embeddings; only the latents flow from layer to layer.
    latents = layer.cross_feedforward(layer.cross_attention(latents, context));
    latents = layer.self_feedforward(layer.self_attention(latents));
    outputs.push_back(latents);
  }
  return outputs;
}

void LBANP::encode_context(StoredContextState& state) {
  state.cache = encode(state);
}

Prediction LBANP::do_predict(const ModelState& state, const at::Tensor& xt) {
  const auto& context = stored(state);
  // A state whose cache was cleared (or never filled) is encoded afresh for this call.
  const auto latents = context.cache.size() == encoder_.size() ? context.cache : encode(context);
  return split_head_output(decoder_.forward(xt, latents));
}

}  // namespace nplab::models

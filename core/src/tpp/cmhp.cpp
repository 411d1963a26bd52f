#include "nplab/tpp/cmhp.h"

#include "nplab/util/checks.h"

namespace nplab::tpp {

CMHPConfig CMHPConfig::from_json(const nlohmann::json& config) {
  CMHPConfig c;
  c.marks = config.value("marks", c.marks);
  c.d_model = config.value("d_model", c.d_model);
  c.heads = config.value("heads", c.heads);
  c.blocks = config.value("blocks", c.blocks);
  c.latents = config.value("latents", c.latents);
  c.feedforward = config.value("feedforward", c.feedforward);
  c.components = config.value("components", c.components);
  c.decoder_hidden = config.value("decoder_hidden", c.decoder_hidden);
  c.scan_chunk = config.value("scan_chunk", c.scan_chunk);
  c.last_event_to_decoder = config.value("last_event_to_decoder", c.last_event_to_decoder);
  return c;
}

nlohmann::json CMHPConfig::to_json() const {
  return {{"model", "cmhp"},
          {"marks", marks},
          {"d_model", d_model},
          {"heads", heads},
          {"blocks", blocks},
          {"latents", latents},
          {"feedforward", feedforward},
          {"components", components},
          {"decoder_hidden", decoder_hidden},
          {"scan_chunk", scan_chunk},
          {"last_event_to_decoder", last_event_to_decoder}};
}

int64_t CMHPState::bytes() const {
  int64_t total = last_time_.numel() * last_time_.element_size() +
                  last_mark_.numel() * last_mark_.element_size();
  for (const auto& block : blocks) total += block.bytes();
  return total;
}

std::unique_ptr<PointProcessState> CMHPState::clone() const {
  return std::make_unique<CMHPState>(*this);  // tensors are never written in place: sharing is safe
}

CMHP::CMHP(const CMHPConfig& config) : PointProcessModel("cmhp", config.marks), config_(config) {
  if (config.blocks < 1 || config.latents < 1 || config.feedforward < 1 || config.components < 1 ||
      config.decoder_hidden < 1 || config.scan_chunk < 1) {
    throw util::InvalidArgument(
        "cmhp config: blocks, latents, feedforward, components, decoder_hidden and scan_chunk "
        "must be positive");
  }
  if (config.heads < 1 || config.d_model % config.heads != 0) {
    throw util::InvalidArgument("cmhp config: d_model " + std::to_string(config.d_model) +
                                " must be a positive multiple of heads " +
                                std::to_string(config.heads));
  }
  const auto d = config.d_model;
  embedding_ = register_module("embedding", EventEmbedding(config.marks, d));
  latents_ = register_parameter("latents", at::randn({config.latents, d}));
  const attention::CMABOptions block_options{d, d, config.heads, config.feedforward,
                                             config.latents};
  for (int64_t b = 0; b < config.blocks; ++b) {
    blocks_.push_back(register_module("block" + std::to_string(b), attention::CMAB(block_options)));
  }
  const int64_t decoder_in = config.latents * d + (config.last_event_to_decoder ? d : 0);
  decoder_ = register_module("decoder", NextEventDecoder(decoder_in, config.decoder_hidden,
                                                         config.components, config.marks));
}

nlohmann::json CMHP::config() const {
  return config_.to_json();
}

std::unique_ptr<PointProcessState> CMHP::do_condition(const EventSequence& history) {
  const auto tokens = embedding_->with_start(history);
  const auto embedded = embedding_(tokens.times, tokens.marks);
  auto state = std::make_unique<CMHPState>();
  for (auto& block : blocks_) state->blocks.push_back(block->condition(embedded));
  const int64_t last = tokens.length() - 1;
  state->last_time_ = tokens.times.select(1, last);
  state->last_mark_ = tokens.marks.select(1, last);
  state->count_ = history.length();
  state->batch_ = history.batch();
  return state;
}

void CMHP::do_update(PointProcessState& state, const EventSequence& events) {
  auto& cmhp_state = dynamic_cast<CMHPState&>(state);
  const auto embedded = embedding_(events.times, events.marks);
  // Commit only once every block succeeded.
  auto blocks = cmhp_state.blocks;
  for (size_t b = 0; b < blocks_.size(); ++b) blocks_[b]->update(blocks[b], embedded);
  cmhp_state.blocks = std::move(blocks);
  cmhp_state.last_time_ = events.times.select(1, events.length() - 1);
  cmhp_state.last_mark_ = events.marks.select(1, events.length() - 1);
  cmhp_state.count_ += events.length();
}

at::Tensor CMHP::latents_from(const std::vector<attention::CMABState>& blocks, int64_t batch) {
  auto latents = latents_.unsqueeze(0).expand({batch, -1, -1});
  for (size_t b = 0; b < blocks_.size(); ++b) latents = blocks_[b]->output(blocks[b], latents);
  return latents;
}

NextEvent CMHP::decode(const at::Tensor& flat_latents, const at::Tensor& last_event) {
  if (!config_.last_event_to_decoder) return decoder_(flat_latents);
  return decoder_(at::cat({flat_latents, last_event}, -1));
}

NextEvent CMHP::do_predict(const PointProcessState& state) {
  const auto& cmhp_state = dynamic_cast<const CMHPState&>(state);
  const int64_t batch = cmhp_state.batch();
  const auto latents = latents_from(cmhp_state.blocks, batch).reshape({batch, -1});
  const auto last_event =
      embedding_(cmhp_state.last_time_.unsqueeze(1), cmhp_state.last_mark_.unsqueeze(1)).squeeze(1);
  return decode(latents, last_event);
}

std::vector<PrefixStreamingStates> CMHP::prefix_states_of(const at::Tensor& embedded) {
  std::vector<PrefixStreamingStates> states;
  for (auto& block : blocks_) {
    // What CMAB::condition streams, for every prefix at once: queries from LN(L_B), keys and
    // values from LN_ctx(D).
    auto& cross = *block->first_cross_attention();
    const auto queries =
        cross.attention()->project_queries(cross.normalize_query(block->latents()).unsqueeze(0));
    const auto [keys, values] =
        cross.attention()->project_keys_values(cross.normalize_context(embedded));
    states.push_back(prefix_streaming_states(queries, keys, values, config_.scan_chunk));
  }
  return states;
}

std::vector<PrefixStreamingStates> CMHP::prefix_states(const EventSequence& sequence) {
  const auto tokens = embedding_->with_start(sequence);
  return prefix_states_of(embedding_(tokens.times, tokens.marks));
}

NextEvent CMHP::do_predict_every_prefix(const EventSequence& sequence) {
  // Prefix j of [start, e_1, .., e_{L−1}] has seen events 1..j: it predicts event j + 1.
  const auto tokens = embedding_->with_start(sequence.slice(0, sequence.length() - 1));
  const auto embedded = embedding_(tokens.times, tokens.marks);  // [B, L, d]
  const int64_t batch = sequence.batch(), length = sequence.length();
  std::vector<attention::CMABState> folded;
  for (const auto& prefixes : prefix_states_of(embedded)) folded.push_back({prefixes.folded()});
  const auto latents = latents_from(folded, batch * length).reshape({batch, length, -1});
  return decode(latents, embedded);
}

}  // namespace nplab::tpp

#pragma once
// CMHP, the Constant Memory Hawkes Process (Feng et al., §3.3 and Figure 4): THP with its
// transformer layers replaced by CMABs (the same CMAB as CMANP's). The events, embedded as in THP
// (mark embedding + temporal encoding, after a start token at t = 0), are the context D that every
// block's first cross-attention streams; block b's output latents are block b+1's input latents;
// the last block's latents are flattened into the same decoders as THP's.
//
// Adding an event is an exact streaming update (DESIGN.md §3): constant time, and the state keeps
// no history, only each block's (L, o) and the last event. Training scores every prefix of a
// sequence in one pass: the first cross-attention of prefix j is a prefix scan (prefix_scan.h),
// O(L) in the sequence; the rest of each block acts on the fixed-size latents of each prefix,
// O(latents²) per prefix.
//
// Beyond the paper: the decoder also sees the last event's own embedding (the state keeps that
// event; on by default, `last_event_to_decoder`). The latents summarise the history as a set,
// which leaves "where is now" implicit in the weights; THP's history vector is the last
// position's, which carries its own embedding through the residuals.

#include <vector>

#include "nplab/attention/cmab.h"
#include "nplab/tpp/point_process.h"
#include "nplab/tpp/prefix_scan.h"

namespace nplab::tpp {

/// Defaults are sized for training on ~100-event sequences on a small CPU: 16 latents per block
/// (the NP models use 128) and 2 blocks, since every prefix pays O(latents²) after the first
/// cross-attention.
struct CMHPConfig {
  int64_t marks = 3;
  int64_t d_model = 64;
  int64_t heads = 4;
  int64_t blocks = 2;
  int64_t latents = 16;       ///< |L_B| of every block, and |L_I| of the first
  int64_t feedforward = 128;  ///< GEGLU hidden width inside the CMABs
  int64_t components = 8;     ///< log-normal mixture components
  int64_t decoder_hidden = 64;
  int64_t scan_chunk = 32;  ///< chunk of the training prefix scan (memory O(chunk²·latents))
  bool last_event_to_decoder = true;

  static CMHPConfig from_json(const nlohmann::json& config);  ///< missing keys keep defaults
  nlohmann::json to_json() const;
};

class CMHPState : public PointProcessState {
 public:
  int64_t count() const override { return count_; }
  int64_t batch() const override { return batch_; }
  int64_t bytes() const override;
  std::unique_ptr<PointProcessState> clone() const override;
  at::Tensor last_time() const override { return last_time_; }

  /// Each block's first cross-attention state over the start token and the events.
  std::vector<attention::CMABState> blocks;
  at::Tensor last_time_;  ///< [B], 0 before any event (the start token)
  at::Tensor last_mark_;  ///< [B] int64, K before any event
  int64_t count_ = 0;
  int64_t batch_ = 0;
};

class CMHP : public PointProcessModel {
 public:
  explicit CMHP(const CMHPConfig& config = {});
  explicit CMHP(const nlohmann::json& config) : CMHP(CMHPConfig::from_json(config)) {}

  nlohmann::json config() const override;
  models::UpdateKind update_kind() const override { return models::UpdateKind::ConstantTime; }

  /// Block b's first cross-attention state for every prefix of [start token, events of
  /// `sequence`] (L + 1 prefixes), as training computes them. Prefix j equals the state of
  /// condition(first j events).blocks[b].
  std::vector<PrefixStreamingStates> prefix_states(const EventSequence& sequence);

 protected:
  std::unique_ptr<PointProcessState> do_condition(const EventSequence& history) override;
  void do_update(PointProcessState& state, const EventSequence& events) override;
  NextEvent do_predict(const PointProcessState& state) override;
  NextEvent do_predict_every_prefix(const EventSequence& sequence) override;

 private:
  /// The prefix states of embedded tokens [B, N, d], per block.
  std::vector<PrefixStreamingStates> prefix_states_of(const at::Tensor& embedded);
  /// The last block's output latents [B', latents, d] from every block's state (batch B').
  at::Tensor latents_from(const std::vector<attention::CMABState>& blocks, int64_t batch);
  /// Flattened latents [.., latents·d] (+ the last event's embedding [.., d]) -> the decoders.
  NextEvent decode(const at::Tensor& flat_latents, const at::Tensor& last_event);

  CMHPConfig config_;
  EventEmbedding embedding_{nullptr};
  at::Tensor latents_;  ///< L_I of the first block, [latents, d]
  std::vector<attention::CMAB> blocks_;
  NextEventDecoder decoder_{nullptr};
};

}  // namespace nplab::tpp

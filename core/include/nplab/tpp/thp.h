#pragma once
// THP, the Transformer Hawkes Process (Zuo et al. 2020) in the mixture form the CMHP paper
// compares with: the structure of thp_mix in BorealisAI/meta-tpp. Each event is embedded as
// mark embedding + temporal encoding; post-norm transformer layers with a causal mask (the
// temporal encoding is added again before every layer, as the reference does) give each position
// a history vector; the last one feeds the log-normal mixture decoder and the mark head.
// Its state keeps the history: each prediction re-encodes all of it (cost grows with L).

#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <vector>

#include "nplab/attention/attention.h"
#include "nplab/tpp/point_process.h"

namespace nplab::tpp {

struct THPConfig {
  int64_t marks = 3;
  int64_t d_model = 64;
  int64_t heads = 1;         ///< thp_mix: n_head 1 (d_k = d_model)
  int64_t layers = 2;        ///< thp_mix: n_layers 2
  int64_t feedforward = 64;  ///< thp_mix: d_inner 64
  int64_t components = 8;    ///< log-normal mixture components

  static THPConfig from_json(const nlohmann::json& config);  ///< missing keys keep defaults
  nlohmann::json to_json() const;
};

class THPState : public PointProcessState {
 public:
  explicit THPState(EventSequence history) : history_(std::move(history)) {}
  int64_t count() const override { return history_.length(); }
  int64_t batch() const override { return history_.batch(); }
  int64_t bytes() const override;
  std::unique_ptr<PointProcessState> clone() const override;
  at::Tensor last_time() const override;

  const EventSequence& history() const { return history_; }
  void append(const EventSequence& events);

 private:
  EventSequence history_;
};

/// One post-norm encoder layer of THP: x = LN(x + MHA(x)); x = LN(x + FF(x)), FF = Linear –
/// GELU – Linear, LayerNorm eps 1e-6 (dropout 0).
class THPLayerImpl : public torch::nn::Module {
 public:
  THPLayerImpl(int64_t d_model, int64_t heads, int64_t feedforward);
  /// x [B, N, d]; each position attends to itself and the positions before it.
  at::Tensor forward(const at::Tensor& x);

 private:
  attention::MultiheadAttention attention_{nullptr};
  torch::nn::LayerNorm attention_norm_{nullptr};
  torch::nn::Linear in_{nullptr};
  torch::nn::Linear out_{nullptr};
  torch::nn::LayerNorm feedforward_norm_{nullptr};
};
TORCH_MODULE(THPLayer);

class THP : public PointProcessModel {
 public:
  explicit THP(const THPConfig& config = {});
  explicit THP(const nlohmann::json& config) : THP(THPConfig::from_json(config)) {}

  nlohmann::json config() const override;
  models::UpdateKind update_kind() const override { return models::UpdateKind::Recompute; }

 protected:
  std::unique_ptr<PointProcessState> do_condition(const EventSequence& history) override;
  void do_update(PointProcessState& state, const EventSequence& events) override;
  NextEvent do_predict(const PointProcessState& state) override;
  NextEvent do_predict_every_prefix(const EventSequence& sequence) override;

 private:
  /// History vectors [B, 1 + L, d] of the start token followed by `events`: position i sees
  /// positions 0..i only.
  at::Tensor encode(const EventSequence& events);

  THPConfig config_;
  EventEmbedding embedding_{nullptr};
  std::vector<THPLayer> layers_;
  NextEventDecoder decoder_{nullptr};
};

}  // namespace nplab::tpp

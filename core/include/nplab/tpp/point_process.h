#pragma once
// The one interface every temporal point-process model in NPLab honours (DESIGN.md §9), beside
// the NP contract of neural_process.h:
//
//   condition(history)       -> state      encode the events so far
//   update(state, events)                  add later events (CMHP: constant time, no history kept)
//   predict(state)           -> NextEvent  the next inter-event time's log-normal mixture and the
//                                          next mark's probabilities
//   loss(sequences)          -> mean NLL per event (time + mark), every prefix in one pass
//   sample(state, k, gen)    -> the next k events, drawn autoregressively
//
// A sequence is times [B, L] (strictly increasing, > 0, in the model's dtype and device) and marks
// [B, L] (int64 in 0..K−1); the sequences of a batch have equal lengths. Observation starts at
// t = 0: event i is predicted from the events before it, with τ_i = t_i − t_{i−1} and t_0 = 0.
// Every model honours update(condition(A), B) == condition(A then B).

#include <ATen/ATen.h>
#include <torch/nn/module.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "nplab/models/neural_process.h"  // UpdateKind
#include "nplab/tpp/lognormal_mixture.h"

namespace nplab::tpp {

/// Events of B sequences of equal length L.
struct EventSequence {
  at::Tensor times;  ///< [B, L] floating, strictly increasing along L, > 0
  at::Tensor marks;  ///< [B, L] int64 in 0..K−1

  int64_t batch() const { return times.size(0); }
  int64_t length() const { return times.size(1); }
  /// Events start..start+count−1 of every sequence (views).
  EventSequence slice(int64_t start, int64_t count) const;
  /// The same events with times in `dtype` on `device` (marks stay int64).
  EventSequence to(const c10::Device& device, at::ScalarType dtype) const;
};

/// What a model keeps after conditioning. THP keeps the history (it must recompute); CMHP keeps
/// fixed-size streaming summaries whatever the history's length.
class PointProcessState {
 public:
  virtual ~PointProcessState() = default;
  /// Number of events summarised.
  virtual int64_t count() const = 0;
  virtual int64_t batch() const = 0;
  /// Bytes held by the state's tensors.
  virtual int64_t bytes() const = 0;
  virtual std::unique_ptr<PointProcessState> clone() const = 0;
  /// Time of the last event per sequence, [B] (0 before any event).
  virtual at::Tensor last_time() const = 0;
};

class PointProcessModel : public torch::nn::Module {
 public:
  PointProcessModel(std::string name, int64_t marks);

  const std::string& name() const { return name_; }
  /// K, the number of marks.
  int64_t marks() const { return marks_; }
  /// The JSON configuration the registry builds this model from.
  virtual nlohmann::json config() const = 0;
  virtual models::UpdateKind update_kind() const = 0;

  /// An empty history ([B, 0] tensors) is allowed: predict() then gives the first event.
  std::unique_ptr<PointProcessState> condition(const EventSequence& history);
  /// Adds events that all come after the state's last event.
  void update(PointProcessState& state, const EventSequence& events);
  /// The next event's distribution per sequence, leading shape [B].
  NextEvent predict(const PointProcessState& state);
  /// For every i, the distribution of event i given the events before it: leading shape [B, L],
  /// all prefixes in one pass (what training differentiates).
  NextEvent predict_every_prefix(const EventSequence& sequence);
  /// log p(τ_i) + log p(k_i | history), [B, L].
  at::Tensor event_log_likelihood(const EventSequence& sequence);
  /// −mean over batch and events of event_log_likelihood (needs L >= 1).
  at::Tensor loss(const EventSequence& sequence);
  /// Draws the next `count` events of every sequence: τ from the mixture, the mark from its
  /// probabilities, then an update, `count` times. `state` is left unchanged. The generator is a
  /// CPU generator; the result is on the model's device.
  EventSequence sample(const PointProcessState& state, int64_t count, at::Generator& generator);

  /// Device and dtype of the parameters.
  at::TensorOptions tensor_options() const;

 protected:
  // Implementations see validated events on the model's device and dtype.
  virtual std::unique_ptr<PointProcessState> do_condition(const EventSequence& history) = 0;
  virtual void do_update(PointProcessState& state, const EventSequence& events) = 0;
  virtual NextEvent do_predict(const PointProcessState& state) = 0;
  virtual NextEvent do_predict_every_prefix(const EventSequence& sequence) = 0;

 private:
  void check_events(const EventSequence& events, const char* name, int64_t min_length) const;

  std::string name_;
  int64_t marks_;
};

/// THP's event embedding, shared by THP and CMHP: a mark embedding with one extra row for the
/// start token (mark K, at t = 0, which every history begins with), and the temporal encoding of
/// Zuo et al.: feature j of time t is sin(t / 10000^(2⌊j/2⌋/d)) for even j, cos for odd j.
class EventEmbeddingImpl : public torch::nn::Module {
 public:
  EventEmbeddingImpl(int64_t marks, int64_t d_model);

  /// times [B, L] -> [B, L, d].
  at::Tensor temporal(const at::Tensor& times) const;
  /// marks [B, L] (0..K, K the start token) -> [B, L, d].
  at::Tensor mark(const at::Tensor& marks);
  /// mark(marks) + temporal(times).
  at::Tensor forward(const at::Tensor& times, const at::Tensor& marks);
  /// The history every model sees: the start token followed by `events` ([B, 1 + L] each).
  EventSequence with_start(const EventSequence& events) const;
  int64_t start_mark() const { return marks_; }

 private:
  int64_t marks_;
  at::Tensor inverse_periods_;  ///< 1 / 10000^(2⌊j/2⌋/d), [d] (a buffer: follows .to(dtype))
  at::Tensor mark_table_;       ///< [K + 1, d]
};
TORCH_MODULE(EventEmbedding);

}  // namespace nplab::tpp

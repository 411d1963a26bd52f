#include "nplab/tpp/point_process.h"

#include <cmath>
#include <limits>
#include <sstream>
#include <vector>

#include "nplab/util/checks.h"

namespace nplab::tpp {

EventSequence EventSequence::slice(int64_t start, int64_t count) const {
  return {times.narrow(1, start, count), marks.narrow(1, start, count)};
}

EventSequence EventSequence::to(const c10::Device& device, at::ScalarType dtype) const {
  return {times.to(device, dtype), marks.to(device, at::kLong)};
}

PointProcessModel::PointProcessModel(std::string name, int64_t marks)
    : torch::nn::Module(name), name_(std::move(name)), marks_(marks) {
  if (marks < 1) throw util::InvalidArgument(name_ + " config: marks must be at least 1");
}

at::TensorOptions PointProcessModel::tensor_options() const {
  const auto params = parameters();
  if (params.empty()) return at::TensorOptions().dtype(at::kFloat);
  return params.front().options().requires_grad(false);
}

namespace {

// "[b, i]" of the first true element of a [B, L] mask (which has one).
std::string first_index(const at::Tensor& mask) {
  const auto index = mask.nonzero()[0].cpu();
  return "[" + std::to_string(index[0].item<int64_t>()) + ", " +
         std::to_string(index[1].item<int64_t>()) + "]";
}

}  // namespace

void PointProcessModel::check_events(const EventSequence& events, const char* name,
                                     int64_t min_length) const {
  const std::string times_name = std::string(name) + ".times";
  const std::string marks_name = std::string(name) + ".marks";
  util::check_rank(events.times, times_name, 2);
  util::check_floating(events.times, times_name);
  util::check_rank(events.marks, marks_name, 2);
  const auto options = tensor_options();
  if (events.times.scalar_type() != options.dtype().toScalarType() ||
      events.times.device() != options.device()) {
    throw util::InvalidArgument(times_name + ": " +
                                std::string(c10::toString(events.times.scalar_type())) + " on " +
                                events.times.device().str() + ", but the model is " +
                                std::string(c10::toString(options.dtype().toScalarType())) +
                                " on " + options.device().str());
  }
  if (events.marks.scalar_type() != at::kLong) {
    throw util::InvalidArgument(marks_name + ": expected int64, got " +
                                std::string(c10::toString(events.marks.scalar_type())));
  }
  if (events.marks.sizes() != events.times.sizes() ||
      events.marks.device() != events.times.device()) {
    throw util::InvalidArgument(marks_name + ": shape " + util::shape_string(events.marks) +
                                " on " + events.marks.device().str() + " does not match " +
                                times_name + "'s " + util::shape_string(events.times) + " on " +
                                events.times.device().str());
  }
  if (events.length() < min_length) {
    throw util::InvalidArgument(times_name + ": needs at least " + std::to_string(min_length) +
                                " event(s), got shape " + util::shape_string(events.times));
  }
  if (events.times.numel() == 0) return;
  util::check_finite(events.times, times_name);
  if (const auto bad = events.times <= 0; bad.any().item<bool>()) {
    throw util::InvalidArgument(times_name + ": times must be positive, but event " +
                                first_index(bad) + " is not");
  }
  if (events.length() > 1) {
    const auto later = events.times.narrow(1, 1, events.length() - 1);
    const auto earlier = events.times.narrow(1, 0, events.length() - 1);
    if (const auto bad = later <= earlier; bad.any().item<bool>()) {
      auto index = bad.nonzero()[0].cpu();
      throw util::InvalidArgument(times_name + ": times must increase, but event [" +
                                  std::to_string(index[0].item<int64_t>()) + ", " +
                                  std::to_string(index[1].item<int64_t>() + 1) +
                                  "] is not after the one before it");
    }
  }
  if (const auto bad = (events.marks < 0) | (events.marks >= marks_); bad.any().item<bool>()) {
    const auto index = bad.nonzero()[0].cpu();
    const auto value = events.marks[index[0].item<int64_t>()][index[1].item<int64_t>()];
    throw util::InvalidArgument(marks_name + ": mark " + std::to_string(value.item<int64_t>()) +
                                " at " + first_index(bad) + " is outside 0.." +
                                std::to_string(marks_ - 1));
  }
}

std::unique_ptr<PointProcessState> PointProcessModel::condition(const EventSequence& history) {
  check_events(history, "history", 0);
  return do_condition(history);
}

void PointProcessModel::update(PointProcessState& state, const EventSequence& events) {
  check_events(events, "events", 0);
  if (events.batch() != state.batch()) {
    throw util::InvalidArgument("events: batch " + std::to_string(events.batch()) +
                                " differs from the state's " + std::to_string(state.batch()));
  }
  if (events.length() == 0) return;
  const auto first = events.times.select(1, 0);
  if (const auto bad = first <= state.last_time(); bad.any().item<bool>()) {
    const int64_t b = bad.nonzero()[0][0].item<int64_t>();
    std::ostringstream message;
    message.precision(17);
    message << "events.times: sequence " << b << "'s first new event at " << first[b].item<double>()
            << " is not after the state's last event at " << state.last_time()[b].item<double>();
    throw util::InvalidArgument(message.str());
  }
  do_update(state, events);
}

NextEvent PointProcessModel::predict(const PointProcessState& state) {
  return do_predict(state);
}

NextEvent PointProcessModel::predict_every_prefix(const EventSequence& sequence) {
  check_events(sequence, "sequence", 1);
  return do_predict_every_prefix(sequence);
}

at::Tensor PointProcessModel::event_log_likelihood(const EventSequence& sequence) {
  const auto next = predict_every_prefix(sequence);
  const auto previous = at::cat({at::zeros_like(sequence.times.narrow(1, 0, 1)),
                                 sequence.times.narrow(1, 0, sequence.length() - 1)},
                                1);
  const auto tau = sequence.times - previous;
  const auto mark_term = next.mark_log_probs.gather(-1, sequence.marks.unsqueeze(-1)).squeeze(-1);
  return next.time.log_density(tau) + mark_term;
}

at::Tensor PointProcessModel::loss(const EventSequence& sequence) {
  return -event_log_likelihood(sequence).mean();
}

EventSequence PointProcessModel::sample(const PointProcessState& state, int64_t count,
                                        at::Generator& generator) {
  if (count < 0) throw util::InvalidArgument("sample: count must be >= 0");
  at::NoGradGuard no_grad;
  const auto options = tensor_options();
  auto walk = state.clone();
  std::vector<at::Tensor> times, marks;
  for (int64_t i = 0; i < count; ++i) {
    const auto next = predict(*walk);
    const auto tau = next.time.sample(generator);
    const auto mark = at::multinomial(next.mark_probabilities().to(at::kCPU, at::kDouble), 1,
                                      /*replacement=*/true, generator)
                          .to(options.device());
    const auto last = walk->last_time();
    // A τ below the resolution of t (float32 at large t) must still move time forward.
    const auto time = at::maximum(
        last + tau,
        at::nextafter(last, at::full_like(last, std::numeric_limits<double>::infinity())));
    EventSequence event{time.unsqueeze(1), mark};
    update(*walk, event);
    times.push_back(event.times);
    marks.push_back(event.marks);
  }
  if (count == 0) {
    return {at::empty({state.batch(), 0}, options),
            at::empty({state.batch(), 0}, options.dtype(at::kLong))};
  }
  return {at::cat(times, 1), at::cat(marks, 1)};
}

EventEmbeddingImpl::EventEmbeddingImpl(int64_t marks, int64_t d_model) : marks_(marks) {
  if (d_model < 2 || d_model % 2 != 0) {
    throw util::InvalidArgument("event embedding: d_model must be even and at least 2");
  }
  std::vector<double> inverse(static_cast<size_t>(d_model));
  for (int64_t j = 0; j < d_model; ++j) {
    inverse[j] = 1.0 / std::pow(10000.0, 2.0 * static_cast<double>(j / 2) / d_model);
  }
  inverse_periods_ =
      register_buffer("inverse_periods", at::tensor(inverse, at::kDouble).to(at::kFloat));
  // nn.Embedding's initialisation: N(0, 1).
  mark_table_ = register_parameter("mark_table", at::randn({marks + 1, d_model}));
}

at::Tensor EventEmbeddingImpl::temporal(const at::Tensor& times) const {
  const auto phase = times.unsqueeze(-1) * inverse_periods_;
  const int64_t d = inverse_periods_.size(0);
  // Even features sin, odd cos: interleave the two halves.
  const auto pairs = phase.unflatten(-1, {d / 2, 2});
  return at::stack({at::sin(pairs.select(-1, 0)), at::cos(pairs.select(-1, 1))}, -1).flatten(-2);
}

at::Tensor EventEmbeddingImpl::mark(const at::Tensor& marks) {
  return at::embedding(mark_table_, marks);
}

at::Tensor EventEmbeddingImpl::forward(const at::Tensor& times, const at::Tensor& marks) {
  return mark(marks) + temporal(times);
}

EventSequence EventEmbeddingImpl::with_start(const EventSequence& events) const {
  const int64_t batch = events.batch();
  return {at::cat({at::zeros({batch, 1}, events.times.options()), events.times}, 1),
          at::cat({at::full({batch, 1}, marks_, events.marks.options()), events.marks}, 1)};
}

}  // namespace nplab::tpp

#include "nplab/tpp/sequences.h"

#include <cmath>
#include <limits>

#include "nplab/util/checks.h"

namespace nplab::tpp {
namespace {

// Distinct streams for training steps and evaluation: splitmix64 of the seed and a tag.
uint64_t mix(uint64_t seed, uint64_t tag) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ull * (tag + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

constexpr uint64_t kEvaluationTag = 0xE7A1ull << 40;

// Two events closer than float32's resolution at their time (Hawkes bursts do that) would round
// onto one time, which no model accepts (τ = 0 has no density): each such time moves up to the
// next representable float after its predecessor, and the first stays above 0.
void keep_increasing(at::Tensor& times) {
  auto view = times.accessor<float, 2>();
  constexpr float infinity = std::numeric_limits<float>::infinity();
  for (int64_t b = 0; b < times.size(0); ++b) {
    float previous = 0.0f;
    for (int64_t i = 0; i < times.size(1); ++i) {
      if (!(view[b][i] > previous)) view[b][i] = std::nextafter(previous, infinity);
      previous = view[b][i];
    }
  }
}

}  // namespace

std::string TppDataSpec::name() const {
  switch (kind) {
    case ProcessKind::Hawkes:
      return "tpp-hawkes";
    case ProcessKind::SelfCorrecting:
      return "tpp-selfcorrecting";
    case ProcessKind::Poisson:
      return "tpp-poisson";
  }
  throw std::logic_error("TppDataSpec::name: unknown kind");
}

bool is_tpp_data_name(const std::string& name) {
  return name == "tpp-hawkes" || name == "tpp-selfcorrecting" || name == "tpp-poisson";
}

TppDataSpec parse_tpp_data(const std::string& name, int64_t length, int64_t marks) {
  if (!is_tpp_data_name(name)) {
    throw util::InvalidArgument("--data " + name +
                                ": not a point-process data set (known: tpp-hawkes, "
                                "tpp-selfcorrecting, tpp-poisson)");
  }
  if (length < 1) throw util::InvalidArgument("sequence length: must be at least 1");
  if (marks < 1) throw util::InvalidArgument("marks: must be at least 1");
  return {parse_process_kind(name), marks, length};
}

std::vector<SyntheticSequence> draw_sequences(const TppDataSpec& spec, uint64_t seed,
                                              int64_t count) {
  Rng rng(seed);
  std::vector<SyntheticSequence> sequences;
  sequences.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    std::shared_ptr<const TemporalProcess> process = draw_process(spec.kind, rng, spec.marks);
    auto events = simulate(*process, rng, spec.length);
    if (static_cast<int64_t>(events.size()) != spec.length) {
      // Every process here has a positive rate forever: thinning always reaches `length`.
      throw std::logic_error(process->name() + ": simulation stopped early");
    }
    sequences.push_back({std::move(process), std::move(events)});
  }
  return sequences;
}

std::vector<SyntheticSequence> training_sequences(const TppDataSpec& spec, uint64_t seed,
                                                  int64_t step, int64_t batch) {
  return draw_sequences(spec, mix(seed, static_cast<uint64_t>(step)), batch);
}

std::vector<SyntheticSequence> evaluation_sequences(const TppDataSpec& spec, uint64_t seed,
                                                    int64_t count) {
  return draw_sequences(spec, mix(seed, kEvaluationTag), count);
}

EventSequence to_event_sequence(const std::vector<EventList>& lists,
                                const at::TensorOptions& options) {
  if (lists.empty()) throw util::InvalidArgument("to_event_sequence: no sequences");
  const auto length = static_cast<int64_t>(lists.front().size());
  const auto batch = static_cast<int64_t>(lists.size());
  auto times = at::empty({batch, length}, at::kDouble);
  auto marks = at::empty({batch, length}, at::kLong);
  auto times_view = times.accessor<double, 2>();
  auto marks_view = marks.accessor<int64_t, 2>();
  for (int64_t b = 0; b < batch; ++b) {
    const auto& list = lists[static_cast<size_t>(b)];
    if (static_cast<int64_t>(list.size()) != length || list.marks.size() != list.times.size()) {
      throw util::InvalidArgument("to_event_sequence: sequence " + std::to_string(b) + " has " +
                                  std::to_string(list.size()) + " events, the first " +
                                  std::to_string(length));
    }
    for (int64_t i = 0; i < length; ++i) {
      times_view[b][i] = list.times[static_cast<size_t>(i)];
      marks_view[b][i] = list.marks[static_cast<size_t>(i)];
    }
  }
  const auto dtype = options.dtype().toScalarType();
  auto rounded = times.to(dtype);
  if (dtype == at::kFloat) keep_increasing(rounded);
  return {rounded.to(options.device()), marks.to(options.device())};
}

EventSequence to_event_sequence(const std::vector<SyntheticSequence>& sequences,
                                const at::TensorOptions& options) {
  std::vector<EventList> lists;
  lists.reserve(sequences.size());
  for (const auto& sequence : sequences) lists.push_back(sequence.events);
  return to_event_sequence(lists, options);
}

EventList to_event_list(const EventSequence& sequence, int64_t b) {
  const auto times = sequence.times[b].to(at::kCPU, at::kDouble).contiguous();
  const auto marks = sequence.marks[b].to(at::kCPU).contiguous();
  const auto n = static_cast<size_t>(times.numel());
  EventList list;
  list.times.assign(times.data_ptr<double>(), times.data_ptr<double>() + n);
  list.marks.assign(marks.data_ptr<int64_t>(), marks.data_ptr<int64_t>() + n);
  return list;
}

}  // namespace nplab::tpp

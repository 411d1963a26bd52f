#pragma once
// Event sequences for training and evaluation: synthetic tasks drawn from the processes of
// processes.h, and the conversion from plain event lists to the models' tensors.
//
// A task is one sequence of `length` events from a process whose parameters are drawn for that
// sequence alone (as a GP task draws its hyperparameters). Training batch k is a function of
// (seed, k); evaluation draws from a stream of its own, so that training and evaluation at the
// same seed never share a sequence.

#include <ATen/ATen.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nplab/tpp/point_process.h"
#include "nplab/tpp/processes.h"

namespace nplab::tpp {

/// A synthetic TPP data set: "tpp-hawkes", "tpp-selfcorrecting" or "tpp-poisson".
struct TppDataSpec {
  ProcessKind kind = ProcessKind::Hawkes;
  int64_t marks = 3;
  int64_t length = 64;  ///< events per sequence

  /// The CLI's name, e.g. "tpp-hawkes".
  std::string name() const;
};

/// Whether `name` is one of the synthetic TPP data sets (with or without the "tpp-" prefix it
/// must have it: "tpp-hawkes").
bool is_tpp_data_name(const std::string& name);
/// Throws InvalidArgument naming the known data sets for anything else.
TppDataSpec parse_tpp_data(const std::string& name, int64_t length = 64, int64_t marks = 3);

/// One sequence with the process that made it (the oracle's truth).
struct SyntheticSequence {
  std::shared_ptr<const TemporalProcess> process;
  EventList events;
};

/// `count` sequences, each with its own process, all from one seeded stream.
std::vector<SyntheticSequence> draw_sequences(const TppDataSpec& spec, uint64_t seed,
                                              int64_t count);
/// Training batch `step` of a run with `seed`: a function of (seed, step) alone.
std::vector<SyntheticSequence> training_sequences(const TppDataSpec& spec, uint64_t seed,
                                                  int64_t step, int64_t batch);
/// The evaluation sequences at `seed` (a stream no training step draws from).
std::vector<SyntheticSequence> evaluation_sequences(const TppDataSpec& spec, uint64_t seed,
                                                    int64_t count);

/// Stacks event lists of equal length into [B, L] tensors (times in `options`' dtype and device).
/// In float32, a time that rounds onto (or below) its predecessor moves up to the next float:
/// the sequence stays strictly increasing, as the models require.
EventSequence to_event_sequence(const std::vector<EventList>& lists,
                                const at::TensorOptions& options);
EventSequence to_event_sequence(const std::vector<SyntheticSequence>& sequences,
                                const at::TensorOptions& options);
/// Sequence `b` of a batch as plain numbers.
EventList to_event_list(const EventSequence& sequence, int64_t b);

}  // namespace nplab::tpp

#pragma once
// The facade of the Events view (DESIGN.md §9): a temporal point-process model (CMHP or THP) and
// the history of marked events it is conditioned on, a hidden synthetic process that can generate
// events and knows its true intensity, and event CSV files, in plain standard types only. Torch
// lives behind the pimpl in core/src/facade/, so ui/ never includes a torch header.
//
// As in explorer.h, every call reports failure as a value, never by throwing, and an
// EventExplorer is owned by one thread (the GUI's worker).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "nplab/facade/explorer.h"

namespace nplab::facade {

/// One event of a history: its time (> 0; observation starts at t = 0) and its mark (0..K−1).
struct MarkedEvent {
  double time = 0.0;
  int mark = 0;
  friend bool operator==(const MarkedEvent&, const MarkedEvent&) = default;
};

/// Why `events` cannot be a history of a model or process with `marks` marks (a time that is NaN,
/// infinite, not positive or not after the one before it; a mark outside 0..K−1), or "" when it
/// can. Names the first bad event by its index.
std::string event_history_problem(const std::vector<MarkedEvent>& events, int marks);

struct EventModelInfo {
  std::string name;                    ///< "cmhp" or "thp"
  std::string source;                  ///< the checkpoint path, or "registry:NAME"
  bool untrained = false;              ///< random weights: predictions mean nothing yet
  int marks = 3;                       ///< K
  bool constant_time_updates = false;  ///< adding an event never revisits the history
  std::string training_data;           ///< the card's "data", e.g. "tpp-hawkes" (may be empty)
};

/// The model's distribution of the next event after the last one, at the τ = t − t_last asked.
struct NextEventPrediction {
  double last_time = 0.0;       ///< t_last (0 before any event)
  std::vector<double> tau;      ///< the τ asked for (> 0)
  std::vector<double> density;  ///< p(τ), marginal over the mark
  std::vector<double> cdf;      ///< P(T ≤ τ)
  /// E[τ] and its standard deviation, where they are finite (a log-normal mixture with a wide
  /// component has a mean far beyond any plot, or none a double can hold).
  std::optional<double> mean;
  std::optional<double> stddev;
  std::vector<double> mark_probabilities;  ///< P(next mark = k), [K]
  double micros = 0.0;                     ///< evaluating the grid
};

class EventExplorer {
 public:
  EventExplorer();
  ~EventExplorer();
  EventExplorer(EventExplorer&&) noexcept;
  EventExplorer& operator=(EventExplorer&&) noexcept;
  EventExplorer(const EventExplorer&) = delete;
  EventExplorer& operator=(const EventExplorer&) = delete;

  /// "cmhp", "thp": the names load_registry_model() accepts.
  static std::vector<std::string> registry_models();

  /// An untrained model (random weights from `seed`) with `marks` marks. The events are kept
  /// when they fit the new model, else dropped. On failure the previous model stays.
  Outcome<EventModelInfo> load_registry_model(const std::string& name, int marks = 3,
                                              std::uint64_t seed = 0);
  /// A trained point-process checkpoint (nplab-cli train --model cmhp|thp), same rules.
  Outcome<EventModelInfo> load_checkpoint(const std::string& path);

  bool has_model() const;
  /// Precondition: has_model().
  const EventModelInfo& model() const;
  /// In time order, times strictly increasing.
  const std::vector<MarkedEvent>& events() const;
  /// The last edit that changed the history (or the conditioning of a newly loaded model).
  const UpdateStats& last_update() const;

  // Edits; each leaves events() and the state unchanged when it fails. An event after the last
  // one is the model's own update (constant time for CMHP); any other edit reconditions on the
  // whole history. The time of an edit covers the state change and the next event's
  // distribution (THP re-encodes its history there).
  Outcome<UpdateStats> add(const MarkedEvent& event);
  /// Moves event `index` to `to`, which may pass other events (the history is re-sorted).
  Outcome<UpdateStats> move(std::size_t index, const MarkedEvent& to);
  Outcome<UpdateStats> remove(std::size_t index);
  Outcome<UpdateStats> clear();
  /// Makes `events` (in time order) the history: events appended after the current ones are an
  /// update, anything else a recondition. Undo, redo and the worker use it.
  Outcome<UpdateStats> set_events(const std::vector<MarkedEvent>& events);

  /// The next event's distribution, evaluated at each τ of `taus` (finite, > 0).
  Outcome<NextEventPrediction> predict(const std::vector<double>& taus);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// --- The hidden process ------------------------------------------------------------------------

enum class EventProcessKind { Hawkes, SelfCorrecting, Poisson };

/// "hawkes", "self-correcting", "poisson".
std::string event_process_name(EventProcessKind kind);
std::optional<EventProcessKind> event_process_from_name(const std::string& name);

/// A synthetic process with parameters drawn from its default ranges by `seed`.
struct EventProcessSpec {
  EventProcessKind kind = EventProcessKind::Hawkes;
  std::uint64_t seed = 1;
  int marks = 3;
  friend bool operator==(const EventProcessSpec&, const EventProcessSpec&) = default;
};

/// What the hidden process says about a history.
struct ProcessTruth {
  std::vector<double> times;      ///< the time grid asked for
  std::vector<double> intensity;  ///< Σ_k λ_k(t) given the events before t, at each grid time
  std::vector<double> tau;        ///< the τ asked for, after the last event
  std::vector<double> density;    ///< the oracle's p(τ) of the next event
  double mean = 0.0;              ///< the oracle's E[τ]
  std::vector<double> mark_probabilities;  ///< the oracle's P(next mark = k)
};

class HiddenEventProcess {
 public:
  /// Draws the process's parameters from `spec.seed`; fails for marks < 1.
  static Outcome<HiddenEventProcess> make(const EventProcessSpec& spec);
  ~HiddenEventProcess();
  HiddenEventProcess(HiddenEventProcess&&) noexcept;
  HiddenEventProcess& operator=(HiddenEventProcess&&) noexcept;

  const EventProcessSpec& spec() const;
  /// "Hawkes process, 3 marks, branching ratio 0.62", for tooltips and readouts.
  std::string description() const;

  /// The next `count` events after `history`, drawn by Ogata thinning from the process's own
  /// random stream (seeded by spec().seed): each call continues that stream, so a sequence of
  /// calls is reproducible.
  Outcome<std::vector<MarkedEvent>> reveal(const std::vector<MarkedEvent>& history, int count = 1);

  /// The true intensity at `times` (ascending, >= 0) and the oracle's next event after the
  /// history's last event at `taus` (> 0).
  Outcome<ProcessTruth> truth(const std::vector<MarkedEvent>& history,
                              const std::vector<double>& times,
                              const std::vector<double>& taus) const;

 private:
  struct Impl;
  explicit HiddenEventProcess(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// --- Files -------------------------------------------------------------------------------------

/// One sequence read from an event CSV (`sequence,time,mark`).
struct ImportedEvents {
  std::string sequence;  ///< its name in the file
  int sequences = 1;     ///< how many the file holds (the first one is imported)
  std::vector<MarkedEvent> events;
};

/// Reads the first sequence of an event CSV whose marks are in 0..marks−1; a bad file is
/// "FILE:LINE: what is wrong".
Outcome<ImportedEvents> read_events_csv(const std::filesystem::path& path, int marks);
/// Writes `events` as one sequence named `sequence`, atomically.
Outcome<std::monostate> write_events_csv(const std::filesystem::path& path,
                                         const std::vector<MarkedEvent>& events,
                                         const std::string& sequence = "0");

}  // namespace nplab::facade

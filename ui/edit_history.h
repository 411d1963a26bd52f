#pragma once
// Undo/redo of context edits as a capped stack of snapshots (the PlotJuggler way): record() the
// state before each edit; undo()/redo() hand back the state to show. The Functions view keeps
// points with their hidden function, the Images view lists of revealed pixels.

#include <cstddef>
#include <deque>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "nplab/facade/explorer.h"
#include "nplab/facade/ground_truth.h"

namespace nplab::ui {

template <class State>
class SnapshotHistory {
 public:
  using Snapshot = State;

  explicit SnapshotHistory(std::size_t capacity = 100) : capacity_(capacity) {
    if (capacity_ == 0) throw std::invalid_argument("EditHistory capacity: must be at least 1");
  }

  /// Call before an edit with the state as it was; forgets the redo stack and, past the
  /// capacity, the oldest snapshot.
  void record(Snapshot before) {
    undo_.push_back(std::move(before));
    if (undo_.size() > capacity_) undo_.pop_front();
    redo_.clear();
  }

  /// The state to go back to, given the current one (which becomes redoable); nullopt if none.
  std::optional<Snapshot> undo(Snapshot current) { return step(undo_, redo_, std::move(current)); }
  /// The state to go forward to, given the current one; nullopt if none.
  std::optional<Snapshot> redo(Snapshot current) { return step(redo_, undo_, std::move(current)); }

  void reset() {
    undo_.clear();
    redo_.clear();
  }

  bool can_undo() const { return !undo_.empty(); }
  bool can_redo() const { return !redo_.empty(); }
  std::size_t capacity() const { return capacity_; }
  /// The states undo() goes back to, the oldest first (the next undo's is the last).
  const std::deque<Snapshot>& undo_stack() const { return undo_; }
  /// The states redo() goes forward to, the furthest first (the next redo's is the last).
  const std::deque<Snapshot>& redo_stack() const { return redo_; }

 private:
  static std::optional<Snapshot> step(std::deque<Snapshot>& from, std::deque<Snapshot>& to,
                                      Snapshot current) {
    if (from.empty()) return std::nullopt;
    auto target = std::move(from.back());
    from.pop_back();
    to.push_back(std::move(current));
    return target;
  }

  std::size_t capacity_;
  std::deque<Snapshot> undo_;
  std::deque<Snapshot> redo_;
};

/// A history of context point lists.
using EditHistory = SnapshotHistory<std::vector<facade::ContextPoint>>;

/// One undo step of the Functions view: the points and the hidden function they were placed on
/// ("New function" and the kernel's settings change the second).
struct FunctionsSnapshot {
  std::vector<facade::ContextPoint> points;
  facade::TruthSpec truth;
  friend bool operator==(const FunctionsSnapshot&, const FunctionsSnapshot&) = default;
};

}  // namespace nplab::ui

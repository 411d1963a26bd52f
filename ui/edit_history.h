#pragma once
// Undo/redo of context edits as a capped stack of point-list snapshots (the PlotJuggler way):
// record() the list before each edit; undo()/redo() hand back the list to show.

#include <cstddef>
#include <deque>
#include <optional>
#include <vector>

#include "nplab/explorer.h"

namespace nplab::ui {

class EditHistory {
 public:
  using Snapshot = std::vector<ContextPoint>;

  explicit EditHistory(std::size_t capacity = 100);

  /// Call before an edit with the points as they were; forgets the redo stack and, past the
  /// capacity, the oldest snapshot.
  void record(Snapshot before);
  /// The points to go back to, given the current ones (which become redoable); nullopt if none.
  std::optional<Snapshot> undo(Snapshot current);
  /// The points to go forward to, given the current ones; nullopt if none.
  std::optional<Snapshot> redo(Snapshot current);
  void reset();

  bool can_undo() const { return !undo_.empty(); }
  bool can_redo() const { return !redo_.empty(); }
  std::size_t capacity() const { return capacity_; }

 private:
  std::size_t capacity_;
  std::deque<Snapshot> undo_;
  std::deque<Snapshot> redo_;
};

}  // namespace nplab::ui

#include "edit_history.h"

#include <stdexcept>
#include <utility>

namespace nplab::ui {

EditHistory::EditHistory(std::size_t capacity) : capacity_(capacity) {
  if (capacity_ == 0) throw std::invalid_argument("EditHistory capacity: must be at least 1");
}

void EditHistory::record(Snapshot before) {
  undo_.push_back(std::move(before));
  if (undo_.size() > capacity_) undo_.pop_front();
  redo_.clear();
}

std::optional<EditHistory::Snapshot> EditHistory::undo(Snapshot current) {
  if (undo_.empty()) return std::nullopt;
  auto previous = std::move(undo_.back());
  undo_.pop_back();
  redo_.push_back(std::move(current));
  return previous;
}

std::optional<EditHistory::Snapshot> EditHistory::redo(Snapshot current) {
  if (redo_.empty()) return std::nullopt;
  auto next = std::move(redo_.back());
  redo_.pop_back();
  undo_.push_back(std::move(current));
  return next;
}

void EditHistory::reset() {
  undo_.clear();
  redo_.clear();
}

}  // namespace nplab::ui

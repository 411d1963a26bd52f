#pragma once
// What the window's Edit menu asks of the view on screen. A view that supports editing derives
// from this too (beside QWidget); the menu is disabled on views that do not.

namespace nplab::ui {

class EditableView {
 public:
  virtual ~EditableView() = default;

  virtual void undo() = 0;
  virtual void redo() = 0;
  /// Removes every point, as one undoable edit.
  virtual void clear_points() = 0;
  /// A fresh start: the Functions view's is undoable, the Images view's (a new image) starts a
  /// new history.
  virtual void new_session() = 0;
  virtual bool can_undo() const = 0;
  virtual bool can_redo() const = 0;
  virtual bool can_clear() const = 0;
};

}  // namespace nplab::ui

#pragma once
// The GUI monkey's actions (test_monkey.cpp runs them): what a restless person does with the main
// window, chosen by a seeded die, each with the history changes it may make on the view it acts
// on. Clicks, drags and right clicks on every view's plot, keys and shortcuts, undo/redo runs,
// pickers, buttons, tab switches and resizes; never a control that opens a file dialog.

#include <QAbstractButton>
#include <QComboBox>
#include <QSlider>
#include <QTabBar>
#include <QTabWidget>
#include <QToolButton>
#include <QtTest>
#include <deque>
#include <optional>

#include "events_plot.h"
#include "events_view.h"
#include "function_plot.h"
#include "functions_view.h"
#include "image_panels.h"
#include "images_view.h"
#include "main_window.h"
#include "memory_view.h"
#include "monkey_support.h"
#include "stream_view.h"

namespace nplab::ui::testing {

/// Chooses the actions: what a restless person does with the window, minus the file dialogs.
class Monkey {
 public:
  Monkey(MainWindow& window, Dice& dice) : window_(window), dice_(dice) {}

  Action next() {
    if (!queued_.empty()) {
      auto action = std::move(queued_.front());
      queued_.pop_front();
      return action;
    }
    if (held_) return held_action();
    if (dice_.chance(0.3)) return common_action();
    switch (window_.current_view()) {
      case MainWindow::View::Functions:
        return functions_action();
      case MainWindow::View::Images:
        return images_action();
      case MainWindow::View::Memory:
        return memory_action();
      case MainWindow::View::Stream:
        return stream_action();
      case MainWindow::View::Events:
        return events_action();
    }
    return common_action();
  }
  bool holding() const { return held_.has_value(); }
  Action release() { return release_action(); }
  int sweeps_started = 0, sweeps_cancelled = 0, streams_started = 0, streams_stopped = 0;

 private:
  struct Hold {
    QWidget* widget;
    Qt::MouseButton button;
    Target target;
  };

  Target editable() const {
    if (window_.current_view() == MainWindow::View::Functions) return Target::Functions;
    if (window_.current_view() == MainWindow::View::Images) return Target::Images;
    if (window_.current_view() == MainWindow::View::Events) return Target::Events;
    return Target::None;
  }
  unsigned new_session_change(Target target) const {
    return target == Target::Images ? kReset : kRecord;
  }
  template <class T>
  T* find(const char* name) const {
    return window_.findChild<T*>(name);
  }

  /// The widget keys go to: the focused one, unless using it could open a file dialog, or it is
  /// the image index, whose typed text becomes a new image (a new history) only once the focus
  /// leaves it, which the watch would blame on a later action (step_spin drives it instead).
  QWidget* key_target() const {
    QWidget* focus = QApplication::focusWidget();
    if (!focus || opens_a_dialog(focus) || focus->objectName() == "imageIndex") {
      QWidget* safe = window_.current_view() == MainWindow::View::Images
                          ? static_cast<QWidget*>(window_.images_view()->panels())
                      : window_.current_view() == MainWindow::View::Events
                          ? static_cast<QWidget*>(window_.events_view()->plot())
                          : static_cast<QWidget*>(window_.functions_view()->plot());
      safe->setFocus();
      return window_.isActiveWindow() ? safe : &window_;
    }
    return focus;
  }
  /// What using `control` may do to the history of `target`.
  unsigned allows_for(const QWidget* control, Target target) const {
    if (target == Target::None) return kNoChange;
    QString name = control->objectName();
    if (const auto* tool = qobject_cast<const QToolButton*>(control); tool && tool->defaultAction())
      name = tool->defaultAction()->objectName();
    if (name == "undoAction") return kNoChange | kUndo;
    if (name == "redoAction") return kNoChange | kRedo;
    if (name == "newAction") return kNoChange | new_session_change(target);
    return kNoChange | kRecord | (target == Target::Images ? kReset : 0u);
  }

  Action key(const QString& name, Qt::Key key, Qt::KeyboardModifiers modifiers, unsigned allows,
             Target target) {
    return {name, target, allows, false, target == Target::Functions, [this, key, modifiers] {
              QTest::keyClick(key_target(), key, modifiers);
            }};
  }
  Action shortcut() {
    const Target target = editable();
    const unsigned edit = kNoChange | (target == Target::None ? 0u : kRecord);
    switch (dice_.between(0, 8)) {
      case 0:
      case 1:
        return key("Ctrl+Z", Qt::Key_Z, Qt::ControlModifier, kNoChange | kUndo, target);
      case 2:
        return key("Ctrl+Shift+Z", Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier,
                   kNoChange | kRedo, target);
      case 3:
        return key("Ctrl+Y", Qt::Key_Y, Qt::ControlModifier, kNoChange | kRedo, target);
      case 4:
        return key("Ctrl+Shift+Backspace", Qt::Key_Backspace,
                   Qt::ControlModifier | Qt::ShiftModifier, edit, target);
      case 5:
        return key("Ctrl+N", Qt::Key_N, Qt::ControlModifier,
                   kNoChange | (target == Target::None ? 0u : new_session_change(target)), target);
      case 6:
        return key("Delete", Qt::Key_Delete, Qt::NoModifier, edit, target);
      case 7:
        return key("Backspace", Qt::Key_Backspace, Qt::NoModifier, edit, target);
      default:
        return key("Ctrl+0", Qt::Key_0, Qt::ControlModifier, edit, target);
    }
  }
  Action common_action() {
    const int choice = dice_.between(0, 99);
    if (choice < 14) {
      const int view = dice_.between(1, 5);
      if (dice_.chance(0.7)) {
        return key(QStringLiteral("Ctrl+%1").arg(view), static_cast<Qt::Key>(Qt::Key_0 + view),
                   Qt::ControlModifier, kNoChange, Target::None);
      }
      return {QStringLiteral("click tab %1").arg(view),
              Target::None,
              kNoChange,
              false,
              false,
              [this, view] {
                auto* bar = find<QTabWidget>("views")->tabBar();
                QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(view - 1).center());
              }};
    }
    if (choice < 22) {
      const QSize size(dice_.between(640, 1500), dice_.between(420, 980));
      return {QStringLiteral("resize to %1x%2").arg(size.width()).arg(size.height()),
              Target::None,
              kNoChange,
              false,
              false,
              [this, size] { window_.resize(size); }};
    }
    if (choice < 60) return shortcut();
    if (choice < 80) {
      static const Qt::Key keys[] = {Qt::Key_Tab,  Qt::Key_Backtab, Qt::Key_Up,     Qt::Key_Down,
                                     Qt::Key_Left, Qt::Key_Right,   Qt::Key_PageUp, Qt::Key_Home,
                                     Qt::Key_End,  Qt::Key_Space,   Qt::Key_Return, Qt::Key_Escape};
      const Qt::Key pressed = keys[dice_.between(0, 11)];
      const Target target = editable();
      return {QStringLiteral("key %1").arg(QKeySequence(pressed).toString()),
              target,
              kNoChange | kRecord | kReset | kUndo | kRedo,
              false,
              target == Target::Functions,
              [this, pressed] { QTest::keyClick(key_target(), pressed); }};
    }
    if (choice < 88) {
      // Undo a few steps, then redo them: replaying the history both ways, one key at a time.
      const int steps = dice_.between(1, 12);
      const Target target = editable();
      for (int i = 0; i < steps; ++i) {
        queued_.push_back(key("Ctrl+Z", Qt::Key_Z, Qt::ControlModifier, kNoChange | kUndo, target));
      }
      for (int i = 0; i < steps; ++i) {
        queued_.push_back(key("Ctrl+Shift+Z", Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier,
                              kNoChange | kRedo, target));
      }
      return next();
    }
    const int ms = dice_.between(50, 400);
    return {QStringLiteral("wait %1 ms").arg(ms), Target::None, kNoChange, false, false, [ms] {
              QTest::qWait(ms);
            }};
  }

  /// Clicks one of the view's buttons or check boxes (never one that opens a dialog).
  Action click_control(QWidget* view, Target target) {
    QList<QAbstractButton*> buttons;
    for (auto* button : view->findChildren<QAbstractButton*>()) {
      if (button->isVisible() && button->isEnabled() && !opens_a_dialog(button)) buttons << button;
    }
    if (buttons.isEmpty()) return shortcut();
    QAbstractButton* button = buttons[dice_.between(0, static_cast<int>(buttons.size()) - 1)];
    const QString name = button->objectName().isEmpty() ? button->text() : button->objectName();
    return {QStringLiteral("click %1").arg(name),
            target,
            allows_for(button, target),
            false,
            target == Target::Functions,
            [this, button] {
              const bool run = button->objectName() == "runButton";
              const bool cancel = button->objectName() == "cancelButton";
              const bool start = button->objectName() == "startButton";
              const bool stop = button->objectName() == "stopButton";
              QTest::mouseClick(button, Qt::LeftButton);
              sweeps_started += run && window_.memory_view()->is_running();
              sweeps_cancelled += cancel;
              streams_started += start && window_.stream_view()->is_running();
              streams_stopped += stop;
            }};
  }
  /// Picks another entry of a combo box, as choosing it from its list does.
  Action choose(const char* combo_name, Target target, unsigned allows) {
    auto* combo = find<QComboBox>(combo_name);
    const int index = dice_.between(0, std::max(0, combo->count() - 1));
    return {QStringLiteral("%1 -> %2").arg(combo_name, combo->itemText(index)),
            target,
            allows,
            false,
            false,
            [combo, index] { combo->setCurrentIndex(index); }};
  }
  Action step_spin(const char* spin_name, Target target, unsigned allows) {
    auto* spin = find<QWidget>(spin_name);  // a spin box or a slider
    const bool up = dice_.chance(0.5);
    return {QStringLiteral("%1 %2").arg(spin_name, up ? "up" : "down"),
            target,
            allows,
            false,
            false,
            [spin, up] {
              spin->setFocus();
              QTest::keyClick(spin, up ? Qt::Key_Up : Qt::Key_Down);
            }};
  }

  // --- The views ---------------------------------------------------------------------------

  QPointF functions_spot() {
    auto& view = *window_.functions_view();
    const QRect area = view.plot()->axisRect()->rect();
    if (!view.points().empty() && dice_.chance(0.4)) {
      const auto& point =
          view.points()[dice_.between(0, static_cast<int>(view.points().size()) - 1)];
      return {view.plot()->xAxis->coordToPixel(point.x[0]),
              view.plot()->yAxis->coordToPixel(point.y[0])};
    }
    return {dice_.uniform(area.left(), area.right()), dice_.uniform(area.top(), area.bottom())};
  }
  QPointF images_spot() {
    const auto panel = static_cast<ImagePanels::Panel>(dice_.chance(0.85) ? dice_.between(0, 1)
                                                                          : dice_.between(2, 3));
    const int pixel = dice_.between(0, nplab::ui::ImagesView::kPixels - 1);
    return window_.images_view()->panels()->pixel_centre(panel, pixel);
  }
  Action mouse_on(QWidget* widget, Target target, QPointF at, bool hold) {
    const auto button = dice_.chance(0.75) ? Qt::LeftButton : Qt::RightButton;
    const QString what =
        QStringLiteral("%1 %2 at (%3, %4)")
            .arg(hold ? "press" : "click", button == Qt::LeftButton ? "left" : "right")
            .arg(at.x(), 0, 'f', 0)
            .arg(at.y(), 0, 'f', 0);
    return {what, target, kNoChange | kRecord, hold, false, [=, this] {
              send_mouse(widget, QEvent::MouseButtonPress, button, button, at);
              if (hold) {
                held_ = Hold{widget, button, target};
              } else {
                send_mouse(widget, QEvent::MouseButtonRelease, button, Qt::NoButton, at);
              }
            }};
  }
  Action functions_action() {
    auto* plot = window_.functions_view()->plot();
    const int choice = dice_.between(0, 99);
    if (choice < 30) return mouse_on(plot, Target::Functions, functions_spot(), false);
    if (choice < 45) return mouse_on(plot, Target::Functions, functions_spot(), true);
    if (choice < 53) return choose("modelPicker", Target::Functions, kNoChange);
    if (choice < 57) return choose("compareModelPicker", Target::Functions, kNoChange);
    if (choice < 62) return choose("truthKernel", Target::Functions, kNoChange | kRecord);
    if (choice < 67) return step_spin("truthLengthscale", Target::Functions, kNoChange | kRecord);
    return click_control(window_.functions_view(), Target::Functions);
  }
  Action images_action() {
    auto* panels = window_.images_view()->panels();
    const int choice = dice_.between(0, 99);
    if (choice < 28) return mouse_on(panels, Target::Images, images_spot(), false);
    if (choice < 45) return mouse_on(panels, Target::Images, images_spot(), true);
    if (choice < 52) {
      auto* slider = find<QSlider>("contextFraction");
      return {"press the context slider",
              Target::Images,
              kNoChange | kRecord,
              true,
              false,
              [this, slider] {
                slider->setSliderDown(true);
                held_ = Hold{slider, Qt::LeftButton, Target::Images};
              }};
    }
    if (choice < 57) return step_spin("contextFraction", Target::Images, kNoChange | kRecord);
    if (choice < 62) return choose("imageModelPicker", Target::Images, kNoChange);
    if (choice < 66) return choose("resolutionPicker", Target::Images, kNoChange);
    if (choice < 69) return step_spin("imageIndex", Target::Images, kNoChange | kReset);
    if (choice < 72) return step_spin("brushRadius", Target::Images, kNoChange);
    return click_control(window_.images_view(), Target::Images);
  }
  Action memory_action() {
    if (dice_.chance(0.15)) {
      auto* plot = window_.memory_view()->plot();
      return mouse_on(plot, Target::None,
                      QPointF(dice_.between(0, plot->width()), dice_.between(0, plot->height())),
                      false);
    }
    return click_control(window_.memory_view(), Target::None);
  }
  QPointF events_spot() {
    auto& view = *window_.events_view();
    const QRect area = view.plot()->axisRect()->rect();
    const double row = view.plot()->event_row_pixel();
    if (!view.events().empty() && dice_.chance(0.4)) {
      const auto& event =
          view.events()[dice_.between(0, static_cast<int>(view.events().size()) - 1)];
      return {view.plot()->xAxis->coordToPixel(event.time), row};
    }
    return {dice_.uniform(area.left(), area.right()),
            dice_.chance(0.5) ? row : dice_.uniform(area.top(), area.bottom())};
  }
  Action events_action() {
    auto* plot = window_.events_view()->plot();
    const int choice = dice_.between(0, 99);
    if (choice < 30) return mouse_on(plot, Target::Events, events_spot(), false);
    if (choice < 45) return mouse_on(plot, Target::Events, events_spot(), true);
    if (choice < 50) return choose("eventsModelPicker", Target::Events, kNoChange);
    if (choice < 56) return choose("eventsComparePicker", Target::Events, kNoChange);
    if (choice < 60) return choose("processPicker", Target::Events, kNoChange);
    if (choice < 63) return choose("markPicker", Target::Events, kNoChange);
    if (choice < 70) {
      // "Run 100 events" is among the buttons too; reveal next is the common one.
      return {"click revealNextButton", Target::Events, kNoChange | kRecord, false, false, [this] {
                QTest::mouseClick(find<QAbstractButton>("revealNextButton"), Qt::LeftButton);
              }};
    }
    return click_control(window_.events_view(), Target::Events);
  }
  Action stream_action() {
    const int choice = dice_.between(0, 99);
    if (choice < 8) return choose("streamModelPicker", Target::None, kNoChange);
    if (choice < 13) return choose("streamComparePicker", Target::None, kNoChange);
    if (choice < 18) return choose("ratePicker", Target::None, kNoChange);
    return click_control(window_.stream_view(), Target::None);
  }

  // --- While a button is held ---------------------------------------------------------------

  Action held_action() {
    const int choice = dice_.between(0, 99);
    if (choice < 15) return release_action();
    if (choice < 35) return shortcut();
    const Hold hold = *held_;
    if (auto* slider = qobject_cast<QSlider*>(hold.widget)) {
      const int position = dice_.between(0, 100);
      return {QStringLiteral("drag the context slider to %1").arg(position),
              hold.target,
              kNoChange,
              true,
              false,
              [slider, position] { slider->setSliderPosition(position); }};
    }
    const QPointF at = hold.target == Target::Functions ? functions_spot()
                       : hold.target == Target::Events  ? events_spot()
                                                        : images_spot();
    return {
        QStringLiteral("move to (%1, %2)").arg(at.x(), 0, 'f', 0).arg(at.y(), 0, 'f', 0),
        hold.target,
        kNoChange,
        true,
        false,
        [hold, at] { send_mouse(hold.widget, QEvent::MouseMove, Qt::NoButton, hold.button, at); }};
  }
  Action release_action() {
    const Hold hold = *held_;
    return {"release", hold.target, kNoChange, false, false, [this, hold] {
              if (auto* slider = qobject_cast<QSlider*>(hold.widget)) {
                slider->setSliderDown(false);
              } else {
                send_mouse(hold.widget, QEvent::MouseButtonRelease, hold.button, Qt::NoButton,
                           hold.widget->mapFromGlobal(QCursor::pos()));
              }
              held_.reset();
            }};
  }

  MainWindow& window_;
  Dice& dice_;
  std::optional<Hold> held_;
  std::deque<Action> queued_;
};

}  // namespace nplab::ui::testing

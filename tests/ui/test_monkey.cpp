// The GUI monkey: one seeded random stream of user actions over every view of the main window
// (clicks, drags, right clicks, keys and the views' shortcuts, undo/redo, model and view
// switches, resizes, sweeps and streams started and cancelled). After every action the
// Functions and Images views' points must be what their undo history explains, the Edit menu
// must agree with it, no modal dialog may have opened, and the event loop must never have been
// kept waiting over a second. NPLAB_MONKEY_SEED and NPLAB_MONKEY_ACTIONS rerun a failure.

#include <QAbstractButton>
#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QTabBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>
#include <deque>
#include <functional>

#include "function_plot.h"
#include "functions_view.h"
#include "image_panels.h"
#include "images_view.h"
#include "main_window.h"
#include "main_window_support.h"
#include "memory_view.h"
#include "monkey_support.h"
#include "stream_view.h"

using nplab::ui::FunctionsSnapshot;
using nplab::ui::ImagePanels;
using nplab::ui::MainWindow;
using namespace nplab::ui::testing;

namespace {

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
    return Target::None;
  }
  unsigned new_session_change(Target target) const {
    return target == Target::Images ? kReset : kRecord;
  }
  template <class T>
  T* find(const char* name) const {
    return window_.findChild<T*>(name);
  }

  /// The widget keys go to: the focused one, unless using it could open a file dialog.
  QWidget* key_target() const {
    QWidget* focus = QApplication::focusWidget();
    if (!focus || opens_a_dialog(focus)) {
      QWidget* safe = window_.current_view() == MainWindow::View::Images
                          ? static_cast<QWidget*>(window_.images_view()->panels())
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
      const int view = dice_.between(1, 4);
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
    const QPointF at = hold.target == Target::Functions ? functions_spot() : images_spot();
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

}  // namespace

class MonkeyTest : public QObject {
  Q_OBJECT

 private slots:
  void random_actions_keep_the_history_the_points_and_the_event_loop_whole() {
    const MonkeyRun run = MonkeyRun::from_environment();
    qInfo("monkey: seed %llu, %d actions; rerun: %s", static_cast<unsigned long long>(run.seed),
          run.actions, qPrintable(run.rerun_command()));
    QTemporaryDir settings;  // the hints it dismisses are not the person's
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings.path());
    QElapsedTimer clock;
    clock.start();

    MainWindow window(nullptr, "cpu");
    ErrorLog errors;
    errors.attach(window);
    make_runs_short(*window.memory_view(), *window.stream_view());
    window.resize(1200, 760);
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QVERIFY(settle(window));
    auto& functions = *window.functions_view();
    auto& images = *window.images_view();
    QVERIFY2(!functions.models().isEmpty() && functions.models().front().label.endsWith(".pt"),
             "the shipped checkpoints in models/ load");
    functions.set_random_seed(run.seed);
    images.set_random_seed(run.seed);

    HistoryWatch<FunctionsSnapshot> functions_watch("Functions", [&] {
      return timeline_of(functions.history(),
                         FunctionsSnapshot{functions.points(), functions.truth()});
    });
    HistoryWatch<std::vector<int>> images_watch(
        "Images", [&] { return timeline_of(images.history(), images.revealed()); });
    Dice dice(run.seed);
    Monkey monkey(window, dice);
    ModalGuard guard;
    EventLoopWatchdog watchdog;
    std::map<MainWindow::View, int> per_view;
    ActionLog recent;  // the last actions, for a failure's report
    bool reveal_may_be_pending = false;
    const bool verbose = qEnvironmentVariableIsSet("NPLAB_MONKEY_VERBOSE");
    watchdog.start();

    for (int done = 0; done < run.actions || monkey.holding(); ++done) {
      const Action action = done < run.actions ? monkey.next() : monkey.release();
      const auto view = window.current_view();
      ++per_view[view];
      recent.add(QStringLiteral("#%1 [%2] %3").arg(done).arg(int(view)).arg(action.name), verbose);
      if (action.gesture && action.name.startsWith("press")) {
        (action.target == Target::Functions ? functions_watch.gesture_boundary()
                                            : images_watch.gesture_boundary());
      }
      watchdog.set_doing(action.name);
      action.run();
      QTest::qWait(dice.chance(0.8) ? dice.between(1, 6) : dice.between(10, 40));
      if (action.may_reveal &&
          !QTest::qWaitFor([&] { return functions.is_settled(); }, kRevealWaitMs)) {
        reveal_may_be_pending = true;  // a reveal waits on a prediction still to come
      }
      watchdog.pause();
      guard.close_what_is_open();
      const auto allowed = [&](Target target) {
        unsigned allows = action.target == target ? action.allows : unsigned{kNoChange};
        if (target == Target::Functions && reveal_may_be_pending) allows |= kRecord;
        return allows;
      };
      const auto gesture_on = [&](Target target) {
        return action.gesture && action.target == target;
      };
      QString problem =
          functions_watch.check(action.name, gesture_on(Target::Functions),
                                allowed(Target::Functions), functions.history().capacity());
      if (problem.isEmpty()) {
        problem = images_watch.check(action.name, gesture_on(Target::Images),
                                     allowed(Target::Images), images.history().capacity());
      }
      if (reveal_may_be_pending && functions.is_settled()) reveal_may_be_pending = false;
      if (action.name == "release") {
        functions_watch.gesture_boundary();
        images_watch.gesture_boundary();
      }
      // The Edit menu says what the view on screen can do.
      const auto* editable = window.current_view() == MainWindow::View::Functions
                                 ? static_cast<const nplab::ui::EditableView*>(&functions)
                             : window.current_view() == MainWindow::View::Images ? &images
                                                                                 : nullptr;
      if (problem.isEmpty() &&
          menu_action(window, "undoAction")->isEnabled() != (editable && editable->can_undo())) {
        problem = "the Edit menu's Undo disagrees with the view's history";
      }
      if (problem.isEmpty() && !guard.seen().isEmpty()) {
        problem = "a modal dialog opened: " + guard.seen().join(", ");
      }
      if (!problem.isEmpty()) {
        QFAIL(qPrintable(QStringLiteral("%1\nseed %2, action %3; the last actions:\n  %4\n%5")
                             .arg(problem)
                             .arg(run.seed)
                             .arg(done)
                             .arg(recent.text(), run.rerun_command())));
      }
      watchdog.resume();
    }
    watchdog.stop();
    window.stream_view()->stop();
    window.memory_view()->cancel();
    qInfo(
        "monkey: %d actions in %.1f s (Functions %d, Images %d, Memory %d, Stream %d); "
        "largest event-loop gap %.0f ms (during \"%s\"), %lld watchdog ticks",
        run.actions, clock.elapsed() / 1000.0, per_view[MainWindow::View::Functions],
        per_view[MainWindow::View::Images], per_view[MainWindow::View::Memory],
        per_view[MainWindow::View::Stream], watchdog.largest_gap_ms(),
        qPrintable(watchdog.largest_gap_during()), static_cast<long long>(watchdog.ticks()));
    qInfo(
        "monkey: sweeps %d started, %d cancel clicks; streams %d started, %d stop clicks; "
        "%lld errors reported",
        monkey.sweeps_started, monkey.sweeps_cancelled, monkey.streams_started,
        monkey.streams_stopped, static_cast<long long>(errors.messages.size()));
    qInfo("monkey: Functions history: %s; Images history: %s", qPrintable(functions_watch.counts()),
          qPrintable(images_watch.counts()));
    for (const auto view : {MainWindow::View::Functions, MainWindow::View::Images,
                            MainWindow::View::Memory, MainWindow::View::Stream}) {
      QVERIFY2(run.actions < 100 || per_view[view] > 0, "every view is driven");
    }
    QVERIFY2(watchdog.largest_gap_ms() < kMaxStallMs,
             qPrintable(QStringLiteral("the event loop stalled %1 ms during \"%2\"; %3")
                            .arg(watchdog.largest_gap_ms())
                            .arg(watchdog.largest_gap_during(), run.rerun_command())));
  }
};

QTEST_MAIN(MonkeyTest)
#include "test_monkey.moc"

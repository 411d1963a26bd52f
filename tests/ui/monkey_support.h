#pragma once
// What the GUI monkey test (test_monkey.cpp) measures and checks beside its actions: the seed
// and action count it runs, a watchdog of the event loop, a guard against modal dialogs, a
// checker that every change of a view's points or events is one its undo history explains, and
// that the Events view's events stay a valid history.

#include <QAbstractButton>
#include <QApplication>
#include <QDialog>
#include <QElapsedTimer>
#include <QMouseEvent>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QWidget>
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>

#include "edit_history.h"
#include "memory_view.h"
#include "nplab/facade/event_explorer.h"
#include "stream_view.h"

namespace nplab::ui::testing {

/// The longest the event loop may be kept waiting.
constexpr double kMaxStallMs = 1000.0;
/// How long a reveal of the Functions view may wait for the prediction it needs.
constexpr int kRevealWaitMs = 10'000;

/// Short sweeps and streams, so that some finish between the starts and the cancels.
inline void make_runs_short(MemoryView& memory, StreamView& stream) {
  memory.sweep_options().targets = 16;
  memory.sweep_options().repeats = 1;
  memory.set_sizes({64, 256});
  stream.request_defaults().targets = 50;
  stream.request_defaults().sample_points = 200;
  stream.request_defaults().sample_every_seconds = 0.1;
  stream.use_generator(20'000);
}

/// The seed and the number of actions: NPLAB_MONKEY_SEED and NPLAB_MONKEY_ACTIONS when set.
struct MonkeyRun {
  static constexpr std::uint64_t kDefaultSeed = 24;
  static constexpr int kDefaultActions = 2000;
  std::uint64_t seed = kDefaultSeed;
  int actions = kDefaultActions;

  static MonkeyRun from_environment() {
    MonkeyRun run;
    if (const char* seed = std::getenv("NPLAB_MONKEY_SEED"); seed && *seed) {
      run.seed = std::strtoull(seed, nullptr, 10);
    }
    if (const char* actions = std::getenv("NPLAB_MONKEY_ACTIONS"); actions && *actions) {
      run.actions = std::max(1, std::atoi(actions));
    }
    return run;
  }
  QString rerun_command() const {
    return QStringLiteral(
               "NPLAB_MONKEY_SEED=%1 NPLAB_MONKEY_ACTIONS=%2 ctest -R '^ui.monkey$' "
               "--output-on-failure")
        .arg(seed)
        .arg(actions);
  }
};

/// The random choices of one run, all from one seeded engine.
class Dice {
 public:
  explicit Dice(std::uint64_t seed) : engine_(seed) {}
  /// An integer in [low, high].
  int between(int low, int high) { return std::uniform_int_distribution<int>(low, high)(engine_); }
  double uniform(double low, double high) {
    return std::uniform_real_distribution<double>(low, high)(engine_);
  }
  bool chance(double probability) { return uniform(0.0, 1.0) < probability; }
  std::uint64_t raw() { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

/// The last actions run, for the report of a failure.
class ActionLog {
 public:
  void add(const QString& action, bool print) {
    last_ << action;
    if (last_.size() > 25) last_.removeFirst();
    if (print) qInfo("%s", qPrintable(action));
  }
  QString text() const { return last_.join(QStringLiteral("\n  ")); }

 private:
  QStringList last_;
};

/// The largest gap between the ticks of a fast timer on the GUI thread: how long the event loop
/// was kept from running. Paused while the test itself checks (that time is the test's own).
class EventLoopWatchdog : public QObject {
 public:
  static constexpr int kTickMs = 10;

  EventLoopWatchdog() {
    timer_.setTimerType(Qt::PreciseTimer);
    timer_.setInterval(kTickMs);
    connect(&timer_, &QTimer::timeout, this, &EventLoopWatchdog::tick);
  }
  void start() {
    clock_.start();
    last_tick_ns_ = clock_.nsecsElapsed();
    timer_.start();
  }
  void stop() { timer_.stop(); }
  /// Stops counting (ticks while paused are not gaps of the app's).
  void pause() {
    tick();
    paused_ = true;
  }
  void resume() {
    paused_ = false;
    last_tick_ns_ = clock_.nsecsElapsed();
  }
  /// What the app was doing, for the report of the largest gap.
  void set_doing(const QString& doing) { doing_ = doing; }
  double largest_gap_ms() const { return static_cast<double>(largest_gap_ns_) / 1e6; }
  const QString& largest_gap_during() const { return largest_gap_during_; }
  std::int64_t ticks() const { return ticks_; }

 private:
  void tick() {
    if (paused_) return;
    const qint64 now = clock_.nsecsElapsed();
    if (now - last_tick_ns_ > largest_gap_ns_) {
      largest_gap_ns_ = now - last_tick_ns_;
      largest_gap_during_ = doing_;
    }
    last_tick_ns_ = now;
    ++ticks_;
  }

  QTimer timer_;
  QElapsedTimer clock_;
  qint64 last_tick_ns_ = 0;
  qint64 largest_gap_ns_ = 0;
  std::int64_t ticks_ = 0;
  bool paused_ = false;
  QString doing_;
  QString largest_gap_during_;
};

/// Closes any modal dialog or popup an action opened (a modal one would wait for a person
/// forever) and remembers the modal ones: the monkey must never open one. Its timer also runs
/// inside a dialog's own event loop.
class ModalGuard : public QObject {
 public:
  ModalGuard() {
    connect(&timer_, &QTimer::timeout, this, &ModalGuard::close_what_is_open);
    timer_.start(100);
  }
  void close_what_is_open() {
    if (auto* popup = QApplication::activePopupWidget()) popup->close();
    if (auto* modal = QApplication::activeModalWidget()) {
      seen_ << QStringLiteral("%1 \"%2\"")
                   .arg(modal->metaObject()->className(), modal->windowTitle());
      if (auto* dialog = qobject_cast<QDialog*>(modal)) {
        dialog->reject();
      } else {
        modal->close();
      }
    }
  }
  const QStringList& seen() const { return seen_; }

 private:
  QTimer timer_;
  QStringList seen_;
};

/// A view's edit state: the undo stack, what is shown, the redo stack.
template <class Snapshot>
struct Timeline {
  std::deque<Snapshot> undo;
  Snapshot current;
  std::deque<Snapshot> redo;
  friend bool operator==(const Timeline&, const Timeline&) = default;
};

template <class Snapshot>
Timeline<Snapshot> timeline_of(const SnapshotHistory<Snapshot>& history, Snapshot current) {
  return {history.undo_stack(), std::move(current), history.redo_stack()};
}

/// The ways a timeline may change between two looks; an action allows some of them.
enum Change : unsigned {
  kNoChange = 1u << 0,
  kUndo = 1u << 1,      ///< back to the top of the undo stack; what was shown is redoable
  kRedo = 1u << 2,      ///< the mirror image
  kRecord = 1u << 3,    ///< one or more edits: what was shown is now on the undo stack, no redo
  kContinue = 1u << 4,  ///< the shown state changed, the stacks did not: a stroke or drag goes on
  kReset = 1u << 5,     ///< a new history (the Images view's new image)
};

inline QString describe_changes(unsigned changes) {
  QStringList names;
  const std::pair<Change, const char*> all[] = {{kNoChange, "no change"}, {kUndo, "undo"},
                                                {kRedo, "redo"},          {kRecord, "record"},
                                                {kContinue, "continue"},  {kReset, "reset"}};
  for (const auto& [change, name] : all) {
    if (changes & change) names << QString::fromLatin1(name);
  }
  return names.isEmpty() ? QStringLiteral("nothing the history explains") : names.join(" or ");
}

/// Every change that explains going from `before` to `after` (0 when none does). Replaying the
/// history: an undo must show exactly the state recorded last and keep what was shown for redo;
/// an edit must record exactly what was shown before it (the oldest records dropping out past
/// `capacity`) and forget the redo stack.
template <class Snapshot>
unsigned explain(const Timeline<Snapshot>& before, const Timeline<Snapshot>& after,
                 std::size_t capacity) {
  if (after == before) return kNoChange;
  unsigned changes = 0;
  const auto stepped =
      [](const Timeline<Snapshot>& from, const Timeline<Snapshot>& to,
         const std::deque<Snapshot>& from_source, const std::deque<Snapshot>& to_source,
         const std::deque<Snapshot>& from_target, const std::deque<Snapshot>& to_target) {
        if (from_source.empty() || to.current != from_source.back()) return false;
        if (to_source.size() + 1 != from_source.size() ||
            !std::equal(to_source.begin(), to_source.end(), from_source.begin())) {
          return false;
        }
        auto expected_target = from_target;
        expected_target.push_back(from.current);
        return to_target == expected_target;
      };
  if (stepped(before, after, before.undo, after.undo, before.redo, after.redo)) changes |= kUndo;
  if (stepped(before, after, before.redo, after.redo, before.undo, after.undo)) changes |= kRedo;
  if (after.redo.empty()) {
    auto recorded = before.undo;
    recorded.push_back(before.current);
    // k edits in one look: the first records `before.current`, the later ones states never seen.
    for (std::size_t unseen = 0; unseen < capacity + 1; ++unseen) {
      const std::size_t total = recorded.size() + unseen;
      const std::size_t dropped = total > capacity ? total - capacity : 0;
      if (after.undo.size() != total - dropped) continue;
      if (dropped >= recorded.size() ||
          std::equal(recorded.begin() + static_cast<std::ptrdiff_t>(dropped), recorded.end(),
                     after.undo.begin())) {
        changes |= kRecord;
        break;
      }
    }
  }
  if (after.undo == before.undo && after.redo == before.redo && after.redo.empty()) {
    changes |= kContinue;
  }
  if (after.undo.empty() && after.redo.empty()) changes |= kReset;
  return changes;
}

/// Checks one view's timeline after each action: the change must be one the action allows. A
/// gesture (a press or move of a held button) may go on changing what it recorded last.
template <class Snapshot>
class HistoryWatch {
 public:
  HistoryWatch(const char* view, std::function<Timeline<Snapshot>()> look)
      : view_(view), look_(std::move(look)), last_(look_()) {}

  QString check(const QString& action, bool gesture, unsigned allows, std::size_t capacity) {
    const auto now = look_();
    const unsigned explained = explain(last_, now, capacity);
    if (gesture) {
      allows |= kNoChange | kRecord | (continuing_ ? kContinue : 0u);
    }
    const unsigned legal = explained & allows;
    QString problem;
    if (!legal) {
      problem = QStringLiteral(
                    "%1 view after \"%2\": its points changed by %3 (allowed: %4); "
                    "undo stack %5 -> %6, redo stack %7 -> %8")
                    .arg(view_, action, describe_changes(explained), describe_changes(allows))
                    .arg(last_.undo.size())
                    .arg(now.undo.size())
                    .arg(last_.redo.size())
                    .arg(now.redo.size());
    }
    for (const Change change : {kNoChange, kUndo, kRedo, kReset, kRecord, kContinue}) {
      if (!(legal & change)) continue;
      ++counts_[change];
      if (change == kRecord && gesture) continuing_ = true;
      if (change != kNoChange && change != kContinue && !gesture) continuing_ = false;
      break;
    }
    last_ = now;
    return problem;
  }
  /// A new press starts a new stroke; a release ends it.
  void gesture_boundary() { continuing_ = false; }
  QString counts() const {
    QStringList parts;
    for (const auto& [change, count] : counts_) {
      parts << QStringLiteral("%1 %2").arg(describe_changes(change)).arg(count);
    }
    return parts.join(", ");
  }

 private:
  const char* view_;
  std::function<Timeline<Snapshot>()> look_;
  Timeline<Snapshot> last_;
  bool continuing_ = false;
  std::map<unsigned, int> counts_;
};

enum class Target { None, Functions, Images, Events };

/// One user action and the history changes it may make on the view it acts on.
struct Action {
  QString name;
  Target target = Target::None;
  unsigned allows = kNoChange;
  bool gesture = false;     // a press or move of a held button: it may continue its stroke
  bool may_reveal = false;  // may ask the Functions view to reveal a point later
  std::function<void()> run;
};

void send_mouse(QWidget* widget, QEvent::Type type, Qt::MouseButton button,
                Qt::MouseButtons buttons, QPointF at) {
  QMouseEvent event(type, at, widget->mapToGlobal(at), button, buttons, Qt::NoModifier);
  QApplication::sendEvent(widget, &event);
}

/// Why `events` is not a history the Events view may show (times not increasing or not
/// positive, a mark out of range), or "".
inline QString events_problem(const std::vector<facade::MarkedEvent>& events, int marks) {
  const auto problem = facade::event_history_problem(events, marks);
  return problem.empty()
             ? QString()
             : QStringLiteral("the Events view's events: %1").arg(QString::fromStdString(problem));
}

/// A control whose use opens a file dialog (which would wait for a person).
bool opens_a_dialog(const QWidget* widget) {
  for (; widget; widget = widget->parentWidget()) {
    if (widget->objectName() == "sourcePicker") return true;
    const auto* button = qobject_cast<const QAbstractButton*>(widget);
    if (button && button->text().contains(QStringLiteral("…")) &&
        button->objectName() != "streamButton") {
      return true;
    }
  }
  return false;
}

}  // namespace nplab::ui::testing

// The GUI monkey: one seeded random stream of user actions over every view of the main window
// (clicks, drags, right clicks, keys and the views' shortcuts, undo/redo, model and view
// switches, resizes, sweeps and streams started and cancelled, events revealed and models
// compared). After every action the Functions, Images and Events views' points and events must
// be what their undo history explains (the events also in time order), the Edit menu must agree
// with it, no modal dialog may have opened, and the event loop must never have been kept waiting
// over a second. NPLAB_MONKEY_SEED and NPLAB_MONKEY_ACTIONS rerun a failure.

#include <QElapsedTimer>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>
#include <map>

#include "main_window.h"
#include "main_window_support.h"
#include "monkey_actions.h"
#include "monkey_support.h"

using nplab::facade::MarkedEvent;
using nplab::ui::EventsView;
using nplab::ui::FunctionsSnapshot;
using nplab::ui::MainWindow;
using namespace nplab::ui::testing;

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
    auto& events = *window.events_view();
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
    HistoryWatch<std::vector<MarkedEvent>> events_watch(
        "Events", [&] { return timeline_of(events.history(), events.events()); });
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
        if (action.target == Target::Functions) functions_watch.gesture_boundary();
        if (action.target == Target::Images) images_watch.gesture_boundary();
        if (action.target == Target::Events) events_watch.gesture_boundary();
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
      if (problem.isEmpty()) {
        problem = events_watch.check(action.name, gesture_on(Target::Events),
                                     allowed(Target::Events), events.history().capacity());
      }
      if (problem.isEmpty()) problem = events_problem(events.events(), EventsView::kMarks);
      if (reveal_may_be_pending && functions.is_settled()) reveal_may_be_pending = false;
      if (action.name == "release") {
        functions_watch.gesture_boundary();
        images_watch.gesture_boundary();
        events_watch.gesture_boundary();
      }
      // The Edit menu says what the view on screen can do.
      const nplab::ui::EditableView* editable = nullptr;
      if (window.current_view() == MainWindow::View::Functions) editable = &functions;
      if (window.current_view() == MainWindow::View::Images) editable = &images;
      if (window.current_view() == MainWindow::View::Events) editable = &events;
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
        "monkey: %d actions in %.1f s (Functions %d, Images %d, Memory %d, Stream %d, Events %d); "
        "largest event-loop gap %.0f ms (during \"%s\"), %lld watchdog ticks",
        run.actions, clock.elapsed() / 1000.0, per_view[MainWindow::View::Functions],
        per_view[MainWindow::View::Images], per_view[MainWindow::View::Memory],
        per_view[MainWindow::View::Stream], per_view[MainWindow::View::Events],
        watchdog.largest_gap_ms(), qPrintable(watchdog.largest_gap_during()),
        static_cast<long long>(watchdog.ticks()));
    qInfo(
        "monkey: sweeps %d started, %d cancel clicks; streams %d started, %d stop clicks; "
        "%lld errors reported",
        monkey.sweeps_started, monkey.sweeps_cancelled, monkey.streams_started,
        monkey.streams_stopped, static_cast<long long>(errors.messages.size()));
    qInfo("monkey: Functions history: %s; Images history: %s; Events history: %s",
          qPrintable(functions_watch.counts()), qPrintable(images_watch.counts()),
          qPrintable(events_watch.counts()));
    for (const auto view :
         {MainWindow::View::Functions, MainWindow::View::Images, MainWindow::View::Memory,
          MainWindow::View::Stream, MainWindow::View::Events}) {
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

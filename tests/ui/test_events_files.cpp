// The Events view's files through the main window: a session keeps its events, hidden process
// and compared model.

#include <QDir>
#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include "events_view.h"
#include "main_window.h"
#include "main_window_support.h"

using nplab::facade::MarkedEvent;
using nplab::ui::EventsView;
using nplab::ui::MainWindow;
using namespace nplab::ui::testing;

namespace {

bool settle_events(MainWindow& window) {
  return QTest::qWaitFor([&] { return window.events_view()->is_settled(); }, kSettleTimeoutMs);
}

}  // namespace

class EventsFilesTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings_.path());
  }

  void a_session_keeps_the_events_the_process_and_the_compared_model() {
    QTemporaryDir dir;
    const QString path = dir.filePath("events.nplab.json");
    std::vector<MarkedEvent> events;
    nplab::facade::EventProcessSpec process;
    {
      MainWindow window;
      auto& view = *window.events_view();
      view.select_model(index_of_label(view, "untrained: cmhp"));
      view.set_compare_model(index_of_label(view, "untrained: thp"));
      process = {nplab::facade::EventProcessKind::Poisson, 31, 3};
      view.set_process(process);
      view.add_event(1.5, 1);
      view.reveal(4);
      QVERIFY(settle_events(window));
      events = view.events();
      window.show_view(MainWindow::View::Events);
      QVERIFY(window.save_session(path));
    }
    MainWindow reopened;
    ErrorLog errors;
    errors.attach(reopened);
    QVERIFY(reopened.open_session(path));
    QVERIFY2(errors.messages.isEmpty(), qPrintable(errors.messages.join("\n")));
    const auto& view = *reopened.events_view();
    QCOMPARE(reopened.current_view(), MainWindow::View::Events);
    QCOMPARE(view.events(), events);
    QVERIFY(view.process_spec() == process);
    QCOMPARE(view.models()[view.current_model()].label, QString("untrained: cmhp"));
    QVERIFY(view.comparing());
    QCOMPARE(view.models()[view.compare_model()].label, QString("untrained: thp"));
    QVERIFY(settle_events(reopened));
    QVERIFY(view.shown()->compare && view.shown()->compare->ok());
    QCOMPARE(view.shown()->compare->update.count, static_cast<std::int64_t>(events.size()));

    // Without a compared model the saved session stops comparing when opened.
    reopened.events_view()->set_compare_model(-1);
    QVERIFY(reopened.save_session(path));
    MainWindow third;
    third.events_view()->set_compare_model(index_of_label(*third.events_view(), "untrained: thp"));
    QVERIFY(third.open_session(path));
    QVERIFY(!third.events_view()->comparing());
  }

 private:
  QTemporaryDir settings_;  // the hints dismissed here are not the person's
};

QTEST_MAIN(EventsFilesTest)
#include "test_events_files.moc"

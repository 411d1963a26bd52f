// The Events view's files through the main window: a session keeps its events, hidden process
// and compared model; event CSVs are imported as one undoable edit and exported so that they read
// back; a bad CSV is reported by file and line and the events stay.

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

  void importing_an_event_csv_replaces_the_events_as_one_undoable_edit() {
    QTemporaryDir dir;
    MainWindow window;
    ErrorLog errors;
    errors.attach(window);
    auto& view = *window.events_view();
    view.add_event(0.5, 0);
    const auto before = view.events();
    const QString good = write_file(dir, "good.csv",
                                    "sequence,time,mark\n"
                                    "first,0.25,2\nfirst,1.5,0\nfirst,2.75,1\n"
                                    "second,0.1,0\n");
    QVERIFY(window.import_events(good));
    QVERIFY2(errors.messages.isEmpty(), qPrintable(errors.messages.join("\n")));
    QCOMPARE(window.current_view(), MainWindow::View::Events);
    const std::vector<MarkedEvent> imported{{0.25, 2}, {1.5, 0}, {2.75, 1}};
    QCOMPARE(view.events(), imported);
    QVERIFY(settle_events(window));
    QCOMPARE(view.shown()->update.count, std::int64_t{3});
    view.undo();
    QCOMPARE(view.events(), before);
    view.redo();
    QCOMPARE(view.events(), imported);
  }

  void a_bad_event_csv_names_its_line_and_keeps_the_events() {
    QTemporaryDir dir;
    MainWindow window;
    ErrorLog errors;
    errors.attach(window);
    auto& view = *window.events_view();
    view.add_event(0.5, 0);
    view.add_event(1.0, 2);
    const auto before = view.events();
    const struct {
      const char* name;
      QByteArray text;
    } bad_files[] = {
        {"unsorted.csv", "sequence,time,mark\na,2.0,0\na,1.0,1\n"},
        {"negative.csv", "sequence,time,mark\na,-1.0,0\n"},
        {"mark.csv", "sequence,time,mark\na,1.0,0\na,2.0,7\n"},
        {"nan.csv", "sequence,time,mark\na,nan,0\n"},
    };
    for (const auto& bad : bad_files) {
      errors.messages.clear();
      QVERIFY(!window.import_events(write_file(dir, bad.name, bad.text)));
      QCOMPARE(errors.messages.size(), qsizetype{1});
      const QString expected_place =
          QStringLiteral("%1:%2").arg(bad.name).arg(bad.text.count('\n'));
      QVERIFY2(errors.messages.front().contains(expected_place),
               qPrintable(errors.messages.front() + " lacks " + expected_place));
      QCOMPARE(view.events(), before);
    }
    errors.messages.clear();
    QVERIFY(!window.import_events(dir.filePath("missing.csv")));
    QVERIFY2(errors.messages.front().contains("missing.csv"), qPrintable(errors.messages.front()));
    QCOMPARE(view.events(), before);
    view.undo();  // the bad imports recorded nothing: undo takes back the last click
    QCOMPARE(view.events().size(), size_t{1});
  }

  void exported_events_import_back_unchanged() {
    QTemporaryDir dir;
    MainWindow window;
    auto& view = *window.events_view();
    view.add_event(0.75, 1);
    view.reveal(20);
    const auto events = view.events();
    const QString path = dir.filePath("out.csv");
    QVERIFY(window.export_events(path));
    // Written through a temporary file renamed over the target: nothing else is left beside it.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"out.csv"});
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().startsWith("sequence,time,mark\n"));
    view.clear_points();
    QVERIFY(view.events().empty());
    QVERIFY(window.import_events(path));
    QCOMPARE(view.events(), events);

    ErrorLog errors;
    errors.attach(window);
    QVERIFY(!window.export_events(dir.filePath("no/such/folder/out.csv")));
    QCOMPARE(errors.messages.size(), qsizetype{1});
    QCOMPARE(view.events(), events);
  }

 private:
  QTemporaryDir settings_;  // the hints dismissed here are not the person's
};

QTEST_MAIN(EventsFilesTest)
#include "test_events_files.moc"

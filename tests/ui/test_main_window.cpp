// The application frame: three views, menus, an About box.

#include <QAction>
#include <QMenuBar>
#include <QMessageBox>
#include <QTabWidget>
#include <QTimer>
#include <QtTest>

#include "main_window.h"
#include "nplab/build_info.h"

class MainWindowTest : public QObject {
  Q_OBJECT

 private slots:
  void has_three_views_and_switches_between_them() {
    nplab::ui::MainWindow window;
    auto* views = window.findChild<QTabWidget*>("views");
    QVERIFY(views != nullptr);
    QCOMPARE(views->count(), 3);
    window.show_view(nplab::ui::MainWindow::View::Memory);
    QCOMPARE(views->currentIndex(), 2);
    QVERIFY(window.current_view() == nplab::ui::MainWindow::View::Memory);
  }

  void menus_are_present() {
    nplab::ui::MainWindow window;
    QStringList titles;
    for (auto* action : window.menuBar()->actions()) titles << action->text().remove('&');
    QVERIFY(titles.contains("File"));
    QVERIFY(titles.contains("View"));
    QVERIFY(titles.contains("Help"));
  }

  void about_box_names_the_app_and_version() {
    nplab::ui::MainWindow window;
    window.show();
    QString seen_text;
    // The box is modal: inspect and close it from the event loop.
    QTimer::singleShot(0, [&] {
      for (auto* widget : QApplication::topLevelWidgets()) {
        if (auto* box = qobject_cast<QMessageBox*>(widget); box && box->isVisible()) {
          seen_text = box->text();
          box->accept();
        }
      }
    });
    window.findChild<QAction*>("aboutAction")->trigger();
    QVERIFY(seen_text.contains("NPLab"));
    QVERIFY(seen_text.contains(QString::fromUtf8(nplab::kVersion)));
  }
};

QTEST_MAIN(MainWindowTest)
#include "test_main_window.moc"

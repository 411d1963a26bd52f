// The application frame: the views, menus and their shortcuts, the first minute (hints, tooltips,
// title), the shortcuts overlay, the About box and the command-line options. Sessions, examples,
// CSV points and plot export are in test_main_window_files.cpp.

#include <qcustomplot.h>

#include <QAbstractButton>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>
#include <QtTest>

#include "bo_view.h"
#include "events_view.h"
#include "first_run_hint.h"
#include "function_plot.h"
#include "functions_view.h"
#include "image_panels.h"
#include "images_view.h"
#include "main_window.h"
#include "main_window_support.h"
#include "memory_view.h"
#include "nplab/build_info.h"
#include "stream_view.h"

using nplab::ui::MainWindow;

using namespace nplab::ui::testing;

class MainWindowTest : public QObject {
  Q_OBJECT

 private slots:
  void shortcuts_dialog_and_model_pickers_show_their_texts_whole() {
    nplab::ui::MainWindow window(nullptr, "cpu");
    window.show();
    window.show_shortcuts();
    auto* dialog = window.findChild<QDialog*>("shortcutsDialog");
    QVERIFY(dialog && QTest::qWaitForWindowExposed(dialog));
    for (auto* table : dialog->findChildren<QTableWidget*>()) {
      for (int row = 0; row < table->rowCount(); ++row) {
        const auto* item = table->item(row, 1);
        const int needed = table->fontMetrics().horizontalAdvance(item->text());
        const int shown = table->viewport()->width() - table->columnWidth(0);
        QVERIFY2(needed <= shown, qPrintable(item->text()));
      }
    }
    // The mouse table covers every view that takes clicks on its plot.
    const auto tables = dialog->findChildren<QTableWidget*>();
    QVERIFY(tables.size() == 2);
    QStringList mouse_rows;
    for (int row = 0; row < tables.back()->rowCount(); ++row) {
      mouse_rows << tables.back()->item(row, 1)->text();
    }
    for (const auto* view : {"Functions:", "Images:", "Events:", "BO:"}) {
      QVERIFY2(!mouse_rows.filter(QString::fromLatin1(view)).isEmpty(), view);
    }
    for (auto* combo : {window.images_view()->findChild<QComboBox*>("imageModelPicker"),
                        window.functions_view()->findChild<QComboBox*>("modelPicker")}) {
      if (!combo) continue;
      for (int i = 0; i < combo->count(); ++i) {
        QVERIFY2(combo->fontMetrics().horizontalAdvance(combo->itemText(i)) <
                     combo->minimumSizeHint().width() - 20,
                 qPrintable(combo->itemText(i)));
      }
    }
  }

  void comparing_two_models_never_widens_the_window() {
    nplab::ui::MainWindow window(nullptr, "cpu");
    window.resize(1000, 700);  // a projector's window
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto& functions = *window.functions_view();
    functions.set_compare_model(functions.models().size() - 1);
    functions.add_point(0.0, 0.5);
    QVERIFY(QTest::qWaitFor([&] { return functions.is_settled(); }, 30'000));
    QCoreApplication::processEvents();
    QCOMPARE(window.width(), 1000);
  }

  void every_menu_shortcut_works_from_any_window_of_the_app() {
    nplab::ui::MainWindow window;
    int checked = 0;
    for (auto* entry : window.menuBar()->actions()) {
      if (!entry->menu()) continue;
      for (const auto* action : entry->menu()->actions()) {
        if (action->shortcuts().isEmpty()) continue;
        QVERIFY2(action->shortcutContext() == Qt::ApplicationShortcut, qPrintable(action->text()));
        ++checked;
      }
    }
    QVERIFY(checked >= 10);
  }

  void first_run_hints_show_once_and_a_dismissal_is_remembered() {
    QTemporaryDir settings;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings.path());
    nplab::ui::FirstRunHint::forget_dismissals();
    const QStringList keys{"functions", "images", "memory", "stream"};
    {
      MainWindow window(nullptr, "cpu");
      window.show();
      for (const auto& key : keys) {
        auto* hint = window.findChild<nplab::ui::FirstRunHint*>("hint_" + key);
        QVERIFY2(hint, qPrintable(key));
        QVERIFY2(!hint->isHidden(), qPrintable(key));
        QVERIFY(hint->text().size() > 40);  // says what to do, not just a title
      }
      window.findChild<nplab::ui::FirstRunHint*>("hint_functions")
          ->findChild<QToolButton*>("dismissHint")
          ->click();
      QVERIFY(window.findChild<nplab::ui::FirstRunHint*>("hint_functions")->isHidden());
      // The plot does not move under the pointer for it: the hint never blocks a click.
    }
    {
      MainWindow window(nullptr, "cpu");
      QVERIFY(window.findChild<nplab::ui::FirstRunHint*>("hint_functions")->isHidden());
      QVERIFY(!window.findChild<nplab::ui::FirstRunHint*>("hint_images")->isHidden());
      menu_action(window, "showHintsAction")->trigger();
      QVERIFY(!window.findChild<nplab::ui::FirstRunHint*>("hint_functions")->isHidden());
    }
    MainWindow again(nullptr, "cpu");
    QVERIFY(!again.findChild<nplab::ui::FirstRunHint*>("hint_functions")->isHidden());
    again.hide_hints();
    for (const auto& key : keys) {
      QVERIFY(again.findChild<nplab::ui::FirstRunHint*>("hint_" + key)->isHidden());
    }
  }

  void every_control_of_every_view_has_a_tooltip() {
    MainWindow window(nullptr, "cpu");
    QStringList missing;
    for (auto* view :
         {static_cast<QWidget*>(window.functions_view()),
          static_cast<QWidget*>(window.images_view()), static_cast<QWidget*>(window.memory_view()),
          static_cast<QWidget*>(window.stream_view()),
          static_cast<QWidget*>(window.events_view())}) {
      for (auto* control : view->findChildren<QWidget*>()) {
        const bool is_control =
            qobject_cast<QAbstractButton*>(control) || qobject_cast<QComboBox*>(control) ||
            qobject_cast<QAbstractSpinBox*>(control) || qobject_cast<QAbstractSlider*>(control) ||
            qobject_cast<QLineEdit*>(control);
        // A spin box's or combo box's own line edit is part of it, not a control of its own.
        const bool inner = qobject_cast<QLineEdit*>(control) &&
                           (qobject_cast<QAbstractSpinBox*>(control->parentWidget()) ||
                            qobject_cast<QComboBox*>(control->parentWidget()));
        // Scroll bars belong to the lists and plots they scroll.
        if (!is_control || inner || qobject_cast<QScrollBar*>(control)) continue;
        const auto* action_button = qobject_cast<QToolButton*>(control);
        const QString tip = action_button && action_button->defaultAction()
                                ? action_button->defaultAction()->toolTip()
                                : control->toolTip();
        if (tip.trimmed().isEmpty()) {
          missing << QStringLiteral("%1/%2 (%3)")
                         .arg(view->objectName(), control->objectName(),
                              control->metaObject()->className());
        }
      }
    }
    QVERIFY2(missing.isEmpty(), qPrintable(missing.join(", ")));
  }

  void the_title_and_status_bar_say_which_model_runs_where() {
    MainWindow window(nullptr, "cpu");
    window.show();
    QVERIFY(settle(window));
    QVERIFY2(window.windowTitle().contains(" on cpu"), qPrintable(window.windowTitle()));
    const auto& functions = *window.functions_view();
    const QString label = functions.models()[functions.current_model()].label;
    QVERIFY2(window.windowTitle().contains(label), qPrintable(window.windowTitle()));
    auto* corner = window.findChild<QLabel*>("modelStatus");
    QVERIFY(corner);
    QCOMPARE(corner->text(), window.model_in_use());
    window.show_view(MainWindow::View::Memory);
    QCOMPARE(window.model_in_use(), QString("measuring on cpu"));
    QVERIFY(window.windowTitle().contains("measuring on cpu"));
    window.show_view(MainWindow::View::Images);
    const auto& images = *window.images_view();
    QVERIFY(window.windowTitle().contains(images.models()[images.current_model()].label));
  }

  void each_view_says_what_to_do_while_it_is_empty() {
    MainWindow window(nullptr, "cpu");
    window.show();
    QVERIFY(settle(window));
    auto& functions = *window.functions_view();
    auto* plot = qobject_cast<nplab::ui::FunctionPlot*>(functions.plot());
    QVERIFY(plot);
    QVERIFY(plot->shows_empty_note());
    functions.add_point(0.5, 0.5);
    QVERIFY(!plot->shows_empty_note());
    functions.clear_points();
    QVERIFY(plot->shows_empty_note());
    for (auto* view : {static_cast<QWidget*>(window.memory_view()),
                       static_cast<QWidget*>(window.stream_view())}) {
      auto* note = view->findChild<QCustomPlot*>()->findChild<QCPItemText*>("plotNote");
      QVERIFY2(note && note->visible(), qPrintable(view->objectName()));
      QVERIFY(note->text().startsWith("Press "));
    }
  }

  void the_legend_lays_out_again_in_one_row_when_the_overlays_are_shown() {
    MainWindow window(nullptr, "cpu");
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto& functions = *window.functions_view();
    functions.set_overlays(true, true);  // seven items, after the window had its size
    QTRY_COMPARE(functions.plot()->legend->itemCount(), 7);
    QCOMPARE(functions.plot()->legend->rowCount(), 1);
  }

  void a_small_window_scrolls_its_views_and_1280_by_800_needs_no_scrolling() {
    MainWindow window(nullptr, "cpu");
    window.hide_hints();
    window.resize(400, 300);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const std::array<std::pair<MainWindow::View, QWidget*>, 4> views{{
        {MainWindow::View::Functions, window.functions_view()},
        {MainWindow::View::Images, window.images_view()},
        {MainWindow::View::Memory, window.memory_view()},
        {MainWindow::View::Stream, window.stream_view()},
    }};
    for (const auto& [which, view] : views) {
      window.show_view(which);
      QApplication::processEvents();
      // Never squashed below what its controls need: the tab scrolls instead.
      QVERIFY2(view->width() >= view->minimumSizeHint().width(), qPrintable(view->objectName()));
      QVERIFY2(view->height() >= view->minimumSizeHint().height(), qPrintable(view->objectName()));
      auto* area = qobject_cast<QScrollArea*>(view->parentWidget()->parentWidget());
      QVERIFY(area);
      QVERIFY(area->horizontalScrollBar()->maximum() > 0 ||
              area->verticalScrollBar()->maximum() > 0);
    }
    window.resize(1280, 800);
    for (const auto& [which, view] : views) {
      window.show_view(which);
      QApplication::processEvents();
      auto* area = qobject_cast<QScrollArea*>(view->parentWidget()->parentWidget());
      QVERIFY2(area->horizontalScrollBar()->maximum() == 0, qPrintable(view->objectName()));
      QVERIFY2(area->verticalScrollBar()->maximum() == 0, qPrintable(view->objectName()));
    }
  }

  void the_window_has_the_apps_icon() {
    MainWindow window(nullptr, "cpu");
    QVERIFY(!window.windowIcon().isNull());
    const QImage icon = window.windowIcon().pixmap(64, 64).toImage();
    QCOMPARE(icon.size(), QSize(64, 64));
    QSet<QRgb> colours;  // drawn (the SVG rendered), not an empty pixmap
    for (int y = 0; y < 64; y += 2) {
      for (int x = 0; x < 64; x += 2) colours.insert(icon.pixel(x, y));
    }
    QVERIFY(colours.size() > 10);
  }

  void has_six_views_and_switches_between_them() {
    MainWindow window;
    auto* views = window.findChild<QTabWidget*>("views");
    QVERIFY(views != nullptr);
    QCOMPARE(views->count(), 6);
    window.show_view(MainWindow::View::Events);
    QVERIFY(window.events_view()->isVisibleTo(&window));
    window.show_view(MainWindow::View::Bo);
    QVERIFY(window.bo_view()->isVisibleTo(&window));
    QVERIFY(!window.events_view()->isVisibleTo(&window));
    window.show_view(MainWindow::View::Memory);
    QCOMPARE(views->currentIndex(), 2);
    QVERIFY(window.current_view() == MainWindow::View::Memory);
    window.show_view(MainWindow::View::Stream);
    QVERIFY(window.stream_view()->isVisibleTo(&window));
    QVERIFY(!window.memory_view()->isVisibleTo(&window));
  }

  void the_functions_views_stream_button_opens_the_stream_view_on_its_model_and_function() {
    MainWindow window(nullptr, "cpu");
    auto& functions = *window.functions_view();
    const int untrained_lbanp = [&] {
      for (int i = 0; i < functions.models().size(); ++i) {
        if (functions.models()[i].label == "untrained: lbanp") return i;
      }
      return -1;
    }();
    QVERIFY(untrained_lbanp >= 0);
    functions.select_model(untrained_lbanp);
    nplab::facade::TruthSpec truth;
    truth.kernel = nplab::facade::TruthKernel::Periodic;
    truth.lengthscale = 0.7;
    truth.seed = 42;
    functions.set_truth(truth);
    QTRY_VERIFY(functions.truth() == truth);
    functions.findChild<QPushButton*>("streamButton")->click();
    QVERIFY(window.current_view() == MainWindow::View::Stream);
    auto& stream = *window.stream_view();
    QCOMPARE(stream.models()[stream.current_model()].label, QString("untrained: lbanp"));
    QVERIFY(stream.truth() == truth);
    QVERIFY(!stream.is_running());  // the person presses Start
  }

  void menus_are_present() {
    MainWindow window;
    QStringList titles;
    for (auto* action : window.menuBar()->actions()) titles << action->text().remove('&');
    QCOMPARE(titles, (QStringList{"File", "Edit", "View", "Help"}));
    for (const char* name : {"openSessionAction", "saveSessionAction", "exportPlotAction",
                             "importPointsAction", "exportPointsAction", "shortcutsAction"}) {
      QVERIFY2(menu_action(window, name) != nullptr, name);
    }
  }

  void undo_and_redo_are_application_wide_and_act_on_the_current_view() {
    MainWindow window;
    window.show();
    QVERIFY(settle(window));
    auto* undo = menu_action(window, "undoAction");
    auto* redo = menu_action(window, "redoAction");
    QVERIFY(undo->shortcuts().contains(QKeySequence::Undo));
    QVERIFY(redo->shortcuts().contains(QKeySequence("Ctrl+Shift+Z")));
    QCOMPARE(undo->shortcutContext(), Qt::ApplicationShortcut);
    QCOMPARE(redo->shortcutContext(), Qt::ApplicationShortcut);
    QVERIFY(!undo->isEnabled());

    auto& view = *window.functions_view();
    view.add_point(0.5, 0.5);
    view.add_point(-0.5, 1.0);
    QVERIFY(undo->isEnabled());
    undo->trigger();
    QCOMPARE(view.points().size(), size_t{1});
    QVERIFY(redo->isEnabled());
    redo->trigger();
    QCOMPARE(view.points().size(), size_t{2});
    // The keys themselves, pressed while the plot has the focus.
    view.plot()->setFocus();
    QTest::keyClick(view.plot(), Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(view.points().size(), size_t{1});
    QTest::keyClick(view.plot(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(view.points().size(), size_t{2});
    menu_action(window, "clearAction")->trigger();
    QVERIFY(view.points().empty());

    // On a view without edits the menu is off.
    window.show_view(MainWindow::View::Memory);
    QVERIFY(!undo->isEnabled() && !menu_action(window, "newAction")->isEnabled());
    window.show_view(MainWindow::View::Functions);
    QVERIFY(undo->isEnabled());
  }

  void edit_menu_acts_on_the_images_view_when_it_is_shown() {
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));  // key shortcuts go to the active window
    window.show_view(MainWindow::View::Images);
    auto& view = *window.images_view();
    if (!view.image()) QSKIP("Fashion-MNIST is not installed (dataset-fashion-mnist)");
    auto* undo = menu_action(window, "undoAction");
    QVERIFY(!undo->isEnabled());
    view.reveal_random(7);
    QVERIFY(undo->isEnabled());
    view.panels()->setFocus();
    QTest::keyClick(view.panels(), Qt::Key_Z, Qt::ControlModifier);
    QVERIFY(view.revealed().empty());
    QTest::keyClick(view.panels(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(view.revealed().size(), std::size_t{7});
    menu_action(window, "clearAction")->trigger();
    QVERIFY(view.revealed().empty());
    QVERIFY(window.functions_view()->points().empty());  // the other view is untouched
  }

  void shortcuts_overlay_lists_the_menus_keys_without_blocking() {
    MainWindow window;
    window.show();
    menu_action(window, "shortcutsAction")->trigger();  // returns at once: not modal
    auto* dialog = window.findChild<QDialog*>("shortcutsDialog");
    QVERIFY(dialog && dialog->isVisible());
    QStringList rows;
    for (auto* table : dialog->findChildren<QTableWidget*>()) {
      for (int row = 0; row < table->rowCount(); ++row) {
        rows << table->item(row, 0)->text() + " = " + table->item(row, 1)->text();
      }
    }
    const QString all = rows.join('\n');
    QVERIFY2(all.contains(QKeySequence(QKeySequence::Undo).toString(QKeySequence::NativeText) +
                          " = Undo"),
             qPrintable(all));
    QVERIFY2(all.contains("Save Session") && all.contains("Right click"), qPrintable(all));
  }

  void about_box_names_the_app_and_version() {
    MainWindow window;
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
    menu_action(window, "aboutAction")->trigger();
    QVERIFY(seen_text.contains("NPLab"));
    QVERIFY(seen_text.contains(QString::fromUtf8(nplab::kVersion)));
  }

  void session_option_opens_a_session_or_reports_why_not() {
    // Qt itself claims "-session" (X11 session management); nplab must see its --session.
    QTemporaryDir dir;
    const QString good = write_file(dir, "good.json", R"({"format": "nplab-session",
        "version": 1, "view": "memory", "model": {"source": "registry", "name": "cmanp"},
        "points": [[0.5, 1.0]]})");
    const QString bad = write_file(dir, "bad.json", R"({"format": "nplab-session",
        "version": 1, "view": "functions", "model": {"source": "checkpoint",
        "path": "/nowhere/gone.pt"}, "points": []})");
    for (const auto& [session, expected_code] : {std::pair{good, 0}, std::pair{bad, 4}}) {
      QProcess app;
      QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
      environment.insert("QT_QPA_PLATFORM", "offscreen");
      app.setProcessEnvironment(environment);
      app.start(QStringLiteral(NPLAB_GUI_BINARY),
                {"--session", session, "--screenshot", dir.filePath("shot.png")});
      QVERIFY(app.waitForFinished(120'000));
      const QString errors = QString::fromLocal8Bit(app.readAllStandardError());
      QVERIFY2(app.exitCode() == expected_code, qPrintable(errors));
      if (expected_code != 0) QVERIFY2(errors.contains("gone.pt"), qPrintable(errors));
    }
  }

  void screenshot_command_writes_a_png_of_the_requested_size_for_each_view() {
    QTemporaryDir dir;
    for (const QString view : {"functions", "images", "memory", "stream"}) {
      const QString file = dir.filePath(view + ".png");
      QProcess app;
      QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
      environment.insert("QT_QPA_PLATFORM", "offscreen");
      app.setProcessEnvironment(environment);
      app.start(QStringLiteral(NPLAB_GUI_BINARY),
                {"--screenshot", file, "--view", view, "--size", "960x640"});
      QVERIFY(app.waitForFinished(120'000));
      QVERIFY2(app.exitCode() == 0, app.readAllStandardError().constData());
      const QImage image(file);
      QVERIFY2(!image.isNull(), qPrintable(view));
      QCOMPARE(image.size(), QSize(960, 640));
      // Not blank: a plot has many colours.
      QSet<QRgb> colours;
      for (int y = 0; y < image.height(); y += 7) {
        for (int x = 0; x < image.width(); x += 7) colours.insert(image.pixel(x, y));
      }
      QVERIFY2(colours.size() > 20, qPrintable(view));
    }
  }

  void stream_option_streams_a_csv_or_says_why_it_cannot() {
    QTemporaryDir dir;
    QByteArray rows = "x,y\n";
    for (int i = 0; i < 3000; ++i) rows += QByteArray::number(-2 + 4.0 * i / 3000) + ",0.5\n";
    const QString csv = write_file(dir, "points.csv", rows);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert("QT_QPA_PLATFORM", "offscreen");
    environment.insert("NPLAB_CLI", QStringLiteral(NPLAB_CLI_BINARY));
    QProcess app;
    app.setProcessEnvironment(environment);
    const QString file = dir.filePath("stream.png");
    app.start(QStringLiteral(NPLAB_GUI_BINARY),
              {"--stream", csv, "--model", "untrained: cmanp", "--screenshot", file});
    QVERIFY(app.waitForFinished(120'000));
    QVERIFY2(app.exitCode() == 0, app.readAllStandardError().constData());
    QVERIFY(!QImage(file).isNull());

    QProcess missing;
    missing.setProcessEnvironment(environment);
    missing.start(QStringLiteral(NPLAB_GUI_BINARY),
                  {"--stream", dir.filePath("none.csv"), "--screenshot", file});
    QVERIFY(missing.waitForFinished(60'000));
    QCOMPARE(missing.exitCode(), 2);
    QVERIFY2(missing.readAllStandardError().contains("cannot be read"), "no reason given");
  }

  void images_demo_screenshot_shows_revealed_and_hidden_pixels() {
    if (!QFileInfo::exists(QStringLiteral("%1/t10k-images-idx3-ubyte.gz")
                               .arg(QString::fromUtf8(nplab::facade::kFashionMnistDirectory)))) {
      QSKIP("Fashion-MNIST is not installed (dataset-fashion-mnist)");
    }
    QTemporaryDir dir;
    const QString file = dir.filePath("images.png");
    QProcess app;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert("QT_QPA_PLATFORM", "offscreen");
    app.setProcessEnvironment(environment);
    app.start(QStringLiteral(NPLAB_GUI_BINARY),
              {"--screenshot", file, "--view", "images", "--demo", "--size", "1280x560"});
    QVERIFY(app.waitForFinished(120'000));
    QVERIFY2(app.exitCode() == 0, app.readAllStandardError().constData());
    const QImage image(file);
    QCOMPARE(image.size(), QSize(1280, 560));
    int hidden = 0;
    for (int y = 0; y < image.height(); y += 3) {
      for (int x = 0; x < image.width(); x += 3) {
        hidden += image.pixel(x, y) == nplab::ui::ImagePanels::kHiddenColor.rgb();
      }
    }
    QVERIFY2(hidden > 500, qPrintable(QString::number(hidden)));  // the observed panel is drawn
  }
};

QTEST_MAIN(MainWindowTest)
#include "test_main_window.moc"

// The application frame: three views, menus and their shortcuts, sessions, CSV points, plot
// export, the shortcuts overlay and the About box, and the --screenshot command.

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

#include "first_run_hint.h"
#include "function_plot.h"
#include "functions_view.h"
#include "image_panels.h"
#include "images_view.h"
#include "main_window.h"
#include "memory_view.h"
#include "nplab/build_info.h"
#include "stream_view.h"

using nplab::ui::MainWindow;

namespace {

constexpr int kSettleTimeoutMs = 30'000;

bool settle(MainWindow& window) {
  return QTest::qWaitFor([&] { return window.functions_view()->is_settled(); }, kSettleTimeoutMs);
}

/// Records reported errors instead of showing a modal box.
struct ErrorLog {
  QStringList messages;
  void attach(MainWindow& window) {
    window.set_error_reporter([this](const QString& title, const QString& message) {
      messages << title + ": " + message;
    });
  }
};

QString write_file(const QTemporaryDir& dir, const QString& name, const QByteArray& text) {
  QFile file(dir.filePath(name));
  if (!file.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(file.fileName()));
  file.write(text);
  return file.fileName();
}

template <class View>
int index_of_label(const View& view, const QString& label) {
  for (int i = 0; i < view.models().size(); ++i) {
    if (view.models()[i].label == label) return i;
  }
  return -1;
}

QAction* menu_action(MainWindow& window, const char* name) {
  auto* action = window.menuBar()->findChild<QAction*>(name);
  if (!action) action = window.findChild<QAction*>(name);
  return action;
}

}  // namespace

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
          static_cast<QWidget*>(window.stream_view())}) {
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

  void has_four_views_and_switches_between_them() {
    MainWindow window;
    auto* views = window.findChild<QTabWidget*>("views");
    QVERIFY(views != nullptr);
    QCOMPARE(views->count(), 4);
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
    nplab::TruthSpec truth;
    truth.kernel = nplab::TruthKernel::Periodic;
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

  void session_round_trip_restores_points_model_and_truth() {
    QTemporaryDir dir;
    const QString path = dir.filePath("lab.nplab.json");
    std::vector<nplab::ContextPoint> points;
    nplab::TruthSpec truth;
    {
      MainWindow window;
      auto& view = *window.functions_view();
      view.select_model(index_of_label(view, "untrained: lbanp"));
      view.set_compare_model(index_of_label(view, "untrained: cnp"));
      truth = {nplab::TruthKernel::Matern52, 0.35, 0.9, 1.0, 4242};
      view.set_truth(truth);
      view.set_overlays(true, false);
      view.reveal_random(3);
      view.add_point(1.25, -0.75);
      QVERIFY(settle(window));
      points = view.points();
      window.memory_view()->set_selected_models({"cmanp", "tnpkr-scan"});
      window.memory_view()->set_sizes({32, 128});
      QVERIFY(window.save_session(path));
    }
    MainWindow reopened;
    ErrorLog errors;
    errors.attach(reopened);
    QVERIFY(reopened.open_session(path));
    QVERIFY(errors.messages.isEmpty());
    const auto& view = *reopened.functions_view();
    QCOMPARE(view.points(), points);
    QCOMPARE(view.models()[view.current_model()].label, QString("untrained: lbanp"));
    QCOMPARE(view.models()[view.compare_model()].label, QString("untrained: cnp"));
    QVERIFY(view.truth() == truth);
    QVERIFY(view.truth_shown() && !view.oracle_shown());
    QVERIFY(!view.can_undo());  // opening is not an edit
    QCOMPARE(reopened.memory_view()->selected_models(), (QStringList{"cmanp", "tnpkr-scan"}));
    QCOMPARE(reopened.memory_view()->sizes(), (std::vector<std::int64_t>{32, 128}));
    QVERIFY(settle(reopened));
    QCOMPARE(view.shown()->update.count, static_cast<std::int64_t>(points.size()));
    QCOMPARE(view.compare_shown()->update.count, static_cast<std::int64_t>(points.size()));
    QCOMPARE(view.truth_values(), nplab::sample_truth(truth, view.grid()).value());
  }

  void every_shipped_example_is_in_the_menu_and_opens_without_an_error() {
    const QDir examples(QStringLiteral(NPLAB_SOURCE_DIR "/resources/examples"));
    const auto files = examples.entryList({"*.nplab.json"}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 4);
    MainWindow window(nullptr, "cpu");
    ErrorLog errors;
    errors.attach(window);
    auto* menu = window.menuBar()->findChild<QMenu*>("examplesMenu");
    QVERIFY(menu != nullptr);
    const auto actions = menu->actions();
    QCOMPARE(actions.size(), files.size());
    const bool have_fashion_mnist =
        QFileInfo::exists(QStringLiteral("%1/t10k-images-idx3-ubyte.gz")
                              .arg(QString::fromUtf8(nplab::kFashionMnistDirectory)));
    for (int i = 0; i < files.size(); ++i) {
      QFile file(examples.filePath(files[i]));
      QVERIFY(file.open(QIODevice::ReadOnly));
      const QByteArray text = file.readAll();
      QCOMPARE(actions[i]->text(),
               QJsonDocument::fromJson(text).object().value("title").toString());
      if (text.contains("\"fashion-mnist\"") && !have_fashion_mnist) continue;
      errors.messages.clear();
      actions[i]->trigger();  // what choosing it in the menu does
      QVERIFY2(errors.messages.isEmpty(), qPrintable(files[i] + ": " + errors.messages.join("; ")));
      QVERIFY(settle(window));
      const bool images = text.contains("\"view\": \"images\"");
      QVERIFY2(window.current_view() ==
                   (images ? MainWindow::View::Images : MainWindow::View::Functions),
               qPrintable(files[i]));
      if (images) {
        QVERIFY2(window.images_view()->image().has_value(), qPrintable(files[i]));
      } else {
        QVERIFY2(!window.functions_view()->points().empty(), qPrintable(files[i]));
      }
    }
  }

  void malformed_or_unresolvable_sessions_are_reported_and_change_nothing() {
    QTemporaryDir dir;
    MainWindow window;
    ErrorLog errors;
    errors.attach(window);
    auto& view = *window.functions_view();
    view.add_point(0.25, 0.5);
    const auto points = view.points();
    const auto model = view.current_model();
    const auto truth = view.truth();

    const QByteArray head = R"({"format": "nplab-session", "version": 1, "view": "memory", )";
    const QList<QPair<QByteArray, QString>> cases{
        {"{ not json", "not valid JSON"},
        {head + R"("model": {"source": "registry", "name": "cmanp"}, "points": [[0.1]]})",
         "points[0]"},
        {head + R"("model": {"source": "checkpoint", "path": "/nowhere/gone.pt"},
                   "points": []})",
         "does not exist"},
        {head + R"("model": {"source": "registry", "name": "cmanp"}, "points": [[7.5, 0]]})",
         "outside"},
        {head + R"("model": {"source": "registry", "name": "cmanp"}, "points": [],
                   "compare": {"source": "checkpoint", "path": "/nowhere/second.pt"}})",
         "compare: the session's model checkpoint"},
    };
    for (const auto& [text, expected] : cases) {
      errors.messages.clear();
      QVERIFY(!window.open_session(write_file(dir, "bad.json", text)));
      QCOMPARE(errors.messages.size(), 1);
      QVERIFY2(errors.messages.front().contains(expected), qPrintable(errors.messages.front()));
      QCOMPARE(view.points(), points);
      QCOMPARE(view.current_model(), model);
      QCOMPARE(view.compare_model(), -1);
      QVERIFY(view.truth() == truth);
      QVERIFY(window.current_view() == MainWindow::View::Functions);
    }
    errors.messages.clear();
    QVERIFY(!window.open_session(dir.filePath("missing.json")));
    QCOMPARE(errors.messages.size(), 1);
  }

  void images_session_round_trip_restores_image_pixels_model_and_resolution() {
    QTemporaryDir dir;
    // An image of one's own, so that the test needs no installed data set.
    QImage picture(28, 28, QImage::Format_Grayscale8);
    for (int y = 0; y < 28; ++y) {
      for (int x = 0; x < 28; ++x) picture.setPixel(x, y, qRgb(9 * x, 9 * x, 9 * x));
    }
    const QString image_path = dir.filePath("ramp.png");
    QVERIFY(picture.save(image_path));
    const QString path = dir.filePath("images.nplab.json");
    std::vector<int> revealed;
    nplab::PixelImage image;
    {
      MainWindow window;
      auto& view = *window.images_view();
      QVERIFY(view.open_image_file(image_path));
      const int tnpd = index_of_label(view, "untrained: tnpd");
      QVERIFY(tnpd >= 0);
      view.select_model(tnpd);
      view.set_resolution(2);
      view.set_random_seed(5);
      view.reveal_random(30);
      view.reveal_pixels({0});
      revealed = view.revealed();
      image = *view.image();
      window.show_view(MainWindow::View::Images);
      QVERIFY(window.save_session(path));
    }
    MainWindow reopened;
    ErrorLog errors;
    errors.attach(reopened);
    QVERIFY(reopened.open_session(path));
    QVERIFY2(errors.messages.isEmpty(), qPrintable(errors.messages.join('\n')));
    const auto& view = *reopened.images_view();
    QVERIFY(reopened.current_view() == MainWindow::View::Images);
    QCOMPARE(view.revealed(), revealed);
    QVERIFY(view.source().kind == nplab::ui::ImageSource::Kind::File);
    QCOMPARE(QFileInfo(view.source().path).fileName(), QString("ramp.png"));
    QVERIFY(*view.image() == image);
    QCOMPARE(view.resolution(), 2);
    QCOMPARE(view.models()[view.current_model()].label, QString("untrained: tnpd"));
    QVERIFY(!view.can_undo());
    QVERIFY(QTest::qWaitFor([&] { return view.is_settled(); }, kSettleTimeoutMs));
    QCOMPARE(view.shown()->update.count, static_cast<std::int64_t>(revealed.size()));
    QCOMPARE(view.shown()->prediction.mean.size(), std::size_t{56 * 56});
  }

  void malformed_or_unresolvable_images_sessions_change_nothing() {
    QTemporaryDir dir;
    QImage picture(28, 28, QImage::Format_Grayscale8);
    picture.fill(200);
    const QString image_path = dir.filePath("flat.png");
    QVERIFY(picture.save(image_path));
    MainWindow window;
    ErrorLog errors;
    errors.attach(window);
    auto& images = *window.images_view();
    QVERIFY(images.open_image_file(image_path));
    images.reveal_pixels({3, 4, 5});
    const auto revealed = images.revealed();
    const auto source = images.source();
    const auto functions_points = window.functions_view()->points();

    const QByteArray head = R"({"format": "nplab-session", "version": 1, "view": "images",
        "model": {"source": "registry", "name": "cmanp"}, "points": [[0.5, 0.5]], )";
    const auto session = [&](const QByteArray& image, const QByteArray& model,
                             const QByteArray& pixels) {
      return head + "\"images\": {\"image\": " + image + ", \"model\": " + model +
             ", \"revealed\": " + pixels + "}}";
    };
    const QByteArray good_image =
        "{\"source\": \"file\", \"path\": \"" + image_path.toUtf8() + "\"}";
    const QByteArray cmanp = R"({"source": "registry", "name": "cmanp"})";
    const QList<QPair<QByteArray, QString>> cases{
        {session(R"({"source": "file", "path": "/nowhere/gone.png"})", cmanp, "[1]"), "gone.png"},
        {session(good_image, cmanp, "[1, 900]"), "images.revealed[1]"},
        {session(good_image, R"({"source": "registry", "name": "nope"})", "[]"), "nope"},
    };
    for (const auto& [text, expected] : cases) {
      errors.messages.clear();
      QVERIFY(!window.open_session(write_file(dir, "bad.json", text)));
      QCOMPARE(errors.messages.size(), 1);
      QVERIFY2(errors.messages.front().contains(expected), qPrintable(errors.messages.front()));
      QCOMPARE(images.revealed(), revealed);
      QVERIFY(images.source() == source);
      QCOMPARE(window.functions_view()->points(), functions_points);
      QVERIFY(window.current_view() == MainWindow::View::Functions);
    }
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

  void points_csv_round_trip_and_bad_rows_by_line() {
    QTemporaryDir dir;
    MainWindow window;
    ErrorLog errors;
    errors.attach(window);
    auto& view = *window.functions_view();
    view.set_points({nplab::point_1d(-1.5, 0.25), nplab::point_1d(0.125, -1.0 / 3.0)});
    const auto points = view.points();
    const QString path = dir.filePath("points.csv");
    QVERIFY(window.export_points(path));
    view.clear_points();
    QVERIFY(window.import_points(path));
    QCOMPARE(view.points(), points);
    view.undo();  // an import is one edit
    QVERIFY(view.points().empty());
    view.redo();

    QVERIFY(!window.import_points(write_file(dir, "bad.csv", "x,y\n0.5,1\n0.25,oops\n")));
    QCOMPARE(errors.messages.size(), 1);
    QVERIFY2(errors.messages.front().contains("bad.csv:3"), qPrintable(errors.messages.front()));
    QCOMPARE(view.points(), points);
  }

  void exports_the_current_plot_as_png_pdf_and_svg() {
    QTemporaryDir dir;
    MainWindow window;
    window.resize(900, 600);
    window.show();
    QVERIFY(settle(window));
    for (const QString name : {"plot.png", "plot.pdf", "plot.svg"}) {
      const QString path = dir.filePath(name);
      QVERIFY2(window.export_current_plot(path), qPrintable(name));
      QVERIFY2(QFileInfo(path).size() > 1000, qPrintable(name));
    }
    QCOMPARE(QImage(dir.filePath("plot.png")).isNull(), false);
    ErrorLog errors;
    errors.attach(window);
    QVERIFY(!window.export_current_plot(dir.filePath("plot.bmp")));
    QVERIFY(errors.messages.front().contains("unknown format"));
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
                               .arg(QString::fromUtf8(nplab::kFashionMnistDirectory)))) {
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

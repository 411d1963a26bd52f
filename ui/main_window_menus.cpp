// The main window's menus: File (sessions, examples, plot export, points and events CSV), Edit
// (on the view on screen), View and Help, and the file dialogs they open.

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QMenuBar>
#include <QMessageBox>
#include <QRegularExpression>
#include <QTabWidget>

#include "bo_view.h"
#include "example_sessions.h"
#include "first_run_hint.h"
#include "functions_view.h"
#include "main_window.h"
#include "nplab/build_info.h"
#include "plot_export.h"
#include "session_bridge.h"
#include "shortcuts_dialog.h"
#include "theme.h"

namespace nplab::ui {
namespace {

const QString kSessionFilter = QObject::tr("NPLab session (*.nplab.json *.json)");
const QString kCsvFilter = QObject::tr("CSV file (*.csv)");

QAction* add_action(QMenu* menu, const QString& text, const char* name,
                    const QList<QKeySequence>& keys = {}) {
  auto* action = menu->addAction(text);
  action->setObjectName(name);
  action->setShortcuts(keys);
  // Whichever widget has the focus, even in another window (the shortcuts dialog).
  action->setShortcutContext(Qt::ApplicationShortcut);
  return action;
}

}  // namespace

// --- Menus -------------------------------------------------------------------------------------

void MainWindow::build_menus() {
  build_file_menu();
  build_edit_menu();

  auto* view = menuBar()->addMenu(tr("&View"));
  const QList<QPair<QString, View>> views{
      {tr("&Functions"), View::Functions}, {tr("&Images"), View::Images},
      {tr("&Memory"), View::Memory},       {tr("&Stream"), View::Stream},
      {tr("&Events"), View::Events},       {tr("&BO"), View::Bo}};
  int index = 1;
  for (const auto& [label, which] : views) {
    auto* action = view->addAction(label, this, [this, which = which] { show_view(which); });
    action->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(index++)));
    action->setShortcutContext(Qt::ApplicationShortcut);
  }
  view->addSeparator();
  view->addMenu(make_theme_menu(this));

  auto* help = menuBar()->addMenu(tr("&Help"));
  auto* shortcuts =
      add_action(help, tr("&Keyboard Shortcuts"), "shortcutsAction", {QKeySequence::HelpContents});
  connect(shortcuts, &QAction::triggered, this, &MainWindow::show_shortcuts);
  auto* hints = help->addAction(tr("Show &Hints Again"), this, [this] {
    FirstRunHint::forget_dismissals();
    for (auto* hint : findChildren<FirstRunHint*>()) hint->show();
  });
  hints->setObjectName("showHintsAction");
  auto* about = help->addAction(tr("&About NPLab"), this, &MainWindow::show_about);
  about->setObjectName("aboutAction");
  help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::build_file_menu() {
  auto* file = menuBar()->addMenu(tr("&File"));
  connect(add_action(file, tr("&Open Session…"), "openSessionAction", {QKeySequence::Open}),
          &QAction::triggered, this, [this] {
            const QString path = QFileDialog::getOpenFileName(this, tr("Open Session"),
                                                              last_session_, kSessionFilter);
            take_back_focus();
            if (!path.isEmpty()) open_session(path);
          });
  connect(add_action(file, tr("&Save Session…"), "saveSessionAction", {QKeySequence::Save}),
          &QAction::triggered, this, [this] {
            const QString path = ask_save_path(
                tr("Save Session"),
                last_session_.isEmpty() ? QStringLiteral("lab.nplab.json") : last_session_,
                kSessionFilter);
            if (!path.isEmpty()) save_session(path);
          });
  auto* examples = file->addMenu(tr("Open &Example"));
  examples->setObjectName("examplesMenu");
  for (const auto& example : example_sessions()) {
    examples->addAction(example.title, this, [this, path = example.path] { open_session(path); });
  }
  if (examples->isEmpty()) examples->addAction(tr("(no examples found)"))->setEnabled(false);
  file->addSeparator();
  connect(add_action(file, tr("&Export Plot…"), "exportPlotAction",
                     {QKeySequence(QStringLiteral("Ctrl+E"))}),
          &QAction::triggered, this, [this] {
            const QString path =
                ask_save_path(tr("Export Plot"), session_view_name(views_->currentIndex()) + ".png",
                              plot_file_filter());
            if (!path.isEmpty()) export_current_plot(path);
          });
  connect(add_action(file, tr("&Import Points CSV…"), "importPointsAction",
                     {QKeySequence(QStringLiteral("Ctrl+I"))}),
          &QAction::triggered, this, [this] {
            const QString path =
                QFileDialog::getOpenFileName(this, tr("Import Points"), {}, kCsvFilter);
            take_back_focus();
            if (!path.isEmpty()) import_points(path);
          });
  connect(add_action(file, tr("E&xport Points CSV…"), "exportPointsAction"), &QAction::triggered,
          this, [this] {
            const QString path = ask_save_path(tr("Export Points"), "points.csv", kCsvFilter);
            if (!path.isEmpty()) export_points(path);
          });
  connect(add_action(file, tr("I&mport Events CSV…"), "importEventsAction"), &QAction::triggered,
          this, [this] {
            const QString path =
                QFileDialog::getOpenFileName(this, tr("Import Events"), {}, kCsvFilter);
            take_back_focus();
            if (!path.isEmpty()) import_events(path);
          });
  connect(add_action(file, tr("Expor&t Events CSV…"), "exportEventsAction"), &QAction::triggered,
          this, [this] {
            const QString path = ask_save_path(tr("Export Events"), "events.csv", kCsvFilter);
            if (!path.isEmpty()) export_events(path);
          });
  file->addSeparator();
  connect(add_action(file, tr("&Quit"), "quitAction", {QKeySequence::Quit}), &QAction::triggered,
          this, &QWidget::close);
}

void MainWindow::build_edit_menu() {
  auto* edit = menuBar()->addMenu(tr("&Edit"));
  undo_ = add_action(edit, tr("&Undo"), "undoAction", {QKeySequence::Undo});
  redo_ = add_action(
      edit, tr("&Redo"), "redoAction",
      {QKeySequence(QStringLiteral("Ctrl+Shift+Z")), QKeySequence(QStringLiteral("Ctrl+Y"))});
  edit->addSeparator();
  clear_ = add_action(edit, tr("&Clear Points"), "clearAction",
                      {QKeySequence(QStringLiteral("Ctrl+Shift+Backspace"))});
  new_ = add_action(edit, tr("&New"), "newAction", {QKeySequence::New});
  const auto on_current = [this](void (EditableView::*command)()) {
    return [this, command] {
      if (auto* view = current_editable()) (view->*command)();
    };
  };
  connect(undo_, &QAction::triggered, this, on_current(&EditableView::undo));
  connect(redo_, &QAction::triggered, this, on_current(&EditableView::redo));
  connect(clear_, &QAction::triggered, this, on_current(&EditableView::clear_points));
  connect(new_, &QAction::triggered, this, on_current(&EditableView::new_session));
}

void MainWindow::take_back_focus() {
  // Without a window manager nobody activates the window again once a dialog has closed, and
  // with no active window not even an application-wide shortcut fires.
  activateWindow();
  raise();
}

QString MainWindow::ask_save_path(const QString& title, const QString& suggested,
                                  const QString& filters) {
  QString chosen_filter;
  QString path = QFileDialog::getSaveFileName(this, title, suggested, filters, &chosen_filter);
  take_back_focus();
  if (path.isEmpty() || !QFileInfo(path).suffix().isEmpty()) return path;
  // "PNG image (*.png)" -> ".png"
  const auto star = chosen_filter.indexOf("*.");
  if (star >= 0) {
    path += chosen_filter.mid(star + 1).section(QRegularExpression("[ )]"), 0, 0);
  }
  return path;
}

// --- Help --------------------------------------------------------------------------------------

void MainWindow::show_shortcuts() {
  if (!shortcuts_) {
    QList<QAction*> actions;
    for (auto* entry : menuBar()->actions()) {
      if (auto* menu = entry->menu()) actions += menu->actions();
    }
    actions += functions_->findChild<QAction*>("deleteAction");
    actions += functions_->findChild<QAction*>("fitAction");
    actions += bo_->findChild<QAction*>("boStepAction");
    // Each row names the view it acts in.
    const QList<ShortcutRow> mouse{
        {tr("Left click"), tr("Functions: add a context point (hold and drag to place it)")},
        {tr("Drag a point"), tr("Functions: move it")},
        {tr("Right click a point"), tr("Functions: remove it")},
        {tr("Click a point, then Delete"), tr("Functions: remove it")},
        {tr("Left click or drag on an image"), tr("Images: reveal the pixels under the brush")},
        {tr("Right click or drag on an image"), tr("Images: hide them again")},
        {tr("Left click on the timeline"), tr("Events: add an event with the selected mark")},
        {tr("Drag an event"), tr("Events: move it in time")},
        {tr("Right click an event"), tr("Events: remove it")},
        {tr("Left click on the upper plot"), tr("BO: query the function there by hand")},
    };
    shortcuts_ = new ShortcutsDialog(shortcut_rows(actions), mouse, this);
  }
  shortcuts_->show();
  shortcuts_->raise();
  shortcuts_->activateWindow();
}

void MainWindow::show_about() {
  QMessageBox box(this);
  box.setObjectName("aboutBox");
  box.setWindowTitle(tr("About NPLab"));
  box.setTextFormat(Qt::RichText);
  box.setText(tr("<h3>NPLab %1</h3>"
                 "<p>An interactive lab for Neural Processes: condition a CMANP or TNP-KR on "
                 "points you click and watch its prediction update in constant time; measure "
                 "memory against context size beside TNP-D and LBANP.</p>"
                 "<p>Built with LibTorch, Qt %2 and QCustomPlot.</p>")
                  .arg(QString::fromUtf8(kVersion), QString::fromUtf8(qVersion())));
  box.exec();
}

}  // namespace nplab::ui

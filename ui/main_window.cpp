#include "main_window.h"

#include <qcustomplot.h>

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QIcon>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QRegularExpression>
#include <QScrollArea>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <array>
#include <optional>
#include <tuple>

#include "events_view.h"
#include "events_worker.h"
#include "example_sessions.h"
#include "explorer_worker.h"
#include "first_run_hint.h"
#include "functions_view.h"
#include "images_view.h"
#include "memory_view.h"
#include "nplab/build_info.h"
#include "nplab/facade/session.h"
#include "plot_export.h"
#include "session_bridge.h"
#include "shortcuts_dialog.h"
#include "stream_view.h"
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

}  // namespace nplab::ui

// The icon and other resources live in this static library: they must be registered by name.
static void register_resources() {
  Q_INIT_RESOURCE(nplab);
}

namespace nplab::ui {

MainWindow::MainWindow(QWidget* parent, const std::string& device)
    : QMainWindow(parent),
      device_(device),
      jobs_(std::make_unique<JobThread>()),
      explorer_(std::make_unique<ExplorerWorker>(*jobs_, device)),
      events_worker_(std::make_unique<EventsWorker>(*jobs_)) {
  register_resources();
  const QIcon icon(QStringLiteral(":/icons/nplab.svg"));
  setWindowIcon(icon);
  if (QApplication::windowIcon().isNull()) QApplication::setWindowIcon(icon);  // its dialogs too
  setWindowTitle(tr("NPLab"));
  setObjectName("MainWindow");
  resize(1200, 760);

  views_ = new QTabWidget(this);
  views_->setObjectName("views");
  functions_ = new FunctionsView(*explorer_, {}, views_);
  images_ =
      new ImagesView(*explorer_, {}, QString::fromUtf8(facade::kFashionMnistDirectory), views_);
  memory_ = new MemoryView(views_);
  // The Memory view measures where the models run (CUDA's allocator peaks on a GPU); its worker
  // resolves the choice, and measures on the CPU when the device is not here.
  memory_->sweep_options().device = device;
  // Each view scrolls inside its tab rather than squash below the size its controls need.
  const auto scrolled = [this](QWidget* view) {
    auto* area = new QScrollArea(views_);
    area->setObjectName(view->objectName() + "Scroll");
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    area->setWidget(view);
    return area;
  };
  views_->addTab(scrolled(functions_), tr("&Functions"));
  views_->addTab(scrolled(images_), tr("&Images"));
  stream_ = new StreamView({}, views_);
  stream_->request_defaults().device = device;
  views_->addTab(scrolled(memory_), tr("&Memory"));
  views_->addTab(scrolled(stream_), tr("&Stream"));
  events_ = new EventsView(*events_worker_, {}, views_);
  views_->addTab(scrolled(events_), tr("&Events"));
  setCentralWidget(views_);

  build_menus();
  add_hints();
  model_status_ = new QLabel(this);
  model_status_->setObjectName("modelStatus");
  model_status_->setToolTip(tr("The model of the view on screen, and where it runs"));
  statusBar()->addPermanentWidget(model_status_);
  connect(views_, &QTabWidget::currentChanged, this, &MainWindow::update_edit_actions);
  connect(views_, &QTabWidget::currentChanged, this, &MainWindow::update_title);
  connect(functions_, &FunctionsView::settled, this, &MainWindow::update_title);
  connect(images_, &ImagesView::settled, this, &MainWindow::update_title);
  connect(stream_, &StreamView::streams_finished, this, &MainWindow::update_title);
  connect(functions_, &FunctionsView::history_changed, this, &MainWindow::update_edit_actions);
  connect(functions_, &FunctionsView::stream_requested, this,
          &MainWindow::open_stream_from_functions);
  connect(images_, &ImagesView::history_changed, this, &MainWindow::update_edit_actions);
  connect(events_, &EventsView::history_changed, this, &MainWindow::update_edit_actions);
  connect(events_, &EventsView::settled, this, &MainWindow::update_title);
  connect(images_, &ImagesView::error_reported, this, &MainWindow::report_error);
  connect(images_, &ImagesView::status_message, this,
          [this](const QString& message) { statusBar()->showMessage(message, 5000); });
  update_edit_actions();
  update_title();
  statusBar()->showMessage(tr("NPLab %1 — ready").arg(QString::fromUtf8(kVersion)));
}

void MainWindow::add_hints() {
  const std::array<std::tuple<QWidget*, QString, QString>, 5> hints{{
      {functions_, "functions",
       tr("Click on the plot to add a context point; drag a point to move it, right-click to "
          "remove it. The mean and bands follow at once. On the right, reveal points of a "
          "hidden function; above, compare with a second model.")},
      {images_, "images",
       tr("Click or drag on the observed or mean image to reveal pixels (right-click hides "
          "them), or move the Context slider. The mean and std panels complete the image.")},
      {memory_, "memory",
       tr("Run measures memory and update time against context size N for each ticked model "
          "(about a minute). CMANP stays flat; the marks show where it passes the others.")},
      {stream_, "stream",
       tr("Start streams a million points into the model while its memory and state stay "
          "flat. Compare with LBANP or TNP-D to watch theirs grow.")},
      {events_, "events",
       tr("Click the timeline to add an event with the selected mark; drag to move it, "
          "right-click to remove it. Right of the last event: the model's density of the next "
          "one. Reveal events from a hidden Hawkes process and compare with its oracle.")},
  }};
  for (const auto& [view, key, text] : hints) {
    auto* layout = qobject_cast<QVBoxLayout*>(view->layout());
    if (layout) layout->insertWidget(0, new FirstRunHint(key, text, view));
  }
}

void MainWindow::hide_hints() {
  for (auto* hint : findChildren<FirstRunHint*>()) hint->hide();
}

QString MainWindow::model_in_use() const {
  const auto resolved = [](const std::string& device) {
    const auto name = facade::resolve_device_name(device);
    return QString::fromStdString(name.ok() ? name.value() : std::string("cpu"));
  };
  const auto label = [](const QList<ModelChoice>& models, int index) {
    return index >= 0 && index < models.size() ? models[index].label : QString();
  };
  const auto device_of = [&](const std::optional<PredictionResult>& shown) {
    return shown && shown->ok() && !shown->model.device.empty()
               ? QString::fromStdString(shown->model.device)
               : resolved(device_);
  };
  switch (current_view()) {
    case View::Functions:
      return tr("%1 on %2")
          .arg(label(functions_->models(), functions_->current_model()),
               device_of(functions_->shown()));
    case View::Images:
      return tr("%1 on %2")
          .arg(label(images_->models(), images_->current_model()), device_of(images_->shown()));
    case View::Memory:
      return tr("measuring on %1").arg(resolved(memory_->sweep_options().device));
    case View::Stream:
      return tr("%1 on %2")
          .arg(label(stream_->models(), stream_->current_model()),
               resolved(stream_->request_defaults().device));
    case View::Events:
      return tr("%1 on cpu").arg(label(events_->models(), events_->current_model()));
  }
  return {};
}

void MainWindow::update_title() {
  const QString in_use = model_in_use();
  setWindowTitle(session_name_.isEmpty() ? tr("NPLab — %1").arg(in_use)
                                         : tr("NPLab — %1 — %2").arg(session_name_, in_use));
  if (model_status_) model_status_->setText(in_use);
}

MainWindow::~MainWindow() = default;

void MainWindow::open_stream_from_functions() {
  const int model = functions_->current_model();
  if (model >= 0 && model < functions_->models().size()) {
    stream_->select_model(functions_->models()[model].label);
  }
  stream_->set_truth(functions_->truth());
  show_view(View::Stream);
}

void MainWindow::when_settled(std::function<void()> ready) {
  // Through the event queue, so that the view's queued replot has happened by then.
  const auto later = [this, ready = std::move(ready)] { QTimer::singleShot(0, this, ready); };
  if (current_view() == View::Functions && !functions_->is_settled()) {
    connect(functions_, &FunctionsView::settled, this, later, Qt::SingleShotConnection);
  } else if (current_view() == View::Images && !images_->is_settled()) {
    connect(images_, &ImagesView::settled, this, later, Qt::SingleShotConnection);
  } else if (current_view() == View::Memory && memory_->is_running()) {
    connect(memory_, &MemoryView::sweep_finished, this, later, Qt::SingleShotConnection);
  } else if (current_view() == View::Events && !events_->is_settled()) {
    connect(events_, &EventsView::settled, this, later, Qt::SingleShotConnection);
  } else if (current_view() == View::Stream && stream_->is_running()) {
    connect(stream_, &StreamView::streams_finished, this, later, Qt::SingleShotConnection);
  } else {
    later();
  }
}

// --- Menus -------------------------------------------------------------------------------------

void MainWindow::build_menus() {
  build_file_menu();
  build_edit_menu();

  auto* view = menuBar()->addMenu(tr("&View"));
  const QList<QPair<QString, View>> views{{tr("&Functions"), View::Functions},
                                          {tr("&Images"), View::Images},
                                          {tr("&Memory"), View::Memory},
                                          {tr("&Stream"), View::Stream},
                                          {tr("&Events"), View::Events}};
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

EditableView* MainWindow::current_editable() const {
  return dynamic_cast<EditableView*>(current_view_widget());
}

void MainWindow::update_edit_actions() {
  const auto* view = current_editable();
  undo_->setEnabled(view && view->can_undo());
  redo_->setEnabled(view && view->can_redo());
  clear_->setEnabled(view && view->can_clear());
  new_->setEnabled(view != nullptr);
}

void MainWindow::show_view(View view) {
  views_->setCurrentIndex(static_cast<int>(view));
}

QWidget* MainWindow::current_view_widget() const {
  const auto* area = qobject_cast<QScrollArea*>(views_->currentWidget());
  return area ? area->widget() : views_->currentWidget();
}

MainWindow::View MainWindow::current_view() const {
  return static_cast<View>(views_->currentIndex());
}

// --- Files -------------------------------------------------------------------------------------

void MainWindow::set_error_reporter(ErrorReporter reporter) {
  error_reporter_ = std::move(reporter);
}

void MainWindow::report_error(const QString& title, const QString& message) {
  statusBar()->showMessage(title, 5000);
  if (error_reporter_) {
    error_reporter_(title, message);
  } else {
    QMessageBox::critical(this, title, message);
  }
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

bool MainWindow::open_session(const QString& path) {
  const QString title = tr("Could not open the session");
  const auto loaded = facade::load_session(path.toStdString());
  if (!loaded.ok()) {
    report_error(title, QString::fromStdString(loaded.error()));
    return false;
  }
  const facade::Session& session = loaded.value();
  // Check everything before changing anything.
  const auto model = resolve_session_model(session.model, functions_->models(), path);
  if (!model.ok()) {
    report_error(title, tr("%1: %2").arg(path, QString::fromStdString(model.error())));
    return false;
  }
  std::optional<ResolvedModel> compare;
  if (session.compare) {
    const auto resolved = resolve_session_model(*session.compare, functions_->models(), path);
    if (!resolved.ok()) {
      report_error(title,
                   tr("%1: compare: %2").arg(path, QString::fromStdString(resolved.error())));
      return false;
    }
    compare = resolved.value();
  }
  const auto problem =
      functions_points_problem(session.points, FunctionsView::kMinX, FunctionsView::kMaxX);
  if (!problem.isEmpty()) {
    report_error(title, tr("%1: %2").arg(path, problem));
    return false;
  }
  std::optional<ImagesRestore> images;
  if (session.images) {
    auto resolved = resolve_images_session(*session.images, *images_, path);
    if (!resolved.ok()) {
      report_error(title, tr("%1: %2").arg(path, QString::fromStdString(resolved.error())));
      return false;
    }
    images = resolved.value();
  }
  std::optional<ResolvedModel> events;
  if (session.events) {
    const auto resolved = resolve_session_model(session.events->model, events_->models(), path);
    if (!resolved.ok()) {
      report_error(title, tr("%1: events: %2").arg(path, QString::fromStdString(resolved.error())));
      return false;
    }
    events = resolved.value();
  }
  QStringList memory_models;
  for (const auto& name : session.settings.memory_models) {
    const auto model_name = QString::fromStdString(name);
    if (!MemoryView::offered_models().contains(model_name)) {
      report_error(title, tr("%1: the Memory view offers no model \"%2\"").arg(path, model_name));
      return false;
    }
    memory_models << model_name;
  }

  const int index = model.value().index ? *model.value().index
                                        : functions_->add_model_choice(model.value().choice);
  // Both the second model and the first may be a checkpoint outside models/; the same file is
  // offered once.
  int compare_index = -1;
  if (compare) {
    compare_index = compare->index ? *compare->index
                    : compare->choice.source == model.value().choice.source
                        ? index
                        : functions_->add_model_choice(compare->choice);
  }
  functions_->restore(index, session.points, session.truth, session.settings.show_truth,
                      session.settings.show_oracle, compare_index);
  if (images) {
    const int images_model = images->model.index ? *images->model.index
                                                 : images_->add_model_choice(images->model.choice);
    images_->restore(images->source, images->image, images_model, session.images->revealed,
                     session.images->resolution);
  }
  if (events) {
    const int events_model =
        events->index ? *events->index : events_->add_model_choice(events->choice);
    events_->restore(events_model, session.events->events, session.events->process,
                     session.events->show_truth);
  }
  if (!memory_models.isEmpty()) memory_->set_selected_models(memory_models);
  if (!session.settings.memory_sizes.empty()) memory_->set_sizes(session.settings.memory_sizes);
  views_->setCurrentIndex(std::max(0, session_view_index(QString::fromStdString(session.view))));
  last_session_ = path;
  session_name_ = QFileInfo(path).fileName();
  update_title();
  statusBar()->showMessage(tr("Opened %1").arg(path), 5000);
  return true;
}

bool MainWindow::save_session(const QString& path) {
  facade::Session session = capture_functions(*functions_);
  session.view = session_view_name(views_->currentIndex()).toStdString();
  session.images = capture_images(*images_);
  session.events = capture_events(*events_);
  for (const auto& model : memory_->selected_models()) {
    session.settings.memory_models.push_back(model.toStdString());
  }
  session.settings.memory_sizes = memory_->sizes();
  const auto saved = nplab::facade::save_session(path.toStdString(), session);
  if (!saved.ok()) {
    report_error(tr("Could not save the session"), QString::fromStdString(saved.error()));
    return false;
  }
  last_session_ = path;
  session_name_ = QFileInfo(path).fileName();
  update_title();
  statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
  return true;
}

bool MainWindow::import_points(const QString& path) {
  const QString title = tr("Could not import the points");
  const auto read = facade::read_points_csv(path.toStdString());
  if (!read.ok()) {
    report_error(title, QString::fromStdString(read.error()));
    return false;
  }
  const auto problem =
      functions_points_problem(read.value(), FunctionsView::kMinX, FunctionsView::kMaxX);
  if (!problem.isEmpty()) {
    report_error(title, tr("%1: %2").arg(path, problem));
    return false;
  }
  functions_->set_points(read.value());  // one undoable edit
  show_view(View::Functions);
  statusBar()->showMessage(tr("Imported %1 points from %2").arg(read.value().size()).arg(path),
                           5000);
  return true;
}

bool MainWindow::export_points(const QString& path) {
  const auto written = facade::write_points_csv(path.toStdString(), functions_->points());
  if (!written.ok()) {
    report_error(tr("Could not export the points"), QString::fromStdString(written.error()));
    return false;
  }
  statusBar()->showMessage(tr("Wrote %1 points to %2").arg(functions_->points().size()).arg(path),
                           5000);
  return true;
}

bool MainWindow::export_current_plot(const QString& path) {
  auto* plot = current_view_widget()->findChild<QCustomPlot*>();
  const QString error = plot ? export_plot(*plot, path) : tr("This view has no plot.");
  if (!error.isEmpty()) {
    report_error(tr("Could not export the plot"), error);
    return false;
  }
  statusBar()->showMessage(tr("Wrote %1").arg(path), 5000);
  return true;
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
    const QList<ShortcutRow> mouse{
        {tr("Left click"), tr("Add a context point (hold and drag to place it)")},
        {tr("Drag a point"), tr("Move it")},
        {tr("Right click a point"), tr("Remove it")},
        {tr("Click a point, then Delete"), tr("Remove it")},
        {tr("Left click or drag on an image"), tr("Images: reveal the pixels under the brush")},
        {tr("Right click or drag on an image"), tr("Images: hide them again")},
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

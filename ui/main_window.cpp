// The main window's frame: the six views in their tabs, the first-run hints, the title and the
// status bar, and which view is on screen. The menus are main_window_menus.cpp, the files they
// open and save main_window_files.cpp.

#include "main_window.h"

#include <QApplication>
#include <QIcon>
#include <QLabel>
#include <QScrollArea>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <array>
#include <optional>
#include <tuple>

#include "bo_view.h"
#include "bo_worker.h"
#include "events_view.h"
#include "events_worker.h"
#include "explorer_worker.h"
#include "first_run_hint.h"
#include "functions_view.h"
#include "images_view.h"
#include "memory_view.h"
#include "nplab/build_info.h"
#include "stream_view.h"

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
      events_worker_(std::make_unique<EventsWorker>(*jobs_)),
      bo_worker_(std::make_unique<BoWorker>(*jobs_)) {
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
  bo_ = new BoView(*bo_worker_, {}, views_);
  views_->addTab(scrolled(bo_), tr("&BO"));
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
  connect(bo_, &BoView::history_changed, this, &MainWindow::update_edit_actions);
  connect(bo_, &BoView::settled, this, &MainWindow::update_title);
  connect(images_, &ImagesView::error_reported, this, &MainWindow::report_error);
  connect(images_, &ImagesView::status_message, this,
          [this](const QString& message) { statusBar()->showMessage(message, 5000); });
  update_edit_actions();
  update_title();
  statusBar()->showMessage(tr("NPLab %1 — ready").arg(QString::fromUtf8(kVersion)));
}

void MainWindow::add_hints() {
  const std::array<std::tuple<QWidget*, QString, QString>, 6> hints{{
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
      {bo_, "bo",
       tr("Step lets the surrogate choose where to query the hidden function next (the dashed "
          "line); click the upper plot to query it yourself. Beneath: the acquisition function; "
          "beside: the regret against the oracle GP and random search.")},
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
    case View::Bo:
      return tr("%1 on cpu").arg(label(bo_->surrogates(), bo_->current_surrogate()));
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
  } else if (current_view() == View::Bo && !bo_->is_settled()) {
    connect(bo_, &BoView::settled, this, later, Qt::SingleShotConnection);
  } else if (current_view() == View::Stream && stream_->is_running()) {
    connect(stream_, &StreamView::streams_finished, this, later, Qt::SingleShotConnection);
  } else {
    later();
  }
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

}  // namespace nplab::ui

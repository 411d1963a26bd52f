// What the main window's File menu does once it has a file name: sessions opened (checked whole
// before anything changes) and saved, points and events CSV imported and exported, the plot
// exported; failures are reported, never thrown.

#include <qcustomplot.h>

#include <QFileInfo>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>
#include <optional>

#include "bo_view.h"
#include "events_view.h"
#include "functions_view.h"
#include "images_view.h"
#include "main_window.h"
#include "memory_view.h"
#include "nplab/facade/session.h"
#include "plot_export.h"
#include "session_bridge.h"

namespace nplab::ui {

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
  std::optional<ResolvedModel> events_compare;
  if (session.events) {
    const auto resolved = resolve_session_model(session.events->model, events_->models(), path);
    if (!resolved.ok()) {
      report_error(title, tr("%1: events: %2").arg(path, QString::fromStdString(resolved.error())));
      return false;
    }
    events = resolved.value();
    if (session.events->compare) {
      const auto second =
          resolve_session_model(*session.events->compare, events_->models(), path);
      if (!second.ok()) {
        report_error(title, tr("%1: events.compare: %2")
                                .arg(path, QString::fromStdString(second.error())));
        return false;
      }
      events_compare = second.value();
    }
  }
  std::optional<BoRestore> bo;
  if (session.bo) {
    const auto resolved = resolve_bo_session(*session.bo, *bo_, path);
    if (!resolved.ok()) {
      report_error(title, tr("%1: bo: %2").arg(path, QString::fromStdString(resolved.error())));
      return false;
    }
    bo = resolved.value();
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
    int images_compare = -1;
    if (images->compare) {
      images_compare = images->compare->index ? *images->compare->index
                       : images->compare->choice.source == images->model.choice.source
                           ? images_model
                           : images_->add_model_choice(images->compare->choice);
    }
    images_->restore(images->source, images->image, images_model, session.images->revealed,
                     session.images->resolution, images_compare);
  }
  if (events) {
    const int events_model =
        events->index ? *events->index : events_->add_model_choice(events->choice);
    int events_compare_index = -1;
    if (events_compare) {
      events_compare_index = events_compare->index ? *events_compare->index
                             : events_compare->choice.source == events->choice.source
                                 ? events_model
                                 : events_->add_model_choice(events_compare->choice);
    }
    events_->restore(events_model, session.events->events, session.events->process,
                     session.events->show_truth, events_compare_index);
  }
  if (bo) {
    if (bo->offer) bo_->add_surrogate(*bo->offer);
    bo_->restore(bo->session);
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
  session.bo = bo_->session();
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

bool MainWindow::import_events(const QString& path) {
  const auto read = facade::read_events_csv(path.toStdString(), EventsView::kMarks);
  if (!read.ok()) {
    report_error(tr("Could not import the events"), QString::fromStdString(read.error()));
    return false;
  }
  const auto& imported = read.value();
  events_->set_events(imported.events);  // one undoable edit
  show_view(View::Events);
  const QString message = tr("Imported %1 events from %2").arg(imported.events.size()).arg(path);
  statusBar()->showMessage(
      imported.sequences > 1
          ? message + tr(" (sequence \"%1\", the first of %2)")
                          .arg(QString::fromStdString(imported.sequence))
                          .arg(imported.sequences)
          : message,
      5000);
  return true;
}

bool MainWindow::export_events(const QString& path) {
  const auto written = facade::write_events_csv(path.toStdString(), events_->events());
  if (!written.ok()) {
    report_error(tr("Could not export the events"), QString::fromStdString(written.error()));
    return false;
  }
  statusBar()->showMessage(tr("Wrote %1 events to %2").arg(events_->events().size()).arg(path),
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

}  // namespace nplab::ui

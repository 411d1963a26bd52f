#include "memory_view.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>
#include <map>
#include <utility>

#include "bench_chart.h"
#include "function_plot.h"
#include "nplab/facade/bench_files.h"
#include "plot_export.h"
#include "theme.h"

namespace nplab::ui {
namespace {

constexpr int kDefaultTicked = 4;  // cmanp, lbanp, lbanp-128, tnpd: the paper's comparison
constexpr std::int64_t kMaxSize = 10'000'000;
constexpr double kBytesPerMiB = 1024.0 * 1024.0;
constexpr double kBytesPerGiB = 1024.0 * kBytesPerMiB;
// A run (one condition + predict, or one update) predicted to take longer is predicted, not run:
// the default sweep then ends in about a minute on two cores. Cancel stops at once regardless.
constexpr double kMaxRunSeconds = 10.0;
constexpr double kUpdateBudgetSeconds = 0.5;

// The chart's panels.
constexpr int kMemoryPanel = 0;
constexpr int kUpdatePanel = 1;
constexpr int kStatePanel = 2;

QString size_text(double bytes) {
  return bytes >= kBytesPerGiB
             ? QString::number(bytes / kBytesPerGiB, 'f', bytes >= 100 * kBytesPerGiB ? 0 : 1) +
                   " GiB"
             : QString::number(bytes / kBytesPerMiB, 'f', 1) + " MiB";
}

QString n_text(std::int64_t n) {
  return n >= 1024 && n % 1024 == 0 ? QStringLiteral("%1k").arg(n / 1024) : QString::number(n);
}

QString sizes_text(const std::vector<std::int64_t>& sizes) {
  QStringList fields;
  for (const auto size : sizes) fields << QString::number(size);
  return fields.join(',');
}

/// The panels' titles and y labels: what one point measures differs between the two choices.
QList<BenchChart::Panel> panels(bool point_processes) {
  if (point_processes) {
    return {{QObject::tr("Memory while taking one event"), QObject::tr("peak memory (MiB)")},
            {QObject::tr("Time to take one event"), QObject::tr("update + prediction (ms)")},
            {QObject::tr("The model's state"), QObject::tr("state (KiB)")}};
  }
  return {{QObject::tr("Memory of condition + predict"), QObject::tr("peak memory (MiB)")},
          {QObject::tr("Time to add one point"), QObject::tr("time of one update (ms)")},
          {QObject::tr("The model's state"), QObject::tr("state (KiB)")}};
}

}  // namespace

const QStringList& MemoryView::offered_models() {
  static const QStringList models{"cmanp",      "lbanp",      "lbanp-128", "tnpd",
                                  "tnpkr-scan", "tnpkr-full", "cnp"};
  return models;
}

const QStringList& MemoryView::offered_point_process_models() {
  static const QStringList models{"cmhp", "thp"};
  return models;
}

MemoryView::MemoryView(QWidget* parent) : QWidget(parent) {
  setObjectName("memoryView");
  build_controls();
  build_plot();
  auto* layout = qobject_cast<QVBoxLayout*>(this->layout());
  layout->insertWidget(1, plot_, 1);
  empty_note_ = add_plot_note(*plot_, tr("Press Run: every ticked model\nat every N, "
                                         "in about a minute"));
  if (plot_->axisRectCount() > kUpdatePanel) {  // in the middle panel
    empty_note_->setClipAxisRect(plot_->axisRect(kUpdatePanel));
    empty_note_->position->setAxisRect(plot_->axisRect(kUpdatePanel));
  }
  options_.cap_bytes = facade::default_memory_cap_bytes();
  options_.max_run_seconds = kMaxRunSeconds;
  options_.update_budget_seconds = kUpdateBudgetSeconds;
  connect(&sweep_, &SweepProcess::point_ready, this, &MemoryView::add_point);
  connect(&sweep_, &SweepProcess::finished, this, &MemoryView::on_finished);
  connect(&ThemeSignals::instance(), &ThemeSignals::changed, this, [this] {
    chart_->restyle();
    style_note(*empty_note_);
    set_status(status_->text(), status_is_error_);  // the error red of the new theme
  });
  set_status(introduction());
}

QString MemoryView::introduction() const {
  if (point_processes_) {
    return tr("Run measures, for each point-process model and history of N events, one new "
              "event: its update and the next-event prediction, the memory in use meanwhile "
              "(the state included) and the state itself. CMHP's stay flat as the history "
              "grows; THP re-encodes the whole history for every event.");
  }
  return tr("Run measures, for each model and N, one condition + predict (%1 targets), "
            "one update and the model's state. CMANP's memory and update stay flat as N "
            "grows; the others' grow, and the marks show where CMANP passes them.")
      .arg(options_.targets);
}

MemoryView::~MemoryView() = default;

void MemoryView::build_controls() {
  auto* layout = new QVBoxLayout(this);
  auto* controls = new QGridLayout;
  layout->addLayout(controls);

  controls->addWidget(new QLabel(tr("Models:"), this), 0, 0);
  auto* boxes = new QHBoxLayout;
  family_ = new QComboBox(this);
  family_->setObjectName("familyChoice");
  family_->addItem(tr("Neural processes, N = context points"));
  family_->addItem(tr("Point processes, N = events of history"));
  family_->setToolTip(tr("Neural processes over context size, or CMHP and THP over the length "
                         "of the event history"));
  boxes->addWidget(family_);
  const auto add_box = [&](const QString& model, bool ticked, std::vector<QCheckBox*>& into) {
    auto* box = new QCheckBox(model, this);
    box->setObjectName(QStringLiteral("model_%1").arg(model));
    box->setChecked(ticked);
    box->setToolTip(tr("Measure %1").arg(model));
    into.push_back(box);
    boxes->addWidget(box);
  };
  for (int i = 0; i < offered_models().size(); ++i) {
    add_box(offered_models()[i], i < kDefaultTicked, model_boxes_);
  }
  for (const auto& model : offered_point_process_models()) {
    add_box(model, true, point_process_boxes_);
    point_process_boxes_.back()->setVisible(false);
  }
  other_sizes_ = sizes_text(default_history_lengths());
  connect(family_, &QComboBox::currentIndexChanged, this,
          [this](int index) { set_point_processes(index == 1); });
  boxes->addStretch(1);
  controls->addLayout(boxes, 0, 1, 1, 4);

  sizes_label_ = new QLabel(tr("Context sizes N:"), this);
  controls->addWidget(sizes_label_, 1, 0);
  sizes_edit_ = new QLineEdit(this);
  sizes_edit_->setObjectName("sizesEdit");
  sizes_edit_->setToolTip(tr("Comma-separated context sizes, e.g. 64,256,1024,4096. Sizes "
                             "predicted to pass the memory cap or to take over %1 s per run are "
                             "drawn at their prediction instead of run.")
                              .arg(kMaxRunSeconds));
  set_sizes(default_sizes());
  controls->addWidget(sizes_edit_, 1, 1);

  run_ = new QPushButton(tr("Run"), this);
  run_->setObjectName("runButton");
  cancel_ = new QPushButton(tr("Cancel"), this);
  cancel_->setObjectName("cancelButton");
  cancel_->setEnabled(false);
  run_->setToolTip(tr("Measure the ticked models at every N (about a minute for the defaults)"));
  cancel_->setToolTip(tr("Stop the sweep now; the points measured so far stay"));
  progress_ = new QProgressBar(this);
  progress_->setObjectName("progress");
  progress_->setRange(0, 1);
  progress_->setValue(0);
  progress_->setFormat(tr("no sweep yet"));  // "0 of 1" would read as a run that stalled
  controls->addWidget(run_, 1, 2);
  controls->addWidget(cancel_, 1, 3);
  controls->addWidget(progress_, 1, 4);
  controls->setColumnStretch(1, 1);
  controls->setColumnStretch(4, 1);
  connect(run_, &QPushButton::clicked, this, &MemoryView::start);
  connect(cancel_, &QPushButton::clicked, this, &MemoryView::cancel);
  connect(sizes_edit_, &QLineEdit::returnPressed, this, &MemoryView::start);

  auto* footer = new QHBoxLayout;
  status_ = new QLabel(this);
  status_->setObjectName("memoryStatus");
  status_->setWordWrap(true);
  footer->addWidget(status_, 1);
  auto* export_plot_button = new QPushButton(tr("Export plot…"), this);
  export_plot_button->setObjectName("exportPlotButton");
  auto* export_csv_button = new QPushButton(tr("Export data (CSV)…"), this);
  export_csv_button->setObjectName("exportCsvButton");
  export_plot_button->setToolTip(tr("Save the three plots as PNG, PDF or SVG"));
  export_csv_button->setToolTip(
      tr("Save every measured point (model, N, status, peak bytes, "
         "state bytes, times) as a CSV that nplab --plot draws"));
  footer->addWidget(export_plot_button);
  footer->addWidget(export_csv_button);
  layout->addLayout(footer);
  connect(export_plot_button, &QPushButton::clicked, this, [this] {
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export Plot"), "memory.png", plot_file_filter());
    if (path.isEmpty()) return;
    const QString error = export_plot(*plot_, path);
    set_status(error.isEmpty() ? tr("Wrote %1").arg(path) : error, !error.isEmpty());
  });
  connect(export_csv_button, &QPushButton::clicked, this, [this] {
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export Data"), "memory.csv", tr("CSV file (*.csv)"));
    if (path.isEmpty()) return;
    const QString error = export_csv(path);
    set_status(error.isEmpty() ? tr("Wrote %1").arg(path) : error, !error.isEmpty());
  });
}

void MemoryView::build_plot() {
  plot_ = new QCustomPlot(this);
  plot_->setObjectName("memoryPlot");
  plot_->setMinimumSize(600, 320);
  chart_ = std::make_unique<BenchChart>(*plot_, panels(false));
}

void MemoryView::set_point_processes(bool point_processes) {
  if (running_ || point_processes == point_processes_) {
    const QSignalBlocker quiet(family_);
    family_->setCurrentIndex(point_processes_ ? 1 : 0);
    return;
  }
  point_processes_ = point_processes;
  {
    const QSignalBlocker quiet(family_);
    family_->setCurrentIndex(point_processes ? 1 : 0);
  }
  for (auto* box : model_boxes_) box->setVisible(!point_processes);
  for (auto* box : point_process_boxes_) box->setVisible(point_processes);
  const QString shown = sizes_edit_->text();
  sizes_edit_->setText(other_sizes_);
  other_sizes_ = shown;
  sizes_label_->setText(point_processes ? tr("Events of history N:") : tr("Context sizes N:"));
  // A fresh picture: the two choices' points measure different things.
  results_.clear();
  chart_->clear();
  chart_->relabel(point_processes ? tr("events of history N") : tr("context size N"),
                  panels(point_processes));
  plot_->replot();
  progress_->setRange(0, 1);
  progress_->setValue(0);
  progress_->setFormat(tr("no sweep yet"));
  set_status(introduction());
}

QStringList MemoryView::selected_models() const {
  QStringList models;
  for (const auto* box : point_processes_ ? point_process_boxes_ : model_boxes_) {
    if (box->isChecked()) models << box->text();
  }
  return models;
}

void MemoryView::set_selected_models(const QStringList& models) {
  for (auto* box : point_processes_ ? point_process_boxes_ : model_boxes_) {
    box->setChecked(models.contains(box->text()));
  }
}

std::vector<std::int64_t> MemoryView::sizes() const {
  if (!sizes_problem().isEmpty()) return {};
  std::vector<std::int64_t> sizes;
  for (const auto& field : sizes_edit_->text().split(',', Qt::SkipEmptyParts)) {
    sizes.push_back(field.trimmed().toLongLong());
  }
  return sizes;
}

void MemoryView::set_sizes(const std::vector<std::int64_t>& sizes) {
  sizes_edit_->setText(sizes_text(sizes));
}

QString MemoryView::sizes_problem() const {
  const auto fields = sizes_edit_->text().split(',', Qt::SkipEmptyParts);
  if (fields.isEmpty()) {
    return point_processes_ ? tr("Type at least one history length N.")
                            : tr("Type at least one context size N.");
  }
  for (const auto& field : fields) {
    bool number = false;
    const auto size = field.trimmed().toLongLong(&number);
    if (!number || size < 1 || size > kMaxSize) {
      return (point_processes_ ? tr("\"%1\" is not a history length (a whole number from 1 to %2).")
                               : tr("\"%1\" is not a context size (a whole number from 1 to %2)."))
          .arg(field.trimmed())
          .arg(kMaxSize);
    }
  }
  return {};
}

bool MemoryView::start() {
  if (running_) return false;
  if (const auto problem = sizes_problem(); !problem.isEmpty()) {
    set_status(problem, true);
    return false;
  }
  const auto models = selected_models();
  if (models.isEmpty()) {
    set_status(tr("Tick at least one model."), true);
    return false;
  }
  auto options = options_;
  options.models.clear();
  for (const auto& model : models) options.models.push_back(model.toStdString());
  options.sizes = sizes();
  // A fresh picture: the curves of an earlier sweep go.
  results_.clear();
  chart_->clear();
  plot_->replot();
  expected_points_ = static_cast<int>(options.models.size() * options.sizes.size());
  progress_->setRange(0, expected_points_);
  progress_->setValue(0);
  progress_->setFormat(tr("%v of %m measured"));
  running_ = true;
  if (empty_note_) empty_note_->setVisible(false);
  // A device that is not here leaves the sweep on the CPU, as the explorer's views fall back.
  const auto device = facade::resolve_device_name(options.device);
  options.device = device.ok() ? device.value() : "cpu";
  measured_device_ = QString::fromStdString(options.device);
  device_fallback_reason_ = device.ok() ? QString() : QString::fromStdString(device.error());
  if (const auto why = sweep_.start(options); !why.isEmpty()) {
    running_ = false;
    progress_->setFormat(tr("not started"));
    set_status(tr("Cannot measure: %1").arg(why), true);
    return false;
  }
  clock_.start();
  run_->setEnabled(false);
  cancel_->setEnabled(true);
  set_status((point_processes_ ? tr("Measuring %1 over histories of %2 events …")
                               : tr("Measuring %1 over N = %2 …"))
                 .arg(models.join(", "), sizes_edit_->text()));
  return true;
}

void MemoryView::cancel() {
  if (!running_) return;
  cancel_->setEnabled(false);
  sweep_.cancel();
}

void MemoryView::add_point(const facade::BenchPoint& point) {
  results_.push_back(point);
  progress_->setValue(std::min(static_cast<int>(results_.size()), expected_points_));
  if (point.status == facade::BenchStatus::Failed) {
    set_status(tr("%1 at N = %2: %3")
                   .arg(QString::fromStdString(point.model))
                   .arg(point.n)
                   .arg(QString::fromStdString(point.error)),
               true);
    return;
  }
  const auto model = QString::fromStdString(point.model);
  const double n = static_cast<double>(point.n);
  const double mib = point.peak_bytes / kBytesPerMiB;
  if (point.status == facade::BenchStatus::Skipped) {
    chart_->add_predicted(kMemoryPanel, model, n, mib);
    if (point.update_us > 0)
      chart_->add_predicted(kUpdatePanel, model, n, point.update_us / 1000.0);
  } else {
    chart_->add_point(kMemoryPanel, model, n, mib);
    chart_->add_point(kUpdatePanel, model, n, point.update_us / 1000.0);
    chart_->add_point(kStatePanel, model, n, point.state_bytes / 1024.0);
  }
  chart_->rescale();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void MemoryView::on_finished(bool cancelled, const QString& error) {
  running_ = false;
  annotate();
  plot_->replot();
  run_->setEnabled(true);
  cancel_->setEnabled(false);
  const auto skipped = std::count_if(results_.begin(), results_.end(), [](const auto& point) {
    return point.status == facade::BenchStatus::Skipped;
  });
  const auto failed = std::count_if(results_.begin(), results_.end(), [](const auto& point) {
    return point.status == facade::BenchStatus::Failed;
  });
  QString text =
      cancelled
          ? tr("Cancelled after %1 of %2 measurements.").arg(results_.size()).arg(expected_points_)
          : tr("Done: %1 points on %2 in %3 s.")
                .arg(results_.size())
                .arg(measured_device_)
                .arg(clock_.elapsed() / 1000.0, 0, 'f', 0);
  if (!cancelled) {
    text += " " + QString::fromStdString(
                      facade::sweep_conclusion(results_, reference().toStdString()));
  }
  if (!device_fallback_reason_.isEmpty()) {
    // The reason already names the requested device ("--device cuda: …").
    text += tr(" The CPU stood in: %1").arg(device_fallback_reason_);
  }
  if (skipped > 0) {
    text += tr(" %1 not run: predicted past the %2 memory cap or %3 s per run (⊗, dashed).")
                .arg(skipped)
                .arg(size_text(options_.cap_bytes))
                .arg(options_.max_run_seconds, 0, 'g', 3);
  }
  if (failed > 0) {
    const auto first = std::find_if(results_.begin(), results_.end(), [](const auto& point) {
      return point.status == facade::BenchStatus::Failed;
    });
    text += tr(" %1 failed, first: %2 at N = %3: %4")
                .arg(failed)
                .arg(QString::fromStdString(first->model))
                .arg(first->n)
                .arg(QString::fromStdString(first->error));
  }
  if (!error.isEmpty()) text += tr(" The sweep stopped: %1").arg(error);
  set_status(text, failed > 0 || !error.isEmpty());
  emit sweep_finished(cancelled);
}

void MemoryView::set_status(const QString& text, bool error) {
  status_is_error_ = error;
  // Errors in the theme's red; other text in the palette's own colour.
  status_->setStyleSheet(error ? QStringLiteral("color: %1;").arg(css(plot_colours().error_text))
                               : QString());
  status_->setText(text);
}

QCPGraph* MemoryView::memory_curve(const QString& model) const {
  return chart_->curve(kMemoryPanel, model);
}

QCPGraph* MemoryView::update_curve(const QString& model) const {
  return chart_->curve(kUpdatePanel, model);
}

QCPGraph* MemoryView::state_curve(const QString& model) const {
  return chart_->curve(kStatePanel, model);
}

QStringList MemoryView::annotations() const {
  return chart_->annotations();
}

void MemoryView::annotate() {
  // Each baseline's largest prediction: what running it would have needed. Predictions that
  // would be drawn on top of each other (same N, within 2x) share one note.
  std::map<std::string, const facade::BenchPoint*> largest_prediction;
  for (const auto& point : results_) {
    if (point.status == facade::BenchStatus::Skipped) largest_prediction[point.model] = &point;
  }
  std::vector<std::pair<QStringList, const facade::BenchPoint*>> notes;
  for (const auto& [model, point] : largest_prediction) {
    const auto near = std::find_if(notes.begin(), notes.end(), [&](const auto& note) {
      const double ratio = static_cast<double>(point->peak_bytes) / note.second->peak_bytes;
      return note.second->n == point->n && ratio < 2 && ratio > 0.5;
    });
    if (near != notes.end()) {
      near->first << QString::fromStdString(model);
    } else {
      notes.push_back({{QString::fromStdString(model)}, point});
    }
  }
  for (const auto& [models, point] : notes) {
    chart_->add_note(
        kMemoryPanel, models.front(), static_cast<double>(point->n),
        point->peak_bytes / kBytesPerMiB,
        tr("%1: predicted (would need %2)").arg(models.join(", "), size_text(point->peak_bytes)));
  }
  // Where CMANP passes each baseline, in memory and in update time; baselines passed at the
  // same N share one marker.
  QStringList baselines;
  for (const auto& point : results_) {
    const auto model = QString::fromStdString(point.model);
    if (model != reference() && !model.isEmpty() && !baselines.contains(model)) baselines << model;
  }
  for (const auto& [panel, metric] : {std::pair{kMemoryPanel, facade::BenchMetric::Memory},
                                      std::pair{kUpdatePanel, facade::BenchMetric::Update}}) {
    std::map<std::int64_t, QStringList> passed_at;
    for (const auto& baseline : baselines) {
      const auto from =
          facade::crossover_n(results_, reference().toStdString(), baseline.toStdString(), metric);
      const auto first = std::find_if(results_.begin(), results_.end(), [&](const auto& point) {
        return point.model == baseline.toStdString();
      });
      if (!from || first == results_.end() || *from <= first->n) continue;  // no crossing
      passed_at[*from] << baseline;
    }
    for (const auto& [n, passed] : passed_at) {
      chart_->add_marker(panel, passed.front(), static_cast<double>(n),
                         point_processes_
                             ? tr("cmhp below %1\nfrom %2 events").arg(passed.join(", "), n_text(n))
                             : tr("cmanp below %1\nfrom N = %2").arg(passed.join(", "), n_text(n)));
    }
  }
}

QString MemoryView::export_csv(const QString& path) const {
  return QString::fromStdString(facade::save_sweep_csv(path.toStdString(), results_));
}

}  // namespace nplab::ui

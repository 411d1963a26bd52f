#include "memory_view.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QTextStream>
#include <QVBoxLayout>
#include <algorithm>

#include "bench_chart.h"
#include "plot_export.h"
#include "theme.h"

namespace nplab::ui {
namespace {

constexpr int kDefaultTicked = 3;  // cmanp, lbanp, tnpd: the paper's comparison
constexpr std::int64_t kMaxSize = 10'000'000;
constexpr double kBytesPerMiB = 1024.0 * 1024.0;

// The chart's panels.
constexpr int kMemoryPanel = 0;
constexpr int kUpdatePanel = 1;

}  // namespace

const QStringList& MemoryView::offered_models() {
  static const QStringList models{"cmanp",      "lbanp",      "tnpd", "lbanp-128",
                                  "tnpkr-scan", "tnpkr-full", "cnp"};
  return models;
}

MemoryView::MemoryView(QWidget* parent) : QWidget(parent) {
  setObjectName("memoryView");
  build_controls();
  build_plot();
  auto* layout = qobject_cast<QVBoxLayout*>(this->layout());
  layout->insertWidget(1, plot_, 1);
  connect(&thread_.worker(), &BenchWorker::device_chosen, this,
          [this](const QString& device, const QString& fallback_reason) {
            measured_device_ = device;
            device_fallback_reason_ = fallback_reason;
          });
  connect(&thread_.worker(), &BenchWorker::point_ready, this, &MemoryView::add_point);
  connect(&thread_.worker(), &BenchWorker::finished, this, &MemoryView::on_finished);
  connect(&ThemeSignals::instance(), &ThemeSignals::changed, this, [this] {
    chart_->restyle();
    set_status(status_->text(), status_is_error_);  // the error red of the new theme
  });
  set_status(tr("Choose models and sizes, then Run. Each size runs one condition + predict "
                "(%1 targets) and times one update.")
                 .arg(options_.targets));
}

MemoryView::~MemoryView() = default;

void MemoryView::build_controls() {
  auto* layout = new QVBoxLayout(this);
  auto* controls = new QGridLayout;
  layout->addLayout(controls);

  controls->addWidget(new QLabel(tr("Models:"), this), 0, 0);
  auto* boxes = new QHBoxLayout;
  for (int i = 0; i < offered_models().size(); ++i) {
    auto* box = new QCheckBox(offered_models()[i], this);
    box->setObjectName(QStringLiteral("model_%1").arg(offered_models()[i]));
    box->setChecked(i < kDefaultTicked);
    model_boxes_.push_back(box);
    boxes->addWidget(box);
  }
  boxes->addStretch(1);
  controls->addLayout(boxes, 0, 1, 1, 4);

  controls->addWidget(new QLabel(tr("Context sizes N:"), this), 1, 0);
  sizes_edit_ = new QLineEdit(this);
  sizes_edit_->setObjectName("sizesEdit");
  sizes_edit_->setToolTip(tr("Comma-separated context sizes, e.g. 64,256,1024,4096"));
  set_sizes(default_sizes());
  controls->addWidget(sizes_edit_, 1, 1);

  run_ = new QPushButton(tr("Run"), this);
  run_->setObjectName("runButton");
  cancel_ = new QPushButton(tr("Cancel"), this);
  cancel_->setObjectName("cancelButton");
  cancel_->setEnabled(false);
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
  chart_ = std::make_unique<BenchChart>(
      *plot_,
      QList<BenchChart::Panel>{{tr("Memory of condition + predict"), tr("peak memory (MiB)")},
                               {tr("Time to add one point"), tr("time of one update (ms)")}});
}

QStringList MemoryView::selected_models() const {
  QStringList models;
  for (const auto* box : model_boxes_) {
    if (box->isChecked()) models << box->text();
  }
  return models;
}

void MemoryView::set_selected_models(const QStringList& models) {
  for (auto* box : model_boxes_) box->setChecked(models.contains(box->text()));
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
  QStringList fields;
  for (const auto size : sizes) fields << QString::number(size);
  sizes_edit_->setText(fields.join(','));
}

QString MemoryView::sizes_problem() const {
  const auto fields = sizes_edit_->text().split(',', Qt::SkipEmptyParts);
  if (fields.isEmpty()) return tr("Type at least one context size N.");
  for (const auto& field : fields) {
    bool number = false;
    const auto size = field.trimmed().toLongLong(&number);
    if (!number || size < 1 || size > kMaxSize) {
      return tr("\"%1\" is not a context size (a whole number from 1 to %2).")
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
  measured_device_ = QString::fromStdString(options.device);  // until the worker resolves it
  device_fallback_reason_.clear();
  run_->setEnabled(false);
  cancel_->setEnabled(true);
  set_status(tr("Measuring %1 over N = %2 …").arg(models.join(", "), sizes_edit_->text()));
  thread_.worker().start(std::move(options));
  return true;
}

void MemoryView::cancel() {
  if (!running_) return;
  thread_.worker().cancel();
  cancel_->setEnabled(false);
  set_status(tr("Cancelling after the run in progress…"));
}

void MemoryView::add_point(const BenchPoint& point) {
  results_.push_back(point);
  progress_->setValue(std::min(static_cast<int>(results_.size()), expected_points_));
  if (point.status == BenchStatus::Failed) {
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
  if (point.status == BenchStatus::Skipped) {
    chart_->add_predicted(kMemoryPanel, model, n, mib);
  } else {
    chart_->add_point(kMemoryPanel, model, n, mib);
    chart_->add_point(kUpdatePanel, model, n, point.update_us / 1000.0);
  }
  chart_->rescale();
  plot_->replot(QCustomPlot::rpQueuedReplot);
}

void MemoryView::on_finished(bool cancelled) {
  running_ = false;
  run_->setEnabled(true);
  cancel_->setEnabled(false);
  const auto skipped = std::count_if(results_.begin(), results_.end(), [](const auto& point) {
    return point.status == BenchStatus::Skipped;
  });
  const auto failed = std::count_if(results_.begin(), results_.end(), [](const auto& point) {
    return point.status == BenchStatus::Failed;
  });
  QString text =
      cancelled
          ? tr("Cancelled after %1 of %2 measurements.").arg(results_.size()).arg(expected_points_)
          : tr("Done: %1 measurements on %2.").arg(results_.size()).arg(measured_device_);
  if (!device_fallback_reason_.isEmpty()) {
    // The reason already names the requested device ("--device cuda: …").
    text += tr(" The CPU stood in: %1").arg(device_fallback_reason_);
  }
  if (skipped > 0) {
    text += tr(" %1 skipped: predicted past the %2 GiB cap (⊗ marks the prediction).")
                .arg(skipped)
                .arg(options_.cap_bytes / (1024.0 * 1024.0 * 1024.0), 0, 'g', 3);
  }
  if (failed > 0) {
    const auto first = std::find_if(results_.begin(), results_.end(), [](const auto& point) {
      return point.status == BenchStatus::Failed;
    });
    text += tr(" %1 failed, first: %2 at N = %3: %4")
                .arg(failed)
                .arg(QString::fromStdString(first->model))
                .arg(first->n)
                .arg(QString::fromStdString(first->error));
  }
  set_status(text, failed > 0);
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

QString MemoryView::export_csv(const QString& path) const {
  QSaveFile file(path);  // written to a temporary file, renamed on commit
  if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
    return tr("%1: %2").arg(path, file.errorString());
  }
  QTextStream out(&file);
  out << "model,n,status,peak_bytes,update_us,error\n";
  for (const auto& point : results_) {
    QString error = QString::fromStdString(point.error);
    error.replace(',', ';').replace('\n', ' ');
    out << QString::fromStdString(point.model) << ',' << point.n << ',' << to_string(point.status)
        << ',' << point.peak_bytes << ',' << QString::number(point.update_us, 'g', 10) << ','
        << error << '\n';
  }
  out.flush();
  if (!file.commit()) return tr("%1: %2").arg(path, file.errorString());
  return {};
}

}  // namespace nplab::ui

#include "memory_view.h"

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
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

#include "plot_export.h"

namespace nplab::ui {
namespace {

constexpr int kDefaultTicked = 3;  // cmanp, lbanp, tnpd: the paper's comparison
constexpr std::int64_t kMaxSize = 10'000'000;
constexpr double kBytesPerMiB = 1024.0 * 1024.0;

QColor colour_of(const QString& model) {
  static const std::map<QString, QColor> colours{
      {"cmanp", QColor(214, 39, 40)},        {"lbanp", QColor(31, 119, 180)},
      {"lbanp-128", QColor(23, 190, 207)},   {"tnpd", QColor(44, 160, 44)},
      {"tnpkr-scan", QColor(148, 103, 189)}, {"tnpkr-full", QColor(140, 86, 75)},
      {"cnp", QColor(255, 127, 14)}};
  const auto found = colours.find(model);
  return found != colours.end() ? found->second : QColor(80, 80, 80);
}

void make_log(QCPAxis* axis) {
  axis->setScaleType(QCPAxis::stLogarithmic);
  auto ticker = QSharedPointer<QCPAxisTickerLog>::create();
  ticker->setSubTickCount(8);
  axis->setTicker(ticker);
  axis->setNumberFormat("g");
  axis->setNumberPrecision(6);
  axis->grid()->setSubGridVisible(true);
  axis->grid()->setPen(QPen(QColor(215, 215, 215), 1));
  axis->grid()->setSubGridPen(QPen(QColor(240, 240, 240), 1));
}

/// A range on a log axis around [low, high], padded by a factor, covering at least a decade.
QCPRange log_range(double low, double high) {
  if (!(low > 0) || !(high > 0) || low > high) return {1, 10};
  const double centre = std::sqrt(low * high);
  if (high / low < 10) {
    low = std::min(low, centre / std::sqrt(10.0));
    high = std::max(high, centre * std::sqrt(10.0));
  }
  return {low / 1.5, high * 1.5};
}

}  // namespace

const QStringList& MemoryView::offered_models() {
  static const QStringList models{"cmanp", "lbanp", "tnpd", "lbanp-128",
                                  "tnpkr-scan", "tnpkr-full", "cnp"};
  return models;
}

MemoryView::MemoryView(QWidget* parent) : QWidget(parent) {
  setObjectName("memoryView");
  build_controls();
  build_plot();
  auto* layout = qobject_cast<QVBoxLayout*>(this->layout());
  layout->insertWidget(1, plot_, 1);
  connect(&thread_.worker(), &BenchWorker::point_ready, this, &MemoryView::add_point);
  connect(&thread_.worker(), &BenchWorker::finished, this, &MemoryView::on_finished);
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
  progress_->setFormat(tr("%v of %m"));
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
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Plot"), "memory.png",
                                                      plot_file_filter());
    if (path.isEmpty()) return;
    const QString error = export_plot(*plot_, path);
    set_status(error.isEmpty() ? tr("Wrote %1").arg(path) : error, !error.isEmpty());
  });
  connect(export_csv_button, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Data"), "memory.csv",
                                                      tr("CSV file (*.csv)"));
    if (path.isEmpty()) return;
    const QString error = export_csv(path);
    set_status(error.isEmpty() ? tr("Wrote %1").arg(path) : error, !error.isEmpty());
  });
}

QCPAxisRect* MemoryView::make_axis_rect(const QString& y_label) {
  auto* rect = new QCPAxisRect(plot_);
  QFont label_font = font();
  label_font.setPointSizeF(label_font.pointSizeF() * 1.2);
  QFont tick_font = font();
  tick_font.setPointSizeF(tick_font.pointSizeF() * 1.05);
  for (auto* axis : {rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft)}) {
    make_log(axis);
    axis->setLabelFont(label_font);
    axis->setTickLabelFont(tick_font);
  }
  rect->axis(QCPAxis::atBottom)->setLabel(tr("context size N"));
  rect->axis(QCPAxis::atLeft)->setLabel(y_label);
  rect->axis(QCPAxis::atBottom)->setRange(log_range(64, 4096));
  rect->axis(QCPAxis::atLeft)->setRange(1, 100);
  return rect;
}

void MemoryView::build_plot() {
  plot_ = new QCustomPlot(this);
  plot_->setObjectName("memoryPlot");
  plot_->setMinimumSize(600, 320);
  plot_->setBackground(Qt::white);
  auto* top = plot_->plotLayout();
  top->clear();  // removes the default axis rect (and its legend)
  memory_rect_ = make_axis_rect(tr("peak memory (MiB)"));
  update_rect_ = make_axis_rect(tr("time of one update (ms)"));
  QFont title_font = font();
  title_font.setPointSizeF(title_font.pointSizeF() * 1.25);
  title_font.setBold(true);
  auto* panels = new QCPLayoutGrid;
  top->addElement(0, 0, panels);
  panels->addElement(0, 0, new QCPTextElement(plot_, tr("Memory of condition + predict"),
                                              title_font));
  panels->addElement(0, 1, new QCPTextElement(plot_, tr("Time to add one point"), title_font));
  panels->addElement(1, 0, memory_rect_);
  panels->addElement(1, 1, update_rect_);

  // The legend centred under both panels, at its natural width.
  auto* legend = new QCPLegend;
  auto* footer = new QCPLayoutGrid;
  top->addElement(1, 0, footer);
  top->setRowStretchFactor(1, 0.001);
  footer->addElement(0, 0, new QCPLayoutElement(plot_));
  footer->addElement(0, 1, legend);
  footer->addElement(0, 2, new QCPLayoutElement(plot_));
  footer->setColumnStretchFactor(1, 0.001);
  legend->setLayer(QStringLiteral("legend"));
  legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
  legend->setWrap(8);
  legend->setBorderPen(Qt::NoPen);
  QFont legend_font = font();
  legend_font.setPointSizeF(legend_font.pointSizeF() * 1.15);
  legend->setFont(legend_font);
  plot_->legend = legend;

  // A legend entry only, for the symbol of skipped sizes.
  skipped_legend_ = plot_->addGraph(memory_rect_->axis(QCPAxis::atBottom),
                                    memory_rect_->axis(QCPAxis::atLeft));
  skipped_legend_->setName(tr("predicted, too large to run"));
  skipped_legend_->setLineStyle(QCPGraph::lsNone);
  skipped_legend_->setScatterStyle(
      QCPScatterStyle(QCPScatterStyle::ssCrossCircle, QPen(QColor(90, 90, 90), 1.8), Qt::NoBrush, 13));
  skipped_legend_->removeFromLegend();  // shown once a size is skipped
}

MemoryView::Curves& MemoryView::curves_for(const QString& model) {
  auto found = curves_.find(model);
  if (found != curves_.end()) return found->second;
  const QColor colour = colour_of(model);
  const auto make = [&](QCPAxisRect* rect) {
    auto* graph = plot_->addGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    graph->setName(model);
    graph->setPen(QPen(colour, 2.5));
    graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, colour, 8));
    graph->removeFromLegend();
    return graph;
  };
  Curves curves{make(memory_rect_), make(update_rect_), make(memory_rect_)};
  curves.memory->addToLegend(plot_->legend);
  if (plot_->legend->hasItemWithPlottable(skipped_legend_)) {  // keep it last
    skipped_legend_->removeFromLegend();
    skipped_legend_->addToLegend(plot_->legend);
  }
  curves.skipped->setName(model + tr(" (predicted)"));
  curves.skipped->setLineStyle(QCPGraph::lsNone);
  curves.skipped->setScatterStyle(
      QCPScatterStyle(QCPScatterStyle::ssCrossCircle, QPen(colour, 1.8), Qt::NoBrush, 13));
  return curves_.emplace(model, curves).first->second;
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
  for (auto& [model, curves] : curves_) {
    for (auto* graph : {curves.memory, curves.update, curves.skipped}) plot_->removeGraph(graph);
  }
  curves_.clear();
  skipped_legend_->removeFromLegend();
  plot_->replot();
  expected_points_ = static_cast<int>(options.models.size() * options.sizes.size());
  progress_->setRange(0, expected_points_);
  progress_->setValue(0);
  running_ = true;
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
  auto& curves = curves_for(QString::fromStdString(point.model));
  const double n = static_cast<double>(point.n);
  const double mib = point.peak_bytes / kBytesPerMiB;
  if (point.status == BenchStatus::Skipped) {
    curves.skipped->addData(n, mib);
    // Last in the legend, after the models.
    skipped_legend_->removeFromLegend();
    skipped_legend_->addToLegend(plot_->legend);
  } else {
    curves.memory->addData(n, mib);
    curves.update->addData(n, point.update_us / 1000.0);
  }
  rescale();
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
  QString text = cancelled ? tr("Cancelled after %1 of %2 measurements.")
                                 .arg(results_.size())
                                 .arg(expected_points_)
                           : tr("Done: %1 measurements.").arg(results_.size());
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

void MemoryView::rescale() {
  double n_low = INFINITY, n_high = 0;
  double mem_low = INFINITY, mem_high = 0, time_low = INFINITY, time_high = 0;
  for (const auto& point : results_) {
    if (point.status == BenchStatus::Failed) continue;
    n_low = std::min(n_low, static_cast<double>(point.n));
    n_high = std::max(n_high, static_cast<double>(point.n));
    const double mib = point.peak_bytes / kBytesPerMiB;
    if (mib > 0) {
      mem_low = std::min(mem_low, mib);
      mem_high = std::max(mem_high, mib);
    }
    if (point.status == BenchStatus::Ok && point.update_us > 0) {
      time_low = std::min(time_low, point.update_us / 1000.0);
      time_high = std::max(time_high, point.update_us / 1000.0);
    }
  }
  const auto n_range = log_range(n_low, n_high);
  memory_rect_->axis(QCPAxis::atBottom)->setRange(n_range);
  update_rect_->axis(QCPAxis::atBottom)->setRange(n_range);
  memory_rect_->axis(QCPAxis::atLeft)->setRange(log_range(mem_low, mem_high));
  update_rect_->axis(QCPAxis::atLeft)->setRange(log_range(time_low, time_high));
}

void MemoryView::set_status(const QString& text, bool error) {
  status_->setStyleSheet(error ? "color: #b00020;" : "color: #333;");
  status_->setText(text);
}

QCPGraph* MemoryView::memory_curve(const QString& model) const {
  const auto found = curves_.find(model);
  return found == curves_.end() ? nullptr : found->second.memory;
}

QCPGraph* MemoryView::update_curve(const QString& model) const {
  const auto found = curves_.find(model);
  return found == curves_.end() ? nullptr : found->second.update;
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
    out << QString::fromStdString(point.model) << ',' << point.n << ','
        << to_string(point.status) << ',' << point.peak_bytes << ','
        << QString::number(point.update_us, 'g', 10) << ',' << error << '\n';
  }
  out.flush();
  if (!file.commit()) return tr("%1: %2").arg(path, file.errorString());
  return {};
}

}  // namespace nplab::ui

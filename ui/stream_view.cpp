#include "stream_view.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "function_plot.h"
#include "stream_plots.h"
#include "theme.h"

namespace nplab::ui {
namespace {

constexpr double kBytesPerMiB = 1024.0 * 1024.0;
constexpr int kMaxGeneratedPoints = 2'000'000'000;
constexpr std::int64_t kDefaultPoints = 1'000'000;
constexpr double kDefaultCapGiB = 2.0;
// The N at which a stream's memory is compared with its end (the benchmark's 10⁴ vs the end).
constexpr std::int64_t kEarlyN = 10'000;

QString count_text(std::int64_t n) {
  return QLocale(QLocale::English).toString(static_cast<qlonglong>(n));
}

QString mib_text(double bytes) {
  return QString::number(bytes / kBytesPerMiB, 'f', 1) + " MiB";
}

QString time_text(double microseconds) {
  if (microseconds >= 1e6) return QString::number(microseconds / 1e6, 'f', 2) + " s";
  if (microseconds >= 1e3) return QString::number(microseconds / 1e3, 'f', 2) + " ms";
  return QString::number(microseconds, 'f', 0) + " µs";
}

int default_model(const QList<ModelChoice>& models) {
  for (int i = 0; i < models.size(); ++i) {
    if (models[i].label == "cmanp.pt") return i;
  }
  for (int i = 0; i < models.size(); ++i) {
    if (models[i].label == "untrained: cmanp") return i;
  }
  return models.isEmpty() ? -1 : 0;
}

}  // namespace

StreamView::StreamView(QStringList model_dirs, QWidget* parent) : QWidget(parent) {
  setObjectName("streamView");
  models_ = available_models(model_dirs.isEmpty() ? default_model_dirs() : model_dirs, 1, 1);
  // Two streams side by side share the cores rather than oversubscribe them.
  defaults_.cap_gib = kDefaultCapGiB;
  build_controls();
  build_plots();
  for (const Slot slot : {Main, Compare}) {
    processes_[slot] = std::make_unique<StreamProcess>(this);
    connect(processes_[slot].get(), &StreamProcess::line_ready, this,
            [this, slot](const facade::StreamLine& line) { on_line(slot, line); });
    connect(
        processes_[slot].get(), &StreamProcess::finished, this,
        [this, slot](bool stopped, const QString& error) { on_finished(slot, stopped, error); });
  }
  connect(&ThemeSignals::instance(), &ThemeSignals::changed, this, [this] {
    plots_->restyle();
    update_status();
  });
  status_ =
      tr("Start streams a million noisy samples of the hidden function into the model, or "
         "the rows of a CSV file. Watch N grow while CMANP's memory and state stay flat; "
         "compare with LBANP or TNP-D to see theirs grow. The models were trained on a few "
         "dozen points: a million is far beyond, and the plot shows what each does there.");
  update_status();
  update_buttons();
}

StreamView::~StreamView() = default;

void StreamView::build_plots() {
  auto* layout = qobject_cast<QVBoxLayout*>(this->layout());
  plots_ = std::make_unique<StreamPlots>(this);
  auto* figures = new QHBoxLayout;
  figures->addWidget(plots_->memory(), 1);
  figures->addWidget(plots_->state(), 1);
  layout->addWidget(plots_->prediction(), 3);
  layout->addLayout(figures, 2);

  status_label_ = new QLabel(this);
  status_label_->setObjectName("streamStatus");
  status_label_->setWordWrap(true);
  layout->addWidget(status_label_);
}

void StreamView::build_controls() {
  auto* layout = new QVBoxLayout(this);
  auto* controls = new QGridLayout;
  layout->addLayout(controls);

  controls->addWidget(new QLabel(tr("Model:"), this), 0, 0);
  model_picker_ = new QComboBox(this);
  model_picker_->setObjectName("streamModelPicker");
  model_picker_->setToolTip(tr("The model the points stream into"));
  model_picker_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  model_picker_->setMinimumContentsLength(12);
  for (const auto& choice : models_) model_picker_->addItem(choice.label);
  model_picker_->setCurrentIndex(default_model(models_));
  controls->addWidget(model_picker_, 0, 1);

  controls->addWidget(new QLabel(tr("Compare with:"), this), 0, 2);
  compare_picker_ = new QComboBox(this);
  compare_picker_->setObjectName("streamComparePicker");
  compare_picker_->setToolTip(
      tr("The same stream into a second model, side by side (each "
         "stream then gets half the cores)"));
  compare_picker_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  compare_picker_->setMinimumContentsLength(12);
  compare_picker_->addItem(tr("none"));
  for (const auto& choice : models_) compare_picker_->addItem(choice.label);
  controls->addWidget(compare_picker_, 0, 3);

  controls->addWidget(new QLabel(tr("Memory cap:"), this), 0, 4);
  cap_spin_ = new QDoubleSpinBox(this);
  cap_spin_->setObjectName("capSpin");
  cap_spin_->setRange(0.25, 1024);
  cap_spin_->setDecimals(2);
  cap_spin_->setSingleStep(0.5);
  cap_spin_->setSuffix(tr(" GiB"));
  cap_spin_->setValue(kDefaultCapGiB);
  cap_spin_->setToolTip(
      tr("A stream stops, with a message, before a prediction that is predicted "
         "to need more memory than this"));
  controls->addWidget(cap_spin_, 0, 5);

  controls->addWidget(new QLabel(tr("Source:"), this), 1, 0);
  source_picker_ = new QComboBox(this);
  source_picker_->setObjectName("sourcePicker");
  source_picker_->addItem(tr("Hidden function"));
  source_picker_->addItem(tr("CSV file…"));
  source_picker_->setToolTip(
      tr("Noisy samples y = f(x) + ε of the Functions view's hidden "
         "function at uniform x in [−2, 2], or the x,y rows of a CSV file "
         "(read as the stream needs them, never loaded whole)"));
  controls->addWidget(source_picker_, 1, 1);
  connect(source_picker_, qOverload<int>(&QComboBox::activated), this, [this](int index) {
    if (index == 0) {
      use_generator(points_spin_->value());
      return;
    }
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Stream a CSV file"), QFileInfo(csv_path_).path(),
                                     tr("CSV files (*.csv *.txt);;All files (*)"));
    if (path.isEmpty()) {
      source_picker_->setCurrentIndex(uses_csv() ? 1 : 0);
    } else {
      use_csv(path);
    }
  });

  controls->addWidget(new QLabel(tr("Points:"), this), 1, 2);
  points_spin_ = new QSpinBox(this);
  points_spin_->setObjectName("pointsSpin");
  points_spin_->setRange(1000, kMaxGeneratedPoints);
  points_spin_->setSingleStep(100'000);
  points_spin_->setGroupSeparatorShown(true);
  points_spin_->setValue(static_cast<int>(kDefaultPoints));
  points_spin_->setToolTip(tr("How many points the generator streams"));
  controls->addWidget(points_spin_, 1, 3);

  controls->addWidget(new QLabel(tr("Rate:"), this), 1, 4);
  rate_picker_ = new QComboBox(this);
  rate_picker_->setObjectName("ratePicker");
  rate_picker_->addItem(tr("as fast as it goes"), 0.0);
  for (const double rate : {100'000.0, 10'000.0, 1'000.0, 100.0}) {
    rate_picker_->addItem(tr("%1 points/s").arg(count_text(static_cast<std::int64_t>(rate))), rate);
  }
  rate_picker_->setToolTip(
      tr("Points per second at most: slow streams show the prediction "
         "settling, fast ones reach a million in well under a minute"));
  controls->addWidget(rate_picker_, 1, 5);

  csv_label_ = new QLabel(this);
  csv_label_->setObjectName("csvLabel");
  csv_label_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  controls->addWidget(csv_label_, 2, 1, 1, 5);
  csv_label_->hide();

  auto* buttons = new QHBoxLayout;
  start_ = new QPushButton(tr("Start"), this);
  start_->setObjectName("startButton");
  start_->setToolTip(tr("Start streaming (a new stream each time)"));
  pause_ = new QPushButton(tr("Pause"), this);
  pause_->setObjectName("pauseButton");
  pause_->setToolTip(tr("Hold the stream where it is; the time held does not count in points/s"));
  stop_ = new QPushButton(tr("Stop"), this);
  stop_->setObjectName("stopButton");
  stop_->setToolTip(tr("End the stream now; what it has shown stays"));
  buttons->addWidget(start_);
  buttons->addWidget(pause_);
  buttons->addWidget(stop_);
  buttons->addStretch(1);
  controls->addLayout(buttons, 0, 6, 2, 1);
  controls->setColumnStretch(1, 1);
  controls->setColumnStretch(3, 1);
  connect(start_, &QPushButton::clicked, this, &StreamView::start);
  connect(pause_, &QPushButton::clicked, this, [this] { is_paused() ? resume() : pause(); });
  connect(stop_, &QPushButton::clicked, this, &StreamView::stop);

  for (const Slot slot : {Main, Compare}) {
    strips_[slot] = new QLabel(this);
    strips_[slot]->setObjectName(slot == Main ? "mainStrip" : "compareStrip");
    strips_[slot]->setTextFormat(Qt::RichText);
    strips_[slot]->setWordWrap(true);  // a narrow window wraps the figures instead of widening
    strips_[slot]->setToolTip(
        tr("N: points streamed · resident: the streaming process's memory "
           "now (its peak) · state: the model's bytes · prediction: "
           "LibTorch's peak for one prediction · update: the median time "
           "of one update · points/s since the start"));
    layout->addWidget(strips_[slot]);
  }
  strips_[Compare]->hide();
}

int StreamView::current_model() const {
  return model_picker_->currentIndex();
}

void StreamView::select_model(int index) {
  if (index >= 0 && index < models_.size()) model_picker_->setCurrentIndex(index);
}

bool StreamView::select_model(const QString& label) {
  const int index = model_picker_->findText(label);
  if (index < 0) return false;
  model_picker_->setCurrentIndex(index);
  return true;
}

void StreamView::set_compare_model(int index) {
  compare_picker_->setCurrentIndex(index >= 0 && index < models_.size() ? index + 1 : 0);
}

int StreamView::compare_model() const {
  return compare_picker_->currentIndex() - 1;
}

void StreamView::use_generator(std::int64_t points) {
  csv_path_.clear();
  source_picker_->setCurrentIndex(0);
  points_spin_->setValue(static_cast<int>(
      std::clamp<std::int64_t>(points, points_spin_->minimum(), points_spin_->maximum())));
  points_spin_->setEnabled(true);
  csv_label_->hide();
}

void StreamView::use_csv(const QString& path) {
  csv_path_ = path;
  source_picker_->setCurrentIndex(1);
  points_spin_->setEnabled(false);
  csv_label_->setText(tr("Streaming the rows of %1").arg(path));
  csv_label_->show();
}

bool StreamView::uses_csv() const {
  return !csv_path_.isEmpty();
}

void StreamView::set_rate(double points_per_second) {
  int best = 0;
  for (int i = 0; i < rate_picker_->count(); ++i) {
    if (rate_picker_->itemData(i).toDouble() == points_per_second) best = i;
  }
  if (rate_picker_->itemData(best).toDouble() != points_per_second) {
    rate_picker_->addItem(tr("%1 points/s").arg(points_per_second), points_per_second);
    best = rate_picker_->count() - 1;
  }
  rate_picker_->setCurrentIndex(best);
}

void StreamView::set_cap_gib(double gib) {
  cap_spin_->setValue(gib);
}

std::optional<StreamRequest> StreamView::request_for(int model_index, QString& problem) const {
  if (model_index < 0 || model_index >= models_.size()) {
    problem = tr("no model to stream into (no 1-D checkpoint found, and no registry model)");
    return std::nullopt;
  }
  StreamRequest request = defaults_;
  request.model = models_[model_index].source;
  request.csv = csv_path_;
  request.points = points_spin_->value();
  request.rate = rate_picker_->currentData().toDouble();
  request.cap_gib = cap_spin_->value();
  request.truth = truth_;
  if (uses_csv() && !QFileInfo(csv_path_).isReadable()) {
    problem = tr("%1 cannot be read").arg(csv_path_);
    return std::nullopt;
  }
  return request;
}

bool StreamView::start() {
  if (is_running()) return false;
  QString problem;
  const bool comparing = compare_model() >= 0;
  std::array<std::optional<StreamRequest>, 2> requests{
      request_for(current_model(), problem),
      comparing ? request_for(compare_model(), problem) : std::nullopt};
  if (!problem.isEmpty()) {
    status_ = problem;
    status_is_error_ = true;
    update_status();
    return false;
  }
  const int threads = comparing ? std::max(1, QThread::idealThreadCount() / 2) : 0;
  traces_ = {};
  plots_->reset();
  for (const Slot slot : {Main, Compare}) {
    strips_[slot]->setVisible(slot == Main || comparing);
    if (!requests[slot]) continue;
    requests[slot]->threads = threads;
    const QString error = processes_[slot]->start(*requests[slot]);
    if (!error.isEmpty()) {
      stop();
      status_ = error;
      status_is_error_ = true;
      update_status();
      update_buttons();
      return false;
    }
    traces_[slot].running = true;
    traces_[slot].model =
        slot == Main ? model_picker_->currentText() : compare_picker_->currentText();
    update_strip(slot);
  }
  status_ = uses_csv() ? tr("Streaming the rows of %1…").arg(csv_path_)
                       : tr("Streaming %1 noisy samples of the hidden function…")
                             .arg(count_text(points_spin_->value()));
  status_is_error_ = false;
  update_status();
  update_buttons();
  return true;
}

void StreamView::pause() {
  for (auto& process : processes_) process->pause();
  update_buttons();
  for (const Slot slot : {Main, Compare}) update_strip(slot);
}

void StreamView::resume() {
  for (auto& process : processes_) process->resume();
  update_buttons();
  for (const Slot slot : {Main, Compare}) update_strip(slot);
}

void StreamView::stop() {
  for (auto& process : processes_) process->stop();
}

bool StreamView::is_running() const {
  return std::any_of(processes_.begin(), processes_.end(),
                     [](const auto& process) { return process->is_running(); });
}

bool StreamView::is_paused() const {
  return std::any_of(processes_.begin(), processes_.end(),
                     [](const auto& process) { return process->is_paused(); });
}

void StreamView::on_line(Slot slot, const facade::StreamLine& line) {
  auto& trace = traces_[slot];
  switch (line.event) {
    case facade::StreamEvent::Start: {
      trace.start = line;
      trace.model = QString::fromStdString(line.model);
      plots_->begin(slot, line);
      break;
    }
    case facade::StreamEvent::Sample: {
      if (trace.start) plots_->show_prediction(slot, *trace.start, line);
      facade::StreamLine figures = line;
      figures.mean.clear();
      figures.stddev.clear();
      figures.new_points.clear();
      trace.samples.push_back(std::move(figures));
      trace.last = trace.samples.back();
      trace.bad_rows = line.bad_rows;
      plots_->show_history(slot, trace.samples);
      update_strip(slot);
      break;
    }
    case facade::StreamEvent::BadRow:
      if (trace.first_bad_row.isEmpty()) {
        trace.first_bad_row = QString::fromStdString(line.where + ": " + line.problem);
        update_status();
      }
      break;
    case facade::StreamEvent::End:
      trace.end = line;
      break;
  }
}

void StreamView::on_finished(Slot slot, bool stopped, const QString& error) {
  auto& trace = traces_[slot];
  trace.running = false;
  trace.stopped_by_user = stopped;
  trace.error = error;
  update_strip(slot);
  update_buttons();
  if (!is_running()) {
    status_.clear();
    status_is_error_ = false;
    for (const Slot which : {Main, Compare}) {
      const auto& done = traces_[which];
      if (which == Compare && compare_model() < 0 && !done.start) continue;
      if (!done.error.isEmpty()) status_is_error_ = true;
    }
    update_status();
    emit streams_finished();
  }
}

void StreamView::update_buttons() {
  const bool running = is_running();
  start_->setEnabled(!running);
  pause_->setEnabled(running);
  stop_->setEnabled(running);
  pause_->setText(is_paused() ? tr("Resume") : tr("Pause"));
  pause_->setToolTip(is_paused() ? tr("Go on from where the stream was held")
                                 : tr("Hold the stream where it is; the time held does not "
                                      "count in points/s"));
  for (auto* control : std::initializer_list<QWidget*>{model_picker_, compare_picker_,
                                                       source_picker_, rate_picker_, cap_spin_}) {
    control->setEnabled(!running);
  }
  points_spin_->setEnabled(!running && !uses_csv());
}

QString StreamView::strip_text(Slot slot) const {
  const auto& trace = traces_[slot];
  QString text = QStringLiteral("<b>%1</b>").arg(trace.model.toHtmlEscaped());
  if (!trace.last) {
    if (trace.running) text += tr(" · starting…");
    if (!trace.error.isEmpty()) text += tr(" · failed");
    return text;
  }
  const auto& last = *trace.last;
  const std::int64_t chunk = trace.start ? trace.start->chunk : 0;
  text +=
      tr(" · N <b>%1</b> · resident <b>%2</b> (peak %3) · state <b>%4 B</b> · prediction %5 · "
         "update of %8 points <b>%6</b> · <b>%7</b> points/s")
          .arg(count_text(last.n), mib_text(static_cast<double>(last.resident_bytes)),
               mib_text(static_cast<double>(last.peak_resident_bytes)),
               count_text(last.state_bytes), mib_text(static_cast<double>(last.predict_peak_bytes)),
               time_text(last.update_us),
               count_text(static_cast<std::int64_t>(std::llround(last.points_per_second))),
               count_text(chunk));
  if (trace.bad_rows > 0) text += tr(" · %1 rows skipped").arg(count_text(trace.bad_rows));
  if (processes_[slot] && processes_[slot]->is_paused()) text += tr(" · <i>paused</i>");
  return text;
}

void StreamView::update_strip(Slot slot) {
  strips_[slot]->setText(strip_text(slot));
}

QString StreamView::status_text() const {
  if (is_running() || !status_.isEmpty()) {
    QString text = status_;
    for (const Slot slot : {Main, Compare}) {
      if (!traces_[slot].first_bad_row.isEmpty()) {
        text += tr(" Skipped %1 (and every row that is not x,y).").arg(traces_[slot].first_bad_row);
        break;
      }
    }
    return text;
  }
  // After the streams: what each one showed.
  QStringList parts;
  for (const Slot slot : {Main, Compare}) {
    const auto& trace = traces_[slot];
    if (!trace.start && trace.error.isEmpty()) continue;
    const QString name = trace.model;
    if (!trace.error.isEmpty()) {
      parts << tr("%1: %2").arg(name, trace.error);
      continue;
    }
    const std::int64_t n = trace.last ? trace.last->n : 0;
    QString part = trace.stopped_by_user ? tr("%1: stopped at N = %2.").arg(name, count_text(n))
                                         : tr("%1: %2 points").arg(name, count_text(n));
    if (trace.end && !trace.stopped_by_user) {
      part += tr(" in %1 s (%2 points/s).")
                  .arg(trace.end->seconds, 0, 'f', 1)
                  .arg(count_text(static_cast<std::int64_t>(
                      trace.end->seconds > 0 ? trace.end->points / trace.end->seconds : 0)));
      if (!trace.end->stopped.empty()) {
        QString reason = QString::fromStdString(trace.end->stopped);
        reason[0] = reason[0].toUpper();
        part += " " + reason + ".";
      }
    }
    // Memory at 10⁴ points against the last: the constant-memory claim in one ratio.
    const auto early = std::find_if(trace.samples.begin(), trace.samples.end(),
                                    [](const facade::StreamLine& s) { return s.n >= kEarlyN; });
    if (early != trace.samples.end() && trace.last && trace.last->n >= 10 * early->n) {
      const double ratio =
          static_cast<double>(trace.last->peak_resident_bytes) /
          static_cast<double>(std::max<std::int64_t>(early->peak_resident_bytes, 1));
      part +=
          tr(" Peak resident memory %1 at N = %2, %3 at N = %4 (×%5).")
              .arg(mib_text(static_cast<double>(early->peak_resident_bytes)), count_text(early->n),
                   mib_text(static_cast<double>(trace.last->peak_resident_bytes)),
                   count_text(trace.last->n))
              .arg(ratio, 0, 'f', 2);
    }
    parts << part;
  }
  QString text = parts.join("  ");
  for (const Slot slot : {Main, Compare}) {
    if (!traces_[slot].first_bad_row.isEmpty()) {
      text += tr("  %1 rows skipped, the first %2.")
                  .arg(count_text(traces_[slot].bad_rows), traces_[slot].first_bad_row);
      break;
    }
  }
  return text;
}

void StreamView::update_status() {
  const auto colours = plot_colours();
  status_label_->setStyleSheet(status_is_error_ ? "color: " + css(colours.error_text) : QString());
  status_label_->setText(status_text());
}

}  // namespace nplab::ui

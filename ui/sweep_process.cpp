#include "sweep_process.h"

namespace nplab::ui {
namespace {

QString number(double value) {
  return QString::number(value, 'g', 17);
}

/// Above this, a limit is "none" and is not passed.
constexpr double kNoLimit = 1e299;

}  // namespace

SweepProcess::SweepProcess(QObject* parent)
    : QObject(parent), process_(tr("the measuring process")) {
  qRegisterMetaType<facade::BenchPoint>();
  connect(&process_, &JsonlProcess::line_ready, this, [this](const QByteArray& line) {
    const auto point = facade::bench_point_from_json(line.toStdString());
    if (point.ok()) {
      emit point_ready(point.value());
    } else {
      process_.report_bad_line(QString::fromStdString(point.error()));
    }
  });
  connect(&process_, &JsonlProcess::finished, this, &SweepProcess::finished);
}

QStringList SweepProcess::arguments(const facade::BenchSweepOptions& options) {
  QStringList models, sizes;
  for (const auto& model : options.models) models << QString::fromStdString(model);
  for (const auto n : options.sizes) sizes << QString::number(n);
  QStringList arguments{"bench",
                        "sweep",
                        "--jsonl",
                        "--device",
                        QString::fromStdString(options.device),
                        "--models",
                        models.join(','),
                        "--n",
                        sizes.join(','),
                        "--targets",
                        QString::number(options.targets),
                        "--repeats",
                        QString::number(options.repeats),
                        "--cap-gib",
                        number(options.cap_bytes / (1024.0 * 1024.0 * 1024.0))};
  if (options.max_run_seconds < kNoLimit)
    arguments << "--max-run-s" << number(options.max_run_seconds);
  if (options.update_budget_seconds < kNoLimit) {
    arguments << "--update-budget-s" << number(options.update_budget_seconds);
  }
  return arguments;
}

QString SweepProcess::start(const facade::BenchSweepOptions& options) {
  return process_.start(arguments(options));
}

void SweepProcess::cancel() {
  process_.stop();
}

}  // namespace nplab::ui

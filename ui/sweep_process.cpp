#include "sweep_process.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcessEnvironment>

namespace nplab::ui {
namespace {

QString number(double value) {
  return QString::number(value, 'g', 17);
}

/// Above this, a limit is "none" and is not passed.
constexpr double kNoLimit = 1e299;

}  // namespace

SweepProcess::SweepProcess(QObject* parent) : QObject(parent) {
  qRegisterMetaType<BenchPoint>();
  process_.setProcessChannelMode(QProcess::SeparateChannels);
  connect(&process_, &QProcess::readyReadStandardOutput, this, &SweepProcess::read_points);
  connect(&process_, &QProcess::readyReadStandardError, this,
          [this] { stderr_ += process_.readAllStandardError(); });
  connect(&process_, &QProcess::finished, this, &SweepProcess::on_exit);
  connect(&process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
    if (error == QProcess::FailedToStart) {
      emit finished(false,
                    tr("could not start %1: %2").arg(process_.program(), process_.errorString()));
    }
  });
}

SweepProcess::~SweepProcess() {
  if (is_running()) {
    process_.disconnect(this);
    process_.kill();
    process_.waitForFinished(2000);
  }
}

QString SweepProcess::cli_path() {
  const auto configured = QProcessEnvironment::systemEnvironment().value("NPLAB_CLI");
  if (!configured.isEmpty()) return QFileInfo(configured).isExecutable() ? configured : QString();
  const QString beside = QDir(QCoreApplication::applicationDirPath()).filePath("nplab-cli");
  return QFileInfo(beside).isExecutable() ? beside : QString();
}

QStringList SweepProcess::arguments(const BenchSweepOptions& options) {
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

QString SweepProcess::start(const BenchSweepOptions& options) {
  if (is_running()) return tr("a sweep is already running");
  const QString cli = cli_path();
  if (cli.isEmpty()) {
    return tr("nplab-cli was not found beside %1 (set NPLAB_CLI to its path)")
        .arg(QCoreApplication::applicationDirPath());
  }
  pending_.clear();
  stderr_.clear();
  bad_line_.clear();
  cancelled_ = false;
  process_.start(cli, arguments(options), QIODevice::ReadOnly);
  return {};
}

void SweepProcess::cancel() {
  if (!is_running()) return;
  cancelled_ = true;
  process_.kill();
}

void SweepProcess::read_points() {
  pending_ += process_.readAllStandardOutput();
  if (cancelled_) return;  // whatever the child wrote before it was stopped is not shown
  for (qsizetype end = pending_.indexOf('\n'); end >= 0; end = pending_.indexOf('\n')) {
    const QByteArray line = pending_.left(end).trimmed();
    pending_.remove(0, end + 1);
    if (line.isEmpty()) continue;
    const auto point = bench_point_from_json(line.toStdString());
    if (point.ok()) {
      emit point_ready(point.value());
    } else if (bad_line_.isEmpty()) {
      bad_line_ = QString::fromStdString(point.error());
    }
  }
}

void SweepProcess::on_exit(int exit_code, QProcess::ExitStatus status) {
  if (cancelled_) {
    emit finished(true, {});
    return;
  }
  read_points();
  QString error;
  if (status == QProcess::CrashExit || exit_code != 0) {
    const auto lines = QString::fromUtf8(stderr_).trimmed().split('\n', Qt::SkipEmptyParts);
    error = status == QProcess::CrashExit
                ? tr("the measuring process died (%1)").arg(process_.errorString())
                : tr("the measuring process failed (exit %1)").arg(exit_code);
    if (!lines.isEmpty()) error += ": " + lines.back();
  } else if (!bad_line_.isEmpty()) {
    error = bad_line_;
  }
  emit finished(false, error);
}

}  // namespace nplab::ui

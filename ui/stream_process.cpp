#include "stream_process.h"

#include <signal.h>

#include <QCoreApplication>
#include <QProcessEnvironment>

#include "sweep_process.h"

namespace nplab::ui {
namespace {

QString number(double value) {
  return QString::number(value, 'g', 17);
}

}  // namespace

StreamProcess::StreamProcess(QObject* parent) : QObject(parent) {
  qRegisterMetaType<StreamLine>();
  process_.setProcessChannelMode(QProcess::SeparateChannels);
  connect(&process_, &QProcess::readyReadStandardOutput, this, &StreamProcess::read_lines);
  connect(&process_, &QProcess::readyReadStandardError, this, [this] {
    // Only the last words matter (the error); a long stream must not collect a long log.
    stderr_ += process_.readAllStandardError();
    if (stderr_.size() > 16384) stderr_ = stderr_.right(8192);
  });
  connect(&process_, &QProcess::finished, this, &StreamProcess::on_exit);
  connect(&process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
    if (error == QProcess::FailedToStart) {
      emit finished(false,
                    tr("could not start %1: %2").arg(process_.program(), process_.errorString()));
    }
  });
}

StreamProcess::~StreamProcess() {
  if (is_running()) {
    process_.disconnect(this);
    process_.kill();
    process_.waitForFinished(2000);
  }
}

QStringList StreamProcess::arguments(const StreamRequest& request) {
  QStringList arguments{"bench",
                        "stream",
                        "--jsonl",
                        "--pauses-on-stdin",
                        "--no-verify",
                        "--device",
                        QString::fromStdString(request.device),
                        "--targets",
                        QString::number(request.targets),
                        "--sample-every-s",
                        number(request.sample_every_seconds),
                        "--sample-points",
                        QString::number(request.sample_points),
                        "--cap-gib",
                        number(request.cap_gib),
                        "--max-update-s",
                        number(request.max_update_seconds),
                        "--seed",
                        QString::number(request.seed)};
  if (request.model.kind == ModelSource::Kind::Checkpoint) {
    arguments << "--checkpoint" << QString::fromStdString(request.model.name_or_path);
  } else {
    arguments << "--model" << QString::fromStdString(request.model.name_or_path);
  }
  if (!request.csv.isEmpty()) {
    arguments << "--csv" << request.csv << "--skip-bad-rows";
  } else {
    arguments << "--n" << QString::number(request.points) << "--noise" << number(request.noise);
    if (request.truth) {
      arguments << "--truth" << QString::fromStdString(truth_kernel_name(request.truth->kernel))
                << "--truth-lengthscale" << number(request.truth->lengthscale) << "--truth-scale"
                << number(request.truth->scale) << "--truth-period" << number(request.truth->period)
                << "--truth-seed" << QString::number(request.truth->seed);
    }
  }
  if (request.rate > 0) arguments << "--rate" << number(request.rate);
  return arguments;
}

QString StreamProcess::start(const StreamRequest& request) {
  if (is_running()) return tr("a stream is already running");
  const QString cli = SweepProcess::cli_path();
  if (cli.isEmpty()) {
    return tr("nplab-cli was not found beside %1 (set NPLAB_CLI to its path)")
        .arg(QCoreApplication::applicationDirPath());
  }
  pending_.clear();
  stderr_.clear();
  bad_line_.clear();
  stopped_ = false;
  paused_ = false;
  auto environment = QProcessEnvironment::systemEnvironment();
  if (request.threads > 0) environment.insert("OMP_NUM_THREADS", QString::number(request.threads));
  process_.setProcessEnvironment(environment);
  process_.start(cli, arguments(request), QIODevice::ReadWrite);
  return {};
}

void StreamProcess::pause() {
  if (!is_running() || paused_) return;
  ::kill(static_cast<pid_t>(process_.processId()), SIGSTOP);
  paused_ = true;
  paused_for_.start();
}

void StreamProcess::resume() {
  if (!is_running() || !paused_) return;
  ::kill(static_cast<pid_t>(process_.processId()), SIGCONT);
  paused_ = false;
  // Read by the child whenever it looks at its clock: this time is taken off it.
  process_.write(QByteArray("paused ") + QByteArray::number(paused_for_.elapsed() / 1000.0) + "\n");
}

void StreamProcess::stop() {
  if (!is_running()) return;
  stopped_ = true;
  process_.kill();  // SIGKILL ends a stopped process too
}

void StreamProcess::read_lines() {
  pending_ += process_.readAllStandardOutput();
  if (stopped_) return;  // what the child wrote before it was stopped is not shown
  for (qsizetype end = pending_.indexOf('\n'); end >= 0; end = pending_.indexOf('\n')) {
    const QByteArray line = pending_.left(end).trimmed();
    pending_.remove(0, end + 1);
    if (line.isEmpty()) continue;
    auto parsed = stream_line_from_json(line.toStdString());
    if (parsed.ok()) {
      emit line_ready(parsed.value());
    } else if (bad_line_.isEmpty()) {
      bad_line_ = QString::fromStdString(parsed.error());
    }
  }
}

void StreamProcess::on_exit(int exit_code, QProcess::ExitStatus status) {
  paused_ = false;
  if (stopped_) {
    emit finished(true, {});
    return;
  }
  read_lines();
  QString error;
  if (status == QProcess::CrashExit || exit_code != 0) {
    const auto lines = QString::fromUtf8(stderr_).trimmed().split('\n', Qt::SkipEmptyParts);
    error = status == QProcess::CrashExit
                ? tr("the streaming process died (%1)").arg(process_.errorString())
                : tr("the streaming process failed (exit %1)").arg(exit_code);
    if (!lines.isEmpty()) error += ": " + lines.back();
  } else if (!bad_line_.isEmpty()) {
    error = bad_line_;
  }
  emit finished(false, error);
}

}  // namespace nplab::ui

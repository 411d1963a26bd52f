#include "jsonl_process.h"

#include <signal.h>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace nplab::ui {
namespace {

/// A long run must not collect a long log: past this, only the last half is kept.
constexpr qsizetype kStderrKept = 16384;

}  // namespace

JsonlProcess::JsonlProcess(QString role, QObject* parent)
    : QObject(parent), role_(std::move(role)) {
  process_.setProcessChannelMode(QProcess::SeparateChannels);
  connect(&process_, &QProcess::readyReadStandardOutput, this, &JsonlProcess::read_lines);
  connect(&process_, &QProcess::readyReadStandardError, this, [this] {
    stderr_ += process_.readAllStandardError();
    if (stderr_.size() > kStderrKept) stderr_ = stderr_.right(kStderrKept / 2);
  });
  connect(&process_, &QProcess::finished, this, &JsonlProcess::on_exit);
  connect(&process_, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
    if (error == QProcess::FailedToStart) {
      emit finished(false,
                    tr("could not start %1: %2").arg(process_.program(), process_.errorString()));
    }
  });
}

JsonlProcess::~JsonlProcess() {
  if (is_running()) {
    process_.disconnect(this);
    process_.kill();
    process_.waitForFinished(2000);
  }
}

QString JsonlProcess::cli_path() {
  const auto configured = QProcessEnvironment::systemEnvironment().value("NPLAB_CLI");
  if (!configured.isEmpty()) return QFileInfo(configured).isExecutable() ? configured : QString();
  const QString beside = QDir(QCoreApplication::applicationDirPath()).filePath("nplab-cli");
  return QFileInfo(beside).isExecutable() ? beside : QString();
}

QString JsonlProcess::start(const QStringList& arguments, const QProcessEnvironment& environment) {
  if (is_running()) return tr("%1 is already running").arg(role_);
  const QString cli = cli_path();
  if (cli.isEmpty()) {
    return tr("nplab-cli was not found beside %1 (set NPLAB_CLI to its path)")
        .arg(QCoreApplication::applicationDirPath());
  }
  pending_.clear();
  stderr_.clear();
  bad_line_.clear();
  stopped_ = false;
  paused_ = false;
  process_.setProcessEnvironment(environment);
  process_.start(cli, arguments, QIODevice::ReadWrite);
  return {};
}

void JsonlProcess::stop() {
  if (!is_running()) return;
  stopped_ = true;
  process_.kill();  // SIGKILL ends a stopped (SIGSTOP) process too
}

void JsonlProcess::pause() {
  if (!is_running() || paused_) return;
  ::kill(static_cast<pid_t>(process_.processId()), SIGSTOP);
  paused_ = true;
  paused_for_.start();
}

void JsonlProcess::resume() {
  if (!is_running() || !paused_) return;
  ::kill(static_cast<pid_t>(process_.processId()), SIGCONT);
  paused_ = false;
  // Read by the child whenever it looks at its clock: this time is taken off it.
  process_.write(QByteArray("paused ") + QByteArray::number(paused_for_.elapsed() / 1000.0) + "\n");
}

void JsonlProcess::report_bad_line(const QString& why) {
  if (bad_line_.isEmpty()) bad_line_ = why;
}

void JsonlProcess::read_lines() {
  pending_ += process_.readAllStandardOutput();
  if (stopped_) return;  // what the child wrote before it was stopped is not shown
  for (qsizetype end = pending_.indexOf('\n'); end >= 0; end = pending_.indexOf('\n')) {
    const QByteArray line = pending_.left(end).trimmed();
    pending_.remove(0, end + 1);
    if (!line.isEmpty()) emit line_ready(line);
    if (stopped_) return;  // a slot stopped the child
  }
}

void JsonlProcess::on_exit(int exit_code, QProcess::ExitStatus status) {
  paused_ = false;
  if (stopped_) {
    emit finished(true, {});
    return;
  }
  read_lines();
  QString error;
  if (status == QProcess::CrashExit || exit_code != 0) {
    const auto lines = QString::fromUtf8(stderr_).trimmed().split('\n', Qt::SkipEmptyParts);
    error = status == QProcess::CrashExit ? tr("%1 died (%2)").arg(role_, process_.errorString())
                                          : tr("%1 failed (exit %2)").arg(role_).arg(exit_code);
    if (!lines.isEmpty()) error += ": " + lines.back();
  } else if (!bad_line_.isEmpty()) {
    error = bad_line_;
  }
  emit finished(false, error);
}

}  // namespace nplab::ui

#pragma once
// A measuring child process: `nplab-cli ...` whose stdout is one JSON object per line. What the
// Memory view's sweep (sweep_process.h) and the Stream view's stream (stream_process.h) share:
// finding nplab-cli, reading whole lines as they arrive, stopping at once (SIGKILL, even inside
// a long tensor op), pausing (SIGSTOP/SIGCONT, with the time held written to the child's stdin),
// and turning an exit into "" or the child's last words.

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace nplab::ui {

class JsonlProcess : public QObject {
  Q_OBJECT

 public:
  /// `role` names the child in errors: "the measuring process failed (exit 2): ...".
  JsonlProcess(QString role, QObject* parent = nullptr);
  /// Kills a child still running (no signals follow).
  ~JsonlProcess() override;

  /// The nplab-cli to run: $NPLAB_CLI when set, else the one beside this program; "" when
  /// neither exists.
  static QString cli_path();

  /// Starts nplab-cli with `arguments`. Returns why it cannot (no nplab-cli, one running), or "".
  QString start(const QStringList& arguments,
                const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment());
  /// Ends the child now; finished(true, "") follows, and no line read after this is reported.
  void stop();
  /// Holds the child where it is; resume() lets it go on and writes "paused SECONDS" to its
  /// stdin. Both do nothing when not running.
  void pause();
  void resume();
  bool is_running() const { return process_.state() != QProcess::NotRunning; }
  bool is_paused() const { return paused_; }

  /// The owner's parser found a line that is not what the child should write: the first such
  /// reason is the run's error when the child itself exits cleanly.
  void report_bad_line(const QString& why);

 signals:
  /// One non-empty line of the child's stdout, without its newline.
  void line_ready(const QByteArray& line);
  /// The child is gone: at its end, stopped by stop(), or failed with `error`.
  void finished(bool stopped, const QString& error);

 private:
  void read_lines();
  void on_exit(int exit_code, QProcess::ExitStatus status);

  QString role_;
  QProcess process_;
  QByteArray pending_;  // stdout after the last newline
  QByteArray stderr_;   // its tail: only the last words matter
  QString bad_line_;
  bool stopped_ = false;
  bool paused_ = false;
  QElapsedTimer paused_for_;
};

}  // namespace nplab::ui

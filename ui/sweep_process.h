#pragma once
// The Memory view's sweep, run as a child process (jsonl_process.h): `nplab-cli bench sweep
// --jsonl`. A child can be stopped at once (Cancel kills it, even inside a long condition of
// TNP-D), its memory never swells the app's, and an out-of-memory there cannot take the app
// down. Each point comes back as a line of JSON, read as it arrives.

#include <QObject>
#include <QString>
#include <QStringList>

#include "jsonl_process.h"
#include "nplab/facade/bench_sweep.h"

namespace nplab::ui {

class SweepProcess : public QObject {
  Q_OBJECT

 public:
  explicit SweepProcess(QObject* parent = nullptr);

  /// The child's arguments for `options` (options.device as given: resolve it first).
  static QStringList arguments(const facade::BenchSweepOptions& options);

  /// Starts a sweep. Returns why it cannot (no nplab-cli, one already running), or "".
  QString start(const facade::BenchSweepOptions& options);
  /// Stops the sweep now; finished(true, "") follows.
  void cancel();
  bool is_running() const { return process_.is_running(); }

 signals:
  void point_ready(const nplab::facade::BenchPoint& point);
  /// The sweep is over: complete, cancelled, or failed with `error` (the child's last words).
  void finished(bool cancelled, const QString& error);

 private:
  JsonlProcess process_;
};

}  // namespace nplab::ui

Q_DECLARE_METATYPE(nplab::facade::BenchPoint)

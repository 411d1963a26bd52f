#pragma once
// The Memory view's own worker thread: benchmark sweeps take seconds to minutes, so they run
// beside the explorer's worker (which keeps answering the Functions view), never on the GUI
// thread. One sweep at a time; each finished (model, N) comes back by queued signal.

#include <QObject>
#include <QString>
#include <QThread>
#include <atomic>
#include <memory>

#include "nplab/benchmarks.h"

namespace nplab::ui {

class BenchWorker : public QObject {
  Q_OBJECT

 public:
  BenchWorker();

  /// Thread-safe: queues a sweep on the worker's thread. options.device may be any --device
  /// choice ("auto", "cuda", ...): it is resolved there, so that CUDA starts on this thread.
  void start(BenchSweepOptions options);
  /// Thread-safe: the sweep stops after the run in progress.
  void cancel() { cancel_requested_ = true; }

 signals:
  /// Before the first point: where the sweep measures ("cpu", "cuda:0"), and, when the device
  /// asked for is not here, why it measures on the CPU instead (empty otherwise).
  void device_chosen(const QString& device, const QString& fallback_reason);
  void point_ready(const nplab::BenchPoint& point);
  /// The sweep is over: complete, or cut short by cancel().
  void finished(bool cancelled);

 private:
  void run(const BenchSweepOptions& requested);

  std::atomic<bool> cancel_requested_{false};
};

/// RAII owner of the benchmark thread: on destruction, cancels a sweep in progress and joins.
class BenchThread {
 public:
  BenchThread();
  ~BenchThread();
  BenchThread(const BenchThread&) = delete;
  BenchThread& operator=(const BenchThread&) = delete;

  BenchWorker& worker() { return *worker_; }

 private:
  QThread thread_;
  std::unique_ptr<BenchWorker> worker_;
};

}  // namespace nplab::ui

Q_DECLARE_METATYPE(nplab::BenchPoint)

#include "bench_worker.h"

#include <utility>

namespace nplab::ui {

BenchWorker::BenchWorker() { qRegisterMetaType<BenchPoint>(); }

void BenchWorker::start(BenchSweepOptions options) {
  cancel_requested_ = false;
  QMetaObject::invokeMethod(
      this, [this, options = std::move(options)] { run(options); }, Qt::QueuedConnection);
}

void BenchWorker::run(const BenchSweepOptions& options) {
  BenchSweepCallbacks callbacks;
  callbacks.cancelled = [this] { return cancel_requested_.load(); };
  callbacks.on_point = [this](const BenchPoint& point) { emit point_ready(point); };
  run_bench_sweep(options, callbacks);
  emit finished(cancel_requested_.load());
}

BenchThread::BenchThread() : worker_(std::make_unique<BenchWorker>()) {
  thread_.setObjectName("bench-worker");
  worker_->moveToThread(&thread_);
  thread_.start();
}

BenchThread::~BenchThread() {
  worker_->cancel();
  thread_.quit();
  thread_.wait();
}

}  // namespace nplab::ui

#include "bench_worker.h"

#include <utility>

#include "nplab/explorer.h"

namespace nplab::ui {

BenchWorker::BenchWorker() { qRegisterMetaType<BenchPoint>(); }

void BenchWorker::start(BenchSweepOptions options) {
  cancel_requested_ = false;
  QMetaObject::invokeMethod(
      this, [this, options = std::move(options)] { run(options); }, Qt::QueuedConnection);
}

void BenchWorker::run(const BenchSweepOptions& requested) {
  // A device that is not here leaves the sweep on the CPU, as the explorer's views fall back.
  auto options = requested;
  const auto device = resolve_device_name(requested.device);
  options.device = device.ok() ? device.value() : "cpu";
  emit device_chosen(QString::fromStdString(options.device),
                     QString::fromStdString(device.ok() ? std::string() : device.error()));
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

#pragma once
// The one thread that owns the models (DESIGN.md §7). Views post a request that describes the
// whole wanted picture (model, context points, targets) with a generation number; the worker
// keeps only the newest request not yet started (latest wins: stale ones are dropped), brings its
// Explorer to that context with the cheapest edit, predicts, and sends the result back as plain
// vectors by queued signal. The GUI thread never runs a tensor op.

#include <QObject>
#include <QThread>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "nplab/explorer.h"

namespace nplab::ui {

/// Which model to use: a registry name (untrained) or a checkpoint path.
struct ModelSource {
  enum class Kind { Registry, Checkpoint };
  Kind kind = Kind::Registry;
  std::string name_or_path = "cmanp";
  int dim_x = 1;
  int dim_y = 1;
  friend bool operator==(const ModelSource&, const ModelSource&) = default;
};

struct PredictionRequest {
  std::uint64_t generation = 0;
  ModelSource model;
  std::vector<ContextPoint> points;
  std::vector<double> targets;  ///< row-major [M, dim_x]
};

struct PredictionResult {
  std::uint64_t generation = 0;
  std::string error;              ///< non-empty: the request failed and nothing else is set
  ModelInfo model;
  UpdateStats update;             ///< the last change of the context that cost anything
  GridPrediction prediction;
  std::uint64_t dropped_so_far = 0;  ///< stale requests the worker skipped, in total
  bool ok() const { return error.empty(); }
};

class ExplorerWorker : public QObject {
  Q_OBJECT

 public:
  ExplorerWorker();
  ~ExplorerWorker() override;

  /// Thread-safe. Makes `request` the one to do next, dropping any request not yet started
  /// whose generation is older, and wakes the worker.
  void post(PredictionRequest request);

  /// Requests dropped as stale so far (thread-safe).
  std::uint64_t dropped() const { return dropped_.load(); }

 signals:
  /// Emitted on the worker thread; connect with the default (queued across threads).
  void finished(const nplab::ui::PredictionResult& result);

 private:
  void process_latest();
  PredictionResult serve(const PredictionRequest& request);

  std::mutex mutex_;
  std::optional<PredictionRequest> pending_;  // guarded by mutex_
  std::atomic<std::uint64_t> dropped_{0};
  // Touched only on the worker thread.
  Explorer explorer_;
  std::optional<ModelSource> loaded_;
};

/// RAII owner of the worker thread: starts it, and on destruction stops and joins it (a request
/// in progress finishes first).
class ExplorerThread {
 public:
  ExplorerThread();
  ~ExplorerThread();
  ExplorerThread(const ExplorerThread&) = delete;
  ExplorerThread& operator=(const ExplorerThread&) = delete;

  ExplorerWorker& worker() { return *worker_; }

 private:
  QThread thread_;
  std::unique_ptr<ExplorerWorker> worker_;
};

}  // namespace nplab::ui

Q_DECLARE_METATYPE(nplab::ui::PredictionResult)

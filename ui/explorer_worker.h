#pragma once
// The models' side of the views (DESIGN.md §7). Views post a request that describes the whole
// wanted picture (model, context points, targets) with a generation number; the worker runs it as
// a job on the app's JobThread, whose lanes keep only the newest request not yet started per
// channel (latest wins: stale ones are dropped). The job brings that channel's Explorer to the
// context with the cheapest edit, predicts, and sends the result back as plain vectors by queued
// signal. The GUI thread never runs a tensor op.
//
// Each view posts on its own channel, so that the views neither drop each other's requests nor
// make each other reload models: every channel has its own Explorer (model and state).

#include <QObject>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "job_thread.h"
#include "nplab/facade/explorer.h"
#include "nplab/facade/ground_truth.h"

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

/// Which view (or pane) a request comes from; results carry it back. The Functions and Images
/// views' second models, when they compare two, have their own channels and so their own
/// Explorers.
enum class Channel { Functions, FunctionsCompare, Images, ImagesCompare };

struct PredictionRequest {
  Channel channel = Channel::Functions;
  std::uint64_t generation = 0;  ///< increasing per channel
  ModelSource model;
  std::vector<facade::ContextPoint> points;
  std::vector<double> targets;  ///< row-major [M, dim_x]
  /// The hidden function to evaluate at the targets (1D only), if any, and whether to add the
  /// oracle GP's prediction from the same points.
  std::optional<facade::TruthSpec> truth;
  bool oracle = false;
};

struct PredictionResult {
  Channel channel = Channel::Functions;
  std::uint64_t generation = 0;
  std::string error;  ///< non-empty: the request failed and nothing else is set
  facade::ModelInfo model;
  facade::UpdateStats update;  ///< the last change of the context that cost anything
  facade::GridPrediction prediction;
  std::uint64_t dropped_so_far = 0;  ///< stale requests the worker skipped, in total
  // The hidden function's part, computed even when the model failed.
  std::optional<facade::TruthSpec> truth_spec;  ///< what `truth` and `oracle` were computed for
  std::vector<double> truth;            ///< f at the targets; empty when not asked or failed
  std::optional<facade::GridPrediction> oracle;
  std::string truth_error;
  /// Non-empty once the worker runs on the CPU although another device was asked for: why
  /// (no such device here, or the device failed and the CPU did the work). Sticky.
  std::string device_notice;
  bool ok() const { return error.empty(); }
};

class ExplorerWorker : public QObject {
  Q_OBJECT

 public:
  /// Runs its requests on `jobs`, which must not be destroyed before this worker (the worker
  /// stops it on destruction: its jobs refer to the worker's models). `device`: where the models
  /// run, "auto" (CUDA when there is a GPU, else the CPU), "cpu" or "cuda[:N]". Resolved at the
  /// first request; a device that is missing, or that fails, gives way to the CPU with a notice
  /// in every later result (a CUDA error never ends the session).
  explicit ExplorerWorker(JobThread& jobs, std::string device = "auto");
  ~ExplorerWorker() override;

  /// Thread-safe. Makes `request` the one to do next on its channel, dropping any request of
  /// that channel not yet started whose generation is older.
  void post(PredictionRequest request);

  /// Requests dropped as stale so far, on this worker's JobThread (thread-safe).
  std::uint64_t dropped() const { return jobs_.dropped(); }

  /// The thread the requests run on (for tests: hold() and release()).
  JobThread& jobs() { return jobs_; }

 signals:
  /// Emitted on the worker thread; connect with the default (queued across threads).
  void finished(const nplab::ui::PredictionResult& result);

 private:
  PredictionResult serve(const PredictionRequest& request);
  /// The model's part of `serve`: load if needed, set the points, predict.
  void serve_model(const PredictionRequest& request, PredictionResult& result);
  void choose_device();
  void serve_truth(const PredictionRequest& request, PredictionResult& result);

  /// A channel's model and context, kept between its requests.
  struct Slot {
    facade::Explorer explorer;
    std::optional<ModelSource> loaded;
  };

  JobThread& jobs_;
  // Touched only on the job thread.
  std::map<Channel, Slot> slots_;
  std::string requested_device_;
  std::optional<std::string> device_;  // resolved at the first request: "cpu", "cuda:0", ...
  std::string device_notice_;
  // The last hidden function sampled, reused while its spec and targets stay the same.
  std::optional<std::pair<facade::TruthSpec, std::vector<double>>> truth_key_;
  std::vector<double> truth_values_;
};

}  // namespace nplab::ui

Q_DECLARE_METATYPE(nplab::ui::PredictionResult)

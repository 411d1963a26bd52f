#pragma once
// Training and checkpoints of the point-process models: what `nplab-cli train --data tpp-*`
// does, as a library call with callbacks (it never prints), in the manner of train/run.h.
//
// Adam with the cosine schedule and gradient clipping of train/trainer.h; the loss is the mean
// NLL per event over every prefix of every sequence of the batch (one pass: PointProcessModel::
// loss). Batch k is training_sequences(spec, seed, k): a function of (seed, k) alone, so the step
// is the data stream's position.
//
// A run resumes as NP runs do (train/run.h): `resume` continues the run saved at `out`, every
// setting left unset comes from its card, a given one must match it (steps may change: the
// cosine schedule is reshaped from there on). The checkpoint holds what an exact continuation
// needs: the step, Adam's state and the global CPU generator's state; the card keeps the moving
// averages. A run of N steps stopped after k and resumed ends with the uninterrupted run's weights.
//
// A checkpoint FILE.pt is a LibTorch archive with the marker "nplab-tpp-checkpoint", the config
// and the card (JSON strings), the weights and their SHA-256 (verified on load when present), and
// optionally the training state; FILE.json beside it repeats the card. It is a format of its own,
// not train/checkpoint.h's: that one holds a NeuralProcess.

#include <c10/core/Device.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "nplab/tpp/point_process.h"
#include "nplab/tpp/sequences.h"

namespace nplab::tpp {

/// The settings of a run. An unset optional is "not given": a new run takes the default shown,
/// a resumed run the saved value.
struct TppTrainSettings {
  std::string model;  ///< "cmhp" or "thp"; empty: from model_overrides["model"] or the saved run
  nlohmann::json model_overrides = nlohmann::json::object();  ///< over the model's defaults
  std::optional<std::string> data;         ///< "tpp-hawkes" (or tpp-selfcorrecting, tpp-poisson)
  std::optional<int64_t> sequence_length;  ///< 64 events per training sequence
  std::optional<int64_t> marks;            ///< 3
  std::optional<int64_t> steps;            ///< 100000
  std::optional<int64_t> batch;            ///< 16
  std::optional<double> lr;                ///< 5e-4
  std::optional<double> clip_norm;         ///< 1.0 (0: off)
  std::optional<uint64_t> seed;            ///< 0
  std::string out;  ///< checkpoint path (".pt" added when it has no extension)
  bool resume = false;  ///< continue the run saved at `out` (without it, `out` must not exist)
  c10::Device device = c10::Device(c10::kCPU);
  double checkpoint_minutes = 5.0;  ///< 0: save only at the end (and on a stop)
  int64_t stop_after = 0;           ///< > 0: stop (and save) once this many steps are done
};

struct TppTrainProgress {
  int64_t step = 0;  ///< steps completed, this one included
  int64_t steps = 0;
  int64_t first_step = 0;  ///< where this invocation of the run started
  double loss = 0.0;
  double smoothed_loss = 0.0;  ///< exponential moving average over ~100 steps
  double learning_rate = 0.0;
  double gradient_norm = 0.0;  ///< before clipping
  double seconds = 0.0;        ///< since this invocation started
};

struct TppTrainResult;

struct TppTrainCallbacks {
  /// Once the run is open, before its first step: path, model, data, first_step, schedule_steps.
  std::function<void(const TppTrainResult&)> on_start;
  std::function<void(const TppTrainProgress&)> on_progress;  ///< after every step
  std::function<bool()> should_stop;                         ///< polled after every step
  std::function<void(const std::string&)> on_notice;         ///< warnings, one line each
  std::function<void(bool saving)> on_saving;                ///< around each save
};

struct TppTrainResult {
  enum class Outcome {
    Finished,         ///< the schedule is complete
    AlreadyFinished,  ///< nothing to do: the saved run had finished
    StoppedAfter,     ///< stop_after reached (saved; resume continues)
    Stopped,          ///< should_stop said so (saved; resume continues)
  };
  Outcome outcome = Outcome::Finished;
  std::string path;
  std::string card_path;
  std::string model;  ///< registry name
  std::string data;   ///< e.g. "tpp-hawkes"
  int64_t sequence_length = 0;
  int64_t marks = 0;
  int64_t first_step = 0;
  int64_t steps = 0;  ///< steps completed
  int64_t schedule_steps = 0;
  double final_loss = 0.0;
  double smoothed_loss = 0.0;
  double wall_seconds = 0.0;  ///< the run's total, over every resume
};

/// Trains a new model, or resumes the saved one, at settings.out. Throws InvalidArgument for
/// unusable settings (naming the option), CheckpointError for a saved run that cannot be read.
TppTrainResult run_tpp_training(const TppTrainSettings& settings,
                                const TppTrainCallbacks& callbacks = {});

/// What a run needs besides the weights to continue exactly where it stopped.
struct TppTrainingState {
  int64_t step = 0;       ///< optimizer steps completed (the data stream's position)
  std::string optimizer;  ///< Adam's state as LibTorch serialized it (opaque bytes)
  std::string generator;  ///< the global CPU generator's state (opaque bytes)
};

/// Writes the checkpoint (atomically) and its card; the card gets "model", "config", "libtorch",
/// "date" and "weights_sha256". With `training`, the run can be resumed from the file.
void save_point_process(PointProcessModel& model, const nlohmann::json& card,
                        const std::string& path,
                        const std::optional<TppTrainingState>& training = std::nullopt);

struct PointProcessCheckpoint {
  std::shared_ptr<PointProcessModel> model;
  nlohmann::json card;
  std::optional<TppTrainingState> training;  ///< present when saved with one
};
/// Loads a checkpoint in eval mode onto `device`; throws CheckpointError (train/checkpoint.h)
/// naming the file and the reason.
PointProcessCheckpoint load_point_process(const std::string& path,
                                          c10::Device device = c10::Device(c10::kCPU));
/// Whether `path` holds a point-process checkpoint (and not, e.g., an NP one).
bool is_point_process_checkpoint(const std::string& path);

}  // namespace nplab::tpp

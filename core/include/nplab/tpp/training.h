#pragma once
// Training and checkpoints of the point-process models: what `nplab-cli train --data tpp-*`
// does, as a library call with callbacks (it never prints), in the manner of train/run.h.
//
// Adam with the cosine schedule and gradient clipping of train/trainer.h; the loss is the mean
// NLL per event over every prefix of every sequence of the batch (one pass: PointProcessModel::
// loss). Batch k is training_sequences(spec, seed, k): a function of (seed, k) alone.
//
// A checkpoint FILE.pt is a LibTorch archive with the marker "nplab-tpp-checkpoint", the config
// and the card (JSON strings) and the weights; FILE.json beside it repeats the card. It is a
// format of its own, not train/checkpoint.h's: that one holds a NeuralProcess.

#include <c10/core/Device.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "nplab/tpp/point_process.h"
#include "nplab/tpp/sequences.h"

namespace nplab::tpp {

struct TppTrainSettings {
  std::string model;                                          ///< "cmhp" or "thp"
  nlohmann::json model_overrides = nlohmann::json::object();  ///< over the model's defaults
  TppDataSpec data;
  int64_t steps = 1000;
  int64_t batch = 16;
  double lr = 5e-4;
  double clip_norm = 1.0;
  uint64_t seed = 0;
  std::string out;  ///< checkpoint path (".pt" added when it has no extension); must not exist
  c10::Device device = c10::Device(c10::kCPU);
  double checkpoint_minutes = 5.0;  ///< 0: save only at the end (and on a stop)
};

struct TppTrainProgress {
  int64_t step = 0;  ///< steps completed, this one included
  int64_t steps = 0;
  double loss = 0.0;
  double smoothed_loss = 0.0;  ///< exponential moving average over ~100 steps
  double learning_rate = 0.0;
  double gradient_norm = 0.0;  ///< before clipping
  double seconds = 0.0;
};

struct TppTrainCallbacks {
  std::function<void(const TppTrainProgress&)> on_progress;  ///< after every step
  std::function<bool()> should_stop;                         ///< polled after every step
};

struct TppTrainResult {
  bool stopped = false;  ///< should_stop ended it early (saved)
  std::string path;
  std::string card_path;
  int64_t steps = 0;  ///< steps completed
  double final_loss = 0.0;
  double smoothed_loss = 0.0;
  double wall_seconds = 0.0;
};

/// Trains a new model and saves it at settings.out. Throws InvalidArgument for unusable
/// settings (naming the option) and when settings.out exists.
TppTrainResult run_tpp_training(const TppTrainSettings& settings,
                                const TppTrainCallbacks& callbacks = {});

/// Writes the checkpoint (atomically) and its card; the card gets "model", "config", "date".
void save_point_process(PointProcessModel& model, const nlohmann::json& card,
                        const std::string& path);

struct PointProcessCheckpoint {
  std::shared_ptr<PointProcessModel> model;
  nlohmann::json card;
};
/// Loads a checkpoint in eval mode onto `device`; throws CheckpointError (train/checkpoint.h)
/// naming the file and the reason.
PointProcessCheckpoint load_point_process(const std::string& path,
                                          c10::Device device = c10::Device(c10::kCPU));
/// Whether `path` holds a point-process checkpoint (and not, e.g., an NP one).
bool is_point_process_checkpoint(const std::string& path);

}  // namespace nplab::tpp

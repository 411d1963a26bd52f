#pragma once
// A training run: what `nplab-cli train` does, as a library call a front end (the CLI, a future
// Train panel in the app) drives with settings and callbacks, in the manner of whisper.cpp's
// params struct. The run
//   - opens a new run at `out`, or resumes the one saved there (`resume`), taking every setting
//     left unset from the saved run's card and refusing one that contradicts it;
//   - owns the model card's training fields (the schema below) and the save policy: a checkpoint
//     every `checkpoint_minutes`, on a stop request and at the end;
//   - reports each step through `on_progress` and polls `should_stop`; it never prints.
//
// Card fields it writes: registry_name, data, batch, lr, clip_norm, seed, schedule_steps, device,
// threads, steps, finished, wall_seconds (every invocation of the run), steps_per_second,
// final_loss, smoothed_loss and smoothed_grad_norm (exponential moving averages over ~100 steps,
// continued exactly across resumes); save_checkpoint adds model, config, libtorch, date and
// format_version. Earlier "eval" results are dropped: new weights invalidate them.

#include <c10/core/Device.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "nplab/data/idx.h"

namespace nplab::train {

/// The settings of a run. An unset optional is "not given": a new run takes the default shown,
/// a resumed run the saved value.
struct TrainRunSettings {
  std::string model;  ///< registry name or alias; empty: from model_overrides["model"] or the saved run
  nlohmann::json model_overrides = nlohmann::json::object();  ///< over the model's defaults
  std::string overrides_source;  ///< where the overrides came from, for messages ("--config F")
  std::optional<std::string> data;  ///< "gp-rbf"
  std::optional<int64_t> steps;     ///< 100000; a resumed run may change it (reshapes the schedule)
  std::optional<int64_t> batch;     ///< 16
  std::optional<double> lr;         ///< 5e-4
  std::optional<double> clip_norm;  ///< 1.0
  std::optional<uint64_t> seed;     ///< 0
  std::string out;                  ///< checkpoint path (".pt" added); empty: models/MODEL.pt
  bool resume = false;
  c10::Device device = c10::Device(c10::kCPU);
  double checkpoint_minutes = 5.0;  ///< 0: save only on stop and at the end
  int64_t stop_after = 0;           ///< > 0: stop (and save) once this many steps are done
  std::filesystem::path fmnist_dir = data::kFashionMnistDir;
};

/// One step's report.
struct TrainRunProgress {
  int64_t step = 0;        ///< steps completed, this one included
  int64_t steps = 0;       ///< the schedule's length
  int64_t first_step = 0;  ///< where this invocation of the run started
  double loss = 0.0;
  double learning_rate = 0.0;
  double smoothed_loss = 0.0;
  double smoothed_grad_norm = 0.0;
  double seconds = 0.0;  ///< since this invocation started
};

struct TrainRunResult;

struct TrainRunCallbacks {
  /// Once the run is open, before its first step: path, model, data, first_step, schedule_steps.
  std::function<void(const TrainRunResult&)> on_start;
  std::function<void(const TrainRunProgress&)> on_progress;  ///< after every step
  std::function<bool()> should_stop;                         ///< polled after every step
  std::function<void(const std::string&)> on_notice;         ///< warnings and news, one line each
  /// Around each save (true before, false after): a front end can hold off being killed then.
  std::function<void(bool saving)> on_saving;
};

struct TrainRunResult {
  enum class Outcome {
    Finished,         ///< the schedule is complete
    AlreadyFinished,  ///< nothing to do: the saved run had finished
    StoppedAfter,     ///< stop_after reached (saved; resume continues)
    Stopped,          ///< should_stop said so (saved; resume continues)
  };
  Outcome outcome = Outcome::Finished;
  std::string path;       ///< the checkpoint
  std::string card_path;  ///< the card beside it
  std::string model;      ///< registry name
  std::string data;       ///< the data set it trains on
  int64_t first_step = 0;
  int64_t steps = 0;  ///< steps completed
  int64_t schedule_steps = 0;
  double wall_seconds = 0.0;  ///< the run's total, over every resume
  double steps_per_second = 0.0;
  double final_loss = 0.0;
  double smoothed_loss = 0.0;
};

/// The checkpoint path a run writes: `out` with ".pt" added when it has no extension, or
/// models/MODEL.pt.
std::string training_checkpoint_path(const TrainRunSettings& settings);

/// Runs (or resumes) the training run. Throws InvalidArgument for settings that cannot be used
/// (naming the option: "--resume PATH: ..."), CheckpointError for a saved run that cannot be read.
TrainRunResult run_training(const TrainRunSettings& settings, const TrainRunCallbacks& callbacks = {});

}  // namespace nplab::train

#include "nplab/tpp/training.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/adam.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/utils.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <limits>
#include <mutex>
#include <optional>
#include <sstream>
#include <string_view>
#include <type_traits>

#include "nplab/tpp/registry.h"
#include "nplab/train/checkpoint.h"
#include "nplab/train/trainer.h"
#include "nplab/util/checks.h"
#include "nplab/util/input_file.h"

namespace nplab::tpp {
namespace {

// The defaults of a new run that leaves a setting unset (the CLI shows the same).
constexpr std::string_view kDefaultData = "tpp-hawkes";
constexpr int64_t kDefaultSequenceLength = 64;
constexpr int64_t kDefaultMarks = 3;
constexpr int64_t kDefaultSteps = 100000;
constexpr int64_t kDefaultBatch = 16;
constexpr double kDefaultLearningRate = 5e-4;
constexpr double kDefaultClipNorm = 1.0;
constexpr uint64_t kDefaultSeed = 0;
constexpr double kSmoothing = 0.01;  // the moving averages span ~100 steps, as in train/run.cpp

/// The settings a run trains with, all known.
struct ResolvedRun {
  std::string data;
  int64_t sequence_length = 0;
  int64_t marks = 0;
  int64_t steps = 0;
  int64_t batch = 0;
  double lr = 0.0;
  double clip_norm = 0.0;
  uint64_t seed = 0;
};

std::string checkpoint_path(const std::string& out) {
  if (out.empty()) throw util::InvalidArgument("--out: required for a point-process model");
  std::filesystem::path path(out);
  if (!path.has_extension()) path += ".pt";
  return path.string();
}

ResolvedRun defaults_for_unset(const TppTrainSettings& settings) {
  return {settings.data.value_or(std::string(kDefaultData)),
          settings.sequence_length.value_or(kDefaultSequenceLength),
          settings.marks.value_or(kDefaultMarks),
          settings.steps.value_or(kDefaultSteps),
          settings.batch.value_or(kDefaultBatch),
          settings.lr.value_or(kDefaultLearningRate),
          settings.clip_norm.value_or(kDefaultClipNorm),
          settings.seed.value_or(kDefaultSeed)};
}

/// As train/run.cpp: a setting left unset is the saved run's, one that is set must be the saved
/// one, except steps, which may reshape the cosine schedule from here on (with a notice).
ResolvedRun settings_of_saved_run(const TppTrainSettings& settings, nlohmann::json recorded,
                                  int64_t saved_marks, const std::string& path,
                                  const TppTrainCallbacks& callbacks) {
  recorded["marks"] = saved_marks;  // the model's config fixes K
  ResolvedRun run;
  const auto take = [&](const char* option, const char* key, const auto& given, auto& value) {
    using Value = std::decay_t<decltype(value)>;
    const bool saved = recorded.contains(key) && !recorded[key].is_null();
    if (!given) {
      if (!saved) {
        throw util::InvalidArgument("--resume " + path + ": the saved run does not record --" +
                                    option + "; pass the value it was trained with");
      }
      value = recorded[key].template get<Value>();
      return;
    }
    value = *given;
    if (saved && recorded[key] == nlohmann::json(value)) return;
    if (std::string_view(option) == "steps") {
      if (callbacks.on_notice) {
        callbacks.on_notice("warning: --steps " + nlohmann::json(*given).dump() +
                            " differs from the saved run's " +
                            recorded.value(key, nlohmann::json()).dump() +
                            "; the cosine schedule changes from here on");
      }
      return;
    }
    throw util::InvalidArgument("--resume " + path + ": the saved run has --" + option + " " +
                                recorded.value(key, nlohmann::json()).dump() +
                                "; leave the option off to continue with the saved value, or "
                                "choose another --out");
  };
  try {
    take("data", "data", settings.data, run.data);
    take("sequence-length", "sequence_length", settings.sequence_length, run.sequence_length);
    take("marks", "marks", settings.marks, run.marks);
    take("steps", "schedule_steps", settings.steps, run.steps);
    take("batch", "batch", settings.batch, run.batch);
    take("lr", "lr", settings.lr, run.lr);
    take("clip-norm", "clip_norm", settings.clip_norm, run.clip_norm);
    take("seed", "seed", settings.seed, run.seed);
  } catch (const nlohmann::json::exception& error) {
    throw util::InvalidArgument("--resume " + path + ": the saved run's card is malformed (" +
                                error.what() + ")");
  }
  return run;
}

void check_run(const ResolvedRun& run) {
  if (run.steps < 1) throw util::InvalidArgument("--steps: must be positive");
  if (run.batch < 1) throw util::InvalidArgument("--batch: must be positive");
  if (!(run.lr > 0)) throw util::InvalidArgument("--lr: must be positive");
  if (!(run.clip_norm >= 0)) throw util::InvalidArgument("--clip-norm: must be >= 0");
}

/// The overrides as an object, with "model" checked against settings.model.
nlohmann::json checked_overrides(const TppTrainSettings& settings, std::string& name) {
  const auto& overrides = settings.model_overrides;
  if (overrides.is_null()) return nlohmann::json::object();
  if (!overrides.is_object()) {
    throw util::InvalidArgument("--config: expected a JSON object of model settings");
  }
  if (overrides.contains("model")) {
    if (!overrides["model"].is_string()) {
      throw util::InvalidArgument("--config: \"model\" must be a string");
    }
    const auto named = overrides["model"].get<std::string>();
    if (!name.empty() && named != name) {
      throw util::InvalidArgument("--config names model \"" + named + "\", but --model is " +
                                  name);
    }
    name = named;
  }
  return overrides;
}

/// A new run's config: the model's defaults, the overrides over them, K from the data.
nlohmann::json new_model_config(const TppTrainSettings& settings, int64_t marks) {
  std::string name = settings.model;
  const auto overrides = checked_overrides(settings, name);
  if (name.empty()) throw util::InvalidArgument("--model: required (cmhp or thp)");
  if (!is_point_process_name(name)) {
    throw util::InvalidArgument("--model " + name +
                                ": not a point-process model (known: cmhp, thp)");
  }
  auto config = default_point_process_config(name);
  for (const auto& [key, value] : overrides.items()) config[key] = value;
  config["marks"] = marks;  // the data fixes K
  return config;
}

/// A resumed run keeps the saved config; --model and --config, where given, must agree with it.
void check_saved_config(const TppTrainSettings& settings, const nlohmann::json& saved,
                        const std::string& path) {
  std::string name = settings.model;
  const auto overrides = checked_overrides(settings, name);
  const auto saved_name = saved.value("model", std::string());
  if (!name.empty() && name != saved_name) {
    throw util::InvalidArgument("--resume " + path + ": the saved run trains " + saved_name +
                                ", not " + name + "; leave --model off, or choose another --out");
  }
  // Keys the model does not know are ignored, as a new run ignores them.
  for (const auto& [key, value] : overrides.items()) {
    if (saved.contains(key) && saved[key] != value) {
      throw util::InvalidArgument(
          "--resume " + path + ": the saved run has model config " + saved.dump() +
          " (--config gives " + key + " " + value.dump() +
          "); leave --config off to continue it, or choose another --out");
    }
  }
}

std::string optimizer_bytes(torch::optim::Adam& optimizer) {
  torch::serialize::OutputArchive archive;
  optimizer.save(archive);
  std::ostringstream bytes;
  archive.save_to(bytes);
  return std::move(bytes).str();
}

std::string generator_bytes() {
  auto generator = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(generator.mutex());
  const auto state = generator.get_state().contiguous();
  return {reinterpret_cast<const char*>(state.data_ptr<uint8_t>()),
          static_cast<size_t>(state.numel())};
}

/// Continues from a saved state: Adam's moments onto the model's device, the generator's state.
void restore(torch::optim::Adam& optimizer, const TppTrainingState& state, c10::Device device,
             const std::string& path) {
  try {
    std::istringstream bytes(state.optimizer);
    torch::serialize::InputArchive archive;
    archive.load_from(bytes, device);
    optimizer.load(archive);
    auto generator_state = at::empty({static_cast<int64_t>(state.generator.size())}, at::kByte);
    if (!state.generator.empty()) {
      std::memcpy(generator_state.data_ptr<uint8_t>(), state.generator.data(),
                  state.generator.size());
    }
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(generator_state);
  } catch (const std::exception& error) {
    throw train::CheckpointError("checkpoint " + path +
                                 ": the training state does not load (" +
                                 util::first_message_line(error.what()) + ")");
  }
}

}  // namespace

TppTrainResult run_tpp_training(const TppTrainSettings& settings,
                                const TppTrainCallbacks& callbacks) {
  const auto path = checkpoint_path(settings.out);
  const auto notice = [&](const std::string& text) {
    if (callbacks.on_notice) callbacks.on_notice(text);
  };
  const bool model_given = !settings.model.empty() || (settings.model_overrides.is_object() &&
                                                       !settings.model_overrides.empty());
  std::optional<PointProcessCheckpoint> previous;
  ResolvedRun run;
  if (std::filesystem::exists(path)) {
    if (!settings.resume) {
      throw util::InvalidArgument("--out " + path +
                                  " exists; pass --resume to continue its run or choose another "
                                  "--out");
    }
    previous = load_point_process(path, settings.device);
    run = settings_of_saved_run(settings, previous->card, previous->model->marks(), path,
                                callbacks);
  } else {
    if (settings.resume && !model_given) {
      throw util::InvalidArgument("--resume " + path + ": there is no saved run there to continue");
    }
    if (settings.resume) notice("no checkpoint at " + path + " yet; starting a new run");
    run = defaults_for_unset(settings);
  }
  check_run(run);
  const auto spec = parse_tpp_data(run.data, run.sequence_length, run.marks);

  std::shared_ptr<PointProcessModel> model;
  if (previous) {
    check_saved_config(settings, previous->model->config(), path);
    model = previous->model;
  } else {
    const auto config = new_model_config(settings, spec.marks);
    torch::manual_seed(run.seed);
    model = make_point_process(config);
    model->to(settings.device);
  }
  model->train();
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(run.lr));
  int64_t step = 0;
  if (previous) {
    if (previous->training) {
      restore(optimizer, *previous->training, model->tensor_options().device(), path);
      step = previous->training->step;
    } else {
      // Saved before point-process checkpoints held the training state.
      step = previous->card.value("steps", int64_t{0});
    }
  }

  TppTrainResult result;
  result.path = path;
  result.card_path = train::card_path_for(path);
  result.model = model->name();
  result.data = spec.name();
  result.sequence_length = spec.length;
  result.marks = spec.marks;
  result.first_step = step;
  result.schedule_steps = run.steps;
  const auto finish = [&](TppTrainResult::Outcome outcome, const nlohmann::json& card) {
    model->eval();
    result.outcome = outcome;
    result.steps = step;
    result.wall_seconds = card.value("wall_seconds", 0.0);
    result.final_loss = card.value("final_loss", 0.0);
    result.smoothed_loss = card.value("smoothed_loss", result.final_loss);
    return result;
  };
  if (step >= run.steps) return finish(TppTrainResult::Outcome::AlreadyFinished, previous->card);
  if (settings.stop_after > 0 && step >= settings.stop_after) {
    return finish(TppTrainResult::Outcome::StoppedAfter, previous->card);
  }
  if (previous && !previous->training) {
    notice("warning: " + path + " holds no optimizer state (saved by an older nplab-cli); Adam's "
           "moments start afresh at step " + std::to_string(step) +
           ", so this is not exactly the uninterrupted run");
  }

  nlohmann::json card = previous ? previous->card : nlohmann::json::object();
  card.erase("eval");  // the weights change: earlier evaluation results no longer apply
  card["registry_name"] = model->name();
  card["data"] = spec.name();
  card["sequence_length"] = spec.length;
  card["batch"] = run.batch;
  card["lr"] = run.lr;
  card["clip_norm"] = run.clip_norm;
  card["seed"] = run.seed;
  card["schedule_steps"] = run.steps;
  card["device"] = settings.device.str();
  card["threads"] = at::get_num_threads();
  const double earlier_seconds = card.value("wall_seconds", 0.0);
  double last_loss = card.value("final_loss", 0.0);
  std::optional<double> smoothed_loss, smoothed_gradient_norm;
  const auto saved_number = [&card](const char* key, std::optional<double>& value) {
    if (card.contains(key) && card[key].is_number()) value = card[key].get<double>();
  };
  if (previous) {
    saved_number("smoothed_loss", smoothed_loss);
    saved_number("smoothed_grad_norm", smoothed_gradient_norm);
  }
  const auto smooth = [](std::optional<double>& average, double value) {
    average = average ? (1 - kSmoothing) * *average + kSmoothing * value : value;
  };

  const auto started = std::chrono::steady_clock::now();
  const auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  const auto save = [&] {
    const double total_seconds = earlier_seconds + seconds();
    card["steps"] = step;
    card["finished"] = step >= run.steps;
    card["wall_seconds"] = total_seconds;
    card["steps_per_second"] = step / std::max(total_seconds, 1e-9);
    card["final_loss"] = last_loss;
    if (smoothed_loss) card["smoothed_loss"] = *smoothed_loss;
    if (smoothed_gradient_norm) card["smoothed_grad_norm"] = *smoothed_gradient_norm;
    if (callbacks.on_saving) callbacks.on_saving(true);
    try {
      model->eval();
      save_point_process(*model, card, path,
                         TppTrainingState{step, optimizer_bytes(optimizer), generator_bytes()});
      model->train();
    } catch (...) {
      if (callbacks.on_saving) callbacks.on_saving(false);
      throw;
    }
    if (callbacks.on_saving) callbacks.on_saving(false);
  };

  if (callbacks.on_start) callbacks.on_start(result);
  const auto options = model->tensor_options();
  auto last_save = started;
  const auto save_every = std::chrono::duration<double>(settings.checkpoint_minutes * 60.0);
  bool stop_requested = false;
  while (step < run.steps) {
    const double rate = train::cosine_learning_rate(run.lr, step, run.steps);
    for (auto& group : optimizer.param_groups()) group.options().set_lr(rate);
    const auto batch =
        to_event_sequence(training_sequences(spec, run.seed, step, run.batch), options);
    optimizer.zero_grad();
    const auto loss = model->loss(batch);
    loss.backward();
    const double clip = run.clip_norm > 0 ? run.clip_norm : std::numeric_limits<double>::infinity();
    const double gradient_norm = torch::nn::utils::clip_grad_norm_(model->parameters(), clip);
    optimizer.step();
    ++step;
    last_loss = loss.item<double>();
    smooth(smoothed_loss, last_loss);
    smooth(smoothed_gradient_norm, gradient_norm);
    if (callbacks.on_progress) {
      callbacks.on_progress({step, run.steps, result.first_step, last_loss, *smoothed_loss, rate,
                             gradient_norm, seconds()});
    }
    if (settings.checkpoint_minutes > 0 &&
        std::chrono::steady_clock::now() - last_save >= save_every) {
      save();
      last_save = std::chrono::steady_clock::now();
    }
    if (settings.stop_after > 0 && step >= settings.stop_after) break;
    stop_requested = callbacks.should_stop && callbacks.should_stop();
    if (stop_requested) break;
  }
  save();
  if (step >= run.steps) return finish(TppTrainResult::Outcome::Finished, card);
  return finish(stop_requested ? TppTrainResult::Outcome::Stopped
                               : TppTrainResult::Outcome::StoppedAfter,
                card);
}

}  // namespace nplab::tpp

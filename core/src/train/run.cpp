#include "nplab/train/run.h"

#include <ATen/Parallel.h>
#include <torch/utils.h>

#include <algorithm>
#include <chrono>
#include <string_view>
#include <type_traits>
#include <utility>

#include "nplab/models/registry.h"
#include "nplab/train/checkpoint.h"
#include "nplab/train/task_data.h"
#include "nplab/train/trainer.h"
#include "nplab/util/checks.h"

namespace nplab::train {
namespace {

// The protocol's settings (DESIGN.md §5), for a new run that leaves them unset.
constexpr std::string_view kDefaultData = "gp-rbf";
constexpr int64_t kDefaultSteps = 100000;
constexpr int64_t kDefaultBatch = 16;
constexpr double kDefaultLearningRate = 5e-4;
constexpr double kDefaultClipNorm = 1.0;
constexpr uint64_t kDefaultSeed = 0;
// The last batch's loss alone is noisy: the card keeps exponential moving averages over about
// 100 steps of the loss and of the gradient norm before clipping (how much clipping acts).
constexpr double kSmoothing = 0.01;

/// The settings a run trains with, all known.
struct ResolvedSettings {
  std::string data;
  int64_t steps = 0;
  int64_t batch = 0;
  double lr = 0.0;
  double clip_norm = 0.0;
  uint64_t seed = 0;
};

ResolvedSettings defaults_for_unset(const TrainRunSettings& settings) {
  return {settings.data.value_or(std::string(kDefaultData)), settings.steps.value_or(kDefaultSteps),
          settings.batch.value_or(kDefaultBatch),            settings.lr.value_or(kDefaultLearningRate),
          settings.clip_norm.value_or(kDefaultClipNorm),     settings.seed.value_or(kDefaultSeed)};
}

/// `resume` needs only `out`: a setting left unset is the saved run's (the card records them); one
/// that is set must be the saved one, except steps, which may reshape the cosine schedule from
/// here on (with a notice).
ResolvedSettings settings_of_saved_run(const TrainRunSettings& settings, const nlohmann::json& card,
                                       const std::string& path, const TrainRunCallbacks& callbacks) {
  ResolvedSettings resolved;
  const auto take = [&](const char* option, const char* key, const auto& given, auto& value) {
    using Value = std::decay_t<decltype(value)>;
    const bool recorded = card.contains(key) && !card[key].is_null();
    if (!given) {
      if (!recorded) {
        throw util::InvalidArgument("--resume " + path + ": the saved run does not record --" +
                                    option + "; pass the value it was trained with");
      }
      value = card[key].template get<Value>();
      return;
    }
    value = *given;
    if (recorded && card[key] == nlohmann::json(value)) return;
    if (std::string_view(option) == "steps") {
      if (callbacks.on_notice) {
        callbacks.on_notice("warning: --steps " + nlohmann::json(*given).dump() +
                            " differs from the saved run's " + card.value(key, nlohmann::json()).dump() +
                            "; the cosine schedule changes from here on");
      }
      return;
    }
    throw util::InvalidArgument(
        "--resume " + path + ": the saved run has --" + option + " " +
        card.value(key, nlohmann::json()).dump() +
        "; leave the option off to continue with the saved value, or choose "
        "another --out");
  };
  try {
    take("data", "data", settings.data, resolved.data);
    take("steps", "schedule_steps", settings.steps, resolved.steps);
    take("batch", "batch", settings.batch, resolved.batch);
    take("lr", "lr", settings.lr, resolved.lr);
    take("clip-norm", "clip_norm", settings.clip_norm, resolved.clip_norm);
    take("seed", "seed", settings.seed, resolved.seed);
  } catch (const nlohmann::json::exception& error) {
    throw util::InvalidArgument("--resume " + path + ": the saved run's card is malformed (" +
                                error.what() + ")");
  }
  return resolved;
}

/// The registry name (settings.model, or the overrides' "model") and the full model config, with
/// the keys the data fixes (dim_x, dim_y, bound_std for images) set.
std::pair<std::string, nlohmann::json> model_config(const TrainRunSettings& settings,
                                                    const DataSpec& spec) {
  auto overrides = settings.model_overrides.is_null() ? nlohmann::json::object()
                                                      : settings.model_overrides;
  const std::string where =
      settings.overrides_source.empty() ? "" : settings.overrides_source + ": ";
  if (!overrides.is_object()) {
    throw util::InvalidArgument(where + "expected a JSON object of model settings, e.g. " +
                                R"({"layers": 2, "d_model": 32})");
  }
  std::string name = settings.model;
  if (overrides.contains("model")) {
    if (!overrides["model"].is_string())
      throw util::InvalidArgument(where + "\"model\" must be a string");
    const auto named = overrides["model"].get<std::string>();
    const auto known = models::model_names();
    if (std::find(known.begin(), known.end(), named) == known.end()) {
      std::string list;
      for (const auto& known_name : known) list += (list.empty() ? "" : ", ") + known_name;
      throw util::InvalidArgument(where + "unknown model \"" + named + "\" (known: " + list + ")");
    }
    if (!name.empty() && name != named) {
      throw util::InvalidArgument(where + "names model \"" + named + "\", but --model is " + name);
    }
    name = named;
    overrides.erase("model");
  }
  if (name.empty())
    throw util::InvalidArgument("--model: required (or a \"model\" key in --config)");
  const auto fixed_by_data = spec.model_overrides();  // items() refers to it: keep it alive
  for (const auto& [key, value] : fixed_by_data.items()) {
    if (overrides.contains(key) && overrides[key] != value) {
      throw util::InvalidArgument(where + key + " " + overrides[key].dump() +
                                  " contradicts --data " + spec.name + ", which needs " +
                                  value.dump());
    }
    overrides[key] = value;
  }
  try {
    return {name, models::default_config(name, overrides)};
  } catch (const util::InvalidArgument& error) {
    throw util::InvalidArgument(where + error.what());
  }
}

bool model_named(const TrainRunSettings& settings) {
  return !settings.model.empty() ||
         (settings.model_overrides.is_object() && !settings.model_overrides.empty());
}

}  // namespace

std::string training_checkpoint_path(const TrainRunSettings& settings) {
  if (settings.out.empty()) {
    if (!model_named(settings))
      throw util::InvalidArgument("--model: required (or a \"model\" key in --config)");
    const auto spec = parse_data_spec(settings.data.value_or(std::string(kDefaultData)), false);
    return "models/" + model_config(settings, spec).first + ".pt";
  }
  std::filesystem::path path(settings.out);
  if (!path.has_extension()) path += ".pt";
  return path.string();
}

TrainRunResult run_training(const TrainRunSettings& settings, const TrainRunCallbacks& callbacks) {
  const bool model_given = model_named(settings);
  if (settings.out.empty() && !model_given) {
    throw util::InvalidArgument(
        settings.resume ? "--resume: pass --out, the run to continue (e.g. --out runs/cmanp-100k)"
                        : "--model: required (or a \"model\" key in --config)");
  }
  const auto path = training_checkpoint_path(settings);
  const auto notice = [&](const std::string& text) {
    if (callbacks.on_notice) callbacks.on_notice(text);
  };

  std::optional<Checkpoint> previous;
  ResolvedSettings run;
  if (std::filesystem::exists(path)) {
    if (!settings.resume) {
      throw util::InvalidArgument(
          "--out " + path + " exists; pass --resume to continue its run or choose another --out");
    }
    previous = load_checkpoint(path, settings.device);
    if (!previous->training) {
      throw util::InvalidArgument("--resume " + path +
                                  ": the checkpoint holds no training state (optimizer and step)");
    }
    run = settings_of_saved_run(settings, previous->card, path, callbacks);
  } else {
    if (settings.resume && !model_given) {
      throw util::InvalidArgument("--resume " + path + ": there is no saved run there to continue");
    }
    if (settings.resume) notice("no checkpoint at " + path + " yet; starting a new run");
    run = defaults_for_unset(settings);
  }
  const auto spec = parse_data_spec(run.data, /*evaluation=*/false);
  // Without a model or overrides, a resumed run keeps the saved model config (the loaded model's).
  const auto [name, config] =
      previous && !model_given
          ? std::pair{previous->card.value("registry_name", previous->model->name()),
                      previous->model->config()}
          : model_config(settings, spec);
  if (previous && previous->card.value("config", nlohmann::json()) != config) {
    throw util::InvalidArgument(
        "--resume " + path + ": the saved run has model config " +
        previous->card.value("config", nlohmann::json()).dump() +
        "; leave --model and --config off to continue it, or choose another --out");
  }

  std::shared_ptr<models::NeuralProcess> model;
  if (previous) {
    model = previous->model;
  } else {
    torch::manual_seed(run.seed);
    model = models::make_model(config);
    model->to(settings.device);
  }
  Trainer trainer(*model, {.steps = run.steps, .learning_rate = run.lr, .clip_norm = run.clip_norm});
  if (previous) trainer.restore(*previous->training);

  TrainRunResult result;
  result.path = path;
  result.card_path = card_path_for(path);
  result.model = name;
  result.data = run.data;
  result.first_step = trainer.completed_steps();
  result.schedule_steps = run.steps;
  const auto finish = [&](TrainRunResult::Outcome outcome, const nlohmann::json& card) {
    result.outcome = outcome;
    result.steps = trainer.completed_steps();
    result.wall_seconds = card.value("wall_seconds", 0.0);
    result.steps_per_second = card.value("steps_per_second", 0.0);
    result.final_loss = card.value("final_loss", 0.0);
    result.smoothed_loss = card.value("smoothed_loss", result.final_loss);
    return result;
  };
  if (trainer.finished()) return finish(TrainRunResult::Outcome::AlreadyFinished, previous->card);
  if (settings.stop_after > 0 && trainer.completed_steps() >= settings.stop_after) {
    // Nothing to train: the run already reached the step to stop after.
    return finish(TrainRunResult::Outcome::StoppedAfter, previous->card);
  }

  nlohmann::json card = previous ? previous->card : nlohmann::json::object();
  card.erase("eval");  // the weights change: earlier evaluation results no longer apply
  card.erase("date");  // save_checkpoint stamps the time of this save
  card["registry_name"] = name;
  card["data"] = run.data;
  card["batch"] = run.batch;
  card["lr"] = run.lr;
  card["clip_norm"] = run.clip_norm;
  card["seed"] = run.seed;
  card["schedule_steps"] = run.steps;
  card["device"] = settings.device.str();
  card["threads"] = at::get_num_threads();
  const double earlier_seconds = card.value("wall_seconds", 0.0);

  const auto batches =
      training_batches(spec, run.seed, run.batch, model->tensor_options(), settings.fmnist_dir);
  const auto started = std::chrono::steady_clock::now();
  double last_loss = card.value("final_loss", 0.0);
  std::optional<double> smoothed_loss;
  std::optional<double> smoothed_gradient_norm;
  const auto saved_number = [&card](const char* key, std::optional<double>& value) {
    if (card.contains(key) && card[key].is_number()) value = card[key].get<double>();
  };
  saved_number("smoothed_loss", smoothed_loss);
  saved_number("smoothed_grad_norm", smoothed_gradient_norm);
  const auto smooth = [](std::optional<double>& average, double value) {
    average = average ? (1 - kSmoothing) * *average + kSmoothing * value : value;
  };
  const auto seconds_since_start = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  const auto save = [&] {
    const double seconds = earlier_seconds + seconds_since_start();
    card["steps"] = trainer.completed_steps();
    card["finished"] = trainer.finished();
    card["wall_seconds"] = seconds;
    card["steps_per_second"] = trainer.completed_steps() / std::max(seconds, 1e-9);
    card["final_loss"] = last_loss;
    if (smoothed_loss) card["smoothed_loss"] = *smoothed_loss;
    if (smoothed_gradient_norm) card["smoothed_grad_norm"] = *smoothed_gradient_norm;
    if (callbacks.on_saving) callbacks.on_saving(true);
    try {
      save_checkpoint(*model, card, path, trainer.state());
    } catch (...) {
      if (callbacks.on_saving) callbacks.on_saving(false);
      throw;
    }
    if (callbacks.on_saving) callbacks.on_saving(false);
  };

  if (callbacks.on_start) callbacks.on_start(result);
  const auto checkpoint_every = std::chrono::duration<double>(settings.checkpoint_minutes * 60.0);
  auto last_save = started;
  bool stop_requested = false;
  trainer.run(batches, [&](const TrainProgress& step) {
    last_loss = step.loss;
    smooth(smoothed_loss, step.loss);
    smooth(smoothed_gradient_norm, step.gradient_norm);
    if (callbacks.on_progress) {
      callbacks.on_progress({.step = step.step,
                             .steps = step.steps,
                             .first_step = result.first_step,
                             .loss = step.loss,
                             .learning_rate = step.learning_rate,
                             .smoothed_loss = *smoothed_loss,
                             .smoothed_grad_norm = *smoothed_gradient_norm,
                             .seconds = seconds_since_start()});
    }
    if (settings.checkpoint_minutes > 0 &&
        std::chrono::steady_clock::now() - last_save >= checkpoint_every) {
      save();
      last_save = std::chrono::steady_clock::now();
    }
    if (settings.stop_after > 0 && step.step >= settings.stop_after) return false;
    stop_requested = callbacks.should_stop && callbacks.should_stop();
    return !stop_requested;
  });
  save();
  if (trainer.finished()) return finish(TrainRunResult::Outcome::Finished, card);
  return finish(stop_requested ? TrainRunResult::Outcome::Stopped
                               : TrainRunResult::Outcome::StoppedAfter,
                card);
}

}  // namespace nplab::train

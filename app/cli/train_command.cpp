// nplab-cli train: Adam with a cosine schedule and gradient clipping on GP or image tasks, a live
// progress line, a checkpoint every few minutes and on Ctrl-C, and an exact --resume.

#include <ATen/Parallel.h>
#include <torch/utils.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>

#include "commands.h"
#include "nplab/models/registry.h"
#include "nplab/runtime.h"
#include "nplab/train/checkpoint.h"
#include "nplab/train/task_data.h"
#include "nplab/train/trainer.h"
#include "nplab/util/checks.h"
#include "progress_line.h"

namespace nplab::cli {
namespace {

// Exit status of a run stopped by SIGINT/SIGTERM (after saving), as shells report Ctrl-C.
constexpr int kInterruptedExitCode = 130;
// Both cores of the reference machine, unless the user sets OMP_NUM_THREADS.
constexpr int kDefaultThreads = 2;

// Set by the signal handler, polled by the training loop at the end of each step: the handler
// itself only stores a lock-free atomic (async-signal-safe); saving happens in the loop.
std::atomic<bool> stop_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void request_stop(int) {
  stop_requested.store(true);
}

/// Routes SIGINT and SIGTERM to request_stop while alive. SA_RESETHAND makes a second Ctrl-C
/// kill the process at once, for a save that takes too long.
class StopOnSignals {
 public:
  StopOnSignals() {
    stop_requested.store(false);
    struct sigaction action {};
    action.sa_handler = request_stop;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &action, &previous_interrupt_);
    sigaction(SIGTERM, &action, &previous_terminate_);
  }
  ~StopOnSignals() {
    sigaction(SIGINT, &previous_interrupt_, nullptr);
    sigaction(SIGTERM, &previous_terminate_, nullptr);
  }
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

 private:
  struct sigaction previous_interrupt_ {};
  struct sigaction previous_terminate_ {};
};

struct TrainArgs {
  std::string model;
  std::string config_file;
  std::string data = "gp-rbf";
  int64_t steps = 100000;
  int64_t batch = 16;
  double lr = 5e-4;
  double clip_norm = 1.0;
  uint64_t seed = 0;
  std::string out;
  std::string device = "auto";
  bool resume = false;
  double checkpoint_minutes = 5.0;
  int64_t stop_after = 0;
  std::string fmnist_dir = data::kFashionMnistDir;
  std::set<std::string> given;  ///< long names of the options on the command line ("lr", ...)

  bool was_given(const std::string& option) const { return given.count(option) > 0; }
};

nlohmann::json read_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InvalidArgument("--config " + path + ": cannot open the file");
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& error) {
    throw InvalidArgument("--config " + path + ": not valid JSON (" + error.what() + ")");
  }
  if (!config.is_object()) {
    throw InvalidArgument("--config " + path + ": expected a JSON object of model settings, e.g. " +
                          R"({"layers": 2, "d_model": 32})");
  }
  return config;
}

/// The registry name (--model, or the config file's "model") and the full model config, with the
/// keys the data fixes (dim_x, dim_y, bound_std for images) set.
std::pair<std::string, nlohmann::json> model_config(const TrainArgs& args, const DataSpec& spec) {
  const bool has_file = !args.config_file.empty();
  auto overrides = has_file ? read_config_file(args.config_file) : nlohmann::json::object();
  const std::string where = has_file ? "--config " + args.config_file + ": " : "";
  std::string name = args.model;
  if (overrides.contains("model")) {
    if (!overrides["model"].is_string())
      throw InvalidArgument(where + "\"model\" must be a string");
    const auto named = overrides["model"].get<std::string>();
    const auto known = model_names();
    if (std::find(known.begin(), known.end(), named) == known.end()) {
      std::string list;
      for (const auto& known_name : known) list += (list.empty() ? "" : ", ") + known_name;
      throw InvalidArgument(where + "unknown model \"" + named + "\" (known: " + list + ")");
    }
    if (!name.empty() && name != named) {
      throw InvalidArgument(where + "names model \"" + named + "\", but --model is " + name);
    }
    name = named;
    overrides.erase("model");
  }
  if (name.empty()) throw InvalidArgument("--model: required (or a \"model\" key in --config)");
  const auto fixed_by_data = spec.model_overrides();
  for (const auto& [key, value] : fixed_by_data.items()) {
    if (overrides.contains(key) && overrides[key] != value) {
      throw InvalidArgument(where + key + " " + overrides[key].dump() + " contradicts --data " +
                            spec.name + ", which needs " + value.dump());
    }
    overrides[key] = value;
  }
  try {
    return {name, default_config(name, overrides)};
  } catch (const InvalidArgument& error) {
    throw InvalidArgument(where + error.what());
  }
}

std::string checkpoint_path_for(const std::string& out) {
  std::filesystem::path path(out);
  if (!path.has_extension()) path += ".pt";
  return path.string();
}

/// `--resume` needs only --out: a run setting left off the command line is the saved run's (the
/// card records them); one that is given must be the saved one, except --steps, which may
/// reshape the cosine schedule from here on (with a warning).
void take_settings_of_saved_run(TrainArgs& args, const nlohmann::json& card,
                                const std::string& path) {
  const auto setting = [&](const char* option, const char* key, auto& value) {
    using Value = std::decay_t<decltype(value)>;
    const bool recorded = card.contains(key) && !card[key].is_null();
    if (!args.was_given(option)) {
      if (!recorded) {
        throw InvalidArgument("--resume " + path + ": the saved run does not record --" + option +
                              "; pass the value it was trained with");
      }
      value = card[key].template get<Value>();
    } else if (!recorded || card[key] != nlohmann::json(value)) {
      if (std::string_view(option) == "steps") {
        std::cerr << "nplab-cli: warning: --steps " << value << " differs from the saved run's "
                  << card.value(key, nlohmann::json())
                  << "; the cosine schedule changes from here on\n";
        return;
      }
      throw InvalidArgument(
          "--resume " + path + ": the saved run has --" + option + " " +
          card.value(key, nlohmann::json()).dump() +
          "; leave the option off to continue with the saved value, or choose another --out");
    }
  };
  try {
    setting("data", "data", args.data);
    setting("steps", "schedule_steps", args.steps);
    setting("batch", "batch", args.batch);
    setting("lr", "lr", args.lr);
    setting("clip-norm", "clip_norm", args.clip_norm);
    setting("seed", "seed", args.seed);
  } catch (const nlohmann::json::exception& error) {
    throw InvalidArgument("--resume " + path + ": the saved run's card is malformed (" +
                          error.what() + ")");
  }
}

void run_train(const TrainArgs& given_args) {
  if (std::getenv("OMP_NUM_THREADS") == nullptr) at::set_num_threads(kDefaultThreads);
  const auto device = resolve_device(given_args.device);
  const bool model_given = given_args.was_given("model") || given_args.was_given("config");
  if (given_args.out.empty() && !model_given) {
    throw InvalidArgument(
        given_args.resume ? "--resume: pass --out, the run to continue (e.g. --out runs/cmanp-100k)"
                          : "--model: required (or a \"model\" key in --config)");
  }
  const auto path = checkpoint_path_for(
      given_args.out.empty()
          ? "models/" + model_config(given_args, parse_data_spec(given_args.data, false)).first
          : given_args.out);

  TrainArgs args = given_args;
  std::optional<Checkpoint> previous;
  if (std::filesystem::exists(path)) {
    if (!args.resume) {
      throw InvalidArgument("--out " + path +
                            " exists; pass --resume to continue its run or choose another --out");
    }
    previous = load_checkpoint(path, device);
    if (!previous->training) {
      throw InvalidArgument("--resume " + path +
                            ": the checkpoint holds no training state (optimizer and step)");
    }
    take_settings_of_saved_run(args, previous->card, path);
  } else if (args.resume) {
    if (!model_given) {
      throw InvalidArgument("--resume " + path + ": there is no saved run there to continue");
    }
    std::cerr << "nplab-cli: no checkpoint at " << path << " yet; starting a new run\n";
  }
  const auto spec = parse_data_spec(args.data, /*evaluation=*/false);
  // Without --model or --config a resumed run keeps the saved model config (the loaded model's).
  const auto [name, config] =
      previous && !model_given
          ? std::pair{previous->card.value("registry_name", previous->model->name()),
                      previous->model->config()}
          : model_config(args, spec);
  if (previous && previous->card.value("config", nlohmann::json()) != config) {
    throw InvalidArgument(
        "--resume " + path + ": the saved run has model config " +
        previous->card.value("config", nlohmann::json()).dump() +
        "; leave --model and --config off to continue it, or choose another --out");
  }

  std::shared_ptr<NeuralProcess> model;
  if (previous) {
    model = previous->model;
  } else {
    torch::manual_seed(args.seed);
    model = make_model(config);
    model->to(device);
  }
  Trainer trainer(*model,
                  {.steps = args.steps, .learning_rate = args.lr, .clip_norm = args.clip_norm});
  if (previous) trainer.restore(*previous->training);
  if (trainer.finished()) {
    std::cerr << "nplab-cli: " << path << " is already trained for " << trainer.completed_steps()
              << " steps; nothing to do\n";
    return;
  }

  nlohmann::json card = previous ? previous->card : nlohmann::json::object();
  card.erase("eval");  // the weights change: earlier evaluation results no longer apply
  card.erase("date");  // save_checkpoint stamps the time of this save
  card["registry_name"] = name;
  card["data"] = args.data;
  card["batch"] = args.batch;
  card["lr"] = args.lr;
  card["clip_norm"] = args.clip_norm;
  card["seed"] = args.seed;
  card["schedule_steps"] = args.steps;
  card["device"] = device.str();
  card["threads"] = at::get_num_threads();
  const double earlier_seconds = card.value("wall_seconds", 0.0);

  const auto batches =
      training_batches(spec, args.seed, args.batch, model->tensor_options(), args.fmnist_dir);
  const auto started = std::chrono::steady_clock::now();
  const int64_t first_step = trainer.completed_steps();
  double last_loss = card.value("final_loss", 0.0);
  // The last batch's loss alone is noisy: the card also keeps an exponential moving average over
  // about 100 steps, saved with each checkpoint so that --resume continues it exactly.
  constexpr double kSmoothing = 0.01;
  // The same average of the gradient norm before clipping shows how much clipping acts.
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
  const auto save = [&] {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    card["steps"] = trainer.completed_steps();
    card["finished"] = trainer.finished();
    card["wall_seconds"] = earlier_seconds + seconds;
    card["steps_per_second"] = trainer.completed_steps() / (earlier_seconds + seconds);
    card["final_loss"] = last_loss;
    if (smoothed_loss) card["smoothed_loss"] = *smoothed_loss;
    if (smoothed_gradient_norm) card["smoothed_grad_norm"] = *smoothed_gradient_norm;
    save_checkpoint(*model, card, path, trainer.state());
  };

  const StopOnSignals stop_on_signals;
  std::cerr << "nplab-cli: training " << name << " on " << args.data << " (" << device.str() << ", "
            << at::get_num_threads() << " threads) from step " << first_step << " to " << args.steps
            << " -> " << path << "; Ctrl-C saves and stops\n";

  ProgressLine progress;
  const auto checkpoint_every = std::chrono::duration<double>(args.checkpoint_minutes * 60.0);
  auto last_save = started;
  double loss_sum = 0.0;  // losses since the last progress refresh, shown as their mean
  int64_t loss_count = 0;
  trainer.run(batches, [&](const TrainProgress& step) {
    last_loss = step.loss;
    smooth(smoothed_loss, step.loss);
    smooth(smoothed_gradient_norm, step.gradient_norm);
    loss_sum += step.loss;
    ++loss_count;
    const auto now = std::chrono::steady_clock::now();
    if (progress.due() || step.step == step.steps) {
      const double elapsed = std::chrono::duration<double>(now - started).count();
      const double rate = (step.step - first_step) / std::max(elapsed, 1e-9);
      char line[192];
      std::snprintf(line, sizeof line,
                    "step %lld/%lld  loss %.4f  lr %.2e  |grad| %.3g  %.2f steps/s  ETA %s",
                    static_cast<long long>(step.step), static_cast<long long>(step.steps),
                    loss_sum / loss_count, step.learning_rate, *smoothed_gradient_norm, rate,
                    format_duration((step.steps - step.step) / rate).c_str());
      progress.show(line, /*force=*/true);
      loss_sum = 0.0;
      loss_count = 0;
    }
    if (args.checkpoint_minutes > 0 && now - last_save >= checkpoint_every) {
      save();
      last_save = std::chrono::steady_clock::now();
    }
    if (args.stop_after > 0 && step.step >= args.stop_after) return false;
    return !stop_requested.load();
  });
  progress.finish();
  save();

  if (stop_requested.load()) {
    std::cerr << "nplab-cli: interrupted after step " << trainer.completed_steps() << "; saved "
              << path << " (--resume continues)\n";
    throw CLI::RuntimeError(kInterruptedExitCode);
  }
  if (!trainer.finished()) {
    std::cerr << "nplab-cli: stopped after step " << trainer.completed_steps()
              << " (--stop-after); saved " << path << " (--resume continues)\n";
    return;
  }
  std::cerr << "nplab-cli: trained " << name << " for " << trainer.completed_steps() << " steps in "
            << format_duration(card["wall_seconds"].get<double>()) << " ("
            << card["steps_per_second"].get<double>() << " steps/s), final loss " << last_loss
            << " (smoothed " << smoothed_loss.value_or(last_loss) << ")"
            << "; saved " << path << " and " << card_path_for(path) << '\n';
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  auto* train = app.add_subcommand(
      "train", "Train a model (Adam, cosine schedule, clipping); Ctrl-C saves, --resume continues");
  train->add_option("--model", args->model, "Registry name or alias (see `nplab-cli info`)");
  train->add_option("--config", args->config_file,
                    "JSON file of model settings over the defaults, e.g. {\"layers\": 2}");
  train
      ->add_option("--data", args->data,
                   "gp-rbf, gp-matern, gp-periodic, gp-tnoise, image-fmnist or image-fmnist-wide "
                   "(a quarter of the batches reveal up to every pixel)")
      ->capture_default_str();
  train
      ->add_option("--steps", args->steps, "Total optimizer steps (the cosine schedule spans them)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  train->add_option("--batch", args->batch, "Tasks per batch")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  train->add_option("--lr", args->lr, "Peak learning rate")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  train->add_option("--clip-norm", args->clip_norm, "Gradient norm clip (0: off)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  train->add_option("--seed", args->seed, "Seed of the initial weights and of the batches")
      ->capture_default_str();
  train->add_option("--out", args->out, "Checkpoint path; .pt is added (default models/MODEL)");
  train->add_option("--device", args->device, "auto, cpu or cuda[:N]")->capture_default_str();
  train->add_flag("--resume", args->resume,
                  "Continue the run saved at --out exactly; settings left off come from its card");
  train
      ->add_option("--checkpoint-minutes", args->checkpoint_minutes,
                   "Save a checkpoint this often (0: only at the end)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  train
      ->add_option("--stop-after", args->stop_after,
                   "Stop and save once this many steps are done (the schedule still spans --steps)")
      ->check(CLI::PositiveNumber);
  train->add_option("--fmnist-dir", args->fmnist_dir, "Fashion-MNIST directory (IDX .gz files)")
      ->capture_default_str();
  train->callback([args, train] {
    for (const auto* option : train->get_options()) {
      if (option->count() == 0) continue;
      for (const auto& long_name : option->get_lnames()) args->given.insert(long_name);
    }
    run_train(*args);
  });
}

}  // namespace nplab::cli

// nplab-cli train: parses the options of a training run (nplab/train/run.h does the run) and
// shows its progress line; Ctrl-C saves and stops (exit 130), a second Ctrl-C waits for a save in
// progress or, outside one, stops without saving (exit 131).

#include <ATen/Parallel.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <string>

#include "commands.h"
#include "nplab/tpp/registry.h"
#include "nplab/train/run.h"
#include "nplab/util/checks.h"
#include "nplab/util/runtime.h"
#include "number_checks.h"
#include "progress_line.h"
#include "tpp_commands.h"

namespace nplab::cli {
namespace {

// Exit statuses of a run stopped by SIGINT/SIGTERM: after saving (as shells report Ctrl-C), and
// by a second signal outside a save, without saving what the steps since the last save did.
constexpr int kInterruptedExitCode = 130;
constexpr int kStoppedWithoutSavingExitCode = 131;

// Set by the signal handler, polled by the training loop at the end of each step: the handler
// only touches lock-free atomics and write(2) (async-signal-safe); saving happens in the loop.
std::atomic<bool> stop_requested{false};
std::atomic<bool> saving{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void say(const char* text) {
  [[maybe_unused]] const auto written = ::write(STDERR_FILENO, text, std::strlen(text));
}

extern "C" void request_stop(int) {
  if (!stop_requested.exchange(true)) return;  // the first signal: stop after this step, save
  if (saving.load()) {
    say("\nnplab-cli: saving the checkpoint; it stops once the save is complete\n");
    return;
  }
  say("\nnplab-cli: stopped without saving; the last checkpoint written is kept\n");
  ::_exit(kStoppedWithoutSavingExitCode);
}

/// Routes SIGINT and SIGTERM to request_stop while alive.
class StopOnSignals {
 public:
  StopOnSignals() {
    stop_requested.store(false);
    struct sigaction action {};
    action.sa_handler = request_stop;
    sigemptyset(&action.sa_mask);
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
  int64_t sequence_length = 64;  ///< point processes: events per training sequence
  int64_t marks = 3;             ///< point processes: K
  std::set<std::string> given;   ///< long names of the options on the command line ("lr", ...)

  bool was_given(const std::string& option) const { return given.count(option) > 0; }
};

nlohmann::json read_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw util::InvalidArgument("--config " + path + ": cannot open the file");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& error) {
    throw util::InvalidArgument("--config " + path + ": not valid JSON (" + error.what() + ")");
  }
}

/// The run's settings: an option left off the command line stays unset (a resumed run then
/// takes the saved value, a new one the default).
train::TrainRunSettings run_settings(const TrainArgs& args) {
  train::TrainRunSettings settings;
  settings.model = args.model;
  if (!args.config_file.empty()) {
    settings.model_overrides = read_config_file(args.config_file);
    settings.overrides_source = "--config " + args.config_file;
  }
  const auto given = [&](const char* option, const auto& value, auto& into) {
    if (args.was_given(option)) into = value;
  };
  given("data", args.data, settings.data);
  given("steps", args.steps, settings.steps);
  given("batch", args.batch, settings.batch);
  given("lr", args.lr, settings.lr);
  given("clip-norm", args.clip_norm, settings.clip_norm);
  given("seed", args.seed, settings.seed);
  settings.out = args.out;
  settings.resume = args.resume;
  settings.device = util::resolve_device(args.device);
  settings.checkpoint_minutes = args.checkpoint_minutes;
  settings.stop_after = args.stop_after;
  settings.fmnist_dir = args.fmnist_dir;
  return settings;
}

/// CMHP and THP train on event sequences (tpp_commands.cpp).
bool trains_a_point_process(const TrainArgs& args) {
  return tpp::is_point_process_name(args.model) ||
         (args.was_given("data") && is_point_process_data(args.data));
}

void run_tpp_train(const TrainArgs& args) {
  if (args.resume)
    throw util::InvalidArgument("--resume: point-process runs cannot be resumed yet");
  TppTrainRequest request;
  request.model = args.model;
  request.config_file = args.config_file;
  request.data = args.was_given("data") ? args.data : "tpp-hawkes";
  request.steps = args.steps;
  request.batch = args.batch;
  request.lr = args.lr;
  request.clip_norm = args.clip_norm;
  request.seed = args.seed;
  request.out = args.out;
  request.device = args.device;
  request.checkpoint_minutes = args.checkpoint_minutes;
  request.sequence_length = args.sequence_length;
  request.marks = args.marks;
  const StopOnSignals stop_on_signals;
  cli::run_tpp_train(request, [] { return stop_requested.load(); });
}

void run_train(const TrainArgs& args) {
  if (trains_a_point_process(args)) {
    run_tpp_train(args);
    return;
  }
  util::use_default_threads();
  const auto settings = run_settings(args);
  const StopOnSignals stop_on_signals;
  ProgressLine progress;
  double loss_sum = 0.0;  // losses since the last progress refresh, shown as their mean
  int64_t loss_count = 0;
  train::TrainRunCallbacks callbacks;
  callbacks.on_notice = [](const std::string& text) { std::cerr << "nplab-cli: " << text << '\n'; };
  callbacks.on_start = [&](const train::TrainRunResult& run) {
    std::cerr << "nplab-cli: training " << run.model << " on " << run.data << " ("
              << settings.device.str() << ", " << at::get_num_threads() << " threads) from step "
              << run.first_step << " to " << run.schedule_steps << " -> " << run.path
              << "; Ctrl-C saves and stops\n";
  };
  callbacks.on_progress = [&](const train::TrainRunProgress& step) {
    loss_sum += step.loss;
    ++loss_count;
    if (!progress.due() && step.step != step.steps) return;
    const double rate = (step.step - step.first_step) / std::max(step.seconds, 1e-9);
    char line[192];
    std::snprintf(line, sizeof line,
                  "step %lld/%lld  loss %.4f  lr %.2e  |grad| %.3g  %.2f steps/s  ETA %s",
                  static_cast<long long>(step.step), static_cast<long long>(step.steps),
                  loss_sum / loss_count, step.learning_rate, step.smoothed_grad_norm, rate,
                  format_duration((step.steps - step.step) / rate).c_str());
    progress.show(line, /*force=*/true);
    loss_sum = 0.0;
    loss_count = 0;
  };
  callbacks.should_stop = [] { return stop_requested.load(); };
  callbacks.on_saving = [](bool now) { saving.store(now); };

  const auto result = train::run_training(settings, callbacks);
  progress.finish();
  using Outcome = train::TrainRunResult::Outcome;
  switch (result.outcome) {
    case Outcome::AlreadyFinished:
      std::cerr << "nplab-cli: " << result.path << " is already trained for " << result.steps
                << " steps; nothing to do\n";
      return;
    case Outcome::Stopped:
      std::cerr << "nplab-cli: interrupted after step " << result.steps << "; saved " << result.path
                << " (--resume continues)\n";
      throw CLI::RuntimeError(kInterruptedExitCode);
    case Outcome::StoppedAfter:
      if (result.steps == result.first_step) {
        std::cerr << "nplab-cli: " << result.path << " is already at step " << result.steps
                  << " (--stop-after " << settings.stop_after << "); nothing to do\n";
      } else {
        std::cerr << "nplab-cli: stopped after step " << result.steps << " (--stop-after); saved "
                  << result.path << " (--resume continues)\n";
      }
      return;
    case Outcome::Finished:
      std::cerr << "nplab-cli: trained " << result.model << " for " << result.steps << " steps in "
                << format_duration(result.wall_seconds) << " (" << result.steps_per_second
                << " steps/s), final loss " << result.final_loss << " (smoothed "
                << result.smoothed_loss << "); saved " << result.path << " and " << result.card_path
                << '\n';
      return;
  }
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
                   "(a quarter of the batches reveal up to every pixel); for cmhp and thp "
                   "tpp-hawkes (their default), tpp-selfcorrecting or tpp-poisson")
      ->capture_default_str();
  train
      ->add_option("--steps", args->steps, "Total optimizer steps (the cosine schedule spans them)")
      ->check(positive_integer())
      ->capture_default_str();
  train->add_option("--batch", args->batch, "Tasks per batch")
      ->check(positive_integer())
      ->capture_default_str();
  train->add_option("--lr", args->lr, "Peak learning rate")
      ->check(positive_number(/*most=*/1.0))
      ->capture_default_str();
  train->add_option("--clip-norm", args->clip_norm, "Gradient norm clip (0: off)")
      ->check(non_negative_number())
      ->capture_default_str();
  train->add_option("--seed", args->seed, "Seed of the initial weights and of the batches")
      ->check(seed_number())
      ->capture_default_str();
  train->add_option("--out", args->out, "Checkpoint path; .pt is added (default models/MODEL)");
  train->add_option("--device", args->device, "auto, cpu or cuda[:N]")->capture_default_str();
  train->add_flag("--resume", args->resume,
                  "Continue the run saved at --out exactly; settings left off come from its card");
  train
      ->add_option("--checkpoint-minutes", args->checkpoint_minutes,
                   "Save a checkpoint this often (0: only at the end)")
      ->check(non_negative_number())
      ->capture_default_str();
  train
      ->add_option("--stop-after", args->stop_after,
                   "Stop and save once this many steps are done (the schedule still spans --steps)")
      ->check(positive_integer());
  train->add_option("--fmnist-dir", args->fmnist_dir, "Fashion-MNIST directory (IDX .gz files)")
      ->capture_default_str();
  train
      ->add_option("--sequence-length", args->sequence_length,
                   "Point processes (cmhp, thp; --data tpp-*): events per training sequence")
      ->check(positive_integer())
      ->capture_default_str();
  train->add_option("--marks", args->marks, "Point processes: number of marks K")
      ->check(positive_integer())
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

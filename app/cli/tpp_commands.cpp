#include "tpp_commands.h"

#include <ATen/Parallel.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "nplab/tpp/evaluation.h"
#include "nplab/tpp/events_csv.h"
#include "nplab/tpp/registry.h"
#include "nplab/tpp/training.h"
#include "nplab/util/checks.h"
#include "nplab/util/runtime.h"
#include "progress_line.h"

namespace nplab::cli {
namespace {

constexpr int kInterruptedExitCode = 130;  // as train_command.cpp: the shell's Ctrl-C status

bool is_csv_path(const std::string& data) {
  return data.size() > 4 && std::string_view(data).substr(data.size() - 4) == ".csv";
}

nlohmann::json read_config(const std::string& path) {
  if (path.empty()) return nlohmann::json::object();
  std::ifstream in(path);
  if (!in) throw util::InvalidArgument("--config " + path + ": cannot open the file");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& error) {
    throw util::InvalidArgument("--config " + path + ": not valid JSON (" + error.what() + ")");
  }
}

void print_metrics(const std::string& scored, const std::string& data,
                   const tpp::TppEvaluation& result) {
  std::printf("%s on %s: %lld sequences, %lld events\n", scored.c_str(), data.c_str(),
              static_cast<long long>(result.sequences), static_cast<long long>(result.events));
  std::printf("  RMSE of the next event time  %9.4f ± %.4f\n", result.rmse.mean,
              result.rmse.standard_error);
  std::printf("  NLL per event (time + mark)  %9.4f ± %.4f\n", result.nll.mean,
              result.nll.standard_error);
  std::printf("  mark accuracy                %9.4f ± %.4f\n", result.mark_accuracy.mean,
              result.mark_accuracy.standard_error);
  std::printf("  (± one standard error over sequences)\n");
}

}  // namespace

bool is_point_process_data(const std::string& data) {
  return tpp::is_tpp_data_name(data) || is_csv_path(data);
}

void run_tpp_train(const TppTrainRequest& request, const std::function<bool()>& should_stop) {
  util::use_default_threads();
  if (!tpp::is_tpp_data_name(request.data)) {
    throw util::InvalidArgument("--data " + request.data + ": " + request.model +
                                " trains on tpp-hawkes, tpp-selfcorrecting or tpp-poisson");
  }
  tpp::TppTrainSettings settings;
  settings.model = request.model;
  settings.model_overrides = read_config(request.config_file);
  if (settings.model.empty() && settings.model_overrides.contains("model")) {
    settings.model = settings.model_overrides["model"].get<std::string>();
  }
  settings.data = tpp::parse_tpp_data(request.data, request.sequence_length, request.marks);
  settings.steps = request.steps;
  settings.batch = request.batch;
  settings.lr = request.lr;
  settings.clip_norm = request.clip_norm;
  settings.seed = request.seed;
  settings.out = request.out.empty() ? "models/" + settings.model : request.out;
  settings.device = util::resolve_device(request.device);
  settings.checkpoint_minutes = request.checkpoint_minutes;

  std::cerr << "nplab-cli: training " << settings.model << " on " << settings.data.name() << " ("
            << settings.data.length << " events per sequence, " << settings.data.marks << " marks; "
            << settings.device.str() << ", " << at::get_num_threads() << " threads) for "
            << settings.steps << " steps; Ctrl-C saves and stops\n";
  ProgressLine progress;
  tpp::TppTrainCallbacks callbacks;
  callbacks.should_stop = should_stop;
  callbacks.on_progress = [&](const tpp::TppTrainProgress& step) {
    if (!progress.due() && step.step != step.steps) return;
    const double rate = step.step / std::max(step.seconds, 1e-9);
    char line[192];
    std::snprintf(line, sizeof line,
                  "step %lld/%lld  loss %.4f (smoothed %.4f)  lr %.2e  |grad| %.3g  %.2f steps/s",
                  static_cast<long long>(step.step), static_cast<long long>(step.steps), step.loss,
                  step.smoothed_loss, step.learning_rate, step.gradient_norm, rate);
    progress.show(line, /*force=*/true);
  };
  const auto result = tpp::run_tpp_training(settings, callbacks);
  progress.finish();
  if (result.stopped) {
    std::cerr << "nplab-cli: interrupted after step " << result.steps << "; saved " << result.path
              << '\n';
    throw CLI::RuntimeError(kInterruptedExitCode);
  }
  std::cerr << "nplab-cli: trained " << settings.model << " for " << result.steps << " steps in "
            << format_duration(result.wall_seconds) << ", final loss " << result.final_loss
            << " (smoothed " << result.smoothed_loss << "); saved " << result.path << " and "
            << result.card_path << '\n';
}

void run_tpp_eval(const TppEvalRequest& request) {
  util::use_default_threads();
  const bool csv = is_csv_path(request.data);
  if (request.write_card && (request.oracle || request.poisson_baseline)) {
    throw util::InvalidArgument("--write-card: needs --checkpoint");
  }
  std::optional<tpp::PointProcessCheckpoint> checkpoint;
  tpp::TppEvaluation result;
  std::string scored;
  if (request.oracle) {
    if (csv) {
      throw util::InvalidArgument(
          "--oracle: needs synthetic data (tpp-hawkes, tpp-selfcorrecting, "
          "tpp-poisson); an event CSV has no known intensity");
    }
    const auto spec = tpp::parse_tpp_data(request.data, request.sequence_length, request.marks);
    result = tpp::evaluate_oracle(tpp::evaluation_sequences(spec, request.seed, request.sequences));
    scored = "oracle (the true process)";
  } else if (request.poisson_baseline) {
    std::vector<tpp::EventList> sequences;
    if (csv) {
      sequences = tpp::read_event_csv(request.data, request.marks).sequences;
    } else {
      const auto spec = tpp::parse_tpp_data(request.data, request.sequence_length, request.marks);
      for (auto& s : tpp::evaluation_sequences(spec, request.seed, request.sequences)) {
        sequences.push_back(std::move(s.events));
      }
    }
    result = tpp::evaluate_poisson_baseline(sequences, request.marks);
    scored = "Poisson baseline (rates refitted to the history)";
  } else {
    checkpoint = tpp::load_point_process(request.checkpoint, util::resolve_device(request.device));
    auto& model = *checkpoint->model;
    std::vector<tpp::EventList> sequences;
    if (csv) {
      sequences = tpp::read_event_csv(request.data, model.marks()).sequences;
    } else {
      const auto spec = tpp::parse_tpp_data(request.data, request.sequence_length, model.marks());
      for (auto& s : tpp::evaluation_sequences(spec, request.seed, request.sequences)) {
        sequences.push_back(std::move(s.events));
      }
    }
    result = tpp::evaluate_point_process(model, sequences, request.batch_size);
    scored = model.name() + " (" + request.checkpoint + ")";
  }
  auto report = result.to_json();
  report["data"] = request.data;
  if (!csv) {
    report["seed"] = request.seed;
    report["sequence_length"] = request.sequence_length;
  }
  if (request.json) {
    std::cout << report.dump() << std::endl;
  } else {
    print_metrics(scored, request.data, result);
  }
  if (request.write_card) {
    // The card gets the very object printed above.
    checkpoint->card["eval"][request.data] = report;
    tpp::save_point_process(*checkpoint->model, checkpoint->card, request.checkpoint);
    std::cerr << "nplab-cli: wrote the result to the card of " << request.checkpoint << '\n';
  }
}

}  // namespace nplab::cli

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "commands.h"
#include "nplab/data/csv.h"
#include "nplab/facade/explorer.h"
#include "nplab/models/registry.h"
#include "nplab/train/checkpoint.h"
#include "nplab/util/runtime.h"

namespace nplab::cli {
namespace {

struct PredictArgs {
  std::string checkpoint;
  std::string model;
  std::string context;
  std::string stream;
  std::string targets;
  std::string out;
  std::string device = "auto";
};

/// A warning (the run goes on) when an input coordinate lies far outside the range the model
/// was trained on: beyond one range-width past either end, where its predictions mean little.
void warn_outside_training(const facade::TrainingRange& range,
                           std::initializer_list<at::Tensor> inputs) {
  const double width = range.x_high - range.x_low;
  double largest = 0.0;
  for (const auto& x : inputs) {
    if (x.numel() == 0) continue;
    largest = std::max(largest, x.abs().max().item<double>());
  }
  const double far = std::max(std::abs(range.x_low), std::abs(range.x_high)) + width;
  if (largest > far) {
    std::cerr << "nplab-cli: warning: an input has |x| = " << largest << ", far outside the x in ["
              << range.x_low << ", " << range.x_high << "] the model was trained on (" << range.data
              << "); its predictions there mean little\n";
  }
}

void run_predict(const PredictArgs& args) {
  const auto device = util::resolve_device(args.device);
  std::shared_ptr<models::NeuralProcess> model;
  std::optional<facade::TrainingRange> trained_on;
  if (!args.checkpoint.empty()) {
    auto checkpoint = train::load_checkpoint(args.checkpoint, device);
    model = checkpoint.model;
    trained_on = facade::training_range(checkpoint.card.value("data", std::string()));
  } else {
    model = models::make_model(models::default_config(args.model));
    model->to(device);
    model->eval();
    std::cerr << "nplab-cli: warning: --model " << args.model
              << " is untrained (random weights); use --checkpoint for a trained model\n";
  }
  const c10::InferenceMode inference;
  const auto& dims = model->dims();
  const auto dtype = model->tensor_options().dtype().toScalarType();
  const auto read_pairs = [&](const std::string& path) {
    const auto values = data::read_csv_points(path, dims.dim_x + dims.dim_y, dtype).values;
    return std::pair{values.narrow(2, 0, dims.dim_x).contiguous().to(device),
                     values.narrow(2, dims.dim_x, dims.dim_y).contiguous().to(device)};
  };
  const auto [xc, yc] = read_pairs(args.context);
  auto state = model->condition(xc, yc);
  if (!args.stream.empty()) {
    const auto [xs, ys] = read_pairs(args.stream);
    for (int64_t i = 0; i < xs.size(1); ++i) {
      model->update(*state, xs.narrow(1, i, 1), ys.narrow(1, i, 1));
    }
  }
  const auto xt = data::read_csv_points(args.targets, dims.dim_x, dtype).values.to(device);
  if (trained_on) warn_outside_training(*trained_on, {xc, xt});
  const auto prediction = model->predict(*state, xt);
  const auto bad = (~at::isfinite(prediction.mean) | ~at::isfinite(prediction.stddev))
                       .any(-1)
                       .sum()
                       .item<int64_t>();
  if (bad > 0) {
    throw std::runtime_error(
        "the prediction is NaN or infinite at " + std::to_string(bad) + " of " +
        std::to_string(xt.size(1)) +
        " targets: inputs that far outside the training data are beyond what the model can "
        "represent; nothing was written");
  }
  const models::Prediction on_cpu{prediction.mean.cpu(), prediction.stddev.cpu()};
  if (args.out.empty()) {
    data::write_prediction_csv(std::cout, xt.cpu(), on_cpu);
  } else {
    data::write_prediction_csv(args.out, xt.cpu(), on_cpu);
    std::cerr << "nplab-cli: " << xt.size(1) << " predictions from " << state->count()
              << " context points written to " << args.out << '\n';
  }
}

}  // namespace

void add_predict_command(CLI::App& app) {
  auto args = std::make_shared<PredictArgs>();
  auto* predict = app.add_subcommand(
      "predict", "Condition on a CSV context (x..., y...), stream more points, predict targets");
  auto* checkpoint = predict->add_option("--checkpoint", args->checkpoint, "Trained model (.pt)")
                         ->check(CLI::ExistingFile);
  auto* model = predict->add_option("--model", args->model, "Registry name (untrained)");
  checkpoint->excludes(model);
  predict->add_option("--context", args->context, "Context CSV: columns x..., y...")
      ->required()
      ->check(CLI::ExistingFile);
  predict->add_option("--stream", args->stream, "More context rows, added one at a time by update")
      ->check(CLI::ExistingFile);
  predict->add_option("--targets", args->targets, "Target CSV: columns x...")
      ->required()
      ->check(CLI::ExistingFile);
  predict->add_option("--out", args->out, "Output CSV (default: standard output)");
  predict->add_option("--device", args->device, "auto, cpu or cuda[:N]");
  predict->callback([args] {
    if (args->checkpoint.empty() && args->model.empty()) {
      throw CLI::ValidationError("predict", "one of --checkpoint or --model is required");
    }
    run_predict(*args);
  });
}

}  // namespace nplab::cli

#include "nplab/tpp/training.h"

#include <ATen/Parallel.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/adam.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/utils.h>
#include <torch/version.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <limits>
#include <optional>
#include <sstream>

#include "nplab/tpp/registry.h"
#include "nplab/train/checkpoint.h"
#include "nplab/train/trainer.h"
#include "nplab/util/atomic_file.h"
#include "nplab/util/checks.h"
#include "nplab/util/input_file.h"
#include "nplab/util/utc_time.h"

namespace nplab::tpp {
namespace {

constexpr const char* kFormatMarker = "nplab-tpp-checkpoint";
constexpr double kSmoothing = 0.01;  // the moving averages span ~100 steps, as in train/run.cpp

[[noreturn]] void fail(const std::string& path, const std::string& reason) {
  throw train::CheckpointError("checkpoint " + path + ": " + reason);
}

std::string checkpoint_path(const std::string& out) {
  if (out.empty()) throw util::InvalidArgument("--out: required for a point-process model");
  std::filesystem::path path(out);
  if (!path.has_extension()) path += ".pt";
  return path.string();
}

std::optional<std::string> read_string(torch::serialize::InputArchive& archive,
                                       const std::string& key) {
  c10::IValue value;
  if (!archive.try_read(key, value) || !value.isString()) return std::nullopt;
  return value.toStringRef();
}

}  // namespace

void save_point_process(PointProcessModel& model, const nlohmann::json& card,
                        const std::string& path) {
  auto full_card = card;
  full_card["model"] = model.name();
  full_card["config"] = model.config();
  full_card["libtorch"] = TORCH_VERSION;
  full_card["date"] = util::utc_timestamp();

  // Weights as CPU tensors, so that a file saved from a GPU loads anywhere; the archive is
  // serialized before the model moves back.
  const auto device = model.tensor_options().device();
  model.to(c10::Device(c10::kCPU));
  std::ostringstream bytes;
  try {
    torch::serialize::OutputArchive archive;
    archive.write("nplab_format", c10::IValue(std::string(kFormatMarker)));
    archive.write("config", c10::IValue(model.config().dump()));
    archive.write("card", c10::IValue(full_card.dump()));
    torch::serialize::OutputArchive weights;
    model.save(weights);
    archive.write("model", weights);
    archive.save_to(bytes);
  } catch (const c10::Error& error) {
    model.to(device);
    fail(path, "cannot serialize: " + util::first_message_line(error.what()));
  }
  model.to(device);
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code ignored;
  if (!parent.empty()) std::filesystem::create_directories(parent, ignored);
  try {
    util::write_file_atomically(path, bytes.view());
    util::write_file_atomically(train::card_path_for(path), full_card.dump(2) + "\n");
  } catch (const util::InvalidArgument& error) {
    fail(path, std::string("cannot save: ") + error.what());
  }
}

bool is_point_process_checkpoint(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) return false;
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path, c10::Device(c10::kCPU));
    return read_string(archive, "nplab_format") == std::string(kFormatMarker);
  } catch (const std::exception&) {
    return false;  // not readable at all: the NP loader reports why
  }
}

PointProcessCheckpoint load_point_process(const std::string& path, c10::Device device) {
  if (const auto why = util::why_not_a_regular_file(path)) fail(path, *why);
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path, c10::Device(c10::kCPU));
  } catch (const std::exception& error) {
    fail(path, "not a readable checkpoint archive: " + util::first_message_line(error.what()));
  }
  if (read_string(archive, "nplab_format") != std::string(kFormatMarker)) {
    fail(path, "not a point-process checkpoint (no \"nplab-tpp-checkpoint\" marker)");
  }
  nlohmann::json config, card;
  try {
    config = nlohmann::json::parse(read_string(archive, "config").value_or(""));
    card = nlohmann::json::parse(read_string(archive, "card").value_or(""));
  } catch (const nlohmann::json::exception& error) {
    fail(path, std::string("config or card is not valid JSON: ") + error.what());
  }
  std::shared_ptr<PointProcessModel> model;
  try {
    model = make_point_process(config);
    torch::serialize::InputArchive weights;
    if (!archive.try_read("model", weights)) fail(path, "no model weights");
    model->load(weights);
  } catch (const train::CheckpointError&) {
    throw;
  } catch (const std::exception& error) {
    fail(path, std::string("cannot build the model from its config: ") +
                   util::first_message_line(error.what()));
  }
  model->to(device);
  model->eval();
  return {std::move(model), std::move(card)};
}

TppTrainResult run_tpp_training(const TppTrainSettings& settings,
                                const TppTrainCallbacks& callbacks) {
  const auto path = checkpoint_path(settings.out);
  if (std::filesystem::exists(path)) {
    throw util::InvalidArgument("--out " + path +
                                " exists; choose another --out (point-process runs "
                                "cannot be resumed yet)");
  }
  if (settings.steps < 1) throw util::InvalidArgument("--steps: must be positive");
  if (settings.batch < 1) throw util::InvalidArgument("--batch: must be positive");
  if (!(settings.lr > 0)) throw util::InvalidArgument("--lr: must be positive");
  if (settings.clip_norm < 0) throw util::InvalidArgument("--clip-norm: must be >= 0");
  if (!is_point_process_name(settings.model)) {
    throw util::InvalidArgument("--model " + settings.model +
                                ": not a point-process model (known: cmhp, thp)");
  }
  auto config = default_point_process_config(settings.model);
  if (!settings.model_overrides.is_null()) {
    if (!settings.model_overrides.is_object()) {
      throw util::InvalidArgument("--config: expected a JSON object of model settings");
    }
    for (const auto& [key, value] : settings.model_overrides.items()) config[key] = value;
  }
  if (config.value("model", settings.model) != settings.model) {
    throw util::InvalidArgument("--config names model " + config["model"].dump() +
                                ", but --model is " + settings.model);
  }
  config["marks"] = settings.data.marks;  // the data fixes K

  torch::manual_seed(settings.seed);
  auto model = make_point_process(config);
  model->to(settings.device);
  model->train();
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(settings.lr));

  nlohmann::json card = {{"registry_name", settings.model},
                         {"data", settings.data.name()},
                         {"sequence_length", settings.data.length},
                         {"batch", settings.batch},
                         {"lr", settings.lr},
                         {"clip_norm", settings.clip_norm},
                         {"seed", settings.seed},
                         {"schedule_steps", settings.steps},
                         {"device", settings.device.str()},
                         {"threads", at::get_num_threads()}};
  const auto started = std::chrono::steady_clock::now();
  const auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  TppTrainResult result;
  result.path = path;
  result.card_path = train::card_path_for(path);
  std::optional<double> smoothed;
  const auto save = [&] {
    card["steps"] = result.steps;
    card["finished"] = result.steps >= settings.steps;
    card["wall_seconds"] = seconds();
    card["steps_per_second"] = result.steps / std::max(seconds(), 1e-9);
    card["final_loss"] = result.final_loss;
    if (smoothed) card["smoothed_loss"] = *smoothed;
    model->eval();
    save_point_process(*model, card, path);
    model->train();
  };

  const auto options = model->tensor_options();
  auto last_save = started;
  const auto save_every = std::chrono::duration<double>(settings.checkpoint_minutes * 60.0);
  while (result.steps < settings.steps) {
    const double rate = train::cosine_learning_rate(settings.lr, result.steps, settings.steps);
    for (auto& group : optimizer.param_groups()) group.options().set_lr(rate);
    const auto batch = to_event_sequence(
        training_sequences(settings.data, settings.seed, result.steps, settings.batch), options);
    optimizer.zero_grad();
    const auto loss = model->loss(batch);
    loss.backward();
    const double gradient_norm =
        settings.clip_norm > 0
            ? torch::nn::utils::clip_grad_norm_(model->parameters(), settings.clip_norm)
            : torch::nn::utils::clip_grad_norm_(model->parameters(),
                                                std::numeric_limits<double>::infinity());
    optimizer.step();
    ++result.steps;
    result.final_loss = loss.item<double>();
    smoothed = smoothed ? (1 - kSmoothing) * *smoothed + kSmoothing * result.final_loss
                        : result.final_loss;
    if (callbacks.on_progress) {
      callbacks.on_progress({result.steps, settings.steps, result.final_loss, *smoothed, rate,
                             gradient_norm, seconds()});
    }
    if (settings.checkpoint_minutes > 0 &&
        std::chrono::steady_clock::now() - last_save >= save_every) {
      save();
      last_save = std::chrono::steady_clock::now();
    }
    if (callbacks.should_stop && callbacks.should_stop()) {
      result.stopped = result.steps < settings.steps;
      break;
    }
  }
  save();
  model->eval();
  result.smoothed_loss = smoothed.value_or(result.final_loss);
  result.wall_seconds = seconds();
  return result;
}

}  // namespace nplab::tpp

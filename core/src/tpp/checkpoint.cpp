// Point-process checkpoints (training.h): the archive, its card and the optional training state.

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/version.h>

#include <cstring>
#include <filesystem>
#include <sstream>

#include "nplab/tpp/registry.h"
#include "nplab/tpp/training.h"
#include "nplab/train/checkpoint.h"
#include "nplab/util/atomic_file.h"
#include "nplab/util/checks.h"
#include "nplab/util/input_file.h"
#include "nplab/util/utc_time.h"

namespace nplab::tpp {
namespace {

constexpr const char* kFormatMarker = "nplab-tpp-checkpoint";

[[noreturn]] void fail(const std::string& path, const std::string& reason) {
  throw train::CheckpointError("checkpoint " + path + ": " + reason);
}

std::optional<std::string> read_string(torch::serialize::InputArchive& archive,
                                       const std::string& key) {
  c10::IValue value;
  if (!archive.try_read(key, value) || !value.isString()) return std::nullopt;
  return value.toStringRef();
}

// Opaque bytes travel as a uint8 tensor: archive strings are meant for text.
at::Tensor bytes_to_tensor(const std::string& bytes) {
  auto tensor = at::empty({static_cast<int64_t>(bytes.size())}, at::kByte);
  if (!bytes.empty()) std::memcpy(tensor.data_ptr<uint8_t>(), bytes.data(), bytes.size());
  return tensor;
}

std::string tensor_to_bytes(const at::Tensor& tensor) {
  const auto contiguous = tensor.to(at::kByte).contiguous();
  return {reinterpret_cast<const char*>(contiguous.data_ptr<uint8_t>()),
          static_cast<size_t>(contiguous.numel())};
}

std::optional<TppTrainingState> read_training_state(torch::serialize::InputArchive& archive,
                                                    const std::string& path) {
  c10::IValue step;
  if (!archive.try_read("training_step", step)) return std::nullopt;
  at::Tensor optimizer, generator;
  if (!step.isInt() || step.toInt() < 0 || !archive.try_read("training_optimizer", optimizer) ||
      !archive.try_read("training_generator", generator)) {
    fail(path,
         "incomplete training state (a step without the optimizer's or the generator's state)");
  }
  return TppTrainingState{step.toInt(), tensor_to_bytes(optimizer), tensor_to_bytes(generator)};
}

}  // namespace

void save_point_process(PointProcessModel& model, const nlohmann::json& card,
                        const std::string& path, const std::optional<TppTrainingState>& training) {
  auto full_card = card;
  const auto digest = train::weights_digest(model);
  full_card["model"] = model.name();
  full_card["config"] = model.config();
  full_card["libtorch"] = TORCH_VERSION;
  full_card["date"] = util::utc_timestamp();
  full_card["weights_sha256"] = digest;

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
    archive.write("weights_sha256", c10::IValue(digest));
    torch::serialize::OutputArchive weights;
    model.save(weights);
    archive.write("model", weights);
    if (training) {
      archive.write("training_step", c10::IValue(training->step));
      archive.write("training_optimizer", bytes_to_tensor(training->optimizer));
      archive.write("training_generator", bytes_to_tensor(training->generator));
    }
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
  // Checkpoints written before the digest existed have none, and load as before.
  if (const auto stored = read_string(archive, "weights_sha256")) {
    const auto actual = train::weights_digest(*model);
    if (*stored != actual) {
      fail(path, "the weights do not match their SHA-256 digest: the file is corrupt (stored " +
                     stored->substr(0, 12) + "…, read " + actual.substr(0, 12) + "…)");
    }
  }
  auto training = read_training_state(archive, path);
  model->to(device);
  model->eval();
  return {std::move(model), std::move(card), std::move(training)};
}

}  // namespace nplab::tpp

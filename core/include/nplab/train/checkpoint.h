#pragma once
// Checkpoints: a model's weights, its config and its model card, saved and loaded together.
//
// FILE.pt is a LibTorch archive holding a format marker, the format version, the config and the
// card (JSON strings) and the parameters, and optionally the state of an unfinished (or
// extendable) training run: the step reached and the optimizer's own serialization. FILE.json
// beside it repeats the card for people and tools. The training entries are optional, so files
// without them (older ones included) load as before and older readers ignore them. Loading never
// trusts the file: a truncated, corrupt or foreign file, another format version or a model other
// than the one asked for raises CheckpointError naming file and reason.

#include <c10/core/Device.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "nplab/models/neural_process.h"

namespace nplab::train {

inline constexpr int64_t kCheckpointFormatVersion = 1;

class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// What a training run needs besides the weights to continue exactly where it stopped.
struct TrainingState {
  int64_t step = 0;       ///< optimizer steps completed
  std::string optimizer;  ///< the optimizer's state as LibTorch serialized it (opaque bytes)
};

struct Checkpoint {
  std::shared_ptr<models::NeuralProcess> model;
  /// The model card: model, config, data, steps, seed, evaluation results, date, LibTorch version.
  nlohmann::json card;
  std::string path;
  /// Present when the file was saved with a training state.
  std::optional<TrainingState> training;
};

/// Writes `path` (atomically: a temporary file renamed into place) and the card beside it as
/// `path` with the extension .json. The card gets "model", "config", "libtorch", "date" and
/// "format_version" filled in. With `training`, the run can be resumed from the file.
void save_checkpoint(models::NeuralProcess& model, const nlohmann::json& card,
                     const std::string& path,
                     const std::optional<TrainingState>& training = std::nullopt);

/// Loads a checkpoint onto `device` in eval mode. With `expected_model`, a file holding another
/// model is an error.
Checkpoint load_checkpoint(const std::string& path, c10::Device device = c10::Device(c10::kCPU),
                           const std::optional<std::string>& expected_model = std::nullopt);

/// SHA-256 over every parameter and buffer (name, dtype, shape, bytes): stored in the checkpoint
/// and its card ("weights_sha256") and verified on load, so that a flipped byte is an error.
std::string weights_digest(const torch::nn::Module& model);

/// Stores an evaluation result under card["eval"][key] in the checkpoint at `path` (the archive
/// and the card beside it). The file is read again under a lock on its folder, not saved from the
/// copy `evaluated` came from: another eval of the same checkpoint may have stored its result
/// meanwhile (it is kept), and a training run may have saved new weights over it, in which case
/// this result is not theirs and CheckpointError says so.
void record_evaluation(const std::string& path, const std::string& key,
                       const nlohmann::json& result, const models::NeuralProcess& evaluated);

/// Stores a small, fixed evaluation under card["check"] (the result's "data", "seed", "batches"
/// and "batch_size" say which): the test suite repeats it on every shipped checkpoint, so that a
/// changed model, loader or checkpoint fails loudly. Same locking as record_evaluation.
void record_check(const std::string& path, const nlohmann::json& result,
                  const models::NeuralProcess& evaluated);

/// Whether two models hold bit-identical parameters (compared on the CPU).
bool same_parameters(const models::NeuralProcess& a, const models::NeuralProcess& b);

/// The card file that goes with a checkpoint path ("models/cmanp.pt" -> "models/cmanp.json").
std::string card_path_for(const std::string& checkpoint_path);

}  // namespace nplab::train

#include "nplab/train/checkpoint.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>
#include <torch/version.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <vector>

#include "nplab/models/registry.h"
#include "nplab/util/atomic_file.h"
#include "nplab/util/checks.h"
#include "nplab/util/directory_lock.h"
#include "nplab/util/input_file.h"
#include "nplab/util/sha256.h"
#include "nplab/util/utc_time.h"

namespace nplab::train {
namespace {

constexpr const char* kFormatMarker = "nplab-checkpoint";

[[noreturn]] void fail(const std::string& path, const std::string& reason) {
  throw CheckpointError("checkpoint " + path + ": " + reason);
}

// The first line of a c10::Error is its message; the rest is a C++ backtrace.

std::string read_string(torch::serialize::InputArchive& archive, const std::string& key,
                        const std::string& path) {
  c10::IValue value;
  if (!archive.try_read(key, value) || !value.isString()) {
    fail(path, "not an NPLab checkpoint (no \"" + key + "\" entry)");
  }
  return value.toStringRef();
}

// Opaque bytes travel as a uint8 tensor: archive strings are meant for text.
at::Tensor bytes_to_tensor(const std::string& bytes) {
  auto tensor = at::empty({static_cast<int64_t>(bytes.size())}, at::kByte);
  std::memcpy(tensor.data_ptr<uint8_t>(), bytes.data(), bytes.size());
  return tensor;
}

std::string tensor_to_bytes(const at::Tensor& tensor) {
  const auto contiguous = tensor.to(at::kByte).contiguous();
  return {reinterpret_cast<const char*>(contiguous.data_ptr<uint8_t>()),
          static_cast<size_t>(contiguous.numel())};
}

std::string card_text(const nlohmann::json& card) {
  return card.dump(2) + "\n";
}

/// Rewrites the card file beside a checkpoint when it is missing or disagrees with the card the
/// archive holds (a save interrupted between its two renames). Best effort: a read-only models
/// folder keeps its file, and the loaded card is the archive's either way.
void repair_card_file(const std::string& path, const nlohmann::json& card) {
  const auto card_file = card_path_for(path);
  std::ifstream in(card_file);
  if (in) {
    const auto outside = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (outside == card) return;
  }
  try {
    util::write_file_atomically(card_file, card_text(card));
  } catch (const util::InvalidArgument&) {
  }
}

std::optional<TrainingState> read_training_state(torch::serialize::InputArchive& archive,
                                                 const std::string& path) {
  c10::IValue step;
  if (!archive.try_read("training_step", step)) return std::nullopt;
  at::Tensor optimizer;
  if (!step.isInt() || !archive.try_read("training_optimizer", optimizer)) {
    fail(path, "incomplete training state (a step without the optimizer's state)");
  }
  return TrainingState{step.toInt(), tensor_to_bytes(optimizer)};
}

// torch::nn::Module::save's layout (parameters, then buffers, then each child as a nested
// archive), but with CPU copies, so a checkpoint made on a GPU loads anywhere. The archive keeps
// references to the tensors it is given until it is written, so moving the model to the CPU and
// back around Module::save would serialize the tensors on the GPU again.
void write_weights_on_cpu(const torch::nn::Module& module,
                          torch::serialize::OutputArchive& archive) {
  const auto cpu_copy = [](const at::Tensor& tensor) {
    auto copy = tensor.detach().to(c10::Device(c10::kCPU), /*non_blocking=*/false, /*copy=*/true);
    copy.set_requires_grad(tensor.requires_grad());
    return copy;
  };
  for (const auto& parameter : module.named_parameters(/*recurse=*/false)) {
    archive.write(parameter.key(), cpu_copy(parameter.value()));
  }
  for (const auto& buffer : module.named_buffers(/*recurse=*/false)) {
    archive.write(buffer.key(), cpu_copy(buffer.value()), /*is_buffer=*/true);
  }
  for (const auto& child : module.named_children()) {
    if (!child.value()->is_serializable()) continue;
    torch::serialize::OutputArchive child_archive(archive.compilation_unit());
    write_weights_on_cpu(*child.value(), child_archive);
    archive.write(child.key(), child_archive);
  }
}

/// Every tensor of `archive` (a Module::save layout) against the module the config built: the
/// same names, each with the same shape, nothing missing and nothing extra. Module::load alone
/// ignores extra tensors (a 6-layer TNP-D's weights under a 2-layer config) and takes wrongly
/// shaped ones as they are.
void check_weights_fit(torch::serialize::InputArchive& archive, const torch::nn::Module& module,
                       const std::string& prefix, const std::string& path,
                       const std::string& model_name) {
  const auto misfit = [&](const std::string& what) {
    fail(path, "weights do not fit the " + model_name + " config: " + what);
  };
  const auto own_tensors = [&] {
    std::map<std::string, std::pair<at::Tensor, bool>> tensors;  // name -> (tensor, is buffer)
    for (const auto& p : module.named_parameters(/*recurse=*/false)) {
      tensors[p.key()] = {p.value(), false};
    }
    for (const auto& b : module.named_buffers(/*recurse=*/false))
      tensors[b.key()] = {b.value(), true};
    return tensors;
  }();
  std::map<std::string, std::shared_ptr<torch::nn::Module>> children;
  for (const auto& child : module.named_children()) {
    if (child.value()->is_serializable()) children[child.key()] = child.value();
  }
  std::set<std::string> seen;
  for (const auto& key : archive.keys()) {
    const auto name = prefix + key;
    if (const auto own = own_tensors.find(key); own != own_tensors.end()) {
      at::Tensor stored;
      if (!archive.try_read(key, stored, own->second.second)) misfit(name + " is not a tensor");
      const auto& expected = own->second.first;
      if (stored.sizes() != expected.sizes()) {
        misfit(name + " has shape " + util::shape_string(stored) + ", the config builds " +
               util::shape_string(expected));
      }
      seen.insert(key);
    } else if (const auto child = children.find(key); child != children.end()) {
      torch::serialize::InputArchive child_archive;
      if (!archive.try_read(key, child_archive)) misfit(name + " is not a submodule");
      check_weights_fit(child_archive, *child->second, name + ".", path, model_name);
      seen.insert(key);
    } else {
      at::Tensor extra;
      torch::serialize::InputArchive extra_module;
      if (archive.try_read(key, extra))
        misfit("holds a tensor " + name + " the config has no use for");
      if (archive.try_read(key, extra_module)) {
        misfit("holds weights for " + name + ", a part the config does not build");
      }
      // Anything else (Module attributes such as "training") carries no weights.
    }
  }
  for (const auto& [key, unused] : own_tensors) {
    if (!seen.count(key)) misfit("lacks the tensor " + prefix + key);
  }
  for (const auto& [key, unused] : children) {
    if (!seen.count(key)) misfit("lacks the weights of " + prefix + key);
  }
}

/// The first length-prefixed argument in `pickle` that runs past its end, if any: LibTorch's
/// unpickler reserves a string of the declared length before reading it, so one damaged length
/// field (up to 4 GiB, or 2^64 for the 8-byte forms) would allocate that much. Walks the opcodes
/// of pickle protocols 0-5; at an opcode it does not know it stops and leaves the rest to LibTorch,
/// so a valid pickle is never refused.
std::optional<std::string> pickle_overrun(std::string_view pickle) {
  const auto little_endian = [&](size_t at, int bytes) {
    uint64_t value = 0;
    for (int i = bytes - 1; i >= 0; --i) value = value << 8 | uint8_t(pickle[at + i]);
    return value;
  };
  // Bytes of fixed-size arguments, and of the length before a length-prefixed one.
  static const std::map<char, int> fixed{
      {'J', 4}, {'K', 1},    {'M', 2},    {'G', 8},    {'q', 1},    {'r', 4},   {'h', 1},
      {'j', 4}, {'\x80', 1}, {'\x82', 1}, {'\x83', 2}, {'\x84', 4}, {'\x95', 8}};
  static const std::map<char, int> prefixed{{'U', 1},    {'T', 4},    {'X', 4},   {'\x8c', 1},
                                            {'\x8d', 8}, {'B', 4},    {'C', 1},   {'\x8e', 8},
                                            {'\x96', 8}, {'\x8a', 1}, {'\x8b', 4}};
  static const std::string_view no_argument =
      "(.012NRabd}el]ostu)Q\x81\x85\x86\x87\x88\x89"
      "\x8f\x90\x91\x92\x93\x94\x97\x98";
  static const std::string_view line_argument = "ILFSVPgp";
  for (size_t at = 0; at < pickle.size();) {
    const char opcode = pickle[at++];
    if (opcode == '.') return std::nullopt;  // STOP
    if (no_argument.find(opcode) != std::string_view::npos) continue;
    if (const auto found = fixed.find(opcode); found != fixed.end()) {
      at += found->second;
    } else if (const auto length = prefixed.find(opcode); length != prefixed.end()) {
      if (at + length->second > pickle.size()) return "a length field cut short";
      const uint64_t declared = little_endian(at, length->second);
      at += length->second;
      if (declared > pickle.size() - at) {
        return "a " + std::to_string(declared) + "-byte value in " + std::to_string(pickle.size()) +
               " bytes";
      }
      at += declared;
    } else if (opcode == 'c' || line_argument.find(opcode) != std::string_view::npos) {
      for (int lines = opcode == 'c' ? 2 : 1; lines > 0 && at < pickle.size(); ++at) {
        if (pickle[at] == '\n') --lines;
      }
    } else {
      return std::nullopt;  // not an opcode this walk knows: LibTorch's reader decides
    }
  }
  return std::nullopt;
}

/// Refuses a checkpoint whose pickle records (data.pkl, constants.pkl, the TorchScript code's
/// .debug_pkl) hold a length past their end (see pickle_overrun). The records are read through
/// LibTorch's own zip reader, so they are the bytes its loader would unpickle; an archive that
/// reader cannot open is left to the load, which says why.
void check_pickle_lengths(const std::string& path) {
  std::optional<caffe2::serialize::PyTorchStreamReader> reader;
  try {
    reader.emplace(path);
  } catch (const c10::Error&) {
    return;  // the load below reports what LibTorch's reader finds
  }
  // The two the loader unpickles first; listing the rest fails on a record outside archive/,
  // which the loader itself never lists.
  std::vector<std::string> names{"data.pkl", "constants.pkl"};
  try {
    for (auto& name : reader->getAllRecords()) {
      if (name != names[0] && name != names[1]) names.push_back(std::move(name));
    }
  } catch (const c10::Error&) {
    // the two named above are still checked
  }
  for (const auto& name : names) {
    if (name.size() < 3 || name.compare(name.size() - 3, 3, "pkl") != 0) continue;
    std::optional<std::string> overrun;
    try {  // one damaged record must not keep the others from being checked
      if (!reader->hasRecord(name) || reader->getRecordSize(name) > (size_t{64} << 20)) {
        continue;  // absent, or larger than any of NPLab's
      }
      const auto [data, size] = reader->getRecord(name);
      overrun = pickle_overrun({static_cast<const char*>(data.get()), size});
    } catch (const c10::Error&) {
      continue;
    }
    if (overrun) {
      fail(path, "not a readable checkpoint archive (its record " + name +
                     " is damaged: " + *overrun + "); nothing was allocated for it");
    }
  }
}

/// Refuses a zip whose entries declare far more data than the file holds (a decompression bomb)
/// before LibTorch inflates anything: NPLab stores tensors uncompressed, so a real checkpoint
/// declares about its own size. Reads only the central directory; a file that is not a zip is
/// left to LibTorch's reader, which says so.
void check_declared_sizes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(0, std::ios::end);
  const auto file_size = static_cast<uint64_t>(in.tellg());
  const auto tail_size = std::min<uint64_t>(file_size, 22 + 65535);
  std::string tail(tail_size, '\0');
  in.seekg(static_cast<std::streamoff>(file_size - tail_size));
  in.read(tail.data(), static_cast<std::streamsize>(tail_size));
  const auto u16 = [](const std::string& b, size_t at) {
    return uint32_t(uint8_t(b[at])) | uint32_t(uint8_t(b[at + 1])) << 8;
  };
  const auto u32 = [&](const std::string& b, size_t at) {
    return u16(b, at) | u16(b, at + 2) << 16;
  };
  const auto u64 = [&](const std::string& b, size_t at) {
    return uint64_t(u32(b, at)) | uint64_t(u32(b, at + 4)) << 32;
  };
  const auto eocd = tail.rfind(std::string("PK\x05\x06", 4));
  if (eocd == std::string::npos || eocd + 22 > tail.size()) return;
  const uint64_t directory_size = u32(tail, eocd + 12), directory_offset = u32(tail, eocd + 16);
  if (directory_offset + directory_size > file_size || directory_size > (uint64_t{64} << 20))
    return;
  std::string directory(directory_size, '\0');
  in.seekg(static_cast<std::streamoff>(directory_offset));
  in.read(directory.data(), static_cast<std::streamsize>(directory_size));
  if (!in) return;
  uint64_t declared = 0;
  for (size_t at = 0; at + 46 <= directory.size() && u32(directory, at) == 0x02014b50;) {
    uint64_t uncompressed = u32(directory, at + 24);
    const size_t name_length = u16(directory, at + 28), extra_length = u16(directory, at + 30),
                 comment_length = u16(directory, at + 32);
    if (uncompressed == 0xFFFFFFFF) {  // ZIP64: the real size is in the extra field
      for (size_t e = at + 46 + name_length;
           e + 4 <= at + 46 + name_length + extra_length && e + 4 <= directory.size();) {
        const auto id = u16(directory, e), size = u16(directory, e + 2);
        if (id == 0x0001 && e + 12 <= directory.size()) uncompressed = u64(directory, e + 4);
        e += 4 + size;
      }
    }
    declared += uncompressed;
    at += 46 + name_length + extra_length + comment_length;
  }
  if (declared > 2 * file_size + (uint64_t{64} << 20)) {
    fail(path, "declares " + std::to_string(declared >> 20) + " MiB of data in a file of " +
                   std::to_string(file_size >> 20) +
                   " MiB: not a checkpoint NPLab wrote (a decompression bomb?); nothing was "
                   "inflated");
  }
}

}  // namespace

std::string weights_digest(const torch::nn::Module& model) {
  util::Sha256 sha;
  const auto add = [&](const std::string& name, const at::Tensor& tensor) {
    const auto bytes = tensor.detach().to(c10::Device(c10::kCPU)).contiguous();
    sha.update(name);
    sha.update(std::string_view("\0", 1));
    sha.update(std::string(c10::toString(bytes.scalar_type())) + util::shape_string(bytes));
    sha.update(bytes.data_ptr(), bytes.numel() * bytes.element_size());
  };
  for (const auto& p : model.named_parameters()) add(p.key(), p.value());
  for (const auto& b : model.named_buffers()) add("buffer:" + b.key(), b.value());
  return sha.hex_digest();
}

std::string card_path_for(const std::string& checkpoint_path) {
  return std::filesystem::path(checkpoint_path).replace_extension(".json").string();
}

void save_checkpoint(models::NeuralProcess& model, const nlohmann::json& card,
                     const std::string& path, const std::optional<TrainingState>& training) {
  auto full_card = card;
  const auto digest = weights_digest(model);
  full_card["weights_sha256"] = digest;
  full_card["model"] = model.name();
  full_card["config"] = model.config();
  full_card["libtorch"] = TORCH_VERSION;
  full_card["format_version"] = kCheckpointFormatVersion;
  if (!full_card.contains("date")) full_card["date"] = util::utc_timestamp();

  torch::serialize::OutputArchive archive;
  archive.write("nplab_format", c10::IValue(std::string(kFormatMarker)));
  archive.write("format_version", c10::IValue(kCheckpointFormatVersion));
  archive.write("config", c10::IValue(model.config().dump()));
  archive.write("card", c10::IValue(full_card.dump()));
  archive.write("weights_sha256", c10::IValue(digest));
  torch::serialize::OutputArchive weights;
  write_weights_on_cpu(model, weights);
  archive.write("model", weights);
  if (training) {
    archive.write("training_step", c10::IValue(training->step));
    archive.write("training_optimizer", bytes_to_tensor(training->optimizer));
  }

  std::ostringstream bytes;
  try {
    archive.save_to(bytes);
  } catch (const c10::Error& error) {
    fail(path, "cannot serialize: " + util::first_message_line(error.what()));
  }
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code error;
  if (!parent.empty()) std::filesystem::create_directories(parent, error);
  // The archive first, then the card beside it. A crash between the two leaves a stale .json
  // beside a new .pt; the archive holds the card too, and loading rewrites the stale one.
  try {
    util::write_file_atomically(path, bytes.view());
    util::write_file_atomically(card_path_for(path), card_text(full_card));
  } catch (const util::InvalidArgument& write_error) {
    fail(path, std::string("cannot save: ") + write_error.what());
  }
}

Checkpoint load_checkpoint(const std::string& path, c10::Device device,
                           const std::optional<std::string>& expected_model) {
  if (const auto why = util::why_not_a_regular_file(path)) fail(path, *why);
  check_declared_sizes(path);
  check_pickle_lengths(path);
  torch::serialize::InputArchive archive;
  try {
    // Mapped to the CPU: an archive holding CUDA storages (what Module::save writes for a model on
    // a GPU) must still load in a LibTorch without CUDA, which cannot even allocate them.
    archive.load_from(path, c10::Device(c10::kCPU));
  } catch (const std::exception& error) {
    // c10::Error for a bad zip, torch::jit::ErrorReport (not a c10::Error) for a damaged
    // TorchScript record inside a good one.
    fail(path, "not a readable checkpoint archive (truncated, corrupt or another format): " +
                   util::first_message_line(error.what()));
  }
  if (read_string(archive, "nplab_format", path) != kFormatMarker) {
    fail(path, "not an NPLab checkpoint (unknown format marker)");
  }
  c10::IValue version;
  if (!archive.try_read("format_version", version) || !version.isInt()) {
    fail(path, "not an NPLab checkpoint (no format version)");
  }
  if (version.toInt() != kCheckpointFormatVersion) {
    fail(path, "format version " + std::to_string(version.toInt()) + ", but this build reads " +
                   std::to_string(kCheckpointFormatVersion));
  }
  nlohmann::json config, card;
  try {
    config = nlohmann::json::parse(read_string(archive, "config", path));
    card = nlohmann::json::parse(read_string(archive, "card", path));
  } catch (const nlohmann::json::exception& error) {
    fail(path, std::string("config or card is not valid JSON: ") + error.what());
  }
  const auto model_name = config.value("model", std::string("?"));
  if (expected_model && *expected_model != model_name) {
    fail(path, "holds a " + model_name + " model, expected " + *expected_model);
  }
  std::shared_ptr<models::NeuralProcess> model;
  try {
    model = models::make_model(config);
    torch::serialize::InputArchive weights;
    if (!archive.try_read("model", weights)) fail(path, "no model weights");
    check_weights_fit(weights, *model, "", path, model_name);
    model->load(weights);
  } catch (const CheckpointError&) {
    throw;
  } catch (const c10::Error& error) {
    fail(path, "weights do not fit the " + model_name +
                   " config: " + util::first_message_line(error.what()));
  } catch (const std::exception& error) {
    fail(path, std::string("cannot build the model: ") + error.what());
  }
  for (const auto& parameter : model->named_parameters()) {
    if (!at::isfinite(parameter.value()).all().item<bool>()) {
      fail(path, "the weights hold NaN or Inf (in " + parameter.key() + ")");
    }
  }
  // Checkpoints written before the digest existed have none, and load as before.
  c10::IValue stored_digest;
  if (archive.try_read("weights_sha256", stored_digest) && stored_digest.isString()) {
    const auto actual = weights_digest(*model);
    if (stored_digest.toStringRef() != actual) {
      fail(path, "the weights do not match their SHA-256 digest: the file is corrupt (stored " +
                     stored_digest.toStringRef().substr(0, 12) + "…, read " + actual.substr(0, 12) +
                     "…)");
    }
  }
  auto training = read_training_state(archive, path);
  repair_card_file(path, card);
  model->to(device);
  model->eval();
  return {std::move(model), std::move(card), path, std::move(training)};
}

bool same_parameters(const models::NeuralProcess& a, const models::NeuralProcess& b) {
  const auto left = a.named_parameters();
  const auto right = b.named_parameters();
  if (left.size() != right.size()) return false;
  for (const auto& entry : left) {
    const auto* other = right.find(entry.key());
    if (other == nullptr) return false;
    const auto& mine = entry.value();
    if (mine.sizes() != other->sizes() || !mine.cpu().equal(other->cpu())) return false;
  }
  return true;
}

void record_evaluation(const std::string& path, const std::string& key,
                       const nlohmann::json& result, const models::NeuralProcess& evaluated) {
  const util::DirectoryLock lock(path);
  auto current = load_checkpoint(path, c10::Device(c10::kCPU));
  if (!same_parameters(*current.model, evaluated)) {
    fail(path,
         "changed while it was evaluated (new weights were saved over it); the result was "
         "not stored. Evaluate it again.");
  }
  current.card["eval"][key] = result;
  save_checkpoint(*current.model, current.card, path, current.training);
}

void record_check(const std::string& path, const nlohmann::json& result,
                  const models::NeuralProcess& evaluated) {
  const util::DirectoryLock lock(path);
  auto current = load_checkpoint(path, c10::Device(c10::kCPU));
  if (!same_parameters(*current.model, evaluated)) {
    fail(path,
         "changed while it was evaluated (new weights were saved over it); the check was "
         "not stored. Evaluate it again.");
  }
  current.card["check"] = result;
  save_checkpoint(*current.model, current.card, path, current.training);
}

}  // namespace nplab::train

// Checkpoints round-trip exactly; anything else raises an error naming the file and the reason.

#include <torch/cuda.h>
#include <torch/serialize/output-archive.h>
#include <torch/utils.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>

#include "nplab/models/registry.h"
#include "nplab/tpp/training.h"
#include "nplab/train/checkpoint.h"
#include "nplab/util/atomic_file.h"
#include "temp_dir.h"
#include "test_support.h"

namespace nplab {
namespace {

namespace fs = std::filesystem;

using testing::TempDir;

void expect_checkpoint_error(const std::function<void()>& work,
                             const std::vector<std::string>& fragments) {
  try {
    work();
    ADD_FAILURE() << "expected nplab::CheckpointError";
  } catch (const train::CheckpointError& error) {
    for (const auto& fragment : fragments)
      EXPECT_THAT(error.what(), ::testing::HasSubstr(fragment));
  }
}

class CheckpointRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(CheckpointRoundTrip, SaveThenLoadGivesIdenticalPredictions) {
  const torch::NoGradGuard no_grad;
  const TempDir dir;
  torch::manual_seed(11);
  auto model = models::make_model(models::default_config(GetParam()));
  model->eval();
  const auto path = dir.file("model.pt");
  train::save_checkpoint(*model, {{"data", "gp-rbf"}, {"steps", 0}, {"seed", 11}}, path);

  const auto loaded = train::load_checkpoint(path);
  EXPECT_EQ(loaded.model->name(), model->name());
  EXPECT_EQ(loaded.model->config(), model->config());
  EXPECT_EQ(loaded.card["data"], "gp-rbf");
  EXPECT_EQ(loaded.card["config"], model->config());
  EXPECT_TRUE(loaded.card.contains("libtorch"));
  EXPECT_TRUE(loaded.card.contains("date"));
  ASSERT_TRUE(fs::exists(train::card_path_for(path)));
  std::ifstream card_file(train::card_path_for(path));
  EXPECT_EQ(nlohmann::json::parse(card_file), loaded.card);

  const auto dims = model->dims();
  const auto xc = at::rand({2, 12, dims.dim_x}) * 4 - 2, yc = at::randn({2, 12, dims.dim_y});
  const auto xt = at::rand({2, 9, dims.dim_x}) * 4 - 2;
  const auto before = model->predict(*model->condition(xc, yc), xt);
  const auto after = loaded.model->predict(*loaded.model->condition(xc, yc), xt);
  EXPECT_TRUE(at::equal(before.mean, after.mean));
  EXPECT_TRUE(at::equal(before.stddev, after.stddev));
}

INSTANTIATE_TEST_SUITE_P(EveryModel, CheckpointRoundTrip,
                         ::testing::ValuesIn(models::model_names()), [](const auto& info) {
                           std::string name = info.param;
                           for (auto& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

// A GPU user's checkpoint must open on a machine without one: the archive holds CPU storages only,
// the model saved stays on its GPU, and the loaded model predicts what the saved one did.
TEST(CheckpointOnCuda, SavedFromAModelOnTheGpuLoadsOnTheCpu) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device on this machine";
  const torch::NoGradGuard no_grad;
  const TempDir dir;
  torch::manual_seed(12);
  const c10::Device cuda(c10::kCUDA, 0);
  auto model = models::make_model(models::default_config("cmanp"));
  model->eval();
  model->to(cuda);
  const auto path = dir.file("gpu.pt");
  train::save_checkpoint(*model, {{"data", "gp-rbf"}}, path);
  EXPECT_TRUE(model->tensor_options().device().is_cuda());

  std::ifstream file(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find("cuda:0"), std::string::npos) << "the archive holds CUDA storages";

  const auto loaded = train::load_checkpoint(path, c10::Device(c10::kCPU));
  const auto xc = at::rand({1, 10, 1}) * 4 - 2, yc = at::randn({1, 10, 1});
  const auto xt = at::rand({1, 7, 1}) * 4 - 2;
  const auto on_gpu = model->predict(*model->condition(xc.to(cuda), yc.to(cuda)), xt.to(cuda));
  const auto on_cpu = loaded.model->predict(*loaded.model->condition(xc, yc), xt);
  EXPECT_TRUE(at::allclose(on_gpu.mean.cpu(), on_cpu.mean, 1e-4, 1e-5));
  EXPECT_TRUE(at::allclose(on_gpu.stddev.cpu(), on_cpu.stddev, 1e-4, 1e-5));
}

class CheckpointErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = models::make_model(models::default_config("cmanp"));
    path_ = dir_.file("cmanp.pt");
    train::save_checkpoint(*model_, {}, path_);
  }
  TempDir dir_;
  std::shared_ptr<models::NeuralProcess> model_;
  std::string path_;
};

TEST_F(CheckpointErrors, MissingFileIsNamed) {
  const auto missing = dir_.file("nope.pt");
  expect_checkpoint_error([&] { train::load_checkpoint(missing); }, {missing, "no such file"});
}

TEST_F(CheckpointErrors, ADeviceOrADirectoryIsNamedForWhatItIs) {
  expect_checkpoint_error([] { train::load_checkpoint("/dev/zero"); },
                          {"/dev/zero", "is a character device, not a regular file"});
  const auto folder = dir_.file("folder.pt");
  fs::create_directories(folder);
  expect_checkpoint_error([&] { train::load_checkpoint(folder); }, {folder, "is a directory"});
}

TEST_F(CheckpointErrors, ADamagedTorchScriptRecordIsOneLineNamingTheFile) {
  // The archive's zip is intact, but a stored TorchScript class no longer parses: LibTorch throws
  // a multi-line script error that is not a c10::Error.
  std::string bytes;
  {
    std::ifstream in(path_, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto at = bytes.find("class Module(Module):\n  __parameters__");
  ASSERT_NE(at, std::string::npos) << "no stored TorchScript record to damage";
  bytes.replace(at + 10, 10, "((((((((((");
  std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes;
  try {
    train::load_checkpoint(path_);
    ADD_FAILURE() << "expected nplab::CheckpointError";
  } catch (const train::CheckpointError& error) {
    const std::string message = error.what();
    EXPECT_EQ(message.rfind("checkpoint " + path_ + ": not a readable checkpoint", 0), 0u)
        << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  EXPECT_FALSE(tpp::is_point_process_checkpoint(path_));  // asks, does not throw
}

TEST_F(CheckpointErrors, AStringLengthPastItsRecordIsRefusedBeforeLibTorchAllocatesIt) {
  // The format marker is a pickled string in data.pkl: 'X', a 4-byte length, the text. A length
  // of 4,000,000,000 would make LibTorch's unpickler reserve that much before finding the end.
  std::string bytes;
  {
    std::ifstream in(path_, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string marker = "nplab-checkpoint";
  const std::string length{static_cast<char>(marker.size()), 0, 0, 0};
  const auto at = bytes.find("X" + length + marker);
  ASSERT_NE(at, std::string::npos) << "the format marker is not a pickled string here";
  const std::uint32_t huge = 4'000'000'000u;
  for (int i = 0; i < 4; ++i) bytes[at + 1 + i] = static_cast<char>((huge >> (8 * i)) & 0xFF);
  std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes;
  expect_checkpoint_error([&] { train::load_checkpoint(path_); },
                          {path_, "data.pkl is damaged", "a 4000000000-byte value"});
}

TEST_F(CheckpointErrors, TruncatedFileIsReported) {
  const auto size = fs::file_size(path_);
  fs::resize_file(path_, size / 2);
  expect_checkpoint_error([&] { train::load_checkpoint(path_); }, {path_, "truncated, corrupt"});
}

TEST_F(CheckpointErrors, ArbitraryBytesAreNotACheckpoint) {
  const auto junk = dir_.file("junk.pt");
  std::ofstream(junk) << "this is a CSV file,not a model\n1,2\n";
  expect_checkpoint_error([&] { train::load_checkpoint(junk); },
                          {junk, "not a readable checkpoint"});
}

TEST_F(CheckpointErrors, ForeignLibTorchArchiveIsNotAnNPLabCheckpoint) {
  const auto foreign = dir_.file("foreign.pt");
  torch::serialize::OutputArchive archive;
  archive.write("weights", at::ones({3}));
  archive.save_to(foreign);
  expect_checkpoint_error([&] { train::load_checkpoint(foreign); },
                          {foreign, "not an NPLab checkpoint"});
}

TEST_F(CheckpointErrors, AnotherFormatVersionIsRefused) {
  const auto future = dir_.file("future.pt");
  torch::serialize::OutputArchive archive;
  archive.write("nplab_format", c10::IValue(std::string("nplab-checkpoint")));
  archive.write("format_version", c10::IValue(int64_t{99}));
  archive.save_to(future);
  expect_checkpoint_error([&] { train::load_checkpoint(future); }, {future, "format version 99"});
}

TEST_F(CheckpointErrors, AnotherModelThanExpectedIsRefused) {
  expect_checkpoint_error([&] { train::load_checkpoint(path_, c10::Device(c10::kCPU), "tnpd"); },
                          {path_, "holds a cmanp model, expected tnpd"});
}

TEST_F(CheckpointErrors, WeightsThatDoNotFitTheConfigAreRefused) {
  // A config claiming 3 layers over the weights of 6.
  const auto mismatched = dir_.file("mismatched.pt");
  auto config = model_->config();
  config["layers"] = 3;
  auto small = models::make_model(config);
  torch::serialize::OutputArchive weights;
  model_->save(weights);
  torch::serialize::OutputArchive archive;
  archive.write("nplab_format", c10::IValue(std::string("nplab-checkpoint")));
  archive.write("format_version", c10::IValue(train::kCheckpointFormatVersion));
  archive.write("config", c10::IValue(config.dump()));
  archive.write("card", c10::IValue(std::string("{}")));
  archive.write("model", weights);
  archive.save_to(mismatched);
  // LibTorch's loader alone ignores extra weights: the 3-layer model would predict with 3 of
  // the 6 layers and say nothing.
  expect_checkpoint_error([&] { train::load_checkpoint(mismatched); },
                          {mismatched, "weights do not fit", "a part the config does not build"});
  // And the reverse: weights missing.
  auto config_big = model_->config();
  config_big["layers"] = 8;
  torch::serialize::OutputArchive archive_big;
  archive_big.write("nplab_format", c10::IValue(std::string("nplab-checkpoint")));
  archive_big.write("format_version", c10::IValue(train::kCheckpointFormatVersion));
  archive_big.write("config", c10::IValue(config_big.dump()));
  archive_big.write("card", c10::IValue(std::string("{}")));
  torch::serialize::OutputArchive weights_again;
  model_->save(weights_again);
  archive_big.write("model", weights_again);
  const auto too_big = dir_.file("too-big.pt");
  archive_big.save_to(too_big);
  expect_checkpoint_error([&] { train::load_checkpoint(too_big); },
                          {too_big, "weights do not fit"});
}

TEST_F(CheckpointErrors, AWronglyShapedTensorIsRefusedNamingIt) {
  // The same layout with a wider feedforward: every name matches, some shapes do not. LibTorch's
  // loader alone would take them as they are.
  auto config = model_->config();
  config["feedforward"] = config.value("feedforward", 256) * 2;
  auto wide = models::make_model(config);
  torch::serialize::OutputArchive weights;
  wide->save(weights);
  torch::serialize::OutputArchive archive;
  archive.write("nplab_format", c10::IValue(std::string("nplab-checkpoint")));
  archive.write("format_version", c10::IValue(train::kCheckpointFormatVersion));
  archive.write("config", c10::IValue(model_->config().dump()));
  archive.write("card", c10::IValue(std::string("{}")));
  archive.write("model", weights);
  const auto path = dir_.file("wide.pt");
  archive.save_to(path);
  expect_checkpoint_error([&] { train::load_checkpoint(path); },
                          {path, "weights do not fit", "has shape", "the config builds"});
}

TEST_F(CheckpointErrors, AFlippedByteInTheWeightsFailsTheDigest) {
  // A recognisable value in one weight tensor, so that the test can find its bytes in the file.
  constexpr float kMarker = 0.123456789f;
  {
    const torch::NoGradGuard no_grad;
    model_->parameters().front().fill_(kMarker);
  }
  train::save_checkpoint(*model_, {}, path_);
  EXPECT_EQ(train::load_checkpoint(path_).card.value("weights_sha256", ""),
            train::weights_digest(*model_));
  std::string bytes;
  {
    std::ifstream in(path_, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string marker(reinterpret_cast<const char*>(&kMarker), sizeof kMarker);
  const auto at = bytes.find(marker + marker);
  ASSERT_NE(at, std::string::npos);
  bytes[at + 1] ^=
      0x10;  // one bit of one weight: still a finite number, so only the digest sees it
  std::ofstream(path_, std::ios::binary | std::ios::trunc) << bytes;
  expect_checkpoint_error([&] { train::load_checkpoint(path_); },
                          {path_, "do not match their SHA-256 digest", "corrupt"});
}

TEST_F(CheckpointErrors, NonFiniteWeightsAreRefused) {
  {
    const torch::NoGradGuard no_grad;
    model_->parameters().back()[0] = std::numeric_limits<float>::quiet_NaN();
  }
  train::save_checkpoint(*model_, {}, path_);
  expect_checkpoint_error([&] { train::load_checkpoint(path_); }, {path_, "NaN or Inf"});
}

TEST_F(CheckpointErrors, CrashBetweenArchiveAndCardIsRepairedOnTheNextLoad) {
  const auto card_file = train::card_path_for(path_);
  // A save that dies after the archive is in place but before the card beside it is.
  util::set_before_rename_hook([&](const fs::path& target) {
    if (target.string() == card_file) throw std::runtime_error("killed between the two renames");
  });
  EXPECT_THROW(train::save_checkpoint(*model_, {{"steps", 361}}, path_), std::runtime_error);
  util::set_before_rename_hook({});
  std::ifstream stale(card_file);
  EXPECT_FALSE(nlohmann::json::parse(stale).contains("steps")) << "the card beside it is stale";

  const auto loaded = train::load_checkpoint(path_);
  EXPECT_EQ(loaded.card["steps"], 361) << "the archive's own card is what loads";
  std::ifstream repaired(card_file);
  EXPECT_EQ(nlohmann::json::parse(repaired), loaded.card) << "and the file beside it is rewritten";
  EXPECT_EQ(std::distance(fs::directory_iterator(fs::path(path_).parent_path()),
                          fs::directory_iterator()),
            2)
      << "no temporary file is left";
}

// Shipped checkpoints load parameters by name, and a resumed training run restores the
// optimiser's state by parameter order: the models that share the latent decoder keep both.
TEST(CheckpointLayout, LatentModelsKeepTheirParameterNamesInTheirOrder) {
  const auto module_sequence = [](const std::string& name) {
    auto config = models::default_config(name);
    config["layers"] = 2;
    std::vector<std::string> modules;
    for (const auto& parameter : models::make_model(config)->named_parameters()) {
      const auto module = parameter.key().substr(0, parameter.key().find('.'));
      if (modules.empty() || modules.back() != module) modules.push_back(module);
    }
    return modules;
  };
  EXPECT_EQ(
      module_sequence("cmanp"),
      (std::vector<std::string>{"latents", "embedder", "query_embedder", "encoder0",
                                "decoder_attention0", "decoder_feedforward0", "encoder1",
                                "decoder_attention1", "decoder_feedforward1", "norm", "head"}));
  EXPECT_EQ(
      module_sequence("lbanp"),
      (std::vector<std::string>{
          "latents", "embedder", "query_embedder", "encoder_cross_attention0",
          "encoder_cross_feedforward0", "encoder_self_attention0", "encoder_self_feedforward0",
          "decoder_attention0", "decoder_feedforward0", "encoder_cross_attention1",
          "encoder_cross_feedforward1", "encoder_self_attention1", "encoder_self_feedforward1",
          "decoder_attention1", "decoder_feedforward1", "norm", "head"}));
}

}  // namespace
}  // namespace nplab

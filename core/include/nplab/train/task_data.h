#pragma once
// The task data sets that training and evaluation name on the command line, and the streams of
// batches drawn from them.
//
//   gp-rbf, gp-matern, gp-periodic, gp-tnoise   1D GP tasks (DESIGN.md §5)
//   image-fmnist                                Fashion-MNIST train split, classes 0–4 (training)
//   image-fmnist-wide                           the same, a quarter of the batches whole-image
//                                               tasks (context up to every pixel; training)
//   image-fmnist-seen, image-fmnist-unseen      test split, classes 0–4 / 5–9 (evaluation)
//
// Training batches are a pure function of (seed, step): batch k of a run is the same whether the
// run got there in one go or was stopped and resumed, which makes `--resume` exact. Evaluation
// draws one fixed sequence of batches per seed.

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nplab/data/gp.h"
#include "nplab/data/idx.h"
#include "nplab/data/image_tasks.h"
#include "nplab/train/trainer.h"

namespace nplab::train {

enum class TaskFamily { GP, Image };

/// A parsed data set name.
struct DataSpec {
  std::string name;
  TaskFamily family = TaskFamily::GP;
  data::GPSamplerOptions gp{};                        ///< GP tasks
  data::Split split = data::Split::Train;             ///< image tasks
  data::ClassSubset classes = data::ClassSubset::Seen;  ///< image tasks
  data::ImageTaskOptions images{};                    ///< image training tasks

  int64_t dim_x() const { return family == TaskFamily::Image ? 2 : gp.dim_x; }
  int64_t dim_y() const { return 1; }
  /// The model config keys this data fixes: dim_x and dim_y, and for images bound_std = true.
  nlohmann::json model_overrides() const;
};

/// Data set names that `train` and `eval` accept.
std::vector<std::string> training_data_names();
std::vector<std::string> evaluation_data_names();

/// Parses a name of training_data_names() (or evaluation_data_names() for `evaluation`); an
/// unknown name throws InvalidArgument naming `option` and the known names.
DataSpec parse_data_spec(std::string_view name, bool evaluation, std::string_view option = "--data");

/// A seed for step `step` of a run seeded with `seed` (SplitMix64 mixing: nearby seeds and steps
/// give unrelated streams).
uint64_t step_seed(uint64_t seed, int64_t step);

/// Fashion-MNIST images [N, 28, 28] (uint8) of the spec's split and classes, read from `directory`.
at::Tensor load_fashion_mnist_images(const DataSpec& spec,
                                     const std::filesystem::path& directory = data::kFashionMnistDir);

/// Training batches of GP tasks: batch `step` is drawn by a sampler seeded step_seed(seed, step).
BatchSource gp_training_batches(const data::GPSamplerOptions& options, uint64_t seed,
                                int64_t batch_size, const at::TensorOptions& output = at::kFloat);

/// Training batches of image tasks from `images` [N, H, W(, C)], walked in shuffled epochs (each
/// image once per epoch, the last partial batch dropped); epoch e's order and step k's pixels are
/// drawn from seeds derived from (seed, e) and (seed, k).
BatchSource image_training_batches(at::Tensor images, uint64_t seed, int64_t batch_size,
                                   const at::TensorOptions& output = at::kFloat,
                                   const data::ImageTaskOptions& options = {});

/// Training batches for a spec (reads Fashion-MNIST from `directory` for image data).
BatchSource training_batches(const DataSpec& spec, uint64_t seed, int64_t batch_size,
                             const at::TensorOptions& output = at::kFloat,
                             const std::filesystem::path& directory = data::kFashionMnistDir);

/// A batch of evaluation tasks; GP tasks carry the prior they were drawn from (for the oracle).
struct EvalTasks {
  models::Batch batch;
  std::optional<data::GPPrior> prior;
};

/// A fixed sequence of evaluation batches: the same seed gives the same batches in the same order.
class EvalTaskStream {
 public:
  virtual ~EvalTaskStream() = default;
  virtual EvalTasks next() = 0;
};

std::unique_ptr<EvalTaskStream> eval_task_stream(
    const DataSpec& spec, uint64_t seed, int64_t batch_size,
    const at::TensorOptions& output = at::kFloat,
    const std::filesystem::path& directory = data::kFashionMnistDir);

/// The same for image tasks from images already in memory.
std::unique_ptr<EvalTaskStream> image_eval_task_stream(at::Tensor images, uint64_t seed,
                                                       int64_t batch_size,
                                                       const at::TensorOptions& output = at::kFloat);

}  // namespace nplab::train

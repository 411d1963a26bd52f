#include "nplab/train/task_data.h"

#include <ATen/CPUGeneratorImpl.h>

#include <mutex>

#include "nplab/util/checks.h"

namespace nplab::train {
namespace {

constexpr std::string_view kGPPrefix = "gp-";
constexpr std::string_view kTrainImages = "image-fmnist";
constexpr std::string_view kWholeImageTrainImages = "image-fmnist-wide";
// image-fmnist-wide: a quarter of the batches are whole-image tasks.
constexpr double kWideWholeImageFraction = 0.25;
constexpr std::string_view kSeenImages = "image-fmnist-seen";
constexpr std::string_view kUnseenImages = "image-fmnist-unseen";

// Epoch orders and per-step pixels of image training come from separate seed streams.
constexpr uint64_t kEpochStream = 0x9e3779b97f4a7c15ULL;

uint64_t splitmix64(uint64_t value) {
  value += 0x9e3779b97f4a7c15ULL;
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

void check_batch_size(int64_t batch_size) {
  if (batch_size < 1) {
    throw util::InvalidArgument("batch size: must be positive, got " + std::to_string(batch_size));
  }
}

class GPEvalStream : public EvalTaskStream {
 public:
  GPEvalStream(const data::GPSamplerOptions& options, uint64_t seed, int64_t batch_size,
               const at::TensorOptions& output)
      : sampler_(options, seed), batch_size_(batch_size), output_(output) {}

  EvalTasks next() override {
    auto tasks = sampler_.sample(batch_size_, output_);
    return {std::move(tasks.batch), std::move(tasks.prior)};
  }

 private:
  data::GPSampler sampler_;
  int64_t batch_size_;
  at::TensorOptions output_;
};

class ImageEvalStream : public EvalTaskStream {
 public:
  ImageEvalStream(at::Tensor images, uint64_t seed, int64_t batch_size,
                  const at::TensorOptions& output)
      : sampler_(std::move(images), data::ImageTaskOptions{}, seed),
        batch_size_(batch_size),
        output_(output) {}

  EvalTasks next() override { return {sampler_.sample(batch_size_, output_), std::nullopt}; }

 private:
  data::ImageTaskSampler sampler_;
  int64_t batch_size_;
  at::TensorOptions output_;
};

}  // namespace

nlohmann::json DataSpec::model_overrides() const {
  nlohmann::json overrides{{"dim_x", dim_x()}, {"dim_y", dim_y()}};
  if (family == TaskFamily::Image) overrides["bound_std"] = true;
  return overrides;
}

std::vector<std::string> training_data_names() {
  std::vector<std::string> names;
  for (const auto& gp : data::gp_task_names()) names.push_back(std::string(kGPPrefix) + gp);
  names.emplace_back(kTrainImages);
  names.emplace_back(kWholeImageTrainImages);
  return names;
}

std::vector<std::string> evaluation_data_names() {
  std::vector<std::string> names;
  for (const auto& gp : data::gp_task_names()) names.push_back(std::string(kGPPrefix) + gp);
  names.emplace_back(kSeenImages);
  names.emplace_back(kUnseenImages);
  return names;
}

DataSpec parse_data_spec(std::string_view name, bool evaluation, std::string_view option) {
  const auto known = evaluation ? evaluation_data_names() : training_data_names();
  if (std::find(known.begin(), known.end(), name) == known.end()) {
    throw util::InvalidArgument(std::string(option) + " " + std::string(name) +
                                ": unknown data (known: " + joined(known) + ")");
  }
  DataSpec spec;
  spec.name = std::string(name);
  if (name.starts_with(kGPPrefix)) {
    spec.family = TaskFamily::GP;
    spec.gp = data::gp_options_for(name.substr(kGPPrefix.size()));
    return spec;
  }
  spec.family = TaskFamily::Image;
  if (name == kTrainImages || name == kWholeImageTrainImages) {
    spec.split = data::Split::Train;
    spec.classes = data::ClassSubset::Seen;
    if (name == kWholeImageTrainImages) spec.images.whole_image_fraction = kWideWholeImageFraction;
  } else {
    spec.split = data::Split::Test;
    spec.classes = name == kSeenImages ? data::ClassSubset::Seen : data::ClassSubset::Unseen;
  }
  return spec;
}

uint64_t step_seed(uint64_t seed, int64_t step) {
  return splitmix64(splitmix64(seed) ^ static_cast<uint64_t>(step));
}

at::Tensor load_fashion_mnist_images(const DataSpec& spec, const std::filesystem::path& directory) {
  if (spec.family != TaskFamily::Image) {
    throw util::InvalidArgument("data " + spec.name + ": not an image data set");
  }
  return data::select_classes(data::read_fashion_mnist(spec.split, directory), spec.classes).images;
}

BatchSource gp_training_batches(const data::GPSamplerOptions& options, uint64_t seed,
                                int64_t batch_size, const at::TensorOptions& output) {
  check_batch_size(batch_size);
  options.validate();
  return [options, seed, batch_size, output](int64_t step) {
    data::GPSampler sampler(options, step_seed(seed, step));
    return sampler.sample(batch_size, output).batch;
  };
}

BatchSource image_training_batches(at::Tensor images, uint64_t seed, int64_t batch_size,
                                   const at::TensorOptions& output,
                                   const data::ImageTaskOptions& options) {
  check_batch_size(batch_size);
  options.counts.validate();
  if (images.dim() < 3 || images.size(0) < batch_size) {
    throw util::InvalidArgument("images: expected [N, H, W] or [N, H, W, C] with N >= batch size " +
                                std::to_string(batch_size) + ", got " + util::shape_string(images));
  }
  // The order of the current epoch is cached; it is recomputed from (seed, epoch) when a step of
  // another epoch is asked for, so batches stay a function of the step alone.
  struct EpochOrder {
    std::mutex mutex;
    int64_t epoch = -1;
    at::Tensor order;
  };
  auto cache = std::make_shared<EpochOrder>();
  const int64_t batches_per_epoch = images.size(0) / batch_size;
  return [images = images.cpu(), cache, seed, batch_size, batches_per_epoch, output,
          options](int64_t step) {
    const int64_t epoch = step / batches_per_epoch;
    at::Tensor order;
    {
      const std::lock_guard lock(cache->mutex);
      if (cache->epoch != epoch) {
        auto shuffle = at::make_generator<at::CPUGeneratorImpl>(step_seed(seed ^ kEpochStream, epoch));
        cache->order = at::randperm(images.size(0), shuffle, at::kLong);
        cache->epoch = epoch;
      }
      order = cache->order;
    }
    const auto indices = order.narrow(0, (step % batches_per_epoch) * batch_size, batch_size);
    auto generator = at::make_generator<at::CPUGeneratorImpl>(step_seed(seed, step));
    const auto batch_images = images.index_select(0, indices);
    // Drawn only when whole-image tasks are on, so the protocol's stream stays as it was.
    if (options.whole_image_fraction > 0.0 &&
        at::rand({1}, generator, at::kDouble).item<double>() < options.whole_image_fraction) {
      return data::images_to_whole_image_tasks(batch_images, options.counts, generator, output);
    }
    const auto counts = data::sample_task_counts(options.counts, generator);
    return data::images_to_tasks(batch_images, counts, generator, output);
  };
}

BatchSource training_batches(const DataSpec& spec, uint64_t seed, int64_t batch_size,
                             const at::TensorOptions& output,
                             const std::filesystem::path& directory) {
  if (spec.family == TaskFamily::GP) return gp_training_batches(spec.gp, seed, batch_size, output);
  return image_training_batches(load_fashion_mnist_images(spec, directory), seed, batch_size,
                                output, spec.images);
}

std::unique_ptr<EvalTaskStream> eval_task_stream(const DataSpec& spec, uint64_t seed,
                                                 int64_t batch_size,
                                                 const at::TensorOptions& output,
                                                 const std::filesystem::path& directory) {
  check_batch_size(batch_size);
  if (spec.family == TaskFamily::GP) {
    return std::make_unique<GPEvalStream>(spec.gp, seed, batch_size, output);
  }
  return image_eval_task_stream(load_fashion_mnist_images(spec, directory), seed, batch_size,
                                output);
}

std::unique_ptr<EvalTaskStream> image_eval_task_stream(at::Tensor images, uint64_t seed,
                                                       int64_t batch_size,
                                                       const at::TensorOptions& output) {
  check_batch_size(batch_size);
  return std::make_unique<ImageEvalStream>(std::move(images), seed, batch_size, output);
}

}  // namespace nplab::train

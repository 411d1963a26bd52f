#include "nplab/data/image_tasks.h"

#include <ATen/CPUGeneratorImpl.h>

#include <string>
#include <utility>

#include "nplab/util/checks.h"

namespace nplab::data {
namespace {

/// Images [N, H, W] or [N, H, W, C] (uint8, or floating in [0, 1]) as [N, H, W, C].
at::Tensor channels_last(const at::Tensor& images, const char* name) {
  if (!images.defined() || (images.dim() != 3 && images.dim() != 4) || images.numel() == 0) {
    throw util::InvalidArgument(std::string(name) +
                                ": expected non-empty [N, H, W] or [N, H, W, C], got " +
                                util::shape_string(images));
  }
  if (images.scalar_type() != at::kByte) {
    util::check_floating(images, name);
    util::check_finite(images, name);
    if (images.min().item<double>() < 0.0 || images.max().item<double>() > 1.0) {
      throw util::InvalidArgument(std::string(name) + ": floating images must lie in [0, 1]");
    }
  }
  return images.dim() == 3 ? images.unsqueeze(-1) : images;
}

/// Intensities in [0, 1] as float64.
at::Tensor unit_intensities(const at::Tensor& images) {
  const auto values = images.to(at::kDouble);
  return images.scalar_type() == at::kByte ? values / 255.0 : values;
}

void check_counts(TaskCounts counts, int64_t pixels) {
  if (counts.context < 0 || counts.target < 1 || counts.total() > pixels) {
    throw util::InvalidArgument(
        "image tasks: need >= 0 context and >= 1 target points, at most " + std::to_string(pixels) +
        " in total (the pixels of one image), got " + std::to_string(counts.context) + " + " +
        std::to_string(counts.target));
  }
}

}  // namespace

LabelledImages select_classes(const LabelledImages& set, const std::vector<int64_t>& classes) {
  util::check_rank(set.labels, "labels", 1);
  if (!set.images.defined() || set.images.dim() < 1 || set.images.size(0) != set.labels.size(0)) {
    throw util::InvalidArgument("select_classes: images " + util::shape_string(set.images) +
                                " and labels " + util::shape_string(set.labels) + " disagree on N");
  }
  const auto wanted = at::tensor(classes, at::kLong).to(set.labels.device());
  const auto keep = at::isin(set.labels.to(at::kLong), wanted).nonzero().squeeze(-1);
  return {set.images.index_select(0, keep), set.labels.index_select(0, keep)};
}

bool is_seen_class(int64_t label) {
  return label >= 0 && label <= 4;
}

LabelledImages select_classes(const LabelledImages& set, ClassSubset subset) {
  if (subset == ClassSubset::All) return set;
  std::vector<int64_t> classes;
  for (int64_t label = 0; label < 10; ++label) {
    if (is_seen_class(label) == (subset == ClassSubset::Seen)) classes.push_back(label);
  }
  return select_classes(set, classes);
}

at::Tensor pixel_coordinates(int64_t height, int64_t width) {
  if (height < 1 || width < 1) {
    throw util::InvalidArgument("pixel_coordinates: image size " + std::to_string(height) + "x" +
                                std::to_string(width) + " is empty");
  }
  // linspace(−1, 1, H)[r] = 2r/(H−1) − 1, the reference's mapping (−1 when H is 1).
  const auto grids = at::meshgrid(
      {at::linspace(-1.0, 1.0, height, at::kFloat), at::linspace(-1.0, 1.0, width, at::kFloat)},
      "ij");
  return at::stack({grids[0], grids[1]}, -1).reshape({height * width, 2});
}

ImagePoints image_to_points(const at::Tensor& image, const at::TensorOptions& output) {
  if (!image.defined() || (image.dim() != 2 && image.dim() != 3)) {
    throw util::InvalidArgument("image: expected [H, W] or [H, W, C], got " +
                                util::shape_string(image));
  }
  const auto pixels = channels_last(image.unsqueeze(0), "image");  // [1, H, W, C]
  const int64_t height = pixels.size(1);
  const int64_t width = pixels.size(2);
  const auto values = unit_intensities(pixels).reshape({1, height * width, pixels.size(3)}) - 0.5;
  return {pixel_coordinates(height, width).unsqueeze(0).to(output), values.to(output), height,
          width};
}

QueryGrid query_grid(int64_t height, int64_t width, int64_t upsample,
                     const at::TensorOptions& output) {
  if (upsample < 1) {
    throw util::InvalidArgument("query_grid: upsample must be >= 1, got " +
                                std::to_string(upsample));
  }
  const int64_t grid_height = height * upsample;
  const int64_t grid_width = width * upsample;
  return {pixel_coordinates(grid_height, grid_width).unsqueeze(0).to(output), grid_height,
          grid_width};
}

at::Tensor points_to_image(const at::Tensor& values, int64_t height, int64_t width) {
  if (!values.defined() || values.dim() < 2 || values.dim() > 3 ||
      (values.dim() == 3 && values.size(0) != 1) || values.size(-2) != height * width) {
    throw util::InvalidArgument("points_to_image: values must be [1, " +
                                std::to_string(height * width) + ", C] for a " +
                                std::to_string(height) + "x" + std::to_string(width) +
                                " image, got " + util::shape_string(values));
  }
  util::check_floating(values, "values");
  return (values.to(at::kCPU, at::kFloat) + 0.5).clamp(0.0, 1.0).reshape({height, width, -1});
}

models::Batch images_to_tasks(const at::Tensor& images, TaskCounts counts, at::Generator& generator,
                              const at::TensorOptions& output) {
  const auto batch = channels_last(images, "images");
  const int64_t tasks = batch.size(0);
  const int64_t pixels = batch.size(1) * batch.size(2);
  const int64_t channels = batch.size(3);
  check_counts(counts, pixels);
  const auto values = unit_intensities(batch.cpu()).reshape({tasks, pixels, channels}) - 0.5;
  // Distinct pixels per image: the first `total` of a random permutation (as the reference's
  // argsort of uniform noise).
  const auto chosen = at::rand({tasks, pixels}, generator, at::kDouble)
                          .argsort(/*dim=*/int64_t{-1})
                          .narrow(1, 0, counts.total());
  const auto x = pixel_coordinates(batch.size(1), batch.size(2))
                     .index_select(0, chosen.flatten())
                     .view({tasks, counts.total(), 2});
  const auto y = values.gather(1, chosen.unsqueeze(-1).expand({tasks, counts.total(), channels}));
  const auto take = [&](const at::Tensor& points, int64_t start, int64_t length) {
    return points.narrow(1, start, length).to(output).contiguous();
  };
  return {take(x, 0, counts.context), take(y, 0, counts.context),
          take(x, counts.context, counts.target), take(y, counts.context, counts.target)};
}

models::Batch images_to_whole_image_tasks(const at::Tensor& images, const TaskCountOptions& counts,
                                          at::Generator& generator,
                                          const at::TensorOptions& output) {
  counts.validate();
  const auto batch = channels_last(images, "images");
  const int64_t tasks = batch.size(0);
  const int64_t pixels = batch.size(1) * batch.size(2);
  const int64_t channels = batch.size(3);
  const int64_t context = uniform_int(std::min(counts.min_context, pixels), pixels, generator);
  const int64_t target = uniform_int(std::min(counts.min_target, pixels),
                                     std::min(counts.max_points, pixels), generator);
  const auto values = unit_intensities(batch.cpu()).reshape({tasks, pixels, channels}) - 0.5;
  const auto coordinates = pixel_coordinates(batch.size(1), batch.size(2));
  // Context and targets are two independent draws of distinct pixels.
  const auto pick = [&](int64_t count) {
    const auto chosen =
        at::rand({tasks, pixels}, generator, at::kDouble).argsort(int64_t{-1}).narrow(1, 0, count);
    const auto x = coordinates.index_select(0, chosen.flatten()).view({tasks, count, 2});
    const auto y = values.gather(1, chosen.unsqueeze(-1).expand({tasks, count, channels}));
    return std::pair{x.to(output).contiguous(), y.to(output).contiguous()};
  };
  auto [xc, yc] = pick(context);
  auto [xt, yt] = pick(target);
  return {std::move(xc), std::move(yc), std::move(xt), std::move(yt)};
}

ImageTaskSampler::ImageTaskSampler(at::Tensor images, ImageTaskOptions options, uint64_t seed)
    : images_(channels_last(images, "images").cpu()),
      options_(std::move(options)),
      generator_(at::make_generator<at::CPUGeneratorImpl>(seed)) {
  options_.counts.validate();
  const int64_t pixels = images_.size(1) * images_.size(2);
  if (options_.counts.max_points > pixels) {
    throw util::InvalidArgument("ImageTaskSampler: max_points " +
                                std::to_string(options_.counts.max_points) + " exceeds the " +
                                std::to_string(pixels) + " pixels of an image");
  }
  order_ = at::randperm(images_.size(0), generator_, at::kLong);
}

at::Tensor ImageTaskSampler::next_images(int64_t batch_size) {
  if (batch_size < 1 || batch_size > size()) {
    throw util::InvalidArgument("ImageTaskSampler: batch_size must be in [1, " +
                                std::to_string(size()) + "], got " + std::to_string(batch_size));
  }
  if (cursor_ + batch_size > size()) {  // a new epoch
    order_ = at::randperm(size(), generator_, at::kLong);
    cursor_ = 0;
  }
  const auto indices = order_.narrow(0, cursor_, batch_size);
  cursor_ += batch_size;
  return images_.index_select(0, indices);
}

models::Batch ImageTaskSampler::sample(int64_t batch_size, const at::TensorOptions& output) {
  const auto counts = sample_task_counts(options_.counts, generator_);
  return sample(batch_size, counts, output);
}

models::Batch ImageTaskSampler::sample(int64_t batch_size, TaskCounts counts,
                                       const at::TensorOptions& output) {
  const auto images = next_images(batch_size);
  return images_to_tasks(images, counts, generator_, output);
}

}  // namespace nplab::data

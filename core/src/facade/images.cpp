#include <ATen/ATen.h>

#include <algorithm>
#include <array>
#include <string>

#include "guarded.h"
#include "nplab/data/idx.h"
#include "nplab/data/image_tasks.h"
#include "nplab/facade/explorer_images.h"
#include "nplab/util/checks.h"

namespace nplab::facade {
namespace {

using detail::guarded;

/// Row-major doubles of a CPU tensor.
std::vector<double> to_doubles(const at::Tensor& values) {
  const auto flat = values.to(at::kCPU, at::kDouble).contiguous();
  return {flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel()};
}

}  // namespace

Outcome<PixelImage> PixelImage::from_bytes(const std::vector<std::uint8_t>& bytes, int height,
                                           int width) {
  return guarded<PixelImage>("reading the image", [&] {
    if (height < 1 || width < 1) {
      throw util::InvalidArgument("image size " + std::to_string(height) + "x" +
                                  std::to_string(width) + " is empty");
    }
    const auto pixels = static_cast<std::size_t>(height) * static_cast<std::size_t>(width);
    if (bytes.size() != pixels) {
      throw util::InvalidArgument("bytes: " + std::to_string(bytes.size()) + " values for a " +
                                  std::to_string(height) + "x" + std::to_string(width) +
                                  " image (" + std::to_string(pixels) + " expected)");
    }
    const auto image =
        at::from_blob(const_cast<std::uint8_t*>(bytes.data()), {height, width}, at::kByte).clone();
    const auto points = data::image_to_points(image, at::kDouble);
    const auto xs = to_doubles(points.x);
    const auto ys = to_doubles(points.y);
    PixelImage result;
    result.height_ = height;
    result.width_ = width;
    result.points_.reserve(pixels);
    result.intensities_.reserve(pixels);
    for (std::size_t i = 0; i < pixels; ++i) {
      result.points_.push_back({{xs[2 * i], xs[2 * i + 1]}, {ys[i]}});
      result.intensities_.push_back(bytes[i] / 255.0);
    }
    return result;
  });
}

std::vector<ContextPoint> PixelImage::points(const std::vector<int>& pixels) const {
  std::vector<ContextPoint> chosen;
  chosen.reserve(pixels.size());
  for (const int pixel : pixels) chosen.push_back(points_[static_cast<std::size_t>(pixel)]);
  return chosen;
}

Outcome<FashionMnistTestSet> FashionMnistTestSet::load(const std::string& directory) {
  return guarded<FashionMnistTestSet>("reading Fashion-MNIST", [&] {
    const auto set = data::read_fashion_mnist(data::Split::Test, directory);
    const auto images = set.images.contiguous();
    const auto labels = set.labels.contiguous();
    FashionMnistTestSet result;
    result.count_ = images.size(0);
    result.height_ = static_cast<int>(images.size(1));
    result.width_ = static_cast<int>(images.size(2));
    result.pixels_.assign(images.data_ptr<std::uint8_t>(),
                          images.data_ptr<std::uint8_t>() + images.numel());
    result.labels_.assign(labels.data_ptr<std::uint8_t>(),
                          labels.data_ptr<std::uint8_t>() + labels.numel());
    return result;
  });
}

Outcome<PixelImage> FashionMnistTestSet::image(std::int64_t index) const {
  if (index < 0 || index >= count_) {
    return Outcome<PixelImage>::failure("Fashion-MNIST test image " + std::to_string(index) +
                                        ": out of range [0, " + std::to_string(count_) + ")");
  }
  const auto pixels = static_cast<std::size_t>(height_) * static_cast<std::size_t>(width_);
  const auto first = pixels_.begin() + static_cast<std::ptrdiff_t>(pixels * index);
  return PixelImage::from_bytes({first, first + static_cast<std::ptrdiff_t>(pixels)}, height_,
                                width_);
}

int FashionMnistTestSet::label(std::int64_t index) const {
  if (index < 0 || index >= count_) return -1;
  return labels_[static_cast<std::size_t>(index)];
}

bool fashion_mnist_class_is_seen(int label) {
  return data::is_seen_class(label);
}

const char* fashion_mnist_class_name(int label) {
  static constexpr std::array<const char*, 10> kNames{
      "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
      "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return label >= 0 && label < static_cast<int>(kNames.size()) ? kNames[label] : "";
}

Outcome<std::vector<double>> image_query_grid(int height, int width, int upsample) {
  return guarded<std::vector<double>>("making the query grid", [&] {
    return to_doubles(data::query_grid(height, width, upsample, at::kDouble).x);
  });
}

double output_to_intensity(double output) {
  return std::clamp(output + 0.5, 0.0, 1.0);
}

}  // namespace nplab::facade

#pragma once
// Reader for gzip-compressed IDX files (the MNIST / Fashion-MNIST format): a big-endian header,
// magic 0x00000803 for a uint8 [N, rows, cols] image file and 0x00000801 for uint8 [N] labels,
// then the raw bytes. Debian's `dataset-fashion-mnist` installs the four files under
// /usr/share/datasets/fashion-mnist. Uncompressed files are read as well (zlib passes them
// through).
//
// A missing, truncated or malformed file throws DataError naming the file and the reason.

#include <ATen/ATen.h>

#include <filesystem>

#include "nplab/data/data_error.h"

namespace nplab::data {

inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

/// uint8 [N, rows, cols] from an IDX3 file.
at::Tensor read_idx_images(const std::filesystem::path& path);
/// uint8 [N] from an IDX1 file.
at::Tensor read_idx_labels(const std::filesystem::path& path);

/// Images [N, H, W] (uint8) and their class labels [N] (uint8).
struct LabelledImages {
  at::Tensor images;
  at::Tensor labels;
};

enum class Split { Train, Test };

/// Fashion-MNIST's ten classes, labels 0–9.
inline constexpr int kFashionMnistClasses = 10;

/// The Fashion-MNIST split in `directory` (train: 60000 images, test: 10000), checking that the
/// image and label files agree on N and that every label is a class.
LabelledImages read_fashion_mnist(Split split,
                                  const std::filesystem::path& directory = kFashionMnistDir);

}  // namespace nplab::data

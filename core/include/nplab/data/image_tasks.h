#pragma once
// Image completion tasks (DESIGN.md §5, the reference's `img_to_task`): a pixel at row r, column c
// of an H x W image becomes the input x = (2r/(H−1) − 1, 2c/(W−1) − 1) in [−1, 1]² (dim_x 2) and
// its intensities the output y = value − 0.5 in [−0.5, 0.5] (dim_y = channels), with
// value = byte / 255 for uint8 images and the value itself for floating images in [0, 1].
// A task draws N_ctx + N_tar distinct pixels of one image (N_ctx ~ U{3, 197},
// N_tar ~ U{3, 200 − N_ctx} for training; the counts are shared across the batch).
//
// Images are [N, H, W] (one channel) or [N, H, W, C].

#include <ATen/ATen.h>
#include <ATen/core/Generator.h>

#include <cstdint>
#include <vector>

#include "nplab/data/idx.h"
#include "nplab/data/task_counts.h"
#include "nplab/models/neural_process.h"

namespace nplab::data {

struct ImageTaskOptions {
  TaskCountOptions counts{200, 3, 3};
  /// The fraction of batches drawn as whole-image tasks (see images_to_whole_image_tasks): a
  /// user of the Images view reveals up to every pixel, far beyond counts.max_points. 0 keeps
  /// the protocol's tasks (and its random stream) exactly.
  double whole_image_fraction = 0.0;
};

/// Fashion-MNIST protocol: train on classes 0–4 ("seen"), evaluate also on 5–9 ("unseen").
enum class ClassSubset { All, Seen, Unseen };
/// Whether a Fashion-MNIST label (0–9) is one of the seen classes.
bool is_seen_class(int64_t label);

/// The images (and labels) whose label is in `classes`, in their original order.
LabelledImages select_classes(const LabelledImages& set, const std::vector<int64_t>& classes);
LabelledImages select_classes(const LabelledImages& set, ClassSubset subset);

/// Coordinates of every pixel of an H x W image, row-major, float32 [H·W, 2] in [−1, 1]².
at::Tensor pixel_coordinates(int64_t height, int64_t width);

/// All pixels of one image as points.
struct ImagePoints {
  at::Tensor x;  ///< [1, H·W, 2]
  at::Tensor y;  ///< [1, H·W, C] in [−0.5, 0.5]
  int64_t height = 0;
  int64_t width = 0;
};

/// One image [H, W] or [H, W, C] as points, in `output`'s dtype and device (float32 on the CPU by
/// default).
ImagePoints image_to_points(const at::Tensor& image, const at::TensorOptions& output = at::kFloat);

/// A dense query grid for rendering a prediction at `upsample` times the image resolution:
/// (upsample·H) x (upsample·W) points evenly spaced over [−1, 1]², row-major. With upsample 1
/// the points are exactly the pixel coordinates.
struct QueryGrid {
  at::Tensor x;  ///< [1, height·width, 2]
  int64_t height = 0;
  int64_t width = 0;
};
QueryGrid query_grid(int64_t height, int64_t width, int64_t upsample = 1,
                     const at::TensorOptions& output = at::kFloat);

/// Predicted values [1, height·width, C] (in [−0.5, 0.5] units) back to an image
/// [height, width, C] of intensities in [0, 1] (shifted by 0.5 and clamped), float32 on the CPU.
at::Tensor points_to_image(const at::Tensor& values, int64_t height, int64_t width);

/// Tasks from a batch of images [B, H, W(, C)]: each task draws counts.total() distinct pixels of
/// its image uniformly (a CPU `generator`); the first counts.context are the context.
models::Batch images_to_tasks(const at::Tensor& images, TaskCounts counts, at::Generator& generator,
                              const at::TensorOptions& output = at::kFloat);

/// Whole-image tasks: N_ctx ~ U{counts.min_context, H·W} distinct context pixels, and
/// N_tar ~ U{counts.min_target, counts.max_points} distinct target pixels drawn from the whole
/// image, so targets may coincide with context pixels (often, when most of the image is
/// revealed). They teach a model what the Images view asks of it: given (almost) every pixel,
/// reproduce the image, with a small std on what it has seen. The counts are drawn here, from
/// `generator`, and shared across the batch.
models::Batch images_to_whole_image_tasks(const at::Tensor& images, const TaskCountOptions& counts,
                                          at::Generator& generator,
                                          const at::TensorOptions& output = at::kFloat);

/// Draws batches of image tasks from a data set, walking it in shuffled epochs (each image once
/// per epoch; a final partial batch is skipped, as a DataLoader with drop_last would).
class ImageTaskSampler {
 public:
  ImageTaskSampler(at::Tensor images, ImageTaskOptions options, uint64_t seed);

  models::Batch sample(int64_t batch_size, const at::TensorOptions& output = at::kFloat);
  models::Batch sample(int64_t batch_size, TaskCounts counts,
                       const at::TensorOptions& output = at::kFloat);

  int64_t size() const { return images_.size(0); }
  const ImageTaskOptions& options() const { return options_; }

 private:
  at::Tensor next_images(int64_t batch_size);

  at::Tensor images_;
  ImageTaskOptions options_;
  at::Generator generator_;
  at::Tensor order_;
  int64_t cursor_ = 0;
};

}  // namespace nplab::data

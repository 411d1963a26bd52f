#pragma once
// The Images view's part of the facade (DESIGN.md §1): Fashion-MNIST test images, a person's
// own grey image, and the pixel <-> point mapping of image completion tasks, in plain types.
// The mapping is nplab/data/image_tasks.h's (x = pixel coordinates in [−1, 1]², y = intensity
// − 0.5), computed by those functions once per image, so the views index plain vectors
// afterwards. Failures are values (Outcome), never exceptions.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nplab/facade/explorer.h"

namespace nplab::facade {

/// Fashion-MNIST's side; the Images view scales a person's own image to it as well.
inline constexpr int kImageSide = 28;
/// Where Debian's dataset-fashion-mnist package installs the data.
inline constexpr const char* kFashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

/// A grey image and the context point of each of its pixels.
class PixelImage {
 public:
  /// Row-major bytes (0 = black, 255 = white) of a height x width image.
  static Outcome<PixelImage> from_bytes(const std::vector<std::uint8_t>& bytes, int height,
                                        int width);

  int height() const { return height_; }
  int width() const { return width_; }
  std::size_t pixel_count() const { return intensities_.size(); }
  /// Row-major intensities in [0, 1].
  const std::vector<double>& intensities() const { return intensities_; }
  /// Pixel `index` (row-major) as a context point. Precondition: index < pixel_count().
  const ContextPoint& point(std::size_t index) const { return points_[index]; }
  /// The points of `pixels`, in that order. Precondition: every index < pixel_count().
  std::vector<ContextPoint> points(const std::vector<int>& pixels) const;

  friend bool operator==(const PixelImage& a, const PixelImage& b) {
    return a.height_ == b.height_ && a.width_ == b.width_ && a.intensities_ == b.intensities_;
  }

 private:
  int height_ = 0;
  int width_ = 0;
  std::vector<double> intensities_;
  std::vector<ContextPoint> points_;
};

/// The Fashion-MNIST test split (10,000 images of 28 x 28), read once and kept as bytes.
class FashionMnistTestSet {
 public:
  /// Reads the test images and labels in `directory`; a missing or corrupt file is an error
  /// naming the file.
  static Outcome<FashionMnistTestSet> load(const std::string& directory = kFashionMnistDirectory);

  std::int64_t size() const { return count_; }
  /// Image `index` (0-based); an index outside [0, size()) is an error.
  Outcome<PixelImage> image(std::int64_t index) const;
  /// The class label (0–9) of image `index`, or -1 outside [0, size()).
  int label(std::int64_t index) const;

 private:
  std::int64_t count_ = 0;
  int height_ = 0;
  int width_ = 0;
  std::vector<std::uint8_t> pixels_;
  std::vector<std::uint8_t> labels_;
};

/// Whether the shipped image models trained on label's class: the protocol trains on classes
/// 0–4 ("seen") and also evaluates on 5–9 ("unseen"). False outside 0–9.
bool fashion_mnist_class_is_seen(int label);

/// "T-shirt/top", "Trouser", ... for labels 0–9; "" otherwise.
const char* fashion_mnist_class_name(int label);

/// The targets for rendering a prediction at `upsample` times an image's resolution (1, 2 or 4
/// in the app; any >= 1 here): (upsample·H) x (upsample·W) points evenly spaced over [−1, 1]²,
/// row-major [M, 2]. At 1x they are exactly the pixels' coordinates.
Outcome<std::vector<double>> image_query_grid(int height, int width, int upsample);

/// A predicted output (in the tasks' y units) as an intensity in [0, 1]: shifted by 0.5 and
/// clamped, as data::points_to_image does.
double output_to_intensity(double output);

/// How honestly a prediction's bands cover an image's hidden pixels: of the pixels not revealed,
/// the share whose true value lies within mean ± 1σ and mean ± 2σ (a calibrated model: 68.3% and
/// 95.4%), as `eval --json` counts coverage_1sd and coverage_2sd over target pixels.
struct BandCoverage {
  std::size_t hidden_pixels = 0;
  double within_1sd = 0.0;
  double within_2sd = 0.0;
};

/// BandCoverage of `prediction`, made on the 1x query grid (one value per pixel, row-major), for
/// `image` with `revealed[i]` set for each revealed pixel. A failure when the prediction is on
/// another grid, the mask has the wrong size, or no pixel is hidden.
Outcome<BandCoverage> hidden_pixel_coverage(const PixelImage& image,
                                            const std::vector<bool>& revealed,
                                            const GridPrediction& prediction);

}  // namespace nplab::facade

// Image completion tasks: the pixel-to-point mapping of DESIGN.md §5, the task counts, class
// filtering and the helpers the GUI renders with.

#include <ATen/CPUGeneratorImpl.h>

#include <set>

#include "nplab/data/image_tasks.h"
#include "test_support.h"

namespace nplab::data {
namespace {

using testing::max_abs_diff;

/// [N, H, W] float images whose pixel value encodes its own position: (r·W + c) / (H·W − 1).
at::Tensor position_coded_images(int64_t count, int64_t height, int64_t width) {
  const auto ramp = at::arange(height * width, at::kDouble) / double(height * width - 1);
  return ramp.view({1, height, width}).expand({count, height, width}).contiguous();
}

TEST(ImageTasks, PixelCoordinatesMapRowsAndColumnsOntoMinusOneToOne) {
  const int64_t height = 3, width = 5;
  const auto coordinates = pixel_coordinates(height, width);
  ASSERT_EQ(coordinates.sizes(), (at::IntArrayRef{15, 2}));
  for (int64_t r = 0; r < height; ++r) {
    for (int64_t c = 0; c < width; ++c) {
      EXPECT_NEAR(coordinates[r * width + c][0].item<float>(), 2.0 * r / (height - 1) - 1, 1e-6);
      EXPECT_NEAR(coordinates[r * width + c][1].item<float>(), 2.0 * c / (width - 1) - 1, 1e-6);
    }
  }
}

TEST(ImageTasks, ImageToPointsShiftsIntensitiesToPlusMinusHalf) {
  const auto image = at::tensor({0, 51, 255, 102, 204, 153}, at::kByte).view({2, 3});
  const auto points = image_to_points(image);
  ASSERT_EQ(points.x.sizes(), (at::IntArrayRef{1, 6, 2}));
  ASSERT_EQ(points.y.sizes(), (at::IntArrayRef{1, 6, 1}));
  const auto expected = image.to(at::kFloat).view({1, 6, 1}) / 255.0 - 0.5;
  EXPECT_LT(max_abs_diff(points.y, expected), 1e-6);
  EXPECT_LT(max_abs_diff(points.x[0], pixel_coordinates(2, 3)), 1e-7);
  EXPECT_EQ(points.y.min().item<float>(), -0.5f);
  EXPECT_EQ(points.y.max().item<float>(), 0.5f);

  const auto color = image_to_points(at::rand({4, 4, 3}, at::kDouble), at::kDouble);
  EXPECT_EQ(color.y.sizes(), (at::IntArrayRef{1, 16, 3}));
}

TEST(ImageTasks, QueryGridAtOneTimesIsThePixelGridAndUpsamplesByTheFactor) {
  const auto same = query_grid(28, 28, 1);
  EXPECT_TRUE(at::equal(same.x[0], pixel_coordinates(28, 28)));
  for (const int64_t factor : {2, 4}) {
    const auto grid = query_grid(28, 28, factor);
    EXPECT_EQ(grid.height, 28 * factor);
    EXPECT_EQ(grid.width, 28 * factor);
    ASSERT_EQ(grid.x.sizes(), (at::IntArrayRef{1, 28 * 28 * factor * factor, 2}));
    EXPECT_EQ(grid.x.min().item<float>(), -1.0f);
    EXPECT_EQ(grid.x.max().item<float>(), 1.0f);
  }
  testing::expect_invalid_argument([] { query_grid(28, 28, 0); }, {"upsample", "0"});
}

TEST(ImageTasks, PointsToImageInvertsImageToPoints) {
  const auto image = at::rand({5, 7, 3}, at::kFloat);
  const auto points = image_to_points(image);
  EXPECT_LT(max_abs_diff(points_to_image(points.y, 5, 7), image), 1e-6);
  testing::expect_invalid_argument([&] { points_to_image(points.y, 6, 7); }, {"[1, 42, C]"});
}

TEST(ImageTasks, TaskValuesSitAtTheirPixelsAndPixelsAreDistinct) {
  const int64_t height = 6, width = 7;
  auto generator = at::make_generator<at::CPUGeneratorImpl>(2);
  const auto batch =
      images_to_tasks(position_coded_images(3, height, width), TaskCounts{15, 20}, generator,
                      at::kDouble);
  ASSERT_EQ(batch.xc.sizes(), (at::IntArrayRef{3, 15, 2}));
  ASSERT_EQ(batch.yt.sizes(), (at::IntArrayRef{3, 20, 1}));
  const auto x = at::cat({batch.xc, batch.xt}, 1);
  const auto y = at::cat({batch.yc, batch.yt}, 1);
  // Invert the coordinate map, then the position code.
  const auto rows = ((x.select(-1, 0) + 1) * (height - 1) / 2).round();
  const auto cols = ((x.select(-1, 1) + 1) * (width - 1) / 2).round();
  const auto expected = (rows * width + cols) / double(height * width - 1) - 0.5;
  EXPECT_LT(max_abs_diff(y.squeeze(-1), expected), 1e-9);
  for (int64_t task = 0; task < 3; ++task) {
    const auto index = (rows[task] * width + cols[task]).to(at::kLong);
    EXPECT_EQ(std::get<0>(at::_unique(index)).numel(), 35) << "a pixel drawn twice";
  }
}

TEST(ImageTasks, SamplerCountsFollowTheProtocol) {
  ImageTaskSampler sampler(at::randint(0, 256, {10, 28, 28}, at::kByte), {}, 0);
  std::set<int64_t> context_counts;
  for (int step = 0; step < 100; ++step) {
    const auto batch = sampler.sample(4);
    const int64_t context = batch.xc.size(1);
    const int64_t target = batch.xt.size(1);
    ASSERT_GE(context, 3);
    ASSERT_LE(context, 197);
    ASSERT_GE(target, 3);
    ASSERT_LE(target, 200 - context);
    ASSERT_EQ(batch.yc.sizes(), (at::IntArrayRef{4, context, 1}));
    ASSERT_EQ(batch.xt.sizes(), (at::IntArrayRef{4, target, 2}));
    context_counts.insert(context);
  }
  EXPECT_GT(context_counts.size(), 50u) << "N_ctx should spread over U{3, 197}";
}

TEST(ImageTasks, SamplerIsReproducibleFromItsSeed) {
  const auto images = at::randint(0, 256, {10, 8, 8}, at::kByte);
  ImageTaskOptions options;
  options.counts = {40, 3, 3};
  ImageTaskSampler first(images, options, 7), second(images, options, 7);
  for (int step = 0; step < 4; ++step) {  // crosses an epoch boundary (10 images, 3 per batch)
    const auto a = first.sample(3);
    const auto b = second.sample(3);
    EXPECT_TRUE(at::equal(a.xc, b.xc));
    EXPECT_TRUE(at::equal(a.yt, b.yt));
  }
}

TEST(ImageTasks, WholeImageTasksRevealUpToEveryPixelWithTargetsFromTheWholeImage) {
  const auto images = at::randint(0, 256, {3, 8, 8}, at::kByte);
  const TaskCountOptions counts{40, 3, 3};
  auto generator = at::make_generator<at::CPUGeneratorImpl>(11);
  int64_t largest_context = 0;
  bool targets_met_context = false;
  for (int draw = 0; draw < 60; ++draw) {
    const auto batch = images_to_whole_image_tasks(images, counts, generator);
    const int64_t context = batch.xc.size(1), target = batch.xt.size(1);
    ASSERT_GE(context, 3);
    ASSERT_LE(context, 64);
    ASSERT_GE(target, 3);
    ASSERT_LE(target, 40);
    largest_context = std::max(largest_context, context);
    for (int64_t task = 0; task < 3; ++task) {
      // Every point is its image's pixel: y = byte/255 − 0.5 at x = (2r/7 − 1, 2c/7 − 1).
      for (const auto& [x, y] : {std::pair{batch.xc[task], batch.yc[task]},
                                 std::pair{batch.xt[task], batch.yt[task]}}) {
        const auto rows = ((x.select(-1, 0) + 1.0) * 3.5).round().to(at::kLong);
        const auto cols = ((x.select(-1, 1) + 1.0) * 3.5).round().to(at::kLong);
        const auto expected = images[task].index({rows, cols}).to(at::kFloat) / 255.0 - 0.5;
        ASSERT_TRUE(at::allclose(y.squeeze(-1), expected, 0.0, 1e-6));
      }
      // Context pixels are distinct.
      const auto keys = ((batch.xc[task].select(-1, 0) + 1.0) * 3.5 * 8 +
                         (batch.xc[task].select(-1, 1) + 1.0) * 3.5).round().to(at::kLong);
      ASSERT_EQ(std::get<0>(at::_unique(keys)).numel(), context);
      const auto target_keys = ((batch.xt[task].select(-1, 0) + 1.0) * 3.5 * 8 +
                                (batch.xt[task].select(-1, 1) + 1.0) * 3.5).round().to(at::kLong);
      if (at::isin(target_keys, keys).any().item<bool>()) targets_met_context = true;
    }
  }
  EXPECT_GT(largest_context, 40) << "context should reach beyond the protocol's cap";
  EXPECT_TRUE(targets_met_context) << "targets are drawn from the whole image, context included";
}

TEST(ImageTasks, SamplerRejectsMorePointsThanPixels) {
  testing::expect_invalid_argument(
      [] { ImageTaskSampler(at::zeros({2, 10, 10}, at::kByte), {}, 0); },
      {"max_points 200", "100 pixels"});
}

TEST(ImageTasks, ClassSubsetsKeepSeenOrUnseenLabels) {
  LabelledImages set{at::arange(20, at::kFloat).view({20, 1, 1}),
                     at::arange(20, at::kLong).remainder(10).to(at::kByte)};
  const auto seen = select_classes(set, ClassSubset::Seen);
  const auto unseen = select_classes(set, ClassSubset::Unseen);
  EXPECT_EQ(seen.labels.size(0), 10);
  EXPECT_EQ(unseen.labels.size(0), 10);
  EXPECT_LE(seen.labels.max().item<uint8_t>(), 4);
  EXPECT_GE(unseen.labels.min().item<uint8_t>(), 5);
  // The images travel with their labels.
  EXPECT_TRUE(at::equal(seen.images.view({-1}).remainder(10).to(at::kByte), seen.labels));
  EXPECT_EQ(select_classes(set, ClassSubset::All).labels.size(0), 20);
}

}  // namespace
}  // namespace nplab::data

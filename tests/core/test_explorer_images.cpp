// The Images view's facade (nplab/explorer_images.h): test images by index from tiny IDX
// fixtures (and the installed set where there is one), a person's own bytes, the pixel <-> point
// mapping and query grid of data/image_tasks.h, and the images part of a session.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "nplab/data/idx.h"
#include "nplab/data/image_tasks.h"
#include "nplab/facade/explorer_images.h"
#include "nplab/facade/session.h"
#include "temp_dir.h"

namespace nplab {
namespace {

using ::testing::HasSubstr;
using Bytes = std::vector<std::uint8_t>;

void append_big_endian(std::string& bytes, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) bytes.push_back(static_cast<char>(value >> shift));
}

/// Uncompressed IDX files (the reader passes them through zlib unchanged) of `count` 3x4 images
/// whose pixel i of image n is (7n + i) mod 256, labelled n mod 10.
void write_fixture(const testing::TempDir& dir, std::uint32_t count) {
  std::string images, labels;
  append_big_endian(images, 0x00000803);
  for (const std::uint32_t size : {count, 3u, 4u}) append_big_endian(images, size);
  for (std::uint32_t n = 0; n < count; ++n) {
    for (std::uint32_t i = 0; i < 12; ++i) images.push_back(static_cast<char>((7 * n + i) % 256));
  }
  append_big_endian(labels, 0x00000801);
  append_big_endian(labels, count);
  for (std::uint32_t n = 0; n < count; ++n) labels.push_back(static_cast<char>(n % 10));
  dir.write("t10k-images-idx3-ubyte.gz", images);
  dir.write("t10k-labels-idx1-ubyte.gz", labels);
}

std::vector<double> to_doubles(const at::Tensor& values) {
  const auto flat = values.to(at::kDouble).contiguous();
  return {flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel()};
}

TEST(ExplorerImages, TestSetImageByIndexHasTheFilesBytesAndLabel) {
  const testing::TempDir dir;
  write_fixture(dir, 5);
  const auto set = facade::FashionMnistTestSet::load(dir.path().string());
  ASSERT_TRUE(set.ok()) << set.error();
  EXPECT_EQ(set.value().size(), 5);
  const auto image = set.value().image(3);
  ASSERT_TRUE(image.ok()) << image.error();
  EXPECT_EQ(image.value().height(), 3);
  EXPECT_EQ(image.value().width(), 4);
  ASSERT_EQ(image.value().pixel_count(), 12u);
  for (std::size_t i = 0; i < 12; ++i) {
    EXPECT_DOUBLE_EQ(image.value().intensities()[i], (21 + i) / 255.0) << "pixel " << i;
  }
  EXPECT_EQ(set.value().label(3), 3);
  EXPECT_EQ(set.value().label(5), -1);
}

TEST(ExplorerImages, IndexOutsideTheTestSetIsAnErrorNotAThrow) {
  const testing::TempDir dir;
  write_fixture(dir, 2);
  const auto set = facade::FashionMnistTestSet::load(dir.path().string());
  ASSERT_TRUE(set.ok()) << set.error();
  for (const std::int64_t index : {std::int64_t{-1}, std::int64_t{2}}) {
    const auto image = set.value().image(index);
    ASSERT_FALSE(image.ok());
    EXPECT_THAT(image.error(), HasSubstr(std::to_string(index) + ": out of range [0, 2)"));
  }
}

TEST(ExplorerImages, MissingOrCorruptDataIsAnErrorNamingTheFile) {
  const testing::TempDir dir;
  const auto missing = facade::FashionMnistTestSet::load((dir.path() / "nowhere").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error(), HasSubstr("t10k-images-idx3-ubyte.gz"));

  dir.write("t10k-images-idx3-ubyte.gz", "garbage");
  dir.write("t10k-labels-idx1-ubyte.gz", "garbage");
  const auto corrupt = facade::FashionMnistTestSet::load(dir.path().string());
  ASSERT_FALSE(corrupt.ok());
  EXPECT_THAT(corrupt.error(), HasSubstr("t10k-images-idx3-ubyte.gz"));
}

TEST(ExplorerImages, PixelPointsAreImageTasksCoordinatesAndShiftedIntensities) {
  Bytes bytes(facade::kImageSide * facade::kImageSide);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 37);
  const auto image = facade::PixelImage::from_bytes(bytes, facade::kImageSide, facade::kImageSide);
  ASSERT_TRUE(image.ok()) << image.error();
  const auto coordinates =
      to_doubles(data::pixel_coordinates(facade::kImageSide, facade::kImageSide));
  for (const int pixel : {0, 1, 27, 28, 400, 783}) {
    const auto& point = image.value().point(pixel);
    ASSERT_EQ(point.x.size(), 2u);
    ASSERT_EQ(point.y.size(), 1u);
    EXPECT_EQ(point.x[0], coordinates[2 * pixel]);
    EXPECT_EQ(point.x[1], coordinates[2 * pixel + 1]);
    // Row, then column, in [−1, 1].
    EXPECT_NEAR(point.x[0], 2.0 * (pixel / facade::kImageSide) / (facade::kImageSide - 1) - 1.0,
                1e-6);
    EXPECT_NEAR(point.x[1], 2.0 * (pixel % facade::kImageSide) / (facade::kImageSide - 1) - 1.0,
                1e-6);
    EXPECT_NEAR(point.y[0], bytes[pixel] / 255.0 - 0.5, 1e-12);
  }
  const auto chosen = image.value().points({400, 0});
  ASSERT_EQ(chosen.size(), 2u);
  EXPECT_EQ(chosen[0], image.value().point(400));
  EXPECT_EQ(chosen[1], image.value().point(0));
}

TEST(ExplorerImages, BytesOfTheWrongCountAreAnErrorSayingSo) {
  const auto image = facade::PixelImage::from_bytes(Bytes(10), 3, 4);
  ASSERT_FALSE(image.ok());
  EXPECT_THAT(image.error(), HasSubstr("10 values for a 3x4 image (12 expected)"));
  EXPECT_FALSE(facade::PixelImage::from_bytes({}, 0, 4).ok());
}

TEST(ExplorerImages, QueryGridIsImageTasksGridAndAtOneTimesThePixels) {
  for (const int upsample : {1, 2, 4}) {
    const auto grid = facade::image_query_grid(facade::kImageSide, facade::kImageSide, upsample);
    ASSERT_TRUE(grid.ok()) << grid.error();
    const auto side = facade::kImageSide * upsample;
    ASSERT_EQ(grid.value().size(), static_cast<std::size_t>(side * side * 2));
    EXPECT_EQ(grid.value(),
              to_doubles(data::query_grid(facade::kImageSide, facade::kImageSide, upsample).x));
  }
  const auto image = facade::PixelImage::from_bytes(
      Bytes(facade::kImageSide * facade::kImageSide, 9), facade::kImageSide, facade::kImageSide);
  ASSERT_TRUE(image.ok());
  const auto pixels = facade::image_query_grid(facade::kImageSide, facade::kImageSide, 1).value();
  for (const std::size_t pixel : {std::size_t{0}, std::size_t{29}, std::size_t{783}}) {
    EXPECT_EQ(image.value().point(pixel).x.to_vector(),
              (std::vector{pixels[2 * pixel], pixels[2 * pixel + 1]}));
  }
  const auto bad = facade::image_query_grid(facade::kImageSide, facade::kImageSide, 0);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error(), HasSubstr("upsample"));
}

TEST(ExplorerImages, OutputToIntensityMatchesPointsToImage) {
  const std::vector<double> outputs{-0.9, -0.5, -0.125, 0.0, 0.3, 0.5, 0.75};
  const auto image = data::points_to_image(
      at::tensor(outputs, at::kDouble).view({1, static_cast<int64_t>(outputs.size()), 1}), 1,
      static_cast<int64_t>(outputs.size()));
  const auto expected = to_doubles(image);
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    EXPECT_NEAR(facade::output_to_intensity(outputs[i]), expected[i], 1e-7) << outputs[i];
  }
}

TEST(ExplorerImages, ReadsTheInstalledFashionMnistTestSet) {
  if (!std::filesystem::exists(std::filesystem::path(facade::kFashionMnistDirectory) /
                               "t10k-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  }
  const auto set = facade::FashionMnistTestSet::load();
  ASSERT_TRUE(set.ok()) << set.error();
  EXPECT_EQ(set.value().size(), 10000);
  const auto reference = data::read_fashion_mnist(data::Split::Test);
  const auto image = set.value().image(1234);
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(image.value().height(), facade::kImageSide);
  const auto expected = to_doubles(reference.images[1234].flatten().to(at::kDouble) / 255.0);
  EXPECT_EQ(image.value().intensities(), expected);
  EXPECT_EQ(set.value().label(1234), reference.labels[1234].item<int>());
  EXPECT_STREQ(facade::fashion_mnist_class_name(9), "Ankle boot");
}

TEST(FashionMnist, TheSeenClassesAreZeroToFourAsTheSeenSplitHolds) {
  for (int label = 0; label < 10; ++label) {
    EXPECT_EQ(facade::fashion_mnist_class_is_seen(label), label <= 4) << "label " << label;
  }
  if (!std::filesystem::exists(std::filesystem::path(facade::kFashionMnistDirectory) /
                               "t10k-labels-idx1-ubyte.gz")) {
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  }
  const auto split = data::read_fashion_mnist(data::Split::Test);
  const auto seen = data::select_classes(split, data::ClassSubset::Seen);
  const auto unseen = data::select_classes(split, data::ClassSubset::Unseen);
  EXPECT_EQ(seen.labels.size(0) + unseen.labels.size(0), split.labels.size(0));
  for (const auto& [subset, expected] : {std::pair{&seen, true}, std::pair{&unseen, false}}) {
    const auto labels = subset->labels.to(at::kLong);
    for (int64_t label = 0; label < 10; ++label) {
      const bool present = labels.eq(label).any().item<bool>();
      EXPECT_EQ(present, facade::fashion_mnist_class_is_seen(static_cast<int>(label)) == expected)
          << "label " << label;
    }
  }
  EXPECT_FALSE(facade::fashion_mnist_class_is_seen(-1));
  EXPECT_FALSE(facade::fashion_mnist_class_is_seen(10));
}

// --- The images part of a session --------------------------------------------------------------

const std::string kHead = R"({"format": "nplab-session", "version": 1, "view": "images",
    "model": {"source": "registry", "name": "cmanp"}, "points": [], )";

TEST(ImagesSession, SaveThenLoadGivesTheSameImagesStateExactly) {
  facade::Session session;
  session.view = "images";
  facade::ImagesSession images;
  images.source = facade::ImagesSession::Source::File;
  images.path = "/home/someone/shoe.png";
  images.model = {facade::SessionModel::Source::Checkpoint, "", "/models/fmnist-tnpd.pt", 2, 1};
  images.revealed = {783, 0, 412, 27};
  images.resolution = 4;
  session.images = images;
  const auto loaded = facade::session_from_json(facade::session_to_json(session));
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(loaded.value(), session);

  session.images->source = facade::ImagesSession::Source::FashionMnist;
  session.images->path.clear();
  session.images->index = 9999;
  const auto again = facade::session_from_json(facade::session_to_json(session));
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(again.value(), session);
}

TEST(ImagesSession, AbsentImagesPartStaysAbsentAndImageModelDimsDefaultToTwoAndOne) {
  const auto plain = facade::session_from_json(kHead + "\"extra\": 1}");
  ASSERT_TRUE(plain.ok()) << plain.error();
  EXPECT_FALSE(plain.value().images.has_value());

  const auto with =
      facade::session_from_json(kHead + R"("images": {"image": {"source": "fashion-mnist",
      "index": 3}, "model": {"source": "registry", "name": "tnpd"}, "revealed": [5]}})");
  ASSERT_TRUE(with.ok()) << with.error();
  ASSERT_TRUE(with.value().images.has_value());
  EXPECT_EQ(with.value().images->model.dim_x, 2);
  EXPECT_EQ(with.value().images->resolution, 1);
  EXPECT_EQ(with.value().images->revealed, std::vector<int>{5});
}

TEST(ImagesSession, MalformedImagesPartsAreErrorsSayingWhere) {
  const std::string image = R"("image": {"source": "fashion-mnist", "index": 3}, )";
  const std::string model = R"("model": {"source": "registry", "name": "cmanp"}, )";
  const std::vector<std::pair<std::string, std::string>> cases{
      {R"("images": [])", "images: expected an object"},
      {R"("images": {"image": {"source": "camera"}, )" + model + R"("revealed": []})",
       "images.image.source"},
      {R"("images": {"image": {"source": "fashion-mnist", "index": -2}, )" + model +
           R"("revealed": []})",
       "images.image.index"},
      {R"("images": {)" + image + model + R"("revealed": [1, 784]})",
       "images.revealed[1]: 784 is not a pixel"},
      {R"("images": {)" + image + model + R"("revealed": [4, 4]})", "listed twice"},
      {R"("images": {)" + image + model + R"("revealed": [], "resolution": 3})",
       "images.resolution: 3"},
      {R"("images": {)" + image +
           R"("model": {"source": "registry", "name": "cmanp", "dim_x": 1}, "revealed": []})",
       "images.model: expected dim_x 2"},
      {R"("images": {)" + image + R"("model": {"source": "web"}, "revealed": []})",
       "images.model.source"},
  };
  for (const auto& [images, expected] : cases) {
    const auto loaded = facade::session_from_json(kHead + images + "}", "bad.json");
    ASSERT_FALSE(loaded.ok()) << images;
    EXPECT_THAT(loaded.error(), HasSubstr(expected)) << images;
    EXPECT_THAT(loaded.error(), HasSubstr("bad.json"));
  }
}

}  // namespace
}  // namespace nplab

// The gzip IDX reader: tiny fixtures written at test time (valid, wrong magic, truncated, corrupt)
// and, where Debian's dataset-fashion-mnist is installed, the real test set.

#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "nplab/data/idx.h"
#include "temp_dir.h"
#include "test_support.h"

namespace nplab::data {
namespace {

using Bytes = std::vector<uint8_t>;
using testing::TempDir;

void append_big_endian(Bytes& bytes, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    bytes.push_back(static_cast<uint8_t>(value >> shift));
  }
}

/// An IDX file's bytes: magic, dimensions, then `payload` bytes 0, 1, 2, ... (mod 251).
Bytes idx_bytes(uint32_t magic, const std::vector<uint32_t>& dims, size_t payload) {
  Bytes bytes;
  append_big_endian(bytes, magic);
  for (const auto d : dims) append_big_endian(bytes, d);
  for (size_t i = 0; i < payload; ++i) bytes.push_back(static_cast<uint8_t>(i % 251));
  return bytes;
}

std::filesystem::path write_gzip(const TempDir& dir, const std::string& name, const Bytes& bytes) {
  const auto path = dir.path() / name;
  gzFile file = gzopen(path.c_str(), "wb");
  EXPECT_NE(file, nullptr);
  EXPECT_EQ(gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())),
            static_cast<int>(bytes.size()));
  gzclose(file);
  return path;
}

/// Expects `read` to throw DataError naming `path` and containing `reason`.
template <typename Read>
void expect_data_error(Read read, const std::filesystem::path& path, const std::string& reason) {
  testing::expect_invalid_argument([&] { read(path); }, {path.string(), reason});
  EXPECT_THROW(read(path), DataError);
}

constexpr uint32_t kImages = 0x00000803;
constexpr uint32_t kLabels = 0x00000801;

TEST(IdxReader, ReadsImagesAndLabels) {
  TempDir dir;
  const auto images = read_idx_images(write_gzip(dir, "i.gz", idx_bytes(kImages, {3, 4, 5}, 60)));
  ASSERT_EQ(images.sizes(), (at::IntArrayRef{3, 4, 5}));
  EXPECT_EQ(images.scalar_type(), at::kByte);
  EXPECT_EQ(images[0][0][1].item<uint8_t>(), 1);
  EXPECT_EQ(images[2][3][4].item<uint8_t>(), 59);
  const auto labels = read_idx_labels(write_gzip(dir, "l.gz", idx_bytes(kLabels, {7}, 7)));
  ASSERT_EQ(labels.sizes(), (at::IntArrayRef{7}));
  EXPECT_EQ(labels[6].item<uint8_t>(), 6);
}

TEST(IdxReader, WrongMagicNamesTheFile) {
  TempDir dir;
  const auto labels_as_images = write_gzip(dir, "swapped.gz", idx_bytes(kLabels, {7}, 7));
  expect_data_error(read_idx_images, labels_as_images, "bad magic number 0x00000801");
  const auto images_as_labels = write_gzip(dir, "swapped2.gz", idx_bytes(kImages, {1, 2, 2}, 4));
  expect_data_error(read_idx_labels, images_as_labels, "bad magic number 0x00000803");
}

TEST(IdxReader, MissingPixelsAreReportedAsTruncation) {
  TempDir dir;
  const auto short_file = write_gzip(dir, "short.gz", idx_bytes(kImages, {3, 4, 5}, 40));
  expect_data_error(read_idx_images, short_file, "truncated: expected 60 bytes of data, got 40");
  const auto short_header = write_gzip(dir, "header.gz", Bytes{0, 0, 8, 3, 0, 0});
  expect_data_error(read_idx_images, short_header, "truncated");
}

TEST(IdxReader, ExtraBytesAreRejected) {
  TempDir dir;
  const auto long_file = write_gzip(dir, "long.gz", idx_bytes(kLabels, {7}, 9));
  expect_data_error(read_idx_labels, long_file, "unexpected data after the last item");
}

TEST(IdxReader, CutOffGzipStreamIsReported) {
  TempDir dir;
  const auto whole = write_gzip(dir, "whole.gz", idx_bytes(kImages, {40, 28, 28}, 40 * 28 * 28));
  std::ifstream in(whole, std::ios::binary);
  const std::string compressed((std::istreambuf_iterator<char>(in)), {});
  const auto cut = dir.write("cut.gz", compressed.substr(0, compressed.size() / 2));
  expect_data_error(read_idx_images, cut, "truncated");
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(IdxReader, CorruptDeflateDataIsReported) {
  TempDir dir;
  const auto whole = write_gzip(dir, "whole.gz", idx_bytes(kImages, {40, 28, 28}, 40 * 28 * 28));
  auto bytes = read_bytes(whole);
  for (size_t i = bytes.size() / 2; i < bytes.size() / 2 + 16; ++i) bytes[i] ^= '\xFF';
  expect_data_error(read_idx_images, dir.write("corrupt.gz", bytes), "corrupt or truncated gzip");
}

TEST(IdxReader, ABadChecksumIsReportedEvenWhenEveryByteArrives) {
  TempDir dir;
  const auto whole = write_gzip(dir, "whole.gz", idx_bytes(kLabels, {7}, 7));
  auto bytes = read_bytes(whole);
  bytes[bytes.size() - 8] ^= '\x01';  // the trailer: CRC-32, then the length
  expect_data_error(read_idx_labels, dir.write("crc.gz", bytes), "incorrect data check");
}

TEST(IdxReader, ImplausibleDimensionsAreRefusedBeforeAnythingIsAllocated) {
  TempDir dir;
  // 60000 images of 60000 x 60000 would be 2e14 bytes: the header alone says it is corrupt.
  const auto huge = write_gzip(dir, "huge.gz", idx_bytes(kImages, {60000, 60000, 60000}, 16));
  expect_data_error(read_idx_images, huge, "implausible dimensions");
}

TEST(IdxReader, DimensionsWhoseProductOverflowsSixtyFourBitsAreImplausibleNotWrapped) {
  TempDir dir;
  // The product wraps past 2^64 to a small number; each partial product must be checked.
  const auto wrapping =
      write_gzip(dir, "wrapping.gz", idx_bytes(kImages, {1207959552, 33554432, 50331648}, 16));
  expect_data_error(read_idx_images, wrapping, "implausible dimensions: 1207959552 x 33554432");
}

TEST(IdxReader, EmptyImagesAreRefused) {
  TempDir dir;
  const auto empty = write_gzip(dir, "empty.gz", idx_bytes(kImages, {5, 0, 28}, 0));
  expect_data_error(read_idx_images, empty, "image size 0x28 is empty");
}

TEST(IdxReader, MissingFileIsReported) {
  TempDir dir;
  expect_data_error(read_idx_labels, dir.path() / "absent.gz", "no such file");
}

TEST(IdxReader, FashionMnistChecksThatImagesAndLabelsAgree) {
  TempDir dir;
  write_gzip(dir, "t10k-images-idx3-ubyte.gz", idx_bytes(kImages, {2, 3, 3}, 18));
  write_gzip(dir, "t10k-labels-idx1-ubyte.gz", idx_bytes(kLabels, {3}, 3));
  testing::expect_invalid_argument([&] { read_fashion_mnist(Split::Test, dir.path()); },
                                   {"t10k-labels-idx1-ubyte.gz", "3 labels for 2 images"});
}

TEST(IdxReader, ADirectoryIsCalledADirectoryNotAMissingFile) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "labels.gz");
  expect_data_error(read_idx_labels, dir.path() / "labels.gz", "is a directory");
}

TEST(IdxReader, FashionMnistRefusesALabelThatIsNotAClassNamingTheFile) {
  TempDir dir;
  write_gzip(dir, "t10k-images-idx3-ubyte.gz", idx_bytes(kImages, {3, 2, 2}, 12));
  auto labels = idx_bytes(kLabels, {3}, 0);
  labels.insert(labels.end(), {uint8_t{4}, uint8_t{255}, uint8_t{9}});
  write_gzip(dir, "t10k-labels-idx1-ubyte.gz", labels);
  testing::expect_invalid_argument(
      [&] { read_fashion_mnist(Split::Test, dir.path()); },
      {"t10k-labels-idx1-ubyte.gz", "label 255 of item 1 is not a class (0..9)", "1 labels"});
  labels.back() = 200;
  labels[labels.size() - 3] = 200;
  labels[labels.size() - 2] = 200;
  write_gzip(dir, "t10k-labels-idx1-ubyte.gz", labels);
  testing::expect_invalid_argument(
      [&] { read_fashion_mnist(Split::Test, dir.path()); },
      {"t10k-labels-idx1-ubyte.gz", "label 200 of item 0", "3 labels"});
}

TEST(IdxReader, ReadsTheInstalledFashionMnistTestSet) {
  if (!std::filesystem::exists(std::filesystem::path(kFashionMnistDir) /
                               "t10k-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  }
  const auto set = read_fashion_mnist(Split::Test);
  EXPECT_EQ(set.images.sizes(), (at::IntArrayRef{10000, 28, 28}));
  EXPECT_EQ(set.labels.sizes(), (at::IntArrayRef{10000}));
  EXPECT_EQ(set.labels.max().item<uint8_t>(), 9);
  EXPECT_EQ(at::bincount(set.labels.to(at::kLong)).min().item<int64_t>(), 1000)
      << "the test set has 1000 images per class";
}

}  // namespace
}  // namespace nplab::data

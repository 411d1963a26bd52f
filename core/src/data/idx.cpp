#include "nplab/data/idx.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "nplab/util/input_file.h"

namespace nplab::data {
namespace {

constexpr uint32_t kImagesMagic = 0x00000803;  // unsigned byte, 3 dimensions
constexpr uint32_t kLabelsMagic = 0x00000801;  // unsigned byte, 1 dimension
// A header promising more than this is corrupt, not a data set we could hold.
constexpr uint64_t kMaxPayloadBytes = uint64_t{1} << 32;

struct GzCloser {
  void operator()(gzFile file) const { gzclose(file); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& reason) {
  throw DataError(path.string() + ": " + reason);
}

/// An open gzip (or plain) file that reads exact byte counts and reports zlib errors by name.
class IdxStream {
 public:
  explicit IdxStream(std::filesystem::path path) : path_(std::move(path)) {
    if (const auto why = util::why_not_a_regular_file(path_)) fail(path_, *why);
    file_.reset(gzopen(path_.c_str(), "rb"));
    if (!file_) fail(path_, "cannot open for reading");
  }

  /// Reads up to `size` bytes into `data`; returns how many were read (fewer at end of data).
  uint64_t read(uint8_t* data, uint64_t size) {
    uint64_t done = 0;
    while (done < size) {
      // gzread takes an unsigned count; read in bounded pieces.
      const auto piece = static_cast<unsigned>(std::min<uint64_t>(size - done, 1u << 24));
      const int got = gzread(file_.get(), data + done, piece);
      if (got < 0) fail_with_zlib_error();
      if (got == 0) break;
      done += static_cast<uint64_t>(got);
    }
    // A cut-off gzip stream ends the data early with an error recorded, not a negative count.
    int code = Z_OK;
    gzerror(file_.get(), &code);
    if (code != Z_OK) fail_with_zlib_error();
    return done;
  }

  /// Reads exactly `size` bytes or throws naming what was being read.
  void read_exact(uint8_t* data, uint64_t size, const std::string& what) {
    const auto got = read(data, size);
    if (got != size) {
      fail(path_, "truncated: expected " + std::to_string(size) + " bytes of " + what + ", got " +
                      std::to_string(got));
    }
  }

  uint32_t read_big_endian_u32(const std::string& what) {
    std::array<uint8_t, 4> bytes{};
    read_exact(bytes.data(), bytes.size(), what);
    return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) |
           uint32_t{bytes[3]};
  }

  void expect_end() {
    uint8_t extra = 0;
    if (read(&extra, 1) == 0) return;
    // More bytes than the header promised. A corrupt stream inflates to garbage of any length and
    // only zlib's checksum at its end says so: read on (bounded) so that read() reports that
    // instead of blaming the header.
    std::vector<uint8_t> rest(uint64_t{1} << 16);
    for (uint64_t drained = 0; drained < (uint64_t{1} << 26);) {
      const auto got = read(rest.data(), rest.size());
      if (got == 0) break;
      drained += got;
    }
    fail(path_, "unexpected data after the last item");
  }

  const std::filesystem::path& path() const { return path_; }

 private:
  [[noreturn]] void fail_with_zlib_error() {
    int code = Z_OK;
    const char* message = gzerror(file_.get(), &code);
    fail(path_, std::string("corrupt or truncated gzip data (") + (message ? message : "?") + ")");
  }

  std::filesystem::path path_;
  GzFile file_;
};

void expect_magic(IdxStream& stream, uint32_t expected, const char* kind) {
  const auto magic = stream.read_big_endian_u32("header");
  if (magic != expected) {
    char text[64];
    std::snprintf(text, sizeof text, "bad magic number 0x%08X, expected 0x%08X (%s)", magic,
                  expected, kind);
    fail(stream.path(), text);
  }
}

at::Tensor read_payload(IdxStream& stream, std::vector<int64_t> shape) {
  // Checked factor by factor: three 32-bit extents can overflow 64 bits and wrap to a small
  // product (a fuzzer found 1207959552 x 33554432 x 50331648).
  uint64_t bytes = 1;
  for (const auto extent : shape) {
    const auto factor = static_cast<uint64_t>(extent);
    if (factor != 0 && bytes > kMaxPayloadBytes / factor) {
      std::string dims;
      for (const auto each : shape) dims += (dims.empty() ? "" : " x ") + std::to_string(each);
      fail(stream.path(), "implausible dimensions: " + dims + " is more than " +
                              std::to_string(kMaxPayloadBytes) + " bytes of data");
    }
    bytes *= factor;
  }
  auto values = at::empty(shape, at::kByte);
  stream.read_exact(values.data_ptr<uint8_t>(), bytes, "data");
  stream.expect_end();
  return values;
}

}  // namespace

at::Tensor read_idx_images(const std::filesystem::path& path) {
  IdxStream stream(path);
  expect_magic(stream, kImagesMagic, "IDX uint8 images [N, rows, cols]");
  const auto count = stream.read_big_endian_u32("header");
  const auto rows = stream.read_big_endian_u32("header");
  const auto cols = stream.read_big_endian_u32("header");
  if (rows == 0 || cols == 0) {
    fail(path, "image size " + std::to_string(rows) + "x" + std::to_string(cols) + " is empty");
  }
  return read_payload(stream, {count, rows, cols});
}

at::Tensor read_idx_labels(const std::filesystem::path& path) {
  IdxStream stream(path);
  expect_magic(stream, kLabelsMagic, "IDX uint8 labels [N]");
  const auto count = stream.read_big_endian_u32("header");
  return read_payload(stream, {count});
}

LabelledImages read_fashion_mnist(Split split, const std::filesystem::path& directory) {
  const std::string prefix = split == Split::Train ? "train" : "t10k";
  const auto image_path = directory / (prefix + "-images-idx3-ubyte.gz");
  const auto label_path = directory / (prefix + "-labels-idx1-ubyte.gz");
  LabelledImages set{read_idx_images(image_path), read_idx_labels(label_path)};
  if (set.images.size(0) != set.labels.size(0)) {
    fail(label_path, std::to_string(set.labels.size(0)) + " labels for " +
                         std::to_string(set.images.size(0)) + " images in " + image_path.string());
  }
  // Checked here, with the file's name, rather than by whoever indexes a class table with it.
  const auto out_of_range = (set.labels >= kFashionMnistClasses).nonzero();
  if (out_of_range.size(0) > 0) {
    const auto index = out_of_range[0][0].item<int64_t>();
    fail(label_path, "label " + std::to_string(set.labels[index].item<int>()) + " of item " +
                         std::to_string(index) + " is not a class (0.." +
                         std::to_string(kFashionMnistClasses - 1) + "); " +
                         std::to_string(out_of_range.size(0)) + " labels are out of range");
  }
  return set;
}

}  // namespace nplab::data

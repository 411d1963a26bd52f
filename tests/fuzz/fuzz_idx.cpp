// Fuzz target: the IDX reader, images and labels, plain and gzip-compressed.
#include <cstdint>

#include "fuzz/fuzz_support.h"
#include "nplab/data/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto plain = nplab::fuzz::scratch_path("data-idx-ubyte");
  static const auto gzipped = nplab::fuzz::scratch_path("data-idx-ubyte.gz");
  for (const auto& path : {plain, gzipped}) {
    nplab::fuzz::write_bytes(path, data, size);
    try {
      (void)nplab::data::read_idx_images(path);
    } catch (const nplab::util::InvalidArgument&) {
    } catch (...) {
      nplab::fuzz::escaped("idx images");
    }
    try {
      (void)nplab::data::read_idx_labels(path);
    } catch (const nplab::util::InvalidArgument&) {
    } catch (...) {
      nplab::fuzz::escaped("idx labels");
    }
  }
  return 0;
}

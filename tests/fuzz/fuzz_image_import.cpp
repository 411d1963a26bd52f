// Fuzz target: the Images view's import of a person's image file (read_image_file: Qt's image
// readers, the square crop, the scaling to 28 x 28 and PixelImage::from_bytes).
#include <QGuiApplication>
#include <QString>
#include <cstdint>

#include "fuzz/fuzz_support.h"
#include "image_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static int argc = 1;
  static char name[] = "fuzz_image_import";
  static char* argv[] = {name, nullptr};
  static const QGuiApplication app(argc, argv);  // Qt's image plugins need an application
  static const auto path = nplab::fuzz::scratch_path("image");
  nplab::fuzz::write_bytes(path, data, size);
  try {
    const auto image = nplab::ui::read_image_file(QString::fromStdString(path.string()));
    if (image.ok() && image.value().pixel_count() != std::size_t{28} * 28) {
      std::fprintf(stderr, "fuzz image_import: an imported image is not 28 x 28\n");
      std::abort();
    }
  } catch (...) {
    nplab::fuzz::escaped("image_import");
  }
  return 0;
}

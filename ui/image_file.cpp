#include "image_file.h"

#include <QImage>
#include <QImageReader>
#include <QObject>
#include <algorithm>
#include <cstdint>
#include <vector>

namespace nplab::ui {

facade::Outcome<facade::PixelImage> read_image_file(const QString& path) {
  QImageReader reader(path);
  reader.setAutoTransform(true);  // a photo's EXIF orientation
  const QImage read = reader.read();
  if (read.isNull()) {
    return facade::Outcome<facade::PixelImage>::failure(
        QObject::tr("%1: not an image this NPLab can read (%2)")
            .arg(path, reader.errorString())
            .toStdString());
  }
  const int square = std::min(read.width(), read.height());
  const QImage grey =
      read.copy((read.width() - square) / 2, (read.height() - square) / 2, square, square)
          .convertToFormat(QImage::Format_Grayscale8)
          .scaled(facade::kImageSide, facade::kImageSide, Qt::IgnoreAspectRatio,
                  Qt::SmoothTransformation);
  std::vector<std::uint8_t> bytes;
  bytes.reserve(static_cast<std::size_t>(facade::kImageSide) * facade::kImageSide);
  for (int row = 0; row < grey.height(); ++row) {
    const auto* line = grey.constScanLine(row);  // rows are padded: copy them one by one
    bytes.insert(bytes.end(), line, line + grey.width());
  }
  return facade::PixelImage::from_bytes(bytes, grey.height(), grey.width());
}

}  // namespace nplab::ui

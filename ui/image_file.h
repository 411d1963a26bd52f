#pragma once
// A person's image file as the Images view shows it. Apart from the view (it needs Qt Gui only),
// so that its fuzz target builds in the sanitizer build, which has no widgets.

#include <QString>

#include "nplab/facade/explorer_images.h"

namespace nplab::ui {

/// A PNG/JPG (anything Qt reads) as a grey kImageSide² image: converted to grey, cropped to its
/// central square and scaled smoothly. An unreadable file is an error naming it.
facade::Outcome<facade::PixelImage> read_image_file(const QString& path);

}  // namespace nplab::ui

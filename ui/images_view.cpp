#include "images_view.h"

#include <QAction>
#include <QComboBox>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "busy_indicator.h"
#include "image_file.h"
#include "image_panels.h"
#include "theme.h"
#include "view_controls.h"

namespace nplab::ui {
namespace {

constexpr std::int64_t kFirstImage = 2;
constexpr std::uint64_t kFractionOrderSeed = 20240601;  // any fixed value: a stable order

std::vector<bool> mask_of(const std::vector<int>& pixels, int count) {
  std::vector<bool> mask(static_cast<std::size_t>(count), false);
  for (const int pixel : pixels) mask[static_cast<std::size_t>(pixel)] = true;
  return mask;
}

/// `pixels` without out-of-range indices and repeats, in their order.
std::vector<int> distinct_pixels(std::vector<int> pixels) {
  std::erase_if(pixels, [](int pixel) { return pixel < 0 || pixel >= ImagesView::kPixels; });
  std::vector<bool> seen(ImagesView::kPixels, false);
  std::erase_if(pixels, [&](int pixel) {
    const bool repeat = seen[pixel];
    seen[pixel] = true;
    return repeat;
  });
  return pixels;
}

}  // namespace

ImagesView::ImagesView(ExplorerWorker& worker, QStringList model_dirs, const QString& data_dir,
                       QWidget* parent)
    : QWidget(parent), worker_(worker), data_dir_(data_dir), order_(kPixels), rank_(kPixels) {
  setObjectName("imagesView");
  std::iota(order_.begin(), order_.end(), 0);
  std::shuffle(order_.begin(), order_.end(), std::mt19937_64(kFractionOrderSeed));
  for (int place = 0; place < kPixels; ++place) rank_[order_[place]] = place;
  for (const int upsample : kResolutions) {
    auto grid = facade::image_query_grid(kSide, kSide, upsample);
    if (grid.ok()) query_grids_[upsample] = grid.value();
  }
  auto test_set = facade::FashionMnistTestSet::load(data_dir_.toStdString());
  if (test_set.ok()) {
    test_set_ = test_set.value();
  } else {
    data_error_ = QString::fromStdString(test_set.error());
  }

  panels_ = new ImagePanels(kSide, this);
  build_controls(available_models(model_dirs.isEmpty() ? default_model_dirs() : model_dirs,
                                  /*dim_x=*/2, /*dim_y=*/1));
  connect(panels_, &QCustomPlot::mousePress, this, &ImagesView::on_mouse_press);
  connect(panels_, &QCustomPlot::mouseMove, this, &ImagesView::on_mouse_move);
  connect(panels_, &QCustomPlot::mouseRelease, this, &ImagesView::on_mouse_release);
  busy_ = new BusyIndicator(*panels_);
  connect(busy_, &BusyIndicator::changed, this, &ImagesView::update_readout);
  connect(&worker_, &ExplorerWorker::finished, this, &ImagesView::show_result);
  // The readout's colours are the theme's.
  connect(&ThemeSignals::instance(), &ThemeSignals::changed, this, [this] { update_readout(); });

  select_model(preferred_constant_time_model(models()));
  // Test image #2, a trouser: a class the image models were trained on (0–4), unlike #0, an
  // ankle boot (class 9).
  if (test_set_) show_test_image(std::min<std::int64_t>(kFirstImage, test_set_->size() - 1));
  update_actions();
  update_titles();
  update_readout();
}

// --- State -------------------------------------------------------------------------------------

std::vector<facade::ContextPoint> ImagesView::points() const {
  return image_ ? image_->points(revealed_) : std::vector<facade::ContextPoint>{};
}

std::int64_t ImagesView::test_image_count() const {
  return test_set_ ? test_set_->size() : 0;
}

int ImagesView::current_model() const {
  return model_picker_->current();
}

const QList<ModelChoice>& ImagesView::models() const {
  return model_picker_->choices();
}

bool ImagesView::is_settled() const {
  if (!image_ || current_model() < 0) return true;  // nothing to wait for
  return !request_scheduled_ && answers_latest(shown_) &&
         (!comparing() || answers_latest(compare_shown_));
}

bool ImagesView::answers_latest(const std::optional<PredictionResult>& shown) const {
  return shown && shown->generation == generation_;
}

bool ImagesView::shows_busy() const {
  return busy_->shown();
}

// --- Edits -------------------------------------------------------------------------------------

std::vector<int> ImagesView::brush(int centre, int radius) {
  std::vector<int> pixels;
  if (centre < 0 || centre >= kPixels) return pixels;
  const int row = centre / kSide;
  const int column = centre % kSide;
  for (int dr = -radius; dr <= radius; ++dr) {
    for (int dc = -radius; dc <= radius; ++dc) {
      const int r = row + dr;
      const int c = column + dc;
      if (dr * dr + dc * dc <= radius * radius && r >= 0 && r < kSide && c >= 0 && c < kSide) {
        pixels.push_back(r * kSide + c);
      }
    }
  }
  return pixels;
}

void ImagesView::reveal_pixels(const std::vector<int>& pixels) {
  if (!image_) return;
  auto mask = mask_of(revealed_, kPixels);
  auto next = revealed_;
  for (const int pixel : pixels) {
    if (pixel < 0 || pixel >= kPixels || mask[pixel]) continue;
    mask[pixel] = true;
    next.push_back(pixel);
  }
  if (next.size() != revealed_.size()) edit(std::move(next));
}

void ImagesView::hide_pixels(const std::vector<int>& pixels) {
  if (!image_) return;
  std::vector<bool> hidden(kPixels, false);
  for (const int pixel : pixels) {
    if (pixel >= 0 && pixel < kPixels) hidden[pixel] = true;
  }
  auto next = revealed_;
  std::erase_if(next, [&](int pixel) { return hidden[pixel]; });
  if (next.size() != revealed_.size()) edit(std::move(next));
}

void ImagesView::reveal_random(int count) {
  if (!image_ || count < 1) return;
  const auto mask = mask_of(revealed_, kPixels);
  std::vector<int> hidden;
  for (int pixel = 0; pixel < kPixels; ++pixel) {
    if (!mask[pixel]) hidden.push_back(pixel);
  }
  std::shuffle(hidden.begin(), hidden.end(), random_);
  hidden.resize(std::min(hidden.size(), static_cast<std::size_t>(count)));
  reveal_pixels(hidden);
}

void ImagesView::set_context_fraction(double fraction) {
  if (!image_) return;
  const auto wanted =
      static_cast<std::size_t>(std::lround(std::clamp(fraction, 0.0, 1.0) * kPixels));
  auto next = revealed_;
  if (wanted > next.size()) {
    auto mask = mask_of(next, kPixels);
    for (int place = 0; place < kPixels && next.size() < wanted; ++place) {
      const int pixel = order_[place];
      if (!mask[pixel]) {
        mask[pixel] = true;
        next.push_back(pixel);
      }
    }
  } else if (wanted < next.size()) {
    // Hide the pixels that come last in the order, so that going back restores the same set.
    auto by_rank = next;
    std::sort(by_rank.begin(), by_rank.end(), [&](int a, int b) { return rank_[a] < rank_[b]; });
    const auto dropped =
        mask_of({by_rank.begin() + static_cast<std::ptrdiff_t>(wanted), by_rank.end()}, kPixels);
    std::erase_if(next, [&](int pixel) { return dropped[pixel]; });
  }
  if (next != revealed_) edit(std::move(next));
}

void ImagesView::set_revealed(std::vector<int> pixels) {
  if (!image_) return;
  pixels = distinct_pixels(std::move(pixels));
  if (pixels != revealed_) edit(std::move(pixels));
}

void ImagesView::clear_points() {
  if (revealed_.empty()) return;
  commit({});  // its own undo step, even in the middle of a stroke
  restart_stroke();
}

void ImagesView::new_session() {
  if (test_set_) {
    show_random_test_image();
  } else {
    commit({}, /*record_undo=*/false);
    history_.reset();
    update_actions();
  }
}

void ImagesView::undo() {
  if (auto previous = history_.undo(revealed_)) {
    commit(std::move(*previous), false);
    restart_stroke();
  }
}

void ImagesView::redo() {
  if (auto next = history_.redo(revealed_)) {
    commit(std::move(*next), false);
    restart_stroke();
  }
}

void ImagesView::start_stroke() {
  in_stroke_ = true;
  stroke_start_ = revealed_;
}

void ImagesView::restart_stroke() {
  if (in_stroke_) stroke_start_ = revealed_;
}

void ImagesView::end_stroke() {
  in_stroke_ = false;
  stroke_start_.reset();
}

void ImagesView::edit(std::vector<int> next) {
  if (!in_stroke_) {
    commit(std::move(next));
    return;
  }
  if (stroke_start_) {  // the stroke's first change: it is undone as a whole
    history_.record(std::move(*stroke_start_));
    stroke_start_.reset();
  }
  commit(std::move(next), /*record_undo=*/false);
}

void ImagesView::commit(std::vector<int> next, bool record_undo) {
  if (record_undo) history_.record(revealed_);
  revealed_ = std::move(next);
  draw_observed();
  update_titles();
  update_actions();
  request_prediction();
}

// --- The image ---------------------------------------------------------------------------------

facade::Outcome<facade::PixelImage> ImagesView::load(const ImageSource& source) const {
  if (source.kind == ImageSource::Kind::File) return read_image_file(source.path);
  if (!test_set_) return facade::Outcome<facade::PixelImage>::failure(data_error_.toStdString());
  return test_set_->image(source.index);
}

bool ImagesView::show_test_image(std::int64_t index) {
  const ImageSource source{ImageSource::Kind::FashionMnist, index, {}};
  auto image = load(source);
  if (!image.ok()) {
    emit error_reported(tr("Could not show the image"), QString::fromStdString(image.error()));
    return false;
  }
  show_image(source, image.value());
  emit status_message(
      tr("Fashion-MNIST test image %1 (%2)")
          .arg(index)
          .arg(QString::fromUtf8(facade::fashion_mnist_class_name(test_set_->label(index)))));
  return true;
}

void ImagesView::show_random_test_image() {
  if (!test_set_) return;
  std::uniform_int_distribution<std::int64_t> any(0, test_set_->size() - 1);
  show_test_image(any(random_));
}

bool ImagesView::open_image_file(const QString& path) {
  const ImageSource source{ImageSource::Kind::File, 0, QFileInfo(path).absoluteFilePath()};
  auto image = load(source);
  if (!image.ok()) {
    emit error_reported(tr("Could not open the image"), QString::fromStdString(image.error()));
    return false;
  }
  show_image(source, image.value());
  emit status_message(tr("Opened %1 as a %2×%2 grey image").arg(path).arg(kSide));
  return true;
}

void ImagesView::show_image(ImageSource source, facade::PixelImage image) {
  source_ = std::move(source);
  image_ = std::move(image);
  if (source_.kind == ImageSource::Kind::FashionMnist) {
    const QSignalBlocker quiet(image_index_);
    image_index_->setValue(static_cast<int>(source_.index));
  }
  panels_->set_truth(image_->intensities());
  end_stroke();
  history_.reset();
  commit({}, /*record_undo=*/false);
}

void ImagesView::restore(const ImageSource& source, facade::PixelImage image, int model_index,
                         std::vector<int> revealed, int resolution, int compare_index) {
  model_picker_->select_quietly(model_index);  // one request below, not one per change
  set_compare_pane(compare_index);
  if (query_grids_.contains(resolution)) {
    const QSignalBlocker quiet(resolution_picker_);
    resolution_ = resolution;
    resolution_picker_->setCurrentIndex(resolution_picker_->findData(resolution));
  }
  show_image(source, std::move(image));
  commit(distinct_pixels(std::move(revealed)), /*record_undo=*/false);
}

// --- Settings ----------------------------------------------------------------------------------

void ImagesView::set_resolution(int upsample) {
  if (!query_grids_.contains(upsample)) return;
  const int index = resolution_picker_->findData(upsample);
  if (resolution_picker_->currentIndex() != index) {
    resolution_picker_->setCurrentIndex(index);  // re-enters through currentIndexChanged
    return;
  }
  if (resolution_ == upsample) return;
  resolution_ = upsample;
  update_titles();
  request_prediction();
}

void ImagesView::set_brush_radius(int radius) {
  radius = std::clamp(radius, 0, kMaxBrushRadius);
  if (brush_picker_->value() != radius) {
    brush_picker_->setValue(radius);  // re-enters through valueChanged
    return;
  }
  brush_radius_ = radius;
}

void ImagesView::select_model(int index) {
  model_picker_->select(index);
}

int ImagesView::add_model_choice(const ModelChoice& choice) {
  return model_picker_->add(choice);
}

// --- Mouse -------------------------------------------------------------------------------------

void ImagesView::paint_at(const QPointF& position, bool reveal) {
  const auto hit = panels_->hit(position);
  using Panel = ImagePanels::Panel;
  if (!hit || (hit->panel != Panel::Observed && hit->panel != Panel::Mean &&
               hit->panel != Panel::CompareMean)) {
    return;
  }
  const auto pixels = brush(hit->pixel, brush_radius_);
  if (reveal) {
    reveal_pixels(pixels);
  } else {
    hide_pixels(pixels);
  }
}

void ImagesView::on_mouse_press(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton && event->button() != Qt::RightButton) return;
  painting_ = true;
  painting_reveals_ = event->button() == Qt::LeftButton;
  start_stroke();
  paint_at(event->position(), painting_reveals_);
}

void ImagesView::on_mouse_move(QMouseEvent* event) {
  if (!painting_ || !(event->buttons() & (Qt::LeftButton | Qt::RightButton))) return;
  paint_at(event->position(), painting_reveals_);
}

void ImagesView::on_mouse_release(QMouseEvent* /*event*/) {
  painting_ = false;
  end_stroke();
}

// --- Predictions -------------------------------------------------------------------------------

void ImagesView::request_prediction() {
  if (request_scheduled_) return;
  request_scheduled_ = true;
  QTimer::singleShot(0, this, &ImagesView::post_request);
}

void ImagesView::post_request() {
  request_scheduled_ = false;
  const int model = current_model();
  if (model < 0 || !image_) return;
  PredictionRequest request;
  request.channel = Channel::Images;
  request.generation = ++generation_;
  coverage_.reset();  // it described the pixels revealed before this request
  request.model = models()[model].source;
  request.points = points();
  request.targets = query_grids_.at(resolution_);
  if (comparing()) {
    // The same revealed pixels and targets, on the second model's own channel.
    compare_coverage_.reset();
    PredictionRequest second = request;
    second.channel = Channel::ImagesCompare;
    second.model = models()[compare_model()].source;
    worker_.post(std::move(second));
  }
  worker_.post(std::move(request));
  busy_->start();
}

std::optional<facade::BandCoverage> ImagesView::coverage_of(const PredictionResult& result) const {
  // Only a prediction for the pixels revealed now, on the pixel grid, is scored.
  if (!result.ok() || !image_ || result.generation != generation_) return std::nullopt;
  auto coverage =
      facade::hidden_pixel_coverage(*image_, mask_of(revealed_, kPixels), result.prediction);
  if (!coverage.ok()) return std::nullopt;
  return coverage.value();
}

ImagesView::Picture ImagesView::intensity_picture(const facade::GridPrediction& prediction) {
  Picture picture;
  picture.mean.resize(prediction.mean.size());
  std::transform(prediction.mean.begin(), prediction.mean.end(), picture.mean.begin(),
                 facade::output_to_intensity);
  // The grid the result was asked on (a newer resolution may be on its way).
  picture.side = static_cast<int>(std::lround(std::sqrt(static_cast<double>(picture.mean.size()))));
  return picture;
}

void ImagesView::show_result(const PredictionResult& result) {
  if (result.channel == Channel::ImagesCompare) {
    show_compare_result(result);
    return;
  }
  if (result.channel != Channel::Images) return;
  if (shown_ && result.generation < shown_->generation) return;  // never step back in time
  shown_ = result;
  if (!result.ok()) {
    panels_->clear_prediction();
  } else {
    const auto [side, mean] = intensity_picture(result.prediction);
    panels_->set_prediction(side, mean, result.prediction.stddev);
  }
  coverage_ = coverage_of(result);
  if (result.generation == generation_) {
    panels_->replot_now();  // the final picture: draw it now rather than a frame later
    if (!request_scheduled_ && (!comparing() || answers_latest(compare_shown_))) busy_->finish();
  }
  update_readout();
  if (is_settled()) emit settled();
}

// --- Drawing -----------------------------------------------------------------------------------

void ImagesView::draw_observed() {
  if (!image_) return;
  panels_->set_observed(image_->intensities(), mask_of(revealed_, kPixels));
  const QSignalBlocker quiet(fraction_slider_);
  const int percent =
      static_cast<int>(std::lround(100.0 * static_cast<double>(revealed_.size()) / kPixels));
  fraction_slider_->setValue(percent);
  fraction_label_->setText(QStringLiteral("%1 %").arg(percent));
}

void ImagesView::update_actions() {
  edit_buttons_->refresh();
  emit history_changed();
}

}  // namespace nplab::ui

#include "image_panels.h"

#include <algorithm>
#include <cmath>

#include "theme.h"

namespace nplab::ui {
namespace {

constexpr int kFrameMs = 16;
constexpr int kPadding = 6;
constexpr int kColumnSpacing = 12;
constexpr int kRowSpacing = 10;
constexpr int kScaleWidth = 64;  // the colour bar and its tick labels
const QColor kEmptyColor(0xe9, 0xeb, 0xee);
const QColor kFrameColor(0x9a, 0xa0, 0xa6);

const char* const kDefaultTitles[ImagePanels::kPanelCount] = {"Observed",       "Predictive mean",
                                                              "Predictive std", "Ground truth",
                                                              "Compared: mean", "Compared: std"};

bool is_compare_panel(int panel) {
  return panel >= static_cast<int>(ImagePanels::Panel::CompareMean);
}

QCPColorScale* make_scale(QCustomPlot& plot) {
  auto* scale = new QCPColorScale(&plot);
  scale->setType(QCPAxis::atRight);
  scale->setBarWidth(10);
  scale->setAutoMargins(QCP::msLeft | QCP::msRight);
  scale->setSizeConstraintRect(QCPLayoutElement::scrOuterRect);
  scale->setMinimumSize(kScaleWidth, 0);
  scale->setMaximumSize(kScaleWidth, QWIDGETSIZE_MAX);
  scale->setVisible(false);  // until there is a prediction
  return scale;
}

}  // namespace

const QColor ImagePanels::kHiddenColor(0x4a, 0x6f, 0xa5);

ImagePanels::ImagePanels(int side, QWidget* parent) : QCustomPlot(parent), side_(side) {
  setObjectName("imagePanels");
  plotLayout()->clear();  // drops the default axis rect: the panels are laid out below
  plotLayout()->setAutoMargins(QCP::msNone);
  plotLayout()->setColumnSpacing(kColumnSpacing);
  plotLayout()->setRowSpacing(kRowSpacing);
  QFont title_font = font();
  title_font.setBold(true);

  for (int panel = 0; panel < kPanelCount; ++panel) {
    auto* rect = new QCPAxisRect(this);
    rect->setAutoMargins(QCP::msNone);
    rect->setSizeConstraintRect(QCPLayoutElement::scrOuterRect);  // sizes include the title
    rect->setupFullAxesBox();
    for (auto* axis : rect->axes()) {
      axis->setTicks(false);
      axis->setTickLabels(false);
      axis->setBasePen(QPen(kFrameColor));
      axis->grid()->setVisible(false);
      axis->setRange(-0.5, side_ - 0.5);
    }
    rect->axis(QCPAxis::atLeft)->setRangeReversed(true);  // row 0 at the top
    rect->axis(QCPAxis::atRight)->setRangeReversed(true);
    rect->setBackground(panel == static_cast<int>(Panel::Observed) ? QBrush(kHiddenColor)
                                                                   : QBrush(kEmptyColor));
    // In a cell for now (an item made below asks the plot for an axis rect); arrange() places it.
    plotLayout()->addElement(0, panel, rect);
    auto* map = new QCPColorMap(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    map->setInterpolate(false);  // pixels are pixels
    map->setTightBoundary(false);
    const bool stddev =
        panel == static_cast<int>(Panel::Stddev) || panel == static_cast<int>(Panel::CompareStddev);
    map->setGradient(
        QCPColorGradient(stddev ? QCPColorGradient::gpThermal : QCPColorGradient::gpGrayscale));
    map->setDataRange(QCPRange(0.0, 1.0));

    auto* title = new QCPItemText(this);
    title->setClipToAxisRect(false);
    title->position->setType(QCPItemPosition::ptAxisRectRatio);
    title->position->setAxisRect(rect);
    title->position->setCoords(0.5, 0.0);
    title->setPositionAlignment(Qt::AlignHCenter | Qt::AlignBottom);
    title->setPadding(QMargins(0, 0, 0, 4));
    title->setFont(title_font);
    title->setText(tr(kDefaultTitles[panel]));

    rects_.push_back(rect);
    maps_.push_back(map);
    titles_.push_back(title);
  }

  stddev_scale_ = make_scale(*this);
  map(Panel::Stddev)->setColorScale(stddev_scale_);
  compare_scale_ = make_scale(*this);
  map(Panel::CompareStddev)->setColorScale(compare_scale_);
  arrange();

  clear_prediction();
  clear_compare_prediction();
  set_truth({});
  set_observed({}, {});

  replot_timer_ = new QTimer(this);
  replot_timer_->setSingleShot(true);
  replot_timer_->setInterval(kFrameMs);
  connect(replot_timer_, &QTimer::timeout, this, [this] { replot(rpQueuedReplot); });
  setMinimumSize(4 * 40 + kScaleWidth, 80);
  keep_square(size());
  restyle();
  connect(&ThemeSignals::instance(), &ThemeSignals::changed, this, &ImagePanels::restyle);
}

void ImagePanels::restyle() {
  // The titles are items and the colour bar's axis is not in an axis rect: style_plot() (the
  // line plots' styling) reaches neither.
  const auto colours = plot_colours();
  setBackground(colours.background);
  for (auto* title : titles_) title->setColor(colours.foreground);
  for (auto* scale : {stddev_scale_, compare_scale_}) {
    auto* axis = scale->axis();
    axis->setTickLabelColor(colours.foreground);
    axis->setLabelColor(colours.foreground);
    axis->setBasePen(QPen(colours.foreground));
    axis->setTickPen(QPen(colours.foreground));
    axis->setSubTickPen(QPen(colours.foreground));
  }
  schedule_replot();
}

void ImagePanels::fill(QCPColorMap& map, int grid_side, const std::vector<double>& values,
                       const std::vector<bool>* shown) {
  auto* data = map.data();
  data->setSize(grid_side, grid_side);
  // Cell centres so that the grid fills the panel: exact for the pixel grid; a query grid s
  // times finer (which spans the outer pixels' centres) is stretched by less than half a pixel.
  const double image_side = map.keyAxis()->range().size();
  const double half_cell = 0.5 * image_side / grid_side;
  const QCPRange centres(-0.5 + half_cell, image_side - 0.5 - half_cell);
  data->setRange(centres, centres);
  const bool complete = values.size() == static_cast<std::size_t>(grid_side) * grid_side;
  for (int row = 0; row < grid_side; ++row) {
    for (int column = 0; column < grid_side; ++column) {
      const auto index = static_cast<std::size_t>(row) * grid_side + column;
      data->setCell(column, row, complete ? values[index] : 0.0);
      const bool visible = complete && (!shown || (index < shown->size() && (*shown)[index]));
      data->setAlpha(column, row, visible ? 255 : 0);
    }
  }
}

void ImagePanels::set_observed(const std::vector<double>& intensities,
                               const std::vector<bool>& revealed) {
  fill(*map(Panel::Observed), side_, intensities, &revealed);
  schedule_replot();
}

void ImagePanels::set_truth(const std::vector<double>& intensities) {
  fill(*map(Panel::Truth), side_, intensities);
  schedule_replot();
}

void ImagePanels::fill_prediction(Panel mean_panel, Panel stddev_panel, QCPColorScale& scale,
                                  int grid_side, const std::vector<double>& mean,
                                  const std::vector<double>& stddev) {
  fill(*map(mean_panel), grid_side, mean);
  fill(*map(stddev_panel), grid_side, stddev);
  if (!stddev.empty()) {
    const auto [low, high] = std::minmax_element(stddev.begin(), stddev.end());
    // A (nearly) flat std still needs a range whose ticks say something.
    const double margin =
        std::max(0.0, std::max(0.01 * std::abs(*high), 1e-6) - 0.5 * (*high - *low));
    map(stddev_panel)->setDataRange(QCPRange(*low - margin, *high + margin));
  }
  scale.setVisible(!stddev.empty() && shows(stddev_panel));
  schedule_replot();
}

void ImagePanels::set_prediction(int grid_side, const std::vector<double>& mean,
                                 const std::vector<double>& stddev) {
  fill_prediction(Panel::Mean, Panel::Stddev, *stddev_scale_, grid_side, mean, stddev);
}

void ImagePanels::clear_prediction() {
  set_prediction(side_, {}, {});
}

void ImagePanels::set_compare_prediction(int grid_side, const std::vector<double>& mean,
                                         const std::vector<double>& stddev) {
  fill_prediction(Panel::CompareMean, Panel::CompareStddev, *compare_scale_, grid_side, mean,
                  stddev);
}

void ImagePanels::clear_compare_prediction() {
  set_compare_prediction(side_, {}, {});
}

bool ImagePanels::shows(Panel panel) const {
  return comparing_ || !is_compare_panel(static_cast<int>(panel));
}

void ImagePanels::set_comparing(bool comparing) {
  if (comparing_ == comparing) return;
  comparing_ = comparing;
  clear_compare_prediction();
  arrange();
  keep_square(size());
  schedule_replot();
}

void ImagePanels::arrange() {
  auto* grid = plotLayout();
  const auto take = [grid](QCPLayoutElement* element) {
    if (element->layout() == grid) grid->take(element);  // the scales are not placed at first
  };
  for (auto* rect : rects_) take(rect);
  take(stddev_scale_);
  take(compare_scale_);
  grid->simplify();  // no cells left
  const auto put = [&](QCPLayoutElement* element, int row, int column) {
    grid->addElement(row, column, element);
  };
  const auto rect = [this](Panel panel) { return rects_[static_cast<int>(panel)]; };
  // Each std's colour scale gets its own column, right of it.
  put(rect(Panel::Observed), 0, 0);
  put(rect(Panel::Mean), 0, 1);
  put(rect(Panel::Stddev), 0, 2);
  put(stddev_scale_, 0, 3);
  if (comparing_) {
    put(rect(Panel::Truth), 1, 0);
    put(rect(Panel::CompareMean), 1, 1);
    put(rect(Panel::CompareStddev), 1, 2);
    put(compare_scale_, 1, 3);
  } else {
    put(rect(Panel::Truth), 0, 4);
  }
  // Out of the layout, the compare panels are hidden (their axes and maps with them).
  for (int panel = 0; panel < kPanelCount; ++panel) {
    const bool shown = shows(static_cast<Panel>(panel));
    rects_[panel]->setVisible(shown);
    for (auto* axis : rects_[panel]->axes()) axis->setVisible(shown);
    maps_[panel]->setVisible(shown);
    titles_[panel]->setVisible(shown);
  }
  if (!comparing_) compare_scale_->setVisible(false);
}

QString ImagePanels::title(Panel panel) const {
  return titles_[static_cast<int>(panel)]->text();
}

void ImagePanels::set_title(Panel panel, const QString& title) {
  titles_[static_cast<int>(panel)]->setText(title);
  schedule_replot();
}

std::optional<ImagePanels::Hit> ImagePanels::hit(const QPointF& position) const {
  for (int panel = 0; panel < kPanelCount; ++panel) {
    const auto* rect = rects_[panel];
    if (!shows(static_cast<Panel>(panel))) continue;
    if (!rect->rect().contains(position.toPoint())) continue;
    const int column =
        static_cast<int>(std::lround(rect->axis(QCPAxis::atBottom)->pixelToCoord(position.x())));
    const int row =
        static_cast<int>(std::lround(rect->axis(QCPAxis::atLeft)->pixelToCoord(position.y())));
    if (row < 0 || row >= side_ || column < 0 || column >= side_) return std::nullopt;
    return Hit{static_cast<Panel>(panel), row * side_ + column};
  }
  return std::nullopt;
}

QPointF ImagePanels::pixel_centre(Panel panel, int pixel) const {
  const auto* rect = rects_[static_cast<int>(panel)];
  return {rect->axis(QCPAxis::atBottom)->coordToPixel(pixel % side_),
          rect->axis(QCPAxis::atLeft)->coordToPixel(pixel / side_)};
}

void ImagePanels::schedule_replot() {
  if (!replot_timer_) return;  // still being built
  if (!replot_timer_->isActive()) replot_timer_->start();
}

void ImagePanels::replot_now() {
  replot_timer_->stop();
  replot(rpQueuedReplot);
}

void ImagePanels::resizeEvent(QResizeEvent* event) {
  keep_square(event->size());
  QCustomPlot::resizeEvent(event);
}

void ImagePanels::keep_square(const QSize& size) {
  const int title_height = QFontMetrics(titles_.front()->font()).height() + 8;
  // One row: four panels and a colour scale; two rows: three panels and a scale each.
  const int columns = comparing_ ? 3 : 4;
  const int rows = comparing_ ? 2 : 1;
  const int spacings = columns * kColumnSpacing;  // between the columns and the scale
  const int row_spacings = (rows - 1) * kRowSpacing;
  const int side =
      std::max(8, std::min((size.width() - 2 * kPadding - kScaleWidth - spacings) / columns,
                           (size.height() - 2 * kPadding - row_spacings) / rows - title_height));
  // The panels keep together in the middle; what is left over goes around them.
  const int content_width = columns * side + kScaleWidth + spacings;
  const int content_height = rows * (side + title_height) + row_spacings;
  const int left = std::max(0, (size.width() - content_width) / 2);
  const int top = std::max(0, (size.height() - content_height) / 2);
  plotLayout()->setMargins(QMargins(left, top, std::max(0, size.width() - content_width - left),
                                    std::max(0, size.height() - content_height - top)));
  for (auto* rect : rects_) {
    rect->setMargins(QMargins(0, title_height, 0, 0));
    rect->setMinimumSize(side, side + title_height);
    rect->setMaximumSize(side, side + title_height);
  }
  stddev_scale_->setMargins(QMargins(0, title_height, 0, 0));
  compare_scale_->setMargins(QMargins(0, title_height, 0, 0));
}

}  // namespace nplab::ui

// The Functions view's mouse: click to add, drag to move, right click to remove, on either plot.
// While the pointer is over a plot the y axis only grows (see FunctionPlot::YFit), so that
// clicks on one pixel land at one y; it settles once the pointer leaves.

#include <QEvent>
#include <QMouseEvent>
#include <cmath>

#include "function_plot.h"
#include "functions_view.h"

namespace nplab::ui {
namespace {

constexpr double kHitRadiusPixels = 10.0;

}  // namespace

// --- Mouse -------------------------------------------------------------------------------------

QPointF FunctionsView::to_data(const FunctionPlot& source, const QPointF& pixel) const {
  return {source.xAxis->pixelToCoord(pixel.x()), source.yAxis->pixelToCoord(pixel.y())};
}

int FunctionsView::point_near(const FunctionPlot& source, const QPointF& pixel) const {
  int nearest = -1;
  double nearest_distance = kHitRadiusPixels;
  for (size_t i = 0; i < points_.size(); ++i) {
    const QPointF drawn(source.xAxis->coordToPixel(points_[i].x[0]),
                        source.yAxis->coordToPixel(points_[i].y[0]));
    const double distance = std::hypot(drawn.x() - pixel.x(), drawn.y() - pixel.y());
    if (distance <= nearest_distance) {
      nearest = static_cast<int>(i);
      nearest_distance = distance;
    }
  }
  return nearest;
}

void FunctionsView::on_mouse_press(FunctionPlot* source, QMouseEvent* event) {
  const QPointF pixel = event->position();
  pointer_in_plot_ = true;
  if (!source->axisRect()->rect().contains(pixel.toPoint())) return;
  const int hit = point_near(*source, pixel);
  if (event->button() == Qt::RightButton) {
    if (hit >= 0) remove_point(static_cast<std::size_t>(hit));
    return;
  }
  if (event->button() != Qt::LeftButton) return;
  if (hit >= 0) {
    selected_ = hit;
    drag_start_ = points_;  // recorded for undo only once the point actually moves
    draw_points();
  } else {
    const QPointF data = to_data(*source, pixel);
    add_point(data.x(), data.y());  // holding the button drags the new point: one undo step
    drag_start_.reset();
  }
  dragging_ = true;
  drag_plot_ = source;
}

void FunctionsView::on_mouse_move(QMouseEvent* event) {
  pointer_in_plot_ = true;
  if (!dragging_ || !drag_plot_ || selected_ < 0 || !(event->buttons() & Qt::LeftButton)) {
    return;
  }
  if (drag_start_) {
    history_.record({std::move(*drag_start_), applied_truth_});
    drag_start_.reset();
  }
  const QPointF data = to_data(*drag_plot_, event->position());
  auto next = points_;
  next[static_cast<size_t>(selected_)] = visible_point(data.x(), data.y());
  commit(std::move(next), /*record_undo=*/false);
}

void FunctionsView::on_mouse_release(QMouseEvent* /*event*/) {
  dragging_ = false;
  drag_plot_ = nullptr;
  drag_start_.reset();
  fit_y_ranges();  // held back while dragging; now it may grow, not shrink, under the mouse
  plot_->schedule_replot();
  compare_plot_->schedule_replot();
}

bool FunctionsView::eventFilter(QObject* watched, QEvent* event) {
  if (event->type() == QEvent::Leave && (watched == plot_ || watched == compare_plot_)) {
    pointer_in_plot_ = false;
    if (!dragging_) {
      fit_y_ranges();
      plot_->schedule_replot();
      compare_plot_->schedule_replot();
    }
  }
  return QWidget::eventFilter(watched, event);
}

}  // namespace nplab::ui

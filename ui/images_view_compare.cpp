// The Images view's second model: its prediction from the same revealed pixels, drawn below the
// first model's (see ImagesView::set_compare_model).

#include <QComboBox>
#include <QLabel>
#include <QSignalBlocker>

#include "busy_indicator.h"
#include "image_panels.h"
#include "images_view.h"

namespace nplab::ui {

void ImagesView::set_compare_model(int index) {
  set_compare_pane(index);
  request_prediction();
}

void ImagesView::set_compare_pane(int index) {
  if (index < -1 || index >= models().size()) index = -1;
  {
    const QSignalBlocker quiet(compare_picker_);
    compare_picker_->setCurrentIndex(index + 1);
  }
  compare_shown_.reset();
  compare_coverage_.reset();
  compare_since_ = generation_;  // what was asked before came from another model, or none
  panels_->set_comparing(comparing());
  panels_->clear_compare_prediction();
  // One readout line per model.
  readout_->setMinimumHeight((comparing() ? 2 : 1) * readout_->fontMetrics().height() + 6);
  update_titles();
  update_readout();
}

int ImagesView::compare_model() const {
  return compare_picker_->currentIndex() - 1;
}

void ImagesView::show_compare_result(const PredictionResult& result) {
  if (!comparing()) return;  // an answer to a request made before comparing stopped
  if (result.generation <= compare_since_) return;
  if (compare_shown_ && result.generation < compare_shown_->generation) return;
  compare_shown_ = result;
  if (result.ok()) {
    const auto [side, mean] = intensity_picture(result.prediction);
    panels_->set_compare_prediction(side, mean, result.prediction.stddev);
  } else {
    panels_->clear_compare_prediction();
  }
  compare_coverage_ = coverage_of(result);
  if (result.generation == generation_) {
    panels_->replot_now();
    if (!request_scheduled_ && answers_latest(shown_)) busy_->finish();
  }
  update_readout();
  if (is_settled()) emit settled();
}

}  // namespace nplab::ui

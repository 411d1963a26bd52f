// The Functions view's second plot: another model's prediction on the same context, side by
// side with the first (see FunctionsView::set_compare_model).

#include <QComboBox>
#include <QLabel>
#include <QLocale>
#include <QSignalBlocker>
#include <algorithm>

#include "busy_indicator.h"
#include "function_plot.h"
#include "functions_view.h"
#include "theme.h"
#include "view_controls.h"

namespace nplab::ui {

void FunctionsView::show_compare_result(const PredictionResult& result) {
  if (compare_shown_ && result.generation < compare_shown_->generation) return;
  if (!comparing()) return;  // an answer to a request made before comparing stopped
  compare_shown_ = result;
  if (result.ok()) {
    compare_plot_->set_prediction(grid_, result.prediction.mean, result.prediction.stddev);
  } else {
    compare_plot_->clear_prediction();
  }
  if (!dragging_) fit_y_ranges();
  if (result.generation == generation_) {
    compare_plot_->replot_now();
  } else {
    compare_plot_->schedule_replot();
  }
  if (result.generation == generation_ && shown_ && shown_->generation == generation_) {
    busy_->finish();
  }
  update_captions();
  if (is_settled()) emit settled();
}

// --- Comparing two models ----------------------------------------------------------------------

void FunctionsView::set_compare_model(int index) {
  set_compare_pane(index);
  request_prediction();
}

void FunctionsView::set_compare_pane(int index) {
  if (index < -1 || index >= models().size()) index = -1;
  {
    const QSignalBlocker quiet(compare_picker_);
    compare_picker_->setCurrentIndex(index + 1);
  }
  compare_shown_.reset();
  compare_plot_->clear_prediction();
  compare_column_->setVisible(comparing());
  main_caption_->setVisible(comparing());
  compare_caption_->setVisible(comparing());
  draw_points();
  draw_overlays();
  fit_y_ranges();
  update_captions();
}

int FunctionsView::compare_model() const {
  return compare_picker_->currentIndex() - 1;
}

QCustomPlot* FunctionsView::compare_plot() const {
  return compare_plot_;
}

void FunctionsView::fit_y_ranges(std::optional<FunctionPlot::YFit> mode) {
  const auto fit = mode.value_or(pointer_in_plot_ ? FunctionPlot::YFit::Grow
                                                  : FunctionPlot::YFit::Settle);
  plot_->fit_y_range(fit);
  if (!comparing()) return;
  compare_plot_->fit_y_range(fit);
  const QCPRange first = plot_->yAxis->range();
  const QCPRange second = compare_plot_->yAxis->range();
  const QCPRange both(std::min(first.lower, second.lower), std::max(first.upper, second.upper));
  plot_->yAxis->setRange(both);
  compare_plot_->yAxis->setRange(both);
}

void FunctionsView::fit_axes() {
  fit_y_ranges(FunctionPlot::YFit::Tight);
  plot_->replot_now();
  if (comparing()) compare_plot_->replot_now();
}

QString FunctionsView::caption_for(int model, const std::optional<PredictionResult>& shown) const {
  if (model < 0 || model >= models().size()) return {};
  const auto colours = plot_colours();
  QString text = QStringLiteral("<b>%1</b>").arg(models()[model].label.toHtmlEscaped());
  if (!shown) return text + tr(" · waiting for the model…");
  if (!shown->ok()) {
    return text +
           QStringLiteral(" · <span style='color:%1'>%2</span>")
               .arg(css(colours.error_text), QString::fromStdString(shown->error).toHtmlEscaped());
  }
  const QLocale locale(QLocale::English);
  return text + QStringLiteral(" · update %1 µs (%2) · state %3")
                    .arg(locale.toString(shown->update.micros, 'f', 0),
                         QString::fromUtf8(to_string(shown->update.mode)),
                         format_bytes(shown->update.state_bytes));
}

void FunctionsView::update_captions() {
  if (!comparing()) return;
  main_caption_->setText(caption_for(current_model(), shown_));
  compare_caption_->setText(caption_for(compare_model(), compare_shown_));
}

}  // namespace nplab::ui

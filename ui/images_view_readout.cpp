// The Images view's words: the panels' titles and the readout under them.

#include <QFileInfo>
#include <QLabel>
#include <QLocale>

#include "busy_indicator.h"
#include "image_panels.h"
#include "images_view.h"
#include "theme.h"
#include "view_controls.h"

namespace nplab::ui {

void ImagesView::update_titles() {
  // With nothing revealed yet, the title says how to begin.
  panels_->set_title(ImagePanels::Panel::Observed,
                     revealed_.empty() && image_
                         ? tr("Observed: none yet — click or drag here")
                         : tr("Observed: %1 of %2").arg(revealed_.size()).arg(kPixels));
  const QString grid = QStringLiteral("%1×%1").arg(grid_side());
  if (comparing()) {
    // Each row names its model.
    const auto name = [this](int model) {
      return model >= 0 && model < models().size() ? models()[model].label : QString();
    };
    panels_->set_title(ImagePanels::Panel::Mean,
                       tr("%1: mean (%2)").arg(name(current_model()), grid));
    panels_->set_title(ImagePanels::Panel::Stddev, tr("%1: std").arg(name(current_model())));
    panels_->set_title(ImagePanels::Panel::CompareMean,
                       tr("%1: mean (%2)").arg(name(compare_model()), grid));
    panels_->set_title(ImagePanels::Panel::CompareStddev, tr("%1: std").arg(name(compare_model())));
  } else {
    panels_->set_title(ImagePanels::Panel::Mean, tr("Predictive mean (%1)").arg(grid));
    panels_->set_title(ImagePanels::Panel::Stddev, tr("Predictive std (%1)").arg(grid));
  }
  QString truth = tr("Ground truth");
  if (image_ && source_.kind == ImageSource::Kind::FashionMnist && test_set_) {
    const int label = test_set_->label(source_.index);
    truth = tr("Truth: #%1 %2 (%3)")
                .arg(source_.index)
                .arg(QString::fromUtf8(facade::fashion_mnist_class_name(label)),
                     facade::fashion_mnist_class_is_seen(label) ? tr("seen class")
                                                                : tr("unseen class"));
  } else if (image_) {
    truth = tr("Truth: %1").arg(QFileInfo(source_.path).fileName());
  }
  panels_->set_title(ImagePanels::Panel::Truth, truth);
}

QString ImagesView::readout_line(int model, const std::optional<PredictionResult>& shown,
                                 const std::optional<facade::BandCoverage>& coverage,
                                 bool named) const {
  QString text;
  if (named && model >= 0 && model < models().size()) {
    text = QStringLiteral("<b>%1</b> · ").arg(models()[model].label.toHtmlEscaped());
  }
  if (!shown) {
    return text + QStringLiteral("<b>N = %1</b>").arg(revealed_.size()) +
           tr(" · waiting for the model…");
  }
  if (!shown->ok()) {
    return text + QStringLiteral("<span style='color:%1'><b>Error:</b> %2</span>")
                      .arg(css(plot_colours().error_text),
                           QString::fromStdString(shown->error).toHtmlEscaped());
  }
  const auto& update = shown->update;
  const QString mode = update_mode_readout(update, plot_colours());
  const QLocale locale(QLocale::English);
  text += QStringLiteral("<b>N = %1</b> revealed").arg(update.count) +
          training_readout(shown->model.training, update.count, /*x_outside=*/false,
                           /*show_x=*/false, plot_colours()) +
          device_readout(*readout_, shown->model.device, shown->device_notice) +
          QStringLiteral(" · last update: <b>%1 µs</b> (%2) · state: %3")
              .arg(locale.toString(update.micros, 'f', 0), mode, format_bytes(update.state_bytes));
  text += tr(" · predicting %1 targets: %2 ms")
              .arg(locale.toString(static_cast<qlonglong>(shown->prediction.mean.size())))
              .arg(locale.toString(shown->prediction.micros / 1000.0, 'f', 1));
  if (coverage) {
    // What eval --json calls coverage_1sd / coverage_2sd, on this image's hidden pixels.
    text += tr(" · hidden pixels inside ±1σ: <b>%1%</b>, ±2σ: <b>%2%</b>")
                .arg(locale.toString(100.0 * coverage->within_1sd, 'f', 0),
                     locale.toString(100.0 * coverage->within_2sd, 'f', 0));
    if (!named) text += tr(" (calibrated: 68%, 95%)");
  }
  if (!update.note.empty()) {
    text += QStringLiteral(" <i>(%1)</i>").arg(QString::fromStdString(update.note).toHtmlEscaped());
  }
  return text;
}

QString ImagesView::readout_text() const {
  return readout_->text();
}

void ImagesView::update_readout() {
  if (!image_) {
    readout_->setText(QStringLiteral("<span style='color:%1'><b>No image:</b> %2</span> — %3")
                          .arg(css(plot_colours().error_text), data_error_.toHtmlEscaped(),
                               tr("open one of your own with “Open Image…”")));
    return;
  }
  QString text = readout_line(current_model(), shown_, coverage_, comparing());
  if (comparing()) {
    text += QStringLiteral("<br>") +
            readout_line(compare_model(), compare_shown_, compare_coverage_, /*named=*/true);
  }
  if (busy_->shown()) text = busy_readout(revealed_.size(), plot_colours()) + text;
  readout_->setText(text);
}

}  // namespace nplab::ui

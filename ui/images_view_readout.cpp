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
  panels_->set_title(ImagePanels::Panel::Mean, tr("Predictive mean (%1)").arg(grid));
  panels_->set_title(ImagePanels::Panel::Stddev, tr("Predictive std (%1)").arg(grid));
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

void ImagesView::update_readout() {
  if (!image_) {
    readout_->setText(QStringLiteral("<span style='color:%1'><b>No image:</b> %2</span> — %3")
                          .arg(css(plot_colours().error_text), data_error_.toHtmlEscaped(),
                               tr("open one of your own with “Open Image…”")));
    return;
  }
  if (!error_.isEmpty()) {
    readout_->setText(QStringLiteral("<span style='color:%1'><b>Error:</b> %2</span>")
                          .arg(css(plot_colours().error_text), error_.toHtmlEscaped()));
    return;
  }
  if (!shown_) {
    readout_->setText(QStringLiteral("<b>N = %1</b>").arg(revealed_.size()) +
                      tr(" · waiting for the model…"));
    return;
  }
  const auto& update = shown_->update;
  const QString mode = update_mode_readout(update, plot_colours());
  const QLocale locale(QLocale::English);
  QString text =
      QStringLiteral("<b>N = %1</b> revealed").arg(update.count) +
      training_readout(shown_->model.training, update.count, /*x_outside=*/false,
                       /*show_x=*/false, plot_colours()) +
      device_readout(*readout_, shown_->model.device, shown_->device_notice) +
      QStringLiteral(" · last update: <b>%1 µs</b> (%2) · state: %3")
          .arg(locale.toString(update.micros, 'f', 0), mode, format_bytes(update.state_bytes));
  text += tr(" · predicting %1 targets: %2 ms")
              .arg(locale.toString(static_cast<qlonglong>(shown_->prediction.mean.size())))
              .arg(locale.toString(shown_->prediction.micros / 1000.0, 'f', 1));
  if (!update.note.empty()) {
    text += QStringLiteral(" <i>(%1)</i>").arg(QString::fromStdString(update.note).toHtmlEscaped());
  }
  if (busy_->shown()) text = busy_readout(revealed_.size(), plot_colours()) + text;
  readout_->setText(text);
}

}  // namespace nplab::ui

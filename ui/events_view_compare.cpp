// The Events view's second model and its readout: "Compare with…" draws another model's
// next-event density and mark probabilities beside the first's, on the same events, and the
// readout gives each model's update time, kind of update and state size (see
// EventsView::set_compare_model).

#include <QComboBox>
#include <QLabel>
#include <QLocale>
#include <QSignalBlocker>

#include "events_plot.h"
#include "events_view.h"
#include "theme.h"
#include "view_controls.h"

namespace nplab::ui {

void EventsView::set_compare_model(int index) {
  set_compare_pane(index);
  request_prediction();
}

void EventsView::set_compare_pane(int index) {
  if (index < -1 || index >= models().size()) index = -1;
  {
    const QSignalBlocker quiet(compare_picker_);
    compare_picker_->setCurrentIndex(index + 1);
  }
  update_labels();
  // What was drawn for the other choice goes at once; the answer for this one follows.
  plot_->set_compare_prediction(std::nullopt);
  if (shown_ && shown_->ok()) {
    bars_->set_probabilities(
        shown_->prediction.mark_probabilities,
        shown_->truth && truth_shown() ? shown_->truth->mark_probabilities : std::vector<double>{});
  }
  update_readout();
}

int EventsView::compare_model() const {
  return compare_picker_ ? compare_picker_->currentIndex() - 1 : -1;
}

void EventsView::update_labels() {
  const auto label = [this](int index) {
    return index >= 0 && index < models().size() ? models()[index].label : tr("model");
  };
  plot_->set_model_labels(label(current_model()),
                          comparing() ? label(compare_model()) : tr("compared"));
}

QString EventsView::model_readout(int model, const EventsModelAnswer& answer) const {
  const auto colours = plot_colours();
  const QString label = model >= 0 && model < models().size()
                            ? models()[model].label
                            : QString::fromStdString(answer.model.name);
  QString text = QStringLiteral("<b>%1</b>").arg(label.toHtmlEscaped());
  if (!answer.ok()) {
    return text +
           QStringLiteral(" · <span style='color:%1'>%2</span>")
               .arg(css(colours.error_text), QString::fromStdString(answer.error).toHtmlEscaped());
  }
  const QLocale locale(QLocale::English);
  const auto& update = answer.update;
  const auto& prediction = answer.prediction;
  text += tr(" · last update: <b>%1 µs</b> (%2) · state: %3")
              .arg(locale.toString(update.micros, 'f', 0),
                   update_mode_readout(update, colours, tr("events")),
                   format_bytes(update.state_bytes));
  if (prediction.mean) {
    text += tr(" · next event: t = %1")
                .arg(locale.toString(prediction.last_time + *prediction.mean, 'f', 2));
    if (prediction.stddev) {
      text += QStringLiteral(" ± %1").arg(locale.toString(*prediction.stddev, 'f', 2));
    }
  }
  if (!update.note.empty()) {
    text += QStringLiteral(" <i>(%1)</i>").arg(QString::fromStdString(update.note).toHtmlEscaped());
  }
  return text;
}

void EventsView::update_readout() {
  const auto colours = plot_colours();
  if (!error_.isEmpty()) {
    readout_->setText(QStringLiteral("<span style='color:%1'><b>Error:</b> %2</span>")
                          .arg(css(colours.error_text), error_.toHtmlEscaped()));
    return;
  }
  if (!shown_ || !shown_->ok()) {
    readout_->setText(tr("<b>%1 events</b> · waiting for the model…").arg(events_.size()));
    return;
  }
  const QLocale locale(QLocale::English);
  QString text =
      tr("<b>%1 events</b> · ").arg(shown_->update.count) + model_readout(current_model(), *shown_);
  if (shown_->truth && truth_shown()) {
    text += tr(" · oracle: t = %1")
                .arg(locale.toString(shown_->prediction.last_time + shown_->truth->mean, 'f', 2));
  }
  if (!shown_->truth_error.empty()) {
    text += QStringLiteral(" · <span style='color:%1'>%2</span>")
                .arg(css(colours.error_text),
                     QString::fromStdString(shown_->truth_error).toHtmlEscaped());
  }
  // The compared model on a line of its own, in its curve's colour.
  if (comparing()) {
    text += QStringLiteral("<br><span style='color:%1'>■</span> %2 ")
                .arg(css(compare_colour()), tr("compared with"));
    text += shown_->compare ? model_readout(compare_model(), *shown_->compare)
                            : QStringLiteral("<b>%1</b> · %2")
                                  .arg(models()[compare_model()].label.toHtmlEscaped(),
                                       tr("waiting for the model…"));
  }
  readout_->setText(text);
}

}  // namespace nplab::ui

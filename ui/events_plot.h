#pragma once
// The Events view's plots: the timeline (events as marks coloured by their mark, the model's
// density of the next event right of the last one with its mean ±σ, and the hidden process's true
// intensity and oracle density as overlays), and a small bar chart of the next mark's
// probabilities.

#include <qcustomplot.h>

#include <QColor>
#include <optional>
#include <vector>

#include "nplab/facade/event_explorer.h"

namespace nplab::ui {

/// One colour per mark, the same in every plot.
QColor mark_colour(int mark);

class EventsPlot : public QCustomPlot {
  Q_OBJECT

 public:
  explicit EventsPlot(int marks, QWidget* parent = nullptr);

  /// The events, `selected` (-1: none) drawn larger.
  void set_events(const std::vector<facade::MarkedEvent>& events, int selected);
  /// The model's next-event density; an empty prediction clears it.
  void set_prediction(const std::optional<facade::NextEventPrediction>& prediction);
  /// The hidden process's intensity and the oracle's next-event density, or nothing.
  void set_truth(const std::optional<facade::ProcessTruth>& truth, double last_time, bool shown);
  /// The time axis runs from 0 to `end`.
  void set_time_span(double end);
  double time_span() const { return xAxis->range().upper; }
  /// The pixel row of the event marks (they sit on a strip below the curves).
  double event_row_pixel() const;

  /// Graph names, for tests and legends.
  static constexpr const char* kDensity = "model: next-event density";
  static constexpr const char* kIntensity = "true intensity";
  static constexpr const char* kOracle = "oracle: next-event density";

 private:
  void fit_y();

  int marks_;
  std::vector<QCPGraph*> mark_graphs_;
  QCPGraph* density_ = nullptr;
  QCPGraph* mean_ = nullptr;
  QCPGraph* intensity_ = nullptr;
  QCPGraph* oracle_ = nullptr;
  QCPItemRect* sigma_band_ = nullptr;
  std::vector<facade::MarkedEvent> events_;
  int selected_ = -1;
};

/// P(next mark = k) of the model (filled) and of the oracle (outlined).
class MarkBars : public QCustomPlot {
  Q_OBJECT

 public:
  explicit MarkBars(int marks, QWidget* parent = nullptr);
  void set_probabilities(const std::vector<double>& model, const std::vector<double>& oracle);
  std::vector<double> model_probabilities() const;

 private:
  QCPBars* model_ = nullptr;
  QCPBars* oracle_ = nullptr;
};

}  // namespace nplab::ui

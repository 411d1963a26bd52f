#pragma once
// The Events view's plots: the timeline (events as marks coloured by their mark, the model's
// density of the next event right of the last one with its mean ±σ, a second model's density
// beside it when two are compared, and the hidden process's true intensity and oracle density as
// overlays), and a small bar chart of the next mark's probabilities.

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
  /// The compared model's next-event density and mean; nullopt: nothing is compared.
  void set_compare_prediction(const std::optional<facade::NextEventPrediction>& prediction);
  /// The legend's names of the two models' curves ("cmhp.pt: next-event density").
  void set_model_labels(const QString& model, const QString& compared);
  QCPGraph* density_graph() const { return density_; }
  QCPGraph* compare_density_graph() const { return compare_density_; }
  /// The hidden process's intensity and the oracle's next-event density, or nothing.
  void set_truth(const std::optional<facade::ProcessTruth>& truth, double last_time, bool shown);
  /// The time axis runs from 0 to `end`.
  void set_time_span(double end);
  double time_span() const { return xAxis->range().upper; }
  /// The pixel row of the event marks (they sit on a strip below the curves).
  double event_row_pixel() const;

  /// Graph names, for tests and legends (the two models' densities are named after their models).
  static constexpr const char* kIntensity = "true intensity";
  static constexpr const char* kOracle = "oracle: next-event density";

 private:
  void fit_y();

  int marks_;
  std::vector<QCPGraph*> mark_graphs_;
  QCPGraph* density_ = nullptr;
  QCPGraph* mean_ = nullptr;
  QCPGraph* compare_density_ = nullptr;
  QCPGraph* compare_mean_ = nullptr;
  QCPGraph* intensity_ = nullptr;
  QCPGraph* oracle_ = nullptr;
  QCPItemRect* sigma_band_ = nullptr;
  std::vector<facade::MarkedEvent> events_;
  int selected_ = -1;
};

/// The compared model's colour, in the timeline and the bars.
QColor compare_colour();

/// P(next mark = k) of the model (filled), of the compared model (filled, beside it) and of the
/// oracle (outlined).
class MarkBars : public QCustomPlot {
  Q_OBJECT

 public:
  explicit MarkBars(int marks, QWidget* parent = nullptr);
  /// An empty `compared` draws the model's bars alone, centred on their marks.
  void set_probabilities(const std::vector<double>& model, const std::vector<double>& oracle,
                         const std::vector<double>& compared = {});
  std::vector<double> model_probabilities() const;
  std::vector<double> compare_probabilities() const;

 private:
  QCPBars* model_ = nullptr;
  QCPBars* compared_ = nullptr;
  QCPBars* oracle_ = nullptr;
};

}  // namespace nplab::ui

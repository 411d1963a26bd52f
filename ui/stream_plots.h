#pragma once
// The Stream view's three plots: the prediction following the stream over a drawn sample of its
// points (with the hidden function), and the peak resident memory and the state's bytes against
// N, one curve per stream (the main one and the compared one).

#include <QObject>
#include <QPointF>
#include <QVector>
#include <array>
#include <vector>

#include "stream_process.h"

class QCPGraph;
class QCPItemText;
class QCustomPlot;
class QWidget;

namespace nplab::ui {

class StreamPlots {
 public:
  static constexpr int kStreams = 2;
  /// The plots are children of `parent`; the caller lays them out.
  explicit StreamPlots(QWidget* parent);

  QCustomPlot* prediction() const { return plot_; }
  QCustomPlot* memory() const { return memory_plot_; }
  QCustomPlot* state() const { return state_plot_; }

  /// A stream has started: its curves take the model's name, and the main stream draws its
  /// hidden function.
  void begin(int stream, const facade::StreamLine& start);
  /// A sample: the prediction at the start's targets and the sample's newly drawn points.
  void show_prediction(int stream, const facade::StreamLine& start,
                       const facade::StreamLine& sample);
  /// Every sample so far, against N.
  void show_history(int stream, const std::vector<facade::StreamLine>& samples);
  /// Empty plots for a new start; the note that says what Start does goes for good.
  void reset(bool hide_note = true);
  /// Styles the plots again (after a theme change).
  void restyle();

 private:
  QCustomPlot* plot_ = nullptr;
  QCustomPlot* memory_plot_ = nullptr;
  QCustomPlot* state_plot_ = nullptr;
  // On plot_: per stream the mean, the ±2σ band's edges, the drawn points; and the truth.
  std::array<QCPGraph*, kStreams> mean_{}, upper_{}, lower_{}, points_{};
  QCPGraph* truth_graph_ = nullptr;
  QCPItemText* empty_note_ = nullptr;  // what Start does, until the first stream
  std::array<QCPGraph*, kStreams> memory_curve_{}, state_curve_{};
  std::array<std::vector<QPointF>, kStreams> drawn_points_;  // the reservoir's slots
  double y_low_ = -1, y_high_ = 1;  // the prediction's y range in this stream
};

}  // namespace nplab::ui

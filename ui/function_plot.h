#pragma once
// The Functions view's plot: the model's predictive mean with ±1σ/±2σ bands, the context points,
// and, when asked, the hidden function and the oracle GP's mean ±2σ. It only draws; the view
// decides what. The y axis follows what is drawn (see fit_y_range), the x axis is fixed.

#include <qcustomplot.h>

#include <optional>
#include <utility>
#include <vector>

namespace nplab::ui {

/// A note in the middle of `plot`'s axis rect, in the muted text colour (an empty state: what to
/// do first); hidden with setVisible(false). Restyle it with style_note() when the theme changes.
QCPItemText* add_plot_note(QCustomPlot& plot, const QString& text);
void style_note(QCPItemText& note);

class FunctionPlot : public QCustomPlot {
  Q_OBJECT

 public:
  FunctionPlot(double min_x, double max_x, QWidget* parent = nullptr);

  /// The context; with none, a note says how to add one.
  void set_points(const QVector<double>& xs, const QVector<double>& ys, int selected);
  bool shows_empty_note() const;
  void set_prediction(const std::vector<double>& grid, const std::vector<double>& mean,
                      const std::vector<double>& stddev);
  void clear_prediction();
  void set_truth(const std::vector<double>& grid, const std::vector<double>& values);
  void set_oracle(const std::vector<double>& grid, const std::vector<double>& mean,
                  const std::vector<double>& stddev);
  /// Which overlays are drawn (their data is kept while hidden). Call fit_y_range() after.
  void show_overlays(bool truth, bool oracle);

  /// How fit_y_range() may move the y axis.
  enum class YFit {
    Grow,    ///< only outwards: while the user edits, a click lands where its pixel says
    Settle,  ///< grows, and shrinks when the range is much larger than needed (no twitching)
    Tight,   ///< exactly what is drawn (the Fit action)
  };
  /// Fits the y axis to what is drawn: the points, the curves, and the ±2σ bands, though never
  /// letting a band (an untrained model's can be huge) stretch the axis past twice the height of
  /// the rest.
  void fit_y_range(YFit mode = YFit::Settle);

  /// Replots at most once per frame however many updates arrive (PlotJuggler's way).
  void schedule_replot();
  /// Replots now (at the next paint), cancelling a scheduled one.
  void replot_now();

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  /// Colours the frame (style_plot) and the curves for the palette's light or dark background.
  void restyle();
  /// The context points' look: ringed circles, or plain dots when there are very many.
  void style_points();
  /// Lays the legend out in as many columns as the plot's width holds.
  void wrap_legend();
  QCPGraph* add_curve(const QString& name);
  /// Two edges, the area between them filled (restyle() sets the fill).
  std::pair<QCPGraph*, QCPGraph*> add_band(const QString& upper_name, const QString& lower_name);

  QTimer* replot_timer_ = nullptr;
  QCPGraph* band2_upper_ = nullptr;
  QCPGraph* band2_lower_ = nullptr;
  QCPGraph* band1_upper_ = nullptr;
  QCPGraph* band1_lower_ = nullptr;
  QCPGraph* mean_ = nullptr;
  QCPGraph* truth_ = nullptr;
  QCPGraph* oracle_mean_ = nullptr;
  QCPGraph* oracle_upper_ = nullptr;
  QCPGraph* oracle_lower_ = nullptr;
  QCPGraph* context_ = nullptr;
  QCPGraph* selection_ = nullptr;
  bool dense_ = false;  // whether the context points are drawn as plain dots
  QCPItemText* empty_note_ = nullptr;  // "click to add a point", while there are none
  // The overlays shown now (truth, oracle); rebuilding the legend is skipped when unchanged.
  std::optional<std::pair<bool, bool>> overlays_;
};

}  // namespace nplab::ui

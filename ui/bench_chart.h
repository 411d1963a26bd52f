#pragma once
// Benchmark curves against the context size N on log–log axes: one or more panels side by side,
// one curve per model (series) in a colour of its own, a shared legend underneath. Values that
// were predicted rather than measured (sizes too large to run) are drawn as ⊗ without a line.
// The Memory view draws its sweeps with it, and `nplab --plot` its figures of benchmark CSVs.

#include <QColor>
#include <QList>
#include <QString>

#include <map>
#include <utility>

class QCPAxisRect;
class QCPGraph;
class QCustomPlot;

namespace nplab::ui {

class BenchChart {
 public:
  struct Panel {
    QString title;
    QString y_label;
  };

  /// Lays `plot` out (its default axis rect and legend are replaced) with `panels`, left to
  /// right. The chart draws into `plot`, which must outlive it.
  BenchChart(QCustomPlot& plot, const QList<Panel>& panels);

  int panel_count() const { return static_cast<int>(panels_.size()); }
  QCPAxisRect* axis_rect(int panel) const { return panels_.at(panel); }

  /// A measured value of `series` at context size `n` in `panel`, joined to the series' others.
  void add_point(int panel, const QString& series, double n, double value);
  /// A predicted value, drawn as ⊗ and explained in the legend.
  void add_predicted(int panel, const QString& series, double n, double value);
  /// The measured curve of `series` in `panel`, or nullptr before it has data.
  QCPGraph* curve(int panel, const QString& series) const;
  /// Removes every curve.
  void clear();
  /// Fits the axes to the data: one N range for all panels, a y range per panel.
  void rescale();
  /// Recolours what the palette decides (after style_plot()): the legend's ⊗ entry.
  void restyle();

 private:
  struct Curves {
    QCPGraph* measured = nullptr;
    QCPGraph* predicted = nullptr;
  };

  Curves& curves_for(int panel, const QString& series);
  QColor colour_of(const QString& series);

  QCustomPlot& plot_;
  QList<QCPAxisRect*> panels_;
  std::map<std::pair<int, QString>, Curves> curves_;
  std::map<QString, QColor> extra_colours_;  // series without a colour of their own
  QCPGraph* predicted_legend_ = nullptr;     // a legend entry only
};

}  // namespace nplab::ui

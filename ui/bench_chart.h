#pragma once
// Benchmark curves against the context size N on log–log axes: one or more panels side by side,
// one curve per model (series) in a colour of its own, a shared legend underneath. Values that
// were predicted rather than measured (sizes too large to run) are drawn as ⊗ on a dashed line
// that continues the measured curve; notes and vertical markers (a crossover N) can be added.
// The Memory view draws its sweeps with it, and `nplab --plot` its figures of benchmark CSVs.

#include <QColor>
#include <QList>
#include <QString>
#include <QStringList>
#include <map>
#include <utility>
#include <vector>

class QCPAbstractItem;
class QCPAxisRect;
class QCPGraph;
class QCPTextElement;
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
  /// Renames the N axis of every panel (default "context size N") and each panel's title and
  /// y label (as many panels as the chart has).
  void relabel(const QString& x_label, const QList<Panel>& panels);

  /// A measured value of `series` at context size `n` in `panel`, joined to the series' others.
  void add_point(int panel, const QString& series, double n, double value);
  /// A predicted value, drawn as ⊗ on a dashed line from the last measured value (add the
  /// measured ones first), and explained in the legend.
  void add_predicted(int panel, const QString& series, double n, double value);
  /// `text` beside the point (n, value) of `panel`, in the series' colour, to its lower left.
  void add_note(int panel, const QString& series, double n, double value, const QString& text);
  /// A dashed vertical line at N = n across `panel`, `text` at its top, in the series' colour.
  void add_marker(int panel, const QString& series, double n, const QString& text);
  /// The notes' and markers' texts, in the order added (for tests).
  QStringList annotations() const;
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
    QCPGraph* bridge = nullptr;  // dashed, from the last measured value to the first predicted
  };

  Curves& curves_for(int panel, const QString& series);
  QColor colour_of(const QString& series);

  QCustomPlot& plot_;
  QList<QCPAxisRect*> panels_;
  QList<QCPTextElement*> titles_;
  std::map<std::pair<int, QString>, Curves> curves_;
  std::map<QString, QColor> extra_colours_;  // series without a colour of their own
  QCPGraph* predicted_legend_ = nullptr;     // a legend entry only
  std::vector<QCPAbstractItem*> items_;      // notes and markers, owned by plot_
};

}  // namespace nplab::ui

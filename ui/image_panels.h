#pragma once
// The Images view's picture: four square colour maps side by side in one QCustomPlot (so that
// export writes all of them): the observed pixels (hidden ones in a blue tone), the model's
// predictive mean, its predictive standard deviation (own range, with a colour scale) and the
// ground truth. Comparing two models, the picture is two rows: the observed pixels and the
// first model's mean and std above, the ground truth and the second model's mean and std below
// (each std with its own colour scale). Rows of an image run down, columns across; every panel
// spans the same pixel coordinates, so a point on any of them names the same pixel. It only
// draws; the view decides what.

#include <qcustomplot.h>

#include <optional>
#include <vector>

namespace nplab::ui {

class ImagePanels : public QCustomPlot {
  Q_OBJECT

 public:
  enum class Panel {
    Observed = 0,
    Mean = 1,
    Stddev = 2,
    Truth = 3,
    CompareMean = 4,  ///< the second model's, shown only while comparing
    CompareStddev = 5
  };
  static constexpr int kPanelCount = 6;
  /// The colour of a pixel not revealed yet.
  static const QColor kHiddenColor;

  /// Panels for images of `side` x `side` pixels.
  explicit ImagePanels(int side, QWidget* parent = nullptr);

  /// Intensities in [0, 1] (row-major, side²) of which `revealed[i]` are shown.
  void set_observed(const std::vector<double>& intensities, const std::vector<bool>& revealed);
  void set_truth(const std::vector<double>& intensities);
  /// Mean intensities in [0, 1] and standard deviations, row-major on a grid_side² grid (side
  /// times the resolution).
  void set_prediction(int grid_side, const std::vector<double>& mean,
                      const std::vector<double>& stddev);
  void clear_prediction();
  /// The second model's mean and std, as set_prediction.
  void set_compare_prediction(int grid_side, const std::vector<double>& mean,
                              const std::vector<double>& stddev);
  void clear_compare_prediction();
  /// Shows the second model's panels (two rows) or hides them (one row, as before comparing).
  void set_comparing(bool comparing);
  bool comparing() const { return comparing_; }
  /// Whether `panel` is part of the picture now (the compare panels only while comparing).
  bool shows(Panel panel) const;
  void set_title(Panel panel, const QString& title);
  QString title(Panel panel) const;

  QCPColorMap* map(Panel panel) const { return maps_[static_cast<int>(panel)]; }
  /// The pixel (row-major index) under a widget position, with the panel it lies on.
  struct Hit {
    Panel panel;
    int pixel;
  };
  std::optional<Hit> hit(const QPointF& position) const;
  /// The widget position of a pixel's centre on a panel (for tests and tools).
  QPointF pixel_centre(Panel panel, int pixel) const;

  /// Replots at most once per frame however many updates arrive.
  void schedule_replot();
  void replot_now();

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  /// Colours what the theme decides (background, titles, the colour bar's axis).
  void restyle();
  /// Puts the panels and colour scales into the layout's cells for one row or two.
  void arrange();
  /// Centres a square data area in each panel's cell, whatever the widget's shape.
  void keep_square(const QSize& size);
  void fill_prediction(Panel mean_panel, Panel stddev_panel, QCPColorScale& scale, int grid_side,
                       const std::vector<double>& mean, const std::vector<double>& stddev);
  static void fill(QCPColorMap& map, int grid_side, const std::vector<double>& values,
                   const std::vector<bool>* shown = nullptr);

  int side_;
  std::vector<QCPAxisRect*> rects_;
  std::vector<QCPColorMap*> maps_;
  std::vector<QCPItemText*> titles_;
  QCPColorScale* stddev_scale_ = nullptr;
  QCPColorScale* compare_scale_ = nullptr;
  bool comparing_ = false;
  QTimer* replot_timer_ = nullptr;
};

}  // namespace nplab::ui

#pragma once
// The Images view: image completion. A Fashion-MNIST test image (by index or at random) or a
// person's own PNG/JPG (grey, cropped to its central square, scaled to 28 x 28) is hidden;
// revealed pixels are the model's context, and the view shows the observed pixels, the
// predictive mean and standard deviation (at 1x, 2x or 4x the image's resolution: an NP is
// continuous in x) and the ground truth.
//
// Left click or drag on the observed or mean panel reveals pixels under a brush (radius 0–2),
// right click hides them again; "Reveal k random" and the context-fraction slider reveal many at
// once. The slider walks one fixed random order of the pixels, so moving it back and forth is
// stable. Every edit is undoable (the window's Edit menu); a new image starts a new history.
// Predictions come from the worker thread on the Images channel, latest request wins.
//
// "Compare with" adds a second model: it predicts from the same revealed pixels on its own
// channel (ImagesCompare, its own Explorer), and its mean and std are drawn below the first
// model's, each readout line naming its model. Comparing is not an edit: it is saved in
// sessions but not undone.

#include <QStringList>
#include <QWidget>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "edit_history.h"
#include "editable_view.h"
#include "explorer_worker.h"
#include "model_catalog.h"
#include "nplab/facade/explorer_images.h"

class QAction;
class QComboBox;
class QLabel;
class QMouseEvent;
class QSlider;
class QSpinBox;

namespace nplab::ui {

class BusyIndicator;
class EditButtons;
class ImagePanels;
class ModelPicker;

/// Where the image on show comes from.
struct ImageSource {
  enum class Kind { FashionMnist, File };
  Kind kind = Kind::FashionMnist;
  std::int64_t index = 0;  ///< the Fashion-MNIST test image (Kind::FashionMnist)
  QString path;            ///< the image file (Kind::File)
  friend bool operator==(const ImageSource&, const ImageSource&) = default;
};

class ImagesView : public QWidget, public EditableView {
  Q_OBJECT

 public:
  static constexpr int kSide = facade::kImageSide;
  static constexpr int kPixels = kSide * kSide;
  static constexpr int kMaxBrushRadius = 2;
  /// The query resolutions offered: the mean and std are predicted on a grid this many times
  /// finer than the image.
  static constexpr std::array<int, 3> kResolutions{1, 2, 4};

  /// `worker` must outlive the view's requests. `model_dirs` are searched for checkpoints
  /// (default_model_dirs() when empty); `data_dir` holds the Fashion-MNIST files.
  explicit ImagesView(ExplorerWorker& worker, QStringList model_dirs = {},
                      const QString& data_dir = QString::fromUtf8(facade::kFashionMnistDirectory),
                      QWidget* parent = nullptr);

  // What is shown.
  const std::optional<facade::PixelImage>& image() const { return image_; }
  const ImageSource& source() const { return source_; }
  /// The revealed pixels (row-major indices), in the order they were revealed.
  const std::vector<int>& revealed() const { return revealed_; }
  /// The context the model is given: the revealed pixels as points.
  std::vector<facade::ContextPoint> points() const;
  int resolution() const { return resolution_; }
  /// The side of the mean and std panels' grid: kSide · resolution().
  int grid_side() const { return kSide * resolution_; }
  /// Test images available (0 when the data could not be read; see data_error()).
  std::int64_t test_image_count() const;
  const QString& data_error() const { return data_error_; }
  const QList<ModelChoice>& models() const;
  int current_model() const;
  const std::optional<PredictionResult>& shown() const { return shown_; }
  /// Whether what is drawn answers the latest request.
  bool is_settled() const;
  /// Whether the view says it is computing (a request unanswered for BusyIndicator::kDelayMs).
  bool shows_busy() const;
  ImagePanels* panels() const { return panels_; }
  /// The readout under the picture (rich text).
  QString readout_text() const;
  /// The shown prediction's band coverage of the hidden pixels (1x grid, revealed pixels now).
  const std::optional<facade::BandCoverage>& coverage() const { return coverage_; }

  // Comparing with a second model.
  /// Predicts with models()[index] too, beside the current model; -1 stops comparing.
  void set_compare_model(int index);
  /// The compared model's index into models(), -1 when not comparing.
  int compare_model() const;
  bool comparing() const { return compare_model() >= 0; }
  /// The last prediction of the compared model drawn, if any, and its band coverage.
  const std::optional<PredictionResult>& compare_shown() const { return compare_shown_; }
  const std::optional<facade::BandCoverage>& compare_coverage() const { return compare_coverage_; }

  // Context edits, each undoable.
  /// Reveals those of `pixels` not revealed yet (out-of-range ones are ignored).
  void reveal_pixels(const std::vector<int>& pixels);
  void hide_pixels(const std::vector<int>& pixels);
  /// Reveals `count` more pixels drawn uniformly among the hidden ones.
  void reveal_random(int count);
  /// Reveals or hides along the fixed random order until round(fraction · kPixels) are revealed.
  void set_context_fraction(double fraction);
  void set_revealed(std::vector<int> pixels);
  /// The pixels within `radius` of `centre` (a disc; radius 0 is the pixel itself).
  static std::vector<int> brush(int centre, int radius);
  void clear_points() override;
  /// A fresh start: a random test image, nothing revealed, no undo history.
  void new_session() override;
  void undo() override;
  void redo() override;
  bool can_undo() const override { return history_.can_undo(); }
  bool can_redo() const override { return history_.can_redo(); }
  bool can_clear() const override { return !revealed_.empty(); }
  /// The undo and redo stacks of revealed lists, read-only.
  const SnapshotHistory<std::vector<int>>& history() const { return history_; }

  // The image; each starts a new history with nothing revealed.
  bool show_test_image(std::int64_t index);
  void show_random_test_image();
  /// Reports an unreadable file (error_reported) and changes nothing.
  bool open_image_file(const QString& path);
  /// The image `source` names, read without changing anything (for opening sessions).
  facade::Outcome<facade::PixelImage> load(const ImageSource& source) const;

  void set_resolution(int upsample);
  void set_brush_radius(int radius);
  void select_model(int index);
  /// Offers one more model (a checkpoint outside the searched folders); returns its index.
  int add_model_choice(const ModelChoice& choice);
  /// Makes random reveals and random images reproducible.
  void set_random_seed(std::uint64_t seed) { random_.seed(seed); }

  /// Replaces everything a session holds at once, without undo history. `image` must be what
  /// `source` names (see load()); revealed pixels must be distinct and in range.
  /// `compare_index` -1 compares nothing.
  void restore(const ImageSource& source, facade::PixelImage image, int model_index,
               std::vector<int> revealed, int resolution, int compare_index = -1);

 signals:
  void settled();
  void history_changed();
  void error_reported(const QString& title, const QString& message);
  void status_message(const QString& message);

 private:
  void build_controls(QList<ModelChoice> choices);
  void show_image(ImageSource source, facade::PixelImage image);

  void on_mouse_press(QMouseEvent* event);
  void on_mouse_move(QMouseEvent* event);
  void on_mouse_release(QMouseEvent* event);
  /// Reveals (or hides) the brush under the mouse as part of the current stroke.
  void paint_at(const QPointF& position, bool reveal);
  /// A stroke (a drag of the brush or of the slider) is one undo step: its first change records
  /// the list from before the stroke, later ones join it.
  void start_stroke();
  void end_stroke();
  /// After an undo, a redo or a clear in the middle of a stroke: the rest of the stroke is a
  /// new undo step (joining the old one would change a state the history no longer shows).
  void restart_stroke();
  /// Makes `next` the revealed list as an undoable edit (or part of the current stroke).
  void edit(std::vector<int> next);
  /// Makes `next` the revealed list; records the current one for undo unless told not to.
  void commit(std::vector<int> next, bool record_undo = true);
  /// Posts the latest picture once control returns to the event loop (many edits, one request).
  void request_prediction();
  void post_request();
  void show_result(const PredictionResult& result);
  void show_compare_result(const PredictionResult& result);
  /// A prediction's mean as pixel intensities, on the square grid it was asked on.
  struct Picture {
    int side = 0;
    std::vector<double> mean;
  };
  static Picture intensity_picture(const facade::GridPrediction& prediction);
  /// The compare picker and panels for `index` (-1: none), without a request.
  void set_compare_pane(int index);
  /// Whether `shown` answers the latest request.
  bool answers_latest(const std::optional<PredictionResult>& shown) const;
  /// The hidden pixels' band coverage of `result`, when it answers the latest request.
  std::optional<facade::BandCoverage> coverage_of(const PredictionResult& result) const;
  /// One model's part of the readout; `named` starts it with the model's label.
  QString readout_line(int model, const std::optional<PredictionResult>& shown,
                       const std::optional<facade::BandCoverage>& coverage, bool named) const;
  void draw_observed();
  void update_titles();
  void update_readout();
  void update_actions();

  ExplorerWorker& worker_;
  QString data_dir_;
  std::optional<facade::FashionMnistTestSet> test_set_;
  QString data_error_;
  ImageSource source_;
  std::optional<facade::PixelImage> image_;
  std::vector<int> revealed_;
  SnapshotHistory<std::vector<int>> history_;
  bool in_stroke_ = false;
  std::optional<std::vector<int>> stroke_start_;  // the list before a stroke, until it changes
  bool painting_ = false;
  bool painting_reveals_ = true;
  /// rank_[pixel]: the pixel's place in the slider's fixed random order.
  std::vector<int> order_;
  std::vector<int> rank_;
  int resolution_ = 1;
  int brush_radius_ = 0;
  std::map<int, std::vector<double>> query_grids_;  // targets per resolution: 1, 2, 4
  std::uint64_t generation_ = 0;
  bool request_scheduled_ = false;
  std::optional<PredictionResult> shown_;
  // The shown prediction's band coverage of the hidden pixels (1x grid, current pixels only).
  std::optional<facade::BandCoverage> coverage_;
  std::optional<PredictionResult> compare_shown_;
  std::optional<facade::BandCoverage> compare_coverage_;
  std::uint64_t compare_since_ = 0;  // the generation when the compared model last changed
  std::mt19937_64 random_{std::random_device{}()};

  ImagePanels* panels_ = nullptr;
  BusyIndicator* busy_ = nullptr;  // "computing…" over the panels while a request is slow
  ModelPicker* model_picker_ = nullptr;
  EditButtons* edit_buttons_ = nullptr;
  QSpinBox* image_index_ = nullptr;
  QComboBox* resolution_picker_ = nullptr;
  QSpinBox* brush_picker_ = nullptr;
  QSpinBox* reveal_count_ = nullptr;
  QSlider* fraction_slider_ = nullptr;
  QLabel* fraction_label_ = nullptr;
  QLabel* readout_ = nullptr;
  QComboBox* compare_picker_ = nullptr;  // "none", then models() in order
};

}  // namespace nplab::ui

#pragma once
// The Stream view: the constant-memory claim, live. It feeds a model a long stream of points, a
// million and beyond, from noisy samples of a hidden function (the generator) or a CSV read as it
// goes, and shows the prediction following the stream, a uniform sample of the points streamed,
// and a strip of live figures: N, the process's resident memory, the model state's bytes, the
// update time and points per second. Below, the peak resident memory and the state's bytes are
// plotted against N: flat for CMANP. The same stream into a second model (LBANP, TNP-D) shows
// their memory growing until the memory cap stops them with a message.
//
// Each stream runs in a child process (StreamProcess), so the figures are the stream's own and the
// GUI only draws. Pause holds the children, Resume lets them go on, Stop ends them.

#include <QList>
#include <QString>
#include <QWidget>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "model_catalog.h"
#include "stream_plots.h"
#include "stream_process.h"

class QComboBox;
class QCPGraph;
class QCPItemText;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace nplab::ui {

class StreamView : public QWidget {
  Q_OBJECT

 public:
  /// The stream in the main slot, and the compared one.
  enum Slot { Main = 0, Compare = 1 };

  /// What one stream has shown so far.
  struct Trace {
    QString model;  ///< the model's registry name, once the child said it
    std::optional<facade::StreamLine> start;
    std::optional<facade::StreamLine> last;  ///< the latest sample
    std::optional<facade::StreamLine> end;
    std::vector<facade::StreamLine>
        samples;  ///< every sample's figures (without prediction and points)
    std::int64_t bad_rows = 0;
    QString first_bad_row;  ///< "file:line: problem"
    QString error;          ///< why it failed, if it did
    bool stopped_by_user = false;
    bool running = false;
  };

  /// `model_dirs` are searched for 1-D checkpoints (default_model_dirs() when empty).
  explicit StreamView(QStringList model_dirs = {}, QWidget* parent = nullptr);
  ~StreamView() override;

  const QList<ModelChoice>& models() const { return models_; }
  int current_model() const;
  void select_model(int index);
  /// Selects the model of this label ("cmanp.pt", "untrained: cmanp"); false when not offered.
  bool select_model(const QString& label);
  /// -1: no second stream.
  void set_compare_model(int index);
  int compare_model() const;

  /// The generator: `points` noisy samples of the hidden function.
  void use_generator(std::int64_t points);
  /// A CSV of x,y rows, read as the stream needs them.
  void use_csv(const QString& path);
  bool uses_csv() const;
  QString csv_path() const { return csv_path_; }
  /// The generator's hidden function (the Functions view's, when it hands over).
  void set_truth(const facade::TruthSpec& truth) { truth_ = truth; }
  const facade::TruthSpec& truth() const { return truth_; }
  /// Points per second at most, 0 for as fast as the model takes them.
  void set_rate(double points_per_second);
  void set_cap_gib(double gib);
  /// The rest of what a stream is started with (sampling, targets, device, seed).
  StreamRequest& request_defaults() { return defaults_; }

  /// Starts the stream (and the compared one); false, with the reason in the status line, when
  /// it cannot.
  bool start();
  void pause();
  void resume();
  void stop();
  bool is_running() const;
  bool is_paused() const;

  const Trace& trace(Slot slot) const { return traces_[slot]; }
  QCustomPlot* plot() const { return plots_->prediction(); }
  QCustomPlot* memory_plot() const { return plots_->memory(); }
  QCustomPlot* state_plot() const { return plots_->state(); }
  /// The live strip's text for a slot, and the status line's.
  QString strip_text(Slot slot) const;
  QString status_text() const;

 signals:
  /// Every stream of the last start() has ended (at its end, stopped, or failed).
  void streams_finished();

 private:
  void build_controls();
  void build_plots();
  void on_line(Slot slot, const facade::StreamLine& line);
  void on_finished(Slot slot, bool stopped, const QString& error);
  void update_buttons();
  void update_strip(Slot slot);
  void update_status();
  std::optional<StreamRequest> request_for(int model_index, QString& problem) const;

  QList<ModelChoice> models_;
  facade::TruthSpec truth_;
  StreamRequest defaults_;
  QString csv_path_;
  std::array<std::unique_ptr<StreamProcess>, 2> processes_;
  std::array<Trace, 2> traces_;
  QString status_;
  bool status_is_error_ = false;

  QComboBox* model_picker_ = nullptr;
  QComboBox* compare_picker_ = nullptr;
  QComboBox* source_picker_ = nullptr;
  QLabel* csv_label_ = nullptr;
  QSpinBox* points_spin_ = nullptr;
  QComboBox* rate_picker_ = nullptr;
  QDoubleSpinBox* cap_spin_ = nullptr;
  QPushButton* start_ = nullptr;
  QPushButton* pause_ = nullptr;
  QPushButton* stop_ = nullptr;
  std::array<QLabel*, 2> strips_{};
  QLabel* status_label_ = nullptr;
  std::unique_ptr<StreamPlots> plots_;
};

}  // namespace nplab::ui

#pragma once
// The Functions view's "hidden function" controls: which kernel the truth is drawn from and its
// hyperparameters, a new draw, revealing points of it (at random, or where the model is least
// certain: active learning), and whether to overlay the truth and the oracle GP.

#include <QGroupBox>

#include "nplab/facade/ground_truth.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QPushButton;

namespace nplab::ui {

class TruthPanel : public QGroupBox {
  Q_OBJECT

 public:
  explicit TruthPanel(QWidget* parent = nullptr);

  /// The kernel, hyperparameters and seed: as last set, with the person's edits applied.
  const facade::TruthSpec& spec() const { return spec_; }
  /// Shows `spec` without emitting spec_changed.
  void set_spec(const facade::TruthSpec& spec);
  bool truth_shown() const;
  bool oracle_shown() const;
  /// Ticks the boxes without emitting overlays_changed.
  void set_overlays(bool truth, bool oracle);

 signals:
  void spec_changed();
  void overlays_changed();
  void new_function_requested();
  void reveal_random_requested();
  void reveal_uncertain_requested();

 private:
  /// Takes the widgets' values into spec_ and announces the change.
  void take_edit();
  void enable_period();

  facade::TruthSpec spec_;
  QComboBox* kernel_ = nullptr;
  QDoubleSpinBox* lengthscale_ = nullptr;
  QDoubleSpinBox* period_ = nullptr;
  QCheckBox* show_truth_ = nullptr;
  QCheckBox* show_oracle_ = nullptr;
};

}  // namespace nplab::ui

#include "truth_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QVBoxLayout>
#include <QPushButton>
#include <QSignalBlocker>

namespace nplab::ui {
namespace {

QDoubleSpinBox* make_spin(QWidget* parent, const char* name, double low, double high,
                          double step, const QString& tip) {
  auto* spin = new QDoubleSpinBox(parent);
  spin->setObjectName(name);
  spin->setRange(low, high);
  spin->setSingleStep(step);
  spin->setDecimals(2);
  spin->setToolTip(tip);
  spin->setKeyboardTracking(false);  // one change per finished edit, not per keystroke
  return spin;
}

QPushButton* make_button(QWidget* parent, const QString& text, const char* name,
                         const QString& tip) {
  auto* button = new QPushButton(text, parent);
  button->setObjectName(name);
  button->setToolTip(tip);
  return button;
}

}  // namespace

TruthPanel::TruthPanel(QWidget* parent) : QGroupBox(tr("Hidden function"), parent) {
  setObjectName("truthPanel");
  setToolTip(tr("A function drawn from a Gaussian process: reveal it point by point and see "
                "how close the model gets to the best possible fit (the oracle GP)"));
  auto* column = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  column->addLayout(form);

  kernel_ = new QComboBox(this);
  kernel_->setObjectName("truthKernel");
  kernel_->addItem(tr("RBF"), static_cast<int>(facade::TruthKernel::RBF));
  kernel_->addItem(tr("Matérn 5/2"), static_cast<int>(facade::TruthKernel::Matern52));
  kernel_->addItem(tr("periodic"), static_cast<int>(facade::TruthKernel::Periodic));
  kernel_->setToolTip(tr("The Gaussian-process kernel the hidden function is drawn from"));
  form->addRow(tr("kernel"), kernel_);
  lengthscale_ = make_spin(this, "truthLengthscale", 0.05, 3.0, 0.05,
                           tr("Lengthscale: how far apart values are still alike"));
  form->addRow(tr("lengthscale ℓ"), lengthscale_);
  period_ = make_spin(this, "truthPeriod", 0.1, 4.0, 0.1, tr("Period of the periodic kernel"));
  form->addRow(tr("period"), period_);

  auto* new_function = make_button(this, tr("New function"), "newFunctionButton",
                                   tr("Draw another hidden function and start afresh"));
  auto* reveal_random = make_button(this, tr("Reveal a random point"), "revealRandomButton",
                                    tr("Add (x, f(x) + noise) at a random x"));
  auto* reveal_uncertain =
      make_button(this, tr("Reveal where least certain"), "revealUncertainButton",
                  tr("Active learning: add (x, f(x) + noise) where the model's std is largest"));
  for (auto* button : {new_function, reveal_random, reveal_uncertain}) column->addWidget(button);
  column->addSpacing(6);
  show_truth_ = new QCheckBox(tr("show the function"), this);
  show_truth_->setObjectName("showTruth");
  show_truth_->setToolTip(tr("Draw the hidden function the revealed points are noisy samples of"));
  show_oracle_ = new QCheckBox(tr("show the oracle GP ±2σ"), this);
  show_oracle_->setObjectName("showOracle");
  show_oracle_->setToolTip(
      tr("Exact GP regression with the true kernel and hyperparameters: the best possible fit"));
  column->addWidget(show_truth_);
  column->addWidget(show_oracle_);
  column->addStretch(1);

  set_spec(facade::TruthSpec{});
  connect(kernel_, &QComboBox::currentIndexChanged, this, &TruthPanel::take_edit);
  for (auto* spin : {lengthscale_, period_}) {
    connect(spin, &QDoubleSpinBox::valueChanged, this, &TruthPanel::take_edit);
  }
  connect(new_function, &QPushButton::clicked, this, &TruthPanel::new_function_requested);
  connect(reveal_random, &QPushButton::clicked, this, &TruthPanel::reveal_random_requested);
  connect(reveal_uncertain, &QPushButton::clicked, this, &TruthPanel::reveal_uncertain_requested);
  for (auto* box : {show_truth_, show_oracle_}) {
    connect(box, &QCheckBox::toggled, this, &TruthPanel::overlays_changed);
  }
}

void TruthPanel::take_edit() {
  spec_.kernel = static_cast<facade::TruthKernel>(kernel_->currentData().toInt());
  spec_.lengthscale = lengthscale_->value();
  spec_.period = period_->value();
  enable_period();
  emit spec_changed();
}

void TruthPanel::set_spec(const facade::TruthSpec& spec) {
  const QSignalBlocker block_kernel(kernel_), block_lengthscale(lengthscale_),
      block_period(period_);
  kernel_->setCurrentIndex(kernel_->findData(static_cast<int>(spec.kernel)));
  lengthscale_->setValue(spec.lengthscale);
  period_->setValue(spec.period);
  spec_ = spec;  // exactly, not as rounded for display
  enable_period();
}

bool TruthPanel::truth_shown() const { return show_truth_->isChecked(); }
bool TruthPanel::oracle_shown() const { return show_oracle_->isChecked(); }

void TruthPanel::set_overlays(bool truth, bool oracle) {
  const QSignalBlocker block_truth(show_truth_), block_oracle(show_oracle_);
  show_truth_->setChecked(truth);
  show_oracle_->setChecked(oracle);
}

void TruthPanel::enable_period() {
  period_->setEnabled(kernel_->currentData().toInt() ==
                      static_cast<int>(facade::TruthKernel::Periodic));
}

}  // namespace nplab::ui

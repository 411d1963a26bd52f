// The Images view's controls: the image and model row, the reveal row, the readout (split from
// images_view.cpp, which holds the behaviour).

#include <QAction>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <utility>

#include "image_panels.h"
#include "images_view.h"
#include "view_controls.h"

namespace nplab::ui {

void ImagesView::build_controls(QList<ModelChoice> choices) {
  auto* layout = new QVBoxLayout(this);

  // Row 1: the image, the model and the edit buttons.
  auto* image_row = new QHBoxLayout;
  QHBoxLayout* edit_buttons_row = nullptr;
  layout->addLayout(image_row);
  auto* image_label = new QLabel(tr("Test image:"), this);
  image_label->setToolTip(tr("The index of a Fashion-MNIST test image"));
  image_row->addWidget(image_label);
  image_index_ = new QSpinBox(this);
  image_index_->setObjectName("imageIndex");
  image_index_->setToolTip(image_label->toolTip());
  image_index_->setRange(0, std::max<int>(0, static_cast<int>(test_image_count()) - 1));
  image_index_->setKeyboardTracking(false);  // one image per finished edit
  image_index_->setEnabled(test_set_.has_value());
  connect(image_index_, &QSpinBox::valueChanged, this, [this](int index) {
    if (source_.kind != ImageSource::Kind::FashionMnist || source_.index != index) {
      show_test_image(index);
    }
  });
  image_row->addWidget(image_index_);
  auto* random_image = new QPushButton(tr("Random"), this);
  random_image->setObjectName("randomImageButton");
  random_image->setToolTip(tr("Show a random Fashion-MNIST test image"));
  random_image->setEnabled(test_set_.has_value());
  connect(random_image, &QPushButton::clicked, this, &ImagesView::show_random_test_image);
  image_row->addWidget(random_image);
  auto* open_image = new QPushButton(tr("Open Image…"), this);
  open_image->setObjectName("openImageButton");
  open_image->setToolTip(tr("Complete your own PNG or JPG (grey, central square, 28×28)"));
  connect(open_image, &QPushButton::clicked, this, [this] {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Image"), {}, tr("Images (*.png *.jpg *.jpeg *.bmp *.gif);;All files (*)"));
    if (!path.isEmpty()) open_image_file(path);
  });
  image_row->addWidget(open_image);
  image_row->addSpacing(16);

  model_picker_ = new ModelPicker(
      std::move(choices), "imageModelPicker", 12,
      {tr("⚠ untrained"),
       tr("Random weights: no trained image model was found, so the mean and std are not a fit "
          "to anything yet. Image checkpoints (dim_x 2, e.g. models/fmnist-tnpd.pt) appear "
          "first in the list.")},
      this);
  connect(model_picker_, &ModelPicker::chosen, this, [this] { request_prediction(); });
  image_row->addWidget(model_picker_);
  image_row->addSpacing(8);
  image_row->addWidget(new QLabel(tr("Compare with:"), this));
  compare_picker_ = make_compare_picker(
      *model_picker_, "imageComparePicker", 12,
      tr("A second model predicting from the same revealed pixels, its mean and std drawn below "
         "the first's"),
      [this](int index) { set_compare_model(index); }, this);
  image_row->addWidget(compare_picker_);
  image_row->addStretch(1);
  edit_buttons_row = image_row;

  // Row 2: revealing pixels, the resolution and the edit buttons.
  auto* reveal_row = new QHBoxLayout;
  layout->addLayout(reveal_row);
  auto* reveal_button = new QPushButton(tr("Reveal"), this);
  reveal_button->setObjectName("revealRandomButton");
  reveal_button->setToolTip(tr("Reveal this many more pixels, chosen at random"));
  reveal_count_ = new QSpinBox(this);
  reveal_count_->setObjectName("revealCount");
  reveal_count_->setToolTip(tr("How many pixels Reveal adds"));
  reveal_count_->setRange(1, kPixels);
  reveal_count_->setValue(20);
  connect(reveal_button, &QPushButton::clicked, this,
          [this] { reveal_random(reveal_count_->value()); });
  reveal_row->addWidget(reveal_button);
  reveal_row->addWidget(reveal_count_);
  reveal_row->addWidget(new QLabel(tr("random"), this));
  reveal_row->addSpacing(16);

  reveal_row->addWidget(new QLabel(tr("Context:"), this));
  fraction_slider_ = new QSlider(Qt::Horizontal, this);
  fraction_slider_->setObjectName("contextFraction");
  fraction_slider_->setRange(0, 100);
  fraction_slider_->setMinimumWidth(110);
  fraction_slider_->setToolTip(
      tr("The share of pixels revealed, along one fixed random order of the pixels"));
  connect(fraction_slider_, &QSlider::valueChanged, this,
          [this](int percent) { set_context_fraction(percent / 100.0); });
  // A drag of the slider is one undo step.
  connect(fraction_slider_, &QSlider::sliderPressed, this, &ImagesView::start_stroke);
  connect(fraction_slider_, &QSlider::sliderReleased, this, &ImagesView::end_stroke);
  reveal_row->addWidget(fraction_slider_);
  fraction_label_ = new QLabel(this);
  fraction_label_->setMinimumWidth(fraction_label_->fontMetrics().horizontalAdvance("100 %  "));
  reveal_row->addWidget(fraction_label_);
  reveal_row->addSpacing(16);

  reveal_row->addWidget(new QLabel(tr("Brush:"), this));
  brush_picker_ = new QSpinBox(this);
  brush_picker_->setObjectName("brushRadius");
  brush_picker_->setRange(0, kMaxBrushRadius);
  brush_picker_->setSuffix(tr(" px"));
  brush_picker_->setToolTip(tr("Radius of the brush that reveals pixels (0: one pixel)"));
  connect(brush_picker_, &QSpinBox::valueChanged, this, &ImagesView::set_brush_radius);
  reveal_row->addWidget(brush_picker_);
  reveal_row->addSpacing(16);

  reveal_row->addWidget(new QLabel(tr("Resolution:"), this));
  resolution_picker_ = new QComboBox(this);
  resolution_picker_->setObjectName("resolutionPicker");
  for (const int upsample : kResolutions) {
    resolution_picker_->addItem(tr("%1×").arg(upsample), upsample);
  }
  resolution_picker_->setToolTip(
      tr("Where the mean and std are predicted: 1×, 2× or 4× the image's 28×28 pixels (an NP is "
         "continuous in x, so it can predict between pixels)"));
  connect(resolution_picker_, &QComboBox::currentIndexChanged, this,
          [this](int index) { set_resolution(resolution_picker_->itemData(index).toInt()); });
  reveal_row->addWidget(resolution_picker_);
  reveal_row->addStretch(1);

  edit_buttons_ = new EditButtons(
      *this, *this, tr("Start afresh: a random test image, nothing revealed, no undo history"),
      tr("Hide every pixel again (undoable)"));
  edit_buttons_row->addWidget(edit_buttons_);

  layout->addWidget(panels_, 1);

  readout_ = add_readout_footer(
      *layout, *this,
      tr("Left click or drag on the observed or mean image: reveal pixels · right click: hide "
         "them · Ctrl+Z / Ctrl+Shift+Z: undo / redo · F1: all keys"));
}

}  // namespace nplab::ui

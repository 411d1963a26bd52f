#include "view_controls.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QSignalBlocker>
#include <QStringList>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <utility>

#include "editable_view.h"
#include "theme.h"

namespace nplab::ui {

ModelPicker::ModelPicker(QList<ModelChoice> choices, const QString& combo_name, int min_characters,
                         const Texts& texts, QWidget* parent)
    : QWidget(parent), choices_(std::move(choices)) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(new QLabel(tr("Model:"), this));
  combo_ = new QComboBox(this);
  combo_->setObjectName(combo_name);
  combo_->setToolTip(
      tr("The model that predicts: a trained checkpoint of models/ (its card "
         "beside it) or an untrained registry model"));
  // Wide enough for the longest label ("untrained: tnpkr-dka"), so that none is cut off.
  qsizetype longest = min_characters;
  for (const auto& choice : choices_) longest = std::max(longest, choice.label.size());
  combo_->setMinimumContentsLength(static_cast<int>(longest));
  combo_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  for (const auto& choice : choices_) combo_->addItem(choice.label);
  connect(combo_, &QComboBox::currentIndexChanged, this, [this](int index) {
    show_warning();
    if (index >= 0) emit chosen(index);
  });
  layout->addWidget(combo_);

  warning_ = new QLabel(texts.warning, this);
  warning_->setObjectName("untrainedWarning");
  warning_->setToolTip(texts.warning_tooltip);
  warning_->setStyleSheet(
      "QLabel { background: #fff3cd; color: #7a4f01; border: 1px solid #f0c36d;"
      " border-radius: 3px; padding: 2px 6px; }");
  warning_->hide();
  layout->addWidget(warning_);
}

int ModelPicker::current() const {
  return combo_->currentIndex();
}

void ModelPicker::select(int index) {
  if (index < 0 || index >= choices_.size()) return;
  select_quietly(index);
  emit chosen(index);
}

void ModelPicker::select_quietly(int index) {
  if (index < 0 || index >= choices_.size()) return;
  const QSignalBlocker quiet(combo_);
  combo_->setCurrentIndex(index);
  show_warning();
}

int ModelPicker::add(const ModelChoice& choice) {
  choices_.append(choice);
  {
    const QSignalBlocker quiet(combo_);  // the first choice of an empty list is not a choice made
    combo_->addItem(choice.label);
  }
  emit added(choice);
  return static_cast<int>(choices_.size()) - 1;
}

void ModelPicker::show_warning() {
  const int index = current();
  warning_->setVisible(index >= 0 && index < choices_.size() && choices_[index].untrained);
}

EditButtons::EditButtons(EditableView& view, QWidget& owner, const QString& new_tooltip,
                         const QString& clear_tooltip)
    : QWidget(&owner), view_(view) {
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  const auto make = [&](const QString& text, const char* name, const QString& tooltip, auto&& run) {
    auto* action = new QAction(text, &owner);
    action->setObjectName(name);
    action->setToolTip(tooltip);
    owner.addAction(action);
    connect(action, &QAction::triggered, this, run);
    auto* button = new QToolButton(this);
    button->setDefaultAction(action);
    layout->addWidget(button);
    return action;
  };
  make(tr("New"), "newAction", new_tooltip, [this] { view_.new_session(); });
  clear_ = make(tr("Clear"), "clearAction", clear_tooltip, [this] { view_.clear_points(); });
  undo_ = make(tr("Undo"), "undoAction", tr("Undo (Ctrl+Z)"), [this] { view_.undo(); });
  redo_ = make(tr("Redo"), "redoAction", tr("Redo (Ctrl+Shift+Z)"), [this] { view_.redo(); });
}

QString format_bytes(std::int64_t bytes) {
  const QLocale locale(QLocale::English);
  if (bytes < 1024) return QStringLiteral("%1 bytes").arg(bytes);
  return QStringLiteral("%1 bytes (%2)")
      .arg(locale.toString(static_cast<qlonglong>(bytes)),
           locale.formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat));
}

QString device_readout(QLabel& readout, const std::string& device, const std::string& notice) {
  // The reason is long (it names the device and the error): the readout's tooltip holds it.
  readout.setToolTip(QString::fromStdString(notice));
  if (!notice.empty()) {
    return QStringLiteral(" · <span style='color:%1'><b>running on the CPU instead</b></span>")
        .arg(css(plot_colours().warn_text));
  }
  if (!device.empty() && device != "cpu") {
    return QStringLiteral(" · on <b>%1</b>").arg(QString::fromStdString(device).toHtmlEscaped());
  }
  return {};
}

QString training_readout(const std::optional<facade::TrainingRange>& range, std::int64_t count,
                         bool x_outside, bool show_x, const PlotColours& colours) {
  if (!range) return {};
  const QLocale locale(QLocale::English);
  const QString most = locale.toString(static_cast<qlonglong>(range->max_context));
  const QString interval = QStringLiteral("[%1, %2]")
                               .arg(locale.toString(range->x_low, 'g', 3))
                               .arg(locale.toString(range->x_high, 'g', 3))
                               .replace(QLatin1Char('-'), QChar(0x2212));
  QStringList beyond;
  if (count > range->max_context) beyond << QObject::tr("N > %1").arg(most);
  if (show_x && x_outside) beyond << QObject::tr("x outside %1").arg(interval);
  if (!beyond.isEmpty()) {
    return QStringLiteral(" · <span style='color:%1'><b>%2</b></span>")
        .arg(css(colours.warn_text),
             QObject::tr("beyond training: %1").arg(beyond.join(", ")).toHtmlEscaped());
  }
  const QString trained = show_x ? QObject::tr("trained on N ≤ %1, x in %2").arg(most, interval)
                                 : QObject::tr("trained on N ≤ %1").arg(most);
  return QStringLiteral(" · <span style='color:%1'>%2</span>")
      .arg(css(colours.muted_text), trained);
}

QString update_mode_readout(const facade::UpdateStats& update, const PlotColours& colours,
                            const QString& items) {
  if (update.mode == facade::UpdateMode::Condition) {
    return QObject::tr("conditioned on %1 %2")
        .arg(QLocale(QLocale::English).toString(static_cast<qlonglong>(update.count)), items);
  }
  const bool constant = update.mode == facade::UpdateMode::ConstantTime;
  return QStringLiteral("<span style='color:%1'><b>%2</b></span>")
      .arg(css(constant ? colours.good_text : colours.warn_text),
           QString::fromUtf8(to_string(update.mode)));
}

QString busy_readout(std::size_t pending_count, const PlotColours& colours) {
  return QStringLiteral("<span style='color:%1'><b>computing N = %2…</b></span> · ")
             .arg(css(colours.warn_text))
             .arg(pending_count) +
         QObject::tr("<i>shown:</i> ");
}

QLabel* add_readout_footer(QVBoxLayout& layout, QWidget& owner, const QString& hint) {
  auto* readout = new QLabel(&owner);
  readout->setObjectName("readout");
  readout->setTextFormat(Qt::RichText);
  QFont readout_font = readout->font();
  readout_font.setPointSizeF(readout_font.pointSizeF() * 1.15);
  readout->setFont(readout_font);
  // The text changes on every prediction; the layout must not (nor the window's size hints).
  readout->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
  readout->setMinimumHeight(readout->fontMetrics().height() + 6);
  auto* hint_label = new QLabel(hint, &owner);
  hint_label->setForegroundRole(QPalette::PlaceholderText);  // muted, in either theme
  auto* footer = new QVBoxLayout;
  footer->setSpacing(2);
  footer->addWidget(readout);
  footer->addWidget(hint_label);
  layout.addLayout(footer);
  return readout;
}

void EditButtons::refresh() {
  undo_->setEnabled(view_.can_undo());
  redo_->setEnabled(view_.can_redo());
  clear_->setEnabled(view_.can_clear());
}

QComboBox* make_compare_picker(const ModelPicker& models, const QString& object_name,
                               int min_characters, const QString& tooltip,
                               std::function<void(int)> chosen, QWidget* parent) {
  auto* picker = new QComboBox(parent);
  picker->setObjectName(object_name);
  picker->setMinimumContentsLength(min_characters);
  picker->setToolTip(tooltip);
  picker->addItem(QObject::tr("none"));
  for (const auto& choice : models.choices()) picker->addItem(choice.label);
  QObject::connect(&models, &ModelPicker::added, picker,
                   [picker](const ModelChoice& choice) { picker->addItem(choice.label); });
  QObject::connect(picker, &QComboBox::currentIndexChanged, parent,
                   [chosen = std::move(chosen)](int item) { chosen(item - 1); });
  return picker;
}

}  // namespace nplab::ui

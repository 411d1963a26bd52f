#pragma once
// Controls the Functions and Images views share: the model picker with its "untrained" warning,
// and the New / Clear / Undo / Redo buttons of an editable view.

#include <QComboBox>
#include <QList>
#include <QString>
#include <QWidget>
#include <cstdint>
#include <functional>
#include <string>

#include "model_catalog.h"
#include "nplab/facade/explorer.h"
#include "theme.h"

class QAction;
class QComboBox;
class QLabel;
class QVBoxLayout;

namespace nplab::ui {

class EditableView;

/// "Model:" and a combo box of ModelChoices, with a warning beside it while the chosen model is
/// untrained (random weights). It owns the list of choices.
class ModelPicker : public QWidget {
  Q_OBJECT

 public:
  struct Texts {
    QString warning;          ///< the warning's text, e.g. "⚠ untrained"
    QString warning_tooltip;  ///< what to do about it
  };

  /// `combo_name` is the combo box's object name (tests and sessions find it by it);
  /// `min_characters` its minimum width in characters.
  ModelPicker(QList<ModelChoice> choices, const QString& combo_name, int min_characters,
              const Texts& texts, QWidget* parent = nullptr);

  const QList<ModelChoice>& choices() const { return choices_; }
  /// The chosen index into choices(), -1 when there are none.
  int current() const;
  /// Chooses `index` and emits chosen(index), also when it was chosen already (the view then
  /// requests a prediction). An index out of range is ignored.
  void select(int index);
  /// Chooses `index` without emitting chosen (restoring a session makes its own request).
  void select_quietly(int index);
  /// Offers one more choice; returns its index. Emits added().
  int add(const ModelChoice& choice);

 signals:
  /// A choice was made, by the user or by select().
  void chosen(int index);
  void added(const nplab::ui::ModelChoice& choice);

 private:
  void show_warning();

  QList<ModelChoice> choices_;
  QComboBox* combo_ = nullptr;
  QLabel* warning_ = nullptr;
};

/// The "Compare with" combo box of a view: "none", then every choice of `models` (growing with
/// it); `chosen` gets an index into models.choices(), -1 for none.
QComboBox* make_compare_picker(const ModelPicker& models, const QString& object_name,
                               int min_characters, const QString& tooltip,
                               std::function<void(int)> chosen, QWidget* parent);

/// The New, Clear, Undo and Redo tool buttons of `view`, in a row. Their actions (object names
/// newAction, clearAction, undoAction, redoAction) are also added to `owner`, the view's widget;
/// the keys live in the window's Edit menu.
class EditButtons : public QWidget {
  Q_OBJECT

 public:
  EditButtons(EditableView& view, QWidget& owner, const QString& new_tooltip,
              const QString& clear_tooltip);
  /// Enables Undo, Redo and Clear as the view can do them now.
  void refresh();

 private:
  EditableView& view_;
  QAction* clear_ = nullptr;
  QAction* undo_ = nullptr;
  QAction* redo_ = nullptr;
};

/// "812 bytes", or "405,504 bytes (396.0 KiB)": a model state's size for the readouts.
QString format_bytes(std::int64_t bytes);

/// The readout's device part, to follow N: " · on cuda:0" when the model runs off the CPU,
/// " · running on the CPU instead" (warning colour) when the worker fell back to the CPU; empty on
/// a plain CPU run. Sets `readout`'s tooltip to `notice` (the reason for a fallback, or nothing).
QString device_readout(QLabel& readout, const std::string& device, const std::string& notice);

/// The readout's training-range part, to follow N: " · trained on N ≤ 47, x in [−2, 2]" (muted),
/// or " · beyond training: N > 47" (warning colour) once the context leaves what the model's
/// training tasks held. `x_outside` says whether some point lies outside the x range; `show_x`
/// whether the range is worth naming at all (images always lie inside it). Empty without a range.
QString training_readout(const std::optional<facade::TrainingRange>& range, std::int64_t count,
                         bool x_outside, bool show_x, const PlotColours& colours);

/// What the last edit was, for the readout's "last update: … µs (…)": "constant-time update"
/// (good colour), "conditioned on 1,000,000 points" (plain: an edit that changed most of the
/// context, such as opening a session) or "recompute" (warning colour). `items` names what was
/// conditioned on ("points", "events").
QString update_mode_readout(const facade::UpdateStats& update, const PlotColours& colours,
                            const QString& items = QObject::tr("points"));

/// The readout's head while a request is pending: "computing N = 12… · shown:", so that the
/// figures after it read as the previous answer's.
QString busy_readout(std::size_t pending_count, const PlotColours& colours);

/// Adds a view's footer to `layout`: the readout (rich text, one line whose changing text never
/// resizes the window; object name "readout"), and under it `hint`, muted in either theme.
/// Returns the readout.
QLabel* add_readout_footer(QVBoxLayout& layout, QWidget& owner, const QString& hint);

}  // namespace nplab::ui

#include "bo_view.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>
#include <limits>

#include "bo_plots.h"
#include "theme.h"
#include "view_controls.h"

namespace nplab::ui {
namespace {

QString acquisition_label(const std::string& name) {
  if (name == "ei") return QObject::tr("EI: expected improvement");
  if (name == "ucb") return QObject::tr("UCB: upper confidence bound");
  if (name == "thompson") return QObject::tr("Thompson sampling");
  return QString::fromStdString(name);
}

QString acquisition_short(const std::string& name) {
  return name == "thompson" ? QObject::tr("Thompson") : QString::fromStdString(name).toUpper();
}

QList<ModelChoice> bo_surrogates(const QStringList& dirs) {
  QList<ModelChoice> choices{
      {QObject::tr("oracle GP"), {ModelSource::Kind::Registry, "oracle", 1, 1}, false},
      {QObject::tr("random search"), {ModelSource::Kind::Registry, "random", 1, 1}, false}};
  for (const auto& choice : available_models(dirs, 1, 1)) {
    if (!choice.untrained && choice.source.kind == ModelSource::Kind::Checkpoint) {
      choices.append(choice);
    }
  }
  return choices;
}

QPushButton* button(const QString& text, const char* name, const QString& tooltip,
                    QWidget* parent) {
  auto* made = new QPushButton(text, parent);
  made->setObjectName(name);
  made->setToolTip(tooltip);
  return made;
}

}  // namespace

BoView::BoView(BoWorker& worker, QStringList model_dirs, QWidget* parent)
    : QWidget(parent),
      worker_(worker),
      surrogates_(bo_surrogates(model_dirs.isEmpty() ? default_model_dirs() : model_dirs)) {
  setObjectName("boView");
  build_controls();
  connect(&worker_, &BoWorker::finished, this, &BoView::show_result);
  connect(&ThemeSignals::instance(), &ThemeSignals::changed, this, &BoView::update_readout);
  show_controls();
  update_actions();
  request();
}

void BoView::build_controls() {
  auto* layout = new QVBoxLayout(this);
  auto* controls = new QHBoxLayout;
  layout->addLayout(controls);
  const auto picker = [this, controls](const QString& label, const char* name,
                                       const QString& tooltip) {
    controls->addWidget(new QLabel(label, this));
    auto* combo = new QComboBox(this);
    combo->setObjectName(name);
    combo->setToolTip(tooltip);
    controls->addWidget(combo);
    controls->addSpacing(8);
    return combo;
  };
  function_picker_ = picker(tr("Objective:"), "boFunctionPicker",
                            tr("The hidden function to maximise on [−2, 2]: a sample of a GP "
                               "prior (another one per seed) or a classical test function"));
  for (const auto& name : facade::bo_objective_names()) {
    function_picker_->addItem(QString::fromStdString(name), QString::fromStdString(name));
  }
  connect(function_picker_, &QComboBox::currentIndexChanged, this, [this](int item) {
    set_function(function_picker_->itemData(item).toString().toStdString());
  });
  surrogate_picker_ = picker(tr("Surrogate:"), "boSurrogatePicker",
                             tr("What models f from the queries: the oracle GP (the true prior), "
                                "random search (no model), or a trained Neural Process"));
  for (const auto& choice : surrogates_) surrogate_picker_->addItem(choice.label);
  connect(surrogate_picker_, &QComboBox::currentIndexChanged, this, &BoView::select_surrogate);
  acquisition_picker_ =
      picker(tr("Acquisition:"), "boAcquisitionPicker",
             tr("How the next query is chosen from the surrogate's mean and uncertainty"));
  for (const auto& name : facade::bo_acquisition_names()) {
    acquisition_picker_->addItem(acquisition_label(name), QString::fromStdString(name));
  }
  connect(acquisition_picker_, &QComboBox::currentIndexChanged, this, [this](int item) {
    set_acquisition(acquisition_picker_->itemData(item).toString().toStdString());
  });
  controls->addWidget(new QLabel(tr("Seed:"), this));
  seed_ = new QSpinBox(this);
  seed_->setObjectName("boSeed");
  seed_->setRange(0, std::numeric_limits<int>::max());
  seed_->setToolTip(
      tr("Fixes the starting points and, for the GP objectives, the hidden function"));
  connect(seed_, &QSpinBox::valueChanged, this,
          [this](int seed) { set_seed(static_cast<std::uint64_t>(seed)); });
  controls->addWidget(seed_);
  controls->addStretch(1);
  show_truth_ = new QCheckBox(tr("Show hidden function"), this);
  show_truth_->setObjectName("boShowTruth");
  show_truth_->setToolTip(tr("Draw f (dimmed) and its optimum; the search never sees them"));
  show_truth_->setChecked(true);
  connect(show_truth_, &QCheckBox::toggled, this, &BoView::set_truth_shown);
  controls->addWidget(show_truth_);

  controls = new QHBoxLayout;  // the search's row
  layout->addLayout(controls);
  auto* step_action = new QAction(tr("Step"), this);
  step_action->setObjectName("boStepAction");
  step_action->setShortcut(QKeySequence(QStringLiteral("Ctrl+Return")));
  step_action->setShortcutContext(Qt::WindowShortcut);  // only while this view is on screen
  addAction(step_action);
  connect(step_action, &QAction::triggered, this, &BoView::step);
  auto* step_button = button(tr("Step"), "boStepButton",
                             tr("Query f where the acquisition is largest (Ctrl+Return)"), this);
  connect(step_button, &QPushButton::clicked, step_action, &QAction::trigger);
  controls->addWidget(step_button);
  auto* run = button(tr("Run to"), "boRunButton",
                     tr("Step until this many queries follow the starting points"), this);
  run_to_ = new QSpinBox(this);
  run_to_->setObjectName("boRunTo");
  run_to_->setRange(1, kMaxSteps);
  run_to_->setValue(kDefaultRunTo);
  run_to_->setSuffix(tr(" steps"));
  connect(run, &QPushButton::clicked, this, [this] { run_to(run_to_->value()); });
  controls->addWidget(run);
  controls->addWidget(run_to_);
  auto* reset_button =
      button(tr("Reset"), "boResetButton", tr("Back to the starting points (undoable)"), this);
  connect(reset_button, &QPushButton::clicked, this, &BoView::reset);
  controls->addWidget(reset_button);
  controls->addStretch(1);
  edit_buttons_ =
      new EditButtons(*this, *this, tr("Start afresh: the next seed and no queries (undoable)"),
                      tr("Back to the starting points (undoable)"));
  controls->addWidget(edit_buttons_);

  auto* centre = new QHBoxLayout;
  search_plot_ = new BoSearchPlot(this);
  regret_plot_ = new BoRegretPlot(this);
  centre->addWidget(search_plot_, 3);
  centre->addWidget(regret_plot_, 2);
  layout->addLayout(centre, 1);
  connect(search_plot_, &QCustomPlot::mousePress, this, &BoView::on_mouse_press);
  readout_ = add_readout_footer(
      *layout, *this,
      tr("Left click on the upper plot: query f there by hand · Ctrl+Return: step · "
         "Ctrl+Z / Ctrl+Shift+Z: undo / redo"));
}

int BoView::current_surrogate() const {
  for (int i = 0; i < surrogates_.size(); ++i) {
    if (surrogates_[i].source.name_or_path == state_.settings.surrogate) return i;
  }
  return -1;
}

void BoView::select_surrogate(int index) {
  if (index < 0 || index >= surrogates_.size()) return;
  auto next = state_.settings;
  next.surrogate = surrogates_[index].source.name_or_path;
  change_settings(next);
}

void BoView::set_function(const std::string& name) {
  auto next = state_.settings;
  next.function = name;
  change_settings(next);
}

void BoView::set_acquisition(const std::string& name) {
  auto next = state_.settings;
  next.acquisition = name;
  change_settings(next);
}

void BoView::set_seed(std::uint64_t seed) {
  auto next = state_.settings;
  next.seed = seed;
  change_settings(next);
}

int BoView::add_surrogate(const ModelChoice& choice) {
  surrogates_.append(choice);
  const QSignalBlocker quiet(surrogate_picker_);
  surrogate_picker_->addItem(choice.label);
  return static_cast<int>(surrogates_.size()) - 1;
}

bool BoView::truth_shown() const {
  return show_truth_->isChecked();
}

void BoView::set_truth_shown(bool shown) {
  {
    const QSignalBlocker quiet(show_truth_);
    show_truth_->setChecked(shown);
  }
  search_plot_->set_truth_shown(shown);
  update_readout();
}

// --- Edits -------------------------------------------------------------------------------------

void BoView::step() {
  if (steps() >= kMaxSteps) return;
  auto next = state_;
  next.ops.push_back({});
  commit(std::move(next));
}

void BoView::run_to(int count) {
  count = std::min(count, kMaxSteps);
  if (count <= steps()) return;
  auto next = state_;
  next.ops.resize(static_cast<std::size_t>(count));
  commit(std::move(next));
}

void BoView::query_at(double x) {
  if (steps() >= kMaxSteps) return;
  auto next = state_;
  next.ops.push_back({std::clamp(x, -2.0, 2.0), true});
  commit(std::move(next));
}

void BoView::reset() {
  if (state_.ops.empty()) return;
  auto next = state_;
  next.ops.clear();
  commit(std::move(next));
}

void BoView::new_session() {
  auto next = state_;
  ++next.settings.seed;
  next.ops.clear();
  commit(std::move(next));
}

void BoView::undo() {
  if (auto previous = history_.undo(state_)) commit(std::move(*previous), false);
}

void BoView::redo() {
  if (auto next = history_.redo(state_)) commit(std::move(*next), false);
}

void BoView::change_settings(facade::BoSettings settings) {
  if (settings == state_.settings) return;
  auto next = state_;
  next.settings = std::move(settings);
  for (auto& op : next.ops) {
    if (!op.by_hand) op.x.reset();
  }
  commit(std::move(next));
}

void BoView::commit(BoSnapshot next, bool record_undo) {
  if (next == state_) return;
  if (record_undo) history_.record(state_);
  state_ = std::move(next);
  show_controls();
  request();
  update_actions();
}

facade::BoSession BoView::session() const {
  facade::BoSession session;
  session.settings = state_.settings;
  if (current_surrogate() >= 0 &&
      surrogates_[current_surrogate()].source.kind == ModelSource::Kind::Checkpoint) {
    session.settings.surrogate = QFileInfo(QString::fromStdString(state_.settings.surrogate))
                                     .absoluteFilePath()
                                     .toStdString();
  }
  session.show_truth = truth_shown();
  // Where an unpinned step went is known from the latest answer, as far as it asked the same.
  std::size_t answered = 0;
  if (shown_ && shown_->ok() && shown_->settings == state_.settings) {
    while (answered < shown_->ops.size() && answered < state_.ops.size() &&
           shown_->ops[answered] == state_.ops[answered]) {
      ++answered;
    }
  }
  for (std::size_t i = 0; i < state_.ops.size(); ++i) {
    const auto& op = state_.ops[i];
    const auto at = static_cast<std::size_t>(shown_ ? shown_->frame.starting_points : 0) + i;
    if (op.x) {
      session.queries.push_back({*op.x, op.by_hand});
    } else if (i < answered && at < shown_->frame.query_x.size()) {
      session.queries.push_back({shown_->frame.query_x[at], false});
    } else {
      break;
    }
  }
  return session;
}

void BoView::restore(const facade::BoSession& session) {
  BoSnapshot next;
  next.settings = session.settings;
  for (const auto& query : session.queries) next.ops.push_back({query.x, query.by_hand});
  history_.reset();
  set_truth_shown(session.show_truth);
  commit(std::move(next), /*record_undo=*/false);
  update_actions();
}

void BoView::show_controls() {
  const QSignalBlocker quiet_function(function_picker_);
  const QSignalBlocker quiet_surrogate(surrogate_picker_);
  const QSignalBlocker quiet_acquisition(acquisition_picker_);
  const QSignalBlocker quiet_seed(seed_);
  function_picker_->setCurrentIndex(
      function_picker_->findData(QString::fromStdString(state_.settings.function)));
  surrogate_picker_->setCurrentIndex(current_surrogate());
  acquisition_picker_->setCurrentIndex(
      acquisition_picker_->findData(QString::fromStdString(state_.settings.acquisition)));
  seed_->setValue(static_cast<int>(
      std::min<std::uint64_t>(state_.settings.seed, std::numeric_limits<int>::max())));
}

void BoView::update_actions() {
  edit_buttons_->refresh();
  emit history_changed();
}

// --- Worker ------------------------------------------------------------------------------------

void BoView::request() {
  BoRequest request;
  request.generation = ++generation_;
  request.settings = state_.settings;
  request.ops = state_.ops;
  worker_.post(std::move(request));
  update_readout();
}

bool BoView::is_settled() const {
  return shown_ && shown_->generation == generation_;
}

void BoView::show_result(const BoResult& result) {
  if (shown_ && result.generation < shown_->generation) return;
  shown_ = result;
  if (result.ok()) {
    std::vector<bool> by_hand;
    for (const auto& op : result.ops) by_hand.push_back(op.by_hand);
    search_plot_->set_frame(result.frame, by_hand, acquisition_short(result.settings.acquisition));
    const auto regret_of = [](const std::optional<BoBaseline>& baseline) {
      return baseline && baseline->error.empty() ? baseline->simple_regret : std::vector<double>{};
    };
    QString label = tr("surrogate");
    for (const auto& choice : surrogates_) {
      if (choice.source.name_or_path == result.settings.surrogate) label = choice.label;
    }
    regret_plot_->set_regrets(label, result.frame.simple_regret, regret_of(result.oracle),
                              regret_of(result.random));
  } else {
    search_plot_->clear_frame();
    regret_plot_->set_regrets({}, {}, {}, {});
  }
  update_readout();
  if (is_settled()) {
    search_plot_->replot();
    regret_plot_->replot();
    emit settled();
  }
}

QString BoView::readout_text() const {
  return readout_->text();
}

void BoView::update_readout() {
  const auto colours = plot_colours();
  const QLocale locale(QLocale::English);
  QString text;
  if (!is_settled()) {
    text = QStringLiteral("<span style='color:%1'>%2</span>")
               .arg(css(colours.muted_text), tr("computing step %1… · shown: ").arg(steps()));
  }
  if (!shown_) {
    readout_->setText(text + tr("waiting for the search…"));
    return;
  }
  if (!shown_->ok()) {
    readout_->setText(text + QStringLiteral("<span style='color:%1'><b>Error:</b> %2</span>")
                                 .arg(css(colours.error_text),
                                      QString::fromStdString(shown_->error).toHtmlEscaped()));
    return;
  }
  const auto& frame = shown_->frame;
  const auto best = std::max_element(frame.query_y.begin(), frame.query_y.end());
  const int done = static_cast<int>(frame.query_x.size()) - frame.starting_points;
  text +=
      tr("<b>step %1</b> · best f = <b>%2</b>")
          .arg(done)
          .arg(best == frame.query_y.end() ? QStringLiteral("–") : locale.toString(*best, 'f', 3));
  if (truth_shown()) text += tr(" (f* = %1)").arg(locale.toString(frame.optimum, 'f', 3));
  if (!frame.simple_regret.empty()) {
    text +=
        tr(" · simple regret <b>%1</b>").arg(locale.toString(frame.simple_regret.back(), 'g', 3));
  }
  if (!frame.step_ms.empty()) {
    double total = 0;
    for (const double ms : frame.step_ms) total += ms;
    text += tr(" · time per step %1 ms (last %2 ms)")
                .arg(locale.toString(total / static_cast<double>(frame.step_ms.size()), 'f', 1),
                     locale.toString(frame.step_ms.back(), 'f', 1));
  }
  for (const auto& [name, baseline] :
       {std::pair{tr("oracle GP"), &shown_->oracle}, std::pair{tr("random"), &shown_->random}}) {
    if (!*baseline) continue;
    if (!(*baseline)->error.empty()) {
      text += QStringLiteral(" · <span style='color:%1'>%2: %3</span>")
                  .arg(css(colours.error_text), name,
                       QString::fromStdString((*baseline)->error).toHtmlEscaped());
    } else if (!(*baseline)->simple_regret.empty()) {
      text += tr(" · %1: %2").arg(name, locale.toString((*baseline)->simple_regret.back(), 'g', 3));
    }
  }
  readout_->setText(text);
}

// --- Mouse -------------------------------------------------------------------------------------

void BoView::on_mouse_press(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return;
  const QPoint pixel = event->position().toPoint();
  if (!search_plot_->search_rect()->rect().contains(pixel)) return;
  query_at(search_plot_->x_at_pixel(pixel.x()));
}

}  // namespace nplab::ui

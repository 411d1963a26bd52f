// The Functions view, driven as a person would: clicks, drags, keys; predictions checked against
// the explorer facade itself (the model is untrained, so "the band narrows" is not a property
// this test can demand; see band_narrows_at_a_clicked_point_for_a_trained_model).

#include <qcustomplot.h>

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "busy_indicator.h"
#include "edit_history.h"
#include "explorer_worker.h"
#include "functions_view.h"
#include "nplab/facade/explorer.h"
#include "ui_test_support.h"

using nplab::facade::ContextPoint;
using nplab::ui::FunctionsView;
using namespace nplab::ui::testing;

namespace {

QPoint pixel_of(const FunctionsView& view, double x, double y) {
  return {qRound(view.plot()->xAxis->coordToPixel(x)), qRound(view.plot()->yAxis->coordToPixel(y))};
}

void send_mouse(QWidget* widget, QEvent::Type type, Qt::MouseButton button,
                Qt::MouseButtons buttons, QPoint pixel) {
  QMouseEvent event(type, QPointF(pixel), widget->mapToGlobal(QPointF(pixel)), button, buttons,
                    Qt::NoModifier);
  QApplication::sendEvent(widget, &event);
}

void click(FunctionsView& view, double x, double y, Qt::MouseButton button = Qt::LeftButton) {
  const QPoint pixel = pixel_of(view, x, y);
  send_mouse(view.plot(), QEvent::MouseButtonPress, button, button, pixel);
  send_mouse(view.plot(), QEvent::MouseButtonRelease, button, Qt::NoButton, pixel);
}

void drag(FunctionsView& view, double from_x, double from_y, double to_x, double to_y) {
  send_mouse(view.plot(), QEvent::MouseButtonPress, Qt::LeftButton, Qt::LeftButton,
             pixel_of(view, from_x, from_y));
  const QPoint middle = (pixel_of(view, from_x, from_y) + pixel_of(view, to_x, to_y)) / 2;
  send_mouse(view.plot(), QEvent::MouseMove, Qt::NoButton, Qt::LeftButton, middle);
  send_mouse(view.plot(), QEvent::MouseMove, Qt::NoButton, Qt::LeftButton,
             pixel_of(view, to_x, to_y));
  send_mouse(view.plot(), QEvent::MouseButtonRelease, Qt::LeftButton, Qt::NoButton,
             pixel_of(view, to_x, to_y));
}

/// A view on an empty models/ folder, so its first model is the untrained CMANP.
struct Fixture {
  QTemporaryDir models;
  nplab::ui::testing::ModelWorker thread;
  FunctionsView view;

  explicit Fixture(const QStringList& dirs = {}, std::string device = "auto")
      : thread(std::move(device)),
        view(thread.worker, dirs.isEmpty() ? QStringList{models.path()} : dirs) {
    view.resize(900, 600);
    view.show();
  }

  /// Waits until the drawn prediction answers the latest request.
  bool settle() {
    const bool settled = QTest::qWaitFor([this] { return view.is_settled(); }, kSettleTimeoutMs);
    QCoreApplication::processEvents();  // the queued replot, so pixels map to the drawn axes
    view.plot()->replot();
    return settled;
  }
};

/// What the facade itself predicts on the view's grid for the view's points.
nplab::facade::GridPrediction facade_prediction(const FunctionsView& view,
                                                const std::string& model = "cmanp") {
  nplab::facade::Explorer explorer;
  const auto loaded = explorer.load_registry_model(model);
  if (!loaded.ok()) qFatal("%s", loaded.error().c_str());
  if (const auto set = explorer.set_points(view.points()); !set.ok()) {
    qFatal("%s", set.error().c_str());
  }
  const auto prediction = explorer.predict(view.grid());
  if (!prediction.ok()) qFatal("%s", prediction.error().c_str());
  return prediction.value();
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return INFINITY;
  double worst = 0;
  for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

}  // namespace

class FunctionsViewTest : public QObject {
  Q_OBJECT

 private slots:
  void starts_with_the_untrained_model_and_warns_about_it() {
    Fixture f;
    QVERIFY(f.settle());
    auto* picker = f.view.findChild<QComboBox*>("modelPicker");
    QVERIFY(picker != nullptr);
    QCOMPARE(picker->currentText(), QString("untrained: cmanp"));
    QVERIFY(f.view.findChild<QLabel*>("untrainedWarning")->isVisible());
    QVERIFY(f.view.shown()->ok());
    QCOMPARE(f.view.shown()->prediction.mean.size(), size_t{FunctionsView::kGridSize});
  }

  void runs_on_the_device_auto_names_without_a_notice() {
    Fixture f;
    QVERIFY(f.settle());
    QVERIFY(f.view.shown()->ok());
    const auto expected = nplab::facade::resolve_device_name("auto");
    QVERIFY(expected.ok());
    QCOMPARE(f.view.shown()->model.device, expected.value());
    QVERIFY(f.view.shown()->device_notice.empty());
    QVERIFY(!f.view.findChild<QLabel*>("readout")->text().contains("running on the CPU"));
    QVERIFY(f.view.findChild<QLabel*>("readout")->toolTip().isEmpty());
  }

  void a_device_that_is_not_here_gives_way_to_the_cpu_with_a_notice() {
    if (nplab::facade::resolve_device_name("cuda").ok()) QSKIP("this machine has a GPU");
    for (const auto& [device, reason] : {std::pair{"cuda", "no CUDA device is available"},
                                         std::pair{"tpu", "not a device name"}}) {
      Fixture f({}, device);
      QVERIFY(f.settle());
      QVERIFY2(f.view.shown()->ok(), f.view.shown()->error.c_str());
      QCOMPARE(f.view.shown()->model.device, std::string("cpu"));
      const auto& notice = f.view.shown()->device_notice;
      QVERIFY2(notice.find(reason) != std::string::npos, notice.c_str());
      QVERIFY2(notice.find("running on the CPU") != std::string::npos, notice.c_str());
      click(f.view, 0.5, 0.2);  // the session goes on, and the notice stays in the readout
      QVERIFY(f.settle());
      QCOMPARE(f.view.points().size(), size_t{1});
      QVERIFY(f.view.shown()->ok());
      QCOMPARE(f.view.shown()->update.count, int64_t{1});
      const auto* readout = f.view.findChild<QLabel*>("readout");
      QVERIFY(readout->text().contains("running on the CPU instead"));
      QVERIFY(readout->toolTip().contains(reason));
    }
  }

  void opening_many_points_at_once_reads_as_a_conditioning_not_a_constant_time_update() {
    Fixture f;
    QVERIFY(f.settle());
    std::vector<nplab::facade::ContextPoint> points;
    for (int i = 0; i < 300; ++i) {
      const double x = -1.9 + 3.8 * i / 299.0;
      points.push_back(nplab::facade::point_1d(x, std::sin(2 * x)));
    }
    f.view.set_points(points);  // what opening a session does
    QVERIFY(f.settle());
    const QString readout = f.view.findChild<QLabel*>("readout")->text();
    QVERIFY2(
        readout.contains("conditioned on 300 points") && !readout.contains("constant-time update"),
        qPrintable(readout));
    click(f.view, 0.5, 1.0);  // one more point is an update again
    QVERIFY(f.settle());
    QVERIFY2(f.view.findChild<QLabel*>("readout")->text().contains("constant-time update"),
             qPrintable(f.view.findChild<QLabel*>("readout")->text()));
  }

  void left_click_adds_a_point_and_draws_the_facades_prediction() {
    Fixture f;
    QVERIFY(f.settle());
    const auto index_of_half = static_cast<size_t>(
        std::lround((0.5 - FunctionsView::kMinX) / (FunctionsView::kMaxX - FunctionsView::kMinX) *
                    (FunctionsView::kGridSize - 1)));
    auto* mean = graph_named(*f.view.plot(), "predictive mean");
    auto* upper = graph_named(*f.view.plot(), "±1σ");
    QVERIFY(mean && upper);
    const double prior_std = values_of(upper)[index_of_half] - values_of(mean)[index_of_half];

    click(f.view, 0.5, 1.0);
    QCOMPARE(f.view.points().size(), size_t{1});
    const auto& added = f.view.points().front();
    QVERIFY(std::abs(added.x[0] - 0.5) < 0.02);  // within a pixel or two
    QVERIFY(std::abs(added.y[0] - 1.0) < 0.05);
    QVERIFY(f.settle());

    const auto drawn_mean = values_of(mean);
    const auto upper_values = values_of(upper);
    std::vector<double> drawn_std(drawn_mean.size());
    for (size_t i = 0; i < drawn_mean.size(); ++i) drawn_std[i] = upper_values[i] - drawn_mean[i];
    const auto expected = facade_prediction(f.view);
    QVERIFY(max_abs_diff(drawn_mean, expected.mean) < 1e-6);
    QVERIFY(max_abs_diff(drawn_std, expected.stddev) < 1e-6);
    // Any model that reads its context changes its band where the point was put (a trained one
    // narrows it; this one is untrained).
    QVERIFY(std::abs(drawn_std[index_of_half] - prior_std) > 1e-6);

    const auto& update = f.view.shown()->update;
    QCOMPARE(update.count, int64_t{1});
    QVERIFY(update.mode == nplab::facade::UpdateMode::ConstantTime);
    const QString readout = f.view.findChild<QLabel*>("readout")->text();
    QVERIFY2(readout.contains("N = 1") && readout.contains("µs") &&
                 readout.contains("constant-time update") && readout.contains("bytes"),
             qPrintable(readout));
  }

  void band_narrows_at_a_clicked_point_for_a_trained_model() {
    const QDir models(QStringLiteral(NPLAB_SOURCE_DIR "/models"));
    if (models.entryList({"*.pt"}, QDir::Files).isEmpty()) {
      QSKIP("needs a trained checkpoint in models/ (nplab-cli train)");
    }
    Fixture f({models.absolutePath()});
    QVERIFY(f.settle());
    QVERIFY2(f.view.shown()->ok(), f.view.shown()->error.c_str());
    const auto std_at = [&](double x) {
      const auto& p = f.view.shown()->prediction;
      const auto& grid = f.view.grid();
      const auto nearest = std::min_element(grid.begin(), grid.end(), [x](double a, double b) {
        return std::abs(a - x) < std::abs(b - x);
      });
      return p.stddev[static_cast<size_t>(nearest - grid.begin())];
    };
    const double before = std_at(0.5);
    click(f.view, 0.5, 0.2);
    QVERIFY(f.settle());
    QVERIFY(std_at(0.5) < before);
  }

  void the_readout_names_the_training_range_and_flags_points_beyond_it() {
    const QDir models(QStringLiteral(NPLAB_SOURCE_DIR "/models"));
    if (!models.exists("cmanp.pt")) QSKIP("needs models/cmanp.pt (nplab-cli train)");
    Fixture f({models.absolutePath()});
    QCOMPARE(f.view.models()[f.view.current_model()].label, QString("cmanp.pt"));
    const auto readout = [&] {
      QTextDocument document;
      document.setHtml(f.view.findChild<QLabel*>("readout")->text());
      return document.toPlainText();
    };
    const auto points_from = [](int count, double first_x) {
      std::vector<ContextPoint> points;
      for (int i = 0; i < count; ++i)
        points.push_back(nplab::facade::point_1d(first_x + 0.01 * i, 0.1));
      return points;
    };
    f.view.set_points(points_from(47, -1.0));
    QVERIFY(f.settle());
    QVERIFY2(readout().contains("trained on N ≤ 47, x in [−2, 2]"), qPrintable(readout()));
    f.view.set_points(points_from(48, -1.0));
    QVERIFY(f.settle());
    QVERIFY2(readout().contains("beyond training: N > 47"), qPrintable(readout()));
    f.view.set_points(points_from(3, 1.99));  // the last one at x = 2.01
    QVERIFY(f.settle());
    QVERIFY2(readout().contains("beyond training: x outside [−2, 2]"), qPrintable(readout()));
  }

  void compare_shows_a_second_model_on_the_same_points_and_both_plots_take_clicks() {
    Fixture f;
    QVERIFY(f.settle());
    QVERIFY(!f.view.compare_plot()->isVisible());
    const auto& models = f.view.models();
    const auto cnp = std::find_if(models.begin(), models.end(), [](const auto& choice) {
      return choice.label == "untrained: cnp";
    });
    QVERIFY(cnp != models.end());
    auto* picker = f.view.findChild<QComboBox*>("compareModelPicker");
    QVERIFY(picker != nullptr);
    picker->setCurrentIndex(static_cast<int>(cnp - models.begin()) + 1);  // after "none"
    QCOMPARE(f.view.compare_model(), static_cast<int>(cnp - models.begin()));
    QVERIFY(f.view.compare_plot()->isVisible());

    click(f.view, 0.5, 1.0);  // on the first plot
    QVERIFY(f.settle());
    QCOMPARE(f.view.compare_shown()->update.count, int64_t{1});
    QVERIFY(f.view.compare_shown()->ok());

    // A click on the second plot edits the same context.
    auto* second = f.view.compare_plot();
    const QPoint pixel(qRound(second->xAxis->coordToPixel(-1.0)),
                       qRound(second->yAxis->coordToPixel(0.5)));
    send_mouse(second, QEvent::MouseButtonPress, Qt::LeftButton, Qt::LeftButton, pixel);
    send_mouse(second, QEvent::MouseButtonRelease, Qt::LeftButton, Qt::NoButton, pixel);
    QCOMPARE(f.view.points().size(), size_t{2});
    QVERIFY(std::abs(f.view.points()[1].x[0] + 1.0) < 0.02);
    QVERIFY(f.settle());
    QCOMPARE(f.view.shown()->update.count, int64_t{2});
    QCOMPARE(f.view.compare_shown()->update.count, int64_t{2});
    QVERIFY(max_abs_diff(f.view.shown()->prediction.mean, facade_prediction(f.view).mean) < 1e-6);
    QVERIFY(max_abs_diff(f.view.compare_shown()->prediction.mean,
                         facade_prediction(f.view, "cnp").mean) < 1e-6);
    // The plots share the y axis, and the second one draws the compared model's mean.
    QCOMPARE(second->yAxis->range().lower, f.view.plot()->yAxis->range().lower);
    QCOMPARE(second->yAxis->range().upper, f.view.plot()->yAxis->range().upper);
    QVERIFY(max_abs_diff(values_of(graph_named(*second, "predictive mean")),
                         f.view.compare_shown()->prediction.mean) < 1e-9);
    const QString caption = f.view.findChild<QLabel*>("compareCaption")->text();
    QVERIFY2(caption.contains("untrained: cnp") && caption.contains("µs"), qPrintable(caption));

    f.view.set_compare_model(-1);
    QVERIFY(!second->isVisible());
    click(f.view, 1.0, -0.5);
    QVERIFY(f.settle());  // no longer waits for a second model
    QCOMPARE(f.view.shown()->update.count, int64_t{3});
  }

  void right_click_removes_a_point() {
    Fixture f;
    QVERIFY(f.settle());
    click(f.view, -1.0, 0.5);
    click(f.view, 1.0, -0.5);
    QCOMPARE(f.view.points().size(), size_t{2});
    QVERIFY(f.settle());
    const ContextPoint kept = f.view.points()[1];
    click(f.view, f.view.points()[0].x[0], f.view.points()[0].y[0], Qt::RightButton);
    QCOMPARE(f.view.points(), std::vector<ContextPoint>{kept});
    QVERIFY(f.settle());
    QCOMPARE(f.view.shown()->update.count, int64_t{1});
    QVERIFY(max_abs_diff(f.view.shown()->prediction.mean, facade_prediction(f.view).mean) < 1e-6);
  }

  void right_click_on_empty_space_changes_nothing() {
    Fixture f;
    QVERIFY(f.settle());
    click(f.view, -1.0, 0.5);
    click(f.view, 1.0, 1.0, Qt::RightButton);
    QCOMPARE(f.view.points().size(), size_t{1});
  }

  void delete_removes_the_selected_point() {
    Fixture f;
    QVERIFY(f.settle());
    click(f.view, -1.0, 0.5);
    click(f.view, 1.0, -0.5);
    click(f.view, f.view.points()[0].x[0], f.view.points()[0].y[0]);  // selects, adds nothing
    QCOMPARE(f.view.points().size(), size_t{2});
    QCOMPARE(f.view.selected_point(), 0);
    f.view.findChild<QAction*>("deleteAction")->trigger();
    QCOMPARE(f.view.points().size(), size_t{1});
    QVERIFY(std::abs(f.view.points()[0].x[0] - 1.0) < 0.02);
  }

  void dragging_moves_a_point() {
    Fixture f;
    QVERIFY(f.settle());
    click(f.view, -1.0, 0.5);
    const auto before = f.view.points();
    drag(f.view, before[0].x[0], before[0].y[0], 0.8, -1.2);
    QCOMPARE(f.view.points().size(), size_t{1});
    QVERIFY(std::abs(f.view.points()[0].x[0] - 0.8) < 0.02);
    QVERIFY(std::abs(f.view.points()[0].y[0] + 1.2) < 0.05);
    QVERIFY(f.settle());
    QVERIFY(max_abs_diff(f.view.shown()->prediction.mean, facade_prediction(f.view).mean) < 1e-5);
  }

  void undo_and_redo_restore_the_exact_point_lists() {
    Fixture f;
    QVERIFY(f.settle());
    std::vector<std::vector<ContextPoint>> states{f.view.points()};
    click(f.view, -1.5, 0.5);
    states.push_back(f.view.points());
    click(f.view, 0.0, -1.0);
    states.push_back(f.view.points());
    click(f.view, 1.2, 1.4);
    states.push_back(f.view.points());
    drag(f.view, f.view.points()[1].x[0], f.view.points()[1].y[0], 0.4, 2.0);  // one step
    states.push_back(f.view.points());
    click(f.view, f.view.points()[0].x[0], f.view.points()[0].y[0], Qt::RightButton);
    states.push_back(f.view.points());
    f.view.clear_points();
    states.push_back(f.view.points());

    for (size_t i = states.size() - 1; i > 0; --i) {
      QVERIFY(f.view.can_undo());
      f.view.undo();
      QCOMPARE(f.view.points(), states[i - 1]);
    }
    QVERIFY(!f.view.can_undo());
    // Redo through the buttons' action (the keys are the window's: see test_main_window).
    auto* redo = f.view.findChild<QAction*>("redoAction");
    QVERIFY(redo != nullptr);
    for (size_t i = 1; i < states.size(); ++i) {
      redo->trigger();
      QCOMPARE(f.view.points(), states[i]);
    }
    QVERIFY(!f.view.can_redo());
    QVERIFY(!redo->isEnabled());

    // The model ends up conditioned on the restored list, not on an intermediate one.
    f.view.undo();
    f.view.undo();
    QCOMPARE(f.view.points(), states[states.size() - 3]);
    QVERIFY(f.settle());
    QCOMPARE(f.view.shown()->update.count, static_cast<int64_t>(f.view.points().size()));
    QVERIFY(max_abs_diff(f.view.shown()->prediction.mean, facade_prediction(f.view).mean) < 1e-5);

    // A new session is one more undoable edit, not a wipe of the history.
    const auto before_new = f.view.points();
    f.view.new_session();
    QVERIFY(f.view.points().empty());
    QVERIFY(f.view.can_undo() && !f.view.can_redo());
    f.view.undo();
    QCOMPARE(f.view.points(), before_new);
  }

  void a_thousand_additions_never_wait_for_the_worker_and_only_the_last_is_computed() {
    Fixture f;
    QVERIFY(f.settle());
    const auto dropped_before = f.thread.worker.dropped();
    // Held, the worker computes nothing: were an edit to wait for it, this loop would never end.
    f.thread.jobs.hold();
    constexpr int kPoints = 1000;
    for (int i = 0; i < kPoints; ++i) {
      const double x = -2.0 + 4.0 * i / (kPoints - 1);
      f.view.add_point(x, std::sin(3 * x));
      QCoreApplication::processEvents();  // the event loop keeps turning between additions
    }
    QVERIFY(!f.view.is_settled());
    QCOMPARE(f.view.points().size(), size_t{kPoints});
    f.thread.jobs.release();
    QVERIFY(f.settle());
    // Each request after the first replaced the one waiting: 999 dropped, one computed, and the
    // answer is for all of the points.
    QCOMPARE(f.thread.worker.dropped() - dropped_before, std::uint64_t{kPoints - 1});
    QCOMPARE(f.view.shown()->update.count, int64_t{kPoints});
  }

  void the_worker_serves_only_the_newest_request_of_a_channel_whatever_the_order_posted() {
    nplab::ui::testing::ModelWorker thread("cpu");
    auto& worker = thread.worker;
    std::vector<nplab::ui::PredictionResult> results;
    QObject receiver;
    connect(&worker, &nplab::ui::ExplorerWorker::finished, &receiver,
            [&](const nplab::ui::PredictionResult& result) { results.push_back(result); });
    const auto request = [](std::uint64_t generation, int points) {
      nplab::ui::PredictionRequest r;
      r.generation = generation;
      for (int i = 0; i < points; ++i) r.points.push_back(nplab::facade::point_1d(0.1 * i, 0.0));
      r.targets = {0.0, 0.5};
      return r;
    };
    worker.jobs().hold();
    worker.post(request(3, 3));
    worker.post(request(1, 1));  // older than the one waiting: dropped on arrival
    worker.post(request(2, 2));
    QCOMPARE(worker.dropped(), std::uint64_t{2});
    worker.jobs().release();
    QVERIFY(QTest::qWaitFor([&] { return !results.empty(); }, 20000));
    QTest::qWait(200);  // the other two wake-ups find nothing to do
    QCOMPARE(results.size(), size_t{1});
    QCOMPARE(results.front().generation, std::uint64_t{3});
    QCOMPARE(results.front().update.count, int64_t{3});
  }

  void a_result_older_than_the_one_shown_is_ignored() {
    Fixture f;
    QVERIFY(f.settle());
    click(f.view, 0.5, 1.0);
    QVERIFY(f.settle());
    const auto shown = *f.view.shown();
    // A late answer to an earlier request (served after a newer one, as a request already
    // started when a newer one was posted can be) must not replace the newer picture.
    auto stale = shown;
    stale.generation = shown.generation - 1;
    stale.update.count = 0;
    std::fill(stale.prediction.mean.begin(), stale.prediction.mean.end(), 42.0);
    emit f.thread.worker.finished(stale);
    QCoreApplication::processEvents();
    QCOMPARE(f.view.shown()->generation, shown.generation);
    QCOMPARE(f.view.shown()->prediction.mean, shown.prediction.mean);
    QCOMPARE(f.view.shown()->update.count, int64_t{1});
  }

  void a_checkpoint_that_cannot_be_loaded_is_an_error_in_the_readout() {
    QTemporaryDir models;
    QFile broken(models.filePath("broken.pt"));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("not a checkpoint");
    broken.close();
    Fixture f({models.path()});
    QCOMPARE(f.view.models().front().label, QString("broken.pt"));
    const auto untrained_cmanp =
        std::find_if(f.view.models().begin(), f.view.models().end(),
                     [](const auto& choice) { return choice.label == "untrained: cmanp"; });
    QVERIFY(untrained_cmanp != f.view.models().end());
    QCOMPARE(f.view.current_model(), 0);  // a checkpoint is preferred to untrained models
    QVERIFY(f.settle());
    QVERIFY(!f.view.shown()->ok());
    QVERIFY(f.view.findChild<QLabel*>("readout")->text().contains("Error"));
    QVERIFY(!f.view.findChild<QLabel*>("untrainedWarning")->isVisible());
    click(f.view, 0.0, 0.0);  // still usable: points are kept while the model is wrong
    QCOMPARE(f.view.points().size(), size_t{1});
    f.view.select_model(static_cast<int>(untrained_cmanp - f.view.models().begin()));
    QVERIFY(f.settle());
    QVERIFY(f.view.shown()->ok());
    QCOMPARE(f.view.shown()->update.count, int64_t{1});
  }

  void y_axis_does_not_shrink_under_the_cursor_and_fit_shrinks_it() {
    Fixture f;
    f.view.set_points({nplab::facade::point_1d(-1.0, 7.5), nplab::facade::point_1d(1.0, 0.5)});
    QVERIFY(f.settle());
    const auto grown = f.view.plot()->yAxis->range();
    QVERIFY(grown.upper > 7.5);
    // Removing the high point by mouse: the axis stays, so the next click lands where it looks.
    click(f.view, -1.0, 7.5, Qt::RightButton);
    QCOMPARE(f.view.points().size(), size_t{1});
    QVERIFY(f.settle());
    QCOMPARE(f.view.plot()->yAxis->range(), grown);
    click(f.view, 0.0, 5.0);
    QVERIFY(f.settle());
    QVERIFY(std::abs(f.view.points().back().y[0] - 5.0) < grown.size() / 100);
    click(f.view, 0.0, 5.0, Qt::RightButton);
    QVERIFY(f.settle());
    QCOMPARE(f.view.plot()->yAxis->range(), grown);
    // Once the pointer leaves, the axis settles to what is drawn.
    QEvent leave(QEvent::Leave);
    QApplication::sendEvent(f.view.plot(), &leave);
    const auto settled = f.view.plot()->yAxis->range();
    QVERIFY(settled.size() < grown.size() / 1.5);
    // Fit: exactly what is drawn, at once.
    f.view.set_points({nplab::facade::point_1d(-1.0, 7.5), nplab::facade::point_1d(1.0, 0.5)});
    QVERIFY(f.settle());
    f.view.set_points({nplab::facade::point_1d(1.0, 0.5)});
    QVERIFY(f.settle());
    f.view.findChild<QAction*>("fitAction")->trigger();
    QVERIFY(f.view.plot()->yAxis->range().upper < 3.0);
  }

  void a_slow_request_shows_computing_with_the_new_count_until_it_is_answered() {
    Fixture f;
    QVERIFY(f.settle());
    auto* readout = f.view.findChild<QLabel*>("readout");
    auto* badge = f.view.plot()->findChild<QLabel*>("busyBadge");
    QVERIFY(badge && !badge->isVisible());
    // 100,000 points: seconds for the untrained CMANP on the CPU, far past the 150 ms delay.
    std::vector<ContextPoint> many;
    for (int i = 0; i < 100'000; ++i) many.push_back(nplab::facade::point_1d(-2.0 + 4e-5 * i, 0.1));
    f.view.set_points(std::move(many));
    QVERIFY(QTest::qWaitFor([&] { return f.view.shows_busy(); }, 5'000));
    QVERIFY(badge->isVisible());
    QVERIFY2(readout->text().contains("computing N = 100000"), qPrintable(readout->text()));
    QVERIFY(f.settle());
    QVERIFY(!f.view.shows_busy() && !badge->isVisible());
    QVERIFY(!readout->text().contains("computing"));
  }

  void a_quick_answer_never_shows_computing() {
    QWidget covered;
    nplab::ui::BusyIndicator busy(covered);
    bool ever_shown = false;
    QObject::connect(&busy, &nplab::ui::BusyIndicator::changed,
                     [&](bool shown) { ever_shown = ever_shown || shown; });
    busy.start();
    QTest::qWait(nplab::ui::BusyIndicator::kDelayMs / 3);
    busy.finish();
    QTest::qWait(2 * nplab::ui::BusyIndicator::kDelayMs);
    QVERIFY(!ever_shown && !busy.shown());
    busy.start();
    QTest::qWait(2 * nplab::ui::BusyIndicator::kDelayMs);
    QVERIFY(busy.shown());
  }

  void history_forgets_the_oldest_snapshot_past_its_capacity() {
    nplab::ui::EditHistory history(2);
    const auto list = [](int n) {
      return std::vector<ContextPoint>(n, nplab::facade::point_1d(0, 0));
    };
    history.record(list(0));
    history.record(list(1));
    history.record(list(2));
    QCOMPARE(history.undo(list(3))->size(), size_t{2});
    QCOMPARE(history.undo(list(2))->size(), size_t{1});
    QVERIFY(!history.undo(list(1)).has_value());
  }
};

QTEST_MAIN(FunctionsViewTest)
#include "test_functions_view.moc"

// The Functions view's hidden function: revealing points of it (at random, where the model is
// least certain), overlaying it and the oracle GP, and a y axis that follows what is drawn.

#include <qcustomplot.h>

#include <QCheckBox>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "explorer_worker.h"
#include "functions_view.h"
#include "nplab/facade/ground_truth.h"
#include "ui_test_support.h"

using nplab::ui::FunctionsView;
using namespace nplab::ui::testing;

namespace {

bool in_legend(QCustomPlot* plot, QCPGraph* graph) {
  return plot->legend->hasItemWithPlottable(graph);
}

/// Index of `x` on the view's grid (revealed points lie exactly on it).
size_t grid_index(const FunctionsView& view, double x) {
  const auto& grid = view.grid();
  return static_cast<size_t>(std::find(grid.begin(), grid.end(), x) - grid.begin());
}

/// A view on an empty models/ folder (the untrained CMANP), with reproducible reveals.
struct Fixture {
  QTemporaryDir models;
  nplab::ui::testing::ModelWorker thread;
  FunctionsView view{thread.worker, QStringList{models.path()}};

  Fixture() {
    view.set_random_seed(3);
    view.resize(1000, 650);
    view.show();
  }

  bool settle() {
    const bool settled = QTest::qWaitFor([this] { return view.is_settled(); }, kSettleTimeoutMs);
    QCoreApplication::processEvents();
    return settled;
  }
};

}  // namespace

class HiddenFunctionTest : public QObject {
  Q_OBJECT

 private slots:
  void revealing_a_random_point_observes_the_truth_with_small_noise() {
    Fixture f;
    QVERIFY(f.settle());
    QCOMPARE(f.view.truth_values().size(), f.view.grid().size());
    f.view.findChild<QPushButton*>("revealRandomButton")->click();
    f.view.reveal_random(4);
    QVERIFY(f.settle());
    QCOMPARE(f.view.points().size(), size_t{5});
    for (const auto& point : f.view.points()) {
      const size_t index = grid_index(f.view, point.x[0]);
      QVERIFY(index < f.view.grid().size());  // on the grid
      // Noise of std 0.02: five of them all within 5σ.
      QVERIFY(std::abs(point.y[0] - f.view.truth_values()[index]) <
              5 * nplab::facade::kRevealNoiseStd);
    }
    // Each reveal is one undoable edit.
    f.view.undo();
    QCOMPARE(f.view.points().size(), size_t{4});
  }

  void revealing_where_least_certain_picks_the_largest_predicted_std() {
    Fixture f;
    f.view.reveal_random(2);
    QVERIFY(f.settle());
    const auto& stddev = f.view.shown()->prediction.stddev;
    const auto most_uncertain =
        static_cast<size_t>(std::max_element(stddev.begin(), stddev.end()) - stddev.begin());
    f.view.findChild<QPushButton*>("revealUncertainButton")->click();
    QCOMPARE(f.view.points().size(), size_t{3});
    QCOMPARE(grid_index(f.view, f.view.points().back().x[0]), most_uncertain);
    // Asked twice before the model has answered: the second waits for the new prediction.
    f.view.reveal_uncertain();
    f.view.reveal_uncertain();
    QVERIFY(f.settle());
    QCOMPARE(f.view.points().size(), size_t{5});
  }

  void truth_and_oracle_overlays_draw_the_workers_curves() {
    Fixture f;
    f.view.reveal_random(6);
    QVERIFY(f.settle());
    auto* truth = graph_named(*f.view.plot(), "hidden function");
    auto* oracle_mean = graph_named(*f.view.plot(), "oracle GP mean");
    auto* oracle_upper = graph_named(*f.view.plot(), "oracle GP ±2σ");
    QVERIFY(truth && oracle_mean && oracle_upper);
    QVERIFY(!truth->visible() && !in_legend(f.view.plot(), truth));
    QVERIFY(!f.view.shown()->oracle.has_value());  // not computed while hidden

    f.view.findChild<QCheckBox*>("showTruth")->setChecked(true);
    f.view.findChild<QCheckBox*>("showOracle")->setChecked(true);
    QVERIFY(f.settle());
    QVERIFY(truth->visible() && in_legend(f.view.plot(), truth));
    QVERIFY(oracle_mean->visible() && in_legend(f.view.plot(), oracle_mean));
    QCOMPARE(values_of(truth), f.view.truth_values());
    const auto expected =
        nplab::facade::oracle_prediction(f.view.truth(), f.view.points(), f.view.grid());
    QVERIFY(expected.ok());
    const auto drawn_mean = values_of(oracle_mean);
    const auto drawn_upper = values_of(oracle_upper);
    QCOMPARE(drawn_mean.size(), f.view.grid().size());
    for (size_t i = 0; i < drawn_mean.size(); ++i) {
      QVERIFY(std::abs(drawn_mean[i] - expected.value().mean[i]) < 1e-9);
      QVERIFY(std::abs(drawn_upper[i] - expected.value().mean[i] - 2 * expected.value().stddev[i]) <
              1e-9);
    }
  }

  void new_function_resamples_undoably_while_kernel_changes_keep_the_points() {
    Fixture f;
    f.view.reveal_random(3);
    QVERIFY(f.settle());
    const auto first = f.view.truth_values();
    auto spec = f.view.truth();
    spec.kernel = nplab::facade::TruthKernel::Periodic;
    f.view.set_truth(spec);
    QVERIFY(f.settle());
    QCOMPARE(f.view.points().size(), size_t{3});
    QVERIFY(f.view.truth_values() != first);
    QCOMPARE(f.view.truth_values(), nplab::facade::sample_truth(spec, f.view.grid()).value());

    const auto seed = f.view.truth().seed;
    const auto points = f.view.points();
    f.view.findChild<QPushButton*>("newFunctionButton")->click();
    QVERIFY(f.settle());
    const auto new_seed = f.view.truth().seed;
    QVERIFY(new_seed != seed);
    QVERIFY(f.view.points().empty());
    // Not a silent wipe: Undo brings back the points and the function they were placed on.
    QVERIFY(f.view.can_undo());
    f.view.undo();
    QVERIFY(f.settle());
    QCOMPARE(f.view.truth().seed, seed);
    QCOMPARE(f.view.points(), points);
    QCOMPARE(f.view.truth_values(),
             nplab::facade::sample_truth(f.view.truth(), f.view.grid()).value());
    f.view.redo();
    QVERIFY(f.settle());
    QCOMPARE(f.view.truth().seed, new_seed);
    QVERIFY(f.view.points().empty());
    // The kernel change before it is one undo step too; the points stay.
    f.view.undo();
    f.view.undo();
    QVERIFY(f.settle());
    QCOMPARE(f.view.truth().kernel, nplab::facade::TruthKernel::RBF);
    QCOMPARE(f.view.points(), points);
  }

  void y_axis_grows_to_show_every_point_and_shrinks_back() {
    Fixture f;
    QVERIFY(f.settle());
    f.view.set_points({nplab::facade::point_1d(-1.0, 7.5), nplab::facade::point_1d(1.0, -6.0)});
    QVERIFY(f.settle());
    const auto grown = f.view.plot()->yAxis->range();
    QVERIFY2(grown.lower < -6.0 && grown.upper > 7.5,
             qPrintable(QString("%1 .. %2").arg(grown.lower).arg(grown.upper)));
    // An untrained model's band may be wide, but it never stretches the axis past twice the
    // height of the points and curves themselves (plus padding).
    QVERIFY(grown.size() < 2 * 13.5 * 1.2);
    f.view.set_points({nplab::facade::point_1d(0.0, 0.5)});
    QVERIFY(f.settle());
    QVERIFY(f.view.plot()->yAxis->range().size() < grown.size() / 1.5);
  }
};

QTEST_MAIN(HiddenFunctionTest)
#include "test_hidden_function.moc"

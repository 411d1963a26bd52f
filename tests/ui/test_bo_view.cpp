// The BO view, driven as a person would: Step, Run to, a click on the upper plot, undo/redo and a
// session round trip. The surrogate is the oracle GP (no checkpoint is needed), so the tests check
// what the view does with the search, not how good a trained surrogate is.

#include <qcustomplot.h>

#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "bo_plots.h"
#include "bo_view.h"
#include "bo_worker.h"
#include "job_thread.h"
#include "ui_test_support.h"

using nplab::ui::BoView;
using namespace nplab::ui::testing;

namespace {

struct Fixture {
  QTemporaryDir models;  // empty: only the oracle GP and random search are offered
  nplab::ui::JobThread jobs;
  nplab::ui::BoWorker worker{jobs};
  BoView view{worker, {models.path()}};

  Fixture() {
    view.resize(1200, 700);
    view.show();
  }

  bool settle() {
    const bool settled = QTest::qWaitFor([this] { return view.is_settled(); }, kSettleTimeoutMs);
    QCoreApplication::processEvents();
    return settled;
  }

  const nplab::facade::BoFrame& frame() const { return view.shown()->frame; }
};

bool non_increasing(const std::vector<double>& values) {
  for (std::size_t i = 1; i < values.size(); ++i) {
    if (values[i] > values[i - 1] + 1e-12) return false;
  }
  return true;
}

}  // namespace

class TestBoView : public QObject {
  Q_OBJECT

 private slots:
  void opens_on_the_oracle_with_the_starting_points_and_a_proposed_next_query() {
    Fixture f;
    QVERIFY(f.settle());
    QVERIFY(f.view.shown()->ok());
    QCOMPARE(f.view.surrogates().size(), 2);  // oracle GP, random search
    QCOMPARE(f.view.settings().surrogate, std::string("oracle"));
    QCOMPARE(f.frame().starting_points, 3);
    QCOMPARE(f.frame().query_x.size(), std::size_t{3});
    QCOMPARE(f.frame().simple_regret.size(), std::size_t{1});
    QCOMPARE(f.frame().mean.size(), f.frame().grid.size());
    QCOMPARE(f.frame().acquisition.size(), f.frame().grid.size());
    QVERIFY(f.frame().next_x >= -2.0 && f.frame().next_x <= 2.0);
    QVERIFY(f.view.readout_text().contains("simple regret"));
  }

  void step_queries_the_proposed_point_and_undo_redo_walk_it_back_and_forth() {
    Fixture f;
    QVERIFY(f.settle());
    const double proposed = f.frame().next_x;
    f.view.step();
    QVERIFY(f.settle());
    QCOMPARE(f.view.steps(), 1);
    QCOMPARE(f.frame().query_x.size(), std::size_t{4});
    QCOMPARE(f.frame().query_x.back(), proposed);
    QVERIFY(f.view.can_undo());
    f.view.undo();
    QVERIFY(f.settle());
    QCOMPARE(f.view.steps(), 0);
    QCOMPARE(f.frame().query_x.size(), std::size_t{3});
    f.view.redo();
    QVERIFY(f.settle());
    QCOMPARE(f.frame().query_x.back(), proposed);
  }

  void run_to_reaches_the_count_with_regret_that_never_rises_beside_both_baselines() {
    Fixture f;
    f.view.run_to(12);
    QVERIFY(f.settle());
    QCOMPARE(f.view.steps(), 12);
    QCOMPARE(f.frame().query_x.size(), std::size_t{15});
    QCOMPARE(f.frame().simple_regret.size(), std::size_t{13});
    QVERIFY(non_increasing(f.frame().simple_regret));
    QVERIFY(f.frame().simple_regret.back() >= 0.0);
    QVERIFY(f.view.shown()->oracle && f.view.shown()->random);
    QCOMPARE(f.view.shown()->random->simple_regret.size(), std::size_t{13});
    QVERIFY(non_increasing(f.view.shown()->random->simple_regret));
    // One undo takes back the whole run.
    f.view.undo();
    QVERIFY(f.settle());
    QCOMPARE(f.view.steps(), 0);
  }

  void a_click_on_the_upper_plot_queries_f_where_it_was_clicked() {
    Fixture f;
    QVERIFY(f.settle());
    auto* plot = f.view.search_plot();
    plot->replot();
    const QPoint pixel(qRound(plot->pixel_at_x(0.5)), plot->search_rect()->center().y());
    QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, pixel);
    QVERIFY(f.settle());
    QCOMPARE(f.view.steps(), 1);
    QVERIFY(f.view.ops().back().by_hand);
    // The nearest point of the 1001-point grid on [-2, 2] (spacing 0.004), within a pixel.
    QVERIFY2(std::abs(f.frame().query_x.back() - 0.5) < 0.02,
             qPrintable(QString::number(f.frame().query_x.back())));
    // A click on the acquisition plot beneath is not a query.
    const QPoint below = plot->acquisition_rect()->center();
    QTest::mouseClick(plot, Qt::LeftButton, Qt::NoModifier, below);
    QVERIFY(f.settle());
    QCOMPARE(f.view.steps(), 1);
  }

  void a_session_restores_the_same_queries_in_a_new_view() {
    Fixture first;
    first.view.set_function("forrester");
    first.view.run_to(5);
    first.view.query_at(-1.0);
    QVERIFY(first.settle());
    const auto session = first.view.session();
    QCOMPARE(session.queries.size(), std::size_t{6});
    QCOMPARE(session.settings.function, std::string("forrester"));

    Fixture second;
    second.view.restore(session);
    QVERIFY(second.settle());
    QCOMPARE(second.frame().query_x, first.frame().query_x);
    QCOMPARE(second.view.session(), session);
  }

  void random_search_draws_no_surrogate_and_no_acquisition() {
    Fixture f;
    f.view.select_surrogate(1);
    f.view.run_to(4);
    QVERIFY(f.settle());
    QCOMPARE(f.view.settings().surrogate, std::string("random"));
    QVERIFY(f.frame().mean.empty());
    QVERIFY(f.frame().acquisition.empty());
    QCOMPARE(f.frame().query_x.size(), std::size_t{7});
  }
};

QTEST_MAIN(TestBoView)
#include "test_bo_view.moc"

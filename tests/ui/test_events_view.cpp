// The Events view, driven as a person would: clicks, drags and buttons on the timeline; the
// models are untrained, so the tests check what the view does with the model's answers, not how
// good they are. The shipped checkpoints are only listed.

#include <qcustomplot.h>

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "events_plot.h"
#include "events_view.h"
#include "events_worker.h"
#include "job_thread.h"
#include "model_catalog.h"
#include "ui_test_support.h"

using nplab::facade::MarkedEvent;
using nplab::ui::EventsPlot;
using nplab::ui::EventsView;
using namespace nplab::ui::testing;

namespace {

struct Fixture {
  QTemporaryDir models;  // empty: only the untrained models are offered
  nplab::ui::JobThread jobs;
  nplab::ui::EventsWorker worker{jobs};
  EventsView view{worker, {models.path()}};

  Fixture() {
    view.resize(1000, 600);
    view.show();
  }

  bool settle() {
    const bool settled = QTest::qWaitFor([this] { return view.is_settled(); }, kSettleTimeoutMs);
    QCoreApplication::processEvents();
    view.plot()->replot();
    return settled;
  }

  QPoint pixel_at(double time) const {
    return {qRound(view.plot()->xAxis->coordToPixel(time)), qRound(view.plot()->event_row_pixel())};
  }
};

void send_mouse(QWidget* widget, QEvent::Type type, Qt::MouseButton button,
                Qt::MouseButtons buttons, QPoint pixel) {
  QMouseEvent event(type, QPointF(pixel), widget->mapToGlobal(QPointF(pixel)), button, buttons,
                    Qt::NoModifier);
  QApplication::sendEvent(widget, &event);
}

void click(Fixture& f, double time, Qt::MouseButton button = Qt::LeftButton) {
  const QPoint pixel = f.pixel_at(time);
  send_mouse(f.view.plot(), QEvent::MouseButtonPress, button, button, pixel);
  send_mouse(f.view.plot(), QEvent::MouseButtonRelease, button, Qt::NoButton, pixel);
}

std::vector<double> density_of(const EventsView& view) {
  return values_of(view.plot()->density_graph());
}

std::vector<double> compared_density_of(const EventsView& view) {
  return values_of(view.plot()->compare_density_graph());
}

QString readout_of(const EventsView& view) {
  return view.findChild<QLabel*>("readout")->text();
}

/// The legend's texts of the timeline.
QStringList legend_of(const EventsPlot& plot) {
  QStringList names;
  for (int i = 0; i < plot.legend->itemCount(); ++i) {
    if (auto* item = qobject_cast<QCPPlottableLegendItem*>(plot.legend->item(i))) {
      names << item->plottable()->name();
    }
  }
  return names;
}

}  // namespace

class EventsViewTest : public QObject {
  Q_OBJECT

 private slots:
  void the_shipped_point_process_checkpoints_are_offered_here_and_not_to_the_other_views() {
    const QStringList shipped{QStringLiteral(NPLAB_SOURCE_DIR "/models")};
    QStringList event_checkpoints;
    for (const auto& choice : nplab::ui::available_event_models(shipped)) {
      if (!choice.untrained) event_checkpoints << choice.label;
    }
    QCOMPARE(event_checkpoints, (QStringList{"cmhp.pt", "thp.pt"}));
    for (const auto& choice : nplab::ui::available_models(shipped)) {
      QVERIFY2(choice.label != "cmhp.pt" && choice.label != "thp.pt", qPrintable(choice.label));
    }
  }

  void says_when_no_trained_model_is_available() {
    Fixture f;
    QVERIFY(!f.view.has_trained_model());
    auto* banner = f.view.findChild<QLabel*>("noEventModel");
    QVERIFY(banner && banner->isVisible());
    QVERIFY(banner->text().contains("Open checkpoint"));
    QVERIFY(f.view.findChild<QPushButton*>("openEventCheckpoint"));
    QVERIFY(f.settle());
    QVERIFY(f.view.shown()->ok());
    QVERIFY(f.view.shown()->model.untrained);
  }

  void click_adds_an_event_with_the_selected_mark_and_redraws_the_density() {
    Fixture f;
    QVERIFY(f.settle());
    const auto before = density_of(f.view);
    QVERIFY(!before.empty());
    f.view.set_selected_mark(2);
    click(f, 3.0);
    QCOMPARE(f.view.events().size(), size_t{1});
    QCOMPARE(f.view.events()[0].mark, 2);
    QVERIFY(std::abs(f.view.events()[0].time - 3.0) < 0.05);
    QVERIFY(f.settle());
    QCOMPARE(f.view.shown()->update.count, 1);
    const auto after = density_of(f.view);
    QVERIFY(!after.empty());
    // The density now starts at the new last event, so its first key moved right by ~3.
    const auto* graph = f.view.plot()->density_graph();
    QVERIFY(graph->data()->constBegin()->key > 3.0);
    QVERIFY(after != before);
    QCOMPARE(f.view.mark_bars()->model_probabilities().size(), size_t{3});
  }

  void right_click_removes_and_drag_moves_and_undo_redo_restore() {
    Fixture f;
    QVERIFY(f.settle());
    click(f, 2.0);
    click(f, 5.0);
    QCOMPARE(f.view.events().size(), size_t{2});
    QVERIFY(f.settle());
    // Drag the event at 2 past the one at 5.
    send_mouse(f.view.plot(), QEvent::MouseButtonPress, Qt::LeftButton, Qt::LeftButton,
               f.pixel_at(2.0));
    send_mouse(f.view.plot(), QEvent::MouseMove, Qt::NoButton, Qt::LeftButton, f.pixel_at(4.0));
    send_mouse(f.view.plot(), QEvent::MouseMove, Qt::NoButton, Qt::LeftButton, f.pixel_at(7.0));
    send_mouse(f.view.plot(), QEvent::MouseButtonRelease, Qt::LeftButton, Qt::NoButton,
               f.pixel_at(7.0));
    QCOMPARE(f.view.events().size(), size_t{2});
    QVERIFY(std::abs(f.view.events()[0].time - 5.0) < 0.05);
    QVERIFY(std::abs(f.view.events()[1].time - 7.0) < 0.05);
    const auto after_drag = f.view.events();
    f.view.undo();  // the whole drag is one step
    QVERIFY(std::abs(f.view.events()[0].time - 2.0) < 0.05);
    f.view.redo();
    QCOMPARE(f.view.events(), after_drag);
    QVERIFY(f.settle());
    click(f, 7.0, Qt::RightButton);
    QCOMPARE(f.view.events().size(), size_t{1});
    f.view.undo();
    QCOMPARE(f.view.events(), after_drag);
    QVERIFY(f.settle());
    QCOMPARE(f.view.shown()->update.count, 2);
  }

  void comparing_draws_the_second_model_beside_the_first_until_turned_off() {
    Fixture f;
    QVERIFY(f.settle());
    click(f, 2.0);
    click(f, 4.5, Qt::LeftButton);
    QVERIFY(f.settle());
    const QString first = f.view.models()[f.view.current_model()].label;
    QCOMPARE(first, QString("untrained: cmhp"));
    QVERIFY(compared_density_of(f.view).empty());
    // Chosen from the picker, as a person does.
    auto* picker = f.view.findChild<QComboBox*>("eventsComparePicker");
    QVERIFY(picker);
    picker->setCurrentIndex(picker->findText("untrained: thp"));
    QCOMPARE(f.view.models()[f.view.compare_model()].label, QString("untrained: thp"));
    QVERIFY(f.settle());
    const auto main_density = density_of(f.view);
    const auto second_density = compared_density_of(f.view);
    QCOMPARE(second_density.size(), main_density.size());
    QVERIFY(second_density != main_density);
    QVERIFY(f.view.shown()->compare && f.view.shown()->compare->ok());
    QCOMPARE(f.view.shown()->compare->model.name, std::string("thp"));
    QVERIFY(f.view.plot()->compare_density_graph()->pen() != f.view.plot()->density_graph()->pen());
    const QStringList legend = legend_of(*f.view.plot());
    QVERIFY2(legend.contains("untrained: thp: next-event density"), qPrintable(legend.join("; ")));
    QVERIFY2(legend.contains("untrained: cmhp: next-event density"), qPrintable(legend.join("; ")));
    QCOMPARE(f.view.mark_bars()->compare_probabilities().size(), size_t{3});
    QVERIFY(f.view.mark_bars()->compare_probabilities() !=
            f.view.mark_bars()->model_probabilities());
    const QString readout = readout_of(f.view);
    QVERIFY2(readout.contains("untrained: cmhp") && readout.contains("untrained: thp"),
             qPrintable(readout));
    QVERIFY2(readout.count("state:") == 2 && readout.count("µs") == 2, qPrintable(readout));

    // Undo and redo keep comparing, and both models follow the events.
    f.view.undo();
    QCOMPARE(f.view.events().size(), size_t{1});
    QVERIFY(f.settle());
    QVERIFY(f.view.comparing());
    QCOMPARE(f.view.shown()->compare->update.count, 1);
    QVERIFY(!compared_density_of(f.view).empty());
    f.view.redo();
    QVERIFY(f.settle());
    QCOMPARE(f.view.shown()->compare->update.count, 2);

    picker->setCurrentIndex(0);  // "none"
    QVERIFY(!f.view.comparing());
    QVERIFY(compared_density_of(f.view).empty());
    QVERIFY(f.settle());
    QVERIFY(!f.view.shown()->compare);
    QVERIFY(compared_density_of(f.view).empty());
    QVERIFY(f.view.mark_bars()->compare_probabilities().empty());
    QVERIFY(!legend_of(*f.view.plot()).contains("untrained: thp: next-event density"));
    QVERIFY2(!readout_of(f.view).contains("untrained: thp"), qPrintable(readout_of(f.view)));
  }

  void reveal_next_adds_the_hidden_process_event_after_the_last_one() {
    Fixture f;
    QVERIFY(f.settle());
    click(f, 1.0);
    auto* reveal = f.view.findChild<QPushButton*>("revealNextButton");
    QVERIFY(reveal);
    reveal->click();
    QCOMPARE(f.view.events().size(), size_t{2});
    QVERIFY(f.view.events()[1].time > f.view.events()[0].time);
    f.view.findChild<QPushButton*>("runEventsButton")->click();
    QCOMPARE(f.view.events().size(), size_t{102});
    for (size_t i = 1; i < f.view.events().size(); ++i) {
      QVERIFY(f.view.events()[i].time > f.view.events()[i - 1].time);
    }
    QVERIFY(f.settle());
    QVERIFY(f.view.shown()->truth.has_value());
    QVERIFY(!values_of(graph_named(*f.view.plot(), EventsPlot::kIntensity)).empty());
    QVERIFY(!values_of(graph_named(*f.view.plot(), EventsPlot::kOracle)).empty());
    f.view.undo();  // the hundred are one edit
    QCOMPARE(f.view.events().size(), size_t{2});
  }
};

QTEST_MAIN(EventsViewTest)
#include "test_events_view.moc"

// The Stream view: a stream runs in a child process (nplab-cli bench stream --jsonl) and draws
// the prediction, a sample of the points and the live figures; CMANP's state stays the same size
// as N grows; Pause holds the stream (its time off the clock) and Resume finishes it; Stop ends
// it and keeps what it showed; a CSV's bad rows are skipped and named; a compared model whose
// memory grows stops at the cap with the reason; a missing nplab-cli or CSV is said, not hidden.

#include <qcustomplot.h>

#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "stream_view.h"

using nplab::ui::StreamView;

namespace {

constexpr int kStreamTimeoutMs = 180'000;

/// A view over an empty models folder: only the untrained registry models, the same on every
/// machine. Few targets and a small drawn sample keep the lines short.
struct Fixture {
  QTemporaryDir no_checkpoints;
  StreamView view{QStringList{no_checkpoints.path()}};
  Fixture() {
    view.request_defaults().targets = 50;
    view.request_defaults().sample_points = 200;
    view.request_defaults().sample_every_seconds = 0.1;
    view.resize(1200, 800);
    view.show();
  }
  int model(const QString& name) const {
    const auto& models = view.models();
    for (int i = 0; i < models.size(); ++i) {
      if (models[i].label == "untrained: " + name) return i;
    }
    return -1;
  }
};

bool wait_for_finish(StreamView& view) {
  if (!view.is_running()) return true;
  QSignalSpy finished(&view, &StreamView::streams_finished);
  return finished.wait(kStreamTimeoutMs);
}

}  // namespace

class StreamViewTest : public QObject {
  Q_OBJECT

 private slots:
  void a_generated_stream_draws_its_prediction_and_cmanps_state_stays_the_same_size() {
    Fixture f;
    f.view.select_model(f.model("cmanp"));
    f.view.use_generator(200'000);
    QVERIFY(f.view.start());
    QVERIFY(f.view.is_running());
    QVERIFY(!f.view.findChild<QPushButton*>("startButton")->isEnabled());
    QVERIFY(wait_for_finish(f.view));
    QVERIFY(f.view.findChild<QPushButton*>("startButton")->isEnabled());
    const auto& trace = f.view.trace(StreamView::Main);
    QVERIFY2(trace.error.isEmpty(), qPrintable(trace.error));
    QVERIFY(trace.end.has_value());
    QCOMPARE(trace.end->points, 200'000);
    QVERIFY(trace.end->stopped.empty());
    QCOMPARE(trace.model, QString("cmanp"));
    QVERIFY(trace.samples.size() >= 3);
    QCOMPARE(trace.samples.back().n, 200'000);
    for (const auto& sample : trace.samples) {
      QCOMPARE(sample.state_bytes, trace.samples.front().state_bytes);
      QVERIFY(sample.peak_resident_bytes > 0);
      QVERIFY(sample.update_us > 0);
    }
    // The prediction at every target, the hidden function under it, the drawn points full.
    auto* plot = f.view.plot();
    QVERIFY(plot->graphCount() >= 9);
    const auto* truth = plot->graph(plot->graphCount() - 1);
    QCOMPARE(truth->dataCount(), 50);
    int drawn = 0, means = 0;
    for (int i = 0; i < plot->graphCount(); ++i) {
      const auto* graph = plot->graph(i);
      if (graph->lineStyle() == QCPGraph::lsNone && graph->visible()) drawn = graph->dataCount();
      if (graph->name() == "cmanp") means = graph->dataCount();
    }
    QCOMPARE(drawn, 200);
    QCOMPARE(means, 50);
    // The history plots have a point per sample; the strip and status say the figures.
    QCOMPARE(f.view.memory_plot()->graph(0)->dataCount(), static_cast<int>(trace.samples.size()));
    QVERIFY2(f.view.strip_text(StreamView::Main).contains("N <b>200,000</b>"),
             qPrintable(f.view.strip_text(StreamView::Main)));
    QVERIFY2(f.view.status_text().contains("cmanp: 200,000 points in"),
             qPrintable(f.view.status_text()));
    // Peak memory at N = 10⁴ or so against the end: the claim in one ratio.
    QVERIFY2(f.view.status_text().contains("Peak resident memory"),
             qPrintable(f.view.status_text()));
  }

  void pause_holds_the_stream_off_the_clock_and_resume_finishes_it() {
    Fixture f;
    f.view.select_model(f.model("cmanp"));
    f.view.use_generator(4000);
    f.view.set_rate(2000);  // about 2 s of streaming
    QElapsedTimer wall;
    wall.start();
    QVERIFY(f.view.start());
    QTRY_VERIFY_WITH_TIMEOUT(!f.view.trace(StreamView::Main).samples.empty(), kStreamTimeoutMs);
    f.view.pause();
    QVERIFY(f.view.is_paused());
    QCOMPARE(f.view.findChild<QPushButton*>("pauseButton")->text(), QString("Resume"));
    QTest::qWait(300);  // lines already written before the stop arrive
    const auto held_at = f.view.trace(StreamView::Main).samples.size();
    QTest::qWait(1500);
    QCOMPARE(f.view.trace(StreamView::Main).samples.size(), held_at);  // nothing while held
    QVERIFY(f.view.is_running());
    f.view.resume();
    QVERIFY(!f.view.is_paused());
    QVERIFY(wait_for_finish(f.view));
    const auto& trace = f.view.trace(StreamView::Main);
    QVERIFY(trace.end.has_value());
    QCOMPARE(trace.end->points, 4000);
    // Running time leaves out the 1.8 s held.
    QVERIFY2(trace.end->seconds < wall.elapsed() / 1000.0 - 1.2,
             qPrintable(QString("ran %1 s of %2 s").arg(trace.end->seconds).arg(wall.elapsed())));
    QVERIFY(trace.end->seconds > 1.5);  // and the rate held
  }

  void stop_ends_the_stream_and_keeps_what_it_showed() {
    Fixture f;
    f.view.select_model(f.model("cmanp"));
    f.view.use_generator(500'000'000);
    f.view.set_rate(100'000);
    QVERIFY(f.view.start());
    QTRY_VERIFY_WITH_TIMEOUT(f.view.trace(StreamView::Main).samples.size() >= 2, kStreamTimeoutMs);
    QSignalSpy finished(&f.view, &StreamView::streams_finished);
    f.view.findChild<QPushButton*>("stopButton")->click();
    QVERIFY(finished.count() == 1 || finished.wait(10'000));
    QVERIFY(!f.view.is_running());
    const auto& trace = f.view.trace(StreamView::Main);
    QVERIFY(trace.stopped_by_user);
    QVERIFY(trace.error.isEmpty());
    QVERIFY(trace.samples.size() >= 2);
    QVERIFY2(f.view.status_text().contains("cmanp: stopped at N = "),
             qPrintable(f.view.status_text()));
    QVERIFY(f.view.memory_plot()->graph(0)->dataCount() >= 2);
  }

  void a_csv_streams_with_its_bad_rows_skipped_and_the_first_named() {
    Fixture f;
    QTemporaryDir dir;
    const QString path = dir.filePath("points.csv");
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("x,y\n");
    for (int i = 0; i < 3000; ++i) {
      if (i == 4) file.write("0.1,abc\n");  // line 6
      if (i == 10) file.write("nan,0.5\n");
      file.write(QByteArray::number(-2.0 + 4.0 * i / 3000) + ",0.5\n");
    }
    file.close();
    f.view.select_model(f.model("cmanp"));
    f.view.use_csv(path);
    QVERIFY(f.view.uses_csv());
    QVERIFY(f.view.start());
    QVERIFY(wait_for_finish(f.view));
    const auto& trace = f.view.trace(StreamView::Main);
    QVERIFY2(trace.error.isEmpty(), qPrintable(trace.error));
    QVERIFY(trace.end.has_value());
    QCOMPARE(trace.end->points, 3000);
    QCOMPARE(trace.bad_rows, 2);
    QVERIFY2(trace.first_bad_row.contains("points.csv:6"), qPrintable(trace.first_bad_row));
    QVERIFY2(f.view.status_text().contains("2 rows skipped"), qPrintable(f.view.status_text()));
  }

  void a_compared_model_whose_memory_grows_stops_at_the_cap_and_says_so() {
    Fixture f;
    f.view.select_model(f.model("cmanp"));
    f.view.set_compare_model(f.model("tnpd"));
    f.view.set_cap_gib(0.25);
    f.view.use_generator(40'000);
    QVERIFY(f.view.start());
    QVERIFY(f.view.findChild<QLabel*>("compareStrip")->isVisibleTo(&f.view));
    QVERIFY(wait_for_finish(f.view));
    const auto& cmanp = f.view.trace(StreamView::Main);
    const auto& tnpd = f.view.trace(StreamView::Compare);
    QVERIFY(cmanp.end && tnpd.end);
    QCOMPARE(cmanp.end->points, 40'000);
    QVERIFY(cmanp.end->stopped.empty());
    QVERIFY(tnpd.end->points < 40'000);
    QVERIFY2(QString::fromStdString(tnpd.end->stopped).contains("memory cap"),
             tnpd.end->stopped.c_str());
    QVERIFY2(f.view.status_text().contains("tnpd: "), qPrintable(f.view.status_text()));
    QVERIFY2(f.view.status_text().contains("memory cap"), qPrintable(f.view.status_text()));
    // Its state (the stored context) grew; CMANP's did not.
    QVERIFY(tnpd.samples.back().state_bytes >= 2 * tnpd.samples.front().state_bytes);
    QCOMPARE(cmanp.samples.back().state_bytes, cmanp.samples.front().state_bytes);
  }

  void a_missing_cli_or_csv_is_said_and_nothing_starts() {
    Fixture f;
    f.view.use_csv("/no/such/points.csv");
    QVERIFY(!f.view.start());
    QVERIFY(!f.view.is_running());
    QVERIFY2(f.view.status_text().contains("cannot be read"), qPrintable(f.view.status_text()));

    const QByteArray configured = qgetenv("NPLAB_CLI");
    QTemporaryDir dir;
    qputenv("NPLAB_CLI", dir.filePath("no-such-cli").toUtf8());
    f.view.use_generator(1000);
    QVERIFY(!f.view.start());
    QVERIFY(!f.view.is_running());
    QVERIFY2(f.view.status_text().contains("nplab-cli was not found"),
             qPrintable(f.view.status_text()));
    qputenv("NPLAB_CLI", configured);
  }
};

QTEST_MAIN(StreamViewTest)
#include "test_stream_view.moc"

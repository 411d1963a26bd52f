// The Memory view: a small sweep runs in a child process (nplab-cli bench sweep) and plots one
// curve per model on log–log axes for memory, update time and state; Cancel stops it at once;
// predictions are drawn and labelled; the status line says what the plot shows; bad size grids
// are refused; results export as CSV.

#include <qcustomplot.h>

#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <variant>

#include "bench_figure.h"
#include "memory_view.h"

using nplab::ui::MemoryView;

namespace {

constexpr int kSweepTimeoutMs = 180'000;

/// A view set up for a quick sweep: few targets, one timed update per size.
struct Fixture {
  MemoryView view;
  Fixture(const QStringList& models, const std::vector<std::int64_t>& sizes) {
    view.sweep_options().targets = 16;
    view.sweep_options().repeats = 1;
    view.set_selected_models(models);
    view.set_sizes(sizes);
    view.resize(1000, 600);
    view.show();
  }
};

}  // namespace

class MemoryViewTest : public QObject {
  Q_OBJECT

 private slots:
  void small_sweep_completes_and_plots_a_curve_per_model() {
    const QStringList models{"cmanp", "lbanp", "tnpd"};
    Fixture f(models, {64, 256, 1024});
    f.view.sweep_options().max_run_seconds = 1e300;
    auto* progress = f.view.findChild<QProgressBar*>("progress");
    QCOMPARE(progress->text(), QString("no sweep yet"));
    QSignalSpy finished(&f.view, &MemoryView::sweep_finished);
    f.view.findChild<QPushButton*>("runButton")->click();
    QVERIFY(f.view.is_running());
    QVERIFY(!f.view.findChild<QPushButton*>("runButton")->isEnabled());
    QVERIFY(finished.wait(kSweepTimeoutMs));
    QCOMPARE(finished.front().front().toBool(), false);  // not cancelled
    QVERIFY(!f.view.is_running());
    QCOMPARE(f.view.results().size(), size_t{9});
    QCOMPARE(progress->value(), progress->maximum());
    QCOMPARE(progress->text(), QString("9 of 9 measured"));
    for (const auto& model : models) {
      auto* memory = f.view.memory_curve(model);
      auto* update = f.view.update_curve(model);
      QVERIFY2(memory && update, qPrintable(model));
      QCOMPARE(memory->dataCount(), 3);
      QCOMPARE(update->dataCount(), 3);
      QCOMPARE(memory->keyAxis()->scaleType(), QCPAxis::stLogarithmic);
      QCOMPARE(memory->valueAxis()->scaleType(), QCPAxis::stLogarithmic);
      QVERIFY(f.view.plot()->legend->hasItemWithPlottable(memory));
      // Every value lies inside the axes drawn.
      for (auto it = memory->data()->constBegin(); it != memory->data()->constEnd(); ++it) {
        QVERIFY(it->value > 0 && memory->valueAxis()->range().contains(it->value));
        QVERIFY(memory->keyAxis()->range().contains(it->key));
      }
    }
    // TNP-D's memory grows faster with N than CMANP's (16x the points).
    const auto growth = [&](const QString& model) {
      const auto data = f.view.memory_curve(model)->data();
      return (data->constEnd() - 1)->value / data->constBegin()->value;
    };
    QVERIFY2(growth("tnpd") > growth("cmanp"),
             qPrintable(QString("%1 vs %2").arg(growth("tnpd")).arg(growth("cmanp"))));
    // The state: CMANP's latents are the same bytes at every N; TNP-D's stored context grows.
    const auto state_growth = [&](const QString& model) {
      const auto data = f.view.state_curve(model)->data();
      return (data->constEnd() - 1)->value / data->constBegin()->value;
    };
    QCOMPARE(state_growth("cmanp"), 1.0);
    QCOMPARE(state_growth("tnpd"), 16.0);
  }

  void the_default_grid_reaches_past_the_crossover_with_the_papers_models() {
    MemoryView view;
    QVERIFY(view.sizes().back() >= 262144);
    QCOMPARE(view.selected_models(), (QStringList{"cmanp", "lbanp", "lbanp-128", "tnpd"}));
  }

  void the_status_line_states_the_conclusion_and_the_plot_marks_the_crossover() {
    // TNP-D updates faster than CMANP at N = 64 and far slower at 1,024 (it recomputes).
    Fixture f({"cmanp", "tnpd"}, {64, 1024});
    QSignalSpy finished(&f.view, &MemoryView::sweep_finished);
    QVERIFY(f.view.start());
    QVERIFY(finished.wait(kSweepTimeoutMs));
    const auto status = f.view.findChild<QLabel*>("memoryStatus")->text();
    QVERIFY2(status.contains("update is faster than tnpd's from N = 1,024"), qPrintable(status));
    QVERIFY2(f.view.annotations().contains("cmanp below tnpd\nfrom N = 1k"),
             qPrintable(f.view.annotations().join(" | ")));
  }

  void cancel_stops_a_run_in_progress_at_once() {
    // N = 4,096 keeps TNP-D busy for seconds (a condition, then timed updates that recompute).
    Fixture f({"tnpd"}, {64, 4096});
    f.view.sweep_options().max_run_seconds = 1e300;
    f.view.sweep_options().cap_bytes = 1e12;
    QSignalSpy finished(&f.view, &MemoryView::sweep_finished);
    QVERIFY(f.view.start());
    QTRY_VERIFY_WITH_TIMEOUT(f.view.results().size() == 1, kSweepTimeoutMs);
    QElapsedTimer clock;
    clock.start();
    f.view.findChild<QPushButton*>("cancelButton")->click();
    QVERIFY(finished.wait(kSweepTimeoutMs));
    QVERIFY2(clock.elapsed() < 2000, qPrintable(QString("%1 ms").arg(clock.elapsed())));
    QCOMPARE(finished.front().front().toBool(), true);
    QCOMPARE(f.view.results().size(), size_t{1});
    QVERIFY(f.view.findChild<QPushButton*>("runButton")->isEnabled());
  }

  void sizes_that_are_too_large_are_marked_as_skipped() {
    Fixture f({"tnpd"}, {16, 32, 200000});
    f.view.sweep_options().cap_bytes = 2e7;
    QSignalSpy finished(&f.view, &MemoryView::sweep_finished);
    QVERIFY(f.view.start());
    QVERIFY(finished.wait(kSweepTimeoutMs));
    QCOMPARE(f.view.results().size(), size_t{3});
    QCOMPARE(f.view.results().back().status, nplab::facade::BenchStatus::Skipped);
    QCOMPARE(f.view.memory_curve("tnpd")->dataCount(), 2);
    QCPGraph* skipped = nullptr;
    for (int i = 0; i < f.view.plot()->graphCount(); ++i) {
      if (f.view.plot()->graph(i)->name() == "tnpd (predicted)") skipped = f.view.plot()->graph(i);
    }
    QVERIFY(skipped && skipped->dataCount() == 1);
    QVERIFY(skipped->scatterStyle().shape() != f.view.memory_curve("tnpd")->scatterStyle().shape());
    const auto status = f.view.findChild<QLabel*>("memoryStatus")->text();
    QVERIFY2(status.contains("1 not run") && status.contains("tnpd would need ~"),
             qPrintable(status));
    QVERIFY2(f.view.annotations().filter("predicted (would need").size() == 1,
             qPrintable(f.view.annotations().join(" | ")));

    QTemporaryDir dir;
    const QString csv = dir.filePath("memory.csv");
    QVERIFY(f.view.export_csv(csv).isEmpty());
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const auto lines = QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);
    QCOMPARE(lines[0], QString("model,n,status,peak_bytes,state_bytes,condition_s,update_us"));
    QVERIFY(lines[3].startsWith("tnpd,200000,skipped,"));
    // `nplab --plot` draws the export: both panels, the skipped size as a prediction.
    const auto read = nplab::ui::read_bench_csv(csv);
    if (const auto* error = std::get_if<QString>(&read)) QFAIL(qPrintable(*error));
    const auto& table = std::get<nplab::ui::BenchTable>(read);
    QCOMPARE(table.kind, nplab::bench::CsvKind::Sweep);
    QCOMPARE(table.samples.size(), size_t{6});
    QVERIFY(table.samples[4].predicted && table.samples[4].n == 200000.0);
    QCOMPARE(nplab::ui::write_bench_figure(table, dir.filePath("memory.png"), QSize(900, 500)),
             QString());
  }

  void a_device_that_is_not_here_measures_on_the_cpu_and_says_why() {
    Fixture f({"cmanp"}, {16, 32});
    f.view.sweep_options().device = "tpu";  // no such device name, on any machine
    QSignalSpy finished(&f.view, &MemoryView::sweep_finished);
    QVERIFY(f.view.start());
    QVERIFY(finished.wait(kSweepTimeoutMs));
    QCOMPARE(f.view.results().size(), size_t{2});
    for (const auto& point : f.view.results())
      QCOMPARE(point.status, nplab::facade::BenchStatus::Ok);
    const auto status = f.view.findChild<QLabel*>("memoryStatus")->text();
    QVERIFY2(status.contains("on cpu") && status.contains("stood in: --device tpu"),
             qPrintable(status));
  }

  void a_missing_or_failing_measuring_program_is_reported() {
    const QByteArray configured = qgetenv("NPLAB_CLI");
    QTemporaryDir dir;
    qputenv("NPLAB_CLI", dir.filePath("no-such-cli").toUtf8());
    {
      Fixture f({"cmanp"}, {16});
      QVERIFY(!f.view.start());
      QVERIFY(!f.view.is_running());
      QVERIFY(
          f.view.findChild<QLabel*>("memoryStatus")->text().contains("nplab-cli was not found"));
    }
    const QString script = dir.filePath("failing-cli");
    QFile file(script);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("#!/bin/sh\necho 'nplab-cli: error: out of luck' >&2\nexit 2\n");
    file.close();
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    qputenv("NPLAB_CLI", script.toUtf8());
    {
      Fixture f({"cmanp"}, {16});
      QSignalSpy finished(&f.view, &MemoryView::sweep_finished);
      QVERIFY(f.view.start());
      QVERIFY(finished.wait(kSweepTimeoutMs));
      const auto status = f.view.findChild<QLabel*>("memoryStatus")->text();
      QVERIFY2(status.contains("exit 2") && status.contains("out of luck"), qPrintable(status));
      QVERIFY(f.view.findChild<QPushButton*>("runButton")->isEnabled());
    }
    qputenv("NPLAB_CLI", configured);
  }

  void an_unreadable_size_grid_is_refused_with_a_message() {
    Fixture f({"cmanp"}, {64});
    f.view.findChild<QLineEdit*>("sizesEdit")->setText("64, lots, 256");
    QVERIFY(!f.view.start());
    QVERIFY(!f.view.is_running());
    QVERIFY(f.view.findChild<QLabel*>("memoryStatus")->text().contains("lots"));
    f.view.set_selected_models({});
    f.view.set_sizes({64});
    QVERIFY(!f.view.start());
  }
};

QTEST_MAIN(MemoryViewTest)
#include "test_memory_view.moc"

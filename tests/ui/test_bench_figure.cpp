// Benchmark CSVs for `nplab --plot`: each kind is recognised by its header, skipped sizes are
// kept as predictions, failed runs are noted and left out, and bad files are refused naming the
// file and line.

#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <variant>

#include "bench_figure.h"
#include "ui_test_support.h"

using nplab::bench::CsvKind;
using nplab::ui::BenchTable;
using nplab::ui::testing::write_file;

namespace {

/// The table, failing the test with the error when the file is refused.
BenchTable read_ok(const QString& path) {
  auto read = nplab::ui::read_bench_csv(path);
  if (const auto* error = std::get_if<QString>(&read)) qFatal("%s", qPrintable(*error));
  return std::get<BenchTable>(std::move(read));
}

QString read_error(const QString& path) {
  const auto read = nplab::ui::read_bench_csv(path);
  const auto* error = std::get_if<QString>(&read);
  return error ? *error : QString();
}

}  // namespace

class BenchFigureTest : public QObject {
  Q_OBJECT

 private slots:
  void memory_csv_keeps_skipped_sizes_as_predictions_and_notes_failures() {
    QTemporaryDir dir;
    const auto table = read_ok(write_file(dir, "memory.csv",
                                          "model,n,targets,peak_bytes,status\n"
                                          "cmanp,64,256,2097152,ok\n"
                                          "tnpd,64,256,1048576,ok\n"
                                          "tnpd,4096,256,4294967296,skipped\n"
                                          "lbanp,64,256,0,error: out of memory\n"));
    QCOMPARE(table.kind, CsvKind::Memory);
    QCOMPARE(table.samples.size(), size_t{3});
    QCOMPARE(table.samples[0].series, QString("cmanp"));
    QCOMPARE(table.samples[0].value, 2.0);  // MiB
    QVERIFY(!table.samples[0].predicted);
    QVERIFY(table.samples[2].predicted);
    QCOMPARE(table.samples[2].n, 4096.0);
    QCOMPARE(table.notes.size(), 1);
    QVERIFY2(table.notes[0].startsWith("memory.csv: lbanp at N = 64 failed (out of memory)"),
             qPrintable(table.notes[0]));
  }

  void update_csv_names_series_by_update_size_only_when_there_are_several() {
    QTemporaryDir dir;
    const auto one_size = read_ok(write_file(dir, "one.csv",
                                             "model,n,new,update_us\ncmanp,64,1,1500\n"
                                             "cmanp,256,1,nan\n"));
    QCOMPARE(one_size.kind, CsvKind::Update);
    QCOMPARE(one_size.samples.size(), size_t{1});
    QCOMPARE(one_size.samples[0].series, QString("cmanp"));
    QCOMPARE(one_size.samples[0].value, 1.5);  // ms
    QCOMPARE(one_size.notes.size(), 1);
    const auto two_sizes = read_ok(write_file(dir, "two.csv",
                                              "model,n,new,update_us\ncmanp,64,1,1500\n"
                                              "cmanp,64,16,1700\n"));
    QCOMPARE(two_sizes.samples[1].series, QString("cmanp (+16)"));
  }

  void cmab_csv_fills_two_panels() {
    QTemporaryDir dir;
    const auto table =
        read_ok(write_file(dir, "cmab.csv", "n,update_us,condition_peak_bytes\n100,300,1048576\n"));
    QCOMPARE(table.kind, CsvKind::Cmab);
    QCOMPARE(table.samples.size(), size_t{2});
    QCOMPARE(table.samples[0].panel, 0);
    QCOMPARE(table.samples[0].value, 0.3);
    QCOMPARE(table.samples[1].panel, 1);
    QCOMPARE(table.samples[1].value, 1.0);
  }

  void scale_csv_draws_edit_times_and_memory_leaving_out_what_was_not_measured() {
    QTemporaryDir dir;
    const QByteArray header =
        "model,n,condition_s,points_per_s,condition_peak_bytes,state_bytes,update_us,"
        "update_prepare_us,targets,query_us,update_query_us,graph_update_prepare_us,status\n";
    const auto table =
        read_ok(write_file(dir, "scale.csv",
                           header + "cmanp,100,0.01,10000,1048576,524288,200,900,400,"
                                    "300,1300,nan,ok\n"
                                    "cmanp,1000000,0,0,2097152,0,0,0,400,0,0,nan,"
                                    "skipped\n"));
    QCOMPARE(table.kind, CsvKind::Scale);
    // Four values of the measured size (three times, no CUDA graph; two memories), and the
    // skipped size's predicted conditioning peak.
    QCOMPARE(table.samples.size(), size_t{6});
    const auto last = table.samples.back();
    QVERIFY(last.predicted);
    QCOMPARE(last.panel, 1);
    QCOMPARE(last.value, 2.0);
  }

  void attention_and_sweep_csvs_fill_memory_and_time_panels() {
    QTemporaryDir dir;
    const auto attention = read_ok(write_file(dir, "attention.csv",
                                              "mode,n,queries,peak_bytes,output_bytes,seconds,"
                                              "status\nscan,1000,64,1048576,16384,0.002,ok\n"
                                              "full,1000,64,0,16384,0,error: out of memory\n"));
    QCOMPARE(attention.kind, CsvKind::Attention);
    QCOMPARE(attention.samples.size(), size_t{2});
    QCOMPARE(attention.samples[1].panel, 1);
    QCOMPARE(attention.samples[1].value, 2.0);  // ms
    QCOMPARE(attention.notes.size(), 1);
    const auto sweep = read_ok(write_file(dir, "sweep.csv",
                                          "model,n,status,peak_bytes,state_bytes,condition_s,"
                                          "update_us\ncmanp,64,ok,1048576,4096,0.01,3000\n"
                                          "tnpd,1000000,skipped,4194304,0,9,5000\n"));
    QCOMPARE(sweep.kind, CsvKind::Sweep);
    QCOMPARE(sweep.samples.size(), size_t{4});
    QCOMPARE(sweep.samples[1].value, 3.0);  // ms
    QVERIFY(sweep.samples[2].predicted && sweep.samples[3].predicted);
    QCOMPARE(nplab::ui::default_figure_size(CsvKind::Sweep), QSize(1800, 900));
  }

  void bad_files_are_refused_naming_file_and_line() {
    QTemporaryDir dir;
    const auto expect = [&](const QByteArray& text, const QString& prefix) {
      const QString error = read_error(write_file(dir, "bad.csv", text));
      QVERIFY2(error.startsWith(prefix), qPrintable(error));
    };
    expect("x,y\n1,2\n", "bad.csv:1: 'x,y' is not the header");
    expect("n,update_us,condition_peak_bytes\n100,300\n", "bad.csv:2: 2 fields, expected 3");
    expect("n,update_us,condition_peak_bytes\n100,300,1\n-5,300,1\n", "bad.csv:3: '-5'");
    expect("model,n,new,update_us\ncmanp,64,1,fast\n", "bad.csv:2: 'fast'");
    expect("model,n,targets,peak_bytes,status\ncmanp,64,256,1,maybe\n", "bad.csv:2: 'maybe'");
    expect("model,n,targets,peak_bytes,status\n", "bad.csv:1: no data rows");
    expect("model,n,targets,peak_bytes,status\ncmanp,64,256,0,error: out of memory\n",
           "bad.csv: no rows to draw (bad.csv: cmanp at N = 64 failed (out of memory)");
    expect("", "bad.csv: empty file");
    QVERIFY(read_error(dir.filePath("missing.csv")).contains("missing.csv"));
  }

  void figure_is_written_at_the_requested_size_in_each_format() {
    QTemporaryDir dir;
    const auto table = read_ok(write_file(dir, "cmab.csv",
                                          "n,update_us,condition_peak_bytes\n100,300,1048576\n"
                                          "1000,310,1048576\n"));
    for (const QSize size : {QSize(800, 500), QSize(801, 501)}) {
      const QString png = dir.filePath("figure.png");
      QCOMPARE(nplab::ui::write_bench_figure(table, png, size), QString());
      QCOMPARE(QImage(png).size(), size);
    }
    for (const auto* suffix : {"pdf", "svg"}) {
      const QString path = dir.filePath(QStringLiteral("figure.") + suffix);
      QCOMPARE(nplab::ui::write_bench_figure(table, path, QSize(800, 500)), QString());
      QVERIFY(QFileInfo(path).size() > 0);
    }
    QVERIFY(nplab::ui::write_bench_figure(table, dir.filePath("figure.bmp"), QSize(800, 500))
                .contains("unknown format"));
  }
};

QTEST_MAIN(BenchFigureTest)
#include "test_bench_figure.moc"

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

using nplab::ui::BenchTable;

namespace {

QString write_file(const QTemporaryDir& dir, const QString& name, const QByteArray& text) {
  QFile file(dir.filePath(name));
  if (!file.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(file.fileName()));
  file.write(text);
  return file.fileName();
}

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
    QCOMPARE(table.kind, BenchTable::Kind::Memory);
    QCOMPARE(table.samples.size(), size_t{3});
    QCOMPARE(table.samples[0].series, QString("cmanp"));
    QCOMPARE(table.samples[0].value, 2.0);  // MiB
    QVERIFY(!table.samples[0].predicted);
    QVERIFY(table.samples[2].predicted);
    QCOMPARE(table.samples[2].n, 4096.0);
    QCOMPARE(table.notes.size(), 1);
    QVERIFY2(table.notes[0].startsWith("memory.csv:5: lbanp"), qPrintable(table.notes[0]));
  }

  void update_csv_names_series_by_update_size_only_when_there_are_several() {
    QTemporaryDir dir;
    const auto one_size = read_ok(write_file(dir, "one.csv",
                                             "model,n,new,update_us\ncmanp,64,1,1500\n"
                                             "cmanp,256,1,nan\n"));
    QCOMPARE(one_size.kind, BenchTable::Kind::Update);
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
    const auto table = read_ok(write_file(dir, "cmab.csv",
                                          "n,update_us,condition_peak_bytes\n100,300,1048576\n"));
    QCOMPARE(table.kind, BenchTable::Kind::Cmab);
    QCOMPARE(table.samples.size(), size_t{2});
    QCOMPARE(table.samples[0].panel, 0);
    QCOMPARE(table.samples[0].value, 0.3);
    QCOMPARE(table.samples[1].panel, 1);
    QCOMPARE(table.samples[1].value, 1.0);
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
    expect("model,n,targets,peak_bytes,status\n", "bad.csv:1: no rows to draw");
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

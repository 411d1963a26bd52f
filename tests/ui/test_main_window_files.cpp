// The main window's files: sessions (Functions and Images) saved and opened, the shipped examples,
// CSV points imported and exported, and plot export; bad files are reported and change nothing.

#include <qcustomplot.h>

#include <QAbstractButton>
#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>
#include <QtTest>

#include "first_run_hint.h"
#include "function_plot.h"
#include "functions_view.h"
#include "image_panels.h"
#include "images_view.h"
#include "main_window.h"
#include "main_window_support.h"
#include "memory_view.h"
#include "nplab/build_info.h"
#include "stream_view.h"

using nplab::ui::MainWindow;
using namespace nplab::ui::testing;

class MainWindowFilesTest : public QObject {
  Q_OBJECT

 private slots:
  void session_round_trip_restores_points_model_and_truth() {
    QTemporaryDir dir;
    const QString path = dir.filePath("lab.nplab.json");
    std::vector<nplab::facade::ContextPoint> points;
    nplab::facade::TruthSpec truth;
    {
      MainWindow window;
      auto& view = *window.functions_view();
      view.select_model(index_of_label(view, "untrained: lbanp"));
      view.set_compare_model(index_of_label(view, "untrained: cnp"));
      truth = {nplab::facade::TruthKernel::Matern52, 0.35, 0.9, 1.0, 4242};
      view.set_truth(truth);
      view.set_overlays(true, false);
      view.reveal_random(3);
      view.add_point(1.25, -0.75);
      QVERIFY(settle(window));
      points = view.points();
      window.memory_view()->set_selected_models({"cmanp", "tnpkr-scan"});
      window.memory_view()->set_sizes({32, 128});
      QVERIFY(window.save_session(path));
    }
    MainWindow reopened;
    ErrorLog errors;
    errors.attach(reopened);
    QVERIFY(reopened.open_session(path));
    QVERIFY(errors.messages.isEmpty());
    const auto& view = *reopened.functions_view();
    QCOMPARE(view.points(), points);
    QCOMPARE(view.models()[view.current_model()].label, QString("untrained: lbanp"));
    QCOMPARE(view.models()[view.compare_model()].label, QString("untrained: cnp"));
    QVERIFY(view.truth() == truth);
    QVERIFY(view.truth_shown() && !view.oracle_shown());
    QVERIFY(!view.can_undo());  // opening is not an edit
    QCOMPARE(reopened.memory_view()->selected_models(), (QStringList{"cmanp", "tnpkr-scan"}));
    QCOMPARE(reopened.memory_view()->sizes(), (std::vector<std::int64_t>{32, 128}));
    QVERIFY(settle(reopened));
    QCOMPARE(view.shown()->update.count, static_cast<std::int64_t>(points.size()));
    QCOMPARE(view.compare_shown()->update.count, static_cast<std::int64_t>(points.size()));
    QCOMPARE(view.truth_values(), nplab::facade::sample_truth(truth, view.grid()).value());
  }

  void every_shipped_example_is_in_the_menu_and_opens_without_an_error() {
    const QDir examples(QStringLiteral(NPLAB_SOURCE_DIR "/resources/examples"));
    const auto files = examples.entryList({"*.nplab.json"}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 4);
    MainWindow window(nullptr, "cpu");
    ErrorLog errors;
    errors.attach(window);
    auto* menu = window.menuBar()->findChild<QMenu*>("examplesMenu");
    QVERIFY(menu != nullptr);
    const auto actions = menu->actions();
    QCOMPARE(actions.size(), files.size());
    const bool have_fashion_mnist =
        QFileInfo::exists(QStringLiteral("%1/t10k-images-idx3-ubyte.gz")
                              .arg(QString::fromUtf8(nplab::facade::kFashionMnistDirectory)));
    for (int i = 0; i < files.size(); ++i) {
      QFile file(examples.filePath(files[i]));
      QVERIFY(file.open(QIODevice::ReadOnly));
      const QByteArray text = file.readAll();
      QCOMPARE(actions[i]->text(),
               QJsonDocument::fromJson(text).object().value("title").toString());
      if (text.contains("\"fashion-mnist\"") && !have_fashion_mnist) continue;
      errors.messages.clear();
      actions[i]->trigger();  // what choosing it in the menu does
      QVERIFY2(errors.messages.isEmpty(), qPrintable(files[i] + ": " + errors.messages.join("; ")));
      QVERIFY(settle(window));
      const bool images = text.contains("\"view\": \"images\"");
      QVERIFY2(window.current_view() ==
                   (images ? MainWindow::View::Images : MainWindow::View::Functions),
               qPrintable(files[i]));
      if (images) {
        QVERIFY2(window.images_view()->image().has_value(), qPrintable(files[i]));
      } else {
        QVERIFY2(!window.functions_view()->points().empty(), qPrintable(files[i]));
      }
    }
  }

  void malformed_or_unresolvable_sessions_are_reported_and_change_nothing() {
    QTemporaryDir dir;
    MainWindow window;
    ErrorLog errors;
    errors.attach(window);
    auto& view = *window.functions_view();
    view.add_point(0.25, 0.5);
    const auto points = view.points();
    const auto model = view.current_model();
    const auto truth = view.truth();

    const QByteArray head = R"({"format": "nplab-session", "version": 1, "view": "memory", )";
    const QList<QPair<QByteArray, QString>> cases{
        {"{ not json", "not valid JSON"},
        {head + R"("model": {"source": "registry", "name": "cmanp"}, "points": [[0.1]]})",
         "points[0]"},
        {head + R"("model": {"source": "checkpoint", "path": "/nowhere/gone.pt"},
                   "points": []})",
         "does not exist"},
        {head + R"("model": {"source": "registry", "name": "cmanp"}, "points": [[7.5, 0]]})",
         "outside"},
        {head + R"("model": {"source": "registry", "name": "cmanp"}, "points": [],
                   "compare": {"source": "checkpoint", "path": "/nowhere/second.pt"}})",
         "compare: the session's model checkpoint"},
    };
    for (const auto& [text, expected] : cases) {
      errors.messages.clear();
      QVERIFY(!window.open_session(write_file(dir, "bad.json", text)));
      QCOMPARE(errors.messages.size(), 1);
      QVERIFY2(errors.messages.front().contains(expected), qPrintable(errors.messages.front()));
      QCOMPARE(view.points(), points);
      QCOMPARE(view.current_model(), model);
      QCOMPARE(view.compare_model(), -1);
      QVERIFY(view.truth() == truth);
      QVERIFY(window.current_view() == MainWindow::View::Functions);
    }
    errors.messages.clear();
    QVERIFY(!window.open_session(dir.filePath("missing.json")));
    QCOMPARE(errors.messages.size(), 1);
  }

  void images_session_round_trip_restores_image_pixels_model_and_resolution() {
    QTemporaryDir dir;
    // An image of one's own, so that the test needs no installed data set.
    QImage picture(28, 28, QImage::Format_Grayscale8);
    for (int y = 0; y < 28; ++y) {
      for (int x = 0; x < 28; ++x) picture.setPixel(x, y, qRgb(9 * x, 9 * x, 9 * x));
    }
    const QString image_path = dir.filePath("ramp.png");
    QVERIFY(picture.save(image_path));
    const QString path = dir.filePath("images.nplab.json");
    std::vector<int> revealed;
    nplab::facade::PixelImage image;
    {
      MainWindow window;
      auto& view = *window.images_view();
      QVERIFY(view.open_image_file(image_path));
      const int tnpd = index_of_label(view, "untrained: tnpd");
      QVERIFY(tnpd >= 0);
      view.select_model(tnpd);
      view.set_resolution(2);
      view.set_random_seed(5);
      view.reveal_random(30);
      view.reveal_pixels({0});
      revealed = view.revealed();
      image = *view.image();
      window.show_view(MainWindow::View::Images);
      QVERIFY(window.save_session(path));
    }
    MainWindow reopened;
    ErrorLog errors;
    errors.attach(reopened);
    QVERIFY(reopened.open_session(path));
    QVERIFY2(errors.messages.isEmpty(), qPrintable(errors.messages.join('\n')));
    const auto& view = *reopened.images_view();
    QVERIFY(reopened.current_view() == MainWindow::View::Images);
    QCOMPARE(view.revealed(), revealed);
    QVERIFY(view.source().kind == nplab::ui::ImageSource::Kind::File);
    QCOMPARE(QFileInfo(view.source().path).fileName(), QString("ramp.png"));
    QVERIFY(*view.image() == image);
    QCOMPARE(view.resolution(), 2);
    QCOMPARE(view.models()[view.current_model()].label, QString("untrained: tnpd"));
    QVERIFY(!view.can_undo());
    QVERIFY(QTest::qWaitFor([&] { return view.is_settled(); }, kSettleTimeoutMs));
    QCOMPARE(view.shown()->update.count, static_cast<std::int64_t>(revealed.size()));
    QCOMPARE(view.shown()->prediction.mean.size(), std::size_t{56 * 56});
  }

  void malformed_or_unresolvable_images_sessions_change_nothing() {
    QTemporaryDir dir;
    QImage picture(28, 28, QImage::Format_Grayscale8);
    picture.fill(200);
    const QString image_path = dir.filePath("flat.png");
    QVERIFY(picture.save(image_path));
    MainWindow window;
    ErrorLog errors;
    errors.attach(window);
    auto& images = *window.images_view();
    QVERIFY(images.open_image_file(image_path));
    images.reveal_pixels({3, 4, 5});
    const auto revealed = images.revealed();
    const auto source = images.source();
    const auto functions_points = window.functions_view()->points();

    const QByteArray head = R"({"format": "nplab-session", "version": 1, "view": "images",
        "model": {"source": "registry", "name": "cmanp"}, "points": [[0.5, 0.5]], )";
    const auto session = [&](const QByteArray& image, const QByteArray& model,
                             const QByteArray& pixels) {
      return head + "\"images\": {\"image\": " + image + ", \"model\": " + model +
             ", \"revealed\": " + pixels + "}}";
    };
    const QByteArray good_image =
        "{\"source\": \"file\", \"path\": \"" + image_path.toUtf8() + "\"}";
    const QByteArray cmanp = R"({"source": "registry", "name": "cmanp"})";
    const QList<QPair<QByteArray, QString>> cases{
        {session(R"({"source": "file", "path": "/nowhere/gone.png"})", cmanp, "[1]"), "gone.png"},
        {session(good_image, cmanp, "[1, 900]"), "images.revealed[1]"},
        {session(good_image, R"({"source": "registry", "name": "nope"})", "[]"), "nope"},
    };
    for (const auto& [text, expected] : cases) {
      errors.messages.clear();
      QVERIFY(!window.open_session(write_file(dir, "bad.json", text)));
      QCOMPARE(errors.messages.size(), 1);
      QVERIFY2(errors.messages.front().contains(expected), qPrintable(errors.messages.front()));
      QCOMPARE(images.revealed(), revealed);
      QVERIFY(images.source() == source);
      QCOMPARE(window.functions_view()->points(), functions_points);
      QVERIFY(window.current_view() == MainWindow::View::Functions);
    }
  }

  void points_csv_round_trip_and_bad_rows_by_line() {
    QTemporaryDir dir;
    MainWindow window;
    ErrorLog errors;
    errors.attach(window);
    auto& view = *window.functions_view();
    view.set_points(
        {nplab::facade::point_1d(-1.5, 0.25), nplab::facade::point_1d(0.125, -1.0 / 3.0)});
    const auto points = view.points();
    const QString path = dir.filePath("points.csv");
    QVERIFY(window.export_points(path));
    view.clear_points();
    QVERIFY(window.import_points(path));
    QCOMPARE(view.points(), points);
    view.undo();  // an import is one edit
    QVERIFY(view.points().empty());
    view.redo();

    QVERIFY(!window.import_points(write_file(dir, "bad.csv", "x,y\n0.5,1\n0.25,oops\n")));
    QCOMPARE(errors.messages.size(), 1);
    QVERIFY2(errors.messages.front().contains("bad.csv:3"), qPrintable(errors.messages.front()));
    QCOMPARE(view.points(), points);
  }

  void exports_the_current_plot_as_png_pdf_and_svg() {
    QTemporaryDir dir;
    MainWindow window;
    window.resize(900, 600);
    window.show();
    QVERIFY(settle(window));
    for (const QString name : {"plot.png", "plot.pdf", "plot.svg"}) {
      const QString path = dir.filePath(name);
      QVERIFY2(window.export_current_plot(path), qPrintable(name));
      QVERIFY2(QFileInfo(path).size() > 1000, qPrintable(name));
    }
    QCOMPARE(QImage(dir.filePath("plot.png")).isNull(), false);
    ErrorLog errors;
    errors.attach(window);
    QVERIFY(!window.export_current_plot(dir.filePath("plot.bmp")));
    QVERIFY(errors.messages.front().contains("unknown format"));
  }
};

QTEST_MAIN(MainWindowFilesTest)
#include "test_main_window_files.moc"

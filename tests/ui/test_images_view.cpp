// The Images view, driven as a person would: clicks and drags on the panels, the reveal button,
// the context slider, the resolution; an image file of one's own. The test images come from a
// small IDX fixture written here, so the tests need neither the installed Fashion-MNIST nor a
// trained checkpoint (the model is the untrained CMANP for 2D inputs).

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <set>

#include "explorer_worker.h"
#include "image_panels.h"
#include "images_view.h"
#include "nplab/facade/explorer.h"
#include "ui_test_support.h"

using nplab::facade::ContextPoint;
using nplab::ui::ImagePanels;
using nplab::ui::ImagesView;
using namespace nplab::ui::testing;

namespace {

constexpr int kSide = ImagesView::kSide;
constexpr int kFixtureImages = 3;

/// Pixel i of test image n is (5n + 3i) mod 256; labels 7 (unseen), 1, 2.
QByteArray fixture_pixels() {
  QByteArray pixels;
  for (int n = 0; n < kFixtureImages; ++n) {
    for (int i = 0; i < kSide * kSide; ++i) pixels.append(static_cast<char>((5 * n + 3 * i) % 256));
  }
  return pixels;
}

void append_big_endian(QByteArray& bytes, quint32 value) {
  for (int shift = 24; shift >= 0; shift -= 8) bytes.append(static_cast<char>(value >> shift));
}

/// Writes uncompressed IDX test files (the reader passes them through zlib) into `dir`.
void write_test_set(const QTemporaryDir& dir) {
  QByteArray images, labels;
  append_big_endian(images, 0x00000803);
  for (const quint32 size : {quint32{kFixtureImages}, quint32{kSide}, quint32{kSide}}) {
    append_big_endian(images, size);
  }
  images += fixture_pixels();
  append_big_endian(labels, 0x00000801);
  append_big_endian(labels, kFixtureImages);
  for (int n = 0; n < kFixtureImages; ++n) labels.append(static_cast<char>(n == 0 ? 7 : n));
  for (const auto& [name, bytes] : {std::pair{"t10k-images-idx3-ubyte.gz", images},
                                    std::pair{"t10k-labels-idx1-ubyte.gz", labels}}) {
    QFile file(dir.filePath(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) {
      qFatal("cannot write %s", qPrintable(file.fileName()));
    }
  }
}

void send_mouse(QWidget* widget, QEvent::Type type, Qt::MouseButton button,
                Qt::MouseButtons buttons, QPointF pixel) {
  QMouseEvent event(type, pixel, widget->mapToGlobal(pixel), button, buttons, Qt::NoModifier);
  QApplication::sendEvent(widget, &event);
}

/// A view on an empty models/ folder (so its model is the untrained CMANP) and the fixture's
/// test images.
struct Fixture {
  QTemporaryDir models;
  QTemporaryDir data;
  nplab::ui::testing::ModelWorker thread;
  std::unique_ptr<ImagesView> view;

  Fixture() {
    write_test_set(data);
    view = std::make_unique<ImagesView>(thread.worker, QStringList{models.path()}, data.path());
    view->resize(1100, 520);
    view->show();
    if (!QTest::qWaitForWindowExposed(view.get())) qFatal("the view was not shown");
    view->panels()->replot();  // lays the panels out, so pixels map to screen positions
  }

  bool settle() {
    const bool settled = QTest::qWaitFor([this] { return view->is_settled(); }, kSettleTimeoutMs);
    QCoreApplication::processEvents();
    return settled;
  }

  void click(ImagePanels::Panel panel, int pixel, Qt::MouseButton button = Qt::LeftButton) {
    const QPointF at = view->panels()->pixel_centre(panel, pixel);
    send_mouse(view->panels(), QEvent::MouseButtonPress, button, button, at);
    send_mouse(view->panels(), QEvent::MouseButtonRelease, button, Qt::NoButton, at);
  }

  /// A left-button drag through the centres of `pixels` on the observed panel.
  void drag(const std::vector<int>& pixels) {
    const auto at = [&](int pixel) {
      return view->panels()->pixel_centre(ImagePanels::Panel::Observed, pixel);
    };
    send_mouse(view->panels(), QEvent::MouseButtonPress, Qt::LeftButton, Qt::LeftButton,
               at(pixels.front()));
    for (std::size_t i = 1; i < pixels.size(); ++i) {
      send_mouse(view->panels(), QEvent::MouseMove, Qt::NoButton, Qt::LeftButton, at(pixels[i]));
    }
    send_mouse(view->panels(), QEvent::MouseButtonRelease, Qt::LeftButton, Qt::NoButton,
               at(pixels.back()));
  }
};

}  // namespace

class ImagesViewTest : public QObject {
  Q_OBJECT

 private slots:
  void opens_with_the_cmanp_checkpoint_on_a_seen_class_image() {
    const auto choice = [](const QString& label, bool untrained) {
      return nplab::ui::ModelChoice{label, {}, untrained};
    };
    const QList<nplab::ui::ModelChoice> choices{
        choice("fmnist-lbanp.pt", false), choice("fmnist-cmanp.pt", false),
        choice("fmnist-tnpd.pt", false), choice("untrained: cmanp", true)};
    QCOMPARE(nplab::ui::preferred_constant_time_model(choices), 1);
    Fixture f;
    QCOMPARE(f.view->source().index, std::int64_t{2});  // label 2 in the fixture: seen (0–4)
  }

  void starts_on_test_image_2_with_nothing_revealed_and_an_untrained_warning() {
    Fixture f;
    QVERIFY2(f.view->data_error().isEmpty(), qPrintable(f.view->data_error()));
    QCOMPARE(f.view->test_image_count(), std::int64_t{kFixtureImages});
    QVERIFY(f.view->image().has_value());
    QCOMPARE(f.view->image()->intensities()[10], ((5 * 2 + 3 * 10) % 256) / 255.0);
    QVERIFY(f.view->revealed().empty());
    QCOMPARE(f.view->models()[f.view->current_model()].label, QString("untrained: cmanp"));
    QVERIFY(f.view->findChild<QLabel*>("untrainedWarning")->isVisible());
    QVERIFY(f.settle());
    QVERIFY2(f.view->shown()->ok(), f.view->shown()->error.c_str());
    QCOMPARE(f.view->shown()->model.dim_x, 2);
    QCOMPARE(f.view->shown()->prediction.mean.size(), std::size_t{kSide * kSide});
  }

  void a_click_reveals_exactly_that_pixel_and_undo_redo_restore_exact_lists() {
    Fixture f;
    const int pixel = 5 * kSide + 7;
    f.click(ImagePanels::Panel::Observed, pixel);
    QCOMPARE(f.view->revealed(), std::vector<int>{pixel});
    const auto points = f.view->points();
    QCOMPARE(points.size(), std::size_t{1});
    QVERIFY(std::abs(points[0].x[0] - (2.0 * 5 / (kSide - 1) - 1.0)) < 1e-6);  // row
    QVERIFY(std::abs(points[0].x[1] - (2.0 * 7 / (kSide - 1) - 1.0)) < 1e-6);  // column
    QCOMPARE(points[0].y[0], ((5 * 2 + 3 * pixel) % 256) / 255.0 - 0.5);       // image #2

    // A brush of radius 1 on the mean panel: the pixel and its four neighbours.
    f.view->set_brush_radius(1);
    const int centre = 20 * kSide + 20;
    f.click(ImagePanels::Panel::Mean, centre);
    const std::vector<int> after_brush = f.view->revealed();
    QCOMPARE(after_brush.size(), std::size_t{6});
    QCOMPARE(std::set<int>(after_brush.begin() + 1, after_brush.end()),
             (std::set<int>{centre - kSide, centre - 1, centre, centre + 1, centre + kSide}));
    // A drag is one edit, however many pixels it crosses.
    f.view->set_brush_radius(0);
    f.drag({2 * kSide + 2, 2 * kSide + 3, 2 * kSide + 4, 3 * kSide + 4});
    QCOMPARE(f.view->revealed().size(), std::size_t{10});
    const std::vector<int> after_drag = f.view->revealed();
    // Right click hides.
    f.click(ImagePanels::Panel::Observed, pixel, Qt::RightButton);
    QCOMPARE(f.view->revealed().size(), std::size_t{9});

    f.view->undo();
    QCOMPARE(f.view->revealed(), after_drag);
    f.view->undo();
    QCOMPARE(f.view->revealed(), after_brush);
    f.view->undo();
    QCOMPARE(f.view->revealed(), std::vector<int>{pixel});
    f.view->undo();
    QVERIFY(f.view->revealed().empty());
    QVERIFY(!f.view->can_undo());
    f.view->redo();
    f.view->redo();
    QCOMPARE(f.view->revealed(), after_brush);
    QCOMPARE(f.view->points(), f.view->image()->points(after_brush));
    QVERIFY(f.settle());
    QCOMPARE(f.view->shown()->update.count, std::int64_t{6});
  }

  void undo_or_clear_in_the_middle_of_a_stroke_makes_the_rest_of_the_stroke_a_new_step() {
    Fixture f;
    auto* panels = f.view->panels();
    const auto at = [&](int pixel) {
      return panels->pixel_centre(ImagePanels::Panel::Observed, pixel);
    };
    using Pixels = std::vector<int>;
    f.click(ImagePanels::Panel::Observed, 0);  // one step before the stroke
    send_mouse(panels, QEvent::MouseButtonPress, Qt::LeftButton, Qt::LeftButton, at(1));
    send_mouse(panels, QEvent::MouseMove, Qt::NoButton, Qt::LeftButton, at(2));
    QCOMPARE(f.view->revealed(), (Pixels{0, 1, 2}));
    f.view->undo();  // Ctrl+Z with the button still held: back to before the stroke
    QCOMPARE(f.view->revealed(), Pixels{0});
    QVERIFY(f.view->can_redo());
    // The stroke goes on: an edit of its own, which forgets the redo.
    send_mouse(panels, QEvent::MouseMove, Qt::NoButton, Qt::LeftButton, at(3));
    QCOMPARE(f.view->revealed(), (Pixels{0, 3}));
    QVERIFY(!f.view->can_redo());
    f.view->clear_points();  // a clear in the middle of the stroke is a step of its own
    QVERIFY(f.view->revealed().empty());
    send_mouse(panels, QEvent::MouseMove, Qt::NoButton, Qt::LeftButton, at(4));
    send_mouse(panels, QEvent::MouseButtonRelease, Qt::LeftButton, Qt::NoButton, at(4));
    QCOMPARE(f.view->revealed(), Pixels{4});
    const std::vector<Pixels> undone{{}, {0, 3}, {0}, {}};
    for (const auto& expected : undone) {
      f.view->undo();
      QCOMPARE(f.view->revealed(), expected);
    }
    QVERIFY(!f.view->can_undo());
  }

  void reveal_random_adds_k_distinct_hidden_pixels() {
    Fixture f;
    f.view->set_random_seed(3);
    f.view->reveal_random(25);
    const auto first = f.view->revealed();
    QCOMPARE(first.size(), std::size_t{25});
    QCOMPARE(std::set<int>(first.begin(), first.end()).size(), std::size_t{25});
    f.view->reveal_random(10);
    QCOMPARE(f.view->revealed().size(), std::size_t{35});
    QVERIFY(std::equal(first.begin(), first.end(), f.view->revealed().begin()));
    QCOMPARE(std::set<int>(f.view->revealed().begin(), f.view->revealed().end()).size(),
             std::size_t{35});
    f.view->reveal_random(ImagesView::kPixels);  // more than are hidden: all of them
    QCOMPARE(f.view->revealed().size(), std::size_t{ImagesView::kPixels});
  }

  void context_slider_reveals_a_share_along_a_stable_order() {
    Fixture f;
    auto* slider = f.view->findChild<QSlider*>("contextFraction");
    QVERIFY(slider != nullptr);
    slider->setValue(10);
    QCOMPARE(f.view->revealed().size(), std::size_t{78});  // round(0.1 · 784)
    const auto tenth = std::set<int>(f.view->revealed().begin(), f.view->revealed().end());
    slider->setValue(50);
    QCOMPARE(f.view->revealed().size(), std::size_t{392});
    slider->setValue(10);
    QCOMPARE(f.view->revealed().size(), std::size_t{78});
    QCOMPARE(std::set<int>(f.view->revealed().begin(), f.view->revealed().end()), tenth);
    // A clicked pixel moves the slider too.
    f.view->set_context_fraction(0.0);
    QVERIFY(f.view->revealed().empty());
    QCOMPARE(slider->value(), 0);
    f.view->reveal_random(392);
    QCOMPARE(slider->value(), 50);
    f.view->undo();
    QVERIFY(f.view->revealed().empty());
  }

  void resolution_two_makes_the_mean_and_std_panels_56_cells_square() {
    Fixture f;
    f.view->reveal_random(40);
    f.view->set_resolution(2);
    QCOMPARE(f.view->grid_side(), 56);
    QVERIFY(f.settle());
    QVERIFY2(f.view->shown()->ok(), f.view->shown()->error.c_str());
    QCOMPARE(f.view->shown()->prediction.mean.size(), std::size_t{56 * 56});
    for (const auto panel : {ImagePanels::Panel::Mean, ImagePanels::Panel::Stddev}) {
      const auto* data = f.view->panels()->map(panel)->data();
      QCOMPARE(data->keySize(), 56);
      QCOMPARE(data->valueSize(), 56);
    }
    QCOMPARE(f.view->panels()->map(ImagePanels::Panel::Observed)->data()->keySize(), kSide);
    f.view->set_resolution(4);
    QVERIFY(f.settle());
    QCOMPARE(f.view->panels()->map(ImagePanels::Panel::Mean)->data()->keySize(), 112);
  }

  void predictions_are_the_facades_for_the_revealed_points() {
    Fixture f;
    f.view->reveal_pixels({0, 100, 200, 300, 783});
    QVERIFY(f.settle());
    nplab::facade::Explorer explorer;
    QVERIFY(explorer.load_registry_model("cmanp", {.dim_x = 2, .dim_y = 1}).ok());
    QVERIFY(explorer.set_points(f.view->points()).ok());
    const auto grid = nplab::facade::image_query_grid(kSide, kSide, 1).value();
    const auto expected = explorer.predict(grid);
    QVERIFY(expected.ok());
    auto* mean = f.view->panels()->map(ImagePanels::Panel::Mean)->data();
    for (const int pixel : {0, 57, 400, 783}) {
      const double drawn = mean->cell(pixel % kSide, pixel / kSide);
      QVERIFY2(
          std::abs(drawn - nplab::facade::output_to_intensity(expected.value().mean[pixel])) < 1e-5,
          qPrintable(QString::number(pixel)));
    }
  }

  void compare_with_draws_a_second_models_prediction_below_and_none_takes_it_away() {
    Fixture f;
    const auto& models = f.view->models();
    int tnpd = -1;
    for (int i = 0; i < models.size(); ++i) {
      if (models[i].source.name_or_path == "tnpd") tnpd = i;
    }
    QVERIFY(tnpd >= 0);
    QVERIFY(!f.view->panels()->shows(ImagePanels::Panel::CompareMean));
    f.view->set_compare_model(tnpd);
    f.view->reveal_pixels({0, 100, 200, 300, 783});
    QVERIFY(f.settle());
    QVERIFY(f.view->comparing());
    QVERIFY(f.view->panels()->shows(ImagePanels::Panel::CompareMean));
    QVERIFY(f.view->compare_shown() && f.view->compare_shown()->ok());
    // The second model's mean is its own prediction from the same revealed pixels.
    nplab::facade::Explorer explorer;
    QVERIFY(explorer.load_registry_model("tnpd", {.dim_x = 2, .dim_y = 1}).ok());
    QVERIFY(explorer.set_points(f.view->points()).ok());
    const auto expected =
        explorer.predict(nplab::facade::image_query_grid(kSide, kSide, 1).value());
    QVERIFY(expected.ok());
    auto* mean = f.view->panels()->map(ImagePanels::Panel::CompareMean)->data();
    auto* first = f.view->panels()->map(ImagePanels::Panel::Mean)->data();
    bool differs = false;
    for (const int pixel : {0, 57, 400, 783}) {
      const double drawn = mean->cell(pixel % kSide, pixel / kSide);
      QVERIFY2(
          std::abs(drawn - nplab::facade::output_to_intensity(expected.value().mean[pixel])) < 1e-5,
          qPrintable(QString::number(pixel)));
      differs |= std::abs(drawn - first->cell(pixel % kSide, pixel / kSide)) > 1e-6;
    }
    QVERIFY(differs);  // two models, two pictures
    // One readout line per model, each naming it; the titles name them too.
    const QStringList lines = f.view->readout_text().split("<br>");
    QCOMPARE(lines.size(), 2);
    QVERIFY(lines[0].contains(models[f.view->current_model()].label.toHtmlEscaped()));
    QVERIFY(lines[1].contains(models[tnpd].label.toHtmlEscaped()));
    QVERIFY(f.view->panels()->title(ImagePanels::Panel::CompareMean).contains(models[tnpd].label));
    // A click on the second model's mean reveals like one on the first's.
    f.click(ImagePanels::Panel::CompareMean, 420);
    QVERIFY(f.settle());
    QVERIFY(std::find(f.view->revealed().begin(), f.view->revealed().end(), 420) !=
            f.view->revealed().end());
    QVERIFY(f.view->compare_shown()->generation == f.view->shown()->generation);

    f.view->set_compare_model(-1);
    QVERIFY(f.settle());
    QVERIFY(!f.view->comparing());
    QVERIFY(!f.view->panels()->shows(ImagePanels::Panel::CompareMean));
  }

  void many_quick_edits_post_one_request_and_the_latest_wins() {
    Fixture f;
    QVERIFY(f.settle());
    for (int pixel = 0; pixel < 300; ++pixel) f.view->reveal_pixels({pixel});  // one event turn
    QVERIFY(!f.view->is_settled());
    QVERIFY(f.settle());
    QCOMPARE(f.view->shown()->update.count, std::int64_t{300});
    QCOMPARE(f.thread.worker.dropped(), std::uint64_t{0});  // coalesced before posting
  }

  void an_image_that_will_not_decode_reports_an_error_and_changes_nothing() {
    Fixture f;
    f.view->show_test_image(2);
    f.view->reveal_random(12);
    const auto revealed = f.view->revealed();
    const auto image = *f.view->image();
    QTemporaryDir dir;
    QFile bad(dir.filePath("photo.png"));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("this is not a PNG");
    bad.close();
    QSignalSpy errors(f.view.get(), &ImagesView::error_reported);
    QVERIFY(!f.view->open_image_file(bad.fileName()));
    QCOMPARE(errors.size(), 1);
    QVERIFY2(errors.front().at(1).toString().contains("photo.png"),
             qPrintable(errors.front().at(1).toString()));
    QCOMPARE(f.view->revealed(), revealed);
    QVERIFY(*f.view->image() == image);
    QCOMPARE(f.view->source().index, std::int64_t{2});
    QVERIFY(f.view->can_undo());
  }

  void an_own_image_is_grey_cropped_to_its_centre_and_scaled_to_28() {
    Fixture f;
    QTemporaryDir dir;
    // 60 x 40, white left half and black right half of the central 40 x 40 square; red margins.
    QImage picture(60, 40, QImage::Format_RGB32);
    picture.fill(Qt::red);
    for (int y = 0; y < 40; ++y) {
      for (int x = 10; x < 50; ++x) picture.setPixel(x, y, x < 30 ? qRgb(255, 255, 255) : 0);
    }
    const QString path = dir.filePath("mine.png");
    QVERIFY(picture.save(path));
    f.view->reveal_random(5);
    QVERIFY(f.view->open_image_file(path));
    QVERIFY(f.view->source().kind == nplab::ui::ImageSource::Kind::File);
    QCOMPARE(f.view->image()->height(), kSide);
    QCOMPARE(f.view->image()->intensities()[3 * kSide + 1], 1.0);   // white, left
    QCOMPARE(f.view->image()->intensities()[3 * kSide + 26], 0.0);  // black, right: no red
    QVERIFY(f.view->revealed().empty());
    QVERIFY(!f.view->can_undo());  // a new image starts a new history
  }

  void new_shows_a_test_image_with_nothing_revealed_and_no_history() {
    Fixture f;
    f.view->reveal_random(30);
    f.view->clear_points();
    QVERIFY(f.view->revealed().empty());
    f.view->undo();
    QCOMPARE(f.view->revealed().size(), std::size_t{30});
    f.view->new_session();
    QVERIFY(f.view->revealed().empty());
    QVERIFY(!f.view->can_undo() && !f.view->can_redo());
    QVERIFY(f.view->source().index >= 0 && f.view->source().index < kFixtureImages);
  }

  void without_the_data_the_view_says_so_and_still_opens_own_images() {
    QTemporaryDir models, empty;
    nplab::ui::testing::ModelWorker thread;
    ImagesView view(thread.worker, {models.path()}, empty.filePath("nowhere"));
    QVERIFY(!view.image().has_value());
    QVERIFY(view.data_error().contains("t10k-images-idx3-ubyte.gz"));
    QVERIFY(view.findChild<QLabel*>("readout")->text().contains("No image"));
    view.reveal_random(5);  // nothing to reveal: no crash, no edit
    QVERIFY(view.revealed().empty());
    QTemporaryDir dir;
    QImage picture(28, 28, QImage::Format_Grayscale8);
    picture.fill(128);
    QVERIFY(picture.save(dir.filePath("grey.png")));
    QVERIFY(view.open_image_file(dir.filePath("grey.png")));
    QVERIFY(view.image().has_value());
    QVERIFY(QTest::qWaitFor([&] { return view.is_settled(); }, kSettleTimeoutMs));
  }

  void the_readout_names_the_training_range_and_flags_a_context_beyond_it() {
    QTemporaryDir models, data;
    write_test_set(data);
    // The shipped LBANP image model: its card says it trained on "image-fmnist" (N <= 197).
    for (const QString& file :
         {QStringLiteral("fmnist-lbanp.pt"), QStringLiteral("fmnist-lbanp.json")}) {
      QVERIFY(
          QFile::copy(QStringLiteral(NPLAB_SOURCE_DIR "/models/") + file, models.filePath(file)));
    }
    nplab::ui::testing::ModelWorker thread;
    ImagesView view(thread.worker, {models.path()}, data.path());
    view.resize(1100, 520);
    view.show();
    QCOMPARE(view.models()[view.current_model()].label, QString("fmnist-lbanp.pt"));
    const auto readout = [&] {
      QTextDocument document;
      document.setHtml(view.findChild<QLabel*>("readout")->text());
      return document.toPlainText();
    };
    view.reveal_random(197);
    QVERIFY(QTest::qWaitFor([&] { return view.is_settled(); }, kSettleTimeoutMs));
    QVERIFY2(readout().contains("trained on N ≤ 197"), qPrintable(readout()));
    QVERIFY2(!readout().contains("beyond training"), qPrintable(readout()));
    view.reveal_random(1);
    QVERIFY(QTest::qWaitFor([&] { return view.is_settled(); }, kSettleTimeoutMs));
    QVERIFY2(readout().contains("beyond training: N > 197"), qPrintable(readout()));
  }

  void the_truth_title_says_whether_the_class_was_seen_in_training() {
    Fixture f;  // image #2 has label 2 (Pullover): seen; #0 has label 7 (Sneaker): unseen
    const auto truth = [&] { return f.view->panels()->title(ImagePanels::Panel::Truth); };
    QVERIFY2(truth() == "Truth: #2 Pullover (seen class)", qPrintable(truth()));
    QVERIFY(f.view->show_test_image(0));
    QVERIFY2(truth() == "Truth: #0 Sneaker (unseen class)", qPrintable(truth()));
  }

  void the_panels_stay_where_they_are_when_titles_and_the_colour_scale_change() {
    Fixture f;
    auto& panels = *f.view->panels();
    const auto where = [&] {
      QList<QRect> rects;
      for (int i = 0; i < ImagePanels::kPanelCount; ++i) {
        const auto panel = static_cast<ImagePanels::Panel>(i);
        if (panels.shows(panel)) rects << panels.map(panel)->keyAxis()->axisRect()->outerRect();
      }
      return rects;
    };
    QVERIFY(f.settle());
    panels.replot();
    const auto before = where();
    QVERIFY(f.view->show_test_image(0));  // another title ("Sneaker (unseen class)")
    f.view->set_context_fraction(0.3);    // a prediction with another std range
    QVERIFY(f.settle());
    panels.replot();
    QCOMPARE(where(), before);
  }

  void image_models_are_checkpoints_whose_card_says_dim_x_2() {
    QTemporaryDir models, data;
    write_test_set(data);
    const auto write = [&](const QString& name, const QByteArray& text) {
      QFile file(models.filePath(name));
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write(text);
    };
    write("fmnist-tnpd.pt", "weights");
    write("fmnist-tnpd.json", R"({"config": {"model": "tnpd", "dim_x": 2, "dim_y": 1}})");
    write("gp-cmanp.pt", "weights");
    write("gp-cmanp.json", R"({"config": {"model": "cmanp", "dim_x": 1, "dim_y": 1}})");
    nplab::ui::testing::ModelWorker thread;
    ImagesView view(thread.worker, {models.path()}, data.path());
    QCOMPARE(view.models().front().label, QString("fmnist-tnpd.pt"));
    QCOMPARE(index_of_label(view, "gp-cmanp.pt"), -1);
    QCOMPARE(view.current_model(), 0);  // a checkpoint comes first
    QVERIFY(!view.models().front().untrained);
    QVERIFY(index_of_label(view, "untrained: cmanp") > 0);
  }
};

QTEST_MAIN(ImagesViewTest)
#include "test_images_view.moc"

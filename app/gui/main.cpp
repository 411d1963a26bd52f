// nplab: the desktop app.
//
//   nplab                                  open the window
//   nplab --view memory                    open on a view
//   nplab --screenshot FILE [--view V]     render the window to a PNG once it has settled, exit
//   nplab --demo                           reveal example points, show the truth and the oracle
//   nplab --model "untrained: tnpd"        start the Functions view on a model of its picker

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>

#include "functions_view.h"
#include "main_window.h"
#include "nplab/build_info.h"

namespace {

constexpr int kScreenshotTimeoutMs = 120'000;

constexpr std::uint64_t kDemoSeed = 7;
constexpr int kDemoPoints = 8;

/// A reproducible picture for slides: eight revealed points of the hidden function, with the
/// truth and the oracle GP drawn beside the model.
void start_demo(nplab::ui::FunctionsView& view) {
  view.set_random_seed(kDemoSeed);
  view.set_overlays(/*truth=*/true, /*oracle=*/true);
  view.reveal_random(kDemoPoints);
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName("nplab");
  QApplication::setApplicationVersion(QString::fromUtf8(nplab::kVersion));
  QApplication::setOrganizationName("NPLab");

  QCommandLineParser parser;
  parser.setApplicationDescription("NPLab: an interactive lab for Neural Processes.");
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption screenshot_option(
      "screenshot", "Render the window to FILE (PNG) once the view has settled, then exit.",
      "FILE");
  const QCommandLineOption view_option("view", "The view to show: functions, images or memory.",
                                       "VIEW", "functions");
  const QCommandLineOption demo_option("demo",
                                       "Start the Functions view with a few example points.");
  const QCommandLineOption model_option(
      "model", "The Functions view's model, as its picker names it (\"cmanp.pt\", \"untrained: tnpd\").",
      "NAME");
  parser.addOptions({screenshot_option, view_option, demo_option, model_option});
  parser.process(app);

  using View = nplab::ui::MainWindow::View;
  const std::map<QString, View> views{
      {"functions", View::Functions}, {"images", View::Images}, {"memory", View::Memory}};
  const auto view = views.find(parser.value(view_option));
  if (view == views.end()) {
    std::fprintf(stderr, "error: --view %s: not a view (functions, images, memory)\n",
                 qPrintable(parser.value(view_option)));
    return 2;
  }

  nplab::ui::MainWindow window;
  window.show_view(view->second);
  if (parser.isSet(model_option)) {
    const auto& models = window.functions_view()->models();
    const auto wanted = parser.value(model_option);
    const auto found = std::find_if(models.begin(), models.end(),
                                    [&](const auto& choice) { return choice.label == wanted; });
    if (found == models.end()) {
      QStringList labels;
      for (const auto& choice : models) labels << choice.label;
      std::fprintf(stderr, "error: --model %s: not offered (%s)\n", qPrintable(wanted),
                   qPrintable(labels.join(", ")));
      return 2;
    }
    window.functions_view()->select_model(static_cast<int>(found - models.begin()));
  }
  if (parser.isSet(demo_option)) start_demo(*window.functions_view());
  window.show();

  if (parser.isSet(screenshot_option)) {
    const QString file = parser.value(screenshot_option);
    window.when_settled([&window, file] {
      const bool saved = window.grab().save(file, "PNG");
      if (!saved) std::fprintf(stderr, "error: --screenshot %s: could not write\n", qPrintable(file));
      QApplication::exit(saved ? 0 : 1);
    });
    QTimer::singleShot(kScreenshotTimeoutMs, &window, [] {
      std::fprintf(stderr, "error: --screenshot: the view did not settle in time\n");
      QApplication::exit(3);
    });
  }
  return QApplication::exec();
}

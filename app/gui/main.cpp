// nplab: the desktop app.
//
//   nplab                                  open the window
//   nplab --view memory                    open on a view
//   nplab --screenshot FILE [--view V]     render the window to a PNG once it has settled, exit
//   nplab --demo                           reveal example points, show the truth and the oracle
//   nplab --view images --demo             a fixed test image with a fifth of its pixels revealed
//   nplab --model "untrained: tnpd"        start the view (Functions or Images) on a model of its
//                                          picker
//   nplab --compare tnpd.pt                Functions view: a second model beside the first
//   nplab --session FILE                   open a saved session
//   nplab --screenshot FILE --size 1600x900   ...at that window size
//   nplab --view memory --demo             start the Memory view's default sweep
//   nplab --view stream --demo             stream a million points into CMANP (Stream view)
//   nplab --view events --demo             40 events revealed from a hidden Hawkes process,
//                                          THP compared beside the model
//   nplab --stream points.csv [--compare lbanp.pt]
//                                          stream a CSV's x,y rows into the model
//   nplab --theme dark                     this time in the dark theme (light, system)
//   nplab --plot runs.csv --out fig.png    a figure of a benchmark or bo CSV, no window
//   nplab --bench-latency --model cmanp --clicks 50 --preload 100,10000
//                                          click-to-replot latency of the Functions view
//
// The window is window_command.cpp, the figures plot_command.cpp, the latency benchmark
// latency_command.cpp; this file reads the command line and hands over.

#include <QApplication>
#include <QFileInfo>
#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <string_view>

#include "command_line.h"
#include "latency_command.h"
#include "nplab/build_info.h"
#include "nplab/facade/bench_sweep.h"
#include "plot_command.h"
#include "window_command.h"

namespace {

/// Figures, the latency benchmark, --help and --version need no screen: offscreen unless told
/// otherwise (else, over ssh without a display, Qt aborts before the parser could answer). A
/// screenshot needs none either, so it goes offscreen too when there is no display to use.
void go_offscreen_when_no_screen_is_needed(int argc, char** argv) {
  using nplab::app::has_option;
  constexpr std::array<std::string_view, 5> kPrintOnly{"-h", "--help", "--help-all", "-v",
                                                       "--version"};
  const bool prints_only = std::any_of(argv + 1, argv + argc, [&](const char* argument) {
    return std::find(kPrintOnly.begin(), kPrintOnly.end(), argument) != kPrintOnly.end();
  });
  const bool no_display =
      qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
  if ((has_option(argc, argv, "plot") || has_option(argc, argv, "bench-latency") || prints_only ||
       (no_display && has_option(argc, argv, "screenshot"))) &&
      qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
  }
}

std::optional<QString> value_if_set(const QCommandLineParser& parser,
                                    const QCommandLineOption& option) {
  if (!parser.isSet(option)) return std::nullopt;
  return parser.value(option);
}

}  // namespace

int main(int argc, char** argv) {
  using nplab::ui::MainWindow;
  const auto session_file = nplab::app::take_option(argc, argv, "session");
  go_offscreen_when_no_screen_is_needed(argc, argv);
  // Count every CPU tensor from the start, so that the Memory view's peaks are complete.
  nplab::facade::install_memory_probe();
  QApplication app(argc, argv);
  QApplication::setApplicationName("nplab");
  QApplication::setApplicationVersion(QString::fromUtf8(nplab::kVersion));
  QApplication::setOrganizationName("NPLab");

  QCommandLineParser parser;
  parser.setApplicationDescription("NPLab: an interactive lab for Neural Processes.");
  parser.addHelpOption();
  parser.addVersionOption();
  const nplab::app::GuiOptions options;
  options.add_to(parser);
  parser.process(app);

  if (parser.isSet(options.models)) {
    if (!QFileInfo(parser.value(options.models)).isDir()) {
      std::fprintf(stderr, "error: --models %s: not a folder\n",
                   qPrintable(parser.value(options.models)));
      return 2;
    }
    qputenv("NPLAB_MODELS", parser.value(options.models).toUtf8());  // read by the views
  }
  nplab::app::WindowSettings settings;
  if (parser.isSet(options.theme)) {
    settings.theme = nplab::ui::theme_from_string(parser.value(options.theme));
    if (!settings.theme) {
      std::fprintf(stderr, "error: --theme %s: expected system, light or dark\n",
                   qPrintable(parser.value(options.theme)));
      return 2;
    }
  }
  const std::map<QString, MainWindow::View> views{
      {"functions", MainWindow::View::Functions}, {"images", MainWindow::View::Images},
      {"memory", MainWindow::View::Memory},       {"stream", MainWindow::View::Stream},
      {"events", MainWindow::View::Events},       {"bo", MainWindow::View::Bo}};
  const auto view = views.find(parser.value(options.view));
  if (view == views.end()) {
    std::fprintf(stderr,
                 "error: --view %s: not a view (functions, images, memory, stream, events, bo)\n",
                 qPrintable(parser.value(options.view)));
    return 2;
  }
  settings.view = view->second;
  settings.stream = value_if_set(parser, options.stream);
  if (settings.stream) settings.view = MainWindow::View::Stream;
  if (parser.isSet(options.size)) {
    settings.size = nplab::app::parse_size(parser.value(options.size));
    if (!settings.size.isValid()) {
      std::fprintf(stderr, "error: --size %s: expected WIDTHxHEIGHT, at least 320x240\n",
                   qPrintable(parser.value(options.size)));
      return 2;
    }
  }
  if (parser.isSet(options.plot)) {
    if (settings.theme) nplab::ui::apply_theme(*settings.theme);
    return nplab::app::run_plot_command(parser.value(options.plot), parser.value(options.out),
                                        settings.size);
  }
  if (parser.isSet(options.latency)) {
    settings.latency = nplab::app::parse_latency_options(parser.value(options.clicks),
                                                         parser.value(options.preload));
    if (!settings.latency) return 2;
  }
  settings.device = parser.value(options.device).toStdString();
  settings.model = value_if_set(parser, options.model);
  settings.compare = value_if_set(parser, options.compare);
  settings.demo = parser.isSet(options.demo);
  settings.session = session_file;
  settings.screenshot = value_if_set(parser, options.screenshot);
  return nplab::app::run_window(settings);
}

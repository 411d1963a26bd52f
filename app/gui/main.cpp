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
//   nplab --view memory --demo             start a small memory sweep (cmanp, lbanp, tnpd)
//   nplab --theme dark                     this time in the dark theme (light, system)
//   nplab --plot runs.csv --out fig.png    a figure of a `nplab-cli bench ... --csv` file, no
//   window nplab --bench-latency --model cmanp --clicks 50 --preload 100,10000
//                                          click-to-replot latency of the Functions view

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "bench_figure.h"
#include "explorer_worker.h"
#include "functions_view.h"
#include "images_view.h"
#include "latency_bench.h"
#include "main_window.h"
#include "memory_view.h"
#include "nplab/benchmarks.h"
#include "nplab/build_info.h"
#include "theme.h"

namespace {

constexpr int kScreenshotTimeoutMs = 300'000;

constexpr std::uint64_t kDemoSeed = 7;
constexpr int kDemoPoints = 8;

/// A reproducible picture for slides: eight revealed points of the hidden function, with the
/// truth and the oracle GP drawn beside the model.
void start_demo(nplab::ui::FunctionsView& view) {
  view.set_random_seed(kDemoSeed);
  view.set_overlays(/*truth=*/true, /*oracle=*/true);
  view.reveal_random(kDemoPoints);
}

// A trouser (class 1): a class the image models were trained on (0–4), with an outline that
// reads well from a fifth of its pixels. Unseen classes (5–9) are one click away.
constexpr std::int64_t kDemoImage = 2;
constexpr double kDemoImageFraction = 0.2;
constexpr int kDemoResolution = 2;

/// A reproducible picture of image completion: one test image, a fifth of its pixels revealed
/// along the context slider's fixed order, predicted at twice the resolution.
void start_demo(nplab::ui::ImagesView& view) {
  view.set_random_seed(kDemoSeed);
  view.show_test_image(kDemoImage);
  view.set_resolution(kDemoResolution);
  view.set_context_fraction(kDemoImageFraction);
}

/// Whether argv holds "--NAME" or "--NAME=...", before Qt has parsed it.
bool has_option(int argc, char** argv, const std::string& name) {
  const std::string flag = "--" + name;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument == flag || argument.starts_with(flag + "=")) return true;
  }
  return false;
}

/// "100,10000" as sizes ≥ 0, or nothing.
std::optional<std::vector<int>> parse_counts(const QString& text) {
  std::vector<int> counts;
  for (const auto& field : text.split(',')) {
    bool ok = false;
    const int count = field.trimmed().toInt(&ok);
    if (!ok || count < 0) return std::nullopt;
    counts.push_back(count);
  }
  return counts;
}

/// --plot CSV --out FILE [--size WxH]: writes the figure, no window. 0 when written.
int plot_csv(const QString& csv, const QString& out, QSize size) {
  if (out.isEmpty()) {
    std::fprintf(stderr, "error: --plot needs --out FILE (.png, .pdf or .svg)\n");
    return 2;
  }
  const auto read = nplab::ui::read_bench_csv(csv);
  if (const auto* error = std::get_if<QString>(&read)) {
    std::fprintf(stderr, "error: --plot %s\n", qPrintable(*error));
    return 1;
  }
  const auto& table = std::get<nplab::ui::BenchTable>(read);
  for (const auto& note : table.notes) std::fprintf(stderr, "note: %s\n", qPrintable(note));
  const auto error = nplab::ui::write_bench_figure(
      table, out, size.isValid() ? size : nplab::ui::default_figure_size(table.kind));
  if (!error.isEmpty()) {
    std::fprintf(stderr, "error: --out %s\n", qPrintable(error));
    return 1;
  }
  return 0;
}

/// The picker's index of `wanted`: its label ("cmanp.pt", "untrained: tnpd") or a registry
/// name, which means the untrained model. -1 when not offered.
int find_model(const QList<nplab::ui::ModelChoice>& models, const QString& wanted) {
  for (const auto& label : {wanted, QStringLiteral("untrained: ") + wanted}) {
    const auto found = std::find_if(models.begin(), models.end(),
                                    [&](const auto& choice) { return choice.label == label; });
    if (found != models.end()) return static_cast<int>(found - models.begin());
  }
  return -1;
}

/// --bench-latency: prints the report; 0 when every click was measured.
int bench_latency(nplab::ui::FunctionsView& view, const nplab::ui::LatencyBenchOptions& options) {
  const auto runs = nplab::ui::run_latency_bench(view, options);
  if (const auto* error = std::get_if<QString>(&runs)) {
    std::fprintf(stderr, "error: --bench-latency: %s\n", qPrintable(*error));
    return 1;
  }
  const auto report = nplab::ui::format_latency_report(
      std::get<std::vector<nplab::ui::LatencyRun>>(runs), view.models()[view.current_model()].label,
      nplab::ui::ExplorerThread::compute_threads(), options.warmup);
  std::fputs(qPrintable(report), stdout);
  return 0;
}

/// "1600x900" as a size, or an invalid size.
QSize parse_size(const QString& text) {
  const auto parts = text.split('x');
  if (parts.size() != 2) return {};
  bool width_ok = false, height_ok = false;
  const QSize size(parts[0].toInt(&width_ok), parts[1].toInt(&height_ok));
  return width_ok && height_ok && size.width() >= 320 && size.height() >= 240 ? size : QSize();
}

/// Removes "--NAME VALUE" or "--NAME=VALUE" from argv and returns VALUE. Needed for --session:
/// QGuiApplication takes "-session"/"--session" for X11 session management and drops it.
std::optional<QString> take_option(int& argc, char** argv, const std::string& name) {
  const std::string flag = "--" + name;
  std::optional<QString> value;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string argument = argv[i];
    if (argument == flag && i + 1 < argc) {
      value = QString::fromLocal8Bit(argv[++i]);
    } else if (argument.starts_with(flag + "=")) {
      value = QString::fromLocal8Bit(argument.substr(flag.size() + 1).c_str());
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  argv[argc] = nullptr;
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  const auto session_file = take_option(argc, argv, "session");
  // Figures, the latency benchmark, --help and --version need no screen: offscreen unless told
  // otherwise (else, over ssh without a display, Qt aborts before the parser could answer). A
  // screenshot needs none either, so it goes offscreen too when there is no display to use.
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
  // Count every CPU tensor from the start, so that the Memory view's peaks are complete.
  nplab::install_memory_probe();
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
  const QCommandLineOption demo_option(
      "demo",
      "Functions view: reveal points of the hidden function, show the truth and the oracle. "
      "Images view: reveal a fifth of a fixed test image's pixels, predict at 2x. "
      "Memory view: run a sweep of the ticked models.");
  const QCommandLineOption model_option(
      "model",
      "The model of the view shown (Functions or Images), as its picker names it (\"cmanp.pt\", "
      "\"untrained: tnpd\"), or a registry name for the untrained model (\"cmanp\").",
      "NAME");
  const QCommandLineOption compare_option(
      "compare",
      "Functions view: show this second model beside the first, on the same points (named as "
      "for --model).",
      "NAME");
  const QCommandLineOption device_option(
      "device",
      "Where the Functions and Images views' models run: auto (CUDA when there is a GPU, else the "
      "CPU), cpu or cuda[:N]. A device that is missing or fails gives way to the CPU, with a "
      "notice in the readout.",
      "DEVICE", "auto");
  const QCommandLineOption session_option("session", "Open a saved session (.nplab.json).", "FILE");
  const QCommandLineOption size_option(
      "size", "The window size, e.g. 1600x900; with --plot, the PNG's size in pixels.", "WxH");
  const QCommandLineOption theme_option(
      "theme", "system, light or dark, for this run (the View menu's choice is remembered).",
      "THEME");
  const QCommandLineOption plot_option(
      "plot",
      "Draw a CSV of nplab-cli bench memory, update or cmab (--csv) into --out, then exit; no "
      "window is shown.",
      "CSV");
  const QCommandLineOption out_option("out", "The figure --plot writes: .png, .pdf or .svg.",
                                      "FILE");
  const QCommandLineOption latency_option(
      "bench-latency",
      "Measure the Functions view's click-to-replot latency (offscreen unless QT_QPA_PLATFORM "
      "is set), print it, exit.");
  const QCommandLineOption clicks_option("clicks", "--bench-latency: timed clicks per preload.",
                                         "K", "50");
  const QCommandLineOption preload_option(
      "preload", "--bench-latency: context sizes to preload, in one batch each (e.g. 100,10000).",
      "LIST", "100,10000");
  parser.addOptions({screenshot_option, view_option, demo_option, model_option, compare_option,
                     device_option, session_option, size_option, theme_option, plot_option,
                     out_option, latency_option, clicks_option, preload_option});
  parser.process(app);

  std::optional<nplab::ui::Theme> theme;
  if (parser.isSet(theme_option)) {
    theme = nplab::ui::theme_from_string(parser.value(theme_option));
    if (!theme) {
      std::fprintf(stderr, "error: --theme %s: expected system, light or dark\n",
                   qPrintable(parser.value(theme_option)));
      return 2;
    }
  }

  using View = nplab::ui::MainWindow::View;
  const std::map<QString, View> views{
      {"functions", View::Functions}, {"images", View::Images}, {"memory", View::Memory}};
  const auto view = views.find(parser.value(view_option));
  if (view == views.end()) {
    std::fprintf(stderr, "error: --view %s: not a view (functions, images, memory)\n",
                 qPrintable(parser.value(view_option)));
    return 2;
  }

  QSize size;
  if (parser.isSet(size_option)) {
    size = parse_size(parser.value(size_option));
    if (!size.isValid()) {
      std::fprintf(stderr, "error: --size %s: expected WIDTHxHEIGHT, at least 320x240\n",
                   qPrintable(parser.value(size_option)));
      return 2;
    }
  }
  if (parser.isSet(plot_option)) {
    if (theme) nplab::ui::apply_theme(*theme);
    return plot_csv(parser.value(plot_option), parser.value(out_option), size);
  }
  nplab::ui::LatencyBenchOptions latency;
  if (parser.isSet(latency_option)) {
    bool clicks_ok = false;
    latency.clicks = parser.value(clicks_option).toInt(&clicks_ok);
    const auto preloads = parse_counts(parser.value(preload_option));
    if (!clicks_ok || latency.clicks < 1 || !preloads) {
      std::fprintf(stderr, "error: --clicks %s --preload %s: expected K ≥ 1 and sizes ≥ 0\n",
                   qPrintable(parser.value(clicks_option)),
                   qPrintable(parser.value(preload_option)));
      return 2;
    }
    latency.preloads = *preloads;
  }
  const bool screenshot = parser.isSet(screenshot_option);

  nplab::ui::MainWindow window(nullptr, parser.value(device_option).toStdString());
  // Before the window is shown, so that it never flashes in the other theme.
  nplab::ui::apply_theme(theme.value_or(nplab::ui::saved_theme()));
  if (size.isValid()) window.resize(size);
  if (screenshot || parser.isSet(latency_option)) {
    // Nobody is there to close a dialog: say what went wrong and stop.
    window.set_error_reporter([](const QString& title, const QString& message) {
      std::fprintf(stderr, "error: %s: %s\n", qPrintable(title), qPrintable(message));
      QTimer::singleShot(0, [] { QApplication::exit(4); });
    });
  }
  window.show_view(view->second);
  if (parser.isSet(model_option)) {
    const bool images = view->second == View::Images;
    const auto& models =
        images ? window.images_view()->models() : window.functions_view()->models();
    const auto wanted = parser.value(model_option);
    const int found = find_model(models, wanted);
    if (found < 0) {
      QStringList labels;
      for (const auto& choice : models) labels << choice.label;
      std::fprintf(stderr, "error: --model %s: not offered (%s)\n", qPrintable(wanted),
                   qPrintable(labels.join(", ")));
      return 2;
    }
    if (images) {
      window.images_view()->select_model(found);
    } else {
      window.functions_view()->select_model(found);
    }
  }
  if (parser.isSet(compare_option)) {
    auto& functions = *window.functions_view();
    const auto wanted = parser.value(compare_option);
    const int found = find_model(functions.models(), wanted);
    if (found < 0) {
      std::fprintf(stderr, "error: --compare %s: not offered by the Functions view\n",
                   qPrintable(wanted));
      return 2;
    }
    functions.set_compare_model(found);
  }
  if (parser.isSet(demo_option)) {
    if (view->second == View::Memory) {
      window.memory_view()->start();
    } else if (view->second == View::Images) {
      start_demo(*window.images_view());
    } else {
      start_demo(*window.functions_view());
    }
  }
  window.show();
  if (parser.isSet(latency_option)) {
    window.show_view(View::Functions);
    return bench_latency(*window.functions_view(), latency);
  }
  // After show(), so that an error dialog has the window behind it.
  if (session_file) window.open_session(*session_file);

  if (screenshot) {
    const QString file = parser.value(screenshot_option);
    window.when_settled([&window, file] {
      const bool saved = window.grab().save(file, "PNG");
      if (!saved)
        std::fprintf(stderr, "error: --screenshot %s: could not write\n", qPrintable(file));
      QApplication::exit(saved ? 0 : 1);
    });
    QTimer::singleShot(kScreenshotTimeoutMs, &window, [] {
      std::fprintf(stderr, "error: --screenshot: the view did not settle in time\n");
      QApplication::exit(3);
    });
  }
  return QApplication::exec();
}

#include "window_command.h"

#include <QApplication>
#include <QTimer>
#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "bo_view.h"
#include "events_view.h"
#include "functions_view.h"
#include "images_view.h"
#include "latency_command.h"
#include "memory_view.h"
#include "stream_view.h"

namespace nplab::app {
namespace {

constexpr int kScreenshotTimeoutMs = 300'000;

constexpr std::uint64_t kDemoSeed = 7;
constexpr int kDemoPoints = 8;
constexpr int kDemoEvents = 40;
constexpr std::int64_t kDemoStreamPoints = 1'000'000;

/// A reproducible picture for slides: eight revealed points of the hidden function, with the
/// truth and the oracle GP drawn beside the model.
void start_demo(ui::FunctionsView& view) {
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
void start_demo(ui::ImagesView& view) {
  view.set_random_seed(kDemoSeed);
  view.show_test_image(kDemoImage);
  view.set_resolution(kDemoResolution);
  view.set_context_fraction(kDemoImageFraction);
}

/// Forty events of the hidden Hawkes process, with THP compared beside the view's model (CMHP
/// when its checkpoint is shipped) unless --compare chose another.
void start_demo(ui::EventsView& view) {
  view.reveal(kDemoEvents);
  if (view.comparing()) return;
  for (const auto& wanted : {QStringLiteral("thp.pt"), QStringLiteral("untrained: thp")}) {
    for (int i = 0; i < view.models().size(); ++i) {
      if (view.models()[i].label == wanted && i != view.current_model()) {
        view.set_compare_model(i);
        return;
      }
    }
  }
}

// A GP sample whose maximum the starting points miss, so that the steps have somewhere to go.
constexpr std::uint64_t kDemoBoSeed = 3;
constexpr int kDemoBoSteps = 8;

/// Eight EI steps on a sample of the RBF prior, driven by the shipped CMANP when there is one
/// (else the oracle GP), unless --model chose a surrogate.
void start_demo(ui::BoView& view, bool model_chosen) {
  if (!model_chosen) {
    for (int i = 0; i < view.surrogates().size(); ++i) {
      if (view.surrogates()[i].label == QStringLiteral("cmanp.pt")) view.select_surrogate(i);
    }
  }
  view.set_seed(kDemoBoSeed);
  view.run_to(kDemoBoSteps);
}

/// The picker's index of `wanted`: its label ("cmanp.pt", "untrained: tnpd") or a registry
/// name, which means the untrained model. -1 when not offered.
int find_model(const QList<ui::ModelChoice>& models, const QString& wanted) {
  for (const auto& label : {wanted, QStringLiteral("untrained: ") + wanted}) {
    const auto found = std::find_if(models.begin(), models.end(),
                                    [&](const auto& choice) { return choice.label == label; });
    if (found != models.end()) return static_cast<int>(found - models.begin());
  }
  return -1;
}

/// The picker's labels, for an error message.
QString labels_of(const QList<ui::ModelChoice>& models) {
  QStringList labels;
  for (const auto& choice : models) labels << choice.label;
  return labels.join(", ");
}

/// --model and --compare; false (having said why) when a name is not offered.
bool choose_models(ui::MainWindow& window, const WindowSettings& settings) {
  using View = ui::MainWindow::View;
  const auto& models = settings.view == View::Images   ? window.images_view()->models()
                       : settings.view == View::Stream ? window.stream_view()->models()
                       : settings.view == View::Events ? window.events_view()->models()
                       : settings.view == View::Bo     ? window.bo_view()->surrogates()
                                                       : window.functions_view()->models();
  if (settings.model) {
    const int found = find_model(models, *settings.model);
    if (found < 0) {
      std::fprintf(stderr, "error: --model %s: not offered (%s)\n", qPrintable(*settings.model),
                   qPrintable(labels_of(models)));
      return false;
    }
    if (settings.view == View::Images) {
      window.images_view()->select_model(found);
    } else if (settings.view == View::Events) {
      window.events_view()->select_model(found);
    } else if (settings.view == View::Bo) {
      window.bo_view()->select_surrogate(found);
    } else if (settings.view == View::Stream) {
      window.stream_view()->select_model(found);
    } else {
      window.functions_view()->select_model(found);
    }
  }
  if (settings.compare) {
    const bool own = settings.view == View::Stream || settings.view == View::Events ||
                     settings.view == View::Images;
    const auto& offered = own ? models : window.functions_view()->models();
    const int found = find_model(offered, *settings.compare);
    if (found < 0) {
      std::fprintf(stderr, "error: --compare %s: not offered by the %s view (%s)\n",
                   qPrintable(*settings.compare),
                   settings.view == View::Stream   ? "Stream"
                   : settings.view == View::Events ? "Events"
                   : settings.view == View::Images ? "Images"
                                                   : "Functions",
                   qPrintable(labels_of(offered)));
      return false;
    }
    if (settings.view == View::Stream) {
      window.stream_view()->set_compare_model(found);
    } else if (settings.view == View::Events) {
      window.events_view()->set_compare_model(found);
    } else if (settings.view == View::Images) {
      window.images_view()->set_compare_model(found);
    } else {
      window.functions_view()->set_compare_model(found);
    }
  }
  return true;
}

void start_demo(ui::MainWindow& window, ui::MainWindow::View view, bool model_chosen) {
  using View = ui::MainWindow::View;
  if (view == View::Memory) {
    window.memory_view()->start();
  } else if (view == View::Stream) {
    window.stream_view()->use_generator(kDemoStreamPoints);
    window.stream_view()->start();
  } else if (view == View::Images) {
    start_demo(*window.images_view());
  } else if (view == View::Events) {
    start_demo(*window.events_view());
  } else if (view == View::Bo) {
    start_demo(*window.bo_view(), model_chosen);
  } else {
    start_demo(*window.functions_view());
  }
}

/// Saves the window as `file` once the view has settled, then quits.
void take_screenshot(ui::MainWindow& window, const QString& file) {
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

}  // namespace

int run_window(const WindowSettings& settings) {
  ui::MainWindow window(nullptr, settings.device);
  // Before the window is shown, so that it never flashes in the other theme.
  ui::apply_theme(settings.theme.value_or(ui::saved_theme()));
  if (settings.size.isValid()) window.resize(settings.size);
  if (settings.screenshot || settings.latency) {
    window.hide_hints();  // a picture of the view, not of its first start
    // Nobody is there to close a dialog: say what went wrong and stop.
    window.set_error_reporter([](const QString& title, const QString& message) {
      std::fprintf(stderr, "error: %s: %s\n", qPrintable(title), qPrintable(message));
      QTimer::singleShot(0, [] { QApplication::exit(4); });
    });
  }
  window.show_view(settings.view);
  if (!choose_models(window, settings)) return 2;
  if (settings.stream) {
    window.stream_view()->use_csv(*settings.stream);
    if (!window.stream_view()->start()) {
      std::fprintf(stderr, "error: --stream %s: %s\n", qPrintable(*settings.stream),
                   qPrintable(window.stream_view()->status_text()));
      if (settings.screenshot) return 2;
    }
  } else if (settings.demo) {
    start_demo(window, settings.view, settings.model.has_value());
  }
  window.show();
  if (settings.latency) {
    window.show_view(ui::MainWindow::View::Functions);
    return run_latency_command(*window.functions_view(), *settings.latency);
  }
  // After show(), so that an error dialog has the window behind it.
  if (settings.session) window.open_session(*settings.session);
  if (settings.screenshot) take_screenshot(window, *settings.screenshot);
  return QApplication::exec();
}

}  // namespace nplab::app

#include "latency_bench.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QEventLoop>
#include <QLocale>
#include <QMouseEvent>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <random>

#include "functions_view.h"

namespace nplab::ui {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kTimeoutMs = 120'000;
// Clicks land near the top of the plot, above the preloaded points (|y| < 1), at x spread by
// the golden ratio and on three rows, so that no click hits a point (that would select it).
constexpr double kGoldenFraction = 0.6180339887;
constexpr double kRowFractions[] = {0.06, 0.12, 0.18};

double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

/// N points of a smooth function with a little noise, x across the view, |y| < 1.
std::vector<facade::ContextPoint> preload_points(int count, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<double> x_of(FunctionsView::kMinX, FunctionsView::kMaxX);
  std::uniform_real_distribution<double> noise(-0.1, 0.1);
  std::vector<facade::ContextPoint> points;
  points.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    const double x = x_of(random);
    points.push_back(facade::point_1d(x, 0.8 * std::sin(2 * x) + noise(random)));
  }
  return points;
}

/// Waits (running the event loop) until the view has settled and the plot has then finished a
/// replot. Returns when that happened and when the prediction arrived, or nothing on timeout.
struct Settled {
  Clock::time_point result;
  Clock::time_point replotted;
};

std::optional<Settled> wait_for_replot(FunctionsView& view) {
  QEventLoop loop;
  std::optional<Clock::time_point> result;
  std::optional<Settled> settled;
  auto* plot = view.plot();
  const auto on_settled =
      QObject::connect(&view, &FunctionsView::settled, &loop, [&] { result = Clock::now(); });
  const auto on_replot = QObject::connect(plot, &QCustomPlot::afterReplot, &loop, [&] {
    if (!result) return;  // a replot of the clicked point alone, before the prediction
    settled = Settled{*result, Clock::now()};
    loop.quit();
  });
  QTimer::singleShot(kTimeoutMs, &loop, &QEventLoop::quit);
  loop.exec();
  QObject::disconnect(on_settled);
  QObject::disconnect(on_replot);
  return settled;
}

/// Where the i-th click goes, in the plot's pixels.
QPointF click_position(const FunctionsView& view, int index) {
  const QRect area = view.plot()->axisRect()->rect();
  const double across = 0.05 + 0.9 * std::fmod(index * kGoldenFraction, 1.0);
  const double down = kRowFractions[index % std::size(kRowFractions)];
  return {area.left() + across * area.width(), area.top() + down * area.height()};
}

void send_click(QWidget& target, const QPointF& position) {
  const QPointF global = target.mapToGlobal(position);
  QMouseEvent press(QEvent::MouseButtonPress, position, global, Qt::LeftButton, Qt::LeftButton,
                    Qt::NoModifier);
  QApplication::sendEvent(&target, &press);
  QMouseEvent release(QEvent::MouseButtonRelease, position, global, Qt::LeftButton, Qt::NoButton,
                      Qt::NoModifier);
  QApplication::sendEvent(&target, &release);
}

QString model_error(const FunctionsView& view) {
  const auto& shown = view.shown();
  return shown && !shown->ok() ? QString::fromStdString(shown->error) : QString();
}

}  // namespace

std::variant<std::vector<LatencyRun>, QString> run_latency_bench(
    FunctionsView& view, const LatencyBenchOptions& options) {
  std::vector<LatencyRun> runs;
  for (const int preload : options.preloads) {
    view.set_points(preload_points(preload, options.seed));  // one batch, one request
    if (!view.is_settled() && !wait_for_replot(view)) {
      return QStringLiteral("preload %1: no prediction within %2 s")
          .arg(preload)
          .arg(kTimeoutMs / 1000);
    }
    if (const auto error = model_error(view); !error.isEmpty()) return error;
    LatencyRun run;
    run.preload = preload;
    for (int click = 0; click < options.warmup + options.clicks; ++click) {
      const auto before = view.points().size();
      const auto start = Clock::now();
      send_click(*view.plot(), click_position(view, click));
      const auto settled = wait_for_replot(view);
      if (!settled) {
        return QStringLiteral("preload %1, click %2: no replot within %3 s")
            .arg(preload)
            .arg(click + 1)
            .arg(kTimeoutMs / 1000);
      }
      if (view.points().size() != before + 1) {
        return QStringLiteral("preload %1, click %2 did not add a point")
            .arg(preload)
            .arg(click + 1);
      }
      if (const auto error = model_error(view); !error.isEmpty()) return error;
      if (click < options.warmup) continue;
      run.click_to_replot_ms.push_back(ms_between(start, settled->replotted));
      run.click_to_result_ms.push_back(ms_between(start, settled->result));
      const auto& shown = *view.shown();
      run.model_ms.push_back((shown.update.micros + shown.prediction.micros) / 1000.0);
      run.draw_ms.push_back(view.plot()->replotTime());
    }
    runs.push_back(std::move(run));
  }
  return runs;
}

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(values.size() - 1);
  const auto below = static_cast<size_t>(std::floor(position));
  const auto above = std::min(below + 1, values.size() - 1);
  return values[below] + (position - static_cast<double>(below)) * (values[above] - values[below]);
}

QString format_latency_report(const std::vector<LatencyRun>& runs, const QString& model,
                              int compute_threads, int warmup) {
  const QLocale c = QLocale::c();
  QString report;
  report +=
      QStringLiteral("click-to-replot latency, Functions view (1D), model \"%1\"\n").arg(model);
  report +=
      QStringLiteral("targets: %1 · worker compute threads: %2 · CPU cores: %3 · Qt platform: %4\n")
          .arg(FunctionsView::kGridSize)
          .arg(compute_threads)
          .arg(QThread::idealThreadCount())
          .arg(QApplication::platformName());
  const int clicks = runs.empty() ? 0 : static_cast<int>(runs.front().click_to_replot_ms.size());
  report += QStringLiteral(
                "clicks per preload: %1 timed (after %2 warm-up); time from the mouse "
                "press to the end of the replot\n")
                .arg(clicks)
                .arg(warmup);
  report += QStringLiteral(
      "medians of the parts: result = press to prediction received; model = "
      "the worker's update + predict; draw = QCustomPlot's replot\n");
  report += QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8\n")
                .arg("preload N", 10)
                .arg("median ms", 10)
                .arg("p90 ms", 8)
                .arg("min ms", 8)
                .arg("max ms", 8)
                .arg("result ms", 10)
                .arg("model ms", 9)
                .arg("draw ms", 8);
  for (const auto& run : runs) {
    const auto& ms = run.click_to_replot_ms;
    const auto [low, high] = std::minmax_element(ms.begin(), ms.end());
    report += QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8\n")
                  .arg(run.preload, 10)
                  .arg(c.toString(quantile(ms, 0.5), 'f', 2), 10)
                  .arg(c.toString(quantile(ms, 0.9), 'f', 2), 8)
                  .arg(c.toString(ms.empty() ? 0.0 : *low, 'f', 2), 8)
                  .arg(c.toString(ms.empty() ? 0.0 : *high, 'f', 2), 8)
                  .arg(c.toString(quantile(run.click_to_result_ms, 0.5), 'f', 2), 10)
                  .arg(c.toString(quantile(run.model_ms, 0.5), 'f', 2), 9)
                  .arg(c.toString(quantile(run.draw_ms, 0.5), 'f', 2), 8);
  }
  if (runs.size() >= 2) {
    const auto& small = runs.front();
    const auto& large = runs.back();
    const double ratio =
        quantile(large.click_to_replot_ms, 0.5) / quantile(small.click_to_replot_ms, 0.5);
    report += QStringLiteral("ratio of medians, N=%1 / N=%2: %3\n")
                  .arg(large.preload)
                  .arg(small.preload)
                  .arg(c.toString(ratio, 'f', 3));
  }
  return report;
}

}  // namespace nplab::ui

#pragma once
// `nplab` with a window: the views, a demo to start with, a model to choose, a session to open,
// and, for --screenshot, a picture taken once the view has settled.

#include <QSize>
#include <QString>

#include <optional>
#include <string>

#include "latency_bench.h"
#include "main_window.h"
#include "theme.h"

namespace nplab::app {

struct WindowSettings {
  ui::MainWindow::View view = ui::MainWindow::View::Functions;
  std::string device = "auto";
  std::optional<ui::Theme> theme;  ///< else the saved one
  QSize size;                      ///< invalid: the window's own default
  std::optional<QString> model;    ///< --model
  std::optional<QString> compare;  ///< --compare
  bool demo = false;
  std::optional<QString> session;
  std::optional<QString> stream;  ///< --stream: a CSV to stream in the Stream view
  std::optional<QString> screenshot;               ///< the PNG to write, then exit
  std::optional<ui::LatencyBenchOptions> latency;  ///< measure, print, exit
};

/// Shows the window and runs the event loop (or the latency benchmark); the exit status.
int run_window(const WindowSettings& settings);

}  // namespace nplab::app

#include "plot_command.h"

#include <cstdio>
#include <variant>

#include "bench_figure.h"
#include "bo_figure.h"

namespace nplab::app {
namespace {

/// The regret curves of a `nplab-cli bo --csv` file.
int run_bo_plot(const QString& csv, const QString& out, QSize size) {
  const auto read = ui::read_bo_csv(csv);
  if (const auto* error = std::get_if<QString>(&read)) {
    std::fprintf(stderr, "error: --plot %s\n", qPrintable(*error));
    return 1;
  }
  const auto error = ui::write_bo_figure(std::get<facade::RegretCurves>(read), out,
                                         size.isValid() ? size : ui::default_bo_figure_size());
  if (!error.isEmpty()) {
    std::fprintf(stderr, "error: --out %s\n", qPrintable(error));
    return 1;
  }
  return 0;
}

}  // namespace

int run_plot_command(const QString& csv, const QString& out, QSize size) {
  if (out.isEmpty()) {
    std::fprintf(stderr, "error: --plot needs --out FILE (.png, .pdf or .svg)\n");
    return 2;
  }
  if (ui::is_bo_csv(csv)) return run_bo_plot(csv, out, size);
  const auto read = ui::read_bench_csv(csv);
  if (const auto* error = std::get_if<QString>(&read)) {
    std::fprintf(stderr, "error: --plot %s\n", qPrintable(*error));
    return 1;
  }
  const auto& table = std::get<ui::BenchTable>(read);
  for (const auto& note : table.notes) std::fprintf(stderr, "note: %s\n", qPrintable(note));
  const auto error = ui::write_bench_figure(
      table, out, size.isValid() ? size : ui::default_figure_size(table.kind));
  if (!error.isEmpty()) {
    std::fprintf(stderr, "error: --out %s\n", qPrintable(error));
    return 1;
  }
  return 0;
}

}  // namespace nplab::app

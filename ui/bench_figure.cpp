#include "bench_figure.h"

#include <qcustomplot.h>

#include <QFileInfo>
#include <algorithm>
#include <cmath>
#include <set>

#include "bench_chart.h"
#include "plot_export.h"
#include "theme.h"

namespace nplab::ui {
namespace {

using bench::CsvKind;
using bench::RunStatus;

constexpr double kBytesPerMiB = 1024.0 * 1024.0;
constexpr double kMicrosPerMs = 1000.0;
constexpr double kPngScale = 2.0;

/// Collects the samples and notes of one file.
class TableBuilder {
 public:
  TableBuilder(CsvKind kind, QString file) : file_(std::move(file)) { table_.kind = kind; }

  void add(int panel, const QString& series, double n, double value, bool predicted = false) {
    table_.samples.push_back({series, panel, n, value, predicted});
  }
  /// A value measured (or predicted, when `status` is Skipped); a failed row is noted instead.
  /// Returns whether the row is drawn.
  bool add_row(int panel, const std::string& series, std::int64_t n, double value, RunStatus status,
               const std::string& error) {
    if (status == RunStatus::Failed) {
      note(series, n, error);
      return false;
    }
    if (std::isnan(value)) return false;  // not measured (a CUDA-only column on a CPU run)
    add(panel, QString::fromStdString(series), static_cast<double>(n), value,
        status == RunStatus::Skipped);
    return true;
  }
  void note(const std::string& series, std::int64_t n, const std::string& error) {
    table_.notes << QStringLiteral("%1: %2 at N = %3 failed (%4), not drawn")
                        .arg(file_, QString::fromStdString(series))
                        .arg(n)
                        .arg(QString::fromStdString(error.empty() ? "no reason given" : error));
  }
  void set_subject(const QString& subject) { table_.subject = subject; }
  BenchTable take() { return std::move(table_); }

 private:
  QString file_;
  BenchTable table_;
};

void add_update_samples(const std::vector<bench::UpdateRow>& rows, TableBuilder& table) {
  // One curve per model, or per model and update size when the file has several sizes.
  std::set<std::int64_t> sizes;
  for (const auto& row : rows) sizes.insert(row.new_points);
  for (const auto& row : rows) {
    const std::string series =
        sizes.size() > 1 ? row.model + " (+" + std::to_string(row.new_points) + ")" : row.model;
    table.add_row(0, series, row.n, row.update_us / kMicrosPerMs, row.status, row.error);
  }
}

/// One curve per column. The file is about one model (the panels' titles name it); a file with
/// several keeps the model in each curve's name.
void add_scale_samples(const std::vector<bench::ScaleRow>& rows, TableBuilder& table) {
  std::set<std::string> models;
  for (const auto& row : rows) models.insert(row.model);
  const bool one_model = models.size() == 1;
  if (one_model) table.set_subject(QString::fromStdString(*models.begin()));
  for (const auto& row : rows) {
    const auto series = [&](const char* what) {
      return one_model ? std::string(what) : row.model + " " + what;
    };
    if (row.status == RunStatus::Failed) {
      table.note(row.model, row.n, row.error);
      continue;
    }
    table.add_row(1, series("conditioning peak"), row.n, row.condition_peak_bytes / kBytesPerMiB,
                  row.status, row.error);
    if (row.status != RunStatus::Ok) continue;  // a skipped size has no times
    table.add_row(0, series("update"), row.n, row.update_us / kMicrosPerMs, row.status, {});
    table.add_row(0, series("update + prepare"), row.n, row.update_prepare_us / kMicrosPerMs,
                  row.status, {});
    table.add_row(0, series("update + query"), row.n, row.update_query_us / kMicrosPerMs,
                  row.status, {});
    table.add_row(0, series("update + prepare, CUDA graph"), row.n,
                  row.graph_update_prepare_us / kMicrosPerMs, row.status, {});
    table.add_row(1, series("state"), row.n, row.state_bytes / kBytesPerMiB, row.status, {});
  }
}

QString attention_subject(const std::vector<bench::AttentionRow>& rows) {
  const bool self =
      std::all_of(rows.begin(), rows.end(), [](const auto& row) { return row.queries == row.n; });
  if (self) return QObject::tr("self-attention");
  const bool same = std::all_of(rows.begin(), rows.end(), [&](const auto& row) {
    return row.queries == rows.front().queries;
  });
  return same ? QObject::tr("%1 queries").arg(rows.front().queries) : QString();
}

BenchTable table_of(const bench::BenchCsv& csv, const QString& file) {
  TableBuilder table(csv.kind, file);
  switch (csv.kind) {
    case CsvKind::Cmab:
      for (const auto& row : csv.cmab) {
        table.add_row(0, "CMAB", row.n, row.update_us / kMicrosPerMs, RunStatus::Ok, {});
        table.add_row(1, "CMAB", row.n, row.condition_peak_bytes / kBytesPerMiB, RunStatus::Ok, {});
      }
      break;
    case CsvKind::Memory:
      for (const auto& row : csv.memory) {
        table.add_row(0, row.model, row.n, row.peak_bytes / kBytesPerMiB, row.status, row.error);
      }
      break;
    case CsvKind::Update:
      add_update_samples(csv.update, table);
      break;
    case CsvKind::Scale:
      add_scale_samples(csv.scale, table);
      break;
    case CsvKind::Attention:
      table.set_subject(attention_subject(csv.attention));
      for (const auto& row : csv.attention) {
        if (table.add_row(0, row.mode, row.n, row.peak_bytes / kBytesPerMiB, row.status,
                          row.error) &&
            row.status == RunStatus::Ok) {
          table.add_row(1, row.mode, row.n, row.seconds * kMicrosPerMs, row.status, {});
        }
      }
      break;
    case CsvKind::Sweep:
      for (const auto& row : csv.sweep) {
        if (table.add_row(0, row.model, row.n, row.peak_bytes / kBytesPerMiB, row.status,
                          row.error)) {
          table.add_row(1, row.model, row.n, row.update_us / kMicrosPerMs, row.status, {});
        }
      }
      break;
  }
  return table.take();
}

QList<BenchChart::Panel> panels_of(CsvKind kind, const QString& subject = {}) {
  const auto titled = [&](const QString& title) {
    return subject.isEmpty() ? title : QStringLiteral("%1: %2").arg(subject, title);
  };
  switch (kind) {
    case CsvKind::Memory:
      return {{QObject::tr("Memory of condition + predict"), QObject::tr("peak memory (MiB)")}};
    case CsvKind::Update:
      return {{QObject::tr("Time to add points"), QObject::tr("time of one update (ms)")}};
    case CsvKind::Cmab:
      return {{QObject::tr("CMAB: time of one update"), QObject::tr("time (ms)")},
              {QObject::tr("CMAB: memory of conditioning"), QObject::tr("peak memory (MiB)")}};
    case CsvKind::Scale:
      return {{titled(QObject::tr("time of a one-point edit")), QObject::tr("time (ms)")},
              {titled(QObject::tr("memory as the context grows")), QObject::tr("memory (MiB)")}};
    case CsvKind::Attention:
      return {{subject.isEmpty() ? QObject::tr("Kernel attention: peak memory")
                                 : QObject::tr("Kernel attention, %1: peak memory").arg(subject),
               QObject::tr("peak memory (MiB)")},
              {QObject::tr("Kernel attention: time of one call"), QObject::tr("time (ms)")}};
    case CsvKind::Sweep:
      return {{QObject::tr("Memory of condition + predict"), QObject::tr("peak memory (MiB)")},
              {QObject::tr("Time to add a point"), QObject::tr("time of one update (ms)")}};
  }
  return {};
}

}  // namespace

std::variant<BenchTable, QString> read_bench_csv(const QString& path) {
  const auto csv = facade::load_bench_csv(path.toStdString());
  if (!csv.ok()) return QString::fromStdString(csv.error());
  const QString name = QFileInfo(path).fileName();
  auto table = table_of(csv.value(), name);
  if (table.samples.empty()) {
    return QStringLiteral("%1: no rows to draw (%2)").arg(name, table.notes.join("; "));
  }
  return table;
}

QSize default_figure_size(CsvKind kind) {
  return panels_of(kind).size() > 1 ? QSize(1800, 900) : QSize(1200, 900);
}

QString write_bench_figure(const BenchTable& table, const QString& out_path, QSize size) {
  const bool halves = size.width() % 2 == 0 && size.height() % 2 == 0;
  const QSize layout = halves ? size / 2 : size;
  QCustomPlot plot;  // never shown
  plot.resize(layout);
  BenchChart chart(plot, panels_of(table.kind, table.subject));
  for (const auto& sample : table.samples) {
    if (sample.predicted) {
      chart.add_predicted(sample.panel, sample.series, sample.n, sample.value);
    } else {
      chart.add_point(sample.panel, sample.series, sample.n, sample.value);
    }
  }
  chart.rescale();
  return export_plot(plot, out_path, layout, halves ? kPngScale : 1.0);
}

}  // namespace nplab::ui

#include "bench_figure.h"

#include <QFile>
#include <QFileInfo>
#include <qcustomplot.h>

#include <cmath>
#include <optional>
#include <set>

#include "bench_chart.h"
#include "plot_export.h"
#include "theme.h"

namespace nplab::ui {
namespace {

constexpr double kBytesPerMiB = 1024.0 * 1024.0;
constexpr double kMicrosPerMs = 1000.0;
constexpr double kPngScale = 2.0;

// The headers `nplab-cli bench` writes (app/cli/bench_command.cpp).
const QString kMemoryHeader = QStringLiteral("model,n,targets,peak_bytes,status");
const QString kUpdateHeader = QStringLiteral("model,n,new,update_us");
const QString kCmabHeader = QStringLiteral("n,update_us,condition_peak_bytes");

/// Why a row cannot be read, "file:line: ...".
struct RowError {
  QString message;
};

/// Reads one data row, or throws RowError.
class RowReader {
 public:
  RowReader(const QString& file, int line, const QStringList& fields)
      : where_(QStringLiteral("%1:%2").arg(file).arg(line)), fields_(fields) {}

  const QString& where() const { return where_; }
  QString text(int column) const { return fields_[column].trimmed(); }

  /// A context size: a whole number of at least 1.
  double size(int column) const {
    bool ok = false;
    const auto value = text(column).toLongLong(&ok);
    if (!ok || value < 1) fail(column, "is not a context size (a whole number ≥ 1)");
    return static_cast<double>(value);
  }

  /// A finite number ≥ 0; "nan" (a failed run) gives nullopt.
  std::optional<double> measurement(int column) const {
    if (text(column).compare("nan", Qt::CaseInsensitive) == 0) return std::nullopt;
    bool ok = false;
    const double value = text(column).toDouble(&ok);
    if (!ok || !std::isfinite(value) || value < 0) fail(column, "is not a measurement (≥ 0)");
    return value;
  }

  [[noreturn]] void fail(int column, const char* why) const {
    throw RowError{QStringLiteral("%1: '%2' %3").arg(where_, text(column), QString::fromUtf8(why))};
  }

 private:
  QString where_;
  QStringList fields_;
};

void read_memory_row(const RowReader& row, BenchTable& table) {
  const QString model = row.text(0);
  const double n = row.size(1);
  row.size(2);  // targets: checked, not drawn
  const auto bytes = row.measurement(3);
  const QString status = row.text(4);
  if (status.startsWith("error")) {
    table.notes << QStringLiteral("%1: %2 at N = %3 failed (%4), not drawn")
                       .arg(row.where(), model)
                       .arg(n)
                       .arg(status);
    return;
  }
  if (status != "ok" && status != "skipped") row.fail(4, "is not a status (ok, skipped, error…)");
  if (!bytes) row.fail(3, "is not a byte count");
  table.samples.push_back({model, 0, n, *bytes / kBytesPerMiB, status == "skipped"});
}

/// An update row, kept until every row is read: the series' names depend on all of them.
struct UpdateRow {
  QString model;
  double n = 0;
  double new_points = 0;
  double ms = 0;
};

void read_update_row(const RowReader& row, BenchTable& table, std::vector<UpdateRow>& rows) {
  const QString model = row.text(0);
  const double n = row.size(1);
  const double new_points = row.size(2);
  const auto micros = row.measurement(3);
  if (!micros) {
    table.notes << QStringLiteral("%1: %2 at N = %3 failed (nan), not drawn")
                       .arg(row.where(), model)
                       .arg(n);
    return;
  }
  rows.push_back({model, n, new_points, *micros / kMicrosPerMs});
}

/// One curve per model, or per model and update size when the file has several sizes.
void add_update_samples(const std::vector<UpdateRow>& rows, BenchTable& table) {
  std::set<double> sizes;
  for (const auto& row : rows) sizes.insert(row.new_points);
  for (const auto& row : rows) {
    const QString series =
        sizes.size() > 1 ? QStringLiteral("%1 (+%2)").arg(row.model).arg(row.new_points)
                         : row.model;
    table.samples.push_back({series, 0, row.n, row.ms, false});
  }
}

void read_cmab_row(const RowReader& row, BenchTable& table) {
  const double n = row.size(0);
  const auto micros = row.measurement(1);
  const auto bytes = row.measurement(2);
  if (!micros) row.fail(1, "is not a time");
  if (!bytes) row.fail(2, "is not a byte count");
  table.samples.push_back({QStringLiteral("CMAB"), 0, n, *micros / kMicrosPerMs, false});
  table.samples.push_back({QStringLiteral("CMAB"), 1, n, *bytes / kBytesPerMiB, false});
}

QList<BenchChart::Panel> panels_of(BenchTable::Kind kind) {
  switch (kind) {
    case BenchTable::Kind::Memory:
      return {{QObject::tr("Memory of condition + predict"), QObject::tr("peak memory (MiB)")}};
    case BenchTable::Kind::Update:
      return {{QObject::tr("Time to add points"), QObject::tr("time of one update (ms)")}};
    case BenchTable::Kind::Cmab:
      return {{QObject::tr("CMAB: time of one update"), QObject::tr("time (ms)")},
              {QObject::tr("CMAB: memory of conditioning"), QObject::tr("peak memory (MiB)")}};
  }
  return {};
}

}  // namespace

std::variant<BenchTable, QString> read_bench_csv(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
    return QStringLiteral("%1: %2").arg(path, file.errorString());
  }
  const QString name = QFileInfo(path).fileName();
  BenchTable table;
  std::vector<UpdateRow> update_rows;
  int columns = 0;
  int line = 0;
  try {
    while (!file.atEnd()) {
      const QString text = QString::fromUtf8(file.readLine()).trimmed();
      ++line;
      if (line == 1) {
        if (text == kMemoryHeader) {
          table.kind = BenchTable::Kind::Memory;
        } else if (text == kUpdateHeader) {
          table.kind = BenchTable::Kind::Update;
        } else if (text == kCmabHeader) {
          table.kind = BenchTable::Kind::Cmab;
        } else {
          return QStringLiteral("%1:1: '%2' is not the header of a benchmark CSV (expected "
                                "\"%3\", \"%4\" or \"%5\")")
              .arg(name, text, kMemoryHeader, kUpdateHeader, kCmabHeader);
        }
        columns = static_cast<int>(text.count(',')) + 1;
        continue;
      }
      if (text.isEmpty()) continue;
      const auto fields = text.split(',');
      if (fields.size() != columns) {
        return QStringLiteral("%1:%2: %3 fields, expected %4")
            .arg(name)
            .arg(line)
            .arg(fields.size())
            .arg(columns);
      }
      const RowReader row(name, line, fields);
      switch (table.kind) {
        case BenchTable::Kind::Memory: read_memory_row(row, table); break;
        case BenchTable::Kind::Update: read_update_row(row, table, update_rows); break;
        case BenchTable::Kind::Cmab: read_cmab_row(row, table); break;
      }
    }
  } catch (const RowError& error) {
    return error.message;
  }
  add_update_samples(update_rows, table);
  if (line == 0) return QStringLiteral("%1: empty file").arg(name);
  if (table.samples.empty()) {
    return QStringLiteral("%1:%2: no rows to draw").arg(name).arg(line);
  }
  return table;
}

QSize default_figure_size(BenchTable::Kind kind) {
  return kind == BenchTable::Kind::Cmab ? QSize(1800, 900) : QSize(1200, 900);
}

QString write_bench_figure(const BenchTable& table, const QString& out_path, QSize size) {
  const bool halves = size.width() % 2 == 0 && size.height() % 2 == 0;
  const QSize layout = halves ? size / 2 : size;
  QCustomPlot plot;  // never shown
  plot.resize(layout);
  BenchChart chart(plot, panels_of(table.kind));
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

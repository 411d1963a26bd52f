#pragma once
// Helpers shared by the views' QtTests (the main window's own: main_window_support.h).

#include <qcustomplot.h>

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QTemporaryDir>
#include <QtGlobal>
#include <string>
#include <utility>
#include <vector>

#include "explorer_worker.h"
#include "job_thread.h"

namespace nplab::ui::testing {

/// A model worker on its own job thread, as the main window has them.
struct ModelWorker {
  explicit ModelWorker(std::string device = "auto") : worker(jobs, std::move(device)) {}
  JobThread jobs;
  ExplorerWorker worker;  // after `jobs`: destroyed first, it stops the thread
};

/// How long a view may take to show the result of an edit (a model's first prediction).
constexpr int kSettleTimeoutMs = 30'000;

/// The plot's graph of that name (its legend text), or nullptr.
inline QCPGraph* graph_named(const QCustomPlot& plot, const QString& name) {
  for (int i = 0; i < plot.graphCount(); ++i) {
    if (plot.graph(i)->name() == name) return plot.graph(i);
  }
  return nullptr;
}

/// A graph's values in key order.
inline std::vector<double> values_of(const QCPGraph* graph) {
  std::vector<double> values;
  for (auto it = graph->data()->constBegin(); it != graph->data()->constEnd(); ++it) {
    values.push_back(it->value);
  }
  return values;
}

/// Writes `text` to `name` in `dir`; returns the path.
inline QString write_file(const QTemporaryDir& dir, const QString& name, const QByteArray& text) {
  QFile file(dir.filePath(name));
  if (!file.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(file.fileName()));
  file.write(text);
  return file.fileName();
}

/// The index of the view's model picker entry with that label, or -1.
template <class View>
int index_of_label(const View& view, const QString& label) {
  for (int i = 0; i < view.models().size(); ++i) {
    if (view.models()[i].label == label) return i;
  }
  return -1;
}

}  // namespace nplab::ui::testing

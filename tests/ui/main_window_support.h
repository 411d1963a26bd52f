#pragma once
// Helpers shared by the main window's QtTests.

#include <QAction>
#include <QFile>
#include <QMenuBar>
#include <QTemporaryDir>
#include <QtTest>

#include "functions_view.h"
#include "main_window.h"

namespace nplab::ui::testing {

constexpr int kSettleTimeoutMs = 30'000;

inline bool settle(MainWindow& window) {
  return QTest::qWaitFor([&] { return window.functions_view()->is_settled(); }, kSettleTimeoutMs);
}

/// Records reported errors instead of showing a modal box.
struct ErrorLog {
  QStringList messages;
  void attach(MainWindow& window) {
    window.set_error_reporter([this](const QString& title, const QString& message) {
      messages << title + ": " + message;
    });
  }
};

inline QString write_file(const QTemporaryDir& dir, const QString& name, const QByteArray& text) {
  QFile file(dir.filePath(name));
  if (!file.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(file.fileName()));
  file.write(text);
  return file.fileName();
}

template <class View>
inline int index_of_label(const View& view, const QString& label) {
  for (int i = 0; i < view.models().size(); ++i) {
    if (view.models()[i].label == label) return i;
  }
  return -1;
}

inline QAction* menu_action(MainWindow& window, const char* name) {
  auto* action = window.menuBar()->findChild<QAction*>(name);
  if (!action) action = window.findChild<QAction*>(name);
  return action;
}

}  // namespace nplab::ui::testing

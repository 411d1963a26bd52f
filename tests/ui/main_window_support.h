#pragma once
// Helpers shared by the main window's QtTests (and, through ui_test_support.h, the views').

#include <QAction>
#include <QMenuBar>
#include <QtTest>

#include "functions_view.h"
#include "main_window.h"
#include "ui_test_support.h"

namespace nplab::ui::testing {

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

inline QAction* menu_action(MainWindow& window, const char* name) {
  auto* action = window.menuBar()->findChild<QAction*>(name);
  if (!action) action = window.findChild<QAction*>(name);
  return action;
}

}  // namespace nplab::ui::testing

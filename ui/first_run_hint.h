#pragma once
// A short, non-modal hint at the top of a view on the first start: what to do here. Its ×
// dismisses it for good (remembered in QSettings under "hints/KEY"); it never blocks the view.

#include <QFrame>
#include <QString>

class QLabel;

namespace nplab::ui {

class FirstRunHint : public QFrame {
  Q_OBJECT

 public:
  /// Visible unless dismissed before. `key` names it in the settings ("functions", ...).
  FirstRunHint(const QString& key, const QString& text, QWidget* parent = nullptr);

  /// Hides it and remembers that it was dismissed.
  void dismiss();
  static bool was_dismissed(const QString& key);
  /// Shows every hint again from the next start (Help → Show Hints Again).
  static void forget_dismissals();
  QString text() const;

 private:
  QString key_;
  QLabel* label_ = nullptr;
};

}  // namespace nplab::ui

#pragma once
// Says that a view's latest request is still being computed, once it has been for a moment
// (kDelayMs): a small "computing…" badge in a corner of the covered widget (the plot), and
// shown() for the readout. Quick answers never flash it.

#include <QObject>
#include <QTimer>

class QLabel;
class QWidget;

namespace nplab::ui {

class BusyIndicator : public QObject {
  Q_OBJECT

 public:
  static constexpr int kDelayMs = 150;

  /// The badge is a child of `covered`, kept in its top right corner.
  explicit BusyIndicator(QWidget& covered);

  /// A request went out: the badge appears after kDelayMs unless finish() comes first. Further
  /// requests while it waits or shows change nothing.
  void start();
  /// What is drawn answers the latest request.
  void finish();
  bool shown() const { return shown_; }

 signals:
  /// shown() changed.
  void changed(bool shown);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void show_badge();
  void place_badge();

  QWidget& covered_;
  QLabel* badge_ = nullptr;
  QTimer delay_;
  bool shown_ = false;
};

}  // namespace nplab::ui

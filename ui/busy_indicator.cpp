#include "busy_indicator.h"

#include <QEvent>
#include <QLabel>
#include <QWidget>

namespace nplab::ui {
namespace {

constexpr int kMargin = 8;

}  // namespace

BusyIndicator::BusyIndicator(QWidget& covered) : QObject(&covered), covered_(covered) {
  badge_ = new QLabel(tr("computing…"), &covered);
  badge_->setObjectName("busyBadge");
  // Subtle in either theme: translucent, and mouse clicks go through to the plot.
  badge_->setStyleSheet(
      "QLabel { background: rgba(128, 128, 128, 110); color: white; border-radius: 4px;"
      " padding: 3px 8px; font-weight: bold; }");
  badge_->setAttribute(Qt::WA_TransparentForMouseEvents);
  badge_->hide();
  delay_.setSingleShot(true);
  delay_.setInterval(kDelayMs);
  connect(&delay_, &QTimer::timeout, this, &BusyIndicator::show_badge);
  covered.installEventFilter(this);
}

void BusyIndicator::start() {
  if (!shown_ && !delay_.isActive()) delay_.start();
}

void BusyIndicator::finish() {
  delay_.stop();
  if (!shown_) return;
  shown_ = false;
  badge_->hide();
  emit changed(false);
}

void BusyIndicator::show_badge() {
  shown_ = true;
  place_badge();
  badge_->show();
  badge_->raise();
  emit changed(true);
}

void BusyIndicator::place_badge() {
  badge_->adjustSize();
  badge_->move(covered_.width() - badge_->width() - kMargin, kMargin);
}

bool BusyIndicator::eventFilter(QObject* watched, QEvent* event) {
  if (watched == &covered_ && event->type() == QEvent::Resize) place_badge();
  return QObject::eventFilter(watched, event);
}

}  // namespace nplab::ui

#include "first_run_hint.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSettings>
#include <QToolButton>


namespace nplab::ui {
namespace {

QString setting(const QString& key) {
  return QStringLiteral("hints/%1/dismissed").arg(key);
}

}  // namespace

FirstRunHint::FirstRunHint(const QString& key, const QString& text, QWidget* parent)
    : QFrame(parent), key_(key) {
  setObjectName(QStringLiteral("hint_%1").arg(key));
  setFrameShape(QFrame::StyledPanel);
  setAutoFillBackground(true);
  setBackgroundRole(QPalette::ToolTipBase);
  auto* layout = new QHBoxLayout(this);
  layout->setContentsMargins(8, 4, 4, 4);
  label_ = new QLabel(text, this);
  label_->setWordWrap(true);
  label_->setForegroundRole(QPalette::ToolTipText);
  layout->addWidget(label_, 1);
  auto* close = new QToolButton(this);
  close->setObjectName("dismissHint");
  close->setText(QStringLiteral("×"));
  close->setAutoRaise(true);
  close->setToolTip(tr("Dismiss this hint (Help → Show Hints Again brings the hints back)"));
  layout->addWidget(close, 0, Qt::AlignTop);
  connect(close, &QToolButton::clicked, this, &FirstRunHint::dismiss);
  setVisible(!was_dismissed(key));
}

void FirstRunHint::dismiss() {
  hide();
  QSettings().setValue(setting(key_), true);
}

bool FirstRunHint::was_dismissed(const QString& key) {
  return QSettings().value(setting(key), false).toBool();
}

void FirstRunHint::forget_dismissals() {
  QSettings().remove(QStringLiteral("hints"));
}

QString FirstRunHint::text() const {
  return label_->text();
}

}  // namespace nplab::ui

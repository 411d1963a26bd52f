#pragma once
// Help ▸ Keyboard Shortcuts: every key and mouse gesture of the lab in one table, large enough to
// read off a projector. Non-modal: it can stay open beside the window.

#include <QDialog>
#include <QList>
#include <QString>

class QAction;

namespace nplab::ui {

struct ShortcutRow {
  QString keys;  ///< as shown, e.g. "Ctrl+Z"
  QString what;
};

/// The rows for `actions` that have shortcuts (the menus' actions), in the given order, with the
/// menu's "&" marks and trailing "…" removed from their names.
QList<ShortcutRow> shortcut_rows(const QList<QAction*>& actions);

class ShortcutsDialog : public QDialog {
  Q_OBJECT

 public:
  ShortcutsDialog(const QList<ShortcutRow>& keys, const QList<ShortcutRow>& mouse,
                  QWidget* parent = nullptr);
};

}  // namespace nplab::ui

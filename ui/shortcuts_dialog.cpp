#include "shortcuts_dialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace nplab::ui {
namespace {

QTableWidget* make_table(const QList<ShortcutRow>& rows, QWidget* parent) {
  auto* table = new QTableWidget(static_cast<int>(rows.size()), 2, parent);
  table->setHorizontalHeaderLabels({QObject::tr("Keys"), QObject::tr("Does")});
  table->verticalHeader()->hide();
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->setSelectionMode(QAbstractItemView::NoSelection);
  table->setFocusPolicy(Qt::NoFocus);
  table->horizontalHeader()->setStretchLastSection(true);
  QFont bold = table->font();
  bold.setBold(true);
  for (int row = 0; row < rows.size(); ++row) {
    auto* keys = new QTableWidgetItem(rows[row].keys);
    keys->setFont(bold);
    table->setItem(row, 0, keys);
    table->setItem(row, 1, new QTableWidgetItem(rows[row].what));
  }
  table->resizeColumnsToContents();
  table->resizeRowsToContents();
  // Tall enough for every row, so there is nothing to scroll.
  int height = table->horizontalHeader()->height() + 2 * table->frameWidth();
  for (int row = 0; row < rows.size(); ++row) height += table->rowHeight(row);
  table->setMinimumHeight(height);
  // Wide enough for every text, so that none is cut off ("Add a context point (hold and…").
  table->setMinimumWidth(table->horizontalHeader()->length() + 2 * table->frameWidth() + 4);
  table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  return table;
}

}  // namespace

QList<ShortcutRow> shortcut_rows(const QList<QAction*>& actions) {
  QList<ShortcutRow> rows;
  for (const auto* action : actions) {
    if (action->shortcuts().isEmpty()) continue;
    QStringList keys;
    for (const auto& key : action->shortcuts()) keys << key.toString(QKeySequence::NativeText);
    QString what = action->text().remove('&');
    if (what.endsWith(QStringLiteral("…"))) what.chop(1);
    rows.append({keys.join(QStringLiteral("  or  ")), what});
  }
  return rows;
}

ShortcutsDialog::ShortcutsDialog(const QList<ShortcutRow>& keys, const QList<ShortcutRow>& mouse,
                                 QWidget* parent)
    : QDialog(parent) {
  setObjectName("shortcutsDialog");
  setWindowTitle(tr("Keyboard Shortcuts"));
  QFont larger = font();
  larger.setPointSizeF(larger.pointSizeF() * 1.15);
  setFont(larger);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(tr("<b>Keys</b> (they act on the view on screen)"), this));
  layout->addWidget(make_table(keys, this));
  layout->addWidget(new QLabel(tr("<b>Mouse</b> (in the view each row names)"), this));
  layout->addWidget(make_table(mouse, this));
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
  layout->addWidget(buttons);
  resize(560, sizeHint().height());
}

}  // namespace nplab::ui

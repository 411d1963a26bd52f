#include "theme.h"

#include <QActionGroup>
#include <QApplication>
#include <QMenu>
#include <QPalette>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <qcustomplot.h>

namespace nplab::ui {
namespace {

const QString kSettingsKey = QStringLiteral("appearance/theme");

struct ThemeState {
  Theme current = Theme::System;
  // What the platform gave, kept at the first change so that System can go back to it.
  std::optional<QPalette> system_palette;
  QString system_style;
};

ThemeState& state() {
  static ThemeState theme_state;
  return theme_state;
}

QPalette dark_palette() {
  const QColor window(43, 43, 43), base(30, 30, 30), text(230, 230, 230);
  const QColor disabled_text(128, 128, 128);
  QPalette palette;
  palette.setColor(QPalette::Window, window);
  palette.setColor(QPalette::WindowText, text);
  palette.setColor(QPalette::Base, base);
  palette.setColor(QPalette::AlternateBase, QColor(50, 50, 50));
  palette.setColor(QPalette::ToolTipBase, QColor(60, 60, 60));
  palette.setColor(QPalette::ToolTipText, text);
  palette.setColor(QPalette::PlaceholderText, QColor(150, 150, 150));
  palette.setColor(QPalette::Text, text);
  palette.setColor(QPalette::Button, QColor(53, 53, 53));
  palette.setColor(QPalette::ButtonText, text);
  palette.setColor(QPalette::BrightText, QColor(255, 100, 100));
  palette.setColor(QPalette::Light, QColor(75, 75, 75));
  palette.setColor(QPalette::Midlight, QColor(62, 62, 62));
  palette.setColor(QPalette::Mid, QColor(40, 40, 40));
  palette.setColor(QPalette::Dark, QColor(25, 25, 25));
  palette.setColor(QPalette::Shadow, QColor(10, 10, 10));
  palette.setColor(QPalette::Link, QColor(100, 170, 255));
  palette.setColor(QPalette::LinkVisited, QColor(180, 140, 255));
  palette.setColor(QPalette::Highlight, QColor(42, 130, 218));
  palette.setColor(QPalette::HighlightedText, Qt::white);
  for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText}) {
    palette.setColor(QPalette::Disabled, role, disabled_text);
  }
  palette.setColor(QPalette::Disabled, QPalette::Highlight, QColor(80, 80, 80));
  return palette;
}

QPalette light_palette() {
  const std::unique_ptr<QStyle> fusion(QStyleFactory::create(QStringLiteral("Fusion")));
  return fusion ? fusion->standardPalette() : QPalette(Qt::white);
}

void set_style(const QString& name) {
  if (QApplication::style()->name().compare(name, Qt::CaseInsensitive) != 0) {
    QApplication::setStyle(name);
  }
}

/// Keeps a pen's width and dash, changes its colour.
QPen recoloured(QPen pen, const QColor& colour) {
  pen.setColor(colour);
  return pen;
}

}  // namespace

QString to_string(Theme theme) {
  switch (theme) {
    case Theme::Light: return QStringLiteral("light");
    case Theme::Dark: return QStringLiteral("dark");
    case Theme::System: break;
  }
  return QStringLiteral("system");
}

std::optional<Theme> theme_from_string(const QString& text) {
  for (const auto theme : {Theme::System, Theme::Light, Theme::Dark}) {
    if (text.compare(to_string(theme), Qt::CaseInsensitive) == 0) return theme;
  }
  return std::nullopt;
}

bool is_dark(const QPalette& palette) {
  return palette.color(QPalette::Window).lightness() < 128;
}

PlotColours plot_colours() {
  PlotColours colours;
  colours.dark = is_dark(QApplication::palette());
  if (colours.dark) {
    colours.background = QColor(30, 30, 30);
    colours.foreground = QColor(220, 220, 220);
    colours.grid = QColor(72, 72, 72);
    colours.sub_grid = QColor(50, 50, 50);
    colours.zero_line = QColor(120, 120, 120);
    colours.muted_text = QColor(165, 165, 165);
    colours.error_text = QColor(255, 110, 110);
    colours.good_text = QColor(90, 210, 120);
    colours.warn_text = QColor(240, 170, 80);
  } else {
    colours.background = Qt::white;
    colours.foreground = QColor(20, 20, 20);
    colours.grid = QColor(220, 220, 220);
    colours.sub_grid = QColor(240, 240, 240);
    colours.zero_line = QColor(185, 185, 185);
    colours.muted_text = QColor(102, 102, 102);
    colours.error_text = QColor(176, 0, 32);
    colours.good_text = QColor(27, 127, 59);
    colours.warn_text = QColor(161, 92, 0);
  }
  return colours;
}

QString css(const QColor& colour) { return colour.name(QColor::HexRgb); }

void apply_theme(Theme theme) {
  auto& current = state();
  if (!current.system_palette) {
    current.system_palette = QApplication::palette();
    current.system_style = QApplication::style()->name();
  }
  if (theme == Theme::System) {
    set_style(current.system_style);
    QApplication::setPalette(*current.system_palette);
  } else {
    // Fusion draws with the palette everywhere; platform styles may ignore parts of it.
    set_style(QStringLiteral("Fusion"));
    QApplication::setPalette(theme == Theme::Dark ? dark_palette() : light_palette());
  }
  current.current = theme;
  for (auto* widget : QApplication::allWidgets()) {
    if (auto* plot = qobject_cast<QCustomPlot*>(widget)) style_plot(*plot);
  }
  emit ThemeSignals::instance().changed();
  for (auto* widget : QApplication::allWidgets()) {
    if (auto* plot = qobject_cast<QCustomPlot*>(widget)) plot->replot(QCustomPlot::rpQueuedReplot);
  }
}

ThemeSignals& ThemeSignals::instance() {
  static ThemeSignals signals_of_the_theme;
  return signals_of_the_theme;
}

Theme current_theme() { return state().current; }

void style_plot(QCustomPlot& plot) {
  const auto colours = plot_colours();
  plot.setBackground(colours.background);
  for (auto* rect : plot.axisRects()) {
    for (auto* axis : rect->axes()) {
      axis->setBasePen(recoloured(axis->basePen(), colours.foreground));
      axis->setTickPen(recoloured(axis->tickPen(), colours.foreground));
      axis->setSubTickPen(recoloured(axis->subTickPen(), colours.foreground));
      axis->setTickLabelColor(colours.foreground);
      axis->setLabelColor(colours.foreground);
      auto* grid = axis->grid();
      grid->setPen(recoloured(grid->pen(), colours.grid));
      grid->setSubGridPen(recoloured(grid->subGridPen(), colours.sub_grid));
      grid->setZeroLinePen(recoloured(grid->zeroLinePen(), colours.zero_line));
    }
  }
  for (auto* element : plot.plotLayout()->elements(/*recursive=*/true)) {
    if (auto* legend = qobject_cast<QCPLegend*>(element)) {
      legend->setBrush(colours.background);
      legend->setTextColor(colours.foreground);
      if (legend->borderPen().style() != Qt::NoPen) {
        legend->setBorderPen(recoloured(legend->borderPen(), colours.foreground));
      }
    } else if (auto* text = qobject_cast<QCPTextElement*>(element)) {
      text->setTextColor(colours.foreground);
    }
  }
}

Theme saved_theme() {
  const QSettings settings;
  return theme_from_string(settings.value(kSettingsKey).toString()).value_or(Theme::System);
}

void save_theme(Theme theme) {
  QSettings settings;
  settings.setValue(kSettingsKey, to_string(theme));
}

QMenu* make_theme_menu(QWidget* parent) {
  auto* menu = new QMenu(QObject::tr("&Theme"), parent);
  menu->setObjectName("themeMenu");
  auto* group = new QActionGroup(menu);
  const QList<QPair<Theme, QString>> choices{{Theme::System, QObject::tr("&System")},
                                             {Theme::Light, QObject::tr("&Light")},
                                             {Theme::Dark, QObject::tr("&Dark")}};
  for (const auto& [theme, label] : choices) {
    auto* action = menu->addAction(label);
    auto name = to_string(theme);
    name[0] = name[0].toUpper();
    action->setObjectName(QStringLiteral("theme%1Action").arg(name));
    action->setCheckable(true);
    action->setData(static_cast<int>(theme));
    group->addAction(action);
    QObject::connect(action, &QAction::triggered, menu, [theme = theme] {
      apply_theme(theme);
      save_theme(theme);
    });
  }
  const auto tick_current = [group] {
    for (auto* action : group->actions()) {
      action->setChecked(action->data().toInt() == static_cast<int>(current_theme()));
    }
  };
  tick_current();
  QObject::connect(menu, &QMenu::aboutToShow, menu, tick_current);
  return menu;
}

}  // namespace nplab::ui

// Themes: the palette and every plot follow the chosen theme, curves stay legible on either
// background, and the View menu's choice is applied and remembered.

#include <qcustomplot.h>

#include <QAction>
#include <QApplication>
#include <QMenuBar>
#include <QStandardPaths>
#include <QtTest>
#include <algorithm>
#include <cmath>

#include "functions_view.h"
#include "main_window.h"
#include "memory_view.h"
#include "theme.h"
#include "ui_test_support.h"

using nplab::ui::MainWindow;
using nplab::ui::Theme;
using nplab::ui::testing::graph_named;

namespace {

/// The colour a plot draws in its top-left corner, outside the axes: its background.
QColor corner_of(QCustomPlot& plot) {
  return plot.toPixmap(400, 300).toImage().pixelColor(2, 2);
}

double luminance(const QColor& colour) {
  const auto linear = [](double channel) {
    return channel <= 0.03928 ? channel / 12.92 : std::pow((channel + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) +
         0.0722 * linear(colour.blueF());
}

/// WCAG contrast ratio, 1 (none) to 21 (black on white).
double contrast(const QColor& a, const QColor& b) {
  const double first = luminance(a), second = luminance(b);
  return (std::max(first, second) + 0.05) / (std::min(first, second) + 0.05);
}

}  // namespace

class ThemeTest : public QObject {
  Q_OBJECT

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);  // QSettings away from the user's own
    QCoreApplication::setOrganizationName("NPLabTest");
    QCoreApplication::setApplicationName("nplab-theme-test");
  }

  void switching_to_dark_darkens_every_plot_and_back() {
    MainWindow window;
    window.show();
    auto& functions = *window.functions_view()->plot();
    auto& memory = *window.memory_view()->plot();

    nplab::ui::apply_theme(Theme::Light);
    QVERIFY(corner_of(functions).lightness() > 200);
    QVERIFY(corner_of(memory).lightness() > 200);

    nplab::ui::apply_theme(Theme::Dark);
    QCOMPARE(nplab::ui::current_theme(), Theme::Dark);
    QVERIFY(nplab::ui::is_dark(QApplication::palette()));
    QVERIFY2(corner_of(functions).lightness() < 60, qPrintable(corner_of(functions).name()));
    QVERIFY2(corner_of(memory).lightness() < 60, qPrintable(corner_of(memory).name()));
    QVERIFY(functions.xAxis->tickLabelColor().lightness() > 180);

    nplab::ui::apply_theme(Theme::Light);
    QVERIFY(!nplab::ui::is_dark(QApplication::palette()));
    QVERIFY(corner_of(functions).lightness() > 200);
    QVERIFY(corner_of(memory).lightness() > 200);
    QVERIFY(functions.xAxis->tickLabelColor().lightness() < 80);
  }

  void curves_stand_out_from_the_background_in_both_themes() {
    MainWindow window;
    auto& plot = *window.functions_view()->plot();
    for (const auto theme : {Theme::Light, Theme::Dark}) {
      nplab::ui::apply_theme(theme);
      const QColor background = nplab::ui::plot_colours().background;
      QCOMPARE(corner_of(plot), background);
      for (const auto& name : {"predictive mean", "hidden function"}) {
        auto* curve = graph_named(plot, name);
        QVERIFY2(curve, name);
        QVERIFY2(contrast(curve->pen().color(), background) >= 3.0,
                 qPrintable(QString("%1 in %2: %3 on %4")
                                .arg(name, nplab::ui::to_string(theme), curve->pen().color().name(),
                                     background.name())));
      }
      auto* points = graph_named(plot, "context points");
      QVERIFY(points);
      QVERIFY(contrast(points->scatterStyle().brush().color(), background) >= 3.0);
      QVERIFY(contrast(plot.xAxis->basePen().color(), background) >= 4.5);
    }
    nplab::ui::apply_theme(Theme::Light);
  }

  void theme_menu_applies_and_remembers_the_choice() {
    MainWindow window;
    auto* dark = window.findChild<QAction*>("themeDarkAction");
    auto* system = window.findChild<QAction*>("themeSystemAction");
    QVERIFY(dark && system);
    dark->trigger();
    QCOMPARE(nplab::ui::current_theme(), Theme::Dark);
    QCOMPARE(nplab::ui::saved_theme(), Theme::Dark);
    QVERIFY(dark->isChecked());
    system->trigger();
    QCOMPARE(nplab::ui::current_theme(), Theme::System);
    QCOMPARE(nplab::ui::saved_theme(), Theme::System);
  }

  void theme_names_round_trip_and_unknown_names_are_refused() {
    for (const auto theme : {Theme::System, Theme::Light, Theme::Dark}) {
      QVERIFY(nplab::ui::theme_from_string(nplab::ui::to_string(theme)) == theme);
    }
    QVERIFY(nplab::ui::theme_from_string("DARK") == Theme::Dark);
    QVERIFY(!nplab::ui::theme_from_string("sepia"));
  }
};

QTEST_MAIN(ThemeTest)
#include "test_theme.moc"

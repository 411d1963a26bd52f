#pragma once
// Light and dark themes for the whole app: the Qt palette (Fusion style) and every QCustomPlot's
// background, axes, grid, legend and text. "System" keeps the palette the platform gave at
// start. The choice is a preference of the person, not of a lab, so it lives in QSettings.
//
// Plots follow the palette: style_plot() reads the application palette, and apply_theme()
// restyles every QCustomPlot that exists. Widgets with colours of their own (bands, curves,
// rich text) connect to ThemeSignals::changed() to pick colours for the new background.

#include <QColor>
#include <QObject>
#include <QString>

#include <optional>

class QCustomPlot;
class QMenu;
class QPalette;
class QWidget;

namespace nplab::ui {

enum class Theme { System, Light, Dark };

/// "system", "light", "dark".
QString to_string(Theme theme);
std::optional<Theme> theme_from_string(const QString& text);

/// The colours a plot is drawn with under the current application palette.
struct PlotColours {
  bool dark = false;
  QColor background;
  QColor foreground;  ///< axes, ticks, labels, legend text
  QColor grid;
  QColor sub_grid;
  QColor zero_line;
  QColor muted_text;  ///< hints and secondary labels
  QColor error_text;
  QColor good_text;   ///< "constant-time update"
  QColor warn_text;   ///< "recompute"
};

bool is_dark(const QPalette& palette);
PlotColours plot_colours();
/// "#rrggbb" of a colour, for style sheets and rich text.
QString css(const QColor& colour);

/// Tells widgets that the theme changed (after the palette and the plots' frames).
class ThemeSignals : public QObject {
  Q_OBJECT

 public:
  static ThemeSignals& instance();

 signals:
  void changed();
};

/// Sets the application palette (and the Fusion style for Light/Dark), then restyles and
/// replots every QCustomPlot. Needs a QApplication.
void apply_theme(Theme theme);
Theme current_theme();

/// Colours one plot's background, axes, grids, legend and text elements after plot_colours().
void style_plot(QCustomPlot& plot);

/// The theme remembered in QSettings (System when none), and remembering one.
Theme saved_theme();
void save_theme(Theme theme);

/// "Theme" with System, Light and Dark (objects "themeSystemAction", ...): choosing one applies
/// and remembers it; the tick follows current_theme().
QMenu* make_theme_menu(QWidget* parent);

}  // namespace nplab::ui

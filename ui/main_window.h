#pragma once
// The application frame: three views (functions, images, memory) in tabs, menus, status bar.

#include <QMainWindow>

class QCustomPlot;
class QTabWidget;

namespace nplab::ui {

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);

  enum class View { Functions = 0, Images = 1, Memory = 2 };
  void show_view(View view);
  View current_view() const;

 public slots:
  void show_about();

 private:
  void build_menus();
  QWidget* make_plot_page(const QString& x_label, const QString& y_label, bool log_axes);

  QTabWidget* views_ = nullptr;
};

}  // namespace nplab::ui

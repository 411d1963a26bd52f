#pragma once
// The application frame: three views (functions, images, memory) in tabs, menus, status bar.

#include <QMainWindow>

#include <functional>
#include <memory>

class QTabWidget;

namespace nplab::ui {

class ExplorerThread;
class FunctionsView;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  enum class View { Functions = 0, Images = 1, Memory = 2 };
  void show_view(View view);
  View current_view() const;
  FunctionsView* functions_view() const { return functions_; }
  /// Calls `ready` once the current view shows the answer to its latest request (at once for
  /// views that wait on nothing), e.g. to take a screenshot.
  void when_settled(std::function<void()> ready);

 public slots:
  void show_about();

 private:
  void build_menus();
  QWidget* make_plot_page(const QString& x_label, const QString& y_label, bool log_axes);

  // The one worker thread that owns the models. It is joined when the members are destroyed,
  // before ~QWidget deletes the views, which do not touch the worker while being destroyed.
  std::unique_ptr<ExplorerThread> explorer_thread_;
  QTabWidget* views_ = nullptr;
  FunctionsView* functions_ = nullptr;
};

}  // namespace nplab::ui

#pragma once
// The application frame: six views (functions, images, memory, stream, events, BO) in tabs; File
// (sessions, plot export, CSV points and events), Edit (undo/redo/clear/new on the view on
// screen), View and Help menus.

#include <QMainWindow>
#include <functional>
#include <memory>
#include <string>

class QAction;
class QLabel;
class QTabWidget;

namespace nplab::ui {

class BoView;
class BoWorker;
class EditableView;
class EventsView;
class EventsWorker;
class ExplorerWorker;
class JobThread;
class FunctionsView;
class ImagesView;
class MemoryView;
class ShortcutsDialog;
class StreamView;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  /// `device`: where the views' models run ("auto", "cpu", "cuda[:N]"; see ExplorerWorker).
  explicit MainWindow(QWidget* parent = nullptr, const std::string& device = "auto");
  ~MainWindow() override;

  enum class View { Functions = 0, Images = 1, Memory = 2, Stream = 3, Events = 4, Bo = 5 };
  void show_view(View view);
  View current_view() const;
  FunctionsView* functions_view() const { return functions_; }
  ImagesView* images_view() const { return images_; }
  MemoryView* memory_view() const { return memory_; }
  StreamView* stream_view() const { return stream_; }
  EventsView* events_view() const { return events_; }
  BoView* bo_view() const { return bo_; }
  /// The Functions view's "Stream…": the Stream view, set to its model and hidden function.
  void open_stream_from_functions();
  /// Calls `ready` once the current view shows the answer to its latest request (at once for
  /// views that wait on nothing), e.g. to take a screenshot.
  void when_settled(std::function<void()> ready);

  /// Hides the first-run hints for this run (screenshots, benchmarks); what was dismissed stays.
  void hide_hints();
  /// "cmanp.pt on cpu": the model and device of the view on screen (what the title says).
  QString model_in_use() const;

  /// How failures are told: a modal message box unless replaced (tests record them instead).
  using ErrorReporter = std::function<void(const QString& title, const QString& message)>;
  void set_error_reporter(ErrorReporter reporter);

  // What the File menu does once it has a file name; each reports its own failure and returns
  // whether it succeeded. A failed open or import changes nothing.
  bool open_session(const QString& path);
  bool save_session(const QString& path);
  bool import_points(const QString& path);
  bool export_points(const QString& path);
  /// The first sequence of an event CSV (`sequence,time,mark`) becomes the Events view's events,
  /// as one undoable edit; a bad file is reported by file and line and the events stay.
  bool import_events(const QString& path);
  bool export_events(const QString& path);
  /// The current view's plot, as .png, .pdf or .svg.
  bool export_current_plot(const QString& path);

 public slots:
  void show_about();
  void show_shortcuts();

 private:
  void build_menus();
  void add_hints();
  /// The title and the status bar's right corner: the view's model and device.
  void update_title();
  void build_file_menu();
  void build_edit_menu();
  /// The view on screen (inside its tab's scroll area).
  QWidget* current_view_widget() const;
  /// The view on screen, if it takes edits.
  EditableView* current_editable() const;
  void update_edit_actions();
  void report_error(const QString& title, const QString& message);
  /// Activates the window again after a file dialog.
  void take_back_focus();
  /// Asks for a file name to save to, adding the chosen filter's suffix when none was typed.
  QString ask_save_path(const QString& title, const QString& suggested, const QString& filters);

  std::string device_;  // as asked for: "auto", "cpu", "cuda[:N]"
  // The one worker thread that owns the models. It is joined when the members are destroyed,
  // before ~QWidget deletes the views, which do not touch the worker while being destroyed.
  // The worker stops the job thread when destroyed, before the thread itself goes.
  std::unique_ptr<JobThread> jobs_;
  std::unique_ptr<ExplorerWorker> explorer_;
  std::unique_ptr<EventsWorker> events_worker_;  // after explorer_: destroyed first
  std::unique_ptr<BoWorker> bo_worker_;
  QTabWidget* views_ = nullptr;
  FunctionsView* functions_ = nullptr;
  ImagesView* images_ = nullptr;
  MemoryView* memory_ = nullptr;
  StreamView* stream_ = nullptr;
  EventsView* events_ = nullptr;
  BoView* bo_ = nullptr;
  ShortcutsDialog* shortcuts_ = nullptr;
  ErrorReporter error_reporter_;
  QString last_session_;
  QString session_name_;            // the open session's file name, for the title
  QLabel* model_status_ = nullptr;  // the status bar's right corner

  QAction* undo_ = nullptr;
  QAction* redo_ = nullptr;
  QAction* clear_ = nullptr;
  QAction* new_ = nullptr;
};

}  // namespace nplab::ui

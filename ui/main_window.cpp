#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QKeySequence>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include "explorer_worker.h"
#include "functions_view.h"
#include "nplab/build_info.h"

namespace nplab::ui {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), explorer_thread_(std::make_unique<ExplorerThread>()) {
  setWindowTitle(tr("NPLab"));
  setObjectName("MainWindow");
  resize(1100, 720);

  views_ = new QTabWidget(this);
  views_->setObjectName("views");
  functions_ = new FunctionsView(explorer_thread_->worker(), {}, views_);
  views_->addTab(functions_, tr("&Functions"));
  views_->addTab(make_plot_page(tr("pixel column"), tr("pixel row"), false), tr("&Images"));
  views_->addTab(make_plot_page(tr("context size N"), tr("peak memory (bytes)"), true),
                 tr("&Memory"));
  setCentralWidget(views_);

  build_menus();
  statusBar()->showMessage(tr("NPLab %1 — ready").arg(QString::fromUtf8(kVersion)));
}

MainWindow::~MainWindow() = default;

void MainWindow::when_settled(std::function<void()> ready) {
  // Through the event queue, so that the view's queued replot has happened by then.
  const auto later = [this, ready = std::move(ready)] { QTimer::singleShot(0, this, ready); };
  if (current_view() != View::Functions || functions_->is_settled()) {
    later();
    return;
  }
  connect(functions_, &FunctionsView::settled, this, later, Qt::SingleShotConnection);
}

QWidget* MainWindow::make_plot_page(const QString& x_label, const QString& y_label,
                                    bool log_axes) {
  auto* page = new QWidget(views_);
  auto* layout = new QVBoxLayout(page);
  auto* plot = new QCustomPlot(page);
  plot->xAxis->setLabel(x_label);
  plot->yAxis->setLabel(y_label);
  if (log_axes) {
    for (auto* axis : {plot->xAxis, plot->yAxis}) {
      axis->setScaleType(QCPAxis::stLogarithmic);
      axis->setTicker(QSharedPointer<QCPAxisTickerLog>::create());
    }
    plot->xAxis->setRange(10, 1e6);
    plot->yAxis->setRange(1e4, 1e10);
  } else {
    plot->xAxis->setRange(-2, 2);
    plot->yAxis->setRange(-3, 3);
  }
  layout->addWidget(plot);
  return page;
}

void MainWindow::build_menus() {
  auto* file = menuBar()->addMenu(tr("&File"));
  auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  auto* view = menuBar()->addMenu(tr("&View"));
  const QList<QPair<QString, View>> views{{tr("&Functions"), View::Functions},
                                          {tr("&Images"), View::Images},
                                          {tr("&Memory"), View::Memory}};
  int index = 1;
  for (const auto& [label, which] : views) {
    auto* action = view->addAction(label, this, [this, which = which] { show_view(which); });
    action->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(index++)));
  }

  auto* help = menuBar()->addMenu(tr("&Help"));
  auto* about = help->addAction(tr("&About NPLab"), this, &MainWindow::show_about);
  about->setObjectName("aboutAction");
  help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::show_view(View view) { views_->setCurrentIndex(static_cast<int>(view)); }

MainWindow::View MainWindow::current_view() const {
  return static_cast<View>(views_->currentIndex());
}

void MainWindow::show_about() {
  QMessageBox box(this);
  box.setObjectName("aboutBox");
  box.setWindowTitle(tr("About NPLab"));
  box.setTextFormat(Qt::RichText);
  box.setText(tr("<h3>NPLab %1</h3>"
                 "<p>An interactive lab for Neural Processes: condition a CMANP or TNP-KR on "
                 "points you click and watch its prediction update in constant time; measure "
                 "memory against context size beside TNP-D and LBANP.</p>"
                 "<p>Built with LibTorch, Qt %2 and QCustomPlot.</p>")
                  .arg(QString::fromUtf8(kVersion), QString::fromUtf8(qVersion())));
  box.exec();
}

}  // namespace nplab::ui

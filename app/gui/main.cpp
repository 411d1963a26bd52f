// nplab: the desktop app.

#include <QApplication>

#include "main_window.h"
#include "nplab/build_info.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setApplicationName("NPLab");
  QApplication::setApplicationVersion(QString::fromUtf8(nplab::kVersion));
  QApplication::setOrganizationName("NPLab");
  nplab::ui::MainWindow window;
  window.show();
  return QApplication::exec();
}

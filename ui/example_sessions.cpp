#include "example_sessions.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace nplab::ui {

QStringList default_example_dirs() {
  const QString app_dir = QCoreApplication::applicationDirPath();
  QStringList dirs;
  for (const QString& candidate :
       {app_dir + "/../../resources/examples", app_dir + "/../share/nplab/examples",
        QDir::current().filePath("resources/examples")}) {
    const QFileInfo info(candidate);
    if (info.isDir() && !dirs.contains(info.canonicalFilePath())) dirs << info.canonicalFilePath();
  }
  return dirs;
}

QList<ExampleSession> example_sessions(const QStringList& dirs) {
  for (const QString& dir : dirs) {
    QList<ExampleSession> examples;
    const auto files = QDir(dir).entryInfoList({"*.nplab.json"}, QDir::Files, QDir::Name);
    for (const QFileInfo& file : files) {
      QFile text(file.absoluteFilePath());
      QString title;
      if (text.open(QIODevice::ReadOnly)) {
        title = QJsonDocument::fromJson(text.readAll()).object().value("title").toString();
      }
      if (title.isEmpty()) title = file.fileName();
      examples.push_back({title, file.absoluteFilePath()});
    }
    if (!examples.isEmpty()) return examples;
  }
  return {};
}

}  // namespace nplab::ui

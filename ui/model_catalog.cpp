#include "model_catalog.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace nplab::ui {

QStringList default_model_dirs() {
  const QString app_dir = QCoreApplication::applicationDirPath();
  // $NPLAB_MODELS (nplab --models) replaces the search: the user named the folder.
  const QString configured = qEnvironmentVariable("NPLAB_MODELS");
  const QStringList candidates =
      !configured.isEmpty()
          ? QStringList{configured}
          : QStringList{QDir::current().filePath("models"), app_dir + "/models",
                        app_dir + "/../models", app_dir + "/../../models",
                        app_dir + "/../share/nplab/models"};
  QStringList dirs;
  for (const auto& candidate : candidates) {
    const QFileInfo info(candidate);
    if (info.isDir() && !dirs.contains(info.canonicalFilePath())) {
      dirs << info.canonicalFilePath();
    }
  }
  return dirs;
}

namespace {

QJsonObject checkpoint_config(const QString& checkpoint_path) {
  const QFileInfo checkpoint(checkpoint_path);
  QFile card(checkpoint.dir().filePath(checkpoint.completeBaseName() + ".json"));
  if (!card.open(QIODevice::ReadOnly)) return {};
  return QJsonDocument::fromJson(card.readAll()).object().value("config").toObject();
}

bool is_point_process_checkpoint(const QString& checkpoint_path) {
  // CMHP and THP cards hold marks instead of dim_x and dim_y: they belong to the Events view.
  return checkpoint_config(checkpoint_path).contains("marks");
}

}  // namespace

QPair<int, int> checkpoint_dims(const QString& checkpoint_path) {
  const auto config = checkpoint_config(checkpoint_path);
  return {config.value("dim_x").toInt(1), config.value("dim_y").toInt(1)};
}

QList<ModelChoice> available_models(const QStringList& dirs, int dim_x, int dim_y) {
  QList<ModelChoice> choices;
  for (const auto& dir : dirs) {
    const auto files = QDir(dir).entryInfoList({"*.pt"}, QDir::Files, QDir::Name);
    for (const auto& file : files) {
      if (is_point_process_checkpoint(file.absoluteFilePath()) ||
          checkpoint_dims(file.absoluteFilePath()) != qMakePair(dim_x, dim_y)) {
        continue;
      }
      choices.append({file.fileName(),
                      {ModelSource::Kind::Checkpoint, file.absoluteFilePath().toStdString(),
                       dim_x, dim_y},
                      false});
    }
  }
  for (const auto& name : Explorer::registry_models()) {
    choices.append({QStringLiteral("untrained: %1").arg(QString::fromStdString(name)),
                    {ModelSource::Kind::Registry, name, dim_x, dim_y},
                    true});
  }
  return choices;
}

int preferred_model(const QList<ModelChoice>& choices) {
  for (int i = 0; i < choices.size(); ++i) {
    if (!choices[i].untrained) return i;
  }
  for (int i = 0; i < choices.size(); ++i) {
    if (choices[i].source.name_or_path == "cmanp") return i;
  }
  return choices.isEmpty() ? -1 : 0;
}

int preferred_constant_time_model(const QList<ModelChoice>& choices) {
  for (int i = 0; i < choices.size(); ++i) {
    if (!choices[i].untrained && choices[i].label.contains(QStringLiteral("cmanp"))) return i;
  }
  return preferred_model(choices);
}

}  // namespace nplab::ui

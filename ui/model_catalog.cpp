#include "model_catalog.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

#include "nplab/facade/event_explorer.h"

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

QJsonObject checkpoint_card(const QString& checkpoint_path) {
  const QFileInfo checkpoint(checkpoint_path);
  QFile card(checkpoint.dir().filePath(checkpoint.completeBaseName() + ".json"));
  if (!card.open(QIODevice::ReadOnly)) return {};
  return QJsonDocument::fromJson(card.readAll()).object();
}

/// A CMHP or THP checkpoint (its card's "model" is a point-process model): the Events view's.
bool is_point_process_checkpoint(const QString& checkpoint_path) {
  const auto model = checkpoint_card(checkpoint_path).value("model").toString().toStdString();
  const auto names = facade::EventExplorer::registry_models();
  return std::find(names.begin(), names.end(), model) != names.end();
}

QList<ModelChoice> untrained_choices(const std::vector<std::string>& names, int dim_x, int dim_y) {
  QList<ModelChoice> choices;
  for (const auto& name : names) {
    choices.append({QStringLiteral("untrained: %1").arg(QString::fromStdString(name)),
                    {ModelSource::Kind::Registry, name, dim_x, dim_y},
                    true});
  }
  return choices;
}

}  // namespace

QPair<int, int> checkpoint_dims(const QString& checkpoint_path) {
  const auto config = checkpoint_card(checkpoint_path).value("config").toObject();
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
  return choices + untrained_choices(facade::Explorer::registry_models(), dim_x, dim_y);
}

QList<ModelChoice> available_event_models(const QStringList& dirs) {
  QList<ModelChoice> choices;
  for (const auto& dir : dirs) {
    for (const auto& file : QDir(dir).entryInfoList({"*.pt"}, QDir::Files, QDir::Name)) {
      if (!is_point_process_checkpoint(file.absoluteFilePath())) continue;
      choices.append({file.fileName(),
                      {ModelSource::Kind::Checkpoint, file.absoluteFilePath().toStdString(), 1, 1},
                      false});
    }
  }
  return choices + untrained_choices(facade::EventExplorer::registry_models(), 1, 1);
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

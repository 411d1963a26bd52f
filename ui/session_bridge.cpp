#include "session_bridge.h"

#include <QDir>
#include <QFileInfo>

#include "bo_view.h"
#include "events_view.h"
#include "functions_view.h"

namespace nplab::ui {
namespace {

const QStringList kViewNames{"functions", "images", "memory", "stream", "events", "bo"};

bool same_file(const QString& a, const QString& b) {
  return QFileInfo(a).canonicalFilePath() == QFileInfo(b).canonicalFilePath();
}

}  // namespace

QString session_view_name(int view_index) {
  return kViewNames.value(view_index, kViewNames[0]);
}

int session_view_index(const QString& name) {
  return static_cast<int>(kViewNames.indexOf(name));
}

facade::EventsSession capture_events(const EventsView& view) {
  facade::EventsSession events;
  if (view.current_model() >= 0) {
    events.model = session_model_of(view.models()[view.current_model()].source);
  }
  if (view.comparing())
    events.compare = session_model_of(view.models()[view.compare_model()].source);
  events.events = view.events();
  events.process = view.process_spec();
  events.show_truth = view.truth_shown();
  return events;
}

facade::SessionModel session_model_of(const ModelSource& source) {
  facade::SessionModel model;
  model.dim_x = source.dim_x;
  model.dim_y = source.dim_y;
  if (source.kind == ModelSource::Kind::Checkpoint) {
    model.source = facade::SessionModel::Source::Checkpoint;
    model.name.clear();
    model.path =
        QFileInfo(QString::fromStdString(source.name_or_path)).absoluteFilePath().toStdString();
  } else {
    model.source = facade::SessionModel::Source::Registry;
    model.name = source.name_or_path;
  }
  return model;
}

facade::Session capture_functions(const FunctionsView& view) {
  facade::Session session;
  const int index = view.current_model();
  if (index >= 0) session.model = session_model_of(view.models()[index].source);
  session.points = view.points();
  if (view.compare_model() >= 0) {
    session.compare = session_model_of(view.models()[view.compare_model()].source);
  }
  session.truth = view.truth();
  session.settings.show_truth = view.truth_shown();
  session.settings.show_oracle = view.oracle_shown();
  return session;
}

facade::ImagesSession capture_images(const ImagesView& view) {
  facade::ImagesSession images;
  const auto& source = view.source();
  if (source.kind == ImageSource::Kind::File) {
    images.source = facade::ImagesSession::Source::File;
    images.path = source.path.toStdString();
  } else {
    images.source = facade::ImagesSession::Source::FashionMnist;
    images.index = source.index;
  }
  const int index = view.current_model();
  if (index >= 0) images.model = session_model_of(view.models()[index].source);
  images.revealed = view.revealed();
  images.resolution = view.resolution();
  if (view.comparing()) {
    images.compare = session_model_of(view.models()[view.compare_model()].source);
  }
  return images;
}

facade::Outcome<ImagesRestore> resolve_images_session(const facade::ImagesSession& images,
                                                      const ImagesView& view,
                                                      const QString& session_file) {
  using Result = facade::Outcome<ImagesRestore>;
  const auto model = resolve_session_model(images.model, view.models(), session_file);
  if (!model.ok()) return Result::failure("images: " + model.error());
  ImageSource source;
  if (images.source == facade::ImagesSession::Source::File) {
    source.kind = ImageSource::Kind::File;
    const QString saved = QString::fromStdString(images.path);
    const QDir session_dir = QFileInfo(session_file).dir();
    // A relative path is the session's own (the examples name "images/ring.png"); an absolute
    // one that is gone may have moved with the session, beside it.
    source.path = QFileInfo(saved).isRelative() ? session_dir.filePath(saved) : saved;
    if (!QFileInfo(source.path).isFile()) {
      const QString beside = session_dir.filePath(QFileInfo(saved).fileName());
      if (QFileInfo(beside).isFile()) source.path = beside;
    }
    source.path = QFileInfo(source.path).absoluteFilePath();
  } else {
    source.index = images.index;
  }
  std::optional<ResolvedModel> compare;
  if (images.compare) {
    const auto second = resolve_session_model(*images.compare, view.models(), session_file);
    if (!second.ok()) return Result::failure("images.compare: " + second.error());
    compare = second.value();
  }
  auto image = view.load(source);
  if (!image.ok()) return Result::failure("images: " + image.error());
  return Result::success({model.value(), source, image.value(), compare});
}

facade::Outcome<ResolvedModel> resolve_session_model(const facade::SessionModel& model,
                                                     const QList<ModelChoice>& choices,
                                                     const QString& session_file) {
  using Result = facade::Outcome<ResolvedModel>;
  if (model.source == facade::SessionModel::Source::Registry) {
    for (int i = 0; i < choices.size(); ++i) {
      const auto& source = choices[i].source;
      if (source.kind == ModelSource::Kind::Registry && source.name_or_path == model.name) {
        return Result::success({i, choices[i]});
      }
    }
    return Result::failure("the session's model \"" + model.name + "\" is not one this NPLab has");
  }
  const QString saved = QString::fromStdString(model.path);
  const QString beside_session =
      QFileInfo(session_file).dir().filePath(QFileInfo(saved).fileName());
  for (const QString& candidate : {saved, beside_session}) {
    if (!QFileInfo(candidate).isFile()) continue;
    for (int i = 0; i < choices.size(); ++i) {
      const auto& source = choices[i].source;
      if (source.kind == ModelSource::Kind::Checkpoint &&
          same_file(QString::fromStdString(source.name_or_path), candidate)) {
        return Result::success({i, choices[i]});
      }
    }
    const QString path = QFileInfo(candidate).absoluteFilePath();
    return Result::success(
        {std::nullopt,
         {QFileInfo(path).fileName(),
          {ModelSource::Kind::Checkpoint, path.toStdString(), model.dim_x, model.dim_y},
          false}});
  }
  // Moved with the models/ folder: the same file name among the offered checkpoints.
  for (int i = 0; i < choices.size(); ++i) {
    const auto& source = choices[i].source;
    if (source.kind == ModelSource::Kind::Checkpoint &&
        QFileInfo(QString::fromStdString(source.name_or_path)).fileName() ==
            QFileInfo(saved).fileName()) {
      return Result::success({i, choices[i]});
    }
  }
  return Result::failure("the session's model checkpoint " + model.path +
                         " does not exist (nor beside the session, nor in models/)");
}

facade::Outcome<BoRestore> resolve_bo_session(const facade::BoSession& bo, const BoView& view,
                                              const QString& session_file) {
  using Result = facade::Outcome<BoRestore>;
  BoRestore resolved{bo, std::nullopt};
  const auto& surrogate = bo.settings.surrogate;
  if (surrogate == "oracle" || surrogate == "random") return Result::success(resolved);
  facade::SessionModel model;
  model.source = facade::SessionModel::Source::Checkpoint;
  model.name.clear();
  model.path = surrogate;
  QList<ModelChoice> checkpoints;
  for (const auto& choice : view.surrogates()) {
    if (choice.source.kind == ModelSource::Kind::Checkpoint) checkpoints.append(choice);
  }
  const auto found = resolve_session_model(model, checkpoints, session_file);
  if (!found.ok()) return Result::failure(found.error());
  if (!found.value().index) resolved.offer = found.value().choice;
  resolved.session.settings.surrogate = found.value().choice.source.name_or_path;
  return Result::success(resolved);
}

QString functions_points_problem(const std::vector<facade::ContextPoint>& points, double min_x,
                                 double max_x) {
  for (size_t i = 0; i < points.size(); ++i) {
    const auto& point = points[i];
    if (point.x.size() != 1 || point.y.size() != 1) {
      return QObject::tr(
                 "point %1 has %2 inputs and %3 outputs; the Functions view shows "
                 "points with one of each")
          .arg(i + 1)
          .arg(point.x.size())
          .arg(point.y.size());
    }
    if (point.x[0] < min_x || point.x[0] > max_x) {
      return QObject::tr("point %1 has x = %2, outside the view's range [%3, %4]")
          .arg(i + 1)
          .arg(point.x[0])
          .arg(min_x)
          .arg(max_x);
    }
  }
  return {};
}

}  // namespace nplab::ui

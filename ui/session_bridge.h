#pragma once
// Between a saved session (nplab/session.h, plain types) and the views: what to save from them,
// and checking a loaded session against what they can show before anything is changed.

#include <QList>
#include <QString>
#include <optional>

#include "images_view.h"
#include "model_catalog.h"
#include "nplab/facade/session.h"

namespace nplab::ui {

class BoView;
class FunctionsView;
class EventsView;
class ImagesView;

/// "functions", "images", "memory", "stream", "events", "bo": the session's names of the views (in
/// tab order).
QString session_view_name(int view_index);
/// The tab index of a session view name, or -1.
int session_view_index(const QString& name);

/// The Functions view's model, points, hidden function and overlays.
facade::Session capture_functions(const FunctionsView& view);

/// The model choice's entry in a session (a checkpoint by its absolute path).
facade::SessionModel session_model_of(const ModelSource& source);

/// The Events view's model (and the one compared with it), events and hidden process.
facade::EventsSession capture_events(const EventsView& view);

/// The Images view's image, revealed pixels, model and resolution.
facade::ImagesSession capture_images(const ImagesView& view);

/// The picker entry for a session's model: the index of an offered choice, or a new choice to
/// offer (a checkpoint that exists but lies outside the searched folders).
struct ResolvedModel {
  std::optional<int> index;
  ModelChoice choice;
};

/// Finds the session's model among `choices`; a checkpoint path that does not exist is also
/// looked for beside the session file and among the offered checkpoints by file name. Fails,
/// saying why, for a missing checkpoint or an unknown registry name.
facade::Outcome<ResolvedModel> resolve_session_model(const facade::SessionModel& model,
                                                     const QList<ModelChoice>& choices,
                                                     const QString& session_file);

/// An Images session checked against the view, ready to restore: its model found, its image read.
struct ImagesRestore {
  ResolvedModel model;
  ImageSource source;
  facade::PixelImage image;
  std::optional<ResolvedModel> compare;  ///< the second model, if the session compares two
};

/// Resolves the model (as resolve_session_model) and reads the image (a Fashion-MNIST index or a
/// file); fails, saying why, without changing the view.
facade::Outcome<ImagesRestore> resolve_images_session(const facade::ImagesSession& images,
                                                      const ImagesView& view,
                                                      const QString& session_file);

/// A BO session checked against the view, ready to restore: BoSettings::surrogate is an offered
/// surrogate's, or that of `offer`, a checkpoint outside the searched folders to offer first.
struct BoRestore {
  facade::BoSession session;
  std::optional<ModelChoice> offer;
};

/// Finds the session's surrogate checkpoint as resolve_session_model does; fails, saying why,
/// for one that cannot be found.
facade::Outcome<BoRestore> resolve_bo_session(const facade::BoSession& bo, const BoView& view,
                                              const QString& session_file);

/// Why `points` cannot be shown in the Functions view (not 1D, x outside [min_x, max_x]), or "".
QString functions_points_problem(const std::vector<facade::ContextPoint>& points, double min_x,
                                 double max_x);

}  // namespace nplab::ui

#pragma once
// The models a view can offer: every checkpoint (*.pt) in a models/ folder, then every registry
// name as an untrained model (random weights, flagged so the view can warn).

#include <QList>
#include <QString>
#include <QStringList>

#include "explorer_worker.h"

namespace nplab::ui {

struct ModelChoice {
  QString label;  ///< "cmanp_gp_rbf.pt" or "untrained: cmanp"
  ModelSource source;
  bool untrained = false;
};

/// The models/ folders to search, existing ones only, without duplicates: the working
/// directory's, then those beside and above the executable (build/bin/../../models is the
/// repository's).
QStringList default_model_dirs();

/// Checkpoints found in `dirs` (sorted by name within each folder), then the registry's models.
QList<ModelChoice> available_models(const QStringList& dirs, int dim_x = 1, int dim_y = 1);

/// The choice to start with: the first checkpoint, else the untrained CMANP (the model the lab
/// is about), else the first choice; -1 when there is none.
int preferred_model(const QList<ModelChoice>& choices);

}  // namespace nplab::ui

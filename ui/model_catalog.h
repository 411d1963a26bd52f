#pragma once
// The models a view can offer: every checkpoint (*.pt) in a models/ folder, then every registry
// name as an untrained model (random weights, flagged so the view can warn).

#include <QList>
#include <QPair>
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
/// repository's), then an installed tree's (bin/../share/nplab/models). $NPLAB_MODELS, when set,
/// is the only folder searched.
QStringList default_model_dirs();

/// The checkpoints found in `dirs` (sorted by name within each folder) whose model card (the
/// .json beside the .pt) says config.dim_x = dim_x and config.dim_y = dim_y, then the registry's
/// models made for those sizes. A checkpoint without a readable card counts as 1D (1 and 1);
/// point-process checkpoints (CMHP, THP) are left to available_event_models.
QList<ModelChoice> available_models(const QStringList& dirs, int dim_x = 1, int dim_y = 1);
/// The point-process checkpoints in `dirs` (their model card's "model" is cmhp or thp), then the
/// untrained point-process models.
QList<ModelChoice> available_event_models(const QStringList& dirs);

/// The (dim_x, dim_y) a checkpoint's card declares: (1, 1) when the card is missing or says
/// nothing.
QPair<int, int> checkpoint_dims(const QString& checkpoint_path);

/// The choice to start with: the first checkpoint, else the untrained CMANP (the model the lab
/// is about), else the first choice; -1 when there is none.
int preferred_model(const QList<ModelChoice>& choices);

/// The model a view opens with: the first trained CMANP checkpoint (the constant-time model;
/// its file is replaced by better ones under the same name), else preferred_model().
int preferred_constant_time_model(const QList<ModelChoice>& choices);

}  // namespace nplab::ui

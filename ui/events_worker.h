#pragma once
// The Events view's side of the shared JobThread (DESIGN.md §7), as ExplorerWorker is the other
// views': a request describes the whole wanted picture (model, the model compared with it,
// events, the τ grid, the hidden process) and runs in the "events" lane, latest wins. The job
// brings each model's EventExplorer to the events with the cheapest edit, predicts the next event
// and, when asked, the hidden process's intensity and oracle, and sends it all back as plain
// vectors by queued signal.

#include <QObject>
#include <QStringList>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "job_thread.h"
#include "model_catalog.h"
#include "nplab/facade/event_explorer.h"

namespace nplab::ui {

struct EventsRequest {
  std::uint64_t generation = 0;
  ModelSource model;  ///< a registry name ("cmhp", "thp") or a checkpoint
  std::optional<ModelSource> compare;  ///< a second model on the same events ("Compare with…")
  std::vector<facade::MarkedEvent> events;
  std::vector<double> taus;                 ///< where to evaluate the next event's density (> 0)
  std::optional<facade::EventProcessSpec> process;  ///< the hidden process, for its overlays
  std::vector<double> times;                ///< the hidden process's intensity grid
};

/// One model's answer: what it is, its last edit and its next-event prediction.
struct EventsModelAnswer {
  std::string error;  ///< non-empty: this model's part failed
  facade::EventModelInfo model;
  facade::UpdateStats update;
  facade::NextEventPrediction prediction;
  bool ok() const { return error.empty(); }
};

/// The request's model's answer, the compared model's (when asked) and the hidden process's.
struct EventsResult : EventsModelAnswer {
  std::uint64_t generation = 0;
  std::optional<EventsModelAnswer> compare;
  std::optional<facade::ProcessTruth> truth;
  std::string truth_error;
};

class EventsWorker : public QObject {
  Q_OBJECT

 public:
  /// `jobs` must outlive the worker, which stops it on destruction.
  explicit EventsWorker(JobThread& jobs);
  ~EventsWorker() override;

  /// Thread-safe: makes `request` the next one of the events lane.
  void post(EventsRequest request);

 signals:
  void finished(const nplab::ui::EventsResult& result);

 private:
  /// A model and the source it was loaded from, touched only on the job thread.
  struct Loaded {
    facade::EventExplorer explorer;
    std::optional<ModelSource> source;
  };

  EventsResult serve(const EventsRequest& request);
  /// Loads `source` into `slot` unless it is there already, brings it to the events, predicts.
  static EventsModelAnswer answer(Loaded& slot, const ModelSource& source,
                                  const EventsRequest& request);

  JobThread& jobs_;
  Loaded main_;
  Loaded compare_;
};

}  // namespace nplab::ui

Q_DECLARE_METATYPE(nplab::ui::EventsResult)

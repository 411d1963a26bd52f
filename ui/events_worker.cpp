#include "events_worker.h"

namespace nplab::ui {

EventsWorker::EventsWorker(JobThread& jobs) : jobs_(jobs) {
  qRegisterMetaType<EventsResult>();
}

EventsWorker::~EventsWorker() {
  jobs_.stop();
}

void EventsWorker::post(EventsRequest request) {
  const auto generation = request.generation;
  jobs_.post("events", generation, [this, request = std::move(request)](std::stop_token) {
    emit finished(serve(request));
  });
}

EventsResult EventsWorker::serve(const EventsRequest& request) {
  EventsResult result;
  result.generation = request.generation;
  if (request.process) {
    const auto process = facade::HiddenEventProcess::make(*request.process);
    const auto truth = process.ok()
                           ? process.value().truth(request.events, request.times, request.taus)
                           : facade::Outcome<facade::ProcessTruth>::failure(process.error());
    if (truth.ok()) {
      result.truth = truth.value();
    } else {
      result.truth_error = truth.error();
    }
  }
  if (!loaded_ || *loaded_ != request.model) {
    loaded_.reset();
    const auto& source = request.model;
    const auto loading = source.kind == ModelSource::Kind::Checkpoint
                             ? explorer_.load_checkpoint(source.name_or_path)
                             : explorer_.load_registry_model(source.name_or_path);
    if (!loading.ok()) {
      result.error = loading.error();
      return result;
    }
    loaded_ = source;
  }
  if (const auto update = explorer_.set_events(request.events); !update.ok()) {
    result.error = update.error();
    return result;
  }
  const auto prediction = explorer_.predict(request.taus);
  if (!prediction.ok()) {
    result.error = prediction.error();
    return result;
  }
  result.model = explorer_.model();
  result.update = explorer_.last_update();
  result.prediction = prediction.value();
  return result;
}

}  // namespace nplab::ui

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
  static_cast<EventsModelAnswer&>(result) = answer(main_, request.model, request);
  if (request.compare) result.compare = answer(compare_, *request.compare, request);
  return result;
}

EventsModelAnswer EventsWorker::answer(Loaded& slot, const ModelSource& source,
                                       const EventsRequest& request) {
  EventsModelAnswer out;
  if (!slot.source || *slot.source != source) {
    slot.source.reset();
    const auto loading = source.kind == ModelSource::Kind::Checkpoint
                             ? slot.explorer.load_checkpoint(source.name_or_path)
                             : slot.explorer.load_registry_model(source.name_or_path);
    if (!loading.ok()) {
      out.error = loading.error();
      return out;
    }
    slot.source = source;
  }
  if (const auto update = slot.explorer.set_events(request.events); !update.ok()) {
    out.error = update.error();
    return out;
  }
  const auto prediction = slot.explorer.predict(request.taus);
  if (!prediction.ok()) {
    out.error = prediction.error();
    return out;
  }
  out.model = slot.explorer.model();
  out.update = slot.explorer.last_update();
  out.prediction = prediction.value();
  return out;
}

}  // namespace nplab::ui

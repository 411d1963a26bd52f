#include "explorer_worker.h"

#include <string_view>
#include <utility>

namespace nplab::ui {

namespace {

std::string_view lane_of(Channel channel) {
  switch (channel) {
    case Channel::Functions:
      return "functions";
    case Channel::FunctionsCompare:
      return "functions-compare";
    case Channel::Images:
      return "images";
    case Channel::ImagesCompare:
      return "images-compare";
  }
  return "unknown";
}

}  // namespace

ExplorerWorker::ExplorerWorker(JobThread& jobs, std::string device)
    : jobs_(jobs), requested_device_(std::move(device)) {
  qRegisterMetaType<PredictionResult>();
}

ExplorerWorker::~ExplorerWorker() {
  jobs_.stop();
}

void ExplorerWorker::post(PredictionRequest request) {
  const auto lane = lane_of(request.channel);
  const auto generation = request.generation;
  jobs_.post(lane, generation, [this, request = std::move(request)](std::stop_token) {
    emit finished(serve(request));
  });
}

void ExplorerWorker::serve_truth(const PredictionRequest& request, PredictionResult& result) {
  if (!request.truth) return;
  const auto& spec = *request.truth;
  result.truth_spec = spec;
  if (!truth_key_ || truth_key_->first != spec || truth_key_->second != request.targets) {
    truth_key_.reset();
    auto sampled = facade::sample_truth(spec, request.targets);
    if (!sampled.ok()) {
      result.truth_error = sampled.error();
      return;
    }
    truth_values_ = sampled.value();
    truth_key_.emplace(spec, request.targets);
  }
  result.truth = truth_values_;
  if (request.oracle) {
    auto oracle = facade::oracle_prediction(spec, request.points, request.targets);
    if (oracle.ok()) {
      result.oracle = oracle.value();
    } else {
      result.truth_error = oracle.error();
    }
  }
}

void ExplorerWorker::choose_device() {
  if (device_) return;
  // LibTorch's intra-op threads are a per-thread setting: set them on the job thread itself.
  facade::set_compute_threads(JobThread::compute_threads());
  // On the worker thread: initialising CUDA takes a moment the GUI thread should not wait.
  const auto resolved = facade::resolve_device_name(requested_device_);
  if (resolved.ok()) {
    device_ = resolved.value();
  } else {
    device_ = "cpu";
    device_notice_ = resolved.error() + " — running on the CPU";
  }
}

PredictionResult ExplorerWorker::serve(const PredictionRequest& request) {
  choose_device();
  PredictionResult result;
  result.channel = request.channel;
  result.generation = request.generation;
  serve_truth(request, result);
  serve_model(request, result);
  if (!result.ok() && *device_ != "cpu") {
    // A CUDA failure (out of memory, a lost or busy device) must not end the session: the same
    // request on the CPU. If the CPU fails too, the request itself was at fault: keep the device.
    const std::string failed_on = std::exchange(*device_, "cpu");
    const std::string device_error = result.error;
    slots_[request.channel].loaded.reset();
    PredictionResult on_cpu = result;
    on_cpu.error.clear();
    serve_model(request, on_cpu);
    if (on_cpu.ok()) {
      device_notice_ = failed_on + " failed (" + device_error + ") — running on the CPU";
      for (auto& [channel, slot] : slots_) {
        if (channel != request.channel) slot.loaded.reset();  // their models sit on the device
      }
      result = std::move(on_cpu);
    } else {
      *device_ = failed_on;
      slots_[request.channel].loaded.reset();  // back to the device at the next request
    }
  }
  result.device_notice = device_notice_;
  return result;
}

void ExplorerWorker::serve_model(const PredictionRequest& request, PredictionResult& result) {
  auto& [explorer, loaded] = slots_[request.channel];
  if (!loaded || *loaded != request.model) {
    const auto& source = request.model;
    const auto loading = source.kind == ModelSource::Kind::Checkpoint
                             ? explorer.load_checkpoint(source.name_or_path, *device_)
                             : explorer.load_registry_model(
                                   source.name_or_path, facade::ModelOptions{.dim_x = source.dim_x,
                                                                             .dim_y = source.dim_y,
                                                                             .device = *device_});
    if (!loading.ok()) {
      result.error = loading.error();
      return;
    }
    loaded = source;
  }
  if (const auto update = explorer.set_points(request.points); !update.ok()) {
    result.error = update.error();
    return;
  }
  auto prediction = explorer.predict(request.targets);
  if (!prediction.ok()) {
    result.error = prediction.error();
    return;
  }
  result.model = explorer.model();
  result.update = explorer.last_update();
  result.prediction = prediction.value();
  result.dropped_so_far = jobs_.dropped();
}

}  // namespace nplab::ui

// nplab-cli bench stream: a long stream of points into one model, a chunk per update, with the
// process's resident memory, the state's bytes, the update time and the throughput as it grows;
// the final prediction checked against one conditioning on the same points.

#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.h"
#include "nplab/bench/stream_bench.h"
#include "nplab/benchmarks.h"
#include "nplab/runtime.h"

namespace nplab::cli {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

struct StreamArgs {
  bench::StreamBenchOptions options;
  std::string device = "auto";
  double cap_gib = 0;  // 0: default_memory_cap_bytes()
  bool json = false;
};

nlohmann::json to_json(const bench::StreamSample& sample) {
  return {{"n", sample.n},
          {"resident_bytes", sample.resident_bytes},
          {"peak_resident_bytes", sample.peak_resident_bytes},
          {"state_bytes", sample.state_bytes},
          {"update_us", sample.update_us},
          {"predict_peak_bytes", sample.predict_peak_bytes},
          {"points_per_second", sample.points_per_second}};
}

void run_stream(const StreamArgs& args) {
  auto options = args.options;
  options.device = resolve_device(args.device);
  options.cap_bytes = args.cap_gib > 0 ? args.cap_gib * 1024 * kMiB : default_memory_cap_bytes();
  if (!args.json) {
    std::printf("streaming %s into %s on %s, %lld points per update\n",
                options.csv.empty() ? (std::to_string(options.points) + " generated points").c_str()
                                    : options.csv.c_str(),
                options.checkpoint.empty() ? options.model.c_str() : options.checkpoint.c_str(),
                options.device.str().c_str(), static_cast<long long>(options.chunk));
    std::printf("%10s %12s %14s %12s %12s %14s\n", "N", "RSS MiB", "peak RSS MiB", "state B",
                "update us", "points/s");
  }
  const auto result = bench::run_stream_bench(options, [&](const bench::StreamSample& sample) {
    if (args.json) return;
    std::printf("%10lld %12.1f %14.1f %12lld %12.1f %14.0f\n", static_cast<long long>(sample.n),
                sample.resident_bytes / kMiB, sample.peak_resident_bytes / kMiB,
                static_cast<long long>(sample.state_bytes), sample.update_us,
                sample.points_per_second);
    std::fflush(stdout);
  });
  const double ratio = result.peak_resident_at_1e4 > 0
                           ? static_cast<double>(result.peak_resident_at_end) /
                                 static_cast<double>(result.peak_resident_at_1e4)
                           : 0.0;
  if (args.json) {
    nlohmann::json report{{"model", result.model},
                          {"points", result.points},
                          {"seconds", result.seconds},
                          {"points_per_second", result.points / result.seconds},
                          {"peak_resident_at_1e4", result.peak_resident_at_1e4},
                          {"peak_resident_at_end", result.peak_resident_at_end},
                          {"peak_resident_ratio", ratio},
                          {"samples", nlohmann::json::array()}};
    for (const auto& sample : result.samples) report["samples"].push_back(to_json(sample));
    if (result.max_abs_difference) report["max_abs_difference"] = *result.max_abs_difference;
    if (!result.stopped.empty()) report["stopped"] = result.stopped;
    std::cout << report.dump() << "\n";
    return;
  }
  std::printf("%lld points in %.2f s: %.0f points/s; ", static_cast<long long>(result.points),
              result.seconds, result.points / result.seconds);
  if (result.points >= 10'000) {
    std::printf("peak RSS %.1f MiB at N = 10,000, %.1f MiB at the end (%.3fx)\n",
                result.peak_resident_at_1e4 / kMiB, result.peak_resident_at_end / kMiB, ratio);
  } else {
    std::printf("peak RSS %.1f MiB\n", result.peak_resident_at_end / kMiB);
  }
  if (result.max_abs_difference) {
    std::printf(
        "final prediction vs conditioning on all %lld points at once: max |difference| "
        "%.3g (mean and std)\n",
        static_cast<long long>(result.points), *result.max_abs_difference);
  }
  if (!result.stopped.empty()) std::printf("%s\n", result.stopped.c_str());
}

}  // namespace

void add_bench_stream_command(CLI::App& bench) {
  auto args = std::make_shared<StreamArgs>();
  auto& options = args->options;
  auto* stream = bench.add_subcommand(
      "stream",
      "A long stream of points into one model, a chunk per update: memory, state, "
      "update time and throughput as it grows");
  stream->add_option("--model", options.model, "Registry model (untrained)")->capture_default_str();
  stream->add_option("--checkpoint", options.checkpoint, "A trained 1-D model instead")
      ->check(CLI::ExistingFile);
  stream->add_option("--n", options.points, "Points to generate")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  stream->add_option("--csv", options.csv, "Stream x,y rows of this file instead (read as it goes)")
      ->check(CLI::ExistingFile);
  stream->add_option("--chunk", options.chunk, "Points per update")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  stream
      ->add_option("--predict-every", options.predict_every,
                   "Points between predictions and reported rows (after 1,000, 2,000, 4,000, "
                   "...); 0: predict at the end only")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  stream->add_option("--targets", options.targets, "Targets per prediction")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  stream
      ->add_option("--cap-gib", args->cap_gib,
                   "Stop before a prediction predicted to need more (GiB; default: half the "
                   "memory available, at most 8)")
      ->check(CLI::PositiveNumber);
  stream->add_option("--seed", options.seed, "Seed of the generator and the model")
      ->capture_default_str();
  stream->add_flag(
      "--no-verify", [&options](int64_t) { options.verify = false; },
      "Skip the final comparison with one conditioning on every point");
  stream->add_option("--device", args->device, "auto, cpu or cuda[:N]")->capture_default_str();
  stream->add_flag("--json", args->json, "One JSON object at the end");
  stream->callback([args] { run_stream(*args); });
}

}  // namespace nplab::cli

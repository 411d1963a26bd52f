// nplab-cli bench stream: a long stream of points into one model, a chunk per update, with the
// process's resident memory, the state's bytes, the update time and the throughput as it grows;
// the final prediction checked against one conditioning on the same points. With --jsonl, one
// JSON line per event (nplab/live_stream.h): what the app's Stream… reads from it as it goes.

#include <poll.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.h"
#include "nplab/bench/stream_bench.h"
#include "nplab/facade/bench_sweep.h"
#include "nplab/facade/ground_truth.h"
#include "nplab/facade/live_stream.h"
#include "nplab/util/checks.h"
#include "nplab/util/runtime.h"
#include "number_checks.h"

namespace nplab::cli {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

constexpr int kMaxReportedBadRows = 100;

struct StreamArgs {
  bench::StreamBenchOptions options;
  std::string device = "auto";
  double cap_gib = 0;  // 0: default_memory_cap_bytes()
  bool json = false;
  bool jsonl = false;
  bool skip_bad_rows = false;
  bool pauses_on_stdin = false;
  std::string truth;  // a kernel name: the generator samples a hidden function drawn from it
  facade::TruthSpec truth_spec;
};

/// Seconds the parent has said it held this process stopped: lines "paused SECONDS" on stdin,
/// read without blocking whenever the stream looks at its clock.
class PausesOnStdin {
 public:
  double operator()() {
    while (!closed_) {
      pollfd in{STDIN_FILENO, POLLIN, 0};
      if (::poll(&in, 1, 0) <= 0) break;
      char buffer[256];
      const auto count = ::read(STDIN_FILENO, buffer, sizeof buffer);
      if (count <= 0) {
        closed_ = true;
        break;
      }
      pending_.append(buffer, static_cast<size_t>(count));
      for (auto end = pending_.find('\n'); end != std::string::npos; end = pending_.find('\n')) {
        const auto line = pending_.substr(0, end);
        pending_.erase(0, end + 1);
        constexpr std::string_view kPrefix = "paused ";
        if (line.rfind(kPrefix, 0) == 0) {
          try {
            const double seconds = std::stod(line.substr(kPrefix.size()));
            if (seconds > 0) total_ += seconds;
          } catch (const std::exception&) {
            // Not a number: nothing was paused.
          }
        }
      }
    }
    return total_;
  }

 private:
  bool closed_ = false;
  std::string pending_;
  double total_ = 0;
};

void print_line(const facade::StreamLine& line) {
  std::cout << facade::stream_line_to_json(line) << std::endl;  // flushed: the reader is live
}

facade::StreamLine sample_line(const bench::StreamSample& sample) {
  facade::StreamLine line;
  line.event = facade::StreamEvent::Sample;
  line.n = sample.n;
  line.resident_bytes = sample.resident_bytes;
  line.peak_resident_bytes = sample.peak_resident_bytes;
  line.state_bytes = sample.state_bytes;
  line.predict_peak_bytes = sample.predict_peak_bytes;
  line.update_us = sample.update_us;
  line.points_per_second = sample.points_per_second;
  line.recent_points_per_second = sample.recent_points_per_second;
  line.seconds = sample.seconds;
  line.bad_rows = sample.bad_rows;
  line.mean.assign(sample.mean.begin(), sample.mean.end());
  line.stddev.assign(sample.stddev.begin(), sample.stddev.end());
  for (const auto& point : sample.new_points)
    line.new_points.push_back({point.slot, point.x, point.y});
  return line;
}

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
  options.device = util::resolve_device(args.device);
  options.cap_bytes =
      args.cap_gib > 0 ? args.cap_gib * 1024 * kMiB : facade::default_memory_cap_bytes();
  facade::StreamLine start;
  start.event = facade::StreamEvent::Start;
  start.targets = bench::stream_targets(options.targets);
  if (!args.truth.empty()) {
    if (!options.csv.empty())
      throw util::InvalidArgument("--truth: the generator's, not with --csv");
    auto spec = args.truth_spec;
    const auto kernel = facade::truth_kernel_from_name(args.truth);
    if (!kernel) {
      throw util::InvalidArgument("--truth " + args.truth + ": expected rbf, matern or periodic");
    }
    spec.kernel = *kernel;
    if (const auto problem = facade::truth_spec_problem(spec); !problem.empty()) {
      throw util::InvalidArgument("--truth: " + problem);
    }
    // The function on the targets' grid, linear between: what the app draws is what is sampled.
    const auto values = facade::sample_truth(spec, start.targets);
    if (!values.ok()) throw util::InvalidArgument("--truth: " + values.error());
    options.truth_grid = start.targets;
    options.truth_values = values.value();
    start.truth = values.value();
  }
  if (args.skip_bad_rows) {
    int reported = 0;
    options.on_bad_row = [&args, reported](const std::string& where,
                                           const std::string& problem) mutable {
      if (args.jsonl && reported < kMaxReportedBadRows) {
        facade::StreamLine line;
        line.event = facade::StreamEvent::BadRow;
        line.where = where;
        line.problem = problem;
        print_line(line);
      } else if (!args.jsonl && !args.json && reported < kMaxReportedBadRows) {
        std::fprintf(stderr, "skipped %s: %s\n", where.c_str(), problem.c_str());
      }
      ++reported;
    };
  }
  if (args.pauses_on_stdin) options.paused_seconds = PausesOnStdin();
  if (args.jsonl) {
    options.keep_samples = false;
    start.source = options.csv.empty() ? "generator" : options.csv;
    start.planned_points = options.csv.empty() ? options.points : 0;
    start.chunk = bench::update_chunk(options);
    start.cap_bytes = options.cap_bytes;
    start.sample_points = options.reservoir;
    options.on_ready = [&start](const std::string& model) {
      start.model = model;
      print_line(start);
    };
    const auto result = bench::run_stream_bench(
        options, [](const bench::StreamSample& sample) { print_line(sample_line(sample)); });
    facade::StreamLine end;
    end.event = facade::StreamEvent::End;
    end.model = result.model;
    end.points = result.points;
    end.seconds = result.seconds;
    end.stopped = result.stopped;
    end.max_abs_difference = result.max_abs_difference;
    print_line(end);
    return;
  }
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
      ->check(positive_integer())
      ->capture_default_str();
  stream->add_option("--csv", options.csv, "Stream x,y rows of this file instead (read as it goes)")
      ->check(CLI::ExistingFile);
  stream->add_option("--chunk", options.chunk, "Points per update")
      ->check(positive_integer())
      ->capture_default_str();
  stream
      ->add_option("--predict-every", options.predict_every,
                   "Points between predictions and reported rows (after 1,000, 2,000, 4,000, "
                   "...); 0: predict at the end only")
      ->check(non_negative_integer())
      ->capture_default_str();
  stream->add_option("--targets", options.targets, "Targets per prediction")
      ->check(positive_integer())
      ->capture_default_str();
  stream
      ->add_option("--cap-gib", args->cap_gib,
                   "Stop before a prediction predicted to need more (GiB; default: half the "
                   "memory available, at most 8)")
      ->check(positive_number());
  stream->add_option("--seed", options.seed, "Seed of the generator and the model")
      ->check(seed_number())
      ->capture_default_str();
  stream->add_flag(
      "--no-verify", [&options](int64_t) { options.verify = false; },
      "Skip the final comparison with one conditioning on every point");
  stream->add_option("--device", args->device, "auto, cpu or cuda[:N]")->capture_default_str();
  stream->add_flag("--json", args->json, "One JSON object at the end");
  stream->add_flag("--jsonl", args->jsonl,
                   "One JSON object per line as it goes: start, each sample (with the prediction "
                   "and the drawn points), skipped rows, end");
  stream
      ->add_option("--rate", options.rate,
                   "Points per second at most (0: as fast as the model takes them)")
      ->check(non_negative_number())
      ->capture_default_str();
  stream
      ->add_option("--sample-every-s", options.sample_every_seconds,
                   "Also predict and report once this many seconds have passed (0: by N only)")
      ->check(non_negative_number())
      ->capture_default_str();
  stream
      ->add_option("--sample-points", options.reservoir,
                   "Keep a uniform sample of this many points to draw (reported with --jsonl)")
      ->check(non_negative_integer())
      ->capture_default_str();
  stream
      ->add_option("--max-update-s", options.max_update_seconds,
                   "Stop once one update takes longer than this many seconds (0: no limit)")
      ->check(non_negative_number())
      ->capture_default_str();
  stream->add_flag("--skip-bad-rows", args->skip_bad_rows,
                   "Report a malformed or non-finite CSV row (file:line) and go on without it");
  stream->add_flag("--pauses-on-stdin", args->pauses_on_stdin,
                   "Read lines 'paused SECONDS' from stdin: time a parent held this process "
                   "stopped, taken off the clock of points/s and --rate");
  stream->add_option("--noise", options.noise, "Std of the generator's noise")
      ->check(non_negative_number())
      ->capture_default_str();
  stream->add_option("--truth", args->truth,
                     "Generate noisy samples of a hidden function drawn from this GP kernel "
                     "(rbf, matern, periodic), as the app's Functions view draws it, on --targets "
                     "x in [-2, 2] and linear between");
  stream->add_option("--truth-lengthscale", args->truth_spec.lengthscale)->capture_default_str();
  stream->add_option("--truth-scale", args->truth_spec.scale)->capture_default_str();
  stream->add_option("--truth-period", args->truth_spec.period)->capture_default_str();
  stream->add_option("--truth-seed", args->truth_spec.seed)
      ->check(seed_number())
      ->capture_default_str();
  stream->callback([args] { run_stream(*args); });
}

}  // namespace nplab::cli

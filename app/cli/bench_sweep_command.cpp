// nplab-cli bench sweep: the Memory view's measurement. Per model and N, smallest first: peak
// memory and time of one condition + predict, the state's bytes and the median time of one
// update, each point printed as soon as it is measured. Sizes predicted past the memory cap or
// the run-time limit are printed as predictions, not run. --jsonl prints one JSON object per
// point (the Memory view runs this command as a child process and reads them).

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "nplab/facade/bench_sweep.h"
#include "number_checks.h"

namespace nplab::cli {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

struct SweepArgs {
  facade::BenchSweepOptions options;
  double cap_gib = 0;  // 0: default_memory_cap_bytes()
  bool jsonl = false;
};

void run_sweep(const SweepArgs& args) {
  auto options = args.options;
  options.cap_bytes = args.cap_gib > 0 ? args.cap_gib * kGiB : facade::default_memory_cap_bytes();
  // Point processes (N: events of history) are CMHP's comparison, the NPs CMANP's.
  const auto named = [&](const char* model) {
    return std::find(options.models.begin(), options.models.end(), model) != options.models.end();
  };
  const bool cmhp_only = named("cmhp") && !named("cmanp");
  if (!args.jsonl) {
    std::printf(
        "condition + predict (%lld targets) and one update, per model and N, on %s; "
        "memory cap %.2f GiB\n",
        static_cast<long long>(options.targets), options.device.c_str(), options.cap_bytes / kGiB);
    if (named("cmhp") || named("thp")) {
      std::printf("cmhp, thp: N is events of history; one new event's update + prediction\n");
    }
  }
  facade::BenchSweepCallbacks callbacks;
  callbacks.on_point = [&](const facade::BenchPoint& point) {
    if (args.jsonl) {
      std::printf("%s\n", facade::bench_point_to_json(point).c_str());
    } else if (point.status == facade::BenchStatus::Failed) {
      std::printf("%-11s n=%-8lld failed: %s\n", point.model.c_str(),
                  static_cast<long long>(point.n), point.error.c_str());
    } else {
      std::printf(
          "%-11s n=%-8lld peak %12lld B  state %10lld B  condition %9.4f s  update "
          "%11.1f us  %s\n",
          point.model.c_str(), static_cast<long long>(point.n),
          static_cast<long long>(point.peak_bytes), static_cast<long long>(point.state_bytes),
          point.condition_s, point.update_us,
          point.status == facade::BenchStatus::Ok ? "measured" : point.error.c_str());
    }
    std::fflush(stdout);  // a reader (the Memory view) sees each point as it comes
  };
  const auto points = facade::run_bench_sweep(options, callbacks);
  if (!args.jsonl) {
    std::printf("%s\n", facade::sweep_conclusion(points, cmhp_only ? "cmhp" : "cmanp").c_str());
  }
}

}  // namespace

void add_bench_sweep_command(CLI::App& bench) {
  auto args = std::make_shared<SweepArgs>();
  auto& options = args->options;
  options.device = "auto";
  auto* sweep = bench.add_subcommand(
      "sweep",
      "The Memory view's sweep: memory, state size, condition and update time per model "
      "and N, each point as it is measured");
  sweep->add_option("--models", options.models, "Models (registry names or aliases)")
      ->delimiter(',')
      ->capture_default_str();
  sweep->add_option("--n", options.sizes, "Context sizes")
      ->delimiter(',')
      ->check(positive_integer())
      ->capture_default_str();
  sweep->add_option("--targets", options.targets, "Targets per prediction")
      ->check(positive_integer())
      ->capture_default_str();
  sweep->add_option("--repeats", options.repeats, "Timed updates per size, at most (median)")
      ->check(positive_integer())
      ->capture_default_str();
  sweep
      ->add_option("--cap-gib", args->cap_gib,
                   "Predict rather than run sizes that would need more memory than this (GiB; "
                   "default: half the memory available now, at most 8)")
      ->check(positive_number());
  sweep
      ->add_option("--max-run-s", options.max_run_seconds,
                   "Predict rather than run sizes where one run would take longer (seconds)")
      ->check(positive_number());
  sweep
      ->add_option("--update-budget-s", options.update_budget_seconds,
                   "Stop timing a size's updates after this long (seconds; one at least)")
      ->check(positive_number());
  sweep->add_option("--device", options.device, "auto, cpu or cuda[:N]")->capture_default_str();
  sweep->add_flag("--jsonl", args->jsonl, "One JSON object per point, one per line");
  sweep->callback([args] { run_sweep(*args); });
}

}  // namespace nplab::cli

#include "nplab/benchmarks.h"

#include <c10/util/Exception.h>

#include <algorithm>
#include <map>

#include "nplab/bench/memory_probe.h"
#include "nplab/bench/model_bench.h"
#include "nplab/models/registry.h"
#include "nplab/runtime.h"

namespace nplab {

std::vector<BenchPoint> run_bench_sweep(const BenchSweepOptions& options,
                                        const BenchSweepCallbacks& callbacks) {
  std::vector<BenchPoint> points;
  const auto fail = [&](const std::string& model, const std::string& why) {
    BenchPoint failed{model, 0, BenchStatus::Failed, 0, 0, why};
    if (callbacks.on_point) callbacks.on_point(failed);
    points.push_back(std::move(failed));
  };
  try {
    bench::ModelBenchOptions base;
    base.sizes = options.sizes;
    std::sort(base.sizes.begin(), base.sizes.end());
    base.targets = options.targets;
    base.new_points = options.new_points;
    base.cap_bytes = options.cap_bytes;
    base.repeats = options.repeats;
    base.seed = options.seed;
    base.device = resolve_device(options.device);
    base.cancelled = callbacks.cancelled;
    for (const auto& model : options.models) {
      if (callbacks.cancelled && callbacks.cancelled()) break;
      auto single = base;
      single.models = {model};
      // Memory first: it decides which sizes are too large to run at all.
      std::map<int64_t, BenchPoint> by_size;
      for (const auto& row : bench::run_memory_bench(single)) {
        BenchPoint point{model, row.n, BenchStatus::Ok, row.peak_bytes, 0, {}};
        if (row.status == "skipped") point.status = BenchStatus::Skipped;
        if (row.status.starts_with("error")) {
          point.status = BenchStatus::Failed;
          point.error = row.status;
        }
        by_size[row.n] = point;
      }
      single.sizes.clear();
      for (const auto& [n, point] : by_size) {
        if (point.status == BenchStatus::Ok) single.sizes.push_back(n);
      }
      const auto report = [&](BenchPoint point) {
        if (callbacks.on_point) callbacks.on_point(point);
        points.push_back(std::move(point));
      };
      // Sizes the update benchmark does not run are final now, in order with those it does.
      auto pending = by_size.begin();
      const auto report_up_to = [&](int64_t n) {
        for (; pending != by_size.end() && pending->first < n; ++pending) {
          if (pending->second.status != BenchStatus::Ok) report(pending->second);
        }
      };
      if (!single.sizes.empty()) {
        bench::run_update_bench(single, [&](const bench::UpdateRow& row) {
          report_up_to(row.n);
          auto point = by_size.at(row.n);
          point.update_us = row.update_us;
          if (row.status.starts_with("error")) {
            point.status = BenchStatus::Failed;
            point.error = row.status;
          }
          report(point);
          ++pending;
        });
      }
      if (!(callbacks.cancelled && callbacks.cancelled())) report_up_to(INT64_MAX);
    }
  } catch (const c10::Error& error) {
    fail("", error.what_without_backtrace());
  } catch (const std::exception& error) {
    fail("", error.what());
  }
  return points;
}

std::vector<std::string> bench_model_names() { return model_names(); }

void install_memory_probe() { bench::install_cpu_memory_probe(); }

const char* to_string(BenchStatus status) {
  switch (status) {
    case BenchStatus::Ok: return "ok";
    case BenchStatus::Skipped: return "skipped";
    case BenchStatus::Failed: break;
  }
  return "error";
}

}  // namespace nplab

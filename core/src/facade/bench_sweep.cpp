#include "nplab/facade/bench_sweep.h"

#include <c10/util/Exception.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "nplab/bench/memory_probe.h"
#include "nplab/bench/model_bench.h"
#include "nplab/models/registry.h"
#include "nplab/util/checks.h"
#include "nplab/util/runtime.h"

namespace nplab::facade {

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
/// Small sizes measured, not reported, before a sweep whose first size is larger.
constexpr std::array<std::int64_t, 2> kCalibrationSizes{256, 1024};

std::string one_decimal(double value) {
  char text[32];
  std::snprintf(text, sizeof text, value >= 100 ? "%.0f" : "%.1f", value);
  return text;
}

std::string bytes_text(double bytes) {
  if (bytes >= kGiB) return one_decimal(bytes / kGiB) + " GiB";
  return one_decimal(bytes / (1024.0 * 1024.0)) + " MiB";
}

std::string seconds_text(double seconds) {
  if (seconds >= 3600) return one_decimal(seconds / 3600) + " h";
  if (seconds >= 60) return one_decimal(seconds / 60) + " min";
  return one_decimal(seconds) + " s";
}

/// 262144 -> "262,144".
std::string grouped(std::int64_t n) {
  std::string digits = std::to_string(n), text;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) text += ',';
    text += digits[i];
  }
  return text;
}

/// Power-law prediction at `n` through the last two of `measured`, or nullopt with fewer.
std::optional<double> predict(const std::vector<std::pair<std::int64_t, double>>& measured,
                              std::int64_t n, double min_exponent) {
  if (measured.size() < 2) return std::nullopt;
  const auto& [n0, v0] = measured[measured.size() - 2];
  const auto& [n1, v1] = measured.back();
  return bench::extrapolate_peak(n0, v0, n1, v1, n, min_exponent);
}

/// One model's sweep: each size measured and reported in turn, until one is predicted too large.
void sweep_model(const std::string& model, std::vector<std::int64_t> sizes,
                 const BenchSweepOptions& options, const bench::ModelBenchOptions& base,
                 const BenchSweepCallbacks& callbacks,
                 const std::function<void(BenchPoint)>& report) {
  const auto cancelled = [&] { return callbacks.cancelled && callbacks.cancelled(); };
  bench::ModelProbe probe(model, base);
  const auto growth = bench::growth_exponents(model);
  std::vector<std::pair<std::int64_t, double>> memory, seconds, update;
  const auto measure = [&](BenchPoint& point) {
    const auto measured = probe.condition_and_predict(point.n);
    point.peak_bytes = measured.peak_bytes;
    point.state_bytes = measured.state_bytes;
    point.condition_s = measured.seconds;
    if (cancelled()) return false;
    point.update_us = probe.update_microseconds(point.n, bench::TimingOptions{1, options.repeats},
                                                options.update_budget_seconds, callbacks.cancelled);
    if (cancelled()) return false;
    memory.emplace_back(point.n, static_cast<double>(point.peak_bytes));
    seconds.emplace_back(point.n, point.condition_s);
    update.emplace_back(point.n, point.update_us);
    return true;
  };
  // A sweep that starts at a large N has nothing to predict its first sizes from, and TNP-D at
  // N = 10^5 would ask the allocator for 150 GiB. Two small runs first (not reported) give every
  // requested size a prediction before anything of its size is allocated.
  if (!sizes.empty() && sizes.front() > kCalibrationSizes.back()) {
    for (const auto n : kCalibrationSizes) {
      BenchPoint calibration{model, n, BenchStatus::Ok, 0, 0, {}};
      try {
        if (!measure(calibration)) return;
      } catch (const std::exception&) {
        break;  // the requested sizes report the model's error themselves
      }
    }
  }
  for (const auto n : sizes) {
    if (cancelled()) return;
    BenchPoint point{model, n, BenchStatus::Ok, 0, 0, {}};
    const auto memory_at = predict(memory, n, growth.memory);
    const auto seconds_at = predict(seconds, n, 0.0);
    const auto update_at = predict(update, n, growth.update);
    if (memory_at && update_at) {
      std::string why;
      if (*memory_at > options.cap_bytes) {
        why = "predicted " + bytes_text(*memory_at) + ", over the " +
              bytes_text(options.cap_bytes) + " memory cap";
      } else if (const double slowest = std::max(*seconds_at, *update_at / 1e6);
                 slowest > options.max_run_seconds) {
        why = "predicted " + seconds_text(slowest) + " per run, over the " +
              seconds_text(options.max_run_seconds) + " limit";
      }
      if (!why.empty()) {
        point.status = BenchStatus::Skipped;
        point.peak_bytes = static_cast<std::int64_t>(*memory_at);
        point.update_us = *update_at;
        point.condition_s = *seconds_at;
        point.error = why;
        report(point);
        continue;
      }
    }
    try {
      if (!measure(point)) return;
    } catch (const std::exception& error) {
      point.status = BenchStatus::Failed;
      point.error = bench::error_message(error);
    }
    report(point);
  }
}

}  // namespace

std::vector<BenchPoint> run_bench_sweep(const BenchSweepOptions& options,
                                        const BenchSweepCallbacks& callbacks) {
  std::vector<BenchPoint> points;
  const auto report = [&](BenchPoint point) {
    if (callbacks.on_point) callbacks.on_point(point);
    points.push_back(std::move(point));
  };
  try {
    if (options.models.empty()) throw util::InvalidArgument("no model to measure");
    bench::ModelBenchOptions base;
    base.targets = options.targets;
    base.new_points = options.new_points;
    base.seed = options.seed;
    base.device = util::resolve_device(options.device);
    auto sizes = options.sizes;
    std::sort(sizes.begin(), sizes.end());
    for (const auto n : sizes) {
      if (n < 1)
        throw util::InvalidArgument("context sizes must be positive, got " + std::to_string(n));
    }
    for (const auto& model : options.models)
      models::default_config(model);  // unknown names fail early
    bench::install_cpu_memory_probe();
    for (const auto& model : options.models) {
      if (callbacks.cancelled && callbacks.cancelled()) break;
      sweep_model(model, sizes, options, base, callbacks, report);
    }
  } catch (const c10::Error& error) {
    report({"", 0, BenchStatus::Failed, 0, 0, error.what_without_backtrace()});
  } catch (const std::exception& error) {
    report({"", 0, BenchStatus::Failed, 0, 0, error.what()});
  }
  return points;
}

double default_memory_cap_bytes() {
  const double available = util::available_memory_bytes();
  return available > 0 ? std::min(8.0 * kGiB, 0.5 * available) : 4.0 * kGiB;
}

std::string bench_point_to_json(const BenchPoint& point) {
  nlohmann::json line{{"model", point.model},
                      {"n", point.n},
                      {"status", to_string(point.status)},
                      {"peak_bytes", point.peak_bytes},
                      {"state_bytes", point.state_bytes},
                      {"condition_s", point.condition_s},
                      {"update_us", point.update_us}};
  if (!point.error.empty()) line["error"] = point.error;
  return line.dump();
}

Outcome<BenchPoint> bench_point_from_json(const std::string& line) {
  try {
    const auto json = nlohmann::json::parse(line);
    BenchPoint point;
    point.model = json.at("model").get<std::string>();
    point.n = json.at("n").get<std::int64_t>();
    const auto status = json.at("status").get<std::string>();
    if (status == "ok") {
      point.status = BenchStatus::Ok;
    } else if (status == "skipped") {
      point.status = BenchStatus::Skipped;
    } else if (status == "error") {
      point.status = BenchStatus::Failed;
    } else {
      return Outcome<BenchPoint>::failure("unknown status \"" + status + "\"");
    }
    point.peak_bytes = json.at("peak_bytes").get<std::int64_t>();
    point.state_bytes = json.value("state_bytes", std::int64_t{0});
    point.condition_s = json.value("condition_s", 0.0);
    point.update_us = json.at("update_us").get<double>();
    point.error = json.value("error", std::string());
    return Outcome<BenchPoint>::success(std::move(point));
  } catch (const nlohmann::json::exception& error) {
    return Outcome<BenchPoint>::failure(std::string("not a benchmark point: ") + error.what());
  }
}

namespace {

double metric_of(const BenchPoint& point, BenchMetric metric) {
  return metric == BenchMetric::Memory ? static_cast<double>(point.peak_bytes) : point.update_us;
}

}  // namespace

std::optional<std::int64_t> crossover_n(const std::vector<BenchPoint>& points,
                                        const std::string& model, const std::string& baseline,
                                        BenchMetric metric) {
  std::map<std::int64_t, double> ours, theirs;
  for (const auto& point : points) {
    if (point.model == model && point.status == BenchStatus::Ok) {
      ours[point.n] = metric_of(point, metric);
    } else if (point.model == baseline && point.status != BenchStatus::Failed) {
      theirs[point.n] = metric_of(point, metric);
    }
  }
  std::optional<std::int64_t> from;
  bool any = false;
  for (const auto& [n, value] : ours) {
    const auto other = theirs.find(n);
    if (other == theirs.end()) continue;
    any = true;
    if (value < other->second) {
      if (!from) from = n;
    } else {
      from.reset();
    }
  }
  return any ? from : std::nullopt;
}

std::string sweep_conclusion(const std::vector<BenchPoint>& points, const std::string& reference) {
  std::vector<const BenchPoint*> own;
  std::vector<std::string> baselines;
  for (const auto& point : points) {
    if (point.model == reference && point.status == BenchStatus::Ok) own.push_back(&point);
    if (point.model != reference && !point.model.empty() &&
        std::find(baselines.begin(), baselines.end(), point.model) == baselines.end()) {
      baselines.push_back(point.model);
    }
  }
  std::string text;
  if (own.size() >= 2) {
    // The largest run of sizes, ending at the largest, whose peaks lie within 10% of each other.
    auto flat_from = own.end() - 1;
    double low = (*flat_from)->peak_bytes, high = low;
    while (flat_from != own.begin()) {
      const double previous = (*(flat_from - 1))->peak_bytes;
      if (std::max(high, previous) > 1.1 * std::min(low, previous)) break;
      low = std::min(low, previous);
      high = std::max(high, previous);
      --flat_from;
    }
    if (flat_from + 1 < own.end()) {
      text = reference + " holds " + bytes_text(high) + " at every N from " +
             grouped((*flat_from)->n) + " to " + grouped(own.back()->n) + ".";
    } else {
      text = reference + " needs " + bytes_text(own.back()->peak_bytes) +
             " at N = " + grouped(own.back()->n) + ".";
    }
  }
  const auto smallest_common = [&](const std::string& baseline) -> std::optional<std::int64_t> {
    for (const auto* point : own) {
      for (const auto& other : points) {
        if (other.model == baseline && other.n == point->n && other.status != BenchStatus::Failed) {
          return point->n;
        }
      }
    }
    return std::nullopt;
  };
  for (const auto metric : {BenchMetric::Memory, BenchMetric::Update}) {
    std::vector<std::string> parts;
    for (const auto& baseline : baselines) {
      const auto from = crossover_n(points, reference, baseline, metric);
      if (!from) continue;
      parts.push_back(
          baseline + "'s " +
          (from == smallest_common(baseline) ? "at every N" : "from N = " + grouped(*from)));
    }
    if (parts.empty()) continue;
    std::string joined;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      joined += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + parts[i];
    }
    text += (text.empty() ? "" : " ") +
            std::string(metric == BenchMetric::Memory ? "Its memory is below "
                                                      : "Its update is faster than ") +
            joined + ".";
  }
  for (const auto& baseline : baselines) {
    const BenchPoint* largest = nullptr;
    for (const auto& point : points) {
      if (point.model == baseline && point.status == BenchStatus::Skipped) largest = &point;
    }
    if (largest) {
      text += " " + baseline + " would need ~" + bytes_text(largest->peak_bytes) +
              " at N = " + grouped(largest->n) + " (predicted, not run).";
    }
  }
  return text;
}

void install_memory_probe() {
  bench::install_cpu_memory_probe();
}

}  // namespace nplab::facade

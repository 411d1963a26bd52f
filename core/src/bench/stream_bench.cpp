#include "nplab/bench/stream_bench.h"

#include <ATen/ATen.h>
#include <torch/utils.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <fstream>
#include <iomanip>
#include <memory>
#include <random>
#include <sstream>
#include <thread>

#include "nplab/bench/memory_probe.h"
#include "nplab/bench/model_bench.h"
#include "nplab/bench/timing.h"
#include "nplab/data/csv.h"
#include "nplab/models/registry.h"
#include "nplab/train/checkpoint.h"
#include "nplab/util/checks.h"
#include "nplab/util/runtime.h"

namespace nplab::bench {
namespace {

int64_t status_field_bytes(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) {
      std::istringstream values(line.substr(field.size()));
      int64_t kib = 0;
      values >> kib;
      return kib * 1024;
    }
  }
  return 0;
}

struct Chunk {
  at::Tensor x, y;  // [1, n, 1] on the CPU
  int64_t size() const { return x.defined() ? x.size(1) : 0; }
};

/// Where the points come from: chunks until an empty one.
class PointSource {
 public:
  virtual ~PointSource() = default;
  virtual Chunk next(int64_t count) = 0;
};

// Noisy samples of a function on [-2, 2] (a fixed smooth one, or a table), the same for a seed.
class GeneratedPoints : public PointSource {
 public:
  GeneratedPoints(int64_t total, double noise, uint64_t seed, const std::vector<double>& grid,
                  const std::vector<double>& values)
      : remaining_(total),
        noise_(noise),
        generator_(at::make_generator<at::CPUGeneratorImpl>(seed)) {
    if (grid.empty() && values.empty()) return;
    if (grid.size() != values.size() || grid.size() < 2) {
      throw util::InvalidArgument(
          "bench stream: the function's table needs as many values as x, two "
          "at least");
    }
    for (size_t i = 0; i < grid.size(); ++i) {
      if (!std::isfinite(grid[i]) || !std::isfinite(values[i]) ||
          (i > 0 && grid[i] <= grid[i - 1])) {
        throw util::InvalidArgument(
            "bench stream: the function's table needs finite values at "
            "increasing x");
      }
    }
    grid_ = at::tensor(grid, at::kDouble);
    values_ = at::tensor(values, at::kDouble);
  }
  Chunk next(int64_t count) override {
    const int64_t n = std::min(count, remaining_);
    remaining_ -= n;
    if (n == 0) return {};
    if (!grid_.defined()) {
      const auto x = at::rand({1, n, 1}, generator_) * 4 - 2;
      const auto y =
          at::sin(3 * x) + 0.5 * at::cos(1.3 * x) + noise_ * at::randn({1, n, 1}, generator_);
      return {x, y};
    }
    // x uniform over the table's span, f linear between its points (what a plot of it draws).
    const double low = grid_[0].item<double>(), high = grid_[-1].item<double>();
    const auto x =
        (at::rand({n}, generator_).to(at::kDouble) * (high - low) + low).clamp(low, high);
    const auto right = at::searchsorted(grid_, x).clamp(1, grid_.size(0) - 1);
    const auto left = right - 1;
    const auto x0 = grid_.index_select(0, left), x1 = grid_.index_select(0, right);
    const auto f0 = values_.index_select(0, left), f1 = values_.index_select(0, right);
    const auto f = f0 + (x - x0) / (x1 - x0) * (f1 - f0);
    const auto y = f + noise_ * at::randn({n}, generator_).to(at::kDouble);
    return {x.to(at::kFloat).reshape({1, n, 1}), y.to(at::kFloat).reshape({1, n, 1})};
  }

 private:
  int64_t remaining_;
  double noise_;
  at::Generator generator_;
  at::Tensor grid_, values_;  // the table, when there is one
};

using BadRowHandler = std::function<void(const std::string&, const std::string&)>;

// x,y rows read a chunk at a time, with the field rules of every CSV reader here (data/csv.h);
// blank lines and '#' comments are skipped, and a first line naming x,y is a header. A bad
// row throws, or goes to `on_bad_row` and is skipped.
class CsvPoints : public PointSource {
 public:
  CsvPoints(std::string path, BadRowHandler on_bad_row)
      : path_(std::move(path)), in_(path_), on_bad_row_(std::move(on_bad_row)) {
    if (!in_) throw util::InvalidArgument("--csv " + path_ + ": cannot be opened");
  }
  Chunk next(int64_t count) override {
    std::vector<float> xs, ys;
    std::string line;
    while (static_cast<int64_t>(xs.size()) < count && std::getline(in_, line)) {
      ++line_number_;
      const auto content = data::trim_field(line);
      if (content.empty() || content.front() == '#') continue;
      const auto fields = data::split_csv_fields(content);
      const auto x = fields.size() == 2 ? data::parse_csv_number(fields[0]) : std::nullopt;
      const auto y = fields.size() == 2 ? data::parse_csv_number(fields[1]) : std::nullopt;
      if (!x || !y) {
        if (line_number_ == 1 && data::is_header_row(fields)) continue;
        bad_row("expected two numbers x,y, got \"" + line.substr(0, 60) + "\"");
        continue;
      }
      if (!std::isfinite(*x) || !std::isfinite(*y)) {
        bad_row("x and y must be finite numbers, got \"" + line.substr(0, 60) + "\"");
        continue;
      }
      xs.push_back(static_cast<float>(*x));
      ys.push_back(static_cast<float>(*y));
    }
    if (xs.empty()) return {};
    const auto n = static_cast<int64_t>(xs.size());
    return {at::tensor(xs).reshape({1, n, 1}), at::tensor(ys).reshape({1, n, 1})};
  }
  int64_t bad_rows() const { return bad_rows_; }

 private:
  void bad_row(const std::string& problem) {
    const std::string where = path_ + ":" + std::to_string(line_number_);
    if (!on_bad_row_) throw util::InvalidArgument(where + ": " + problem);
    ++bad_rows_;
    on_bad_row_(where, problem);
  }

  std::string path_;
  std::ifstream in_;
  BadRowHandler on_bad_row_;
  int64_t line_number_ = 0;
  int64_t bad_rows_ = 0;
};

// A uniform sample of a fixed number of the points seen (Vitter's algorithm R), with the slots
// filled since they were last collected.
class Reservoir {
 public:
  Reservoir(int64_t capacity, uint64_t seed)
      : capacity_(capacity), random_(seed ^ 0x9e3779b97f4a7c15ULL) {
    points_.resize(static_cast<size_t>(capacity));
    changed_.assign(static_cast<size_t>(capacity), false);
  }
  void add(const Chunk& chunk) {
    if (capacity_ == 0) return;
    const auto x = chunk.x.contiguous(), y = chunk.y.contiguous();
    const float* xs = x.data_ptr<float>();
    const float* ys = y.data_ptr<float>();
    for (int64_t i = 0; i < chunk.size(); ++i, ++seen_) {
      int64_t slot = seen_;
      if (seen_ >= capacity_) {
        slot = std::uniform_int_distribution<int64_t>(0, seen_)(random_);
        if (slot >= capacity_) continue;
      }
      points_[static_cast<size_t>(slot)] = {slot, xs[i], ys[i]};
      changed_[static_cast<size_t>(slot)] = true;
    }
  }
  std::vector<StreamPoint> take_changes() {
    std::vector<StreamPoint> changes;
    for (size_t slot = 0; slot < changed_.size(); ++slot) {
      if (!changed_[slot]) continue;
      changes.push_back(points_[slot]);
      changed_[slot] = false;
    }
    return changes;
  }

 private:
  int64_t capacity_;
  int64_t seen_ = 0;
  std::mt19937_64 random_;
  std::vector<StreamPoint> points_;
  std::vector<bool> changed_;
};

std::vector<float> to_floats(const at::Tensor& values) {
  const auto flat = values.to(at::kCPU, at::kFloat).contiguous().reshape({-1});
  return {flat.data_ptr<float>(), flat.data_ptr<float>() + flat.numel()};
}

std::unique_ptr<PointSource> open_source(const StreamBenchOptions& options,
                                         BadRowHandler on_bad_row) {
  if (!options.csv.empty()) return std::make_unique<CsvPoints>(options.csv, std::move(on_bad_row));
  return std::make_unique<GeneratedPoints>(options.points, options.noise, options.seed,
                                           options.truth_grid, options.truth_values);
}

// Updates per second at most when a rate is set: each carries what arrived in this long.
constexpr double kRateTickSeconds = 0.05;
// The cap's extrapolation uses predictions at least this factor apart in N.
constexpr double kPeakSpacing = 1.25;

}  // namespace

int64_t process_resident_bytes() {
  return status_field_bytes("VmRSS:");
}
int64_t process_peak_resident_bytes() {
  return status_field_bytes("VmHWM:");
}

int64_t update_chunk(const StreamBenchOptions& options) {
  return options.rate > 0
             ? std::clamp<int64_t>(static_cast<int64_t>(options.rate * kRateTickSeconds), 1,
                                   options.chunk)
             : options.chunk;
}

std::vector<double> stream_targets(int64_t count) {
  std::vector<double> targets(static_cast<size_t>(std::max<int64_t>(count, 0)));
  for (int64_t i = 0; i < count; ++i) {
    targets[static_cast<size_t>(i)] =
        count == 1 ? 0.0 : -2.0 + 4.0 * static_cast<double>(i) / static_cast<double>(count - 1);
  }
  return targets;
}

StreamBenchResult run_stream_bench(const StreamBenchOptions& options,
                                   const std::function<void(const StreamSample&)>& on_sample) {
  if (options.chunk < 1) throw util::InvalidArgument("--chunk: must be positive");
  if (options.points < 1) throw util::InvalidArgument("--n: must be positive");
  if (options.targets < 1) throw util::InvalidArgument("--targets: must be positive");
  if (options.predict_every < 0) throw util::InvalidArgument("--predict-every: must be 0 or more");
  if (!(options.rate >= 0) || !std::isfinite(options.rate)) {
    throw util::InvalidArgument("--rate: must be 0 or more");
  }
  if (!(options.sample_every_seconds >= 0)) {
    throw util::InvalidArgument("--sample-every-s: must be 0 or more");
  }
  if (options.reservoir < 0) throw util::InvalidArgument("--sample-points: must be 0 or more");
  if (!(options.max_update_seconds >= 0))
    throw util::InvalidArgument("--max-update-s: must be 0 or more");
  install_cpu_memory_probe();
  std::shared_ptr<models::NeuralProcess> model;
  if (!options.checkpoint.empty()) {
    model = train::load_checkpoint(options.checkpoint, options.device).model;
  } else {
    torch::manual_seed(options.seed);
    model = models::make_model(models::default_config(options.model));
    model->to(options.device);
  }
  model->eval();
  if (model->dims().dim_x != 1 || model->dims().dim_y != 1) {
    throw util::InvalidArgument("bench stream: needs a 1-D model (dim_x 1, dim_y 1)");
  }
  const c10::InferenceMode inference;
  const auto to_device = [&](const at::Tensor& t) { return t.to(model->tensor_options()); };
  const auto targets = to_device(
      at::tensor(stream_targets(options.targets), at::kDouble).to(at::kFloat).reshape({1, -1, 1}));

  StreamBenchResult result;
  result.model = model->name();
  if (options.on_ready) options.on_ready(result.model);
  int64_t bad_rows = 0;
  auto source = open_source(
      options, options.on_bad_row
                   ? BadRowHandler([&](const std::string& where, const std::string& problem) {
                       ++bad_rows;
                       options.on_bad_row(where, problem);
                     })
                   : BadRowHandler());
  Reservoir reservoir(options.reservoir, options.seed);
  std::unique_ptr<models::ModelState> state;
  std::vector<std::pair<int64_t, double>> predict_peaks;  // for the cap's prediction
  const auto growth = growth_exponents(options.checkpoint.empty() ? options.model : model->name());
  std::vector<double> update_us;  // since the last sample
  // The last few updates, whatever the sampling: the limit is judged on their median, so one
  // update that a parent's pause report reached late does not stop the stream.
  std::deque<double> recent_update_us;
  constexpr std::size_t kRecentUpdates = 5;
  std::optional<models::Prediction> last;
  // Samples at N = 1,000, 2,000, 4,000, ... below predict_every, then every predict_every: the
  // memory of a model whose prediction grows is then extrapolated before it is too late.
  const auto sample_after = [&](int64_t n) -> int64_t {
    if (options.predict_every == 0) return INT64_MAX;
    for (int64_t early = 1000; early < options.predict_every; early *= 2) {
      if (early > n) return early;
    }
    return (n / options.predict_every + 1) * options.predict_every;
  };
  int64_t next_sample = sample_after(0);
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  // The time a parent has held the process stopped so far.
  const auto paused_seconds = [&] {
    return options.paused_seconds ? options.paused_seconds() : 0.0;
  };
  // Running time: wall time less the paused time.
  const auto running_seconds = [&] {
    const double wall = std::chrono::duration<double>(Clock::now() - start).count();
    return std::max(0.0, wall - paused_seconds());
  };
  double last_sample_seconds = 0;
  int64_t last_sample_n = 0;
  bool sampled_once = false;

  const int64_t chunk_limit = update_chunk(options);
  const auto sample = [&]() {
    StreamSample row;
    row.n = result.points;
    if (options.max_update_seconds > 0 && recent_update_us.size() >= 3) {
      const double typical =
          median(std::vector<double>(recent_update_us.begin(), recent_update_us.end())) / 1e6;
      if (typical > options.max_update_seconds) {
        std::ostringstream reason;
        reason << "stopped at N = " << row.n << ": one update of up to " << chunk_limit
               << " points takes " << std::setprecision(3) << typical << " s, over the "
               << options.max_update_seconds << " s limit";
        result.stopped = reason.str();
        return false;
      }
    }
    if (!predict_peaks.empty()) {
      // From the last prediction's peak and one at a quarter fewer points or less (closer ones
      // make a noisy exponent), or from the last one by the model's known growth.
      const auto& [n1, b1] = predict_peaks.back();
      auto earlier = predict_peaks.rbegin();
      while (earlier != predict_peaks.rend() && earlier->first * kPeakSpacing > n1) ++earlier;
      const auto& [n0, b0] = earlier != predict_peaks.rend() ? *earlier : predict_peaks.back();
      const double predicted = n0 == n1
                                   ? b1 * std::pow(static_cast<double>(row.n) / n1, growth.memory)
                                   : extrapolate_peak(n0, b0, n1, b1, row.n, growth.memory);
      if (predicted > options.cap_bytes) {
        result.stopped =
            "stopped at N = " + std::to_string(row.n) +
            ": its next prediction is predicted to need " +
            std::to_string(static_cast<int64_t>(predicted / (1 << 20))) + " MiB, over the " +
            std::to_string(static_cast<int64_t>(options.cap_bytes / (1 << 20))) + " MiB memory cap";
        return false;
      }
    }
    {
      const PeakMemoryScope scope(options.device);
      last = model->predict(*state, targets);
      util::synchronize(options.device);
      row.predict_peak_bytes = scope.peak_bytes();
    }
    // Log-spaced (but for the last), so that an endless stream keeps O(log N) of them.
    const std::pair<int64_t, double> peak{
        row.n, static_cast<double>(std::max<int64_t>(row.predict_peak_bytes, 1))};
    const auto size = predict_peaks.size();
    if (size >= 2 && predict_peaks[size - 1].first < predict_peaks[size - 2].first * kPeakSpacing) {
      predict_peaks.back() = peak;
    } else {
      predict_peaks.push_back(peak);
    }
    row.resident_bytes = process_resident_bytes();
    row.peak_resident_bytes = process_peak_resident_bytes();
    row.state_bytes = state->bytes();
    row.update_us = median(update_us);
    update_us.clear();
    row.seconds = running_seconds();
    row.points_per_second = row.seconds > 0 ? row.n / row.seconds : 0;
    const double interval = row.seconds - last_sample_seconds;
    row.recent_points_per_second = interval > 0 ? (row.n - last_sample_n) / interval : 0;
    row.bad_rows = bad_rows;
    last_sample_seconds = row.seconds;
    last_sample_n = row.n;
    sampled_once = true;
    if (options.keep_samples) result.samples.push_back(row);
    if (on_sample) {
      row.mean = to_floats(last->mean);
      row.stddev = to_floats(last->stddev);
      row.new_points = reservoir.take_changes();
      on_sample(row);
    }
    return true;
  };

  // The generator's points depend on how the stream was cut: the check replays the same cuts.
  std::vector<int64_t> chunk_sizes;
  bool stopped = false;
  while (!stopped) {
    // Chunks end on the sample points, so that samples fall at round N.
    const int64_t until_sample = next_sample - result.points;
    const auto chunk = source->next(std::min(chunk_limit, until_sample));
    if (chunk.size() == 0) break;
    if (options.verify) chunk_sizes.push_back(chunk.size());
    reservoir.add(chunk);
    const auto x = to_device(chunk.x), y = to_device(chunk.y);
    const double paused_before = paused_seconds();
    const auto before = Clock::now();
    if (!state) {
      state = model->condition(x, y);
    } else {
      model->update(*state, x, y);
    }
    util::synchronize(options.device);
    // A parent may have held the process stopped in the middle of this update: that time is
    // not the update's.
    const double paused_during = paused_seconds() - paused_before;
    update_us.push_back(
        std::max(0.0, std::chrono::duration<double, std::micro>(Clock::now() - before).count() -
                          1e6 * paused_during));
    recent_update_us.push_back(update_us.back());
    if (recent_update_us.size() > kRecentUpdates) recent_update_us.pop_front();
    result.points += chunk.size();
    if (result.points >= 10'000 && result.peak_resident_at_1e4 == 0) {
      result.peak_resident_at_1e4 = process_peak_resident_bytes();
    }
    const bool sample_is_due =
        options.sample_every_seconds > 0 &&
        running_seconds() - last_sample_seconds >= options.sample_every_seconds;
    if (result.points >= next_sample || sample_is_due) {
      if (result.points >= next_sample) next_sample = sample_after(result.points);
      if (!sample()) stopped = true;
    }
    if (options.rate > 0 && !stopped) {
      // Ahead of the rate: wait until these points are due.
      const double ahead = static_cast<double>(result.points) / options.rate - running_seconds();
      if (ahead > 0) std::this_thread::sleep_for(std::chrono::duration<double>(ahead));
    }
  }
  if (!state) throw util::InvalidArgument("bench stream: the stream had no points");
  if (!stopped && (!sampled_once || last_sample_n != result.points)) stopped = !sample();
  result.seconds = running_seconds();
  result.bad_rows = bad_rows;
  result.peak_resident_at_end = process_peak_resident_bytes();
  if (result.peak_resident_at_1e4 == 0) result.peak_resident_at_1e4 = result.peak_resident_at_end;

  if (options.verify && !stopped && last) {
    // The same points again, all at once (after the stream's figures are taken); bad rows are
    // skipped as before, quietly this time.
    auto again = open_source(
        options, options.on_bad_row ? BadRowHandler([](const std::string&, const std::string&) {})
                                    : BadRowHandler());
    std::vector<at::Tensor> xs, ys;
    for (const auto size : chunk_sizes) {
      const auto chunk = again->next(size);
      xs.push_back(chunk.x);
      ys.push_back(chunk.y);
    }
    const auto whole = model->condition(to_device(at::cat(xs, 1)), to_device(at::cat(ys, 1)));
    const auto reference = model->predict(*whole, targets);
    const double mean_gap = (reference.mean - last->mean).abs().max().item<double>();
    const double std_gap = (reference.stddev - last->stddev).abs().max().item<double>();
    result.max_abs_difference = std::max(mean_gap, std_gap);
  }
  return result;
}

}  // namespace nplab::bench

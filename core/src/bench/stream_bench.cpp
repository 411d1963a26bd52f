#include "nplab/bench/stream_bench.h"

#include <ATen/ATen.h>
#include <torch/utils.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <memory>
#include <sstream>

#include "nplab/bench/memory_probe.h"
#include "nplab/bench/model_bench.h"
#include "nplab/bench/timing.h"
#include "nplab/data/csv.h"
#include "nplab/models/registry.h"
#include "nplab/runtime.h"
#include "nplab/train/checkpoint.h"
#include "nplab/util/checks.h"

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

// Noisy samples of a fixed smooth function on [-2, 2], the same for a given seed.
class GeneratedPoints : public PointSource {
 public:
  GeneratedPoints(int64_t total, double noise, uint64_t seed)
      : remaining_(total),
        noise_(noise),
        generator_(at::make_generator<at::CPUGeneratorImpl>(seed)) {}
  Chunk next(int64_t count) override {
    const int64_t n = std::min(count, remaining_);
    remaining_ -= n;
    if (n == 0) return {};
    const auto x = at::rand({1, n, 1}, generator_) * 4 - 2;
    const auto y =
        at::sin(3 * x) + 0.5 * at::cos(1.3 * x) + noise_ * at::randn({1, n, 1}, generator_);
    return {x, y};
  }

 private:
  int64_t remaining_;
  double noise_;
  at::Generator generator_;
};

// x,y rows read a chunk at a time, with the field rules of every CSV reader here (data/csv.h);
// blank lines and '#' comments are skipped, and a first line without a number is a header.
class CsvPoints : public PointSource {
 public:
  explicit CsvPoints(std::string path) : path_(std::move(path)), in_(path_) {
    if (!in_) throw InvalidArgument("--csv " + path_ + ": cannot be opened");
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
        const bool header = line_number_ == 1 &&
                            std::none_of(fields.begin(), fields.end(), [](std::string_view field) {
                              return data::parse_csv_number(field).has_value();
                            });
        if (header) continue;
        throw InvalidArgument(path_ + ":" + std::to_string(line_number_) +
                              ": expected two numbers x,y, got \"" + line.substr(0, 60) + "\"");
      }
      if (!std::isfinite(*x) || !std::isfinite(*y)) {
        throw InvalidArgument(path_ + ":" + std::to_string(line_number_) +
                              ": x and y must be finite numbers");
      }
      xs.push_back(static_cast<float>(*x));
      ys.push_back(static_cast<float>(*y));
    }
    if (xs.empty()) return {};
    const auto n = static_cast<int64_t>(xs.size());
    return {at::tensor(xs).reshape({1, n, 1}), at::tensor(ys).reshape({1, n, 1})};
  }

 private:
  std::string path_;
  std::ifstream in_;
  int64_t line_number_ = 0;
};

std::unique_ptr<PointSource> open_source(const StreamBenchOptions& options) {
  if (!options.csv.empty()) return std::make_unique<CsvPoints>(options.csv);
  return std::make_unique<GeneratedPoints>(options.points, options.noise, options.seed);
}

}  // namespace

int64_t process_resident_bytes() {
  return status_field_bytes("VmRSS:");
}
int64_t process_peak_resident_bytes() {
  return status_field_bytes("VmHWM:");
}

StreamBenchResult run_stream_bench(const StreamBenchOptions& options,
                                   const std::function<void(const StreamSample&)>& on_sample) {
  if (options.chunk < 1) throw InvalidArgument("--chunk: must be positive");
  if (options.points < 1) throw InvalidArgument("--n: must be positive");
  if (options.targets < 1) throw InvalidArgument("--targets: must be positive");
  if (options.predict_every < 0) throw InvalidArgument("--predict-every: must be 0 or more");
  install_cpu_memory_probe();
  std::shared_ptr<NeuralProcess> model;
  if (!options.checkpoint.empty()) {
    model = load_checkpoint(options.checkpoint, options.device).model;
  } else {
    torch::manual_seed(options.seed);
    model = make_model(default_config(options.model));
    model->to(options.device);
  }
  model->eval();
  if (model->dims().dim_x != 1 || model->dims().dim_y != 1) {
    throw InvalidArgument("bench stream: needs a 1-D model (dim_x 1, dim_y 1)");
  }
  const c10::InferenceMode inference;
  const auto to_device = [&](const at::Tensor& t) { return t.to(model->tensor_options()); };
  const auto targets = to_device(at::linspace(-2, 2, options.targets).reshape({1, -1, 1}));

  StreamBenchResult result;
  result.model = model->name();
  auto source = open_source(options);
  std::unique_ptr<ModelState> state;
  std::vector<std::pair<int64_t, double>> predict_peaks;  // for the cap's prediction
  const auto growth = growth_exponents(options.checkpoint.empty() ? options.model : model->name());
  std::vector<double> update_us;
  std::optional<Prediction> last;
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

  const auto sample = [&]() {
    StreamSample row;
    row.n = result.points;
    if (!predict_peaks.empty()) {
      // From the last two predictions' peaks, or from the last one by the model's known growth.
      const auto& [n1, b1] = predict_peaks.back();
      const auto& [n0, b0] = predict_peaks.size() >= 2 ? predict_peaks[predict_peaks.size() - 2]
                                                       : predict_peaks.back();
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
      synchronize(options.device);
      row.predict_peak_bytes = scope.peak_bytes();
    }
    predict_peaks.emplace_back(row.n,
                               static_cast<double>(std::max<int64_t>(row.predict_peak_bytes, 1)));
    row.resident_bytes = process_resident_bytes();
    row.peak_resident_bytes = process_peak_resident_bytes();
    row.state_bytes = state->bytes();
    row.update_us = median(update_us);
    update_us.clear();
    row.points_per_second = row.n / std::chrono::duration<double>(Clock::now() - start).count();
    result.samples.push_back(row);
    if (on_sample) on_sample(row);
    return true;
  };

  // The generator's points depend on how the stream was cut: the check replays the same cuts.
  std::vector<int64_t> chunk_sizes;
  bool stopped = false;
  while (!stopped) {
    // Chunks end on the sample points, so that samples fall at round N.
    const int64_t until_sample = next_sample - result.points;
    const auto chunk = source->next(std::min(options.chunk, until_sample));
    if (chunk.size() == 0) break;
    chunk_sizes.push_back(chunk.size());
    const auto x = to_device(chunk.x), y = to_device(chunk.y);
    const auto before = Clock::now();
    if (!state) {
      state = model->condition(x, y);
    } else {
      model->update(*state, x, y);
    }
    synchronize(options.device);
    update_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - before).count());
    result.points += chunk.size();
    if (result.points >= 10'000 && result.peak_resident_at_1e4 == 0) {
      result.peak_resident_at_1e4 = process_peak_resident_bytes();
    }
    if (result.points >= next_sample) {
      next_sample = sample_after(result.points);
      if (!sample()) stopped = true;
    }
  }
  if (!state) throw InvalidArgument("bench stream: the stream had no points");
  if (!stopped && (result.samples.empty() || result.samples.back().n != result.points)) {
    stopped = !sample();
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.peak_resident_at_end = process_peak_resident_bytes();
  if (result.peak_resident_at_1e4 == 0) result.peak_resident_at_1e4 = result.peak_resident_at_end;

  if (options.verify && !stopped && last) {
    // The same points again, all at once (after the stream's figures are taken).
    auto again = open_source(options);
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

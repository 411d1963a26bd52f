#pragma once
// The facade the GUI talks to (DESIGN.md §1, §7): one model plus the context points it is
// conditioned on, in plain standard types only. Torch lives behind the pimpl in
// core/src/facade/, so ui/ never includes a torch header and never sees a tensor.
//
// Every call reports failure as a value (Outcome::error), never by throwing: a bad click must not
// crash the app. An Explorer is not thread-safe: one thread (the GUI's worker) owns it, and every
// call sets inference mode for that thread itself.

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace nplab::facade {

/// Up to kCapacity numbers held inline, with a vector-like interface. Keeping them inline makes
/// a ContextPoint trivially copyable: the GUI copies whole contexts on every edit (undo snapshot,
/// worker request, the explorer's own list), and with heap-allocated vectors a copy of 10,000
/// points was 20,000 allocations, a third of the click-to-replot time at that size.
class Coordinates {
 public:
  static constexpr std::size_t kCapacity = 4;

  Coordinates() = default;
  /// Throws std::length_error past kCapacity values.
  Coordinates(std::initializer_list<double> values) { assign(values.begin(), values.end()); }

  template <class Iterator>
  void assign(Iterator first, Iterator last) {
    clear();
    for (; first != last; ++first) push_back(*first);
  }
  /// Throws std::length_error when full.
  void push_back(double value) {
    if (size_ == kCapacity) {
      throw std::length_error("a context point holds at most " + std::to_string(kCapacity) +
                              " inputs and " + std::to_string(kCapacity) + " outputs");
    }
    values_[size_++] = value;
  }
  void clear() {
    values_ = {};
    size_ = 0;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  double operator[](std::size_t i) const { return values_[i]; }
  double& operator[](std::size_t i) { return values_[i]; }
  const double* data() const { return values_.data(); }
  const double* begin() const { return values_.data(); }
  const double* end() const { return values_.data() + size_; }
  std::vector<double> to_vector() const { return {begin(), end()}; }

  // Unused slots are always 0, so comparing every slot compares the values.
  friend bool operator==(const Coordinates&, const Coordinates&) = default;

 private:
  std::array<double, kCapacity> values_{};
  std::size_t size_ = 0;
};

/// One context point: dim_x inputs and dim_y outputs (1 + 1 for functions; 2 + 1 for the pixels
/// of a grey image).
struct ContextPoint {
  Coordinates x;
  Coordinates y;
  friend bool operator==(const ContextPoint&, const ContextPoint&) = default;
};
static_assert(std::is_trivially_copyable_v<ContextPoint>);

/// A point of a 1D function.
inline ContextPoint point_1d(double x, double y) {
  return {{x}, {y}};
}

/// A value or the reason there is none.
template <class T>
class Outcome {
 public:
  static Outcome success(T value) { return Outcome(std::move(value), {}); }
  static Outcome failure(std::string error) { return Outcome(std::nullopt, std::move(error)); }

  bool ok() const { return value_.has_value(); }
  /// Precondition: ok().
  const T& value() const { return *value_; }
  /// Empty when ok().
  const std::string& error() const { return error_; }

 private:
  Outcome(std::optional<T> value, std::string error)
      : value_(std::move(value)), error_(std::move(error)) {}
  std::optional<T> value_;
  std::string error_;
};

/// How a model is made: its input/output sizes (dim_x = 2 for images), the device ("cpu",
/// "cuda", "auto") and, for an untrained model, the seed of its random weights.
struct ModelOptions {
  int dim_x = 1;
  int dim_y = 1;
  std::string device = "cpu";
  std::uint64_t seed = 0;
};

/// What a trained model's tasks held: beyond these a prediction is an extrapolation, which the
/// views say.
struct TrainingRange {
  std::string data;    ///< the training data's name, e.g. "gp-rbf", "image-fmnist"
  double x_low = 0.0;  ///< every input coordinate lay in [x_low, x_high]
  double x_high = 0.0;
  std::int64_t max_context = 0;  ///< the most context points one training task held
};

/// The range of a training data name (as `nplab-cli train --data` takes it); none for a name
/// that is not one (a checkpoint from elsewhere, a card without "data").
std::optional<TrainingRange> training_range(const std::string& data_name);

struct ModelInfo {
  std::string name;        ///< the registry name, e.g. "cmanp"
  std::string source;      ///< the checkpoint path, or "registry:NAME"
  bool untrained = false;  ///< random weights: predictions mean nothing yet
  int dim_x = 1;
  int dim_y = 1;
  bool constant_time_updates = false;  ///< update()/remove() without revisiting old points
  std::string device;
  std::optional<TrainingRange> training;  ///< from the model card; none when untrained or unknown
};

enum class UpdateMode {
  None,          ///< nothing changed
  ConstantTime,  ///< the state absorbed/released only the changed points, a few of many
  /// The state absorbed the changed points, but they were most of the context (opening a
  /// session, a first brush stroke): in cost, a conditioning on the whole context.
  Condition,
  Recompute,  ///< the model re-encoded the whole context
};

/// What the last change of the context cost.
struct UpdateStats {
  std::int64_t count = 0;  ///< N after the change
  double micros = 0;       ///< wall time of the state change (not of predicting)
  UpdateMode mode = UpdateMode::None;
  std::int64_t state_bytes = 0;  ///< bytes held by the model's state (ModelState::bytes())
  std::string note;              ///< why a constant-time model had to recompute, if it did
};

/// Predictive marginals at M targets, row-major [M, dim_y].
struct GridPrediction {
  std::vector<double> mean;
  std::vector<double> stddev;
  double micros = 0;
};

class Explorer {
 public:
  Explorer();
  ~Explorer();
  Explorer(Explorer&&) noexcept;
  Explorer& operator=(Explorer&&) noexcept;
  Explorer(const Explorer&) = delete;
  Explorer& operator=(const Explorer&) = delete;

  /// The names load_registry_model() accepts.
  static std::vector<std::string> registry_models();

  /// An untrained model from the registry (random weights from options.seed; flagged untrained).
  /// The current points are kept and conditioned on when their sizes fit the new model, else
  /// dropped. On failure the previous model stays loaded.
  Outcome<ModelInfo> load_registry_model(const std::string& name, const ModelOptions& options = {});
  /// A trained model from a checkpoint file (*.pt with its model card), same rules as above.
  Outcome<ModelInfo> load_checkpoint(const std::string& path, const std::string& device = "cpu");

  bool has_model() const;
  /// Precondition: has_model().
  const ModelInfo& model() const;
  const std::vector<ContextPoint>& points() const;
  /// The last edit that changed the context (or the conditioning of a newly loaded model).
  const UpdateStats& last_update() const;

  // Edits. Each one leaves points() and the state unchanged when it fails.
  Outcome<UpdateStats> add(const ContextPoint& point);
  Outcome<UpdateStats> add(const std::vector<ContextPoint>& points);
  Outcome<UpdateStats> move(std::size_t index, const ContextPoint& to);
  Outcome<UpdateStats> remove(std::size_t index);
  Outcome<UpdateStats> clear();
  /// Makes `points` the context, changing only what differs: appended points are an update,
  /// removed ones a remove (constant-time models), anything else a recompute. Used for undo/redo
  /// and by the worker, which always sends the whole latest point list.
  Outcome<UpdateStats> set_points(const std::vector<ContextPoint>& points);

  /// Predicts at M targets given row-major [M, dim_x] in `xs`.
  Outcome<GridPrediction> predict(const std::vector<double>& xs);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// "constant-time update" / "conditioning" / "recompute" / "no change", for readouts.
const char* to_string(UpdateMode mode);

/// The device a --device choice ("auto", "cpu", "cuda", "cuda:N") names on this machine, as
/// "cpu" or "cuda:N"; fails with the reason when there is no such device here (e.g. "cuda" on a
/// machine without a GPU, or a LibTorch built without CUDA).
Outcome<std::string> resolve_device_name(const std::string& device);

/// Sets how many threads LibTorch uses inside one operation, process-wide (at::set_num_threads).
/// Call it on the thread that computes: with OpenMP the setting is picked up per thread. The GUI
/// leaves one core to its own thread. Throws std::invalid_argument for threads < 1.
void set_compute_threads(int threads);

}  // namespace nplab::facade

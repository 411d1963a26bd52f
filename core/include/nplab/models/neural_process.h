#pragma once
// The one interface every Neural Process in NPLab honours (DESIGN.md §3).
//
//   condition(xc, yc)        -> state      encode a context set
//   update(state, xn, yn)                  add points (CMANP: O(|new|) time, O(1) memory)
//   remove(state, xr, yr)                  take points out (CMANP: exact or "recondition")
//   predict(state, xt)       -> {mean, std} any number of targets, processed in chunks
//   loss(batch)              -> -mean target log-likelihood
//
// Shapes are batch-first: x [B, N, dim_x], y [B, N, dim_y]. Every model is invariant to the order
// of the context, equivariant in the targets, and update(condition(A), B) == condition(A ∪ B).

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nplab::models {

/// Predictive marginals per target: mean and standard deviation, each [B, M, dim_y].
struct Prediction {
  at::Tensor mean;
  at::Tensor stddev;
};

/// A set of tasks: context (xc, yc) and targets (xt, yt), batch-first.
struct Batch {
  at::Tensor xc, yc, xt, yt;
  Batch to(const c10::Device& device) const;
};

/// Common hyperparameters of the reference models (DESIGN.md §4).
struct ModelDims {
  int64_t dim_x = 1;
  int64_t dim_y = 1;
  int64_t d_model = 64;
  int64_t heads = 4;
  int64_t layers = 6;
  int64_t feedforward = 128;
  int64_t emb_depth = 4;
  bool bound_std = false;  ///< std = 0.05 + 0.95 softplus(raw) (images) instead of exp(raw)
};

/// What a model keeps after conditioning. Recompute models (TNP-D, LBANP, TNP-KR, CNP) keep the
/// context; CMANP keeps only a fixed-size summary.
class ModelState {
 public:
  virtual ~ModelState() = default;
  /// Number of context points summarised.
  virtual int64_t count() const = 0;
  virtual int64_t batch() const = 0;
  /// Bytes held by the state's tensors.
  virtual int64_t bytes() const = 0;
  virtual std::unique_ptr<ModelState> clone() const = 0;
};

enum class UpdateKind {
  ConstantTime,  ///< the state absorbs new points without revisiting old ones (CMANP)
  Recompute,     ///< the model re-encodes the whole stored context
};

/// Outcome of remove(): `exact` false means the state is unchanged and the caller must recondition
/// on the remaining points (CMANP when cancellation would lose precision).
struct RemoveResult {
  bool exact = true;
};

class NeuralProcess : public torch::nn::Module {
 public:
  NeuralProcess(std::string name, const ModelDims& dims);

  const std::string& name() const { return name_; }
  const ModelDims& dims() const { return dims_; }
  /// The JSON configuration the registry builds this model from.
  virtual nlohmann::json config() const = 0;
  virtual UpdateKind update_kind() const { return UpdateKind::Recompute; }
  /// Whether the model predicts from an empty context itself. For models that do not (attention
  /// over zero points is undefined), predict() on an empty state returns the standardised prior
  /// of the tasks: mean 0, std 1.
  virtual bool handles_empty_context() const { return false; }

  std::unique_ptr<ModelState> condition(const at::Tensor& xc, const at::Tensor& yc);
  void update(ModelState& state, const at::Tensor& xn, const at::Tensor& yn);
  RemoveResult remove(ModelState& state, const at::Tensor& xr, const at::Tensor& yr);
  /// Does now the work a model defers from update()/remove() to the next predict() (CMANP
  /// recomputes its fixed-size latent stack lazily, so that a run of edits pays for it once).
  /// Optional: predict() does it when needed. Timing an edit end to end means update + prepare.
  void prepare(const ModelState& state) { do_prepare(state); }
  /// Targets are processed `target_chunk` at a time (memory bounded for any M).
  Prediction predict(const ModelState& state, const at::Tensor& xt);
  /// -mean over batch and targets of sum over dim_y of log N(yt | mean, std), conditioning on
  /// (xc, yc) in one piece (what training differentiates).
  at::Tensor loss(const Batch& batch);
  /// Per-task target log-likelihood [B]: mean over targets of sum over dim_y.
  at::Tensor target_log_likelihood(const Batch& batch);

  int64_t target_chunk() const { return target_chunk_; }
  void set_target_chunk(int64_t chunk);

  /// Device and dtype of the parameters.
  at::TensorOptions tensor_options() const;

 protected:
  // Implementations see validated inputs: [B, N, dim] floats on the model's device and dtype,
  // finite, with matching batch and point counts.
  virtual std::unique_ptr<ModelState> do_condition(const at::Tensor& xc, const at::Tensor& yc) = 0;
  virtual void do_update(ModelState& state, const at::Tensor& xn, const at::Tensor& yn) = 0;
  virtual RemoveResult do_remove(ModelState& state, const at::Tensor& xr, const at::Tensor& yr) = 0;
  virtual Prediction do_predict(const ModelState& state, const at::Tensor& xt) = 0;
  virtual void do_prepare(const ModelState& /*state*/) {}

  /// The predictive head's raw output [.., 2 dim_y] -> (mean, std) per dims().bound_std.
  Prediction split_head_output(const at::Tensor& raw) const;

 private:
  void check_pair(const at::Tensor& x, const char* x_name, const at::Tensor& y, const char* y_name,
                  int64_t min_points) const;
  void check_state(const ModelState& state, const at::Tensor& x, const char* x_name) const;

  std::string name_;
  ModelDims dims_;
  int64_t target_chunk_ = 4096;
};

/// A state that keeps the raw context (for models whose update is a recompute).
class StoredContextState : public ModelState {
 public:
  StoredContextState(at::Tensor xc, at::Tensor yc) : xc_(std::move(xc)), yc_(std::move(yc)) {}
  int64_t count() const override { return xc_.size(1); }
  int64_t batch() const override { return xc_.size(0); }
  int64_t bytes() const override;
  std::unique_ptr<ModelState> clone() const override;

  const at::Tensor& xc() const { return xc_; }
  const at::Tensor& yc() const { return yc_; }
  void append(const at::Tensor& xn, const at::Tensor& yn);
  /// Removes, per batch element, the stored points equal to rows of (xr, yr) (exact match; each
  /// row removes one stored point). Throws InvalidArgument naming a row that is not stored.
  void erase(const at::Tensor& xr, const at::Tensor& yr);

  /// Cached encodings a model may attach (e.g. LBANP latents); cleared on every change.
  std::vector<at::Tensor> cache;

 protected:
  at::Tensor xc_, yc_;
};

/// The base of the recompute models (TNP-D, LBANP, TNP-KR, CNP): condition, update and remove
/// keep the raw context in a StoredContextState, once for all of them; after every change the
/// model re-encodes what it caches (encode_context), and do_predict reads the cache. A model
/// writes its encoder and do_predict only.
class StoredContextModel : public NeuralProcess {
 public:
  using NeuralProcess::NeuralProcess;

 protected:
  /// Fills state.cache from the stored context. Called after every change with count() > 0 (the
  /// cache is empty for an empty context); the default caches nothing (TNP-D encodes per query).
  virtual void encode_context(StoredContextState& /*state*/) {}
  /// The state as the stored-context state it is.
  static const StoredContextState& stored(const ModelState& state);

  std::unique_ptr<ModelState> do_condition(const at::Tensor& xc, const at::Tensor& yc) final;
  void do_update(ModelState& state, const at::Tensor& xn, const at::Tensor& yn) final;
  RemoveResult do_remove(ModelState& state, const at::Tensor& xr, const at::Tensor& yr) final;

 private:
  void reencode(StoredContextState& state);
};

/// The embedding MLP of the reference code: Linear(in, d), ReLU, (depth-2) x [Linear(d, d), ReLU],
/// Linear(d, d).
torch::nn::Sequential make_embedding_mlp(int64_t in_dim, int64_t d_model, int64_t depth);
/// The predictive head: Linear(d, ff) - ReLU - Linear(ff, 2 dim_y).
torch::nn::Sequential make_predictor_head(int64_t d_model, int64_t feedforward, int64_t dim_y);

/// Reads the common hyperparameters from a JSON config (missing keys keep their defaults) and
/// writes them back.
ModelDims dims_from_json(const nlohmann::json& config);
void dims_to_json(const ModelDims& dims, nlohmann::json& config);

}  // namespace nplab::models

#pragma once
// 1D Gaussian-process regression tasks, the TNP/LBANP/CMANP protocol (DESIGN.md §5).
//
// Conventions follow the reference sampler, TNP-pytorch regression/data/gp.py (RBFKernel,
// Matern52Kernel, PeriodicKernel, GPSampler), with d = x - x', l the lengthscale, s the scale,
// p the period:
//   rbf       k = s² exp(-½ |d/l|²)
//   matern    k = s² (1 + √5 r + 5r²/3) exp(-√5 r),   r = |d/l|          (Matérn 5/2)
//   periodic  k = s² exp(-2 sin²(π |d|₁ / p) / l²)
// with l ~ U(0.1, 0.6), s ~ U(0.1, 1.0), p ~ U(0.1, 0.5) drawn per task. The reference adds
// sigma_eps² I with sigma_eps = 0.02 to the covariance it samples y from, so the sampled y are
// noisy observations of f with Gaussian noise of std 0.02 (the oracle accounts for it).
// "tnoise" tasks (RBF prior) then add 0.15·u·t, u ~ U(0, 1), t ~ Student-t(2.1), where the
// reference draws u per point (`0.15 * torch.rand(batch.y.shape)`), not per task.

#include <ATen/ATen.h>
#include <ATen/core/Generator.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nplab/data/task_counts.h"
#include "nplab/models/neural_process.h"

namespace nplab::data {

enum class KernelKind { RBF, Matern52, Periodic };

/// One task's kernel hyperparameters (the period is used by the periodic kernel only).
struct KernelParams {
  double lengthscale = 0.5;
  double scale = 1.0;
  double period = 0.3;
};

/// Per-task hyperparameters, each a float64 tensor [B] (or [1], broadcast over the batch).
struct KernelHyperparameters {
  at::Tensor lengthscale, scale, period;

  /// The same parameters for `batch` tasks.
  static KernelHyperparameters constant(const KernelParams& params, int64_t batch = 1);
  int64_t batch() const { return lengthscale.size(0); }
  /// Throws InvalidArgument unless every tensor is [batch] or [1].
  void check(int64_t batch) const;
  /// Task `index`'s parameters.
  KernelParams task(int64_t index) const;
  KernelHyperparameters to(const c10::Device& device) const;
};

/// What generated a batch of tasks, all the oracle needs: kernel, hyperparameters and the std of
/// the Gaussian observation noise included in y.
struct GPPrior {
  KernelKind kernel = KernelKind::RBF;
  KernelHyperparameters hyper;
  double noise_std = 0.02;
};

/// A batch of GP tasks and the prior each was drawn from.
struct GPTasks {
  models::Batch batch;
  GPPrior prior;
  bool student_t_noise = false;  ///< y also carries the heavy-tailed "tnoise" noise
};

struct Range {
  double low = 0.0;
  double high = 1.0;
};

struct GPSamplerOptions {
  KernelKind kernel = KernelKind::RBF;
  bool student_t_noise = false;
  TaskCountOptions counts{};  ///< 50 points, at least 3 context and 3 targets
  int64_t dim_x = 1;
  Range x_range{-2.0, 2.0};
  Range lengthscale{0.1, 0.6};
  Range scale{0.1, 1.0};
  Range period{0.1, 0.5};
  double noise_std = 0.02;            ///< sigma_eps of the reference kernels
  double t_noise_max_scale = 0.15;    ///< t-noise scale ~ U(0, this), per point
  double t_noise_dof = 2.1;

  void validate() const;
};

/// The sampler options for a task family name: "rbf", "matern", "periodic" or "tnoise" (RBF prior
/// with Student-t noise). Throws InvalidArgument naming the known names otherwise.
GPSamplerOptions gp_options_for(std::string_view name);
/// The task family names gp_options_for accepts.
std::vector<std::string> gp_task_names();
std::string_view kernel_name(KernelKind kernel);

/// Kernel matrix k(x1, x2) [B, N, M] for x1 [B, N, dx], x2 [B, M, dx], computed in float64 on the
/// inputs' device, without the observation noise.
at::Tensor kernel_matrix(KernelKind kernel, const at::Tensor& x1, const at::Tensor& x2,
                         const KernelHyperparameters& hyper);

/// Jointly samples y [B, N, 1] ~ N(0, k(x, x) + noise_std² I) at x [B, N, dx] (float64, Cholesky
/// on the CPU with `generator`; returned on x's device in float64).
at::Tensor sample_gp_values(KernelKind kernel, const at::Tensor& x,
                            const KernelHyperparameters& hyper, double noise_std,
                            at::Generator& generator);

/// One ground-truth function f on a grid ([N] or [N, dx]): f ~ GP(0, k), noise-free (sampled
/// through an eigendecomposition, so dense grids need no jitter), plus i.i.d. Gaussian noise of
/// std `noise_std` when it is positive. Returns float64 [N] on the grid's device.
at::Tensor sample_gp_function(KernelKind kernel, const KernelParams& params, const at::Tensor& grid,
                              at::Generator& generator, double noise_std = 0.0);
/// The same from a fresh generator seeded with `seed`.
at::Tensor sample_gp_function(KernelKind kernel, const KernelParams& params, const at::Tensor& grid,
                              uint64_t seed, double noise_std = 0.0);

/// Draws batches of GP tasks. Deterministic for a given seed (or generator state), whatever the
/// output device: everything is drawn on the CPU in float64, then cast and moved.
class GPSampler {
 public:
  GPSampler(GPSamplerOptions options, uint64_t seed);
  /// Shares `generator` (a CPU generator) with the caller.
  GPSampler(GPSamplerOptions options, at::Generator generator);

  /// A batch with counts drawn per DESIGN.md §5 (shared across the batch). `output` sets the
  /// dtype and device of the Batch tensors (float32 on the CPU by default); the hyperparameters
  /// stay float64 on the same device.
  GPTasks sample(int64_t batch_size, const at::TensorOptions& output = at::kFloat);
  /// A batch with the given counts.
  GPTasks sample(int64_t batch_size, TaskCounts counts,
                 const at::TensorOptions& output = at::kFloat);

  const GPSamplerOptions& options() const { return options_; }
  at::Generator& generator() { return generator_; }

 private:
  KernelHyperparameters sample_hyperparameters(int64_t batch_size);

  GPSamplerOptions options_;
  at::Generator generator_;
};

}  // namespace nplab::data

#pragma once
// The functions Bayesian optimisation searches (maximises) in NPLab: samples from the GP priors
// of the training protocol and classical 1D test functions, all on x in [-2, 2].
//
// Every objective is tabulated on a dense grid of [-2, 2]; the loop queries grid points only, so
// the true optimum is the largest grid value and the simple regret can reach 0 exactly.
//   gp-rbf, gp-matern, gp-periodic  f ~ GP(0, k) with hyperparameters drawn per seed from the
//       training protocol's ranges (data/gp.h); the oracle GP knows the kernel and them.
//   forrester, gramacy-lee, levy   the classical minimisation benchmarks (Forrester et al. 2008
//       on [0, 1], Gramacy & Lee 2012 on [0.5, 2.5], Levy on [-10, 10]) mapped onto [-2, 2],
//       negated (so that their minimiser is our maximiser) and rescaled affinely so that their
//       values span [-1, 1], the range the Neural Processes were trained on. Their oracle GP uses
//       the kernel and hyperparameters of largest evidence on 80 evenly spaced values of f.
// Observations are noise-free values of f; the GP surrogates still assume the protocol's noise
// std 0.02, as the Neural Processes learnt it.

#include <ATen/ATen.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nplab/data/gp.h"

namespace nplab::bo {

inline constexpr double kDomainLow = -2.0;
inline constexpr double kDomainHigh = 2.0;
inline constexpr int64_t kDefaultGridPoints = 1001;

struct Objective {
  std::string name;
  at::Tensor grid;       ///< float64 [G], evenly spaced on [-2, 2]
  at::Tensor values;     ///< float64 [G], f on the grid
  int64_t argmax = 0;    ///< grid index of the maximum
  double optimum = 0.0;  ///< max of f over the grid
  /// The oracle GP's prior: the true one (GP samples) or the best-evidence fit (classical).
  data::GPPrior prior;
  bool prior_is_true = false;

  int64_t grid_points() const { return grid.size(0); }
  double x_at(int64_t index) const;
  double value_at(int64_t index) const;
};

/// gp-rbf, gp-matern, gp-periodic, forrester, gramacy-lee, levy.
std::vector<std::string> objective_names();

/// The objective `name` for `seed` (GP samples differ per seed; classical functions do not) on
/// `grid_points` evenly spaced points. Throws util::InvalidArgument for an unknown name (listing
/// the known ones) or fewer than 2 grid points.
Objective make_objective(std::string_view name, uint64_t seed,
                         int64_t grid_points = kDefaultGridPoints);

/// The prior among RBF and Matérn 5/2 kernels and a grid of lengthscales and scales whose log
/// evidence for `values` at `x` (float64 [N]) is largest, with observation noise `noise_std`.
data::GPPrior fit_prior_by_evidence(const at::Tensor& x, const at::Tensor& values,
                                    double noise_std);

}  // namespace nplab::bo

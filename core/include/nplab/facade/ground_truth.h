#pragma once
// A hidden ground-truth function for the Functions view, in plain types (the facade's rules: no
// torch here, failures as values). The function is one draw f ~ GP(0, k) on the view's grid
// (nplab/data/gp.h); "reveal" adds observations y = f(x) + ε, ε ~ N(0, kRevealNoiseStd²), and the
// oracle is exact GP regression with the true kernel, hyperparameters and that noise
// (nplab/data/oracle_gp.h): the best any model could predict from the same context.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nplab/facade/explorer.h"

namespace nplab::facade {

enum class TruthKernel { RBF, Matern52, Periodic };

/// Std of the Gaussian noise on revealed points: the reference protocol's sigma_eps.
inline constexpr double kRevealNoiseStd = 0.02;

/// What the hidden function is drawn from. The defaults give a function with a few bumps over
/// x in [-2, 2] and values mostly within ±2: easy to see on a projector and inside the training
/// distribution's lengthscales (0.1 to 0.6).
struct TruthSpec {
  TruthKernel kernel = TruthKernel::RBF;
  double lengthscale = 0.4;
  double scale = 1.0;
  double period = 1.0;  ///< used by the periodic kernel only
  std::uint64_t seed = 1;
  friend bool operator==(const TruthSpec&, const TruthSpec&) = default;
};

/// "rbf", "matern" (Matérn 5/2) or "periodic": the data layer's names (gp_options_for).
std::string truth_kernel_name(TruthKernel kernel);
/// The kernel of a name truth_kernel_name() gives; nullopt for anything else.
std::optional<TruthKernel> truth_kernel_from_name(std::string_view name);
/// Why `spec` cannot be used (a non-positive or non-finite lengthscale, scale or period), or
/// empty when it can.
std::string truth_spec_problem(const TruthSpec& spec);

/// f at the 1D inputs `grid`, noise-free. The same spec and grid always give the same values.
Outcome<std::vector<double>> sample_truth(const TruthSpec& spec, const std::vector<double>& grid);

/// The oracle's posterior predictive (mean, std of a noisy observation) at the 1D `targets`,
/// given 1D context points. Its noise is kRevealNoiseStd unless the points contradict it (the
/// same x with different y): then the one the evidence favours (data::evidence_noise_std).
Outcome<GridPrediction> oracle_prediction(const TruthSpec& spec,
                                          const std::vector<ContextPoint>& context,
                                          const std::vector<double>& targets);

}  // namespace nplab::facade

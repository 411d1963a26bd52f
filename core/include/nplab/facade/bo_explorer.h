#pragma once
// Bayesian optimisation one step at a time, for a view that lets a person watch a surrogate drive
// the search (the loop itself: nplab/bo/loop.h). Plain types only; failures come back as values.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nplab/facade/explorer.h"

namespace nplab::facade {

struct BoSettings {
  std::string function = "gp-rbf";  ///< an objective name (nplab-cli bo --function)
  /// "oracle", "random", or the path of a 1D regression checkpoint (.pt).
  std::string surrogate = "oracle";
  std::string acquisition = "ei";  ///< ei, ucb or thompson
  std::uint64_t seed = 0;
  int grid_points = 1001;
  int initial_points = 3;
  double ucb_kappa = 2.0;
  friend bool operator==(const BoSettings&, const BoSettings&) = default;
};

/// The objectives BoSettings::function may name (gp-rbf, gp-matern, ..., forrester, ...).
std::vector<std::string> bo_objective_names();
/// The acquisitions BoSettings::acquisition may name (ei, ucb, thompson).
std::vector<std::string> bo_acquisition_names();

/// Everything a view draws, on the grid of [-2, 2].
struct BoFrame {
  std::vector<double> grid;
  std::vector<double> truth;              ///< f, the hidden function
  std::vector<double> mean, stddev;       ///< the surrogate's predictive (empty for random search)
  std::vector<double> acquisition;        ///< of the next step (empty for random search)
  std::vector<double> query_x, query_y;   ///< the starting points, then every step's query
  int starting_points = 0;                ///< how many of query_x are starting points
  double next_x = 0.0;                    ///< the proposed next query
  double optimum = 0.0, optimum_x = 0.0;  ///< f* and where
  std::vector<double> simple_regret;      ///< after the starting points (index 0), then per step
  std::vector<double> step_ms;            ///< per step
};

class BoExplorer {
 public:
  ~BoExplorer();
  BoExplorer(const BoExplorer&) = delete;
  BoExplorer& operator=(const BoExplorer&) = delete;

  /// Makes the objective, loads the surrogate and places the starting points.
  static Outcome<std::unique_ptr<BoExplorer>> open(const BoSettings& settings);
  const BoSettings& settings() const;

  Outcome<BoFrame> frame() const;
  /// Queries the proposed point.
  Outcome<BoFrame> step();
  /// Steps until `steps` steps are done (none when there are already that many).
  Outcome<BoFrame> run_to(int steps);
  /// Queries the grid point nearest to `x` (clamped to [-2, 2]), a query placed by hand.
  Outcome<BoFrame> query_at(double x);
  /// Back to the starting points (the same ones: the seed fixes them).
  Outcome<BoFrame> reset();

 private:
  struct Impl;
  explicit BoExplorer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace nplab::facade

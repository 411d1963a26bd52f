#include "nplab/bo/objective.h"

#include <ATen/CPUGeneratorImpl.h>

#include <array>
#include <cmath>
#include <functional>
#include <numbers>
#include <utility>

#include "nplab/data/oracle_gp.h"
#include "nplab/util/checks.h"

namespace nplab::bo {
namespace {

constexpr std::array<std::pair<std::string_view, data::KernelKind>, 3> kGPObjectives{{
    {"gp-rbf", data::KernelKind::RBF},
    {"gp-matern", data::KernelKind::Matern52},
    {"gp-periodic", data::KernelKind::Periodic},
}};

using Classical = std::function<at::Tensor(const at::Tensor&)>;

/// The classical benchmarks as functions of x in [-2, 2], in their own (minimised) form.
const std::array<std::pair<std::string_view, Classical>, 3>& classical_functions() {
  static const std::array<std::pair<std::string_view, Classical>, 3> functions{{
      {"forrester",
       [](const at::Tensor& x) {
         const auto u = (x + 2.0) / 4.0;  // [0, 1]
         return (6.0 * u - 2.0).square() * at::sin(12.0 * u - 4.0);
       }},
      {"gramacy-lee",
       [](const at::Tensor& x) {
         const auto u = 0.5 + (x + 2.0) / 2.0;  // [0.5, 2.5]
         return at::sin(10.0 * std::numbers::pi * u) / (2.0 * u) + (u - 1.0).pow(4);
       }},
      {"levy",
       [](const at::Tensor& x) {
         const auto w = 1.0 + (5.0 * x - 1.0) / 4.0;  // u = 5x in [-10, 10]
         return at::sin(std::numbers::pi * w).square() +
                (w - 1.0).square() * (1.0 + at::sin(2.0 * std::numbers::pi * w).square());
       }},
  }};
  return functions;
}

constexpr int64_t kEvidencePoints = 80;
constexpr double kProtocolNoiseStd = 0.02;

void finish(Objective& objective) {
  objective.argmax = objective.values.argmax().item<int64_t>();
  objective.optimum = objective.values[objective.argmax].item<double>();
}

}  // namespace

double Objective::x_at(int64_t index) const {
  return grid[index].item<double>();
}
double Objective::value_at(int64_t index) const {
  return values[index].item<double>();
}

std::vector<std::string> objective_names() {
  std::vector<std::string> names;
  for (const auto& [name, kernel] : kGPObjectives) names.emplace_back(name);
  for (const auto& [name, function] : classical_functions()) names.emplace_back(name);
  return names;
}

data::GPPrior fit_prior_by_evidence(const at::Tensor& x, const at::Tensor& values,
                                    double noise_std) {
  util::check_rank(x, "x", 1);
  util::check_rank(values, "values", 1);
  util::check_size(values, "values", 0, x.size(0));
  const auto lengthscales = at::logspace(std::log10(0.03), std::log10(2.0), 24, 10.0, at::kDouble);
  const auto scales = at::logspace(std::log10(0.1), std::log10(3.0), 16, 10.0, at::kDouble);
  const auto grid = at::meshgrid({lengthscales, scales}, "ij");
  data::KernelHyperparameters hyper{grid[0].reshape({-1}), grid[1].reshape({-1}),
                                    at::zeros({grid[0].numel()}, at::kDouble)};
  const int64_t candidates = hyper.batch();
  const int64_t count = x.size(0);
  const auto points = x.to(at::kDouble).view({1, count, 1}).expand({candidates, count, 1});
  const auto y = values.to(at::kDouble).view({1, count, 1}).expand({candidates, count, 1});
  data::GPPrior best;
  double best_evidence = -HUGE_VAL;
  for (const auto kernel : {data::KernelKind::RBF, data::KernelKind::Matern52}) {
    auto covariance = data::kernel_matrix(kernel, points, points, hyper);
    covariance.diagonal(0, -2, -1).add_(noise_std * noise_std);
    const auto lower = data::stable_cholesky(covariance);
    const auto whitened = at::linalg_solve_triangular(lower, y, /*upper=*/false);
    const auto evidence =
        -0.5 * whitened.square().sum({1, 2}) - lower.diagonal(0, -2, -1).log().sum(-1);
    const auto index = evidence.argmax().item<int64_t>();
    const double value = evidence[index].item<double>();
    if (value > best_evidence) {
      best_evidence = value;
      best.kernel = kernel;
      best.hyper = data::KernelHyperparameters::constant(hyper.task(index));
      best.noise_std = noise_std;
    }
  }
  return best;
}

Objective make_objective(std::string_view name, uint64_t seed, int64_t grid_points) {
  if (grid_points < 2) {
    throw util::InvalidArgument("objective: the grid needs at least 2 points, got " +
                                std::to_string(grid_points));
  }
  Objective objective;
  objective.name = std::string(name);
  objective.grid = at::linspace(kDomainLow, kDomainHigh, grid_points, at::kDouble);
  for (const auto& [known, kernel] : kGPObjectives) {
    if (name != known) continue;
    // The hyperparameters and the function come from one generator of this seed.
    auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    const auto options = data::GPSamplerOptions{};
    const auto draw = [&generator](const data::Range& range) {
      return range.low +
             (range.high - range.low) * at::rand({1}, generator, at::kDouble).item<double>();
    };
    data::KernelParams params;
    params.lengthscale = draw(options.lengthscale);
    params.scale = draw(options.scale);
    params.period = kernel == data::KernelKind::Periodic ? draw(options.period) : 0.0;
    objective.values = data::sample_gp_function(kernel, params, objective.grid, generator);
    objective.prior = {kernel, data::KernelHyperparameters::constant(params), options.noise_std};
    objective.prior_is_true = true;
    finish(objective);
    return objective;
  }
  for (const auto& [known, function] : classical_functions()) {
    if (name != known) continue;
    const auto maximised = -function(objective.grid);
    const double low = maximised.min().item<double>();
    const double high = maximised.max().item<double>();
    objective.values = 2.0 * (maximised - low) / (high - low) - 1.0;
    const auto every = std::max<int64_t>(1, grid_points / kEvidencePoints);
    const auto sample = at::arange(0, grid_points, every, at::kLong);
    objective.prior =
        fit_prior_by_evidence(objective.grid.index_select(0, sample),
                              objective.values.index_select(0, sample), kProtocolNoiseStd);
    finish(objective);
    return objective;
  }
  std::string known;
  for (const auto& each : objective_names()) known += (known.empty() ? "" : ", ") + each;
  throw util::InvalidArgument("unknown function '" + std::string(name) + "'; known: " + known);
}

}  // namespace nplab::bo

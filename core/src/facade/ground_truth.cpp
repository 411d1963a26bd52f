#include "nplab/facade/ground_truth.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <array>
#include <cmath>
#include <utility>

#include "guarded.h"
#include "nplab/data/gp.h"
#include "nplab/data/oracle_gp.h"
#include "nplab/util/checks.h"

namespace nplab::facade {
namespace {

using detail::guarded;

constexpr std::array<std::pair<TruthKernel, data::KernelKind>, 3> kKernels{{
    {TruthKernel::RBF, data::KernelKind::RBF},
    {TruthKernel::Matern52, data::KernelKind::Matern52},
    {TruthKernel::Periodic, data::KernelKind::Periodic},
}};

data::KernelKind data_kernel(TruthKernel kernel) {
  for (const auto& [truth, kind] : kKernels) {
    if (truth == kernel) return kind;
  }
  throw util::InvalidArgument("kernel: unknown TruthKernel value " +
                              std::to_string(static_cast<int>(kernel)));
}

data::KernelParams params_of(const TruthSpec& spec) {
  if (const auto problem = truth_spec_problem(spec); !problem.empty()) {
    throw util::InvalidArgument(problem);
  }
  return {spec.lengthscale, spec.scale, spec.period};
}

void check_inputs(const std::vector<double>& xs, const std::string& name) {
  for (size_t i = 0; i < xs.size(); ++i) {
    if (!std::isfinite(xs[i])) {
      throw util::InvalidArgument(name + "[" + std::to_string(i) + "] = " + std::to_string(xs[i]) +
                                  " is not finite");
    }
  }
}

/// [1, count, 1] float64 tensor of 1D values.
at::Tensor column(const std::vector<double>& values) {
  return at::tensor(values, at::kDouble).view({1, static_cast<int64_t>(values.size()), 1});
}

std::vector<double> to_vector(const at::Tensor& tensor) {
  const auto flat = tensor.to(at::kCPU, at::kDouble).contiguous().view({-1});
  return {flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel()};
}

}  // namespace

std::string truth_kernel_name(TruthKernel kernel) {
  return std::string(data::kernel_name(data_kernel(kernel)));
}

std::optional<TruthKernel> truth_kernel_from_name(std::string_view name) {
  for (const auto& [truth, kind] : kKernels) {
    if (data::kernel_name(kind) == name) return truth;
  }
  return std::nullopt;
}

std::string truth_spec_problem(const TruthSpec& spec) {
  const auto positive = [](double value) { return std::isfinite(value) && value > 0.0; };
  if (!positive(spec.lengthscale)) {
    return "lengthscale: " + std::to_string(spec.lengthscale) + " (must be positive)";
  }
  if (!positive(spec.scale)) return "scale: " + std::to_string(spec.scale) + " (must be positive)";
  if (!positive(spec.period)) {
    return "period: " + std::to_string(spec.period) + " (must be positive)";
  }
  return {};
}

Outcome<std::vector<double>> sample_truth(const TruthSpec& spec, const std::vector<double>& grid) {
  return guarded<std::vector<double>>("sampling the hidden function", [&] {
    check_inputs(grid, "grid");
    const c10::InferenceMode inference;
    const auto values = data::sample_gp_function(data_kernel(spec.kernel), params_of(spec),
                                                 at::tensor(grid, at::kDouble), spec.seed);
    return to_vector(values);
  });
}

Outcome<GridPrediction> oracle_prediction(const TruthSpec& spec,
                                          const std::vector<ContextPoint>& context,
                                          const std::vector<double>& targets) {
  return guarded<GridPrediction>("the oracle's prediction", [&] {
    check_inputs(targets, "targets");
    std::vector<double> xs, ys;
    for (size_t i = 0; i < context.size(); ++i) {
      if (context[i].x.size() != 1 || context[i].y.size() != 1) {
        throw util::InvalidArgument("context point " + std::to_string(i) +
                                    ": the oracle takes 1D points (one x, one y)");
      }
      xs.push_back(context[i].x[0]);
      ys.push_back(context[i].y[0]);
    }
    check_inputs(xs, "context x");
    check_inputs(ys, "context y");
    const c10::InferenceMode inference;
    data::GPPrior prior{data_kernel(spec.kernel),
                        data::KernelHyperparameters::constant(params_of(spec)), kRevealNoiseStd};
    // Hand-placed points may contradict the reveal noise (see evidence_noise_std).
    prior.noise_std = data::evidence_noise_std(column(xs), column(ys), prior);
    const auto prediction = data::oracle_predict(column(xs), column(ys), column(targets), prior);
    return GridPrediction{to_vector(prediction.mean), to_vector(prediction.stddev), 0.0};
  });
}

}  // namespace nplab::facade

#include "nplab/bo/acquisition.h"

#include <array>
#include <cmath>
#include <numbers>
#include <utility>

#include "nplab/util/checks.h"

namespace nplab::bo {
namespace {

constexpr std::array<std::pair<std::string_view, Acquisition>, 3> kNames{{
    {"ei", Acquisition::ExpectedImprovement},
    {"ucb", Acquisition::UpperConfidenceBound},
    {"thompson", Acquisition::Thompson},
}};

void check_pair(const at::Tensor& mean, const at::Tensor& stddev, const char* where) {
  if (!mean.defined() || !stddev.defined() || mean.sizes() != stddev.sizes()) {
    throw util::InvalidArgument(std::string(where) + ": mean " + util::shape_string(mean) +
                                " and std " + util::shape_string(stddev) +
                                " must have the same shape");
  }
}

}  // namespace

Acquisition acquisition_from_name(std::string_view name) {
  for (const auto& [known, acquisition] : kNames) {
    if (name == known) return acquisition;
  }
  throw util::InvalidArgument("unknown acquisition '" + std::string(name) +
                              "'; known: ei, ucb, thompson");
}

std::string_view acquisition_name(Acquisition acquisition) {
  for (const auto& [name, known] : kNames) {
    if (known == acquisition) return name;
  }
  return "unknown";
}

std::vector<std::string> acquisition_names() {
  std::vector<std::string> names;
  for (const auto& [name, acquisition] : kNames) names.emplace_back(name);
  return names;
}

at::Tensor expected_improvement(const at::Tensor& mean, const at::Tensor& stddev, double best,
                                double xi) {
  check_pair(mean, stddev, "expected_improvement");
  const auto improvement = mean - best - xi;
  // Where σ is 0 the limit is max(improvement, 0); a tiny floor keeps z finite.
  const auto sigma = stddev.clamp_min(1e-12);
  const auto z = improvement / sigma;
  const auto density = at::exp(-0.5 * z.square()) / std::sqrt(2.0 * std::numbers::pi);
  const auto ei = improvement * at::special_ndtr(z) + sigma * density;
  return at::where(stddev > 0, ei, improvement.clamp_min(0.0));
}

at::Tensor upper_confidence_bound(const at::Tensor& mean, const at::Tensor& stddev, double kappa) {
  check_pair(mean, stddev, "upper_confidence_bound");
  return mean + kappa * stddev;
}

int64_t checked_argmax(const at::Tensor& values, std::string_view what) {
  util::check_rank(values, what, 1);
  if (values.size(0) == 0) {
    throw util::InvalidArgument(std::string(what) + ": no candidates to choose from");
  }
  const auto nan = at::isnan(values).sum().item<int64_t>();
  if (nan > 0) {
    throw util::InvalidArgument(std::string(what) + " is NaN at " + std::to_string(nan) + " of " +
                                std::to_string(values.size(0)) +
                                " candidates (the surrogate predicted NaN)");
  }
  return values.argmax().item<int64_t>();
}

}  // namespace nplab::bo

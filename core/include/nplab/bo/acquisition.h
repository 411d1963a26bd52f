#pragma once
// Acquisition functions for maximisation, on a surrogate's predictive marginals at candidates.
//
//   ei        EI(x) = (μ − y⁺ − ξ) Φ(z) + σ φ(z),  z = (μ − y⁺ − ξ) / σ   (y⁺: best value so far)
//   ucb       UCB(x) = μ + κ σ
//   thompson  a draw of f on the candidates from the surrogate, maximised. The oracle GP draws
//             from its joint posterior; a Neural Process predicts marginals only, so its draw is
//             independent per candidate, N(μ(x), σ(x)²): an approximation that favours uncertain
//             points more than a joint draw would.

#include <ATen/ATen.h>

#include <string>
#include <string_view>
#include <vector>

namespace nplab::bo {

enum class Acquisition { ExpectedImprovement, UpperConfidenceBound, Thompson };

/// "ei", "ucb" or "thompson"; util::InvalidArgument (listing them) otherwise.
Acquisition acquisition_from_name(std::string_view name);
std::string_view acquisition_name(Acquisition acquisition);
std::vector<std::string> acquisition_names();

/// EI at every candidate, from mean and std of the same shape (float64 recommended). A std of 0
/// gives max(μ − y⁺ − ξ, 0).
at::Tensor expected_improvement(const at::Tensor& mean, const at::Tensor& stddev, double best,
                                double xi = 0.0);

/// μ + κ σ.
at::Tensor upper_confidence_bound(const at::Tensor& mean, const at::Tensor& stddev, double kappa);

/// The index of the largest value of a 1D tensor. A NaN anywhere is util::InvalidArgument
/// naming `what` and how many values were NaN (argmax would silently pick one of them).
int64_t checked_argmax(const at::Tensor& values, std::string_view what);

}  // namespace nplab::bo

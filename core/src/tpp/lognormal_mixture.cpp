#include "nplab/tpp/lognormal_mixture.h"

#include <cmath>
#include <numbers>
#include <vector>

#include "nplab/util/checks.h"

namespace nplab::tpp {
namespace {

// The leading shape of a [..., C] tensor.
std::vector<int64_t> leading_shape(const at::Tensor& t) {
  const auto sizes = t.sizes();
  return {sizes.begin(), sizes.end() - 1};
}

}  // namespace

at::Tensor LogNormalMixture::log_density(const at::Tensor& tau) const {
  const auto log_tau = at::log(tau).unsqueeze(-1);
  const auto z = (log_tau - means) / scales;
  const auto log_normal = -0.5 * z * z - at::log(scales) - 0.5 * std::log(2.0 * std::numbers::pi);
  // The density of τ is that of log τ times d(log τ)/dτ = 1/τ.
  return at::logsumexp(log_weights + log_normal, -1) - log_tau.squeeze(-1);
}

at::Tensor LogNormalMixture::cdf(const at::Tensor& tau) const {
  const auto z = (at::log(tau).unsqueeze(-1) - means) / scales;
  return (log_weights.exp() * 0.5 * at::erfc(-z / std::numbers::sqrt2)).sum(-1);
}

at::Tensor LogNormalMixture::mean() const {
  // In log space: a wide component must not overflow the sum before the weights apply.
  return at::logsumexp(log_weights + means + 0.5 * scales * scales, -1).exp();
}

at::Tensor LogNormalMixture::variance() const {
  const auto second_moment =
      at::logsumexp(log_weights + 2.0 * means + 2.0 * scales * scales, -1).exp();
  return second_moment - mean().square();
}

at::Tensor LogNormalMixture::sample(at::Generator& generator) const {
  const int64_t c = components();
  const auto weights = log_weights.detach().exp().reshape({-1, c}).to(at::kCPU, at::kDouble);
  const auto component = at::multinomial(weights, 1, /*replacement=*/true, generator);
  const auto mu = means.detach().reshape({-1, c}).to(at::kCPU, at::kDouble).gather(1, component);
  const auto sigma =
      scales.detach().reshape({-1, c}).to(at::kCPU, at::kDouble).gather(1, component);
  const auto normal = at::randn(mu.sizes(), generator, at::kDouble);
  return at::exp(mu + sigma * normal)
      .reshape(leading_shape(means))
      .to(means.device(), means.scalar_type());
}

LogNormalMixture LogNormalMixture::select(int64_t dim, int64_t index) const {
  return {log_weights.select(dim, index), means.select(dim, index), scales.select(dim, index)};
}

NextEvent NextEvent::select(int64_t dim, int64_t index) const {
  return {time.select(dim, index), mark_log_probs.select(dim, index)};
}

NextEventDecoderImpl::NextEventDecoderImpl(int64_t in_dim, int64_t hidden, int64_t components,
                                           int64_t marks)
    : components_(components) {
  if (in_dim < 1 || hidden < 1 || components < 1 || marks < 1) {
    throw util::InvalidArgument(
        "next-event decoder: in_dim, hidden, components and marks must be >= 1");
  }
  hidden_ = register_module("hidden", torch::nn::Linear(in_dim, hidden));
  mixture_ = register_module("mixture", torch::nn::Linear(hidden, 3 * components));
  marks_ = register_module("marks", torch::nn::Linear(in_dim, marks));
}

NextEvent NextEventDecoderImpl::forward(const at::Tensor& history) {
  const auto raw = mixture_(at::tanh(hidden_(history))).chunk(3, -1);
  LogNormalMixture time{at::log_softmax(raw[0], -1), raw[1], at::softplus(raw[2]) + 1e-3};
  return {std::move(time), at::log_softmax(marks_(history), -1)};
}

}  // namespace nplab::tpp

#pragma once
// The next event's distribution as the TPP models predict it (DESIGN.md §9): a mixture of
// log-normals for the inter-event time τ (Shchur et al. 2020, "intensity-free"), and a categorical
// distribution over the next mark, independent of τ given the history (as in thp_mix). The decoder
// module maps a history vector to both.

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cstdint>

namespace nplab::tpp {

/// p(τ) = Σ_c w_c LogNormal(τ; μ_c, σ_c): log τ is a Gaussian mixture. Every tensor is [..., C]
/// with the same leading shape (one distribution per leading index).
struct LogNormalMixture {
  at::Tensor log_weights;  ///< log w_c, normalised over the last dimension
  at::Tensor means;        ///< μ_c, means of log τ
  at::Tensor scales;       ///< σ_c > 0, standard deviations of log τ

  int64_t components() const { return means.size(-1); }
  /// log p(τ) for τ > 0 of the leading shape (or broadcastable to it).
  at::Tensor log_density(const at::Tensor& tau) const;
  /// P(T <= τ), same shapes as log_density.
  at::Tensor cdf(const at::Tensor& tau) const;
  /// E[τ] = Σ_c w_c exp(μ_c + σ_c² / 2), of the leading shape.
  at::Tensor mean() const;
  /// Var τ = Σ_c w_c exp(2μ_c + 2σ_c²) − E[τ]², of the leading shape.
  at::Tensor variance() const;
  /// One draw per leading index from a CPU generator (computed on the CPU, returned on the
  /// mixture's device).
  at::Tensor sample(at::Generator& generator) const;
  /// The distributions at `index` of leading dimension `dim` (which drops).
  LogNormalMixture select(int64_t dim, int64_t index) const;
};

/// Everything a model predicts about the next event.
struct NextEvent {
  LogNormalMixture time;      ///< the inter-event time τ = t_next − t_last
  at::Tensor mark_log_probs;  ///< log p(k), [..., K], normalised over the last dimension

  at::Tensor mark_probabilities() const { return mark_log_probs.exp(); }
  NextEvent select(int64_t dim, int64_t index) const;
};

/// The decoders of thp_mix: the log-normal mixture through an MLP with one tanh hidden layer
/// (Linear(in, hidden) – tanh – Linear(hidden, 3C): weight logits, μ, raw σ with
/// σ = softplus(raw) + 1e-3, the floor keeping densities finite), and a linear mark head.
class NextEventDecoderImpl : public torch::nn::Module {
 public:
  NextEventDecoderImpl(int64_t in_dim, int64_t hidden, int64_t components, int64_t marks);

  /// history [..., in_dim] -> the next event's distribution per leading index.
  NextEvent forward(const at::Tensor& history);

 private:
  int64_t components_;
  torch::nn::Linear hidden_{nullptr};
  torch::nn::Linear mixture_{nullptr};
  torch::nn::Linear marks_{nullptr};
};
TORCH_MODULE(NextEventDecoder);

}  // namespace nplab::tpp

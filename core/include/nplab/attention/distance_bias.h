#pragma once
// The kernel bias of TNP-KR (Jenson et al., arXiv 2411.12502): a per-head kernel of the distance
// between the input locations of a query and a key, added to the attention logits, so attention
// starts out local the way kernel regression is. Every kernel has learnable per-head
// hyperparameters:
//   rbf-basis  sum_t a_t exp(-d^2 / (2 l_t^2))            (the reference's "RBF network" bias)
//   rbf        a exp(-d^2 / (2 l^2))
//   matern     a (1 + s + s^2/3) exp(-s),  s = sqrt(5) d / l  (Matern 5/2)
//   periodic   a exp(-2 sum_i sin^2(pi d_i / p) / l^2)
//   linear     a (x - c).(x' - c)
// For linear-time (DKA) attention the bias is also available factorised, bias ~ u(x).w(x'), by
// random Fourier features of the kernel (exact for "linear").

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <string>
#include <utility>

namespace nplab::attention {

enum class BiasKernel { RbfBasis, Rbf, Matern52, Periodic, Linear };

/// "rbf-basis", "rbf", "matern", "periodic", "linear"; anything else throws InvalidArgument.
BiasKernel bias_kernel_from_string(const std::string& name);
std::string to_string(BiasKernel kernel);

struct DistanceBiasOptions {
  int64_t heads = 4;
  int64_t dim_x = 1;
  BiasKernel kernel = BiasKernel::RbfBasis;
  int64_t terms = 4;              ///< RBF basis terms per head (rbf-basis only)
  int64_t fourier_features = 0;   ///< random Fourier frequencies for factorised(); 0: not needed
};

/// Query-side and key-side location features whose inner product approximates the bias:
/// bias(xq, xk)[b, h, i, j] ~ query[b, h, i, :] . key[b, h, j, :]. Each [B, H, N, D].
struct LocationFeatures {
  at::Tensor query;
  at::Tensor key;
};

class DistanceBiasImpl : public torch::nn::Module {
 public:
  explicit DistanceBiasImpl(const DistanceBiasOptions& options = {});

  /// xq [B, Nq, dim_x], xk [B, Nk, dim_x] -> bias [B, H, Nq, Nk].
  at::Tensor forward(const at::Tensor& xq, const at::Tensor& xk);

  /// Random-feature factorisation of forward() (needs options.fourier_features > 0 unless the
  /// kernel is linear). The amplitudes' signs sit on the query side, so negative ones are fine.
  at::Tensor query_features(const at::Tensor& x);
  at::Tensor key_features(const at::Tensor& x);
  /// Width D of the features.
  int64_t feature_dim() const;

  const DistanceBiasOptions& options() const { return options_; }

 private:
  /// Unit-amplitude features [B, H, N, D] (shared by query and key side).
  at::Tensor unit_features(const at::Tensor& x);
  /// Per-head, per-term amplitude as [1, H, 1, D] matching unit_features' layout.
  at::Tensor feature_amplitudes(const at::Tensor& like) const;
  /// Per-head scale [1, H, 1, 1] moved from the query side to the key side of the features.
  at::Tensor feature_balance() const;
  /// For the periodic kernel: (cos, sin) of 2 pi x / p per head, [B, H, N, 2 dim_x].
  at::Tensor periodic_embedding(const at::Tensor& x) const;

  DistanceBiasOptions options_;
  at::Tensor amplitude_;        ///< [H, T]
  at::Tensor log_lengthscale_;  ///< [H, T] (not linear)
  at::Tensor log_period_;       ///< [H] (periodic)
  at::Tensor offset_;           ///< [H] (linear)
  at::Tensor frequencies_;      ///< buffer [R, in]: unit-lengthscale spectral samples
};
TORCH_MODULE(DistanceBias);

}  // namespace nplab::attention

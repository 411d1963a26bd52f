#include "nplab/attention/distance_bias.h"

#include <ATen/ATen.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "nplab/util/checks.h"

namespace nplab::attention {
namespace {

// n values spaced geometrically from `low` to `high` (their geometric mean when n == 1): initial
// lengthscales that give the heads (or basis terms) different reaches from the start.
at::Tensor geometric_range(int64_t n, double low, double high) {
  if (n == 1) return at::full({1}, std::sqrt(low * high), at::kFloat);
  return at::logspace(std::log10(low), std::log10(high), n, 10.0, at::kFloat);
}

// Head-indexed parameter [H] or [H, T] column t -> [1, H, 1, 1] for broadcasting over logits.
at::Tensor per_head(const at::Tensor& values) { return values.view({1, -1, 1, 1}); }

// sqrt that stays finite (with a finite gradient) at d^2 = 0, which self-attention always has.
constexpr double kTinySquaredDistance = 1e-30;

}  // namespace

BiasKernel bias_kernel_from_string(const std::string& name) {
  if (name == "rbf-basis") return BiasKernel::RbfBasis;
  if (name == "rbf") return BiasKernel::Rbf;
  if (name == "matern") return BiasKernel::Matern52;
  if (name == "periodic") return BiasKernel::Periodic;
  if (name == "linear") return BiasKernel::Linear;
  throw util::InvalidArgument("kernel \"" + name +
                              "\": unknown (known: rbf-basis, rbf, matern, periodic, linear)");
}

std::string to_string(BiasKernel kernel) {
  switch (kernel) {
    case BiasKernel::RbfBasis: return "rbf-basis";
    case BiasKernel::Rbf: return "rbf";
    case BiasKernel::Matern52: return "matern";
    case BiasKernel::Periodic: return "periodic";
    case BiasKernel::Linear: return "linear";
  }
  return "unknown";
}

DistanceBiasImpl::DistanceBiasImpl(const DistanceBiasOptions& options) : options_(options) {
  if (options.heads < 1 || options.dim_x < 1) {
    throw util::InvalidArgument("distance bias: heads " + std::to_string(options.heads) +
                                " and dim_x " + std::to_string(options.dim_x) +
                                " must be positive");
  }
  if (options.kernel == BiasKernel::RbfBasis && options.terms < 1) {
    throw util::InvalidArgument("kernel_terms: must be positive, got " +
                                std::to_string(options.terms));
  }
  if (options.fourier_features < 0) {
    throw util::InvalidArgument("location_features: must be non-negative, got " +
                                std::to_string(options.fourier_features));
  }
  if (options_.kernel != BiasKernel::RbfBasis) options_.terms = 1;
  const int64_t heads = options_.heads;
  const int64_t terms = options_.terms;

  // Stationary kernels start with bias 1 at d = 0 (shared by the basis terms): enough to make
  // attention local, small enough that DKA's estimate of exp(logit) keeps a moderate variance.
  const double initial_amplitude = options_.kernel == BiasKernel::Linear ? 0.5 : 1.0 / terms;
  amplitude_ = register_parameter("amplitude", at::full({heads, terms}, initial_amplitude));
  switch (options_.kernel) {
    case BiasKernel::RbfBasis:  // every head starts with the same basis of reaches
      log_lengthscale_ = register_parameter(
          "log_lengthscale", geometric_range(terms, 0.1, 1.0).log().expand({heads, terms}).clone());
      break;
    case BiasKernel::Rbf:
    case BiasKernel::Matern52:  // one reach per head
      log_lengthscale_ = register_parameter(
          "log_lengthscale", geometric_range(heads, 0.1, 1.0).log().view({heads, 1}));
      break;
    case BiasKernel::Periodic:
      log_lengthscale_ = register_parameter("log_lengthscale", at::zeros({heads, 1}));
      log_period_ = register_parameter("log_period", geometric_range(heads, 0.25, 2.0).log());
      break;
    case BiasKernel::Linear:
      offset_ = register_parameter("offset", at::zeros({heads}));
      break;
  }

  if (options_.fourier_features > 0 && options_.kernel != BiasKernel::Linear) {
    const int64_t count = options_.fourier_features;
    const int64_t in_dim =
        options_.kernel == BiasKernel::Periodic ? 2 * options_.dim_x : options_.dim_x;
    // Spectral samples at unit lengthscale (divided by l at use, so l stays learnable).
    // RBF: standard normal. Matern 5/2: multivariate Student-t with 5 degrees of freedom.
    auto samples = at::randn({count, in_dim});
    if (options_.kernel == BiasKernel::Matern52) {
      const auto chi_square = at::randn({count, 5}).pow(2).sum(-1, /*keepdim=*/true);
      samples = samples * (5.0 / chi_square).sqrt();
    }
    frequencies_ = register_buffer("fourier_frequencies", samples);
  }
}

at::Tensor DistanceBiasImpl::periodic_embedding(const at::Tensor& x) const {
  // Mapping x to (cos, sin)(2 pi x / p) turns the periodic kernel into an RBF of the embedding:
  // |u - u'|^2 = 4 sum_i sin^2(pi d_i / p).
  const auto period = log_period_.exp().view({1, -1, 1, 1});
  const auto angle = (2.0 * std::numbers::pi) * x.unsqueeze(1) / period;  // [B, H, N, dx]
  return at::cat({angle.cos(), angle.sin()}, -1);
}

at::Tensor DistanceBiasImpl::forward(const at::Tensor& xq, const at::Tensor& xk) {
  const auto& kernel = options_.kernel;
  if (kernel == BiasKernel::Periodic) {
    // sum_i cos(2 pi d_i / p) = u(xq).u(xk), so no [.., dim_x] intermediate is needed.
    const auto cosines =
        at::matmul(periodic_embedding(xq), periodic_embedding(xk).transpose(-2, -1));
    const auto inverse_sq_lengthscale = per_head((-2.0 * log_lengthscale_).exp());
    return per_head(amplitude_) *
           at::exp((cosines - static_cast<double>(options_.dim_x)) * inverse_sq_lengthscale);
  }
  if (kernel == BiasKernel::Linear) {
    const auto offset = per_head(offset_);
    return per_head(amplitude_) *
           at::matmul(xq.unsqueeze(1) - offset, (xk.unsqueeze(1) - offset).transpose(-2, -1));
  }
  // [B, 1, Nq, Nk]
  const auto squared_distance = (xq.unsqueeze(2) - xk.unsqueeze(1)).pow(2).sum(-1).unsqueeze(1);
  if (kernel == BiasKernel::Matern52) {
    const auto scaled = std::sqrt(5.0) * squared_distance.clamp_min(kTinySquaredDistance).sqrt() *
                        per_head((-log_lengthscale_).exp());
    return per_head(amplitude_) * (1.0 + scaled + scaled * scaled / 3.0) * at::exp(-scaled);
  }
  // RBF (basis): a term at a time keeps the transient at one [B, H, Nq, Nk] tensor per term.
  at::Tensor bias;
  for (int64_t t = 0; t < options_.terms; ++t) {
    const auto rate = per_head(-0.5 * (-2.0 * log_lengthscale_.select(1, t)).exp());
    const auto term = per_head(amplitude_.select(1, t)) * at::exp(squared_distance * rate);
    bias = t == 0 ? term : bias + term;
  }
  return bias;
}

int64_t DistanceBiasImpl::feature_dim() const {
  if (options_.kernel == BiasKernel::Linear) return options_.dim_x;
  return 2 * options_.fourier_features * options_.terms;
}

at::Tensor DistanceBiasImpl::unit_features(const at::Tensor& x) {
  if (options_.kernel == BiasKernel::Linear) return x.unsqueeze(1) - per_head(offset_);
  if (!frequencies_.defined()) {
    throw util::InvalidArgument("distance bias: factorised features need location_features > 0");
  }
  // Random Fourier features: E[z(x).z(x')] = k(x - x') for z = [cos(w x), sin(w x)] / sqrt(R),
  // w drawn from the kernel's spectral density (unit samples divided by the lengthscale).
  const double normalizer = 1.0 / std::sqrt(static_cast<double>(options_.fourier_features));
  const auto base = options_.kernel == BiasKernel::Periodic
                        ? at::matmul(periodic_embedding(x), frequencies_.t())    // [B, H, N, R]
                        : at::matmul(x, frequencies_.t()).unsqueeze(1);          // [B, 1, N, R]
  std::vector<at::Tensor> parts;
  for (int64_t t = 0; t < options_.terms; ++t) {
    const auto projected = base * per_head((-log_lengthscale_.select(1, t)).exp());
    parts.push_back(projected.cos() * normalizer);
    parts.push_back(projected.sin() * normalizer);
  }
  return at::cat(parts, -1);  // [B, H, N, 2 R T]
}

at::Tensor DistanceBiasImpl::feature_amplitudes(const at::Tensor& like) const {
  const int64_t per_term = like.size(-1) / options_.terms;
  return amplitude_.repeat_interleave(per_term, 1).view({1, options_.heads, 1, -1});
}

at::Tensor DistanceBiasImpl::feature_balance() const {
  // s = (mean_t a_t^2)^(1/4) per head gives query-side a u / s and key-side s u equal norms (each
  // basis term's Fourier features have unit norm), which keeps the FAVOR+ variance, growing with
  // exp(|q|^2 + |k|^2), lowest. s cancels in the product, so it needs no gradient.
  return amplitude_.detach().pow(2).mean(1).pow(0.25).clamp_min(1e-6).view({1, -1, 1, 1});
}

at::Tensor DistanceBiasImpl::query_features(const at::Tensor& x) {
  const auto features = unit_features(x);
  return features * (feature_amplitudes(features) / feature_balance());
}

at::Tensor DistanceBiasImpl::key_features(const at::Tensor& x) {
  return unit_features(x) * feature_balance();
}

}  // namespace nplab::attention

#include "nplab/data/oracle_gp.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <tuple>
#include <vector>

#include "nplab/util/checks.h"

namespace nplab::data {
namespace {

/// Mean over points of log N(y | mean, std), float64 [B].
at::Tensor mean_log_likelihood(const at::Tensor& y, const models::Prediction& prediction) {
  const auto mean = prediction.mean.to(at::kDouble);
  const auto variance = prediction.stddev.to(at::kDouble).square();
  const auto log_density =
      -0.5 * (std::log(2.0 * std::numbers::pi) + variance.log() +
              (y.to(at::kDouble) - mean).square() / variance);
  return log_density.sum(-1).mean(-1);
}

constexpr double kFirstJitter = 1e-12;
constexpr double kLastJitter = 1e-4;
// Half the 0.1% quantile of χ² with one degree of freedom: the log-evidence gain that a
// likelihood-ratio test for one more parameter (the noise) calls significant.
constexpr double kSignificantEvidenceGain = 5.4;
constexpr int kMaxNoiseSteps = 40;

}  // namespace

at::Tensor stable_cholesky(const at::Tensor& covariance) {
  auto [lower, info] = at::linalg_cholesky_ex(covariance);
  if (info.eq(0).all().item<bool>()) return lower;
  const auto largest = covariance.diagonal(0, -2, -1).abs().max().item<double>();
  const auto identity = at::eye(covariance.size(-1), covariance.options());
  for (double jitter = kFirstJitter; jitter <= kLastJitter * 1.0001; jitter *= 10.0) {
    std::tie(lower, info) = at::linalg_cholesky_ex(covariance + jitter * largest * identity);
    if (info.eq(0).all().item<bool>()) return lower;
  }
  throw util::InvalidArgument(
      "oracle_predict: the context covariance is not positive definite, even "
      "with jitter (non-finite inputs?)");
}

double evidence_noise_std(const at::Tensor& xc, const at::Tensor& yc, const GPPrior& prior) {
  util::check_point_set(xc, "xc", xc.size(2), 0);
  util::check_point_set(yc, "yc", 1, 0);
  util::check_size(xc, "xc", 0, 1);
  util::check_size(yc, "yc", 1, xc.size(1));
  const auto count = xc.size(1);
  const double protocol = prior.noise_std;
  if (count < 2 || !(protocol > 0.0)) return protocol;
  const auto context = xc.to(at::kDouble);
  const auto y = yc.to(context.device(), at::kDouble)[0];  // [N, 1]
  const auto covariance = kernel_matrix(prior.kernel, context, context, prior.hyper)[0];
  const double top = prior.hyper.scale.max().item<double>() + y.abs().max().item<double>();
  const int steps =
      std::clamp(static_cast<int>(std::ceil(2.0 * std::log2(top / protocol))) + 1, 1,
                 kMaxNoiseSteps);
  std::vector<double> stds(static_cast<size_t>(steps));
  for (int step = 0; step < steps; ++step) stds[step] = protocol * std::pow(2.0, step / 2.0);
  const auto variances = at::tensor(stds, context.options()).square().view({-1, 1, 1});
  const auto identity = at::eye(count, context.options());
  const auto lower = stable_cholesky(covariance.unsqueeze(0) + variances * identity);  // [G,N,N]
  const auto whitened = at::linalg_solve_triangular(lower, y.unsqueeze(0).expand({steps, count, 1}),
                                                    /*upper=*/false);
  // log N(y | 0, K + σ²I) up to the constant shared by every σ.
  const auto evidence = -0.5 * whitened.square().sum({1, 2}) -
                        lower.diagonal(0, -2, -1).log().sum(-1);
  const auto best = evidence.argmax().item<int64_t>();
  const bool contradicted =
      (evidence[best] - evidence[0]).item<double>() > kSignificantEvidenceGain;
  return contradicted ? stds[static_cast<size_t>(best)] : protocol;
}

models::Prediction oracle_predict(const at::Tensor& xc, const at::Tensor& yc, const at::Tensor& xt,
                                  const GPPrior& prior) {
  util::check_rank(xt, "xt", 3);
  util::check_point_set(xt, "xt", xt.size(2), 0);
  util::check_point_set(xc, "xc", xt.size(2), 0);
  util::check_point_set(yc, "yc", 1, 0);
  util::check_size(yc, "yc", 0, xc.size(0));
  util::check_size(yc, "yc", 1, xc.size(1));
  util::check_size(xt, "xt", 0, xc.size(0));
  if (!(prior.noise_std >= 0.0))
    throw util::InvalidArgument("oracle_predict: noise_std must be >= 0");
  prior.hyper.check(xt.size(0));

  const auto noise_variance = prior.noise_std * prior.noise_std;
  const auto device = xt.device();
  const auto queries = xt.to(at::kDouble);
  // Every kernel here is stationary with k(x, x) = scale².
  const auto prior_variance = prior.hyper.scale.to(device, at::kDouble).view({-1, 1, 1}).square();
  auto mean = at::zeros({xt.size(0), xt.size(1), 1}, queries.options());
  auto variance = (prior_variance + noise_variance).expand_as(mean).clone();

  if (xc.size(1) > 0) {
    const auto context = xc.to(device, at::kDouble);
    auto covariance = kernel_matrix(prior.kernel, context, context, prior.hyper);
    covariance.diagonal(0, -2, -1).add_(noise_variance);
    const auto lower = stable_cholesky(covariance);
    const auto cross = kernel_matrix(prior.kernel, context, queries, prior.hyper);  // [B, N, M]
    const auto whitened_cross = at::linalg_solve_triangular(lower, cross, /*upper=*/false);
    const auto whitened_y =
        at::linalg_solve_triangular(lower, yc.to(device, at::kDouble), /*upper=*/false);
    mean = at::matmul(whitened_cross.transpose(-2, -1), whitened_y);
    variance = variance - whitened_cross.square().sum(1).unsqueeze(-1);
  }
  // Rounding can push the variance of a query on top of a context point below zero when σ = 0.
  const auto stddev = variance.clamp_min(1e-12).sqrt();
  return {mean.to(xt.scalar_type()), stddev.to(xt.scalar_type())};
}

OracleScores oracle_log_likelihood(const models::Batch& batch, const GPPrior& prior) {
  util::check_point_set(batch.yt, "yt", 1, 1);
  util::check_size(batch.yt, "yt", 1, batch.xt.size(1));
  OracleScores scores;
  scores.target =
      mean_log_likelihood(batch.yt, oracle_predict(batch.xc, batch.yc, batch.xt, prior));
  scores.context = batch.xc.size(1) > 0
                       ? mean_log_likelihood(batch.yc,
                                             oracle_predict(batch.xc, batch.yc, batch.xc, prior))
                       : at::zeros({batch.xc.size(0)}, batch.yt.options().dtype(at::kDouble));
  return scores;
}

}  // namespace nplab::data

// The GP task sampler: the reference kernels, the covariance of the samples, the task counts of
// DESIGN.md §5, and determinism under a seed.

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <numbers>
#include <set>

#include "nplab/data/gp.h"
#include "test_support.h"

namespace nplab::data {
namespace {

using testing::max_abs_diff;

constexpr KernelParams kFixedParams{0.4, 0.8, 0.3};

/// k(a, b) for scalars, written from the formulas in gp.h (the reference's gp.py).
double reference_kernel(KernelKind kernel, double a, double b, const KernelParams& p) {
  const double d = std::abs(a - b);
  const double s2 = p.scale * p.scale;
  switch (kernel) {
    case KernelKind::RBF:
      return s2 * std::exp(-0.5 * (d / p.lengthscale) * (d / p.lengthscale));
    case KernelKind::Matern52: {
      const double r = d / p.lengthscale;
      return s2 * (1 + std::sqrt(5.0) * r + 5.0 * r * r / 3.0) * std::exp(-std::sqrt(5.0) * r);
    }
    case KernelKind::Periodic: {
      const double sine = std::sin(std::numbers::pi * d / p.period) / p.lengthscale;
      return s2 * std::exp(-2.0 * sine * sine);
    }
  }
  return 0.0;
}

class EachKernel : public ::testing::TestWithParam<KernelKind> {};

TEST_P(EachKernel, KernelMatrixFollowsTheReferenceFormula) {
  const auto x = at::tensor({-1.3, -0.2, 0.05, 0.9, 1.75}, at::kDouble).view({1, 5, 1});
  const auto matrix =
      kernel_matrix(GetParam(), x, x, KernelHyperparameters::constant(kFixedParams));
  ASSERT_EQ(matrix.sizes(), (at::IntArrayRef{1, 5, 5}));
  for (int64_t i = 0; i < 5; ++i) {
    for (int64_t j = 0; j < 5; ++j) {
      const double expected =
          reference_kernel(GetParam(), x[0][i][0].item<double>(), x[0][j][0].item<double>(),
                           kFixedParams);
      EXPECT_NEAR(matrix[0][i][j].item<double>(), expected, 1e-12) << i << "," << j;
    }
  }
}

TEST_P(EachKernel, EmpiricalCovarianceOfSamplesMatchesKernelPlusNoise) {
  constexpr int64_t kSamples = 20000;
  constexpr double kNoise = 0.02;
  const auto x = at::tensor({-1.3, -0.2, 0.05, 0.9, 1.75}, at::kDouble).view({1, 5, 1});
  auto generator = at::make_generator<at::CPUGeneratorImpl>(11);
  const auto y = sample_gp_values(GetParam(), x.expand({kSamples, 5, 1}),
                                  KernelHyperparameters::constant(kFixedParams), kNoise, generator)
                     .squeeze(-1);  // [S, 5]
  const auto empirical = at::matmul(y.t(), y) / kSamples;  // the mean is 0 by construction
  auto expected = kernel_matrix(GetParam(), x, x, KernelHyperparameters::constant(kFixedParams))[0];
  expected.diagonal().add_(kNoise * kNoise);
  // Standard error of an entry <= sqrt(2 s^4 / S) ~ 0.0064; allow ~5 of them.
  EXPECT_LT(max_abs_diff(empirical, expected), 0.03);
  EXPECT_LT(y.mean(0).abs().max().item<double>(), 0.03);
}

INSTANTIATE_TEST_SUITE_P(Kernels, EachKernel,
                         ::testing::Values(KernelKind::RBF, KernelKind::Matern52,
                                           KernelKind::Periodic),
                         [](const auto& info) { return std::string(kernel_name(info.param)); });

TEST(GPSampler, CountsFollowTheProtocolAndAreSharedAcrossTheBatch) {
  GPSampler sampler(gp_options_for("rbf"), 0);
  std::set<int64_t> context_counts;
  for (int step = 0; step < 200; ++step) {
    const auto tasks = sampler.sample(4);
    const int64_t context = tasks.batch.xc.size(1);
    const int64_t target = tasks.batch.xt.size(1);
    ASSERT_GE(context, 3);
    ASSERT_LE(context, 47);
    ASSERT_GE(target, 3);
    ASSERT_LE(target, 50 - context);
    // One tensor per role holds every task: the counts are shared by construction.
    EXPECT_EQ(tasks.batch.xc.sizes(), (at::IntArrayRef{4, context, 1}));
    EXPECT_EQ(tasks.batch.yc.sizes(), (at::IntArrayRef{4, context, 1}));
    EXPECT_EQ(tasks.batch.xt.sizes(), (at::IntArrayRef{4, target, 1}));
    EXPECT_EQ(tasks.batch.yt.sizes(), (at::IntArrayRef{4, target, 1}));
    context_counts.insert(context);
  }
  EXPECT_GT(context_counts.size(), 30u) << "N_ctx should spread over U{3, 47}";
}

TEST(GPSampler, MaxPointsOptionBoundsTheTotal) {
  auto options = gp_options_for("matern");
  options.counts.max_points = 12;
  GPSampler sampler(options, 5);
  for (int step = 0; step < 50; ++step) {
    const auto tasks = sampler.sample(2);
    EXPECT_LE(tasks.batch.xc.size(1) + tasks.batch.xt.size(1), 12);
  }
}

TEST(GPSampler, SameSeedGivesTheSameBatchAndAnotherSeedDoesNot) {
  GPSampler first(gp_options_for("periodic"), 42);
  GPSampler second(gp_options_for("periodic"), 42);
  GPSampler other(gp_options_for("periodic"), 43);
  for (int step = 0; step < 3; ++step) {
    const auto a = first.sample(8);
    const auto b = second.sample(8);
    EXPECT_TRUE(at::equal(a.batch.xc, b.batch.xc));
    EXPECT_TRUE(at::equal(a.batch.yt, b.batch.yt));
    EXPECT_TRUE(at::equal(a.prior.hyper.period, b.prior.hyper.period));
  }
  const auto a = GPSampler(gp_options_for("periodic"), 42).sample(8, TaskCounts{10, 10});
  const auto c = other.sample(8, TaskCounts{10, 10});
  EXPECT_FALSE(at::equal(a.batch.yc, c.batch.yc));
}

TEST(GPSampler, InputsAndHyperparametersLieInTheirRanges) {
  GPSampler sampler(gp_options_for("periodic"), 3);
  const auto tasks = sampler.sample(64, TaskCounts{20, 30}, at::kDouble);
  const auto x = at::cat({tasks.batch.xc, tasks.batch.xt}, 1);
  EXPECT_GE(x.min().item<double>(), -2.0);
  EXPECT_LE(x.max().item<double>(), 2.0);
  const auto& hyper = tasks.prior.hyper;
  ASSERT_EQ(hyper.batch(), 64);
  EXPECT_GE(hyper.lengthscale.min().item<double>(), 0.1);
  EXPECT_LE(hyper.lengthscale.max().item<double>(), 0.6);
  EXPECT_GE(hyper.scale.min().item<double>(), 0.1);
  EXPECT_LE(hyper.scale.max().item<double>(), 1.0);
  EXPECT_GE(hyper.period.min().item<double>(), 0.1);
  EXPECT_LE(hyper.period.max().item<double>(), 0.5);
  EXPECT_EQ(tasks.prior.kernel, KernelKind::Periodic);
  EXPECT_DOUBLE_EQ(tasks.prior.noise_std, 0.02);
  EXPECT_EQ(tasks.batch.xc.scalar_type(), at::kDouble);
}

TEST(GPSampler, StudentTNoiseIsAddedOnTopOfTheSameGaussianDraw) {
  // Same seed: tnoise draws everything the RBF sampler draws, then the noise. The difference of
  // the two batches is the noise alone, on context and targets alike.
  GPSampler gaussian(gp_options_for("rbf"), 9);
  GPSampler heavy(gp_options_for("tnoise"), 9);
  const auto clean = gaussian.sample(16, TaskCounts{25, 25}, at::kDouble);
  const auto noisy = heavy.sample(16, TaskCounts{25, 25}, at::kDouble);
  EXPECT_TRUE(noisy.student_t_noise);
  EXPECT_TRUE(at::equal(clean.batch.xt, noisy.batch.xt));
  const auto noise = at::cat({noisy.batch.yc - clean.batch.yc, noisy.batch.yt - clean.batch.yt}, 1);
  EXPECT_TRUE(noise.ne(0).all().item<bool>());
  // Scale <= 0.15 times a t(2.1) draw: typically small, occasionally large (heavy tails).
  EXPECT_LT(noise.abs().median().item<double>(), 0.15);
}

TEST(GPSampler, UnknownFamilyNamesTheKnownOnes) {
  testing::expect_invalid_argument([] { gp_options_for("laplace"); },
                                   {"laplace", "rbf", "matern", "periodic", "tnoise"});
  EXPECT_EQ(gp_task_names(), (std::vector<std::string>{"rbf", "matern", "periodic", "tnoise"}));
}

TEST(GPSampler, ImpossibleCountsAreRejected) {
  auto options = gp_options_for("rbf");
  options.counts = {5, 3, 3};
  testing::expect_invalid_argument([&] { GPSampler(options, 0); }, {"max_points 5"});
}

TEST(GroundTruthFunction, IsReproducibleAndFiniteOnADenseGrid) {
  const auto grid = at::linspace(-2.0, 2.0, 200, at::kDouble);
  const KernelParams smooth{0.6, 1.0, 0.3};  // a near-singular covariance without jitter
  auto first = at::make_generator<at::CPUGeneratorImpl>(1);
  auto second = at::make_generator<at::CPUGeneratorImpl>(1);
  const auto f = sample_gp_function(KernelKind::RBF, smooth, grid, first);
  ASSERT_EQ(f.sizes(), (at::IntArrayRef{200}));
  EXPECT_TRUE(testing::all_finite(f));
  EXPECT_TRUE(at::equal(f, sample_gp_function(KernelKind::RBF, smooth, grid, second)));
  EXPECT_TRUE(at::equal(f, sample_gp_function(KernelKind::RBF, smooth, grid, uint64_t{1})));
  // Noise-free and smooth: f' has std scale / lengthscale ~ 1.7, so neighbours 0.02 apart
  // differ by a few hundredths, far less than the scale.
  EXPECT_LT((f.slice(0, 1) - f.slice(0, 0, -1)).abs().max().item<double>(), 0.2);
}

TEST(GroundTruthFunction, VarianceAtAPointIsTheKernelScaleSquared) {
  const auto grid = at::tensor({0.25}, at::kDouble);
  auto generator = at::make_generator<at::CPUGeneratorImpl>(4);
  const KernelParams params{0.3, 0.7, 0.3};
  std::vector<double> draws;
  for (int i = 0; i < 2000; ++i) {
    draws.push_back(
        sample_gp_function(KernelKind::Matern52, params, grid, generator).item<double>());
  }
  const auto values = at::tensor(draws, at::kDouble);
  // Var of a sample variance of 2000 normals: 2 s^4 / 2000 -> std ~ 0.011.
  EXPECT_NEAR(values.square().mean().item<double>(), 0.49, 0.05);
}

}  // namespace
}  // namespace nplab::data

// Bayesian optimisation: objectives, acquisition functions, the loop's bookkeeping and its errors.

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "nplab/bo/acquisition.h"
#include "nplab/bo/loop.h"
#include "nplab/bo/objective.h"
#include "nplab/bo/report.h"
#include "test_support.h"

namespace nplab {
namespace {

using testing::expect_invalid_argument;

double normal_cdf(double z) {
  return 0.5 * std::erfc(-z / std::sqrt(2.0));
}
double normal_pdf(double z) {
  return std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
}

TEST(BoAcquisition, ExpectedImprovementMatchesTheClosedFormOnAHandMadeGaussian) {
  const std::vector<double> means{0.5, 0.2, -1.0, 0.3, 0.1};
  const std::vector<double> stds{1.0, 0.5, 2.0, 0.0, 0.0};
  const double best = 0.2;
  const auto ei =
      bo::expected_improvement(at::tensor(means, at::kDouble), at::tensor(stds, at::kDouble), best);
  for (size_t i = 0; i < means.size(); ++i) {
    const double improvement = means[i] - best;
    const double expected = stds[i] > 0 ? improvement * normal_cdf(improvement / stds[i]) +
                                              stds[i] * normal_pdf(improvement / stds[i])
                                        : std::max(improvement, 0.0);
    EXPECT_NEAR(ei[static_cast<int64_t>(i)].item<double>(), expected, 1e-12) << "point " << i;
  }
  // At μ = y⁺ the formula reduces to σ φ(0) = σ / √(2π).
  EXPECT_NEAR(ei[1].item<double>(), 0.5 / std::sqrt(2.0 * std::numbers::pi), 1e-12);
  // A certain point improves by exactly its margin, or not at all.
  EXPECT_NEAR(ei[3].item<double>(), 0.1, 1e-12);
  EXPECT_EQ(ei[4].item<double>(), 0.0);
}

TEST(BoAcquisition, ExpectedImprovementWithAMarginShiftsTheIncumbent) {
  const auto mean = at::tensor({0.4, -0.3}, at::kDouble);
  const auto stddev = at::tensor({0.7, 0.2}, at::kDouble);
  const auto with_margin = bo::expected_improvement(mean, stddev, 0.1, 0.05);
  const auto shifted = bo::expected_improvement(mean, stddev, 0.15);
  EXPECT_LT(testing::max_abs_diff(with_margin, shifted), 1e-15);
}

TEST(BoAcquisition, UpperConfidenceBoundIsMeanPlusKappaStd) {
  const auto ucb = bo::upper_confidence_bound(at::tensor({0.5, -1.0}, at::kDouble),
                                              at::tensor({0.25, 2.0}, at::kDouble), 2.0);
  EXPECT_DOUBLE_EQ(ucb[0].item<double>(), 1.0);
  EXPECT_DOUBLE_EQ(ucb[1].item<double>(), 3.0);
}

TEST(BoAcquisition, NamesRoundTripAndAnUnknownOneIsAnError) {
  for (const auto& name : bo::acquisition_names()) {
    EXPECT_EQ(bo::acquisition_name(bo::acquisition_from_name(name)), name);
  }
  expect_invalid_argument([] { bo::acquisition_from_name("pi"); },
                          {"unknown acquisition 'pi'", "ei, ucb, thompson"});
}

TEST(BoAcquisition, ANaNValueIsAnErrorNotAChoice) {
  const auto values = at::tensor({0.1, std::nan(""), 0.3}, at::kDouble);
  expect_invalid_argument([&] { bo::checked_argmax(values, "acquisition ei"); },
                          {"acquisition ei is NaN at 1 of 3 candidates"});
  EXPECT_EQ(bo::checked_argmax(at::tensor({0.1, 0.9, 0.3}, at::kDouble), "x"), 1);
}

TEST(BoObjective, ClassicalFunctionsPeakAtTheirKnownMinimiserMappedOntoTheDomain) {
  // Forrester's minimiser u = 0.75725 on [0, 1], Gramacy-Lee's 0.54856 on [0.5, 2.5], Levy's
  // 1 on [-10, 10]: x = 4u - 2, 2(u - 0.5) - 2 and u / 5 on [-2, 2].
  const std::vector<std::pair<std::string, double>> known{
      {"forrester", 4 * 0.75725 - 2}, {"gramacy-lee", 2 * (0.54856 - 0.5) - 2}, {"levy", 0.2}};
  for (const auto& [name, x] : known) {
    const auto objective = bo::make_objective(name, 0);
    const double spacing = 4.0 / static_cast<double>(objective.grid_points() - 1);
    EXPECT_NEAR(objective.x_at(objective.argmax), x, spacing) << name;
    EXPECT_DOUBLE_EQ(objective.optimum, 1.0) << name;
    EXPECT_DOUBLE_EQ(objective.values.min().item<double>(), -1.0) << name;
    EXPECT_FALSE(objective.prior_is_true) << name;
  }
}

TEST(BoObjective, GPSamplesAreFixedBySeedAndCarryTheirTruePrior) {
  const auto first = bo::make_objective("gp-rbf", 4);
  const auto again = bo::make_objective("gp-rbf", 4);
  const auto other = bo::make_objective("gp-rbf", 5);
  EXPECT_TRUE(at::equal(first.values, again.values));
  EXPECT_FALSE(at::equal(first.values, other.values));
  EXPECT_TRUE(first.prior_is_true);
  EXPECT_EQ(first.prior.kernel, data::KernelKind::RBF);
  const auto params = first.prior.hyper.task(0);
  EXPECT_GE(params.lengthscale, 0.1);
  EXPECT_LE(params.lengthscale, 0.6);
  EXPECT_DOUBLE_EQ(first.optimum, first.values.max().item<double>());
  EXPECT_EQ(bo::make_objective("gp-matern", 4).prior.kernel, data::KernelKind::Matern52);
}

TEST(BoObjective, AnUnknownFunctionIsAClearError) {
  expect_invalid_argument([] { bo::make_objective("branin", 0); },
                          {"unknown function 'branin'", "gp-rbf", "forrester", "levy"});
  expect_invalid_argument([] { bo::make_objective("forrester", 0, 1); }, {"at least 2 points"});
}

TEST(BoLoop, StepsOfZeroOrLessAreRefused) {
  const auto objective = bo::make_objective("forrester", 0);
  for (const int64_t steps : {0, -3}) {
    expect_invalid_argument([&] { bo::run_loop(objective, nullptr, {}, steps); },
                            {"steps must be >= 1, got " + std::to_string(steps)});
  }
}

TEST(BoLoop, SimpleRegretNeverRisesAndCumulativeRegretIsTheSumOfInstantRegrets) {
  const auto objective = bo::make_objective("gp-matern", 3);
  bo::LoopOptions options;
  options.seed = 3;
  bo::Loop loop(objective, nullptr, options);  // random search
  ASSERT_EQ(loop.initial_indices().size(), 3u);
  double best = -HUGE_VAL;
  for (const auto index : loop.initial_indices()) best = std::max(best, objective.value_at(index));
  EXPECT_DOUBLE_EQ(loop.initial_regret(), objective.optimum - best);
  double previous_simple = loop.initial_regret();
  double sum = 0.0;
  for (int step = 1; step <= 40; ++step) {
    const auto& record = loop.step();
    EXPECT_EQ(record.step, step);
    EXPECT_DOUBLE_EQ(record.y, objective.value_at(record.index));
    best = std::max(best, record.y);
    sum += objective.optimum - record.y;
    EXPECT_DOUBLE_EQ(record.simple_regret, objective.optimum - best);
    EXPECT_LE(record.simple_regret, previous_simple);
    EXPECT_GE(record.simple_regret, 0.0);
    EXPECT_NEAR(record.cumulative_regret, sum, 1e-12);
    previous_simple = record.simple_regret;
  }
}

TEST(BoLoop, TheSeedFixesTheStartingPointsWhateverTheSurrogate) {
  const auto objective = bo::make_objective("forrester", 0);
  bo::LoopOptions options;
  options.seed = 11;
  bo::OracleSurrogate oracle(objective.prior);
  const bo::Loop with_oracle(objective, &oracle, options);
  const bo::Loop random(objective, nullptr, options);
  EXPECT_EQ(with_oracle.initial_indices(), random.initial_indices());
  options.seed = 12;
  EXPECT_NE(bo::Loop(objective, nullptr, options).initial_indices(), random.initial_indices());
}

/// A surrogate whose prediction is NaN at one candidate.
class NaNSurrogate : public bo::Surrogate {
 public:
  std::string name() const override { return "nan"; }
  void condition(const at::Tensor& x, const at::Tensor&) override { count_ = x.size(0); }
  void observe(double, double) override { ++count_; }
  models::Prediction predict(const at::Tensor& candidates) override {
    auto mean = at::zeros_like(candidates);
    mean[7] = std::nan("");
    return {mean, at::ones_like(candidates)};
  }
  int64_t count() const override { return count_; }

 private:
  int64_t count_ = 0;
};

TEST(BoLoop, ASurrogatePredictingNaNStopsTheLoopWithAClearError) {
  const auto objective = bo::make_objective("levy", 0, 101);
  NaNSurrogate surrogate;
  for (const auto acquisition :
       {bo::Acquisition::ExpectedImprovement, bo::Acquisition::UpperConfidenceBound,
        bo::Acquisition::Thompson}) {
    bo::LoopOptions options;
    options.acquisition = acquisition;
    bo::Loop loop(objective, &surrogate, options);
    expect_invalid_argument(
        [&] { loop.step(); },
        {"acquisition " + std::string(bo::acquisition_name(acquisition)) + " is NaN at 1 of 101"});
  }
}

TEST(BoLoop, ExpectedImprovementUnderTheOracleFindsTheForresterMaximum) {
  const auto objective = bo::make_objective("forrester", 0);
  bo::OracleSurrogate oracle(objective.prior);
  bo::LoopOptions options;
  options.seed = 0;
  const auto steps = bo::run_loop(objective, &oracle, options, 15);
  EXPECT_LT(steps.back().simple_regret, 1e-3);
  const double spacing = 4.0 / static_cast<double>(objective.grid_points() - 1);
  double best_x = 0.0;
  double best_y = -HUGE_VAL;
  for (const auto& step : steps) {
    if (step.y > best_y) std::tie(best_x, best_y) = std::pair{step.x, step.y};
  }
  EXPECT_NEAR(best_x, 4 * 0.75725 - 2, 2 * spacing);
}

TEST(BoReport, MeanAndStandardErrorAtAStep) {
  std::vector<bo::RunRecord> runs;
  for (const double regret : {1.0, 2.0, 4.0}) {
    bo::StepRecord record;
    record.step = 1;
    record.simple_regret = regret;
    record.seconds = 0.002;
    runs.push_back({"oracle", "forrester", "ei", 0, {record}});
  }
  const auto summary = bo::simple_regret_at(runs, "oracle", 1);
  EXPECT_DOUBLE_EQ(summary.mean, 7.0 / 3.0);
  // Sample std of {1, 2, 4} is √(7/3); over √3 that is √7 / 3.
  EXPECT_NEAR(summary.se, std::sqrt(7.0) / 3.0, 1e-12);
  EXPECT_NEAR(bo::step_milliseconds(runs, "oracle").mean, 2.0, 1e-12);
  expect_invalid_argument([&] { bo::simple_regret_at(runs, "oracle", 2); }, {"step 2 outside"});
  EXPECT_EQ(bo::report_steps(30), (std::vector<int64_t>{10, 20, 30}));
  EXPECT_EQ(bo::report_steps(25), (std::vector<int64_t>{10, 20, 25}));
  EXPECT_EQ(bo::report_steps(4), (std::vector<int64_t>{4}));
}

}  // namespace
}  // namespace nplab

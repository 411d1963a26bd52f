// The synthetic point processes, their oracle, the log-normal mixture and the event CSV reader.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "nplab/tpp/events_csv.h"
#include "nplab/tpp/lognormal_mixture.h"
#include "nplab/tpp/processes.h"
#include "temp_dir.h"
#include "test_support.h"

namespace nplab::tpp {
namespace {

using testing::TempDir;

// The mean rate of independent replicates over (burn_in, horizon], with its standard error.
// Replicates rather than one long run: Hawkes counts cluster, so the SE of one run's count would
// need its correlation time; across independent replicates the plain SE holds.
struct RateEstimate {
  double mean = 0.0;
  double standard_error = 0.0;
};

RateEstimate replicate_rate(const TemporalProcess& process, uint64_t seed, int replicates,
                            double burn_in, double horizon) {
  Rng rng(seed);
  std::vector<double> rates;
  for (int r = 0; r < replicates; ++r) {
    const auto events = simulate(process, rng, std::numeric_limits<int64_t>::max(), horizon);
    const auto after = std::count_if(events.times.begin(), events.times.end(),
                                     [&](double t) { return t > burn_in; });
    rates.push_back(static_cast<double>(after) / (horizon - burn_in));
  }
  const double mean = std::accumulate(rates.begin(), rates.end(), 0.0) / replicates;
  double spread = 0.0;
  for (const double rate : rates) spread += (rate - mean) * (rate - mean);
  return {mean, std::sqrt(spread / (replicates - 1) / replicates)};
}

TEST(TppThinning, UnivariateHawkesRateIsMuOverOneMinusBranchingRatio) {
  const double mu = 0.5, branching = 0.6;
  const HawkesProcess process({{mu}, {{branching}}, {{2.0}}});
  EXPECT_NEAR(process.spectral_radius(), branching, 1e-12);
  EXPECT_NEAR(process.stationary_rates()[0], mu / (1 - branching), 1e-12);
  // The excitation from the empty start decays like exp(−β(1 − n) t): 50 is far past it.
  const auto rate = replicate_rate(process, 5, 200, 50.0, 300.0);
  EXPECT_GT(rate.standard_error, 0.0);
  EXPECT_NEAR(rate.mean, mu / (1 - branching), 4.0 * rate.standard_error)
      << "SE " << rate.standard_error;
}

TEST(TppThinning, MultivariateHawkesRateIsTheStationaryRate) {
  Rng rng(11);
  const HawkesProcess process(draw_hawkes_parameters(rng, 3));
  ASSERT_LT(process.spectral_radius(), 1.0);
  const auto rates = process.stationary_rates();
  const double stationary = std::accumulate(rates.begin(), rates.end(), 0.0);
  const auto rate = replicate_rate(process, 12, 200, 50.0, 250.0);
  EXPECT_NEAR(rate.mean, stationary, 4.0 * rate.standard_error)
      << "SE " << rate.standard_error << ", spectral radius " << process.spectral_radius();
}

TEST(TppThinning, DrawnHawkesParametersAreStationaryWithinTheirRanges) {
  Rng rng(21);
  const HawkesRanges ranges;
  for (int i = 0; i < 50; ++i) {
    const HawkesProcess process(draw_hawkes_parameters(rng, 3, ranges));
    EXPECT_GE(process.spectral_radius(), ranges.radius_low - 1e-9);
    EXPECT_LE(process.spectral_radius(), ranges.radius_high + 1e-9);
    for (const double mu : process.parameters().mu) {
      EXPECT_GE(mu, ranges.mu_low);
      EXPECT_LE(mu, ranges.mu_high);
    }
  }
}

TEST(TppThinning, HawkesRejectsANonStationaryBranchingMatrix) {
  testing::expect_invalid_argument(
      [] {
        HawkesProcess({{0.5, 0.5}, {{0.6, 0.5}, {0.5, 0.6}}, {{1, 1}, {1, 1}}});
      },
      {"spectral radius", "not below 1"});
}

TEST(TppThinning, SinusoidalPoissonCountMatchesIntegratedRate) {
  const SinusoidalPoissonProcess process({{1.0, 0.5}, {0.8, 0.5}, {0.0, 1.0}, 10.0});
  Rng rng(9);
  const double horizon = 20000.0;  // a whole number of periods: the sine integrates to 0
  const auto events = simulate(process, rng, 1 << 30, horizon);
  // The count is Poisson with mean 1.5 · horizon: its SE is its square root.
  const double standard_error = std::sqrt(1.5 * horizon) / horizon;
  EXPECT_NEAR(static_cast<double>(events.size()) / horizon, 1.5, 4.0 * standard_error);
  EXPECT_LE(events.times.back(), horizon);
}

TEST(TppThinning, SelfCorrectingMeanRateIsMuOverAlpha) {
  const SelfCorrectingProcess process({{1.0}, {0.5}});
  Rng rng(4);
  const auto events = simulate(process, rng, 20000);
  EXPECT_NEAR(static_cast<double>(events.size()) / events.times.back(), 2.0, 0.05);
}

TEST(TppThinning, SameSeedSameEvents) {
  Rng a(3), b(3);
  const auto process = draw_process(ProcessKind::Hawkes, a, 3);
  const auto again = draw_process(ProcessKind::Hawkes, b, 3);
  const auto x = simulate(*process, a, 200), y = simulate(*again, b, 200);
  EXPECT_EQ(x.times, y.times);
  EXPECT_EQ(x.marks, y.marks);
}

TEST(TppOracle, HawkesLogLikelihoodEqualsClosedFormOnTwoEvents) {
  // μ = 0.5, α = 0.5, β = 2; events at t = 1 and t = 2 (mark 0).
  const HawkesProcess process({{0.5}, {{0.5}}, {{2.0}}});
  const EventList events{{1.0, 2.0}, {0, 0}};
  const auto per_event = event_log_likelihoods(process, events);
  ASSERT_EQ(per_event.size(), 2u);
  // λ(1) = 0.5, Λ(0, 1) = 0.5; λ(2) = 0.5 + αβ e^{−β} = 0.5 + e^{−2},
  // Λ(1, 2) = 0.5 + α (1 − e^{−β}) = 0.5 + 0.5 (1 − e^{−2}).
  EXPECT_NEAR(per_event[0], std::log(0.5) - 0.5, 1e-12);
  EXPECT_NEAR(per_event[1], std::log(0.5 + std::exp(-2.0)) - 0.5 - 0.5 * (1 - std::exp(-2.0)),
              1e-12);
  // On [0, 3]: minus Λ(2, 3) = 0.5 + 0.5 (e^{−2} + 1)(1 − e^{−2}) ... written out:
  const double excitation_at_2 = 1.0 * std::exp(-2.0) + 1.0;  // αβ Σ e^{−β (2 − t_i)}
  const double tail = 0.5 + excitation_at_2 * (1 - std::exp(-2.0)) / 2.0;
  EXPECT_NEAR(log_likelihood(process, events, 3.0), per_event[0] + per_event[1] - tail, 1e-12);
}

TEST(TppOracle, NextEventOfPoissonIsExponential) {
  // α = 0: a homogeneous Poisson process of total rate 1.5, marks in proportion 1 : 2.
  const HawkesProcess process({{0.5, 1.0}, {{0, 0}, {0, 0}}, {{1, 1}, {1, 1}}});
  const auto tracker = track(process, EventList{{0.7}, {1}});
  const OracleNextEvent oracle(*tracker, 2);
  EXPECT_NEAR(oracle.mean(), 1 / 1.5, 1e-6);
  EXPECT_NEAR(oracle.mark_probabilities()[0], 1.0 / 3.0, 1e-6);
  EXPECT_NEAR(oracle.mark_probabilities()[1], 2.0 / 3.0, 1e-6);
  EXPECT_NEAR(oracle.log_density(0.4), std::log(1.5) - 1.5 * 0.4, 1e-12);
  EXPECT_NEAR(oracle.cdf(0.4), 1 - std::exp(-0.6), 1e-12);
  EXPECT_NEAR(oracle.log_density(0.4, 1), std::log(1.0) - 1.5 * 0.4, 1e-12);
}

TEST(TppOracle, HawkesNextEventDensityIntegratesToOne) {
  Rng rng(2);
  const auto process = draw_process(ProcessKind::Hawkes, rng, 3);
  const auto events = simulate(*process, rng, 30);
  const OracleNextEvent oracle(*track(*process, events), 3);
  const auto& p = oracle.mark_probabilities();
  EXPECT_NEAR(p[0] + p[1] + p[2], 1.0, 1e-6);
  EXPECT_NEAR(oracle.cdf(1e6), 1.0, 1e-12);
  EXPECT_GT(oracle.mean(), 0.0);
}

TEST(TppLogNormalMixture, DensityIntegratesToOneAndMatchesCdfMeanAndVariance) {
  at::manual_seed(1);
  const LogNormalMixture mixture{at::log_softmax(at::randn({2, 4}, at::kDouble), -1),
                                 at::randn({2, 4}, at::kDouble),
                                 at::rand({2, 4}, at::kDouble) * 0.8 + 0.2};
  // Trapezoid in x = log τ over ±12 of the widest component: ∫ p(τ) dτ = ∫ p(e^x) e^x dx.
  const auto x = at::linspace(-14, 14, 200001, at::kDouble).unsqueeze(1);  // [N, 1]
  const auto tau = x.exp().expand({-1, 2});
  const auto integrand = (mixture.log_density(tau) + x).exp();  // [N, 2]
  const double h = 28.0 / 200000;
  const auto integral = (integrand.sum(0) - 0.5 * (integrand[0] + integrand[-1])) * h;
  EXPECT_NEAR(integral[0].item<double>(), 1.0, 1e-8);
  EXPECT_NEAR(integral[1].item<double>(), 1.0, 1e-8);
  const auto mean =
      ((integrand * tau).sum(0) - 0.5 * (integrand[0] * tau[0] + integrand[-1] * tau[-1])) * h;
  EXPECT_LE(testing::max_abs_diff(mean, mixture.mean()), 1e-6);
  const auto square = tau.square();
  const auto second_moment = ((integrand * square).sum(0) -
                              0.5 * (integrand[0] * square[0] + integrand[-1] * square[-1])) *
                             h;
  EXPECT_LE(testing::max_abs_diff(second_moment - mean.square(), mixture.variance()), 1e-5);
  // CDF at τ = 1: the integral over x < 0.
  const auto below = integrand.narrow(0, 0, 100001);
  const auto cdf_at_1 = (below.sum(0) - 0.5 * (below[0] + below[-1])) * h;
  EXPECT_LE(testing::max_abs_diff(cdf_at_1, mixture.cdf(at::ones({2}, at::kDouble))), 1e-8);
}

TEST(TppLogNormalMixture, SamplesHaveTheMixtureMean) {
  const LogNormalMixture mixture{at::log(at::tensor({0.3, 0.7}, at::kDouble)),
                                 at::tensor({-1.0, 0.5}, at::kDouble),
                                 at::tensor({0.5, 0.3}, at::kDouble)};
  auto generator = at::detail::createCPUGenerator(7);
  std::vector<at::Tensor> draws;
  for (int i = 0; i < 20000; ++i) draws.push_back(mixture.sample(generator));
  const double empirical = at::stack(draws).mean().item<double>();
  EXPECT_NEAR(empirical, mixture.mean().item<double>(), 0.02);
}

class EventCsvErrors : public ::testing::Test {
 protected:
  // Expects reading `text` (K = 3) to fail naming file:line and `reason`.
  void expect_error(const std::string& text, int line, const std::string& reason) {
    const auto path = dir_.write("events.csv", text);
    try {
      read_event_csv(path, 3);
      ADD_FAILURE() << "expected a DataError for:\n" << text;
    } catch (const data::DataError& error) {
      EXPECT_THAT(error.what(),
                  ::testing::HasSubstr(path.string() + ":" + std::to_string(line) + ": "));
      EXPECT_THAT(error.what(), ::testing::HasSubstr(reason));
    }
  }
  TempDir dir_;
};

TEST_F(EventCsvErrors, UnsortedTimesNameTheLine) {
  expect_error("sequence,time,mark\na,1.0,0\na,0.5,1\n", 3, "times must increase");
}

TEST_F(EventCsvErrors, NegativeTimeNamesTheLine) {
  expect_error("sequence,time,mark\na,-1.0,0\n", 2, "not positive");
}

TEST_F(EventCsvErrors, MarkOutOfRangeNamesTheLine) {
  expect_error("sequence,time,mark\na,1.0,0\n\na,2.0,3\n", 4, "outside 0..2");
}

TEST_F(EventCsvErrors, NanTimeNamesTheLine) {
  expect_error("a,1.0,0\na,nan,1\n", 2, "NaN");
}

TEST_F(EventCsvErrors, WrongColumnCountAndInterleavedSequences) {
  expect_error("a,1.0\n", 1, "expected 3 columns");
  expect_error("a,1,0\nb,1,0\na,2,0\n", 3, "not contiguous");
  expect_error("a,1,x\n", 1, "not an integer");
}

TEST(EventCsv, ReadsWhatItWrites) {
  TempDir dir;
  EventCsv events{{"first", "second"},
                  {EventList{{0.1, 1.0 / 3.0}, {0, 2}}, EventList{{2.5}, {1}}}};
  write_event_csv(dir.path() / "out.csv", events);
  const auto back = read_event_csv(dir.path() / "out.csv", 3);
  EXPECT_EQ(back.sequence_names, events.sequence_names);
  ASSERT_EQ(back.sequences.size(), 2u);
  EXPECT_EQ(back.sequences[0].times, events.sequences[0].times);
  EXPECT_EQ(back.sequences[0].marks, events.sequences[0].marks);
  EXPECT_EQ(back.sequences[1].times, events.sequences[1].times);
}

}  // namespace
}  // namespace nplab::tpp

// The Poisson floor every point-process model must clear, and the shipped models against it.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "nplab/tpp/evaluation.h"
#include "nplab/tpp/sequences.h"
#include "nplab/tpp/training.h"

namespace nplab::tpp {
namespace {

TEST(TppPoissonBaseline, ScoresTwoEventsAsTheClosedForm) {
  // Two marks; events (0.5, mark 0) and (2.0, mark 1).
  // Event 1: exposure 1, total rate 1, rate of mark 0 = 1/2, τ = 0.5, mean 1, predicted mark 0.
  // Event 2: exposure 1.5, total rate 2/1.5, rate of mark 1 = 0.5/1.5, τ = 1.5, mean 0.75,
  // predicted mark 0 (seen once).
  const EventList events{{0.5, 2.0}, {0, 1}};
  const auto result = evaluate_poisson_baseline({events}, 2);
  const double log_likelihood =
      (std::log(0.5) - 0.5) + (std::log(0.5 / 1.5) - (2.0 / 1.5) * 1.5);
  EXPECT_NEAR(result.nll.mean, -log_likelihood / 2.0, 1e-12);
  EXPECT_NEAR(result.rmse.mean, std::sqrt((0.5 * 0.5 + 0.75 * 0.75) / 2.0), 1e-12);
  EXPECT_DOUBLE_EQ(result.mark_accuracy.mean, 0.5);
  EXPECT_EQ(result.events, 2);
}

TEST(TppPoissonBaseline, ComesCloseToTheOracleOnAHomogeneousProcess) {
  // On a sinusoidal Poisson process the refitted rates are near the truth once the history is
  // long, so the floor is close to the oracle there, and never better than it.
  const auto spec = parse_tpp_data("tpp-poisson", 256, 3);
  const auto sequences = evaluation_sequences(spec, 7, 64);
  std::vector<EventList> events;
  for (const auto& s : sequences) events.push_back(s.events);
  const auto baseline = evaluate_poisson_baseline(events, 3);
  const auto oracle = evaluate_oracle(sequences);
  EXPECT_GT(baseline.nll.mean, oracle.nll.mean);
  EXPECT_LT(baseline.nll.mean, oracle.nll.mean + 0.25);
}

TEST(TppPoissonBaseline, AMarkOutsideTheRangeIsNamed) {
  const EventList events{{0.5}, {3}};
  EXPECT_THROW(
      {
        try {
          evaluate_poisson_baseline({events}, 3);
        } catch (const std::exception& error) {
          EXPECT_NE(std::string(error.what()).find("mark 3 of event 0"), std::string::npos);
          throw;
        }
      },
      std::exception);
}

// The shipped point-process checkpoints must beat the floor on fixed Hawkes sequences, by more
// than the floor's standard error.
TEST(ShippedPointProcesses, BeatThePoissonBaselineOnFixedHawkesSequences) {
  const auto spec = parse_tpp_data("tpp-hawkes", 64, 3);
  std::vector<EventList> events;
  for (const auto& s : evaluation_sequences(spec, 123, 96)) events.push_back(s.events);
  const auto baseline = evaluate_poisson_baseline(events, 3);
  for (const std::string name : {"cmhp", "thp"}) {
    SCOPED_TRACE(name);
    const std::string path = std::string(NPLAB_MODELS_DIR) + "/" + name + ".pt";
    ASSERT_TRUE(std::filesystem::exists(path)) << path << " is not shipped";
    auto checkpoint = load_point_process(path, c10::Device(c10::kCPU));
    const auto scored = evaluate_point_process(*checkpoint.model, events);
    EXPECT_LT(scored.nll.mean + baseline.nll.standard_error, baseline.nll.mean)
        << name << " NLL " << scored.nll.mean << ", baseline " << baseline.nll.mean;
    EXPECT_LT(scored.rmse.mean, baseline.rmse.mean);
  }
}

}  // namespace
}  // namespace nplab::tpp

#pragma once
// The metrics of the CMHP paper's Table 3 for a point-process model and for the oracle (the true
// process) on the same sequences:
//   rmse           root mean squared error of the next event's time, predicted as the last
//                  event's time plus the expected inter-event time (= RMSE of τ)
//   nll            negative log-likelihood per event, time and mark together
//   mark_accuracy  how often the most probable next mark is the actual one
// Each comes with a standard error over sequences (events of one sequence are not independent):
// the ratio estimator's Σ x_s / Σ n_s with its delta-method error; RMSE's through √MSE.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "nplab/tpp/point_process.h"
#include "nplab/tpp/sequences.h"

namespace nplab::tpp {

struct TppMetric {
  double mean = 0.0;
  double standard_error = 0.0;
};

struct TppEvaluation {
  TppMetric rmse;
  TppMetric nll;
  TppMetric mark_accuracy;
  int64_t sequences = 0;
  int64_t events = 0;

  /// {"rmse": .., "rmse_se": .., "nll": .., "nll_se": .., "mark_accuracy": ..,
  ///  "mark_accuracy_se": .., "sequences": .., "events": ..}
  nlohmann::json to_json() const;
};

/// Per-sequence sums the metrics are made of; public so that tests can check the estimators.
struct SequenceScores {
  double squared_error = 0.0;
  double nll = 0.0;
  double correct_marks = 0.0;
  int64_t events = 0;
};
TppEvaluation summarize(const std::vector<SequenceScores>& scores);

/// Scores `model` on every event of every sequence (each event predicted from the ones before
/// it), in batches of up to `batch_size` consecutive sequences of equal length. No gradients.
TppEvaluation evaluate_point_process(PointProcessModel& model,
                                     const std::vector<EventList>& sequences,
                                     int64_t batch_size = 16);

/// The oracle on the same events: exact NLL, the true next-event mean (by quadrature) and the
/// most probable next mark under the true intensity.
TppEvaluation evaluate_oracle(const std::vector<SyntheticSequence>& sequences);

/// The floor a learned model must clear: a homogeneous Poisson process per mark whose rates are
/// refitted to the history before each event, λ_k = (N_k + 1/K) / (t + 1) (the maximum-likelihood
/// rate N_k / t with one pseudo-event spread over the marks and one unit of time, so that the
/// first event has a rate too). It predicts τ ~ Exp(Σ λ_k) with mean 1 / Σ λ_k, and the mark seen
/// most often so far (the lowest on a tie).
TppEvaluation evaluate_poisson_baseline(const std::vector<EventList>& sequences, int64_t marks);

}  // namespace nplab::tpp

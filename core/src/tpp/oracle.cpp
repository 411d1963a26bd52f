// The oracle: exact log-likelihoods and the true next-event distribution of a known process.

#include <algorithm>
#include <cmath>

#include "nplab/tpp/processes.h"
#include "nplab/util/checks.h"

namespace nplab::tpp {

std::vector<double> event_log_likelihoods(const TemporalProcess& process, const EventList& events) {
  auto tracker = process.tracker();
  std::vector<double> lambda(static_cast<size_t>(process.marks()));
  std::vector<double> result;
  result.reserve(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    const double t = events.times[i];
    const auto mark = static_cast<size_t>(events.marks[i]);
    if (!(t > tracker->last_time())) {  // observation starts at 0: the first time too is > 0
      throw util::InvalidArgument(
          "event_log_likelihoods: times must be positive and increase (event " + std::to_string(i) +
          ")");
    }
    if (mark >= lambda.size())
      throw util::InvalidArgument("event_log_likelihoods: mark out of range");
    tracker->intensities(t, lambda);  // the left limit λ(t−): the event itself not yet observed
    result.push_back(std::log(lambda[mark]) - tracker->compensator(t));
    tracker->observe(t, events.marks[i]);
  }
  return result;
}

double log_likelihood(const TemporalProcess& process, const EventList& events, double horizon) {
  double total = 0.0;
  for (const double ll : event_log_likelihoods(process, events)) total += ll;
  const auto tracker = track(process, events);
  if (horizon < tracker->last_time()) {
    throw util::InvalidArgument("log_likelihood: horizon is before the last event");
  }
  return total - tracker->compensator(horizon);
}

OracleNextEvent::OracleNextEvent(const IntensityTracker& history, int64_t marks,
                                 int64_t quadrature_intervals)
    : history_(history.clone()), marks_(marks), mark_probabilities_(static_cast<size_t>(marks)) {
  if (quadrature_intervals < 2)
    throw util::InvalidArgument("oracle: quadrature_intervals must be >= 2");
  const int64_t intervals = quadrature_intervals + quadrature_intervals % 2;  // Simpson: even
  const double t0 = history_->last_time();
  std::vector<double> lambda(static_cast<size_t>(marks));
  history_->intensities(t0, lambda);
  double lambda0 = 0.0;
  for (const double l : lambda) lambda0 += l;
  // Bracket the survival: up to where Λ reaches 40 (S < 5e-18), down to where S is still 1 to
  // ~1e-8; [0, τ_lo] contributes τ_lo to the mean and λ_k(t0) τ_lo to mark k.
  double tau_high = 1.0 / std::max(lambda0, 1e-300);
  for (int i = 0; i < 200 && history_->compensator(t0 + tau_high) < 40.0; ++i) tau_high *= 2.0;
  const double tau_low = std::min(1e-8 / std::max(lambda0, 1e-300), 1e-8 * tau_high);
  mean_ = tau_low;
  for (size_t k = 0; k < lambda.size(); ++k) mark_probabilities_[k] = lambda[k] * tau_low;
  // Simpson's rule in x = log τ: ∫ f(τ) dτ = ∫ f(e^x) e^x dx, smooth on a log scale.
  const double x_low = std::log(tau_low), x_high = std::log(tau_high);
  const double h = (x_high - x_low) / static_cast<double>(intervals);
  for (int64_t i = 0; i <= intervals; ++i) {
    const double weight = (i == 0 || i == intervals) ? 1.0 : (i % 2 ? 4.0 : 2.0);
    const double tau = std::exp(x_low + h * static_cast<double>(i));
    const double survival = std::exp(-history_->compensator(t0 + tau));
    history_->intensities(t0 + tau, lambda);
    const double factor = weight * h / 3.0 * tau * survival;
    mean_ += factor;
    for (size_t k = 0; k < lambda.size(); ++k) mark_probabilities_[k] += factor * lambda[k];
  }
}

double OracleNextEvent::log_density(double tau) const {
  std::vector<double> lambda(static_cast<size_t>(marks_));
  const double t = history_->last_time() + tau;
  history_->intensities(t, lambda);
  double total = 0.0;
  for (const double l : lambda) total += l;
  return std::log(total) - history_->compensator(t);
}

double OracleNextEvent::log_density(double tau, int64_t mark) const {
  std::vector<double> lambda(static_cast<size_t>(marks_));
  const double t = history_->last_time() + tau;
  history_->intensities(t, lambda);
  return std::log(lambda.at(static_cast<size_t>(mark))) - history_->compensator(t);
}

double OracleNextEvent::cdf(double tau) const {
  return -std::expm1(-history_->compensator(history_->last_time() + tau));
}

}  // namespace nplab::tpp

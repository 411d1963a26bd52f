#pragma once
// Synthetic marked point processes whose conditional intensity is known exactly, so that an
// oracle scores the same sequences with the true model (as the oracle GP does for functions).
// Marks 0..K−1 (K = 3 by default); observation starts at t = 0 with no history.
//
//   hawkes           λ_k(t) = μ_k + Σ_{t_i < t} α_{k,k_i} β_{k,k_i} exp(−β_{k,k_i} (t − t_i))
//                    (α is the branching matrix: ∫ of each kernel; stationary when its spectral
//                    radius ρ(α) < 1, then the mean rates are (I − α)⁻¹ μ)
//   self-correcting  λ_k(t) = exp(μ_k t − α_k N_k(t)), N_k(t) the number of mark-k events before t
//                    (each mark a self-correcting process of Isham & Westcott, mean rate μ_k/α_k)
//   poisson          λ_k(t) = a_k (1 + c_k sin(2π t / P + φ_k)), c_k < 1
//
// Parameters are drawn per sequence from the ranges in the *Ranges structs below. Sequences are
// simulated by Ogata thinning from a seeded Rng: the same seed gives the same events everywhere.

#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nplab::tpp {

/// One sequence of events in plain numbers (simulation, CSV files, evaluation).
struct EventList {
  std::vector<double> times;   ///< strictly increasing, > 0
  std::vector<int64_t> marks;  ///< 0..K−1
  size_t size() const { return times.size(); }
};

/// A seeded source of draws that is the same on every platform: mt19937_64 (fully specified by
/// the standard), with the transforms written out (std::*_distribution are not portable).
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  /// U(0, 1], 53 random bits.
  double uniform();
  double uniform(double low, double high) { return low + (high - low) * uniform(); }
  /// Exp(rate).
  double exponential(double rate);
  /// An index drawn with probability weights[i] / Σ weights.
  int64_t categorical(std::span<const double> weights);

 private:
  std::mt19937_64 engine_;
};

/// The conditional intensity of one process given the events observed so far (in time order).
class IntensityTracker {
 public:
  virtual ~IntensityTracker() = default;
  virtual std::unique_ptr<IntensityTracker> clone() const = 0;
  /// Records an event at `time` (>= last_time()).
  virtual void observe(double time, int64_t mark) = 0;
  /// λ_k(time) for every mark, time >= last_time() (the intensity just after the last event).
  virtual void intensities(double time, std::span<double> out) const = 0;
  /// ∫ from last_time() to `time` of Σ_k λ_k.
  virtual double compensator(double time) const = 0;
  /// For thinning: {bound, until} with Σ_k λ_k(s) <= bound for s in [from, until].
  virtual std::pair<double, double> intensity_bound(double from) const = 0;

  double last_time() const { return last_time_; }
  int64_t observed() const { return observed_; }

 protected:
  double last_time_ = 0.0;
  int64_t observed_ = 0;
};

class TemporalProcess {
 public:
  virtual ~TemporalProcess() = default;
  virtual std::string name() const = 0;
  virtual int64_t marks() const = 0;
  /// The intensity of the empty history.
  virtual std::unique_ptr<IntensityTracker> tracker() const = 0;
};

struct HawkesParameters {
  std::vector<double> mu;                  ///< [K] background rates
  std::vector<std::vector<double>> alpha;  ///< [K][K] branching matrix, α[k][j]: j excites k
  std::vector<std::vector<double>> beta;   ///< [K][K] decay rates
};

struct HawkesRanges {
  double mu_low = 0.2, mu_high = 0.6;
  double alpha_low = 0.0, alpha_high = 1.0;    ///< raw entries, then rescaled to ρ
  double radius_low = 0.4, radius_high = 0.8;  ///< spectral radius ρ(α) of the drawn matrix
  double beta_low = 1.0, beta_high = 3.0;
};

class HawkesProcess : public TemporalProcess {
 public:
  explicit HawkesProcess(HawkesParameters parameters);  ///< throws unless stationary
  std::string name() const override { return "hawkes"; }
  int64_t marks() const override { return static_cast<int64_t>(parameters_.mu.size()); }
  std::unique_ptr<IntensityTracker> tracker() const override;

  const HawkesParameters& parameters() const { return parameters_; }
  /// ρ(α), by power iteration (α is non-negative: Perron–Frobenius).
  double spectral_radius() const;
  /// The stationary mean rate of each mark, (I − α)⁻¹ μ.
  std::vector<double> stationary_rates() const;

 private:
  HawkesParameters parameters_;
};

/// Draws K-mark Hawkes parameters from `ranges`: μ, β, raw α uniform, then α scaled so that
/// ρ(α) ~ U(radius_low, radius_high).
HawkesParameters draw_hawkes_parameters(Rng& rng, int64_t marks, const HawkesRanges& ranges = {});

struct SelfCorrectingParameters {
  std::vector<double> mu;     ///< [K] growth rates
  std::vector<double> alpha;  ///< [K] drops per event
};

struct SelfCorrectingRanges {
  double mu_low = 0.5, mu_high = 1.5;
  double alpha_low = 0.5, alpha_high = 1.5;
};

class SelfCorrectingProcess : public TemporalProcess {
 public:
  explicit SelfCorrectingProcess(SelfCorrectingParameters parameters);
  std::string name() const override { return "self-correcting"; }
  int64_t marks() const override { return static_cast<int64_t>(parameters_.mu.size()); }
  std::unique_ptr<IntensityTracker> tracker() const override;
  const SelfCorrectingParameters& parameters() const { return parameters_; }

 private:
  SelfCorrectingParameters parameters_;
};

SelfCorrectingParameters draw_self_correcting_parameters(Rng& rng, int64_t marks,
                                                         const SelfCorrectingRanges& ranges = {});

struct SinusoidalPoissonParameters {
  std::vector<double> rate;       ///< [K] a_k, mean rates
  std::vector<double> amplitude;  ///< [K] c_k in [0, 1)
  std::vector<double> phase;      ///< [K] φ_k
  double period = 10.0;           ///< P
};

struct SinusoidalPoissonRanges {
  double rate_low = 0.3, rate_high = 1.2;
  double amplitude_low = 0.5, amplitude_high = 0.9;
  double period_low = 5.0, period_high = 20.0;
};

class SinusoidalPoissonProcess : public TemporalProcess {
 public:
  explicit SinusoidalPoissonProcess(SinusoidalPoissonParameters parameters);
  std::string name() const override { return "poisson"; }
  int64_t marks() const override { return static_cast<int64_t>(parameters_.rate.size()); }
  std::unique_ptr<IntensityTracker> tracker() const override;
  const SinusoidalPoissonParameters& parameters() const { return parameters_; }

 private:
  SinusoidalPoissonParameters parameters_;
};

SinusoidalPoissonParameters draw_sinusoidal_poisson_parameters(
    Rng& rng, int64_t marks, const SinusoidalPoissonRanges& ranges = {});

enum class ProcessKind { Hawkes, SelfCorrecting, Poisson };

/// "hawkes", "self-correcting", "poisson", each also with a "tpp-" prefix (the CLI's data names).
ProcessKind parse_process_kind(std::string_view name);
std::string process_kind_name(ProcessKind kind);
/// A process of `kind` with parameters drawn from the default ranges.
std::unique_ptr<TemporalProcess> draw_process(ProcessKind kind, Rng& rng, int64_t marks = 3);

/// Ogata thinning: events until `max_events` or the first event after `horizon`.
EventList simulate(const TemporalProcess& process, Rng& rng, int64_t max_events,
                   double horizon = std::numeric_limits<double>::infinity());

/// The tracker of `process` after observing `events` (all of them, or the first `count`).
std::unique_ptr<IntensityTracker> track(const TemporalProcess& process, const EventList& events,
                                        size_t count = std::numeric_limits<size_t>::max());

/// The exact log-density of each event given the ones before it:
/// log λ_{k_i}(t_i) − ∫_{t_{i−1}}^{t_i} Σ_k λ_k (t_0 = 0), what the models' NLL per event
/// estimates.
std::vector<double> event_log_likelihoods(const TemporalProcess& process, const EventList& events);
/// The exact log-likelihood of observing `events` on [0, horizon]: the sum above minus the
/// compensator from the last event to `horizon` (>= the last time).
double log_likelihood(const TemporalProcess& process, const EventList& events, double horizon);

/// The oracle's distribution of the next event given a history (a tracker positioned after it):
/// density λ(t_n + τ) exp(−Λ(τ)); the mean and the mark probabilities by quadrature in log τ.
class OracleNextEvent {
 public:
  explicit OracleNextEvent(const IntensityTracker& history, int64_t marks,
                           int64_t quadrature_intervals = 512);
  /// log p(τ), marginal over the mark.
  double log_density(double tau) const;
  double cdf(double tau) const;
  /// log p(τ, k), the joint density.
  double log_density(double tau, int64_t mark) const;
  double mean() const { return mean_; }
  /// P(next mark = k), [K]; sums to 1 up to the quadrature's error.
  const std::vector<double>& mark_probabilities() const { return mark_probabilities_; }

 private:
  std::unique_ptr<IntensityTracker> history_;
  int64_t marks_;
  double mean_ = 0.0;
  std::vector<double> mark_probabilities_;
};

}  // namespace nplab::tpp

#include "nplab/tpp/processes.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "nplab/util/checks.h"

namespace nplab::tpp {

double Rng::uniform() {
  // 53 random bits; +1 keeps 0 out, so that log(uniform()) is finite.
  return static_cast<double>((engine_() >> 11) + 1) * 0x1.0p-53;
}

double Rng::exponential(double rate) {
  return -std::log(uniform()) / rate;
}

int64_t Rng::categorical(std::span<const double> weights) {
  double total = 0.0;
  for (const double w : weights) total += w;
  const double target = uniform() * total;
  double cumulative = 0.0;
  for (size_t i = 0; i < weights.size(); ++i) {
    cumulative += weights[i];
    if (target <= cumulative && weights[i] > 0) return static_cast<int64_t>(i);
  }
  // Rounding left the target just above the last partial sum: the last non-zero weight.
  for (size_t i = weights.size(); i-- > 0;) {
    if (weights[i] > 0) return static_cast<int64_t>(i);
  }
  throw util::InvalidArgument("categorical: all weights are zero");
}

namespace {

using Matrix = std::vector<std::vector<double>>;

void check_square(const Matrix& m, size_t size, const char* name) {
  if (m.size() != size) throw util::InvalidArgument(std::string(name) + ": expected K rows");
  for (const auto& row : m) {
    if (row.size() != size) throw util::InvalidArgument(std::string(name) + ": expected K columns");
  }
}

double max_row_sum(const Matrix& m) {
  double norm = 0.0;
  for (const auto& row : m) {
    double sum = 0.0;
    for (const double v : row) sum += std::abs(v);
    norm = std::max(norm, sum);
  }
  return norm;
}

Matrix multiply(const Matrix& a, const Matrix& b) {
  const size_t n = a.size();
  Matrix c(n, std::vector<double>(n, 0.0));
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < n; ++k) {
      for (size_t j = 0; j < n; ++j) c[i][j] += a[i][k] * b[k][j];
    }
  }
  return c;
}

// ρ(A) = lim ||A^n||^(1/n) (Gelfand), by 40 squarings with the scale kept in logs: unlike power
// iteration it converges for periodic matrices too (eigenvalues ±r of equal modulus).
double spectral_radius_of(Matrix m) {
  double norm = max_row_sum(m);
  if (norm == 0.0) return 0.0;
  double log_scale = std::log(norm);  // A^(2^s) = exp(log_scale) m, ||m|| = 1
  for (auto& row : m) {
    for (auto& v : row) v /= norm;
  }
  double power = 1.0;
  for (int s = 0; s < 40; ++s) {
    m = multiply(m, m);
    norm = max_row_sum(m);
    if (norm == 0.0) return 0.0;  // nilpotent
    for (auto& row : m) {
      for (auto& v : row) v /= norm;
    }
    log_scale = 2.0 * log_scale + std::log(norm);
    power *= 2.0;
  }
  return std::exp(log_scale / power);
}

class HawkesTracker : public IntensityTracker {
 public:
  explicit HawkesTracker(std::shared_ptr<const HawkesParameters> p)
      : p_(std::move(p)), excitation_(p_->mu.size() * p_->mu.size(), 0.0) {}

  std::unique_ptr<IntensityTracker> clone() const override {
    return std::make_unique<HawkesTracker>(*this);
  }

  void observe(double time, int64_t mark) override {
    const size_t k_count = p_->mu.size();
    const double gap = time - last_time_;
    for (size_t k = 0; k < k_count; ++k) {
      for (size_t j = 0; j < k_count; ++j)
        excitation_[k * k_count + j] *= std::exp(-p_->beta[k][j] * gap);
      const auto j = static_cast<size_t>(mark);
      excitation_[k * k_count + j] += p_->alpha[k][j] * p_->beta[k][j];
    }
    last_time_ = time;
    ++observed_;
  }

  void intensities(double time, std::span<double> out) const override {
    const size_t k_count = p_->mu.size();
    const double gap = time - last_time_;
    for (size_t k = 0; k < k_count; ++k) {
      double lambda = p_->mu[k];
      for (size_t j = 0; j < k_count; ++j) {
        lambda += excitation_[k * k_count + j] * std::exp(-p_->beta[k][j] * gap);
      }
      out[k] = lambda;
    }
  }

  double compensator(double time) const override {
    const size_t k_count = p_->mu.size();
    const double gap = time - last_time_;
    double total = 0.0;
    for (size_t k = 0; k < k_count; ++k) {
      total += p_->mu[k] * gap;
      for (size_t j = 0; j < k_count; ++j) {
        const double beta = p_->beta[k][j];
        total += excitation_[k * k_count + j] * -std::expm1(-beta * gap) / beta;
      }
    }
    return total;
  }

  std::pair<double, double> intensity_bound(double from) const override {
    // The excitation only decays between events: the intensity at `from` bounds all later ones.
    std::vector<double> lambda(p_->mu.size());
    intensities(from, lambda);
    double total = 0.0;
    for (const double l : lambda) total += l;
    return {total, std::numeric_limits<double>::infinity()};
  }

 private:
  std::shared_ptr<const HawkesParameters> p_;
  std::vector<double> excitation_;  ///< [k][j]: Σ over mark-j events of α β exp(−β (last − t_i))
};

class SelfCorrectingTracker : public IntensityTracker {
 public:
  explicit SelfCorrectingTracker(std::shared_ptr<const SelfCorrectingParameters> p)
      : p_(std::move(p)), counts_(p_->mu.size(), 0) {}

  std::unique_ptr<IntensityTracker> clone() const override {
    return std::make_unique<SelfCorrectingTracker>(*this);
  }

  void observe(double time, int64_t mark) override {
    ++counts_[static_cast<size_t>(mark)];
    last_time_ = time;
    ++observed_;
  }

  void intensities(double time, std::span<double> out) const override {
    for (size_t k = 0; k < counts_.size(); ++k) out[k] = std::exp(exponent(k, time));
  }

  double compensator(double time) const override {
    double total = 0.0;
    for (size_t k = 0; k < counts_.size(); ++k) {
      // ∫ exp(μ s − αN) ds from last to time, without forming exp(μ t) alone (it overflows).
      total += std::exp(exponent(k, last_time_)) * std::expm1(p_->mu[k] * (time - last_time_)) /
               p_->mu[k];
    }
    return total;
  }

  std::pair<double, double> intensity_bound(double from) const override {
    // The intensity grows between events: bound it on a window over which it grows by at most e.
    const double window = 1.0 / *std::max_element(p_->mu.begin(), p_->mu.end());
    const double until = from + window;
    std::vector<double> lambda(counts_.size());
    intensities(until, lambda);
    double total = 0.0;
    for (const double l : lambda) total += l;
    return {total, until};
  }

 private:
  double exponent(size_t k, double time) const {
    return p_->mu[k] * time - p_->alpha[k] * static_cast<double>(counts_[k]);
  }

  std::shared_ptr<const SelfCorrectingParameters> p_;
  std::vector<int64_t> counts_;
};

class SinusoidalPoissonTracker : public IntensityTracker {
 public:
  explicit SinusoidalPoissonTracker(std::shared_ptr<const SinusoidalPoissonParameters> p)
      : p_(std::move(p)) {}

  std::unique_ptr<IntensityTracker> clone() const override {
    return std::make_unique<SinusoidalPoissonTracker>(*this);
  }

  void observe(double time, int64_t /*mark*/) override {
    last_time_ = time;
    ++observed_;
  }

  void intensities(double time, std::span<double> out) const override {
    const double omega = 2.0 * std::numbers::pi / p_->period;
    for (size_t k = 0; k < p_->rate.size(); ++k) {
      out[k] = p_->rate[k] * (1.0 + p_->amplitude[k] * std::sin(omega * time + p_->phase[k]));
    }
  }

  double compensator(double time) const override {
    const double omega = 2.0 * std::numbers::pi / p_->period;
    double total = 0.0;
    for (size_t k = 0; k < p_->rate.size(); ++k) {
      const double phase = p_->phase[k];
      total += p_->rate[k] * ((time - last_time_) - p_->amplitude[k] / omega *
                                                        (std::cos(omega * time + phase) -
                                                         std::cos(omega * last_time_ + phase)));
    }
    return total;
  }

  std::pair<double, double> intensity_bound(double /*from*/) const override {
    double total = 0.0;
    for (size_t k = 0; k < p_->rate.size(); ++k) total += p_->rate[k] * (1.0 + p_->amplitude[k]);
    return {total, std::numeric_limits<double>::infinity()};
  }

 private:
  std::shared_ptr<const SinusoidalPoissonParameters> p_;
};

void check_positive(const std::vector<double>& values, const char* name) {
  for (const double v : values) {
    if (!(v > 0) || !std::isfinite(v))
      throw util::InvalidArgument(std::string(name) + ": must be positive");
  }
}

}  // namespace

HawkesProcess::HawkesProcess(HawkesParameters parameters) : parameters_(std::move(parameters)) {
  const size_t k = parameters_.mu.size();
  if (k == 0) throw util::InvalidArgument("hawkes: needs at least one mark");
  check_positive(parameters_.mu, "hawkes mu");
  check_square(parameters_.alpha, k, "hawkes alpha");
  check_square(parameters_.beta, k, "hawkes beta");
  for (size_t i = 0; i < k; ++i) {
    for (size_t j = 0; j < k; ++j) {
      if (!(parameters_.alpha[i][j] >= 0))
        throw util::InvalidArgument("hawkes alpha: must be >= 0");
      if (!(parameters_.beta[i][j] > 0))
        throw util::InvalidArgument("hawkes beta: must be positive");
    }
  }
  const double radius = spectral_radius();
  if (!(radius < 1.0)) {
    throw util::InvalidArgument("hawkes: spectral radius of alpha is " + std::to_string(radius) +
                                ", not below 1 (not stationary)");
  }
}

std::unique_ptr<IntensityTracker> HawkesProcess::tracker() const {
  return std::make_unique<HawkesTracker>(std::make_shared<const HawkesParameters>(parameters_));
}

double HawkesProcess::spectral_radius() const {
  return spectral_radius_of(parameters_.alpha);
}

std::vector<double> HawkesProcess::stationary_rates() const {
  // Solve (I − α) x = μ by Gaussian elimination with partial pivoting (K is small).
  const size_t n = parameters_.mu.size();
  Matrix a(n, std::vector<double>(n + 1));
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) a[i][j] = (i == j ? 1.0 : 0.0) - parameters_.alpha[i][j];
    a[i][n] = parameters_.mu[i];
  }
  for (size_t col = 0; col < n; ++col) {
    size_t pivot = col;
    for (size_t r = col + 1; r < n; ++r) {
      if (std::abs(a[r][col]) > std::abs(a[pivot][col])) pivot = r;
    }
    std::swap(a[col], a[pivot]);
    for (size_t r = col + 1; r < n; ++r) {
      const double factor = a[r][col] / a[col][col];
      for (size_t c = col; c <= n; ++c) a[r][c] -= factor * a[col][c];
    }
  }
  std::vector<double> x(n);
  for (size_t i = n; i-- > 0;) {
    double sum = a[i][n];
    for (size_t j = i + 1; j < n; ++j) sum -= a[i][j] * x[j];
    x[i] = sum / a[i][i];
  }
  return x;
}

HawkesParameters draw_hawkes_parameters(Rng& rng, int64_t marks, const HawkesRanges& ranges) {
  if (marks < 1) throw util::InvalidArgument("hawkes: marks must be at least 1");
  const auto k = static_cast<size_t>(marks);
  HawkesParameters p;
  for (size_t i = 0; i < k; ++i) p.mu.push_back(rng.uniform(ranges.mu_low, ranges.mu_high));
  p.alpha.assign(k, std::vector<double>(k));
  for (auto& row : p.alpha) {
    for (auto& v : row) v = rng.uniform(ranges.alpha_low, ranges.alpha_high);
  }
  const double target = rng.uniform(ranges.radius_low, ranges.radius_high);
  if (const double raw = spectral_radius_of(p.alpha); raw > 0) {
    for (auto& row : p.alpha) {
      for (auto& v : row) v *= target / raw;
    }
  }
  p.beta.assign(k, std::vector<double>(k));
  for (auto& row : p.beta) {
    for (auto& v : row) v = rng.uniform(ranges.beta_low, ranges.beta_high);
  }
  return p;
}

SelfCorrectingProcess::SelfCorrectingProcess(SelfCorrectingParameters parameters)
    : parameters_(std::move(parameters)) {
  if (parameters_.mu.empty() || parameters_.alpha.size() != parameters_.mu.size()) {
    throw util::InvalidArgument("self-correcting: mu and alpha need one entry per mark");
  }
  check_positive(parameters_.mu, "self-correcting mu");
  check_positive(parameters_.alpha, "self-correcting alpha");
}

std::unique_ptr<IntensityTracker> SelfCorrectingProcess::tracker() const {
  return std::make_unique<SelfCorrectingTracker>(
      std::make_shared<const SelfCorrectingParameters>(parameters_));
}

SelfCorrectingParameters draw_self_correcting_parameters(Rng& rng, int64_t marks,
                                                         const SelfCorrectingRanges& ranges) {
  if (marks < 1) throw util::InvalidArgument("self-correcting: marks must be at least 1");
  SelfCorrectingParameters p;
  for (int64_t k = 0; k < marks; ++k) p.mu.push_back(rng.uniform(ranges.mu_low, ranges.mu_high));
  for (int64_t k = 0; k < marks; ++k) {
    p.alpha.push_back(rng.uniform(ranges.alpha_low, ranges.alpha_high));
  }
  return p;
}

SinusoidalPoissonProcess::SinusoidalPoissonProcess(SinusoidalPoissonParameters parameters)
    : parameters_(std::move(parameters)) {
  const size_t k = parameters_.rate.size();
  if (k == 0 || parameters_.amplitude.size() != k || parameters_.phase.size() != k) {
    throw util::InvalidArgument("poisson: rate, amplitude and phase need one entry per mark");
  }
  check_positive(parameters_.rate, "poisson rate");
  for (const double c : parameters_.amplitude) {
    if (!(c >= 0 && c < 1)) throw util::InvalidArgument("poisson amplitude: must be in [0, 1)");
  }
  if (!(parameters_.period > 0)) throw util::InvalidArgument("poisson period: must be positive");
}

std::unique_ptr<IntensityTracker> SinusoidalPoissonProcess::tracker() const {
  return std::make_unique<SinusoidalPoissonTracker>(
      std::make_shared<const SinusoidalPoissonParameters>(parameters_));
}

SinusoidalPoissonParameters draw_sinusoidal_poisson_parameters(
    Rng& rng, int64_t marks, const SinusoidalPoissonRanges& ranges) {
  if (marks < 1) throw util::InvalidArgument("poisson: marks must be at least 1");
  SinusoidalPoissonParameters p;
  for (int64_t k = 0; k < marks; ++k)
    p.rate.push_back(rng.uniform(ranges.rate_low, ranges.rate_high));
  for (int64_t k = 0; k < marks; ++k) {
    p.amplitude.push_back(rng.uniform(ranges.amplitude_low, ranges.amplitude_high));
  }
  for (int64_t k = 0; k < marks; ++k) p.phase.push_back(rng.uniform(0.0, 2.0 * std::numbers::pi));
  p.period = rng.uniform(ranges.period_low, ranges.period_high);
  return p;
}

ProcessKind parse_process_kind(std::string_view name) {
  if (name.starts_with("tpp-")) name.remove_prefix(4);
  if (name == "hawkes") return ProcessKind::Hawkes;
  if (name == "self-correcting" || name == "selfcorrecting") return ProcessKind::SelfCorrecting;
  if (name == "poisson") return ProcessKind::Poisson;
  throw util::InvalidArgument("process \"" + std::string(name) +
                              "\": unknown (known: hawkes, self-correcting, poisson)");
}

std::string process_kind_name(ProcessKind kind) {
  switch (kind) {
    case ProcessKind::Hawkes:
      return "hawkes";
    case ProcessKind::SelfCorrecting:
      return "self-correcting";
    case ProcessKind::Poisson:
      return "poisson";
  }
  throw std::logic_error("process_kind_name: unknown kind");
}

std::unique_ptr<TemporalProcess> draw_process(ProcessKind kind, Rng& rng, int64_t marks) {
  switch (kind) {
    case ProcessKind::Hawkes:
      return std::make_unique<HawkesProcess>(draw_hawkes_parameters(rng, marks));
    case ProcessKind::SelfCorrecting:
      return std::make_unique<SelfCorrectingProcess>(draw_self_correcting_parameters(rng, marks));
    case ProcessKind::Poisson:
      return std::make_unique<SinusoidalPoissonProcess>(
          draw_sinusoidal_poisson_parameters(rng, marks));
  }
  throw std::logic_error("draw_process: unknown kind");
}

EventList simulate(const TemporalProcess& process, Rng& rng, int64_t max_events, double horizon) {
  auto tracker = process.tracker();
  std::vector<double> lambda(static_cast<size_t>(process.marks()));
  EventList events;
  double t = 0.0;
  while (static_cast<int64_t>(events.size()) < max_events && t <= horizon) {
    const auto [bound, until] = tracker->intensity_bound(t);
    if (!(bound > 0)) {
      if (!std::isfinite(until)) break;  // no more events, ever
      t = until;
      continue;
    }
    const double candidate = t + rng.exponential(bound);
    if (candidate > until) {
      t = until;  // no candidate inside the window: bound the next one afresh
      continue;
    }
    if (candidate > horizon) break;
    tracker->intensities(candidate, lambda);
    double total = 0.0;
    for (const double l : lambda) total += l;
    if (total > bound * (1.0 + 1e-9)) {
      throw std::logic_error(process.name() + ": intensity above its thinning bound");
    }
    if (rng.uniform() * bound <= total && candidate > tracker->last_time()) {
      const int64_t mark = rng.categorical(lambda);
      tracker->observe(candidate, mark);
      events.times.push_back(candidate);
      events.marks.push_back(mark);
    }
    t = candidate;
  }
  return events;
}

std::unique_ptr<IntensityTracker> track(const TemporalProcess& process, const EventList& events,
                                        size_t count) {
  auto tracker = process.tracker();
  const size_t n = std::min(count, events.size());
  for (size_t i = 0; i < n; ++i) tracker->observe(events.times[i], events.marks[i]);
  return tracker;
}

}  // namespace nplab::tpp

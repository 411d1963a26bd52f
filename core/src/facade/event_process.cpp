// The Events view's hidden process (a synthetic process with a known intensity, and its oracle)
// and its event CSV files. No torch here: plain numbers throughout.

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "guarded.h"
#include "nplab/facade/event_explorer.h"
#include "nplab/tpp/events_csv.h"
#include "nplab/tpp/processes.h"
#include "nplab/util/atomic_file.h"

namespace nplab::facade {
namespace {

using detail::guarded;

// Reveals draw from a stream of their own, apart from the one that drew the parameters.
constexpr std::uint64_t kRevealStream = 0x9E3779B97F4A7C15ULL;

tpp::ProcessKind to_process_kind(EventProcessKind kind) {
  switch (kind) {
    case EventProcessKind::SelfCorrecting:
      return tpp::ProcessKind::SelfCorrecting;
    case EventProcessKind::Poisson:
      return tpp::ProcessKind::Poisson;
    case EventProcessKind::Hawkes:
      break;
  }
  return tpp::ProcessKind::Hawkes;
}

void require_history(const std::vector<MarkedEvent>& history, int marks) {
  if (const auto problem = event_history_problem(history, marks); !problem.empty()) {
    throw std::invalid_argument(problem);
  }
}

}  // namespace

std::string event_process_name(EventProcessKind kind) {
  return tpp::process_kind_name(to_process_kind(kind));
}

std::optional<EventProcessKind> event_process_from_name(const std::string& name) {
  for (const auto kind :
       {EventProcessKind::Hawkes, EventProcessKind::SelfCorrecting, EventProcessKind::Poisson}) {
    if (event_process_name(kind) == name) return kind;
  }
  return std::nullopt;
}

struct HiddenEventProcess::Impl {
  EventProcessSpec spec;
  std::unique_ptr<tpp::TemporalProcess> process;
  tpp::Rng reveals;

  explicit Impl(const EventProcessSpec& made) : spec(made), reveals(made.seed ^ kRevealStream) {
    tpp::Rng parameters(made.seed);
    process = tpp::draw_process(to_process_kind(made.kind), parameters, made.marks);
  }

  std::unique_ptr<tpp::IntensityTracker> tracker_after(
      const std::vector<MarkedEvent>& history) const {
    auto tracker = process->tracker();
    for (const auto& event : history) tracker->observe(event.time, event.mark);
    return tracker;
  }
};

HiddenEventProcess::HiddenEventProcess(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HiddenEventProcess::~HiddenEventProcess() = default;
HiddenEventProcess::HiddenEventProcess(HiddenEventProcess&&) noexcept = default;
HiddenEventProcess& HiddenEventProcess::operator=(HiddenEventProcess&&) noexcept = default;

Outcome<HiddenEventProcess> HiddenEventProcess::make(const EventProcessSpec& spec) {
  try {
    if (spec.marks < 1) throw std::invalid_argument("marks must be at least 1");
    return Outcome<HiddenEventProcess>::success(HiddenEventProcess(std::make_unique<Impl>(spec)));
  } catch (const std::exception& error) {
    return Outcome<HiddenEventProcess>::failure("making the hidden process: " +
                                                std::string(error.what()));
  }
}

const EventProcessSpec& HiddenEventProcess::spec() const {
  return impl_->spec;
}

std::string HiddenEventProcess::description() const {
  std::ostringstream text;
  text.precision(2);
  text << std::fixed;
  const auto* process = impl_->process.get();
  if (const auto* hawkes = dynamic_cast<const tpp::HawkesProcess*>(process)) {
    text << "Hawkes process, " << impl_->spec.marks << " marks, branching ratio "
         << hawkes->spectral_radius();
  } else if (dynamic_cast<const tpp::SelfCorrectingProcess*>(process)) {
    text << "self-correcting process, " << impl_->spec.marks << " marks";
  } else if (const auto* poisson = dynamic_cast<const tpp::SinusoidalPoissonProcess*>(process)) {
    text << "sinusoidal Poisson process, " << impl_->spec.marks << " marks, period "
         << poisson->parameters().period;
  } else {
    text << process->name() << " process";
  }
  text << " (seed " << impl_->spec.seed << ")";
  return text.str();
}

Outcome<std::vector<MarkedEvent>> HiddenEventProcess::reveal(
    const std::vector<MarkedEvent>& history, int count) {
  return guarded<std::vector<MarkedEvent>>("revealing events", [&] {
    require_history(history, impl_->spec.marks);
    if (count < 0) throw std::invalid_argument("count must not be negative");
    auto tracker = impl_->tracker_after(history);
    auto& rng = impl_->reveals;
    std::vector<double> lambda(static_cast<std::size_t>(impl_->spec.marks));
    std::vector<MarkedEvent> revealed;
    // Ogata thinning from the last event on, as tpp::simulate does from t = 0.
    double t = tracker->last_time();
    while (static_cast<int>(revealed.size()) < count) {
      const auto [bound, until] = tracker->intensity_bound(t);
      if (!(bound > 0)) {
        if (!std::isfinite(until)) break;  // this process has no more events
        t = until;
        continue;
      }
      // An intensity so high that the next event would round onto the last one (a
      // self-correcting process long after its last event) takes the next representable time,
      // or thinning would never get past it.
      const double candidate =
          std::max(t + rng.exponential(bound), std::nextafter(tracker->last_time(), INFINITY));
      if (candidate > until) {
        t = until;
        continue;
      }
      tracker->intensities(candidate, lambda);
      double total = 0.0;
      for (const double l : lambda) total += l;
      if (rng.uniform() * bound <= total && candidate > tracker->last_time()) {
        const auto mark = static_cast<int>(rng.categorical(lambda));
        tracker->observe(candidate, mark);
        revealed.push_back({candidate, mark});
      }
      t = candidate;
    }
    return revealed;
  });
}

Outcome<ProcessTruth> HiddenEventProcess::truth(const std::vector<MarkedEvent>& history,
                                                const std::vector<double>& times,
                                                const std::vector<double>& taus) const {
  return guarded<ProcessTruth>("the hidden process's intensity", [&] {
    require_history(history, impl_->spec.marks);
    for (std::size_t i = 0; i < times.size(); ++i) {
      if (!std::isfinite(times[i]) || times[i] < 0.0 || (i > 0 && times[i] < times[i - 1])) {
        throw std::invalid_argument("times[" + std::to_string(i) +
                                    "]: the grid must be finite, >= 0 and ascending");
      }
    }
    for (std::size_t i = 0; i < taus.size(); ++i) {
      if (!std::isfinite(taus[i]) || !(taus[i] > 0.0)) {
        throw std::invalid_argument("tau[" + std::to_string(i) + "] is not a positive number");
      }
    }
    ProcessTruth truth;
    truth.times = times;
    truth.tau = taus;
    const auto marks = static_cast<std::size_t>(impl_->spec.marks);
    std::vector<double> lambda(marks);
    // One sweep: the tracker observes each event once the grid passes it.
    auto tracker = impl_->process->tracker();
    std::size_t observed = 0;
    truth.intensity.reserve(times.size());
    for (const double t : times) {
      while (observed < history.size() && history[observed].time < t) {
        tracker->observe(history[observed].time, history[observed].mark);
        ++observed;
      }
      tracker->intensities(std::max(t, tracker->last_time()), lambda);
      double total = 0.0;
      for (const double l : lambda) total += l;
      truth.intensity.push_back(total);
    }
    const auto after = impl_->tracker_after(history);
    const tpp::OracleNextEvent oracle(*after, impl_->spec.marks);
    truth.density.reserve(taus.size());
    for (const double tau : taus) truth.density.push_back(std::exp(oracle.log_density(tau)));
    truth.mean = oracle.mean();
    truth.mark_probabilities = oracle.mark_probabilities();
    return truth;
  });
}

Outcome<ImportedEvents> read_events_csv(const std::filesystem::path& path, int marks) {
  return guarded<ImportedEvents>("importing events", [&] {
    const auto read = tpp::read_event_csv(path, marks);
    if (read.sequences.empty()) throw std::invalid_argument(path.string() + ": holds no events");
    ImportedEvents imported;
    imported.sequence = read.sequence_names.front();
    imported.sequences = static_cast<int>(read.sequences.size());
    const auto& first = read.sequences.front();
    for (std::size_t i = 0; i < first.size(); ++i) {
      imported.events.push_back({first.times[i], static_cast<int>(first.marks[i])});
    }
    return imported;
  });
}

Outcome<std::monostate> write_events_csv(const std::filesystem::path& path,
                                         const std::vector<MarkedEvent>& events,
                                         const std::string& sequence) {
  return guarded<std::monostate>("exporting events", [&] {
    if (const auto problem = event_history_problem(events, std::numeric_limits<int>::max());
        !problem.empty()) {
      throw std::invalid_argument(problem);
    }
    // The rows of tpp::write_event_csv, through an atomic write: a crash never leaves half a file.
    std::ostringstream text;
    text.precision(17);
    text << "sequence,time,mark\n";
    for (const auto& event : events)
      text << sequence << ',' << event.time << ',' << event.mark << '\n';
    util::write_file_atomically(path, text.str());
    return std::monostate{};
  });
}

}  // namespace nplab::facade

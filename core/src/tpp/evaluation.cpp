#include "nplab/tpp/evaluation.h"

#include <algorithm>
#include <cmath>

#include "nplab/util/checks.h"

namespace nplab::tpp {
namespace {

// r = Σ x_s / Σ n_s and its standard error sqrt(S / (S − 1) Σ (x_s − r n_s)²) / Σ n_s (the
// ratio estimator's linearisation; 0 with a single sequence).
template <typename Value>
TppMetric ratio(const std::vector<SequenceScores>& scores, Value value) {
  double total = 0.0, count = 0.0;
  for (const auto& s : scores) {
    total += value(s);
    count += static_cast<double>(s.events);
  }
  const double r = total / count;
  const auto sequences = static_cast<double>(scores.size());
  if (scores.size() < 2) return {r, 0.0};
  double spread = 0.0;
  for (const auto& s : scores) {
    const double deviation = value(s) - r * static_cast<double>(s.events);
    spread += deviation * deviation;
  }
  return {r, std::sqrt(sequences / (sequences - 1.0) * spread) / count};
}

}  // namespace

nlohmann::json TppEvaluation::to_json() const {
  return {{"rmse", rmse.mean},
          {"rmse_se", rmse.standard_error},
          {"nll", nll.mean},
          {"nll_se", nll.standard_error},
          {"mark_accuracy", mark_accuracy.mean},
          {"mark_accuracy_se", mark_accuracy.standard_error},
          {"sequences", sequences},
          {"events", events}};
}

TppEvaluation summarize(const std::vector<SequenceScores>& scores) {
  TppEvaluation result;
  result.sequences = static_cast<int64_t>(scores.size());
  for (const auto& s : scores) result.events += s.events;
  if (result.events == 0) throw util::InvalidArgument("evaluation: no events to score");
  const auto mse = ratio(scores, [](const SequenceScores& s) { return s.squared_error; });
  const double rmse = std::sqrt(mse.mean);
  // d√m = dm / (2√m).
  result.rmse = {rmse, rmse > 0 ? mse.standard_error / (2.0 * rmse) : 0.0};
  result.nll = ratio(scores, [](const SequenceScores& s) { return s.nll; });
  result.mark_accuracy = ratio(scores, [](const SequenceScores& s) { return s.correct_marks; });
  return result;
}

TppEvaluation evaluate_point_process(PointProcessModel& model,
                                     const std::vector<EventList>& sequences, int64_t batch_size) {
  if (batch_size < 1) throw util::InvalidArgument("evaluation: batch size must be at least 1");
  at::NoGradGuard no_grad;
  const bool was_training = model.is_training();
  model.eval();
  const auto options = model.tensor_options();
  std::vector<SequenceScores> scores;
  size_t start = 0;
  while (start < sequences.size()) {
    // A batch: consecutive sequences of one length.
    size_t end = start + 1;
    while (end < sequences.size() && end - start < static_cast<size_t>(batch_size) &&
           sequences[end].size() == sequences[start].size()) {
      ++end;
    }
    if (sequences[start].size() == 0) {
      throw util::InvalidArgument("evaluation: sequence " + std::to_string(start) +
                                  " has no events");
    }
    const std::vector<EventList> group(sequences.begin() + static_cast<std::ptrdiff_t>(start),
                                       sequences.begin() + static_cast<std::ptrdiff_t>(end));
    const auto batch = to_event_sequence(group, options);
    const auto next = model.predict_every_prefix(batch);
    const auto previous = at::cat(
        {at::zeros_like(batch.times.narrow(1, 0, 1)), batch.times.narrow(1, 0, batch.length() - 1)},
        1);
    const auto tau = batch.times - previous;
    const auto log_likelihood =
        next.time.log_density(tau) +
        next.mark_log_probs.gather(-1, batch.marks.unsqueeze(-1)).squeeze(-1);
    const auto squared_error = (next.time.mean() - tau).square();
    const auto correct = (next.mark_log_probs.argmax(-1) == batch.marks).to(at::kDouble);
    const auto per_sequence = [](const at::Tensor& t) {
      return t.sum(1).to(at::kCPU, at::kDouble).contiguous();
    };
    const auto se = per_sequence(squared_error), nll = per_sequence(-log_likelihood),
               right = per_sequence(correct);
    for (int64_t b = 0; b < batch.batch(); ++b) {
      scores.push_back(
          {se[b].item<double>(), nll[b].item<double>(), right[b].item<double>(), batch.length()});
    }
    start = end;
  }
  if (was_training) model.train();
  return summarize(scores);
}

TppEvaluation evaluate_oracle(const std::vector<SyntheticSequence>& sequences) {
  std::vector<SequenceScores> scores;
  for (const auto& sequence : sequences) {
    const auto& events = sequence.events;
    const auto& process = *sequence.process;
    SequenceScores s;
    for (const double log_likelihood : event_log_likelihoods(process, events)) {
      s.nll -= log_likelihood;
    }
    auto tracker = process.tracker();
    for (size_t i = 0; i < events.size(); ++i) {
      const OracleNextEvent next(*tracker, process.marks());
      const double tau = events.times[i] - tracker->last_time();
      s.squared_error += (next.mean() - tau) * (next.mean() - tau);
      const auto& p = next.mark_probabilities();
      const auto predicted = std::max_element(p.begin(), p.end()) - p.begin();
      s.correct_marks += predicted == events.marks[i] ? 1.0 : 0.0;
      tracker->observe(events.times[i], events.marks[i]);
    }
    s.events = static_cast<int64_t>(events.size());
    scores.push_back(s);
  }
  return summarize(scores);
}

TppEvaluation evaluate_poisson_baseline(const std::vector<EventList>& sequences, int64_t marks) {
  if (marks < 1) throw util::InvalidArgument("evaluation: the baseline needs at least one mark");
  const double pseudo_count = 1.0 / static_cast<double>(marks);
  std::vector<SequenceScores> scores;
  scores.reserve(sequences.size());
  for (const auto& events : sequences) {
    SequenceScores s;
    std::vector<double> counts(static_cast<size_t>(marks), 0.0);
    double last_time = 0.0;
    for (size_t i = 0; i < events.size(); ++i) {
      const auto mark = events.marks[i];
      if (mark < 0 || mark >= marks) {
        throw util::InvalidArgument("evaluation: mark " + std::to_string(mark) + " of event " +
                                    std::to_string(i) + " is not in 0.." +
                                    std::to_string(marks - 1));
      }
      const double exposure = last_time + 1.0;
      const double total_rate = (static_cast<double>(i) + 1.0) / exposure;
      const double mark_rate = (counts[static_cast<size_t>(mark)] + pseudo_count) / exposure;
      const double tau = events.times[i] - last_time;
      s.nll -= std::log(mark_rate) - total_rate * tau;
      const double error = 1.0 / total_rate - tau;
      s.squared_error += error * error;
      const auto predicted = std::max_element(counts.begin(), counts.end()) - counts.begin();
      s.correct_marks += predicted == mark ? 1.0 : 0.0;
      counts[static_cast<size_t>(mark)] += 1.0;
      last_time = events.times[i];
    }
    s.events = static_cast<int64_t>(events.size());
    scores.push_back(s);
  }
  return summarize(scores);
}

}  // namespace nplab::tpp

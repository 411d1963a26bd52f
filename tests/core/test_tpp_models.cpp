// The point-process contract (point_process.h), checked for every registered model as the NP
// contract suite does, CMHP's prefix scan and constant-size state, and the TPP training and
// evaluation helpers.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/utils.h>

#include "nplab/tpp/cmhp.h"
#include "nplab/tpp/evaluation.h"
#include "nplab/tpp/prefix_scan.h"
#include "nplab/tpp/registry.h"
#include "nplab/tpp/sequences.h"
#include "nplab/tpp/training.h"
#include "nplab/util/checks.h"
#include "temp_dir.h"
#include "test_support.h"

namespace nplab::tpp {
namespace {

using testing::max_abs_diff;

// Largest difference between two predictions over every tensor they hold.
double difference(const NextEvent& a, const NextEvent& b) {
  return std::max({max_abs_diff(a.time.log_weights, b.time.log_weights),
                   max_abs_diff(a.time.means, b.time.means),
                   max_abs_diff(a.time.scales, b.time.scales),
                   max_abs_diff(a.mark_log_probs, b.mark_log_probs)});
}

// Hawkes sequences of `length` events, one process per sequence, as float64 tensors.
EventSequence hawkes_batch(int64_t batch, int64_t length, uint64_t seed) {
  const TppDataSpec spec{ProcessKind::Hawkes, 3, length};
  return to_event_sequence(draw_sequences(spec, seed, batch), at::TensorOptions(at::kDouble));
}

class PointProcessContract : public ::testing::TestWithParam<std::string> {
 protected:
  std::shared_ptr<PointProcessModel> make() {
    torch::manual_seed(5);
    auto model = make_point_process(default_point_process_config(GetParam()));
    model->to(at::kDouble);
    model->eval();
    return model;
  }
  torch::NoGradGuard no_grad_;
};

TEST_P(PointProcessContract, UpdateEqualsConditioningOnEverything) {
  auto model = make();
  const auto events = hawkes_batch(2, 12, 1);
  auto state = model->condition(events.slice(0, 7));
  model->update(*state, events.slice(7, 3));
  model->update(*state, events.slice(10, 2));
  const auto whole = model->condition(events);
  EXPECT_EQ(state->count(), 12);
  EXPECT_LE(difference(model->predict(*state), model->predict(*whole)), 1e-10);
}

TEST_P(PointProcessContract, EveryPrefixPassEqualsPredictingFromEachPrefix) {
  auto model = make();
  const auto events = hawkes_batch(2, 40, 2);
  const auto every = model->predict_every_prefix(events);
  for (int64_t j = 0; j < events.length(); ++j) {
    const auto one = model->predict(*model->condition(events.slice(0, j)));
    ASSERT_LE(difference(every.select(1, j), one), 1e-9) << "prefix of " << j << " events";
  }
}

TEST_P(PointProcessContract, LaterEventsDoNotChangeEarlierPredictions) {
  auto model = make();
  const auto events = hawkes_batch(1, 16, 3);
  auto moved = events.times.clone();
  moved.narrow(1, 9, 7).add_(0.25);  // events 9.. later by 0.25: still increasing
  const auto a = model->predict_every_prefix(events);
  const auto b = model->predict_every_prefix({moved, events.marks});
  // Event j is predicted from events 0..j−1: the first 10 predictions see none that moved.
  for (int64_t j = 0; j < 10; ++j) EXPECT_LE(difference(a.select(1, j), b.select(1, j)), 1e-12);
  EXPECT_GT(difference(a.select(1, 10), b.select(1, 10)), 1e-6);
}

TEST_P(PointProcessContract, EmptyHistoryPredictsTheFirstEvent) {
  auto model = make();
  const auto events = hawkes_batch(3, 5, 4);
  const auto state = model->condition(events.slice(0, 0));
  EXPECT_EQ(state->count(), 0);
  EXPECT_TRUE(at::equal(state->last_time(), at::zeros({3}, at::kDouble)));
  const auto first = model->predict(*state);
  EXPECT_LE(difference(first, model->predict_every_prefix(events).select(1, 0)), 1e-10);
  EXPECT_NEAR(first.mark_probabilities().sum(-1).sub(1).abs().max().item<double>(), 0.0, 1e-12);
}

TEST_P(PointProcessContract, LossIsTheMeanNllOfTimeAndMark) {
  auto model = make();
  const auto events = hawkes_batch(2, 6, 5);
  double total = 0.0;
  for (int64_t j = 0; j < events.length(); ++j) {
    const auto next = model->predict(*model->condition(events.slice(0, j)));
    const auto previous = j == 0 ? at::zeros({2}, at::kDouble) : events.times.select(1, j - 1);
    const auto tau = events.times.select(1, j) - previous;
    const auto mark = events.marks.select(1, j).unsqueeze(-1);
    total += (next.time.log_density(tau) + next.mark_log_probs.gather(-1, mark).squeeze(-1))
                 .sum()
                 .item<double>();
  }
  EXPECT_NEAR(model->loss(events).item<double>(), -total / 12.0, 1e-10);
}

TEST_P(PointProcessContract, LossGivesEveryParameterAGradient) {
  auto model = make();
  at::GradMode::set_enabled(true);
  model->train();
  const auto loss = model->loss(hawkes_batch(2, 20, 6));
  ASSERT_TRUE(std::isfinite(loss.item<double>()));
  loss.backward();
  for (const auto& parameter : model->named_parameters()) {
    ASSERT_TRUE(parameter.value().grad().defined()) << parameter.key();
    EXPECT_TRUE(at::isfinite(parameter.value().grad()).all().item<bool>()) << parameter.key();
  }
  at::GradMode::set_enabled(false);
}

TEST_P(PointProcessContract, SampleDrawsLaterEventsAndLeavesTheStateAlone) {
  auto model = make();
  const auto events = hawkes_batch(2, 8, 7);
  const auto state = model->condition(events);
  const auto before = model->predict(*state);
  auto generator = at::detail::createCPUGenerator(3);
  const auto drawn = model->sample(*state, 6, generator);
  ASSERT_EQ(drawn.times.sizes(), (at::IntArrayRef{2, 6}));
  EXPECT_TRUE((drawn.times.select(1, 0) > state->last_time()).all().item<bool>());
  EXPECT_TRUE((drawn.times.narrow(1, 1, 5) > drawn.times.narrow(1, 0, 5)).all().item<bool>());
  EXPECT_TRUE(((drawn.marks >= 0) & (drawn.marks < model->marks())).all().item<bool>());
  EXPECT_EQ(state->count(), 8);
  EXPECT_LE(difference(before, model->predict(*state)), 0.0);
  auto again = at::detail::createCPUGenerator(3);
  EXPECT_TRUE(at::equal(model->sample(*state, 6, again).times, drawn.times));
}

TEST_P(PointProcessContract, RejectsEventsThatBreakTheOrderOrTheMarks) {
  auto model = make();
  const auto events = hawkes_batch(1, 6, 8);
  auto state = model->condition(events.slice(0, 4));
  testing::expect_invalid_argument([&] { model->update(*state, events.slice(2, 2)); },
                                   {"is not after the state's last event"});
  auto bad_marks = events.marks.clone();
  bad_marks[0][3] = 3;
  testing::expect_invalid_argument(
      [&] {
        model->condition({events.times, bad_marks});
      },
      {"outside 0..2"});
  auto unsorted = events.times.clone();
  unsorted[0][2] = unsorted[0][1];
  testing::expect_invalid_argument(
      [&] {
        model->condition({unsorted, events.marks});
      },
      {"times must increase"});
}

TEST_P(PointProcessContract, CheckpointRoundTripPredictsTheSame) {
  auto model = make();
  model->to(at::kFloat);
  const testing::TempDir dir;
  const auto path = (dir.path() / "model.pt").string();
  save_point_process(*model, {{"note", "test"}}, path);
  EXPECT_TRUE(is_point_process_checkpoint(path));
  const auto loaded = load_point_process(path);
  EXPECT_EQ(loaded.card["model"], GetParam());
  EXPECT_EQ(loaded.card["note"], "test");
  const auto events = hawkes_batch(2, 9, 9).to(c10::Device(c10::kCPU), at::kFloat);
  EXPECT_LE(difference(model->predict(*model->condition(events)),
                       loaded.model->predict(*loaded.model->condition(events))),
            0.0);
}

INSTANTIATE_TEST_SUITE_P(EveryModel, PointProcessContract,
                         ::testing::ValuesIn(point_process_names()),
                         [](const auto& info) { return info.param; });

TEST(CmhpPrefixScan, TrainingStatesEqualStepByStepStreamingStates) {
  torch::manual_seed(2);
  torch::NoGradGuard no_grad;
  CMHP model(CMHPConfig{.scan_chunk = 8});  // chunks of 8: the scan crosses chunk boundaries
  model.to(at::kDouble);
  const auto events = hawkes_batch(2, 30, 10);
  const auto prefixes = model.prefix_states(events);  // 31 prefixes: the start token first
  auto state = model.condition(events.slice(0, 0));
  for (int64_t j = 0; j <= events.length(); ++j) {
    if (j > 0) model.update(*state, events.slice(j - 1, 1));
    const auto& streamed = dynamic_cast<const CMHPState&>(*state).blocks;
    ASSERT_EQ(streamed.size(), prefixes.size());
    for (size_t b = 0; b < prefixes.size(); ++b) {
      const auto scanned = prefixes[b].prefix(j);
      ASSERT_LE(max_abs_diff(scanned.log_normalizer, streamed[b].cross.log_normalizer), 1e-9)
          << "block " << b << ", prefix " << j;
      ASSERT_LE(max_abs_diff(scanned.output, streamed[b].cross.output), 1e-9)
          << "block " << b << ", prefix " << j;
    }
  }
}

TEST(CmhpPrefixScan, MatchesMergingOnePointAtATimeWithLargeScores) {
  at::manual_seed(4);
  const auto options = at::TensorOptions(at::kDouble);
  const auto queries = at::randn({1, 2, 3, 4}, options) * 6.0;  // scores up to ~±100
  const auto keys = at::randn({2, 2, 37, 4}, options) * 6.0;
  const auto values = at::randn({2, 2, 37, 4}, options);
  const auto scanned = prefix_streaming_states(queries, keys, values, 5);
  auto state = attention::empty_streaming_state(2, 2, 3, 4, options);
  for (int64_t i = 0; i < 37; ++i) {
    state = attention::merge_streaming_states(
        state, attention::streaming_block_state(queries.expand({2, -1, -1, -1}),
                                                keys.narrow(2, i, 1), values.narrow(2, i, 1)));
    ASSERT_LE(max_abs_diff(scanned.prefix(i).log_normalizer, state.log_normalizer), 1e-9) << i;
    ASSERT_LE(max_abs_diff(scanned.prefix(i).output, state.output), 1e-9) << i;
  }
}

TEST(CmhpState, SizeDoesNotGrowWithTheHistoryButThpsDoes) {
  torch::manual_seed(1);
  torch::NoGradGuard no_grad;
  auto cmhp = make_point_process(default_point_process_config("cmhp"));
  auto thp = make_point_process(default_point_process_config("thp"));
  const auto short_history = hawkes_batch(1, 10, 11).to(c10::Device(c10::kCPU), at::kFloat);
  const auto long_history = hawkes_batch(1, 1000, 12).to(c10::Device(c10::kCPU), at::kFloat);
  const auto cmhp_short = cmhp->condition(short_history);
  auto cmhp_long = cmhp->condition(long_history);
  EXPECT_EQ(cmhp_short->bytes(), cmhp_long->bytes());
  const int64_t before = cmhp_long->bytes();
  const EventSequence later{long_history.times.narrow(1, 999, 1) + 1.0,
                            long_history.marks.narrow(1, 999, 1)};
  cmhp->update(*cmhp_long, later);
  EXPECT_EQ(cmhp_long->bytes(), before);
  EXPECT_EQ(cmhp_long->count(), 1001);
  EXPECT_GT(thp->condition(long_history)->bytes(), 50 * thp->condition(short_history)->bytes());
}

TEST(TppRegistry, BuildsEveryModelAndRejectsUnknownNames) {
  for (const auto& name : point_process_names()) {
    const auto model = make_point_process(default_point_process_config(name));
    EXPECT_EQ(model->name(), name);
    EXPECT_EQ(model->config()["model"], name);
    EXPECT_TRUE(is_point_process_name(name));
  }
  EXPECT_FALSE(is_point_process_name("cmanp"));
  testing::expect_invalid_argument(
      [] {
        make_point_process({{"model", "rnn"}});
      },
      {"unknown (known: cmhp, thp)"});
  const auto small = make_point_process({{"model", "thp"}, {"marks", 5}, {"layers", 1}});
  EXPECT_EQ(small->marks(), 5);
  EXPECT_EQ(small->config()["layers"], 1);
}

TEST(TppSequences, TrainingBatchesAreAFunctionOfSeedAndStepAndEvaluationIsApart) {
  const TppDataSpec spec{ProcessKind::Poisson, 3, 20};
  const auto a = training_sequences(spec, 0, 5, 4), b = training_sequences(spec, 0, 5, 4);
  EXPECT_EQ(a[3].events.times, b[3].events.times);
  EXPECT_NE(training_sequences(spec, 0, 6, 4)[0].events.times, a[0].events.times);
  const auto evaluation = evaluation_sequences(spec, 0, 4);
  for (int64_t step = 0; step < 50; ++step) {
    EXPECT_NE(training_sequences(spec, 0, step, 1)[0].events.times, evaluation[0].events.times);
  }
  EXPECT_EQ(parse_tpp_data("tpp-selfcorrecting").kind, ProcessKind::SelfCorrecting);
  testing::expect_invalid_argument([] { parse_tpp_data("gp-rbf"); }, {"tpp-hawkes"});
}

TEST(TppSequences, TimesThatRoundTogetherInFloatStayIncreasing) {
  // 30 and 30 + 1e-7 are one float32; 1e-50 rounds to 0.
  const std::vector<EventList> lists{{{1e-50, 30.0, 30.0 + 1e-7, 31.0}, {0, 1, 2, 0}}};
  const auto times = to_event_sequence(lists, at::TensorOptions(at::kFloat)).times;
  EXPECT_GT(times[0][0].item<float>(), 0.0f);
  EXPECT_TRUE((times.narrow(1, 1, 3) > times.narrow(1, 0, 3)).all().item<bool>()) << times;
  EXPECT_EQ(times[0][3].item<float>(), 31.0f);
  const auto exact = to_event_sequence(lists, at::TensorOptions(at::kDouble)).times;
  EXPECT_EQ(exact[0][2].item<double>(), 30.0 + 1e-7);
}

TEST(TppEvaluation, RatioEstimatorAndItsStandardError) {
  // Two one-event sequences with NLL 3 and 5: mean 4, SE = sample std / √2 = √2 / √2 = 1.
  const auto result = summarize({{4.0, 3.0, 1.0, 1}, {16.0, 5.0, 0.0, 1}});
  EXPECT_DOUBLE_EQ(result.nll.mean, 4.0);
  EXPECT_DOUBLE_EQ(result.nll.standard_error, 1.0);
  EXPECT_DOUBLE_EQ(result.mark_accuracy.mean, 0.5);
  EXPECT_DOUBLE_EQ(result.rmse.mean, std::sqrt(10.0));
  // SE(MSE) = 6 (|4 − 16| / 2), through √: 6 / (2 √10).
  EXPECT_DOUBLE_EQ(result.rmse.standard_error, 6.0 / (2.0 * std::sqrt(10.0)));
  EXPECT_EQ(result.events, 2);
}

TEST(TppEvaluation, ModelNllIsItsLossAndTheOracleScoresTheSameEvents) {
  torch::manual_seed(3);
  auto model = make_point_process(default_point_process_config("cmhp"));
  const TppDataSpec spec{ProcessKind::Hawkes, 3, 12};
  const auto sequences = evaluation_sequences(spec, 0, 6);
  std::vector<EventList> lists;
  for (const auto& s : sequences) lists.push_back(s.events);
  const auto scored = evaluate_point_process(*model, lists, 4);  // batches of 4 and 2
  const torch::NoGradGuard no_grad;
  const double loss = model->loss(to_event_sequence(lists, model->tensor_options())).item<double>();
  EXPECT_NEAR(scored.nll.mean, loss, 1e-5);
  EXPECT_EQ(scored.events, 72);
  const auto oracle = evaluate_oracle(sequences);
  double exact = 0.0;
  for (const auto& s : sequences) {
    for (const double ll : event_log_likelihoods(*s.process, s.events)) exact -= ll;
  }
  EXPECT_NEAR(oracle.nll.mean, exact / 72.0, 1e-12);
  EXPECT_GT(oracle.mark_accuracy.mean, 0.0);
  EXPECT_GT(oracle.rmse.mean, 0.0);
}

TEST(TppTraining, SavesACheckpointThatLoadsWithItsCard) {
  const testing::TempDir dir;
  TppTrainSettings settings;
  settings.model = "thp";
  settings.model_overrides = {{"layers", 1}, {"d_model", 16}};
  settings.data = {ProcessKind::Poisson, 2, 10};
  settings.steps = 3;
  settings.batch = 2;
  settings.out = (dir.path() / "run").string();
  const auto result = run_tpp_training(settings);
  EXPECT_EQ(result.steps, 3);
  EXPECT_TRUE(std::isfinite(result.final_loss));
  const auto loaded = load_point_process(result.path);
  EXPECT_EQ(loaded.card["steps"], 3);
  EXPECT_EQ(loaded.card["data"], "tpp-poisson");
  EXPECT_EQ(loaded.model->marks(), 2);
  EXPECT_EQ(loaded.model->config()["d_model"], 16);
  testing::expect_invalid_argument([&] { run_tpp_training(settings); }, {"exists"});
}

}  // namespace
}  // namespace nplab::tpp

// The Events view's facade: edits of an event history, the next event's distribution, the hidden
// process and event CSV files.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "nplab/facade/event_explorer.h"
#include "nplab/facade/session.h"
#include "nplab/tpp/registry.h"
#include "nplab/tpp/training.h"
#include "temp_dir.h"

namespace nplab {
namespace {

const std::vector<facade::MarkedEvent> kHistory{{0.4, 0}, {1.1, 2}, {1.5, 1}, {2.9, 0}, {3.3, 2}};

/// A log-spaced grid of τ from 1e-6 to 1e4.
std::vector<double> wide_tau_grid(int count = 4000) {
  std::vector<double> taus;
  for (int i = 0; i < count; ++i) taus.push_back(std::pow(10.0, -6.0 + 10.0 * i / (count - 1)));
  return taus;
}

void expect_same_prediction(const facade::NextEventPrediction& a,
                            const facade::NextEventPrediction& b, double tolerance) {
  ASSERT_EQ(a.density.size(), b.density.size());
  for (size_t i = 0; i < a.density.size(); ++i) {
    EXPECT_NEAR(a.density[i], b.density[i], tolerance * (1.0 + std::abs(b.density[i]))) << i;
  }
  ASSERT_EQ(a.mark_probabilities.size(), b.mark_probabilities.size());
  for (size_t k = 0; k < a.mark_probabilities.size(); ++k) {
    EXPECT_NEAR(a.mark_probabilities[k], b.mark_probabilities[k], tolerance) << k;
  }
}

class EventExplorerModels : public ::testing::TestWithParam<std::string> {};

TEST_P(EventExplorerModels, UpdateAfterTheLastEventEqualsReconditioningOnTheWholeHistory) {
  facade::EventExplorer streamed;
  ASSERT_TRUE(streamed.load_registry_model(GetParam(), 3, /*seed=*/4).ok());
  for (const auto& event : kHistory) {
    const auto added = streamed.add(event);
    ASSERT_TRUE(added.ok()) << added.error();
    if (GetParam() == "cmhp") EXPECT_EQ(added.value().mode, facade::UpdateMode::ConstantTime);
    if (GetParam() == "thp") EXPECT_EQ(added.value().mode, facade::UpdateMode::Recompute);
  }
  facade::EventExplorer whole;
  ASSERT_TRUE(whole.load_registry_model(GetParam(), 3, /*seed=*/4).ok());
  ASSERT_TRUE(whole.set_events({kHistory.begin(), kHistory.end() - 2}).ok());
  ASSERT_TRUE(whole.move(0, kHistory[0]).ok());  // a no-op edit keeps the history
  // Rebuilt from nothing: an edit before the last event reconditions.
  facade::EventExplorer conditioned;
  ASSERT_TRUE(conditioned.load_registry_model(GetParam(), 3, /*seed=*/4).ok());
  ASSERT_TRUE(conditioned.set_events({{5.0, 1}}).ok());
  const auto reconditioned = conditioned.set_events(kHistory);
  ASSERT_TRUE(reconditioned.ok()) << reconditioned.error();
  EXPECT_EQ(reconditioned.value().mode, facade::UpdateMode::Recompute);

  const auto taus = wide_tau_grid(200);
  const auto a = streamed.predict(taus);
  const auto b = conditioned.predict(taus);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_DOUBLE_EQ(a.value().last_time, 3.3);
  expect_same_prediction(a.value(), b.value(), 1e-4);
  EXPECT_GT(streamed.last_update().state_bytes, 0);
}

TEST_P(EventExplorerModels, MoveAndRemoveGiveTheHistoryTheyDescribe) {
  facade::EventExplorer explorer;
  ASSERT_TRUE(explorer.load_registry_model(GetParam()).ok());
  ASSERT_TRUE(explorer.set_events(kHistory).ok());
  // Event 0 moves past two others: the history is re-sorted.
  ASSERT_TRUE(explorer.move(0, {1.3, 1}).ok());
  const std::vector<facade::MarkedEvent> moved{{1.1, 2}, {1.3, 1}, {1.5, 1}, {2.9, 0}, {3.3, 2}};
  EXPECT_EQ(explorer.events(), moved);
  const auto removed = explorer.remove(4);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed.value().count, 4);
  EXPECT_EQ(explorer.events(), std::vector<facade::MarkedEvent>(moved.begin(), moved.end() - 1));

  facade::EventExplorer fresh;
  ASSERT_TRUE(fresh.load_registry_model(GetParam()).ok());
  ASSERT_TRUE(fresh.set_events(explorer.events()).ok());
  const auto taus = wide_tau_grid(100);
  expect_same_prediction(explorer.predict(taus).value(), fresh.predict(taus).value(), 1e-4);
  EXPECT_FALSE(explorer.remove(9).ok());
}

TEST_P(EventExplorerModels, DensityIntegratesToOneAndMatchesItsCdf) {
  facade::EventExplorer explorer;
  ASSERT_TRUE(explorer.load_registry_model(GetParam(), 3, 2).ok());
  ASSERT_TRUE(explorer.set_events(kHistory).ok());
  const auto taus = wide_tau_grid();
  const auto predicted = explorer.predict(taus);
  ASSERT_TRUE(predicted.ok()) << predicted.error();
  const auto& p = predicted.value();
  double integral = 0.0;
  for (size_t i = 1; i < taus.size(); ++i) {
    integral += 0.5 * (p.density[i] + p.density[i - 1]) * (taus[i] - taus[i - 1]);
  }
  EXPECT_NEAR(integral, p.cdf.back() - p.cdf.front(), 1e-3);
  EXPECT_NEAR(integral, 1.0, 1e-2);
  double mark_total = 0.0;
  for (const double probability : p.mark_probabilities) mark_total += probability;
  EXPECT_NEAR(mark_total, 1.0, 1e-6);
  ASSERT_TRUE(p.mean && p.stddev);
  EXPECT_GT(*p.mean, 0.0);
}

INSTANTIATE_TEST_SUITE_P(BothModels, EventExplorerModels, ::testing::Values("cmhp", "thp"));

TEST(EventExplorer, BadEventsAreClearErrorsThatChangeNothing) {
  facade::EventExplorer explorer;
  EXPECT_NE(explorer.add({1.0, 0}).error().find("no point-process model"), std::string::npos);
  ASSERT_TRUE(explorer.load_registry_model("cmhp", 3).ok());
  ASSERT_TRUE(explorer.set_events(kHistory).ok());
  const auto nan = explorer.add({std::nan(""), 0});
  EXPECT_NE(nan.error().find("NaN"), std::string::npos) << nan.error();
  const auto negative = explorer.add({-1.0, 0});
  EXPECT_NE(negative.error().find("not positive"), std::string::npos) << negative.error();
  const auto mark = explorer.add({7.0, 3});
  EXPECT_NE(mark.error().find("mark 3 is outside 0..2"), std::string::npos) << mark.error();
  const auto unsorted = explorer.set_events({{2.0, 0}, {1.0, 0}});
  EXPECT_NE(unsorted.error().find("not after"), std::string::npos) << unsorted.error();
  EXPECT_EQ(explorer.events(), kHistory);
  EXPECT_FALSE(explorer.predict({0.0}).ok());
  EXPECT_FALSE(explorer.load_registry_model("cmanp").ok());
  EXPECT_EQ(explorer.model().name, "cmhp");
}

TEST(EventExplorer, LoadsACheckpointSavedByTheTrainingCode) {
  const nplab::testing::TempDir dir;
  auto model = tpp::make_point_process(tpp::default_point_process_config("thp"));
  const auto path = (dir.path() / "thp-small.pt").string();
  tpp::save_point_process(*model, {{"data", "tpp-hawkes"}}, path);
  facade::EventExplorer explorer;
  const auto loaded = explorer.load_checkpoint(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(loaded.value().name, "thp");
  EXPECT_FALSE(loaded.value().untrained);
  EXPECT_FALSE(loaded.value().constant_time_updates);
  EXPECT_EQ(loaded.value().training_data, "tpp-hawkes");
  EXPECT_FALSE(explorer.load_checkpoint((dir.path() / "missing.pt").string()).ok());
}

TEST(HiddenEventProcess, RevealsEventsInOrderAfterTheHistory) {
  for (const auto kind :
       {facade::EventProcessKind::Hawkes, facade::EventProcessKind::SelfCorrecting,
        facade::EventProcessKind::Poisson}) {
    auto made = facade::HiddenEventProcess::make({kind, /*seed=*/3, /*marks=*/3});
    ASSERT_TRUE(made.ok()) << made.error();
    auto process = std::move(const_cast<facade::HiddenEventProcess&>(made.value()));
    std::vector<facade::MarkedEvent> history{{0.5, 1}};
    for (int round = 0; round < 3; ++round) {
      const auto revealed = process.reveal(history, 20);
      ASSERT_TRUE(revealed.ok()) << revealed.error();
      ASSERT_EQ(revealed.value().size(), 20u) << facade::event_process_name(kind);
      history.insert(history.end(), revealed.value().begin(), revealed.value().end());
      EXPECT_EQ(facade::event_history_problem(history, 3), "") << facade::event_process_name(kind);
    }
    // The same seed and calls give the same events.
    auto again = facade::HiddenEventProcess::make({kind, 3, 3});
    auto replay = std::move(const_cast<facade::HiddenEventProcess&>(again.value()));
    EXPECT_EQ(replay.reveal({{0.5, 1}}, 20).value(),
              std::vector<facade::MarkedEvent>(history.begin() + 1, history.begin() + 21));
  }
}

TEST(HiddenEventProcess, TruthGivesTheIntensityAndAnOracleDensityThatIntegratesToOne) {
  auto made = facade::HiddenEventProcess::make({facade::EventProcessKind::Hawkes, 5, 3});
  ASSERT_TRUE(made.ok());
  const auto& process = made.value();
  EXPECT_NE(process.description().find("Hawkes process, 3 marks"), std::string::npos);
  const std::vector<double> times{0.0, 0.3, 0.45, 1.0, 4.0};
  const auto taus = wide_tau_grid();
  const auto truth = process.truth(kHistory, times, taus);
  ASSERT_TRUE(truth.ok()) << truth.error();
  // Hawkes: the intensity jumps just after an event and decays back towards μ.
  EXPECT_GT(truth.value().intensity[2], truth.value().intensity[1]);
  double integral = 0.0;
  for (size_t i = 1; i < taus.size(); ++i) {
    integral +=
        0.5 * (truth.value().density[i] + truth.value().density[i - 1]) * (taus[i] - taus[i - 1]);
  }
  EXPECT_NEAR(integral, 1.0, 1e-2);
  EXPECT_FALSE(process.truth(kHistory, {1.0, 0.5}, taus).ok());
  EXPECT_FALSE(facade::HiddenEventProcess::make({facade::EventProcessKind::Poisson, 1, 0}).ok());
}

TEST(EventFiles, CsvRoundTripAndBadRowsNameTheLine) {
  const nplab::testing::TempDir dir;
  const auto path = dir.path() / "events.csv";
  const std::vector<facade::MarkedEvent> events{{0.1, 0}, {1.0 / 3.0, 2}, {2.718281828459045, 1}};
  ASSERT_TRUE(facade::write_events_csv(path, events, "mine").ok());
  const auto read = facade::read_events_csv(path, 3);
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_EQ(read.value().events, events);  // 17 digits: exact
  EXPECT_EQ(read.value().sequence, "mine");
  EXPECT_FALSE(facade::read_events_csv(path, 2).ok());  // mark 2 of 2 marks
  std::ofstream(dir.path() / "bad.csv") << "sequence,time,mark\na,1.0,0\na,nan,1\n";
  const auto bad = facade::read_events_csv(dir.path() / "bad.csv", 3);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("bad.csv:3"), std::string::npos) << bad.error();
  EXPECT_FALSE(facade::write_events_csv(path, {{1.0, 0}, {0.5, 0}}).ok());
}

TEST(EventFiles, SessionsKeepTheEventsAndOlderFilesStillLoad) {
  facade::Session session;
  session.view = "events";
  facade::EventsSession events;
  events.events = kHistory;
  events.process = {facade::EventProcessKind::SelfCorrecting, 9, 3};
  events.compare = facade::SessionModel{facade::SessionModel::Source::Registry, "thp", "", 1, 1};
  session.events = events;
  const auto read = facade::session_from_json(facade::session_to_json(session));
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_EQ(read.value(), session);

  const auto older = facade::session_from_json(
      R"({"format": "nplab-session", "version": 1, "view": "functions",
          "model": {"source": "registry", "name": "cmanp"}, "points": [[0.5, 1.0]]})");
  ASSERT_TRUE(older.ok()) << older.error();
  EXPECT_FALSE(older.value().events.has_value());

  auto text = facade::session_to_json(session);
  text.replace(text.find("3.3"), 3, "-3.3");
  const auto bad = facade::session_from_json(text);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("events.events"), std::string::npos) << bad.error();
}

}  // namespace
}  // namespace nplab

// The Bayesian-optimisation facade a view drives: step, run to N, a query placed by hand, reset,
// and failures as values.

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "nplab/facade/bo_explorer.h"
#include "nplab/facade/session.h"
#include "test_support.h"

namespace nplab {
namespace {

TEST(BoExplorer, StepsRunsToNAndResetsToTheSameStartingPoints) {
  facade::BoSettings settings;
  settings.function = "forrester";
  settings.grid_points = 201;
  auto open = facade::BoExplorer::open(settings);
  ASSERT_TRUE(open.ok()) << open.error();
  auto& explorer = *open.value();
  const auto first = explorer.frame();
  ASSERT_TRUE(first.ok()) << first.error();
  EXPECT_EQ(first.value().starting_points, 3);
  EXPECT_EQ(first.value().query_x.size(), 3u);
  EXPECT_EQ(first.value().grid.size(), 201u);
  EXPECT_EQ(first.value().mean.size(), 201u);
  EXPECT_EQ(first.value().acquisition.size(), 201u);

  const double proposed = first.value().next_x;
  const auto stepped = explorer.step();
  ASSERT_TRUE(stepped.ok()) << stepped.error();
  EXPECT_EQ(stepped.value().query_x.back(), proposed);
  EXPECT_EQ(stepped.value().simple_regret.size(), 2u);

  const auto ran = explorer.run_to(6);
  ASSERT_TRUE(ran.ok()) << ran.error();
  EXPECT_EQ(ran.value().query_x.size(), 9u);
  EXPECT_EQ(ran.value().step_ms.size(), 6u);
  for (size_t i = 1; i < ran.value().simple_regret.size(); ++i) {
    EXPECT_LE(ran.value().simple_regret[i], ran.value().simple_regret[i - 1]);
  }

  const auto again = explorer.reset();
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(again.value().query_x, first.value().query_x);
  EXPECT_EQ(again.value().next_x, first.value().next_x);
}

TEST(BoExplorer, AQueryPlacedByHandLandsOnTheNearestGridPoint) {
  facade::BoSettings settings;
  settings.function = "levy";
  settings.surrogate = "random";
  settings.grid_points = 401;  // spacing 0.01
  auto open = facade::BoExplorer::open(settings);
  ASSERT_TRUE(open.ok()) << open.error();
  const auto placed = open.value()->query_at(0.2031);
  ASSERT_TRUE(placed.ok()) << placed.error();
  EXPECT_NEAR(placed.value().query_x.back(), 0.2, 1e-12);
  // Levy's maximiser is x = 0.2: the regret is 0 once it is queried.
  EXPECT_NEAR(placed.value().simple_regret.back(), 0.0, 1e-12);
  EXPECT_TRUE(placed.value().mean.empty());  // random search has no surrogate
  const auto far = open.value()->query_at(7.0);
  ASSERT_TRUE(far.ok()) << far.error();
  EXPECT_EQ(far.value().query_x.back(), 2.0);
  EXPECT_FALSE(open.value()->query_at(std::nan("")).ok());
}

TEST(BoExplorer, BadSettingsComeBackAsErrorsNotExceptions) {
  facade::BoSettings settings;
  settings.function = "branin";
  const auto unknown = facade::BoExplorer::open(settings);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().find("unknown function 'branin'"), std::string::npos);
  settings.function = "forrester";
  settings.acquisition = "pi";
  EXPECT_NE(facade::BoExplorer::open(settings).error().find("unknown acquisition 'pi'"),
            std::string::npos);
  settings.acquisition = "ei";
  settings.surrogate = "/nonexistent/model.pt";
  EXPECT_FALSE(facade::BoExplorer::open(settings).ok());
}

TEST(BoExplorer, AShippedCmanpDrivesTheSearch) {
  facade::BoSettings settings;
  settings.surrogate = std::string(NPLAB_MODELS_DIR) + "/cmanp.pt";
  settings.acquisition = "ucb";
  settings.grid_points = 201;
  auto open = facade::BoExplorer::open(settings);
  ASSERT_TRUE(open.ok()) << open.error();
  const auto ran = open.value()->run_to(10);
  ASSERT_TRUE(ran.ok()) << ran.error();
  EXPECT_EQ(ran.value().query_x.size(), 13u);
  EXPECT_LE(ran.value().simple_regret.back(), ran.value().simple_regret.front());
}

TEST(BoSession, KeepsTheSettingsAndQueriesAndOlderFilesStillLoad) {
  facade::Session session;
  session.view = "bo";
  facade::BoSession bo;
  bo.settings.function = "forrester";
  bo.settings.surrogate = "/models/cmanp.pt";
  bo.settings.acquisition = "ucb";
  bo.settings.seed = 12;
  bo.queries = {{0.25, false}, {-1.5, true}, {1.0 / 3.0, false}};
  bo.show_truth = false;
  session.bo = bo;
  const auto read = facade::session_from_json(facade::session_to_json(session));
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_EQ(read.value(), session);

  const auto older = facade::session_from_json(
      R"({"format": "nplab-session", "version": 1, "view": "events",
          "model": {"source": "registry", "name": "cmanp"}, "points": []})");
  ASSERT_TRUE(older.ok()) << older.error();
  EXPECT_FALSE(older.value().bo.has_value());

  auto text = facade::session_to_json(session);
  text.replace(text.find("-1.5"), 4, "-2.5");
  const auto outside = facade::session_from_json(text);
  ASSERT_FALSE(outside.ok());
  EXPECT_NE(outside.error().find("bo.queries[1]"), std::string::npos) << outside.error();
  text = facade::session_to_json(session);
  text.replace(text.find("forrester"), 9, "nowhere-fn");
  const auto unknown = facade::session_from_json(text);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().find("bo.function"), std::string::npos) << unknown.error();
}

}  // namespace
}  // namespace nplab

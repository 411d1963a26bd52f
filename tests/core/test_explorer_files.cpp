// The facade's plain-type extras the GUI uses: the hidden ground truth and its oracle, sessions,
// CSV files of points and the benchmark sweep.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nplab/facade/ground_truth.h"
#include "nplab/facade/session.h"
#include "nplab/util/atomic_file.h"
#include "temp_dir.h"

namespace nplab {
namespace {

using ::testing::HasSubstr;

std::vector<double> line(int count) {
  std::vector<double> xs;
  for (int i = 0; i < count; ++i) xs.push_back(-2.0 + 4.0 * i / (count - 1));
  return xs;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

facade::Session example_session() {
  facade::Session session;
  session.view = "functions";
  session.model = {facade::SessionModel::Source::Checkpoint, "", "/models/cmanp.pt", 1, 1};
  session.points = {facade::point_1d(-1.25, 0.1),
                    facade::point_1d(0.3333333333333333, -2.718281828459045)};
  session.compare = facade::SessionModel{facade::SessionModel::Source::Registry, "tnpd", "", 1, 1};
  session.truth = {facade::TruthKernel::Periodic, 0.55, 0.8, 1.3, 12345678901234567ULL};
  session.settings = {true, false, {"cmanp", "tnpd"}, {64, 256}};
  return session;
}

TEST(GroundTruth, IsReproducibleFromItsSeedAndChangesWithIt) {
  const auto grid = line(50);
  const auto first = facade::sample_truth(facade::TruthSpec{}, grid);
  ASSERT_TRUE(first.ok()) << first.error();
  ASSERT_EQ(first.value().size(), grid.size());
  EXPECT_EQ(facade::sample_truth(facade::TruthSpec{}, grid).value(), first.value());
  facade::TruthSpec other;
  other.seed = 2;
  EXPECT_NE(facade::sample_truth(other, grid).value(), first.value());
}

TEST(GroundTruth, PeriodicTruthRepeatsAfterOnePeriod) {
  facade::TruthSpec spec{facade::TruthKernel::Periodic, 0.6, 1.0, 1.0, 7};
  const std::vector<double> grid{-1.5, -0.5, 0.5, 1.5};  // one period apart
  const auto values = facade::sample_truth(spec, grid);
  ASSERT_TRUE(values.ok()) << values.error();
  for (const double value : values.value()) EXPECT_NEAR(value, values.value()[0], 1e-3);
}

TEST(GroundTruth, BadLengthscaleIsAnErrorNamingIt) {
  facade::TruthSpec spec;
  spec.lengthscale = -1;
  const auto values = facade::sample_truth(spec, line(5));
  ASSERT_FALSE(values.ok());
  EXPECT_THAT(values.error(), HasSubstr("lengthscale"));
}

TEST(GroundTruth, OracleInterpolatesRevealedPointsAndIsPriorWidthFarAway) {
  const facade::TruthSpec spec;  // RBF, lengthscale 0.4, scale 1
  const auto grid = line(101);
  const auto truth = facade::sample_truth(spec, grid).value();
  std::vector<facade::ContextPoint> context;
  for (size_t i = 0; i <= 50; i += 5) context.push_back(facade::point_1d(grid[i], truth[i]));
  const auto oracle = facade::oracle_prediction(spec, context, grid);
  ASSERT_TRUE(oracle.ok()) << oracle.error();
  // At a context point: close to the value, std close to the noise.
  EXPECT_NEAR(oracle.value().mean[25], truth[25], 0.05);
  EXPECT_LT(oracle.value().stddev[25], 0.05);
  // Far from every context point (x = 2, 2.5 lengthscales past the last): nearly the prior.
  EXPECT_GT(oracle.value().stddev[100], 0.9);
  const auto prior = facade::oracle_prediction(spec, {}, grid);
  ASSERT_TRUE(prior.ok());
  EXPECT_NEAR(prior.value().stddev[0],
              std::sqrt(1.0 + facade::kRevealNoiseStd * facade::kRevealNoiseStd), 1e-9);
}

TEST(GroundTruth, OracleBandStaysSaneWhenHandPlacedPointsShareAnX) {
  // Periodic truth (period 1): x = −1, 0 and 1 are one input; three y stacked at x = −1, one a
  // hair beside it, and a point one period away, as 50 rapid clicks on a rescaling axis left them.
  facade::TruthSpec spec;
  spec.kernel = facade::TruthKernel::Periodic;
  const std::vector<facade::ContextPoint> context{
      facade::point_1d(-1.0, 0.5),   facade::point_1d(-1.0, 1.0), facade::point_1d(-1.0, 1.5),
      facade::point_1d(-0.999, 2.0), facade::point_1d(0.0, -1.0), facade::point_1d(0.4, 0.3)};
  std::vector<double> grid(201);
  for (size_t i = 0; i < grid.size(); ++i) grid[i] = -2.0 + 4.0 * i / 200.0;
  const auto oracle = facade::oracle_prediction(spec, context, grid);
  ASSERT_TRUE(oracle.ok()) << oracle.error();
  const auto [low, high] =
      std::minmax_element(oracle.value().mean.begin(), oracle.value().mean.end());
  EXPECT_GE(*low, -1.0 - 0.5);
  EXPECT_LE(*high, 2.0 + 0.5);
  for (const double stddev : oracle.value().stddev) {
    EXPECT_TRUE(std::isfinite(stddev));
    EXPECT_LT(stddev, 3.0);
  }
}

TEST(GroundTruth, KernelNamesRoundTrip) {
  for (const auto kernel :
       {facade::TruthKernel::RBF, facade::TruthKernel::Matern52, facade::TruthKernel::Periodic}) {
    EXPECT_EQ(facade::truth_kernel_from_name(facade::truth_kernel_name(kernel)), kernel);
  }
  EXPECT_FALSE(facade::truth_kernel_from_name("cosine").has_value());
}

TEST(Session, SaveThenLoadGivesTheSameSessionExactly) {
  const testing::TempDir dir;
  const auto path = dir.path() / "lab.nplab.json";
  const auto session = example_session();
  const auto saved = facade::save_session(path, session);
  ASSERT_TRUE(saved.ok()) << saved.error();
  const auto loaded = facade::load_session(path);
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(loaded.value(), session);
  EXPECT_THAT(read_text(path), HasSubstr("\"format\": \"nplab-session\""));
  // Nothing but the session is left in the folder (the temporary file was renamed).
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(Session, MissingOptionalPartsTakeDefaults) {
  const auto loaded = facade::session_from_json(
      R"({"format": "nplab-session", "version": 1, "view": "memory",
          "model": {"source": "registry", "name": "tnpd"}, "points": [], "extra": 1})");
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ(loaded.value().view, "memory");
  EXPECT_EQ(loaded.value().model.name, "tnpd");
  EXPECT_EQ(loaded.value().truth, facade::TruthSpec{});
  EXPECT_EQ(loaded.value().settings, facade::SessionSettings{});
  EXPECT_FALSE(loaded.value().compare.has_value());
}

TEST(Session, MalformedSessionsAreErrorsSayingWhere) {
  const std::string head = R"({"format": "nplab-session", "version": 1, "view": "functions",
      "model": {"source": "registry", "name": "cmanp"}, )";
  const std::vector<std::pair<std::string, std::string>> cases{
      {"{not json", "not valid JSON"},
      {R"({"format": "something-else", "version": 1})", "not an NPLab session"},
      {R"({"format": "nplab-session", "version": 2})", "version: 2"},
      {head + R"("points": [[0.5, 1.0], [0.25]]})", "points[1]: expected 2 numbers"},
      {head + R"("points": [[0.5, "a"]]})", "points[0][1]: expected a number"},
      {head + R"("points": [], "truth": {"kernel": "cosine", "params": {}, "seed": 1}})",
       "truth.kernel"},
      {head + R"("points": [], "truth": {"kernel": "rbf", "params": {"lengthscale": 0},
        "seed": 1}})",
       "lengthscale"},
      {head + R"("points": [], "truth": {"kernel": "rbf", "params": {}, "seed": -3}})",
       "truth.seed"},
      {head + R"("points": [], "compare": {"source": "registry", "name": "cnp", "dim_x": 2}})",
       "compare: dim_x/dim_y differ"},
      {R"({"format": "nplab-session", "version": 1, "view": "functions",
          "model": {"source": "registry", "name": "cnp", "dim_x": 5}, "points": []})",
       "model.dim_x: out of range 1..4"},
  };
  for (const auto& [text, expected] : cases) {
    const auto loaded = facade::session_from_json(text, "bad.json");
    ASSERT_FALSE(loaded.ok()) << text;
    EXPECT_THAT(loaded.error(), HasSubstr(expected)) << text;
    EXPECT_THAT(loaded.error(), HasSubstr("bad.json"));
  }
}

TEST(Session, ImagesComparedModelRoundTripsAndMustPredictGreyPixels) {
  auto session = example_session();
  session.view = "images";
  facade::ImagesSession images;
  images.index = 7;
  images.revealed = {0, 5, 783};
  images.compare =
      facade::SessionModel{facade::SessionModel::Source::Checkpoint, "", "/m/fmnist-tnpd.pt", 2, 1};
  session.images = images;
  const auto loaded = facade::session_from_json(facade::session_to_json(session), "s.json");
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  ASSERT_TRUE(loaded.value().images.has_value());
  EXPECT_EQ(loaded.value().images->compare, images.compare);
  EXPECT_EQ(loaded.value(), session);

  // Without "compare" it compares nothing; a 1-D model cannot be compared on an image.
  session.images->compare.reset();
  const auto plain = facade::session_from_json(facade::session_to_json(session), "s.json");
  ASSERT_TRUE(plain.ok()) << plain.error();
  EXPECT_FALSE(plain.value().images->compare.has_value());
  session.images->compare =
      facade::SessionModel{facade::SessionModel::Source::Registry, "cnp", "", 1, 1};
  const auto refused = facade::session_from_json(facade::session_to_json(session), "s.json");
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error(), HasSubstr("images.compare"));
}

TEST(Session, FailedSaveOverAnExistingFileLeavesItAsItWasAndNoTemporary) {
  const testing::TempDir dir;
  const auto path = dir.write("kept.json", "old");
  // The save fails after the new content is written, just before it would replace the file.
  util::set_before_rename_hook(
      [](const std::filesystem::path&) { throw std::runtime_error("disk went away"); });
  const auto saved = facade::save_session(path, example_session());
  util::set_before_rename_hook({});
  EXPECT_FALSE(saved.ok());
  EXPECT_EQ(read_text(path), "old");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            1)
      << "only kept.json: the temporary file is removed";
  // And a save into a folder that does not exist says which.
  const auto missing =
      facade::save_session(dir.path() / "no-such-folder" / "x.json", example_session());
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.error(), HasSubstr("no-such-folder"));
}

TEST(PointsCsv, WriteThenReadGivesTheSamePoints) {
  const testing::TempDir dir;
  const std::vector<facade::ContextPoint> points{facade::point_1d(-1.0 / 3.0, 0.1),
                                                 facade::point_1d(1.75, -2.5e-7)};
  const auto path = dir.path() / "points.csv";
  ASSERT_TRUE(facade::write_points_csv(path, points).ok());
  EXPECT_THAT(read_text(path), ::testing::StartsWith("x,y\n"));
  const auto read = facade::read_points_csv(path);
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_EQ(read.value(), points);
}

TEST(PointsCsv, BadRowIsReportedWithItsLineNumber) {
  const testing::TempDir dir;
  const auto path = dir.write("bad.csv", "x,y\n0.5,1\n# comment\n0.25,oops\n");
  const auto read = facade::read_points_csv(path);
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(read.error(), HasSubstr("bad.csv:4"));
  EXPECT_THAT(read.error(), HasSubstr("oops"));
  const auto wrong_width = facade::read_points_csv(dir.write("wide.csv", "1,2,3\n"));
  ASSERT_FALSE(wrong_width.ok());
  EXPECT_THAT(wrong_width.error(), HasSubstr("wide.csv:1"));
}

}  // namespace
}  // namespace nplab

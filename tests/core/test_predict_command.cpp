// `nplab-cli predict` with a shipped checkpoint: streaming points in by update gives what
// conditioning on all of them gives, and the command predicts what the facade (the app's core)
// predicts on the same points.

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "nplab/data/csv.h"
#include "nplab/facade/explorer.h"
#include "temp_dir.h"
#include "test_support.h"

namespace nplab {
namespace {

using testing::TempDir;

const std::string kCheckpoint = std::string(NPLAB_MODELS_DIR) + "/cmanp.pt";

/// Runs nplab-cli predict and reads its CSV: [M, 3] as x, mean, std.
at::Tensor predict(const std::string& arguments, const TempDir& dir) {
  const auto out = (dir.path() / "prediction.csv").string();
  const std::string command = std::string(NPLAB_CLI_BINARY) + " predict --device cpu " + arguments +
                              " --out " + out + " 2>/dev/null";
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  return data::read_csv_points(out, 3, at::kDouble).values[0];
}

std::vector<facade::ContextPoint> wave(int count, double from, double to) {
  std::vector<facade::ContextPoint> points;
  for (int i = 0; i < count; ++i) {
    const double x = from + (to - from) * i / (count - 1);
    points.push_back(facade::point_1d(x, std::sin(2.5 * x)));
  }
  return points;
}

std::string csv_of(const std::vector<facade::ContextPoint>& points) {
  std::ostringstream text;
  text.precision(17);
  text << "x,y\n";
  for (const auto& point : points) text << point.x[0] << ',' << point.y[0] << '\n';
  return text.str();
}

TEST(PredictCommand, StreamedPointsAndTheFacadeGiveTheSamePredictionAsOneConditioning) {
  TempDir dir;
  const auto first = wave(20, -1.8, 0.2), more = wave(12, 0.3, 1.9);
  auto all = first;
  all.insert(all.end(), more.begin(), more.end());
  const auto a = dir.write("a.csv", csv_of(first));
  const auto b = dir.write("b.csv", csv_of(more));
  const auto both = dir.write("both.csv", csv_of(all));
  std::vector<double> xs;
  std::string targets = "x\n";
  for (int i = 0; i < 41; ++i) {
    xs.push_back(-2.0 + 0.1 * i);
    std::ostringstream line;
    line.precision(17);
    line << xs.back() << '\n';
    targets += line.str();
  }
  const auto target_file = dir.write("targets.csv", targets);
  const auto files = " --targets " + target_file.string();

  const auto streamed = predict("--checkpoint " + kCheckpoint + " --context " + a.string() +
                                    " --stream " + b.string() + files,
                                dir);
  const auto conditioned =
      predict("--checkpoint " + kCheckpoint + " --context " + both.string() + files, dir);
  ASSERT_EQ(streamed.sizes(), conditioned.sizes());
  ASSERT_EQ(streamed.size(0), 41);
  // The update contract holds to 1e-5 in float32 (tests/core/test_model_contract.cpp); the CSV
  // round trip is exact (shortest round-trip digits).
  EXPECT_LT((streamed - conditioned).abs().max().item<double>(), 1e-5);

  facade::Explorer explorer;
  ASSERT_TRUE(explorer.load_checkpoint(kCheckpoint, "cpu").ok());
  ASSERT_TRUE(explorer.set_points(all).ok());
  const auto facade = explorer.predict(xs);
  ASSERT_TRUE(facade.ok()) << facade.error();
  for (size_t i = 0; i < xs.size(); ++i) {
    const auto row = static_cast<int64_t>(i);
    EXPECT_NEAR(conditioned[row][0].item<double>(), xs[i], 1e-6);
    EXPECT_NEAR(conditioned[row][1].item<double>(), facade.value().mean[i], 1e-5) << "x " << xs[i];
    EXPECT_NEAR(conditioned[row][2].item<double>(), facade.value().stddev[i], 1e-5)
        << "x " << xs[i];
  }
  // A trained model, not a flat prior: the band is narrow where the points are.
  EXPECT_LT(conditioned[10][2].item<double>(), 0.5);
}

}  // namespace
}  // namespace nplab

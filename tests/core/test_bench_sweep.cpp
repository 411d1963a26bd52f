// The Memory view's sweep (nplab/facade/bench_sweep.h): each point reported as it is measured,
// sizes predicted too large or too slow left unrun, the JSON lines of `bench sweep --jsonl`, and
// the crossovers and conclusion computed from the points.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nplab/bench/model_bench.h"
#include "nplab/facade/bench_sweep.h"

namespace nplab {
namespace {

using ::testing::HasSubstr;

facade::BenchSweepOptions quick_options(std::vector<std::string> models,
                                        std::vector<std::int64_t> sizes) {
  facade::BenchSweepOptions options;
  options.models = std::move(models);
  options.sizes = std::move(sizes);
  options.targets = 8;
  options.repeats = 1;
  return options;
}

facade::BenchPoint measured(const std::string& model, std::int64_t n, double mib,
                            double update_us) {
  return {model, n, facade::BenchStatus::Ok, static_cast<std::int64_t>(mib * 1024 * 1024),
          update_us};
}

TEST(BenchSweep, ReportsEveryModelAndSizeInOrderAndStopsWhenCancelled) {
  const auto options = quick_options({"cmanp", "tnpd"}, {32, 16});
  std::vector<std::string> seen;
  const auto points = facade::run_bench_sweep(
      options, {{}, [&](const facade::BenchPoint& point) {
                  seen.push_back(point.model + "@" + std::to_string(point.n));
                }});
  EXPECT_EQ(seen, (std::vector<std::string>{"cmanp@16", "cmanp@32", "tnpd@16", "tnpd@32"}));
  for (const auto& point : points) {
    EXPECT_EQ(point.status, facade::BenchStatus::Ok) << point.error;
    EXPECT_GT(point.peak_bytes, 0);
    EXPECT_GT(point.state_bytes, 0);
    EXPECT_GT(point.condition_s, 0);
    EXPECT_GT(point.update_us, 0);
  }
  // CMANP's state is its latents: the same bytes at every N. TNP-D stores its context.
  EXPECT_EQ(points[0].state_bytes, points[1].state_bytes);
  EXPECT_EQ(points[3].state_bytes, 2 * points[2].state_bytes);
  int calls = 0;
  const auto cancelled = facade::run_bench_sweep(options, {[&] { return ++calls > 1; }, {}});
  EXPECT_LT(cancelled.size(), points.size());
}

TEST(BenchSweep, SizesPredictedPastTheMemoryCapArePredictedNotRun) {
  auto options = quick_options({"tnpd"}, {16, 32, 100000, 200000});
  options.cap_bytes = 1e7;
  const auto points = facade::run_bench_sweep(options);
  ASSERT_EQ(points.size(), 4u);
  for (const int i : {2, 3}) {
    EXPECT_EQ(points[i].status, facade::BenchStatus::Skipped);
    EXPECT_THAT(points[i].error, HasSubstr("memory cap"));
    EXPECT_EQ(points[i].state_bytes, 0);  // nothing was built
  }
  EXPECT_GT(points[2].peak_bytes, 1e7);  // the prediction
  EXPECT_GT(points[2].update_us, points[1].update_us);
  EXPECT_GT(points[3].peak_bytes, points[2].peak_bytes);
}

TEST(BenchSweep, ASweepThatStartsLargeIsPredictedBeforeAnythingOfThatSizeIsAllocated) {
  // Without a smaller size to predict from, TNP-D at N = 10^5 would be run and fail in the
  // allocator (150 GiB); calibration runs at small N predict it past the cap instead.
  auto options = quick_options({"tnpd", "cmanp"}, {100000});
  options.cap_bytes = 1e8;
  const auto points = facade::run_bench_sweep(options);
  ASSERT_EQ(points.size(), 2u);  // the calibration runs are not reported
  EXPECT_EQ(points[0].status, facade::BenchStatus::Skipped) << points[0].error;
  EXPECT_THAT(points[0].error, HasSubstr("memory cap"));
  EXPECT_GT(points[0].peak_bytes, 1e10);
  EXPECT_EQ(points[1].status, facade::BenchStatus::Ok)
      << points[1].error;  // CMANP's memory stays flat
  EXPECT_LT(points[1].peak_bytes, 1e8);
}

TEST(BenchSweep, SizesPredictedToRunPastTheTimeLimitArePredictedNotRun) {
  auto options = quick_options({"lbanp"}, {16, 32, 64, 128});
  options.max_run_seconds = 1e-9;
  const auto points = facade::run_bench_sweep(options);
  ASSERT_EQ(points.size(), 4u);
  EXPECT_EQ(points[1].status, facade::BenchStatus::Ok);
  EXPECT_EQ(points[2].status, facade::BenchStatus::Skipped);
  EXPECT_THAT(points[2].error, HasSubstr("limit"));
}

TEST(BenchSweep, PredictionsGrowAtLeastAsFastAsTheModelsKnownGrowth) {
  // Two equal measurements predict a flat curve, unless the model is known to grow.
  EXPECT_DOUBLE_EQ(bench::extrapolate_peak(100, 10.0, 200, 10.0, 400), 10.0);
  EXPECT_DOUBLE_EQ(bench::extrapolate_peak(100, 10.0, 200, 10.0, 400, 2.0), 40.0);
  EXPECT_EQ(bench::growth_exponents("cmanp").memory, 0.0);
  EXPECT_EQ(bench::growth_exponents("lbanp-128").memory, 1.0);
  EXPECT_EQ(bench::growth_exponents("tnpd").memory, 2.0);
}

TEST(ModelProbe, UpdatesAreTimedUntilTheRepeatsOrTheBudgetRunOut) {
  bench::ModelBenchOptions options;
  options.targets = 8;
  bench::ModelProbe probe("lbanp", options);
  int runs = 0;  // `cancelled` is asked once before each run
  const auto count = [&] { return ++runs, false; };
  EXPECT_GT(probe.update_microseconds(32, bench::TimingOptions{1, 3}, 1e300, count), 0);
  EXPECT_EQ(runs, 4);  // one warm-up, three timed
  runs = 0;
  // A warm-up longer than the budget is the one measurement.
  EXPECT_GT(probe.update_microseconds(32, bench::TimingOptions{1, 3}, 1e-9, count), 0);
  EXPECT_EQ(runs, 1);
  runs = 0;
  EXPECT_EQ(probe.update_microseconds(32, bench::TimingOptions{1, 3}, 1e300, [] { return true; }),
            0);
}

TEST(BenchSweep, UnknownModelIsOneFailedPointNamingIt) {
  const auto points = facade::run_bench_sweep(quick_options({"nosuchmodel"}, {16}));
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].status, facade::BenchStatus::Failed);
  EXPECT_THAT(points[0].error, HasSubstr("nosuchmodel"));
}

TEST(BenchSweepJson, APointRoundTripsThroughOneLine) {
  facade::BenchPoint point{"lbanp",   4096,   facade::BenchStatus::Skipped,
                           123456789, 2500.5, "predicted 9.1 GiB, over the 8.0 GiB memory cap",
                           0,         1.25};
  const auto line = facade::bench_point_to_json(point);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto back = facade::bench_point_from_json(line);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(back.value().model, "lbanp");
  EXPECT_EQ(back.value().n, 4096);
  EXPECT_EQ(back.value().status, facade::BenchStatus::Skipped);
  EXPECT_EQ(back.value().peak_bytes, 123456789);
  EXPECT_DOUBLE_EQ(back.value().update_us, 2500.5);
  EXPECT_DOUBLE_EQ(back.value().condition_s, 1.25);
  EXPECT_EQ(back.value().error, point.error);
}

TEST(BenchSweepJson, ALineThatIsNotAPointIsRefusedWithAReason) {
  EXPECT_FALSE(facade::bench_point_from_json("").ok());
  EXPECT_FALSE(facade::bench_point_from_json("{\"model\": \"cmanp\"}").ok());
  const auto status = facade::bench_point_from_json(
      R"({"model":"cmanp","n":1,"status":"great","peak_bytes":1,"update_us":1})");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error(), HasSubstr("great"));
}

TEST(BenchSweepConclusion, TheCrossoverIsWhereTheCurveFallsBelowForGood) {
  const std::vector<facade::BenchPoint> points{
      measured("cmanp", 64, 5, 6000),
      measured("cmanp", 256, 5, 6000),
      measured("cmanp", 1024, 5, 6000),
      measured("cmanp", 4096, 5, 6000),
      measured("lbanp", 64, 1, 900),
      measured("lbanp", 256, 6, 1200),  // a blip above
      measured("lbanp", 1024, 2, 2700),
      measured("lbanp", 4096, 8, 8500),
      measured("tnpd", 64, 6, 800),
      measured("tnpd", 256, 9, 5000),
      {"tnpd", 1024, facade::BenchStatus::Skipped, 64 << 20, 1e5, "predicted"},
  };
  EXPECT_EQ(facade::crossover_n(points, "cmanp", "lbanp", facade::BenchMetric::Memory), 4096);
  EXPECT_EQ(facade::crossover_n(points, "cmanp", "lbanp", facade::BenchMetric::Update), 4096);
  // Against TNP-D's prediction at 1024 too.
  EXPECT_EQ(facade::crossover_n(points, "cmanp", "tnpd", facade::BenchMetric::Memory), 64);
  EXPECT_EQ(facade::crossover_n(points, "cmanp", "tnpd", facade::BenchMetric::Update), 1024);
  EXPECT_EQ(facade::crossover_n(points, "lbanp", "cmanp", facade::BenchMetric::Memory),
            std::nullopt);
  EXPECT_EQ(facade::crossover_n(points, "cmanp", "nosuch", facade::BenchMetric::Memory),
            std::nullopt);

  const auto text = facade::sweep_conclusion(points);
  EXPECT_THAT(text, HasSubstr("cmanp holds 5.0 MiB at every N from 64 to 4,096"));
  EXPECT_THAT(text, HasSubstr("memory is below lbanp's from N = 4,096 and tnpd's at every N"));
  EXPECT_THAT(text, HasSubstr("update is faster than lbanp's from N = 4,096 and tnpd's from "
                              "N = 1,024"));
  EXPECT_THAT(text, HasSubstr("tnpd would need ~64.0 MiB at N = 1,024 (predicted, not run)"));
}

}  // namespace
}  // namespace nplab

// bench stream: a CMANP fed point chunks ends where one conditioning on every point does, at a
// constant state size; a CSV streams row by row with file:line errors; a model whose prediction
// memory grows is stopped before the cap, one whose update grows past a time limit too; the live
// mode's lines (nplab/live_stream.h) survive JSON; bad rows can be skipped and reported; a
// reservoir of drawn points stays a uniform sample of a fixed size.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "nplab/bench/stream_bench.h"
#include "nplab/facade/live_stream.h"
#include "nplab/util/checks.h"
#include "temp_dir.h"

namespace nplab::bench {
namespace {

using ::testing::HasSubstr;

StreamBenchOptions small_stream(std::int64_t points) {
  StreamBenchOptions options;
  options.points = points;
  options.chunk = 100;
  options.targets = 32;
  return options;
}

TEST(StreamBench, CmanpStreamEndsWhereConditioningOnEveryPointDoes) {
  auto options = small_stream(5000);
  options.predict_every = 1000;
  const auto result = run_stream_bench(options);
  EXPECT_EQ(result.points, 5000);
  EXPECT_TRUE(result.stopped.empty()) << result.stopped;
  // Exact in exact arithmetic; in float32 the chunks of 100 sum in another order than one
  // conditioning does (the f64 contract tests check the exactness itself).
  ASSERT_TRUE(result.max_abs_difference.has_value());
  EXPECT_LT(*result.max_abs_difference, 1e-3);
  ASSERT_EQ(result.samples.size(), 5u);  // 1,000 ... 5,000
  for (const auto& sample : result.samples) {
    EXPECT_EQ(sample.state_bytes, result.samples.front().state_bytes);  // the latents only
    EXPECT_GT(sample.update_us, 0);
    EXPECT_GT(sample.points_per_second, 0);
  }
  EXPECT_EQ(result.samples.back().n, 5000);
}

TEST(StreamBench, ACsvStreamsRowByRowToTheSamePrediction) {
  nplab::testing::TempDir dir;
  std::ostringstream rows;
  rows << "x,y\n";
  for (int i = 0; i < 3000; ++i) {
    const double x = -2.0 + 4.0 * i / 3000;
    rows << x << "," << std::sin(3 * x) << "\n";
  }
  auto options = small_stream(1);
  options.csv = dir.write("points.csv", rows.str()).string();
  options.chunk = 256;
  const auto result = run_stream_bench(options);
  EXPECT_EQ(result.points, 3000);
  ASSERT_TRUE(result.max_abs_difference.has_value());
  EXPECT_LT(*result.max_abs_difference, 1e-3);
}

TEST(StreamBench, AMalformedCsvNamesTheFileAndLine) {
  nplab::testing::TempDir dir;
  auto options = small_stream(1);
  options.csv = dir.write("bad.csv", "x,y\n0.1,0.2\n0.3,abc\n").string();
  try {
    run_stream_bench(options);
    FAIL() << "a malformed row was accepted";
  } catch (const util::InvalidArgument& error) {
    EXPECT_THAT(error.what(), HasSubstr("bad.csv:3"));
  }
  options.csv = dir.write("nan.csv", "0.1,nan\n").string();
  try {
    run_stream_bench(options);
    FAIL() << "a NaN was accepted";
  } catch (const util::InvalidArgument& error) {
    EXPECT_THAT(error.what(), HasSubstr("nan.csv:1"));
    EXPECT_THAT(error.what(), HasSubstr("finite"));
  }
  options.csv = dir.write("empty.csv", "x,y\n").string();
  EXPECT_THROW(run_stream_bench(options), util::InvalidArgument);
}

TEST(StreamBench, AModelWhosePredictionMemoryGrowsIsStoppedBeforeTheCap) {
  auto options = small_stream(1'000'000);
  options.model = "tnpd";
  options.chunk = 500;
  options.cap_bytes = 64.0 * (1 << 20);
  const auto result = run_stream_bench(options);
  EXPECT_LT(result.points, 1'000'000);
  EXPECT_THAT(result.stopped, HasSubstr("memory cap"));
  EXPECT_FALSE(result.max_abs_difference.has_value());
  for (const auto& sample : result.samples) EXPECT_LE(sample.predict_peak_bytes, 64 << 20);
}

TEST(StreamBench, AModelWhoseUpdateGrowsIsStoppedAtTheUpdateTimeLimit) {
  auto options = small_stream(200'000);
  options.model = "lbanp";  // re-encodes every point on each update
  options.chunk = 1000;
  options.predict_every = 1000;
  options.verify = false;
  options.max_update_seconds = 0.02;
  const auto result = run_stream_bench(options);
  EXPECT_LT(result.points, 200'000);
  EXPECT_THAT(result.stopped, HasSubstr("one update of up to 1000 points takes"));
  EXPECT_THAT(result.stopped, HasSubstr("over the 0.02 s limit"));
  // CMANP's update does not grow: the same limit lets it finish.
  options.model = "cmanp";
  options.points = 20'000;
  options.max_update_seconds = 0.5;
  const auto cmanp = run_stream_bench(options);
  EXPECT_EQ(cmanp.points, 20'000);
  EXPECT_TRUE(cmanp.stopped.empty()) << cmanp.stopped;
}

TEST(StreamBench, SkippedRowsAreReportedWithFileAndLineAndTheRestStreams) {
  nplab::testing::TempDir dir;
  std::ostringstream rows;
  rows << "x,y\n";
  for (int i = 0; i < 500; ++i) rows << (i % 100 == 7 ? "oops" : "0.5") << "," << 0.25 << "\n";
  rows << "nan,1\n";
  auto options = small_stream(1);
  options.csv = dir.write("rows.csv", rows.str()).string();
  std::vector<std::string> where;
  options.on_bad_row = [&](const std::string& at, const std::string&) { where.push_back(at); };
  const auto result = run_stream_bench(options);
  EXPECT_EQ(result.points, 495);  // 500 rows, 5 of them bad, and the NaN
  EXPECT_EQ(result.bad_rows, 6);
  ASSERT_EQ(where.size(), 6u);
  EXPECT_THAT(where.front(), HasSubstr("rows.csv:9"));  // the header is line 1
  EXPECT_THAT(where.back(), HasSubstr("rows.csv:502"));
}

TEST(StreamBench, TheDrawnSampleHasAFixedSizeAndComesFromTheStream) {
  auto options = small_stream(20'000);
  options.reservoir = 300;
  options.predict_every = 5000;
  options.verify = false;
  std::vector<StreamPoint> slots(300, StreamPoint{-1, 0, 0});
  std::int64_t changes = 0;
  run_stream_bench(options, [&](const StreamSample& sample) {
    for (const auto& point : sample.new_points) {
      ASSERT_GE(point.slot, 0);
      ASSERT_LT(point.slot, 300);
      slots[static_cast<size_t>(point.slot)] = point;
      ++changes;
    }
  });
  for (const auto& point : slots) {
    EXPECT_GE(point.slot, 0) << "a slot was never filled";
    EXPECT_GE(point.x, -2.0f);  // the generator's x
    EXPECT_LE(point.x, 2.0f);
  }
  // Later points replace earlier ones: about 1,000 slot changes over these 7 samples (300 fills,
  // 300 ln(20000/300) ≈ 1,260 replacements, a slot changed twice between samples counted once).
  EXPECT_GT(changes, 600);
  EXPECT_LT(changes, 3000);
}

TEST(StreamBench, TheUpdateChunkFollowsTheRate) {
  StreamBenchOptions options;
  options.chunk = 1000;
  EXPECT_EQ(update_chunk(options), 1000);
  options.rate = 2000;  // 1/20 s of it
  EXPECT_EQ(update_chunk(options), 100);
  options.rate = 1;
  EXPECT_EQ(update_chunk(options), 1);
  options.rate = 1e9;
  EXPECT_EQ(update_chunk(options), 1000);
}

TEST(LiveStream, EveryKindOfLineSurvivesJson) {
  facade::StreamLine start;
  start.event = facade::StreamEvent::Start;
  start.model = "cmanp";
  start.source = "generator";
  start.planned_points = 1'000'000;
  start.chunk = 1000;
  start.cap_bytes = 2.5e9;
  start.sample_points = 2;
  start.targets = {-2, 0, 2};
  start.truth = {0.5, -0.25, 1};
  facade::StreamLine sample;
  sample.event = facade::StreamEvent::Sample;
  sample.n = 123'456;
  sample.resident_bytes = 150 << 20;
  sample.peak_resident_bytes = 160 << 20;
  sample.state_bytes = 614'400;
  sample.predict_peak_bytes = 1 << 20;
  sample.update_us = 25.5;
  sample.points_per_second = 31'000.5;
  sample.recent_points_per_second = 30'000;
  sample.seconds = 3.5;
  sample.bad_rows = 2;
  sample.mean = {0.1, 0.2, 0.3};
  sample.stddev = {0.01, 0.02, 0.03};
  sample.new_points = {{0, 0.5, 1.5}, {1, -1, 2}};
  facade::StreamLine bad;
  bad.event = facade::StreamEvent::BadRow;
  bad.where = "points.csv:7";
  bad.problem = "expected two numbers";
  facade::StreamLine end;
  end.event = facade::StreamEvent::End;
  end.points = 1'000'000;
  end.seconds = 31.5;
  end.stopped = "stopped at N = 5";
  end.max_abs_difference = 2e-6;
  for (const auto& line : {start, sample, bad, end}) {
    const auto json = facade::stream_line_to_json(line);
    EXPECT_EQ(json.find('\n'), std::string::npos);
    const auto back = facade::stream_line_from_json(json);
    ASSERT_TRUE(back.ok()) << back.error();
    const auto& got = back.value();
    EXPECT_EQ(got.event, line.event);
    EXPECT_EQ(got.model, line.model);
    EXPECT_EQ(got.targets, line.targets);
    EXPECT_EQ(got.truth, line.truth);
    EXPECT_EQ(got.planned_points, line.planned_points);
    EXPECT_EQ(got.n, line.n);
    EXPECT_EQ(got.state_bytes, line.state_bytes);
    EXPECT_EQ(got.peak_resident_bytes, line.peak_resident_bytes);
    EXPECT_DOUBLE_EQ(got.update_us, line.update_us);
    EXPECT_EQ(got.mean, line.mean);
    EXPECT_EQ(got.stddev, line.stddev);
    EXPECT_EQ(got.new_points, line.new_points);
    EXPECT_EQ(got.where, line.where);
    EXPECT_EQ(got.points, line.points);
    EXPECT_EQ(got.stopped, line.stopped);
    EXPECT_EQ(got.max_abs_difference, line.max_abs_difference);
  }
}

TEST(LiveStream, ALineThatIsNotOneSaysWhy) {
  EXPECT_THAT(facade::stream_line_from_json("not json").error(),
              HasSubstr("not a line of a stream"));
  EXPECT_THAT(facade::stream_line_from_json(R"({"event":"launch"})").error(), HasSubstr("launch"));
  EXPECT_FALSE(facade::stream_line_from_json(R"({"event":"sample","n":5})").ok());
  EXPECT_THAT(facade::stream_line_from_json(R"({"event":"start","model":"m","source":"s",)"
                                            R"("targets":[0,1],"truth":[1]})")
                  .error(),
              HasSubstr("1 values for 2 targets"));
  EXPECT_THAT(
      facade::stream_line_from_json(R"({"event":"sample","n":1,"resident_bytes":1,)"
                                    R"("peak_resident_bytes":1,"state_bytes":1,"update_us":1,)"
                                    R"("points_per_second":1,"mean":[1,2],"std":[1]})")
          .error(),
      HasSubstr("2 means and 1 stds"));
}

TEST(StreamBench, BadOptionsAreRefused) {
  auto options = small_stream(100);
  options.chunk = 0;
  EXPECT_THROW(run_stream_bench(options), util::InvalidArgument);
  options = small_stream(100);
  options.model = "nosuchmodel";
  EXPECT_ANY_THROW(run_stream_bench(options));
}

}  // namespace
}  // namespace nplab::bench

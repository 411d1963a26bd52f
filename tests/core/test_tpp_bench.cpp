// The point-process benchmark (bench/tpp_bench.h): rows for every model and history length,
// CMHP's state and per-event memory flat, THP's growing with the history (bytes are
// deterministic; timings are not asserted), and a length predicted past the cap is not run.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "nplab/bench/bench_csv.h"
#include "nplab/bench/tpp_bench.h"
#include "nplab/util/checks.h"
#include "test_support.h"

namespace nplab::bench {
namespace {

TppBenchOptions quick_options() {
  TppBenchOptions options;
  options.lengths = quick_history_lengths();
  options.repeats = 2;
  options.update_budget_seconds = 0.2;
  return options;
}

const SweepRow& row_of(const std::vector<SweepRow>& rows, const std::string& model,
                       std::int64_t n) {
  for (const auto& row : rows) {
    if (row.model == model && row.n == n) return row;
  }
  throw std::runtime_error("no row for " + model + " at " + std::to_string(n));
}

TEST(TppBench, CmhpHoldsConstantStateAndMemoryWhileThpsGrowWithTheHistory) {
  const auto rows = run_tpp_bench(quick_options());
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& row : rows) {
    EXPECT_EQ(row.status, RunStatus::Ok) << row.model << " " << row.n << ": " << row.error;
    EXPECT_GT(row.update_us, 0.0);
    EXPECT_GT(row.peak_bytes, row.state_bytes);  // the update's work comes on top of the state
  }
  const auto &cmhp_short = row_of(rows, "cmhp", 100), &cmhp_long = row_of(rows, "cmhp", 1000);
  EXPECT_GT(cmhp_short.state_bytes, 0);
  EXPECT_EQ(cmhp_short.state_bytes, cmhp_long.state_bytes);
  EXPECT_EQ(cmhp_short.peak_bytes, cmhp_long.peak_bytes);
  const auto &thp_short = row_of(rows, "thp", 100), &thp_long = row_of(rows, "thp", 1000);
  // THP keeps the history: 10x the events, 10x the state.
  EXPECT_EQ(thp_long.state_bytes, 10 * thp_short.state_bytes);
  // Its prediction re-encodes the whole history: the working memory grows with it (in proportion,
  // as its fused causal attention keeps no scores per pair), while CMHP's stays put.
  EXPECT_GT(thp_long.peak_bytes, 5 * thp_short.peak_bytes);

  const auto growth = tpp_growth(rows);
  ASSERT_EQ(growth.size(), 2u);
  EXPECT_EQ(growth[0].model, "cmhp");
  EXPECT_EQ(growth[0].from_n, 100);
  EXPECT_EQ(growth[0].to_n, 1000);
  EXPECT_DOUBLE_EQ(growth[0].state_ratio, 1.0);
  EXPECT_DOUBLE_EQ(growth[0].peak_ratio, 1.0);
  EXPECT_EQ(growth[1].model, "thp");
  EXPECT_DOUBLE_EQ(growth[1].state_ratio, 10.0);
  EXPECT_GT(growth[1].peak_ratio, 5.0);
  EXPECT_EQ(growth[1].predicted_to_n, 0);
}

TEST(TppBench, AHistoryPredictedPastTheMemoryCapIsNotRun) {
  auto options = quick_options();
  options.lengths = {100, 1'000, 20'000};
  options.cap_bytes = 16.0 * (1 << 20);
  const auto rows = run_tpp_bench(options);
  ASSERT_EQ(rows.size(), 6u);
  // CMHP's memory does not grow: it runs at 20,000 events under the same cap.
  EXPECT_EQ(row_of(rows, "cmhp", 20'000).status, RunStatus::Ok);
  EXPECT_EQ(row_of(rows, "cmhp", 20'000).state_bytes, row_of(rows, "cmhp", 100).state_bytes);
  const auto& thp = row_of(rows, "thp", 20'000);
  EXPECT_EQ(thp.status, RunStatus::Skipped);
  // At least linear from 1,000 to 20,000 events: 20 times the measured peak.
  EXPECT_GE(thp.peak_bytes, 0.99 * 20 * row_of(rows, "thp", 1000).peak_bytes);
  EXPECT_THAT(thp.error, ::testing::HasSubstr("memory cap"));
  const auto growth = tpp_growth(rows);
  ASSERT_EQ(growth.size(), 2u);
  EXPECT_EQ(growth[1].to_n, 1000);
  EXPECT_EQ(growth[1].predicted_to_n, 20'000);
}

TEST(TppBench, RowsWriteTheUpdateAndMemoryCsvSchemas) {
  const auto rows = run_tpp_bench(quick_options());
  std::ostringstream update, memory;
  write_csv_header(update, CsvKind::Update);
  write_csv_header(memory, CsvKind::Memory);
  for (const auto& row : rows) {
    write_csv_row(update, UpdateRow{row.model, row.n, 1, row.update_us, row.status, row.error});
    write_csv_row(memory, MemoryRow{row.model, row.n, 1, row.peak_bytes, row.status, row.error});
  }
  std::istringstream update_in(update.str()), memory_in(memory.str());
  const auto update_csv = read_bench_csv(update_in, "update.csv");
  const auto memory_csv = read_bench_csv(memory_in, "memory.csv");
  ASSERT_EQ(update_csv.update.size(), 4u);
  ASSERT_EQ(memory_csv.memory.size(), 4u);
  std::map<std::string, std::vector<std::int64_t>> lengths;
  for (const auto& row : memory_csv.memory) lengths[row.model].push_back(row.n);
  EXPECT_EQ(lengths["cmhp"], (std::vector<std::int64_t>{100, 1000}));
  EXPECT_EQ(lengths["thp"], (std::vector<std::int64_t>{100, 1000}));
}

TEST(TppBench, AnNpModelOrABadLengthIsRefused) {
  auto options = quick_options();
  options.models = {"cmanp"};
  testing::expect_invalid_argument([&] { run_tpp_bench(options); },
                                   {"cmanp", "not a point-process model"});
  options = quick_options();
  options.lengths = {0};
  testing::expect_invalid_argument([&] { run_tpp_bench(options); }, {"must be positive"});
}

}  // namespace
}  // namespace nplab::bench

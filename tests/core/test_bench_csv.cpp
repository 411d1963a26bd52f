// The benchmark CSV schema (nplab/bench/bench_csv.h): what a writer writes, the reader reads back
// field for field, statuses included; the CSVs the docs ship read; bad files are refused naming
// the file, the line and the field.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "nplab/bench/bench_csv.h"

namespace nplab::bench {
namespace {

template <class Row>
std::string csv_of(CsvKind kind, const std::vector<Row>& rows) {
  std::ostringstream out;
  write_csv_header(out, kind);
  for (const auto& row : rows) write_csv_row(out, row);
  return out.str();
}

BenchCsv read(const std::string& text, const std::string& name = "runs.csv") {
  std::istringstream in(text);
  return read_bench_csv(in, name);
}

std::string read_error(const std::string& text) {
  try {
    read(text, "bad.csv");
  } catch (const BenchCsvError& error) {
    return error.what();
  }
  return "(read without an error)";
}

TEST(BenchCsv, EveryKindHasItsOwnHeaderAndTheReaderRecognisesIt) {
  std::set<std::string> headers;
  for (const auto kind : csv_kinds()) {
    headers.insert(csv_header(kind));
    EXPECT_EQ(csv_header(kind).find(' '), std::string::npos) << to_string(kind);
    // A header alone is a file of that kind with no rows.
    EXPECT_NE(read_error(csv_header(kind) + "\n").find("bad.csv:1: no data rows"),
              std::string::npos)
        << to_string(kind);
  }
  EXPECT_EQ(headers.size(), csv_kinds().size());
}

TEST(BenchCsv, MemoryRowsRoundTripWithTheirStatusAndError) {
  std::vector<MemoryRow> rows(3);
  rows[0] = {"cmanp", 64, 256, 2097152, RunStatus::Ok, {}};
  rows[1] = {"tnpd", 65536, 256, 171798691840, RunStatus::Skipped, {}};
  rows[2] = {"lbanp", 256, 256, 0, RunStatus::Failed, "out of memory, tried 4 GiB\nat line 2"};
  const auto csv = read(csv_of(CsvKind::Memory, rows));
  ASSERT_EQ(csv.kind, CsvKind::Memory);
  ASSERT_EQ(csv.memory.size(), 3U);
  EXPECT_EQ(csv.rows(), 3U);
  EXPECT_EQ(csv.memory[0].model, "cmanp");
  EXPECT_EQ(csv.memory[0].peak_bytes, 2097152);
  EXPECT_EQ(csv.memory[0].status, RunStatus::Ok);
  EXPECT_EQ(csv.memory[1].peak_bytes, 171798691840);
  EXPECT_EQ(csv.memory[1].status, RunStatus::Skipped);
  EXPECT_EQ(csv.memory[2].status, RunStatus::Failed);
  // One line of the message, its comma made a semicolon so that the row keeps five fields.
  EXPECT_EQ(csv.memory[2].error, "out of memory; tried 4 GiB");
}

TEST(BenchCsv, AFailedUpdateIsNanAndReadsBackAsFailed) {
  std::vector<UpdateRow> rows(2);
  rows[0] = {"cmanp", 64, 1, 2100.5, RunStatus::Ok, {}};
  rows[1] = {"tnpd", 65536, 1, 0, RunStatus::Failed, "out of memory"};
  const auto text = csv_of(CsvKind::Update, rows);
  EXPECT_NE(text.find("tnpd,65536,1,nan\n"), std::string::npos) << text;
  const auto csv = read(text);
  ASSERT_EQ(csv.update.size(), 2U);
  EXPECT_DOUBLE_EQ(csv.update[0].update_us, 2100.5);
  EXPECT_EQ(csv.update[1].status, RunStatus::Failed);
}

TEST(BenchCsv, ScaleAttentionCmabAndSweepRowsRoundTrip) {
  ScaleRow scale;
  scale.model = "cmanp";
  scale.n = 1000000;
  scale.condition_seconds = 2.5;
  scale.points_per_second = 400000;
  scale.condition_peak_bytes = 4194304;
  scale.state_bytes = 1048576;
  scale.update_us = 210;
  scale.update_prepare_us = 900;
  scale.targets = 400;
  scale.query_us = 300;
  scale.update_query_us = 1300;
  const auto scale_csv = read(csv_of(CsvKind::Scale, std::vector{scale}));
  ASSERT_EQ(scale_csv.scale.size(), 1U);
  EXPECT_EQ(scale_csv.scale[0].n, 1000000);
  EXPECT_DOUBLE_EQ(scale_csv.scale[0].update_query_us, 1300);
  EXPECT_TRUE(std::isnan(scale_csv.scale[0].graph_update_prepare_us));
  EXPECT_EQ(scale_csv.scale[0].status, RunStatus::Ok);

  const AttentionRow attention{"full", 100000, 64, 0, 16384, 0, RunStatus::Failed, {}};
  const auto attention_csv = read(csv_of(CsvKind::Attention, std::vector{attention}));
  ASSERT_EQ(attention_csv.attention.size(), 1U);
  EXPECT_EQ(attention_csv.attention[0].mode, "full");
  EXPECT_EQ(attention_csv.attention[0].status, RunStatus::Failed);

  const auto cmab_csv =
      read(csv_of(CsvKind::Cmab, std::vector{CmabBenchRow{1000, 305.5, 1048576, 0}}));
  ASSERT_EQ(cmab_csv.cmab.size(), 1U);
  EXPECT_DOUBLE_EQ(cmab_csv.cmab[0].update_us, 305.5);

  const SweepRow sweep{"tnpd", 262144, RunStatus::Skipped, 3221225472, 5000.25, "predicted",
                       0,      12.5};
  const auto sweep_csv = read(csv_of(CsvKind::Sweep, std::vector{sweep}));
  ASSERT_EQ(sweep_csv.sweep.size(), 1U);
  EXPECT_EQ(sweep_csv.sweep[0].status, RunStatus::Skipped);
  EXPECT_EQ(sweep_csv.sweep[0].peak_bytes, 3221225472);
  EXPECT_DOUBLE_EQ(sweep_csv.sweep[0].update_us, 5000.25);
  EXPECT_DOUBLE_EQ(sweep_csv.sweep[0].condition_s, 12.5);
}

TEST(BenchCsv, TheCsvsTheDocsShipAllRead) {
  const std::filesystem::path docs = std::filesystem::path(NPLAB_SOURCE_DIR) / "docs" / "bench";
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(docs)) {
    if (entry.path().extension() != ".csv") continue;
    std::ifstream in(entry.path());
    EXPECT_NO_THROW({
      const auto csv = read_bench_csv(in, entry.path().filename().string());
      EXPECT_GT(csv.rows(), 0U) << entry.path();
    }) << entry.path();
    ++files;
  }
  EXPECT_GE(files, 6);
}

TEST(BenchCsv, BadFilesAreRefusedNamingFileLineAndField) {
  EXPECT_EQ(read_error(""), "bad.csv: empty file");
  EXPECT_EQ(read_error("x,y\n1,2\n").rfind("bad.csv:1: 'x,y' is not the header", 0), 0U);
  EXPECT_EQ(read_error("n,update_us,condition_peak_bytes\n100,300\n"),
            "bad.csv:2: 2 fields, expected 3");
  EXPECT_EQ(read_error("n,update_us,condition_peak_bytes\n100,300,1\n\n-5,300,1\n"),
            "bad.csv:4: '-5' is not a context size (a whole number ≥ 1)");
  EXPECT_EQ(read_error("model,n,new,update_us\ncmanp,64,1,fast\n"),
            "bad.csv:2: 'fast' is not a number");
  EXPECT_EQ(read_error("model,n,new,update_us\ncmanp,64,1,-3\n"),
            "bad.csv:2: '-3' is not a measurement (a number ≥ 0)");
  EXPECT_EQ(read_error("model,n,targets,peak_bytes,status\ncmanp,64,256,1,maybe\n"),
            "bad.csv:2: 'maybe' is not a status (ok, skipped or error: …)");
  EXPECT_EQ(read_error("model,n,targets,peak_bytes,status\n,64,256,1,ok\n"),
            "bad.csv:2: '' is not a name (empty)");
  EXPECT_EQ(read_error("model,n,targets,peak_bytes,status\ncmanp,64,256,inf,ok\n"),
            "bad.csv:2: 'inf' is not a byte count (a number ≥ 0)");
}

TEST(BenchCsv, AScaleCsvFromBeforeTheCudaGraphColumnReadsAsNotMeasured) {
  const auto csv = read(
      "model,n,condition_s,points_per_s,condition_peak_bytes,state_bytes,update_us,"
      "update_prepare_us,targets,query_us,update_query_us,status\n"
      "cmanp,100,0.01,10000,1048576,524288,200,900,400,300,1300,ok\n");
  ASSERT_EQ(csv.scale.size(), 1U);
  EXPECT_TRUE(std::isnan(csv.scale[0].graph_update_prepare_us));
  EXPECT_DOUBLE_EQ(csv.scale[0].update_query_us, 1300);
  EXPECT_EQ(read_error("model,n,condition_s,points_per_s,condition_peak_bytes,state_bytes,"
                       "update_us,update_prepare_us,targets,query_us,update_query_us,status\n"
                       "cmanp,100\n"),
            "bad.csv:2: 2 fields, expected 12");
}

TEST(BenchCsv, WindowsLineEndsAndSpacesAroundFieldsAreRead) {
  const auto csv = read("model,n,targets,peak_bytes,status\r\ncmanp, 64 ,256,1024,ok\r\n");
  ASSERT_EQ(csv.memory.size(), 1U);
  EXPECT_EQ(csv.memory[0].n, 64);
}

}  // namespace
}  // namespace nplab::bench

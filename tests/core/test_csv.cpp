// CSV points: reading with or without a header, errors that name the file and the line, and a
// prediction written then read back.

#include "nplab/data/csv.h"
#include "temp_dir.h"
#include "test_support.h"

namespace nplab::data {
namespace {

using testing::expect_invalid_argument;
using testing::TempDir;

TEST(CsvPoints, ReadsAHeaderAndRows) {
  TempDir dir;
  const auto file = dir.write("points.csv", "x, y\n0.5,1\n\n# a comment\n-2,3e-1\r\n+4,-0\n");
  const auto points = read_csv_points(file);
  EXPECT_EQ(points.header, (std::vector<std::string>{"x", "y"}));
  ASSERT_EQ(points.values.sizes(), (at::IntArrayRef{1, 3, 2}));
  EXPECT_EQ(points.values.scalar_type(), at::kFloat);
  const auto expected = at::tensor({0.5f, 1.0f, -2.0f, 0.3f, 4.0f, 0.0f}).view({1, 3, 2});
  EXPECT_TRUE(at::allclose(points.values, expected));
}

TEST(CsvPoints, ReadsWithoutAHeader) {
  TempDir dir;
  const auto points = read_csv_points(dir.write("plain.csv", "1,2,3\n4,5,6\n"), 3, at::kDouble);
  EXPECT_TRUE(points.header.empty());
  EXPECT_EQ(points.values.sizes(), (at::IntArrayRef{1, 2, 3}));
  EXPECT_EQ(points.values[0][1][2].item<double>(), 6.0);
}

TEST(CsvPoints, BadNumberNamesFileLineAndField) {
  TempDir dir;
  const auto file = dir.write("bad.csv", "x,y\n1,2\n3,abc\n");
  expect_invalid_argument([&] { read_csv_points(file); },
                          {file.string() + ":3", "'abc' is not a number", "column 2"});
  EXPECT_THROW(read_csv_points(file), DataError);
}

TEST(CsvPoints, AHugeBadFieldIsQuotedOnlyInPart) {
  TempDir dir;
  const std::string field(5'000'000, 'z');
  const auto file = dir.write("huge.csv", "x,y\n1," + field + "\n");
  try {
    read_csv_points(file);
    ADD_FAILURE() << "expected DataError";
  } catch (const DataError& error) {
    const std::string message = error.what();
    EXPECT_LT(message.size(), 300u);
    EXPECT_THAT(message, ::testing::HasSubstr(file.string() + ":2"));
    EXPECT_THAT(message, ::testing::HasSubstr("(5000000 characters)' is not a number"));
  }
}

TEST(CsvPoints, AFirstLineOfWordsIsAHeaderOnlyWhenItNamesTheColumns) {
  TempDir dir;
  for (const std::string header : {"x,y", "X, Y", "x0,y_1", "x,mean"}) {
    const auto file = dir.write("named.csv", header + "\n1,2\n");
    const auto points = read_csv_points(file);
    EXPECT_EQ(points.header.size(), 2u) << header;
    EXPECT_EQ(points.values.size(1), 1) << header;
  }
  // Words that name no column are a data row gone wrong, not a header to skip.
  for (const std::string first : {"input,output", "x,why", "xy,1e", "y2b,x"}) {
    const auto file = dir.write("words.csv", first + "\n1,2\n");
    expect_invalid_argument(
        [&] { read_csv_points(file); },
        {file.string() + ":1", "is not a number, and the line is not a header", "x0, x1"});
  }
}

TEST(CsvPoints, WrongColumnCountNamesTheLine) {
  TempDir dir;
  const auto file = dir.write("ragged.csv", "1,2\n3,4\n\n5,6,7\n");
  expect_invalid_argument([&] { read_csv_points(file); },
                          {file.string() + ":4", "expected 2 columns, got 3"});
  const auto narrow = dir.write("narrow.csv", "1\n2\n");
  expect_invalid_argument([&] { read_csv_points(narrow, 2); },
                          {narrow.string() + ":1", "expected 2 columns, got 1"});
}

TEST(CsvPoints, NanAndInfAreRejected) {
  TempDir dir;
  const auto file = dir.write("nan.csv", "x,y\nnan,1\n");
  expect_invalid_argument([&] { read_csv_points(file); }, {file.string() + ":2", "NaN or Inf"});
  const auto inf = dir.write("inf.csv", "1,2\n3,-inf\n");
  expect_invalid_argument([&] { read_csv_points(inf); }, {inf.string() + ":2", "NaN or Inf"});
  const auto huge = dir.write("huge.csv", "1e300,2\n");
  expect_invalid_argument([&] { read_csv_points(huge); }, {"float32 range"});
}

TEST(CsvPoints, EmptyOrMissingFilesAreRejected) {
  TempDir dir;
  const auto header_only = dir.write("header.csv", "x,y\n");
  expect_invalid_argument([&] { read_csv_points(header_only); }, {"no data rows"});
  expect_invalid_argument([&] { read_csv_points(dir.path() / "absent.csv"); }, {"no such file"});
}

TEST(CsvPoints, WrittenPredictionReadsBackExactly) {
  TempDir dir;
  const auto x = at::rand({1, 9, 1}, at::kFloat) * 4 - 2;
  const models::Prediction prediction{at::randn({1, 9, 1}, at::kFloat),
                                      at::rand({1, 9, 1}, at::kFloat)};
  const auto file = dir.path() / "prediction.csv";
  write_prediction_csv(file, x, prediction);
  const auto table = read_csv_points(file, 3);
  EXPECT_EQ(table.header, (std::vector<std::string>{"x", "mean", "std"}));
  EXPECT_TRUE(at::equal(table.values, at::cat({x, prediction.mean, prediction.stddev}, -1)));
}

TEST(CsvPoints, MultiDimensionalColumnsAreNumbered) {
  TempDir dir;
  const auto file = dir.path() / "image.csv";
  write_prediction_csv(file, at::zeros({4, 2}, at::kDouble),
                       {at::zeros({4, 3}, at::kDouble), at::ones({4, 3}, at::kDouble)});
  const auto table = read_csv_points(file, 8, at::kDouble);
  EXPECT_EQ(table.header, (std::vector<std::string>{"x0", "x1", "mean0", "mean1", "mean2", "std0",
                                                    "std1", "std2"}));
  expect_invalid_argument(
      [&] {
        write_prediction_csv(file, at::zeros({5, 2}), {at::zeros({4, 1}), at::ones({4, 1})});
      },
      {"same number of points"});
}

}  // namespace
}  // namespace nplab::data

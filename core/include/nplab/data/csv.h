#pragma once
// Points in CSV files: rows of comma-separated numbers, optionally under one header line of
// names. Blank lines and lines starting with '#' are skipped. A bad file throws DataError naming
// the file, the line and what was wrong (a field that is not a number, NaN or Inf, a row with the
// wrong number of columns).

#include <ATen/ATen.h>

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "nplab/data/data_error.h"
#include "nplab/models/neural_process.h"

namespace nplab::data {

struct CsvPoints {
  std::vector<std::string> header;  ///< column names; empty when the file has no header line
  at::Tensor values;                ///< [1, rows, columns] in the requested dtype, on the CPU
};

/// The field helpers every CSV reader of the project shares: a field without surrounding spaces,
/// tabs and carriage returns; a line's comma-separated fields, each trimmed; the whole field as a
/// number (a leading '+', NaN and Inf included), or nothing.
std::string_view trim_field(std::string_view text);
std::vector<std::string_view> split_csv_fields(std::string_view line);
std::optional<double> parse_csv_number(std::string_view field);

/// Whether a line's fields are a header: every field names a column, as x, y, mean or std,
/// alone or followed by a number (x0, x1, y_2, …; any case). A first line of other words is an
/// error rather than a header, so that a data row of typos is never skipped silently.
bool is_header_row(const std::vector<std::string_view>& fields);

/// Reads a CSV of numbers. `expected_columns` (when > 0) is the required column count.
/// The first line is a header when is_header_row says so.
CsvPoints read_csv_points(const std::filesystem::path& path, int64_t expected_columns = 0,
                          at::ScalarType dtype = at::kFloat);

/// Writes one row per point: the x columns, then the y columns, under the header "x,y"
/// (dim_x = dim_y = 1) or "x0,x1,..,y0,..", each value as the shortest text that reads back to
/// it (read_csv_points reads the file back exactly). x is [1, M, dx] or [M, dx], y the same with
/// dy. Written through a temporary file and a rename; failures throw DataError naming the file.
void write_csv_points(const std::filesystem::path& path, const at::Tensor& x, const at::Tensor& y);

/// Writes one row per query point: the x columns, then the predictive mean and std columns,
/// under the header "x,mean,std" (dim_x = dim_y = 1) or "x0,x1,..,mean0,..,std0,..".
/// x is [1, M, dx] or [M, dx]; the prediction's tensors [1, M, dy] or [M, dy].
void write_prediction_csv(const std::filesystem::path& path, const at::Tensor& x,
                          const models::Prediction& prediction);
/// The same table written to a stream (standard output for `nplab-cli predict`).
void write_prediction_csv(std::ostream& out, const at::Tensor& x,
                          const models::Prediction& prediction);

}  // namespace nplab::data

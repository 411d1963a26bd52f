#include "nplab/data/csv.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <optional>
#include <string_view>

#include "nplab/util/atomic_file.h"
#include "nplab/util/checks.h"
#include "nplab/util/input_file.h"

namespace nplab::data {
std::string_view trim_field(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

std::vector<std::string_view> split_csv_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    const auto comma = line.find(',', start);
    fields.push_back(trim_field(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

std::optional<double> parse_csv_number(std::string_view field) {
  if (!field.empty() && field.front() == '+') field.remove_prefix(1);
  double value = 0.0;
  const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (field.empty() || error != std::errc{} || end != field.data() + field.size()) return {};
  return value;
}

bool is_header_row(const std::vector<std::string_view>& fields) {
  const auto names_a_column = [](std::string_view field) {
    std::string lower(field);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const std::string_view stem : {"x", "y", "mean", "std"}) {
      if (!std::string_view(lower).starts_with(stem)) continue;
      std::string_view rest = std::string_view(lower).substr(stem.size());
      if (rest.starts_with('_')) rest.remove_prefix(1);
      if (rest.empty() && lower.size() == stem.size()) return true;
      if (!rest.empty() && rest.find_first_not_of("0123456789") == std::string_view::npos) {
        return true;
      }
    }
    return false;
  };
  return !fields.empty() && std::all_of(fields.begin(), fields.end(), names_a_column);
}

namespace {

class CsvReader {
 public:
  CsvReader(std::filesystem::path path, int64_t expected_columns, at::ScalarType dtype)
      : path_(std::move(path)), expected_columns_(expected_columns), dtype_(dtype) {}

  CsvPoints read() {
    if (const auto why = util::why_not_a_regular_file(path_)) {
      throw DataError(path_.string() + ": " + *why);
    }
    std::ifstream in(path_);
    if (!in) throw DataError(path_.string() + ": cannot open for reading");
    std::string line;
    int64_t line_number = 0;
    while (std::getline(in, line)) {
      ++line_number;
      std::string_view content = trim_field(line);
      if (line_number == 1 && content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);
      if (content.empty() || content.front() == '#') continue;
      take_line(content, line_number);
    }
    if (in.bad()) throw DataError(path_.string() + ": read error");
    if (rows_ == 0) throw DataError(path_.string() + ": no data rows");
    const auto values = at::tensor(values_, at::kDouble).view({1, rows_, columns_}).to(dtype_);
    return {std::move(header_), values};
  }

 private:
  [[noreturn]] void fail(int64_t line_number, const std::string& reason) const {
    throw DataError(path_.string() + ":" + std::to_string(line_number) + ": " + reason);
  }

  void take_line(std::string_view content, int64_t line_number) {
    const auto fields = split_csv_fields(content);
    const bool first_content_line = columns_ == 0;
    if (first_content_line) {
      if (expected_columns_ > 0 && static_cast<int64_t>(fields.size()) != expected_columns_) {
        fail(line_number, "expected " + std::to_string(expected_columns_) + " columns, got " +
                              std::to_string(fields.size()));
      }
      columns_ = static_cast<int64_t>(fields.size());
      if (is_header_row(fields)) {
        header_.assign(fields.begin(), fields.end());
        return;
      }
      const bool no_number = std::none_of(fields.begin(), fields.end(), [](std::string_view f) {
        return parse_csv_number(f).has_value();
      });
      if (no_number) {
        fail(line_number, "'" + util::excerpt_for_message(std::string(fields.front())) +
                              "' is not a number, and the line is not a header: a header names "
                              "the columns x, y (or x0, x1, …, y0, … for more dimensions)");
      }
    }
    if (static_cast<int64_t>(fields.size()) != columns_) {
      fail(line_number, "expected " + std::to_string(columns_) + " columns, got " +
                            std::to_string(fields.size()));
    }
    for (size_t column = 0; column < fields.size(); ++column) {
      values_.push_back(number(fields[column], line_number, column + 1));
    }
    ++rows_;
  }

  double number(std::string_view field, int64_t line_number, size_t column) const {
    const auto where = " in column " + std::to_string(column);
    const auto value = parse_csv_number(field);
    if (!value)
      fail(line_number,
           "'" + util::excerpt_for_message(std::string(field)) + "' is not a number" + where);
    if (!std::isfinite(*value)) fail(line_number, "NaN or Inf is not allowed" + where);
    if (dtype_ == at::kFloat && std::abs(*value) > std::numeric_limits<float>::max()) {
      fail(line_number,
           util::excerpt_for_message(std::string(field)) + " is out of float32 range" + where);
    }
    return *value;
  }

  std::filesystem::path path_;
  int64_t expected_columns_;
  at::ScalarType dtype_;
  std::vector<std::string> header_;
  std::vector<double> values_;
  int64_t columns_ = 0;
  int64_t rows_ = 0;
};

/// [1, M, d] or [M, d] as a contiguous CPU [M, d] tensor.
at::Tensor as_rows(const at::Tensor& tensor, const char* name) {
  if (!tensor.defined() || tensor.dim() < 2 || tensor.dim() > 3 ||
      (tensor.dim() == 3 && tensor.size(0) != 1)) {
    throw util::InvalidArgument(std::string(name) + ": expected [1, M, d] or [M, d], got " +
                                util::shape_string(tensor));
  }
  util::check_floating(tensor, name);
  return (tensor.dim() == 3 ? tensor[0] : tensor).cpu().contiguous();
}

std::vector<std::string> column_names(const std::string& stem, int64_t count) {
  if (count == 1) return {stem};
  std::vector<std::string> names;
  for (int64_t i = 0; i < count; ++i) names.push_back(stem + std::to_string(i));
  return names;
}

/// The rows of `table` [M, d], each value as the shortest text that reads back to the same value
/// in the table's own precision (float32 or float64).
template <typename T>
void append_rows(std::string& out, const at::Tensor& table) {
  const auto values = table.accessor<T, 2>();
  char buffer[64];
  for (int64_t row = 0; row < values.size(0); ++row) {
    for (int64_t column = 0; column < values.size(1); ++column) {
      if (column) out += ',';
      const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, values[row][column]);
      out.append(buffer, end);
    }
    out += '\n';
  }
}

}  // namespace

CsvPoints read_csv_points(const std::filesystem::path& path, int64_t expected_columns,
                          at::ScalarType dtype) {
  if (dtype != at::kFloat && dtype != at::kDouble) {
    throw util::InvalidArgument("read_csv_points: dtype must be float32 or float64");
  }
  return CsvReader(path, expected_columns, dtype).read();
}

namespace {

/// Tables [M, d] side by side under one header line, each named by its stem ("x" or "x0,x1,..").
std::string format_table(const std::vector<std::pair<const char*, at::Tensor>>& parts) {
  // One table [M, sum d] in the widest dtype of the parts.
  auto dtype = parts.front().second.scalar_type();
  for (const auto& part : parts) dtype = at::promote_types(dtype, part.second.scalar_type());
  std::vector<at::Tensor> columns;
  std::string text;
  for (const auto& [stem, values] : parts) {
    for (const auto& name : column_names(stem, values.size(1))) {
      text += (text.empty() ? "" : ",") + name;
    }
    columns.push_back(values.to(dtype));
  }
  text += '\n';
  const auto table = at::cat(columns, 1).contiguous();
  if (dtype == at::kFloat) {
    append_rows<float>(text, table);
  } else {
    append_rows<double>(text, table);
  }
  return text;
}

void write_atomically(const std::filesystem::path& path, const std::string& text) {
  try {
    util::write_file_atomically(path, text);
  } catch (const util::InvalidArgument& error) {
    throw DataError(error.what());
  }
}

std::string format_prediction_csv(const at::Tensor& x, const models::Prediction& prediction) {
  const auto inputs = as_rows(x, "x");
  const auto mean = as_rows(prediction.mean, "mean");
  const auto stddev = as_rows(prediction.stddev, "stddev");
  if (mean.sizes() != stddev.sizes() || mean.size(0) != inputs.size(0)) {
    throw util::InvalidArgument("write_prediction_csv: x " + util::shape_string(x) + ", mean " +
                                util::shape_string(prediction.mean) + " and stddev " +
                                util::shape_string(prediction.stddev) +
                                " must have the same number of points");
  }
  return format_table({{"x", inputs}, {"mean", mean}, {"std", stddev}});
}

}  // namespace

void write_prediction_csv(std::ostream& out, const at::Tensor& x,
                          const models::Prediction& prediction) {
  out << format_prediction_csv(x, prediction);
}

void write_prediction_csv(const std::filesystem::path& path, const at::Tensor& x,
                          const models::Prediction& prediction) {
  write_atomically(path, format_prediction_csv(x, prediction));
}

void write_csv_points(const std::filesystem::path& path, const at::Tensor& x, const at::Tensor& y) {
  const auto inputs = as_rows(x, "x");
  const auto outputs = as_rows(y, "y");
  if (inputs.size(0) != outputs.size(0)) {
    throw util::InvalidArgument("write_csv_points: x " + util::shape_string(x) + " and y " +
                                util::shape_string(y) + " must have the same number of points");
  }
  write_atomically(path, format_table({{"x", inputs}, {"y", outputs}}));
}

}  // namespace nplab::data

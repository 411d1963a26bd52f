#include "nplab/bench/bench_csv.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <istream>
#include <limits>
#include <ostream>
#include <sstream>

namespace nplab::bench {
namespace {

struct Schema {
  CsvKind kind;
  const char* name;
  std::vector<std::string> columns;
  /// A column that files written before it existed lack: such a file reads as if it held "nan".
  std::string added_later = {};
};

const std::vector<Schema>& schemas() {
  static const std::vector<Schema> all{
      {CsvKind::Cmab, "cmab", {"n", "update_us", "condition_peak_bytes"}},
      {CsvKind::Memory, "memory", {"model", "n", "targets", "peak_bytes", "status"}},
      {CsvKind::Update, "update", {"model", "n", "new", "update_us"}},
      {CsvKind::Scale,
       "scale",
       {"model", "n", "condition_s", "points_per_s", "condition_peak_bytes", "state_bytes",
        "update_us", "update_prepare_us", "targets", "query_us", "update_query_us",
        "graph_update_prepare_us", "status"},
       "graph_update_prepare_us"},
      {CsvKind::Attention,
       "attention",
       {"mode", "n", "queries", "peak_bytes", "output_bytes", "seconds", "status"}},
      {CsvKind::Sweep,
       "sweep",
       {"model", "n", "status", "peak_bytes", "state_bytes", "condition_s", "update_us"}},
  };
  return all;
}

const Schema& schema_of(CsvKind kind) {
  return *std::find_if(schemas().begin(), schemas().end(),
                       [&](const Schema& schema) { return schema.kind == kind; });
}

std::string join(const std::vector<std::string>& columns) {
  std::string line;
  for (const auto& column : columns) line += (line.empty() ? "" : ",") + column;
  return line;
}

/// A name (model, mode) as a field: commas would split the row.
std::string name_field(std::string name) {
  std::replace(name.begin(), name.end(), ',', ';');
  return name;
}

/// The fields of one data row, parsed by column type; a bad field throws BenchCsvError naming
/// the file, the line and the field.
class Fields {
 public:
  Fields(std::string where, std::vector<std::string> fields)
      : where_(std::move(where)), fields_(std::move(fields)) {}

  const std::string& text(std::size_t column) const { return fields_[column]; }

  /// A context size or a count of points: a whole number ≥ 1.
  std::int64_t size(std::size_t column) const {
    const auto& field = text(column);
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (error != std::errc() || end != field.data() + field.size() || value < 1) {
      fail(column, "is not a context size (a whole number ≥ 1)");
    }
    return value;
  }

  /// A number ≥ 0; "nan" (not measured) gives NaN.
  double measurement(std::size_t column) const {
    const double value = number(column);
    if (std::isnan(value)) return value;
    if (!std::isfinite(value) || value < 0) fail(column, "is not a measurement (a number ≥ 0)");
    return value;
  }

  std::int64_t bytes(std::size_t column) const {
    const double value = number(column);
    if (!std::isfinite(value) || value < 0 ||
        value > static_cast<double>(std::numeric_limits<std::int64_t>::max())) {
      fail(column, "is not a byte count (a number ≥ 0)");
    }
    return static_cast<std::int64_t>(value);
  }

  /// "ok", "skipped", "error" or "error: why"; the message goes to `error`.
  RunStatus status(std::size_t column, std::string& error) const {
    const auto& field = text(column);
    if (field == "ok") return RunStatus::Ok;
    if (field == "skipped") return RunStatus::Skipped;
    if (field.rfind("error", 0) == 0 && (field.size() == 5 || field[5] == ':')) {
      const auto start = field.find_first_not_of(' ', 6);
      error = start == std::string::npos ? std::string() : field.substr(start);
      return RunStatus::Failed;
    }
    fail(column, "is not a status (ok, skipped or error: …)");
  }

  std::string name(std::size_t column) const {
    if (text(column).empty()) fail(column, "is not a name (empty)");
    return text(column);
  }

  [[noreturn]] void fail(std::size_t column, const char* why) const {
    throw BenchCsvError(where_ + ": '" + text(column) + "' " + why);
  }

 private:
  double number(std::size_t column) const {
    const auto& field = text(column);
    if (field == "nan" || field == "NaN" || field == "-nan") {
      return std::numeric_limits<double>::quiet_NaN();
    }
    double value = 0;
    const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (error != std::errc() || end != field.data() + field.size()) {
      fail(column, "is not a number");
    }
    return value;
  }

  std::string where_;
  std::vector<std::string> fields_;
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const auto comma = line.find(',', start);
    std::string field = line.substr(start, comma == std::string::npos ? comma : comma - start);
    const auto first = field.find_first_not_of(" \t");
    const auto last = field.find_last_not_of(" \t");
    fields.push_back(first == std::string::npos ? std::string()
                                                : field.substr(first, last - first + 1));
    if (comma == std::string::npos) return fields;
    start = comma + 1;
  }
}

void read_row(const Fields& f, BenchCsv& csv) {
  switch (csv.kind) {
    case CsvKind::Cmab:
      csv.cmab.push_back({f.size(0), f.measurement(1), f.bytes(2), 0});
      return;
    case CsvKind::Memory: {
      MemoryRow row;
      row.model = f.name(0);
      row.n = f.size(1);
      row.targets = f.size(2);
      row.peak_bytes = f.bytes(3);
      row.status = f.status(4, row.error);
      csv.memory.push_back(std::move(row));
      return;
    }
    case CsvKind::Update: {
      UpdateRow row;
      row.model = f.name(0);
      row.n = f.size(1);
      row.new_points = f.size(2);
      row.update_us = f.measurement(3);
      if (std::isnan(row.update_us)) {
        row.status = RunStatus::Failed;
        row.error = "not measured (nan)";
      }
      csv.update.push_back(std::move(row));
      return;
    }
    case CsvKind::Scale: {
      ScaleRow row;
      row.model = f.name(0);
      row.n = f.size(1);
      row.condition_seconds = f.measurement(2);
      row.points_per_second = f.measurement(3);
      row.condition_peak_bytes = f.bytes(4);
      row.state_bytes = f.bytes(5);
      row.update_us = f.measurement(6);
      row.update_prepare_us = f.measurement(7);
      row.targets = f.size(8);
      row.query_us = f.measurement(9);
      row.update_query_us = f.measurement(10);
      row.graph_update_prepare_us = f.measurement(11);
      row.status = f.status(12, row.error);
      csv.scale.push_back(std::move(row));
      return;
    }
    case CsvKind::Attention: {
      AttentionRow row;
      row.mode = f.name(0);
      row.n = f.size(1);
      row.queries = f.size(2);
      row.peak_bytes = f.bytes(3);
      row.output_bytes = f.bytes(4);
      row.seconds = f.measurement(5);
      row.status = f.status(6, row.error);
      csv.attention.push_back(std::move(row));
      return;
    }
    case CsvKind::Sweep: {
      SweepRow row;
      row.model = f.name(0);
      row.n = f.size(1);
      row.status = f.status(2, row.error);
      row.peak_bytes = f.bytes(3);
      row.state_bytes = f.bytes(4);
      row.condition_s = f.measurement(5);
      row.update_us = f.measurement(6);
      csv.sweep.push_back(std::move(row));
      return;
    }
  }
}

}  // namespace

const std::vector<CsvKind>& csv_kinds() {
  static const std::vector<CsvKind> kinds = [] {
    std::vector<CsvKind> all;
    for (const auto& schema : schemas()) all.push_back(schema.kind);
    return all;
  }();
  return kinds;
}

const std::vector<std::string>& csv_columns(CsvKind kind) {
  return schema_of(kind).columns;
}

std::string csv_header(CsvKind kind) {
  return join(csv_columns(kind));
}

const char* to_string(CsvKind kind) {
  return schema_of(kind).name;
}

std::string status_field(RunStatus status, const std::string& error) {
  if (status != RunStatus::Failed) return to_string(status);
  std::string message = error.substr(0, error.find('\n'));
  std::replace(message.begin(), message.end(), ',', ';');
  return message.empty() ? "error" : "error: " + message;
}

void write_csv_header(std::ostream& out, CsvKind kind) {
  out << csv_header(kind) << '\n';
}

void write_csv_row(std::ostream& out, const CmabBenchRow& row) {
  out << row.n << ',' << row.update_us << ',' << row.condition_peak_bytes << std::endl;
}

void write_csv_row(std::ostream& out, const MemoryRow& row) {
  out << name_field(row.model) << ',' << row.n << ',' << row.targets << ',' << row.peak_bytes << ','
      << status_field(row.status, row.error) << std::endl;
}

void write_csv_row(std::ostream& out, const UpdateRow& row) {
  out << name_field(row.model) << ',' << row.n << ',' << row.new_points << ',';
  if (row.status == RunStatus::Ok) {
    out << row.update_us;
  } else {
    out << "nan";
  }
  out << std::endl;
}

void write_csv_row(std::ostream& out, const ScaleRow& row) {
  out << name_field(row.model) << ',' << row.n << ',' << row.condition_seconds << ','
      << row.points_per_second << ',' << row.condition_peak_bytes << ',' << row.state_bytes << ','
      << row.update_us << ',' << row.update_prepare_us << ',' << row.targets << ',' << row.query_us
      << ',' << row.update_query_us << ',' << row.graph_update_prepare_us << ','
      << status_field(row.status, row.error) << std::endl;
}

void write_csv_row(std::ostream& out, const AttentionRow& row) {
  out << name_field(row.mode) << ',' << row.n << ',' << row.queries << ',' << row.peak_bytes << ','
      << row.output_bytes << ',' << row.seconds << ',' << status_field(row.status, row.error)
      << std::endl;
}

void write_csv_row(std::ostream& out, const SweepRow& row) {
  out << name_field(row.model) << ',' << row.n << ',' << status_field(row.status, row.error) << ','
      << row.peak_bytes << ',' << row.state_bytes << ',' << row.condition_s << ',' << row.update_us
      << std::endl;
}

std::size_t BenchCsv::rows() const {
  return cmab.size() + memory.size() + update.size() + scale.size() + attention.size() +
         sweep.size();
}

BenchCsv read_bench_csv(std::istream& in, const std::string& name) {
  BenchCsv csv;
  std::string line;
  if (!std::getline(in, line)) throw BenchCsvError(name + ": empty file");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::size_t missing_column = std::string::npos;  // of an older file that lacks added_later
  const auto schema = std::find_if(schemas().begin(), schemas().end(), [&](const Schema& s) {
    if (join(s.columns) == line) return true;
    if (s.added_later.empty()) return false;
    auto older = s.columns;
    const auto at = std::find(older.begin(), older.end(), s.added_later);
    const auto position = static_cast<std::size_t>(at - older.begin());
    older.erase(at);
    if (join(older) != line) return false;
    missing_column = position;
    return true;
  });
  if (schema == schemas().end()) {
    std::string expected;
    for (const auto& s : schemas())
      expected += (expected.empty() ? "\"" : ", \"") + join(s.columns) + "\"";
    throw BenchCsvError(name + ":1: '" + line +
                        "' is not the header of a benchmark CSV (expected one of " + expected +
                        ")");
  }
  csv.kind = schema->kind;
  const auto columns = schema->columns.size();
  const auto file_columns = columns - (missing_column == std::string::npos ? 0 : 1);
  int line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    auto fields = split(line);
    const std::string where = name + ":" + std::to_string(line_number);
    if (fields.size() != file_columns) {
      throw BenchCsvError(where + ": " + std::to_string(fields.size()) + " fields, expected " +
                          std::to_string(file_columns));
    }
    if (missing_column != std::string::npos) {
      fields.insert(fields.begin() + static_cast<std::ptrdiff_t>(missing_column), "nan");
    }
    read_row(Fields(where, std::move(fields)), csv);
  }
  if (csv.rows() == 0) {
    throw BenchCsvError(name + ":" + std::to_string(line_number) + ": no data rows");
  }
  return csv;
}

}  // namespace nplab::bench
